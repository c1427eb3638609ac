"""Which places a map names, and where: places ranked by what matters at the map's extent,
each label tried round its marker and placed only where it covers no other label, the
legend or the scale bar (and at most one other marker), or left out; the same each run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridors.analysis.routing import Route
from corridors.network.model import Network
from corridors.outputs.labels import (
    word,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "Label",
    "display_xy",
    "dots",
    "label_items",
    "line_points",
    "link_ends",
    "pair_name",
    "place_labels",
    "place_points",
    "rank_places",
    "route_labels",
    "route_steps",
    "scatter_points",
    "throughput",
]

# which places are named first: China's gateways, then hubs, sea ports, foreign terminals ...
LABEL_TIERS = {
    "gateway": 0,
    "hub": 1,
    "sea_port": 2,
    "terminal": 3,
    "border_station": 4,
    "overseas_park": 5,
    "river_port": 6,
}


FLOW_LABELS = 40  # the places with most flow named on a flow map


MARKERS_COVERED = 1  # a label may cover one other place's marker when there is no other room


@dataclass
class Label:
    x: float  # projected
    y: float
    text: str
    size: float = 6.5
    colour: str = "0.15"
    weight: str = "normal"


def rank_places(network: Network, ids, first=()) -> list[str]:
    """Places in the order they are named: those in ``first``, China's gateways (border
    stations in China), hubs, sea ports, foreign terminals, other border stations, parks,
    river ports; within each, those on more corridors and with more links first."""
    places = network.places.loc[list(ids)]
    land = network.links[network.links["mode"] != "sea"]
    degree = pd.concat(
        [
            land["from"],
            land["to"],
            network.crossings["from"],
            network.crossings["to"],
        ]
    ).value_counts()
    first = set(first)

    def key(place: str):
        row = places.loc[place]
        kind = "gateway" if row.kind == "border_station" and row.iso3 == "CHN" else row.kind
        return (
            place not in first,
            LABEL_TIERS.get(kind, 9),
            -len(row.corridors),
            -int(degree.get(place, 0)),
            place,
        )

    return sorted(places.index, key=key)


def label_items(network: Network, ranked: list[str], crs, names, first=()) -> list[Label]:
    """Labels for ``ranked`` places: hubs, gateways and ``first`` larger."""
    points = network.geo.places.loc[ranked].to_crs(crs)
    first = set(first)
    items = []
    for place, point in zip(points.index, points.geometry, strict=True):
        row = network.places.loc[place]
        major = (
            place in first
            or row.kind == "hub"
            or (row.kind == "border_station" and row.iso3 == "CHN")
        )
        items.append(
            Label(point.x, point.y, str(names[place]), 7.0 if major else 6.5,
                   "0.1" if major else "0.3")
        )  # fmt: skip
    return items


def route_labels(ax: Axes, routes: list[Route], crs, names, lang: str) -> list[Label]:
    """The best route's ends and steps (crossings by the pair, transfers, ports: with their
    hours), the alternatives' steps, then the places the best route passes; each step
    marked."""
    network = routes[0].network
    places = network.geo.places
    items: list[Label] = []
    ends = [routes[0].origin, routes[0].destination]
    end_points = places.loc[ends].to_crs(crs)
    ax.scatter(end_points.geometry.x, end_points.geometry.y, s=40, color="black", zorder=12)
    for place, point in zip(end_points.index, end_points.geometry, strict=True):
        items.append(Label(point.x, point.y, str(names[place]), 8.0, "black", "bold"))
    seen = set(ends)
    for i, r in enumerate(routes):
        steps = route_steps(r)
        at = places.loc[[s[0] for s in steps]].to_crs(crs) if steps else None
        for (place, text, hours), point in zip(
            steps, at.geometry if at is not None else [], strict=True
        ):
            if place in seen:
                continue
            seen.update(text)
            ax.scatter(
                [point.x], [point.y], marker="s", s=30 if i == 0 else 18, color="white",
                edgecolor="black", zorder=12,
            )  # fmt: skip
            label = word("hours", lang, name=pair_name(text, names), hours=hours)
            items.append(Label(point.x, point.y, label, 7.0 if i == 0 else 6.5, "0.1"))
    passed = [
        p for p in dict.fromkeys([*routes[0].legs["from"], *routes[0].legs["to"]]) if p not in seen
    ]
    if passed:
        points = places.loc[passed].to_crs(crs)
        for place, point in zip(points.index, points.geometry, strict=True):
            items.append(Label(point.x, point.y, str(names[place]), 6.0, "0.35"))
    return items


def route_steps(r: Route) -> list[tuple[str, tuple[str, ...], float]]:
    """The route's stops with hours: (where the marker goes, the places that name it, hours).
    A crossing (with its gauge change) is one stop named by both sides, the Chinese side
    first and marked; a transfer or port is its place."""
    legs = r.legs
    places = r.network.places
    kinds = ["crossing", "gauge_change", "transfer", "port", "wait"]
    chosen = legs[legs.kind.isin(kinds)]
    out: dict[tuple[str, str], float] = {}
    for leg in chosen.to_dict("records"):
        pair = (leg["from"], leg["to"])
        out[pair] = out.get(pair, 0.0) + float(leg["hours"])
    steps = []
    for (a, b), hours in out.items():
        if a == b:
            steps.append((a, (a,), hours))
            continue
        if places.at[b, "iso3"] == "CHN" and places.at[a, "iso3"] != "CHN":
            a, b = b, a  # the Chinese side first
        steps.append((a, (a, b), hours))
    return steps


def pair_name(ids: tuple[str, ...], names) -> str:
    return "–".join(str(names[p]) for p in ids)


def link_ends(network: Network, link_ids, crossing_ids) -> set[str]:
    """The places at the ends of the given links and crossings (sea legs included)."""
    out: set[str] = set()
    for table, ids in (
        (pd.concat([network.links, network.sea_variants]), link_ids),
        (network.crossings, crossing_ids),
    ):
        chosen = table.loc[table.index.intersection(list(ids))]
        out |= set(chosen["from"]) | set(chosen["to"])
    return out & set(network.places.index)


def throughput(network: Network, flows: pd.DataFrame) -> pd.Series:
    """FEU per year through each place (the flows of the links and crossings it ends),
    largest first, ties by id."""
    table = pd.concat([network.links, network.sea_variants, network.crossings])
    used = flows[flows.id.isin(table.index) & (flows.feu_per_year > 0)]
    ends = table.loc[used.id, ["from", "to"]].to_numpy()
    feu = np.repeat(used.feu_per_year.to_numpy(), 2)
    through = pd.Series(feu, index=ends.ravel()).groupby(level=0).sum()
    through = through[through.index.isin(network.places.index)]
    order = sorted(through.index, key=lambda place: (-round(through[place], 6), place))
    return through[order]


def dots(ax: Axes, network: Network, ids, crs) -> None:
    """Small markers for places named on a map that draws no place markers of its own."""
    if len(ids):
        points = network.geo.places.loc[list(ids)].to_crs(crs)
        ax.scatter(points.geometry.x, points.geometry.y, s=7, color="0.2", zorder=7, lw=0)


def place_labels(ax: Axes, items: list[Label], *, avoid=()) -> None:
    """Name places in the order given, each where its text covers no label placed before,
    no marker and nothing in ``avoid`` (the legend), inside the map; a place with no such
    room is left unnamed. Positions are tried right, upper right, lower right, left, upper
    left, lower left, above, below; text is measured in display coordinates."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.patheffects import withStroke
    from matplotlib.transforms import Bbox

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    scale = fig.dpi / 72
    frame = ax.get_window_extent(renderer)
    boxes = [a.get_window_extent(renderer) for a in avoid if a is not None]
    boxes += [t.get_window_extent(renderer) for t in ax.texts]  # scale bar, attribution
    taken = _Taken(boxes)
    r = 2.5 * scale
    markers = scatter_points(ax)
    for item in items:
        px, py = ax.transData.transform((item.x, item.y))
        if not (frame.x0 <= px <= frame.x1 and frame.y0 <= py <= frame.y1):
            continue
        props = FontProperties(size=item.size, weight=item.weight)
        w, h, _ = renderer.get_text_width_height_descent(item.text, props, ismath=False)
        gap = 3.5 * scale
        candidates = (
            (px + gap, py - h / 2),
            (px + gap * 0.7, py + gap * 0.3),
            (px + gap * 0.7, py - h - gap * 0.3),
            (px - gap - w, py - h / 2),
            (px - gap * 0.7 - w, py + gap * 0.3),
            (px - gap * 0.7 - w, py - h - gap * 0.3),
            (px - w / 2, py + gap),
            (px - w / 2, py - gap - h),
        )
        others = markers[(np.abs(markers[:, 0] - px) > 0.5) | (np.abs(markers[:, 1] - py) > 0.5)]
        fits = []  # (markers covered, order, box) of the places inside the map clear of text
        for order, (x0, y0) in enumerate(candidates):
            box = Bbox.from_extents(x0 - 1, y0 - 1, x0 + w + 1, y0 + h + 1)
            if box.x0 < frame.x0 + 2 or box.x1 > frame.x1 - 2:
                continue
            if box.y0 < frame.y0 + 2 or box.y1 > frame.y1 - 2:
                continue
            if taken.overlaps(box):
                continue
            hit = (
                (others[:, 0] > box.x0 - r)
                & (others[:, 0] < box.x1 + r)
                & (others[:, 1] > box.y0 - r)
                & (others[:, 1] < box.y1 + r)
            )
            fits.append((int(hit.sum()), order, box))
        fits = [fit for fit in fits if fit[0] <= MARKERS_COVERED]
        if not fits:
            continue
        _, _, box = min(fits, key=lambda fit: fit[:2])
        ax.annotate(
            item.text,
            (item.x, item.y),
            xytext=((box.x0 + 1 - px) / scale, (box.y0 + 1 - py) / scale),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=item.size,
            fontweight=item.weight,
            color=item.colour,
            zorder=25,
            annotation_clip=False,
            path_effects=[withStroke(linewidth=2.2, foreground="white", alpha=0.85)],
        )
        taken.add(box)


