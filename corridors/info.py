"""Summary counts of a network: what ``corridors info`` prints."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from corridors.network import Network
from corridors.tables import COMPUTED_PREFIXES

__all__ = ["network_summary", "sourced_share"]


def network_summary(network: Network) -> dict:
    """Counts by kind, mode, status, country and corridor, and the share of sourced numbers.

    Examples
    --------
    >>> from corridors.network import load_network
    >>> summary = network_summary(load_network())
    >>> sorted(summary)[:4]
    ['corridors', 'countries', 'crossings', 'links']
    >>> 0 < summary["sourced_share"] <= 1
    True
    """
    places, links, crossings = network.places, network.links, network.crossings
    return {
        "places": {"total": len(places), "by_kind": _counts(places["kind"])},
        "links": {
            "total": len(links),
            "km": round(float(links["km"].sum()), 1),
            "by_mode": _counts(links["mode"]),
            "by_status": _counts(links["status"]),
            "km_basis": _counts(links["km_basis"]),
        },
        "crossings": {
            "total": len(crossings),
            "by_mode": _counts(crossings["mode"]),
            "by_status": _counts(crossings["status"]),
        },
        "countries": _counts(places["iso3"]),
        "corridors": {
            row.id: {"name": row.name_en, "places": len(row.places)}
            for row in network.corridors.itertuples()
        },
        "sources": len(network.sources),
        "sourced_share": round(sourced_share(network), 4),
    }


def sourced_share(network: Network) -> float:
    """Share of the numbers in the network that name a published source (not computed).

    The numbers counted are place coordinates, link lengths, crossing dwell times and
    transfer and mode parameters; a number is sourced when its source cell names at least
    one entry of the sources table rather than a ``computed:`` or ``estimate:`` method.
    """
    cells = [
        *network.places["coord_source"],
        *network.links["km_source"],
        *network.crossings["source"],
        *network.transfers["source"],
        *network.mode_params["source"],
    ]
    sourced = sum(1 for cell in cells if any(not s.startswith(COMPUTED_PREFIXES) for s in cell))
    return sourced / len(cells) if cells else 0.0


def _counts(values: pd.Series) -> dict[str, int]:
    counts = Counter(str(v) for v in values)
    return dict(sorted(counts.items()))
