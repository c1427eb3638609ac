"""Tables as CSV a reader can use: numbers rounded to what they mean, units in the headers.

One rule per column name (:data:`COLUMNS`): the header it is written under and its decimals;
shares are written as percentages. Columns without a rule keep their name and are rounded to
:data:`DEFAULT_DECIMALS`. Minus zero is written as zero, and no number in scientific
notation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["COLUMNS", "DEFAULT_DECIMALS", "csv_text", "readable"]

DEFAULT_DECIMALS = 3
# column -> (header, decimals, factor): the value written is round(value * factor, decimals)
COLUMNS: dict[str, tuple[str, int, float]] = {
    "km": ("km", 0, 1.0),
    "hours": ("hours", 1, 1.0),
    "days": ("days", 2, 1.0),
    "cost_usd": ("cost_usd_per_feu", 0, 1.0),
    "usd_per_feu": ("usd_per_feu", 0, 1.0),
    "generalized": ("generalized_usd_per_feu", 0, 1.0),
    "feu_per_year": ("feu_per_year", 0, 1.0),
    "delta_hours": ("delta_hours", 1, 1.0),
    "delta_cost_usd": ("delta_cost_usd_per_feu", 0, 1.0),
    "delta_pct": ("delta_pct", 2, 1.0),
    "delta_cost_pct": ("delta_cost_pct", 2, 1.0),
    "generalized_cost_change_pct": ("generalized_cost_change_pct", 2, 1.0),
    "share": ("share_pct", 2, 100.0),
    "unserved_share": ("unserved_pct", 2, 100.0),
    "ends_share": ("ends_pct", 2, 100.0),
    "value": ("od_pairs", 3, 1.0),
    "error": ("error_pct", 1, 100.0),
    "loo_error": ("loo_error_pct", 1, 100.0),
    "published_low": ("published_low", 2, 1.0),
    "published_high": ("published_high", 2, 1.0),
    "model": ("model", 2, 1.0),
    "capacity_feu_per_year": ("capacity_feu_per_year", 0, 1.0),
    "utilisation": ("utilisation", 3, 1.0),
    "queue_hours": ("queue_hours", 1, 1.0),
    "queue_days": ("queue_days", 1, 1.0),
}


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each float column rounded and renamed by :data:`COLUMNS`.

    Examples
    --------
    >>> frame = pd.DataFrame({"hours": [369.96046], "share": [0.2373114], "x": [-2.2e-16]})
    >>> readable(frame).to_dict("records")
    [{'hours': 370.0, 'share_pct': 23.73, 'x': 0.0}]
    """
    out = {}
    for name in frame.columns:
        header, decimals, factor = COLUMNS.get(name, (name, DEFAULT_DECIMALS, 1.0))
        column = frame[name]
        if pd.api.types.is_float_dtype(column) or (
            pd.api.types.is_integer_dtype(column) and factor != 1.0
        ):
            column = (column.astype(float) * factor).round(decimals) + 0.0  # -0.0 -> 0.0
            if decimals == 0:
                column = column.astype("Int64")
        out[header if name in COLUMNS else name] = column
    return pd.DataFrame(out, index=frame.index)


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text (no index, ``\\n`` line ends), :func:`readable` first.

    Examples
    --------
    >>> print(csv_text(pd.DataFrame({"km": [10525.827], "cost_usd": [7133.84]})), end="")
    km,cost_usd_per_feu
    10526,7134
    """
    shown = readable(frame)
    floats = [c for c in shown.columns if pd.api.types.is_float_dtype(shown[c])]
    shown[floats] = shown[floats].replace([np.inf, -np.inf], np.nan)
    return shown.to_csv(index=False, lineterminator="\n", float_format=_plain)


def _plain(value: float) -> str:
    """A float without scientific notation or trailing zeros."""
    text = np.format_float_positional(value, trim="-")
    return "0" if text == "-0" else text