class _Taken:
    """Boxes already covered, as rows of (x0, y0, x1, y1); a box overlaps one where
    matplotlib's ``Bbox.overlaps`` says so (touching counts), tested against all at once."""

    def __init__(self, boxes) -> None:
        self.extents = np.empty((0, 4))
        for box in boxes:
            self.add(box)

    def add(self, box) -> None:
        self.extents = np.vstack([self.extents, _extent(box)])

    def overlaps(self, box) -> bool:
        x0, y0, x1, y1 = _extent(box)
        e = self.extents
        return bool(np.any((x0 <= e[:, 2]) & (e[:, 0] <= x1) & (y0 <= e[:, 3]) & (e[:, 1] <= y1)))


def _extent(box) -> tuple[float, float, float, float]:
    """A box's (x0, y0, x1, y1), each pair in order (a Bbox may be flipped)."""
    x0, x1 = sorted((box.x0, box.x1))
    y0, y1 = sorted((box.y0, box.y1))
    return x0, y0, x1, y1


def scatter_points(ax: Axes) -> np.ndarray:
    """Display coordinates of every marker drawn with ``scatter``."""
    from matplotlib.collections import PathCollection

    arrays = [
        c.get_offset_transform().transform(c.get_offsets())
        for c in ax.collections
        if isinstance(c, PathCollection) and len(c.get_offsets())
    ]
    return np.concatenate(arrays) if arrays else np.empty((0, 2))


