"""Summary counts of a network: what ``corridors info`` prints."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from corridors.network.model import Network
from corridors.network.tables import COMPUTED_PREFIXES

__all__ = ["network_summary", "number_bases", "sourced_share"]


def network_summary(network: Network) -> dict:
    """Counts by kind, mode, status, country and corridor, and the share of sourced numbers.

    Examples
    --------
    >>> from corridors import load_network
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
        "numbers_by_basis": number_bases(network),
    }


def sourced_share(network: Network) -> float:
    """Share of the numbers in the network that name a published source.

    The numbers counted are place coordinates, link lengths (sea legs included), crossing
    figures, transfers, services, passages and mode parameters, one per source cell; a cell
    counts as published when it names sources and no ``estimate:`` or ``fitted:`` (see
    :func:`number_bases`).
    """
    bases = number_bases(network)
    total = sum(bases.values())
    return bases["published"] / total if total else 0.0


def number_bases(network: Network) -> dict[str, int]:
    """How many numbers are published, computed (by a stated method), fitted inside a
    published range (``corridors calibrate``) or estimated."""
    cells = [
        *network.places["coord_source"],
        *network.links["km_source"],
        *network.crossings["source"],
        *network.transfers["source"],
        *network.mode_params["source"],
        *network.services["source"],
        *network.passages["source"],
    ]
    counts = {"published": 0, "computed": 0, "fitted": 0, "estimate": 0}
    for cell in cells:
        if any(s.startswith("estimate:") for s in cell):
            counts["estimate"] += 1  # partly estimated, even where sources are named too
        elif any(s.startswith("fitted:") for s in cell):
            counts["fitted"] += 1
        elif all(s.startswith(COMPUTED_PREFIXES) for s in cell):
            counts["computed"] += 1
        else:
            counts["published"] += 1
    return counts


def _counts(values: pd.Series) -> dict[str, int]:
    counts = Counter(str(v) for v in values)
    return dict(sorted(counts.items()))
