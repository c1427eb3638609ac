"""Charts: the time/cost-distance chart (UNESCAP method). Maps are in
:mod:`corridors.outputs.maps`.

matplotlib is imported lazily, so the rest of the package works without a display.
"""

from __future__ import annotations

import itertools
from contextlib import nullcontext
from typing import TYPE_CHECKING

import pandas as pd

from corridors.analysis.routing import Route

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["time_cost_distance", "time_cost_distance_table"]

STEP_KINDS = ("crossing", "gauge_change", "transfer", "port", "wait", "passage")


def time_cost_distance_table(route: Route) -> pd.DataFrame:
    """Cumulative km, hours, P50 and P90 hours and USD at the start and end of every leg.

    Legs that cover no distance (crossings, gauge changes, transfers) show as vertical steps.
    A leg of no known spread counts its mean hours in the P50 and P90 columns.

    Examples
    --------
    >>> from corridors import load_network
    >>> from corridors.analysis.routing import route
    >>> table = time_cost_distance_table(route(load_network(), "Chongqing", "Singapore",
    ...                                        via=["Qinzhou"], modes=["rail", "sea"]))
    >>> list(table.columns)
    ['km', 'hours', 'hours_p50', 'hours_p90', 'cost_usd', 'kind', 'place', 'service']
    >>> table.loc[0, ["km", "hours", "cost_usd"]].astype(float).tolist()
    [0.0, 0.0, 0.0]
    """
    legs = route.legs
    quantiles = {q: legs[q].fillna(legs.hours).cumsum() for q in ("hours_p50", "hours_p90")}
    start = {"km": 0.0, "hours": 0.0, "hours_p50": 0.0, "hours_p90": 0.0, "cost_usd": 0.0}
    rows = [{**start, "kind": "start", "place": route.origin, "service": ""}]
    for i, leg in enumerate(legs.to_dict("records")):
        rows.append(
            {
                "km": leg["cum_km"],
                "hours": leg["cum_hours"],
                **{q: float(cum.iloc[i]) for q, cum in quantiles.items()},
                "cost_usd": leg["cum_cost_usd"],
                "kind": leg["kind"],
                "place": leg["to"],
                "service": leg["service"],
            }
        )
    return pd.DataFrame(rows)


def time_cost_distance(route: Route, *, title: str | None = None, lang: str = "en") -> Figure:
    """The time/cost-distance chart of a route: days and USD against km, steps labelled.

    Returns a matplotlib Figure with two panels (time, cost); save it with ``savefig``.
    ``lang="zh"`` draws it in Chinese (with a CJK font when one is installed, else in
    English, with a warning).
    """
    import matplotlib.pyplot as plt

    from corridors.outputs.labels import drawing_language, place_names

    names = place_names(route.network, lang)
    lang, font = drawing_language(lang)
    context = plt.rc_context({"font.family": [font, "DejaVu Sans"]}) if font else nullcontext()
    with context:
        return _chart(route, names, lang, title)


def _chart(route: Route, place_names: pd.Series, lang: str, title: str | None) -> Figure:
    import matplotlib.pyplot as plt

    from corridors.outputs.labels import service_names, word

    table = time_cost_distance_table(route)
    fig, (ax_time, ax_cost) = plt.subplots(2, 1, sharex=True, figsize=(9, 7))
    names = service_names(route.network, lang)
    colours = dict(zip(names.index, itertools.cycle(plt.get_cmap("tab10").colors)))
    for prev, row in itertools.pairwise(table.to_dict("records")):
        line_haul = row["kind"] == "line_haul"
        style = {"color": colours[row["service"]], "lw": 2.5} if line_haul else {}
        style = style or {"color": "0.35", "lw": 1.5}
        label = names[row["service"]] if line_haul else word("tcd_steps", lang)
        for ax, column, scale in ((ax_time, "hours", 24), (ax_cost, "cost_usd", 1)):
            ax.plot(
                [prev["km"], row["km"]],
                [prev[column] / scale, row[column] / scale],
                label=label,
                solid_capstyle="butt",
                **style,
            )
    if route.total.get("hours_p50") is not None:
        ax_time.fill_between(
            table.km,
            table.hours_p50 / 24,
            table.hours_p90 / 24,
            color="0.5",
            alpha=0.25,
            lw=0,
            label=word("tcd_spread", lang),
        )
    for km, place, days, kinds in _steps(table):
        kinds = " + ".join(word(kind, lang) for kind in kinds)
        label = word("tcd_step", lang, place=place_names[place], kinds=kinds, days=days)
        right = km > 0.6 * table.km.max()  # label to the left of late steps, so none is cut
        ax_time.annotate(
            label,
            (km, table.hours[table.km <= km].max() / 24),
            fontsize=7,
            xytext=(-4 if right else 4, -10),
            textcoords="offset points",
            ha="right" if right else "left",
        )
    ax_time.set_ylabel(word("tcd_time", lang))
    ax_cost.set_ylabel(word("tcd_cost", lang))
    ax_cost.set_xlabel(word("tcd_km", lang))
    for ax in (ax_time, ax_cost):
        ax.grid(alpha=0.3)
        ax.margins(x=0.12)
    handles, labels = ax_time.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))  # one entry per service
    ax_time.legend(unique.values(), unique.keys(), fontsize=7, loc="upper left")
    fig.suptitle(
        title
        or word(
            "tcd_title",
            lang,
            origin=place_names[route.origin],
            destination=place_names[route.destination],
            objective=word(route.objective, lang),
        )
    )
    fig.tight_layout()
    return fig


def _steps(table: pd.DataFrame) -> list[tuple[float, str, float, list[str]]]:
    """Runs of consecutive steps (borders, terminals, waits) longer than 6 hours: km, place,
    days, kinds."""
    runs: list[tuple[float, str, float, list[str]]] = []
    rows = table.to_dict("records")
    for prev, row in itertools.pairwise(rows):
        if row["kind"] not in STEP_KINDS:
            continue
        days = (row["hours"] - prev["hours"]) / 24
        kind = row["kind"]
        if runs and prev["kind"] in STEP_KINDS and runs[-1][0] == prev["km"]:
            km, place, total, kinds = runs[-1]
            runs[-1] = (km, place, total + days, [*kinds, kind])
        else:
            runs.append((row["km"], row["place"], days, [kind]))
    return [run for run in runs if run[2] * 24 > 6]