def line_points(ax: Axes, step: float = 6.0) -> list:
    """Points every ``step`` pixels along the lines drawn (the scale bar apart), in display
    coordinates: what a legend should not cover."""
    from matplotlib.collections import LineCollection

    lines = [np.column_stack(line.get_data()) for line in ax.lines if line.get_gid() != "scale"]
    for collection in ax.collections:
        if isinstance(collection, LineCollection):
            lines.extend(collection.get_segments())
    out = []
    for line in lines:
        out.extend(_along(ax.transData.transform(line), step).tolist())
    return out


def _along(xy: np.ndarray, step: float) -> np.ndarray:
    """Points every ``step`` along a polyline: each segment cut into as many whole steps as
    fit (at least one), both its ends included, as ``np.linspace`` would.

    Examples
    --------
    >>> _along(np.array([[0.0, 0.0], [12.0, 0.0], [12.0, 3.0]]), 6.0).tolist()
    [[0.0, 0.0], [6.0, 0.0], [12.0, 0.0], [12.0, 0.0], [12.0, 3.0]]
    """
    start, delta = xy[:-1], np.diff(xy, axis=0)
    cuts = np.maximum(1, (np.hypot(delta[:, 0], delta[:, 1]) / step).astype(int))
    segment = np.repeat(np.arange(len(delta)), cuts + 1)
    k = np.arange(len(segment)) - np.repeat(np.cumsum(cuts + 1) - (cuts + 1), cuts + 1)
    t = k * (1.0 / cuts[segment])
    t[k == cuts[segment]] = 1.0
    return start[segment] + t[:, None] * delta[segment]


def place_points(ax: Axes, network: Network, crs) -> list:
    return display_xy(ax, network.geo.places.to_crs(crs))


def display_xy(ax: Axes, points) -> list:
    xy = np.column_stack([points.geometry.x, points.geometry.y])
    return [tuple(p) for p in ax.transData.transform(xy)] if len(xy) else []
