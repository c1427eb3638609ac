"""Maps: routes, the network, flows and scenario differences over the shipped basemap.

Every map uses an equal-area conic projection centred on its extent (not Web Mercator),
draws sea, land and borders distinctly, and carries a scale bar and the basemap's
attribution. Lines that cross the projection's antimeridian are cut there, so nothing is
drawn the wrong way round the globe. The places that matter at the map's extent are named
(in priority order, each label placed where it covers no other label, marker or the legend,
or left out), in English or, with ``lang="zh"`` and a CJK font installed, in Chinese with
every title and legend. The figure is sized to the map, so nothing blank is saved round it.
Each function returns the matplotlib Figure.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from corridors.analysis.routing import Route
from corridors.network.basemap import load_basemap
from corridors.network.model import Network
from corridors.outputs.labels import (
    PASSAGES_ZH,
    drawing_language,
    place_names,
    route_name,
    word,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "EXTENTS",
    "map_crs",
    "plot_difference",
    "plot_flows",
    "plot_network",
    "plot_route",
    "split_at_antimeridian",
]

# west, south, east, north (degrees)
EXTENTS = {
    "eurasia": (-12.0, -5.0, 145.0, 62.0),
    "land_sea": (90.0, -5.0, 125.0, 35.0),
    "central_asia": (45.0, 33.0, 95.0, 56.0),
}
SEA, LAND, BORDER = "#d9e8f5", "#f3f0e8", "#a89f91"
MODE_COLOURS = {"rail": "#b2182b", "road": "#e08214", "inland_water": "#2166ac", "sea": "#4393c3"}
PLANNED_COLOUR = "#e7298a"  # planned and under-construction links, drawn on top
PLANNED_DASHES = {"rail": (0, (4, 2)), "road": (0, (5, 1, 1, 1)), "inland_water": (0, (1.5, 1.5))}
MORE, LESS = "#d7301f", "#2b8cbe"
KIND_MARKERS = {
    "hub": ("o", 28),
    "border_station": ("s", 16),
    "sea_port": ("^", 22),
    "river_port": ("v", 18),
    "terminal": ("D", 14),
    "overseas_park": ("*", 50),
}
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
ATTRIBUTION = word("attribution")
MAP_WIDTH, MAP_HEIGHT = 11.0, 8.5  # inches: the largest the map itself is drawn
MARGIN, TITLE_SPACE, COLORBAR_SPACE = 0.08, 0.42, 1.15  # inches round the map
FLOW_LABELS = 40  # the places with most flow named on a flow map
MARKERS_COVERED = 1  # a label may cover one other place's marker when there is no other room


def map_crs(extent: tuple[float, float, float, float]) -> CRS:
    """An Albers equal-area conic projection for ``extent``: centred on it, with standard
    parallels at a sixth and five sixths of its latitudes."""
    west, south, east, north = extent
    span = north - south
    lat_1, lat_2 = south + span / 6, north - span / 6
    lon_0 = (west + east) / 2
    return CRS.from_proj4(
        f"+proj=aea +lat_1={lat_1} +lat_2={lat_2} +lat_0={(south + north) / 2} "
        f"+lon_0={lon_0} +datum=WGS84 +units=m +no_defs"
    )


def split_at_antimeridian(line, lon_0: float) -> list:
    """The line cut where it crosses the meridian opposite ``lon_0``, each part with its
    longitudes inside (lon_0 - 180, lon_0 + 180], so no segment spans the globe.

    Examples
    --------
    >>> parts = split_at_antimeridian(shapely.LineString([(170, 0), (-170, 10)]), 0)
    >>> [list(p.coords) for p in parts]
    [[(170.0, 0.0), (180.0, 5.0)], [(-180.0, 5.0), (-170.0, 10.0)]]
    """
    coords = np.asarray(line.coords, dtype=float)
    if len(coords) < 2:
        return [line]
    steps = (np.diff(coords[:, 0]) + 180) % 360 - 180  # each step the short way round
    rel = coords[0, 0] - lon_0 + np.concatenate([[0.0], np.cumsum(steps)])
    window = np.floor((rel + 180) / 360)
    parts, current = [], [(rel[0] - 360 * window[0], coords[0, 1])]
    for i in range(1, len(coords)):
        if window[i] != window[i - 1]:
            edge = 360 * max(window[i], window[i - 1]) - 180
            t = (edge - rel[i - 1]) / (rel[i] - rel[i - 1])
            lat = coords[i - 1, 1] + t * (coords[i, 1] - coords[i - 1, 1])
            current.append((edge - 360 * window[i - 1], lat))
            parts.append(current)
            current = [(edge - 360 * window[i], lat)]
        current.append((rel[i] - 360 * window[i], coords[i, 1]))
    parts.append(current)
    return [
        shapely.LineString([(x + lon_0, y) for x, y in part]) for part in parts if len(part) > 1
    ]


def plot_route(
    route: Route,
    *,
    title: str | None = None,
    extent: str | tuple | None = None,
    lang: str = "en",
) -> Figure:
    """The route and its alternatives (best on top, each named in the legend by where it
    leaves the origin's country and its days), sea legs dashed. Crossings are named by the
    pair (the Chinese side first, where the marker is) with their hours, transfers by the
    place; the alternatives' crossings and the best route's places too, where there is room.
    ``lang="zh"`` draws it in Chinese (with a CJK font when one is installed, else in
    English, with a warning)."""
    import matplotlib.pyplot as plt

    network = route.network
    names = place_names(network, lang)
    lang, font = drawing_language(lang)
    routes = [route, *route.alternatives]
    frames = [r.to_gdf() for r in routes]
    with _fonts(font):
        fig, ax, crs = _figure(_extent(extent, pd.concat(frames)), lang)
        colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        handles = []
        for i in reversed(range(len(routes))):  # the best is drawn last, on top
            r, frame = routes[i], frames[i]
            moving = frame[frame.km > 0]
            colour, width = colours[i % len(colours)], 3.0 if i == 0 else 1.6
            for mode, legs in moving.groupby("mode", sort=True):
                _draw_lines(
                    ax,
                    legs.geometry,
                    crs,
                    color=colour,
                    lw=width,
                    ls="--" if mode == "sea" else "-",
                    zorder=10 - i,
                )
            name = word("route_km", lang, label=route_name(r, names, lang), km=r.total["km"])
            label = (
                word("best", lang, route=name)
                if i == 0
                else word("alternative", lang, i=i, route=name)
            )
            handles.insert(0, (_line_handle(colour, width), label))
        legend = _legend(ax, handles, avoid=_line_points(ax))
        items = _route_labels(ax, routes, crs, names, lang)
        _place_labels(ax, items, avoid=[legend])
        ax.set_title(
            title
            or word(
                "route_title",
                lang,
                origin=names[route.origin],
                destination=names[route.destination],
                objective=word(route.objective, lang),
            )
        )
    return fig


def plot_network(
    network: Network,
    *,
    extent: str | tuple = "eurasia",
    corridors: list[str] | None = None,
    sea: bool = False,
    title: str | None = None,
    lang: str = "en",
) -> Figure:
    """The network: links by mode, planned and under-construction ones dashed on top in
    their own colour, places by kind and the main ones named, the given corridors' links
    drawn thick; the sea legs (a mesh between every pair of ocean ports) only with ``sea``.
    ``lang="zh"`` draws it in Chinese."""
    names = place_names(network, lang)
    lang, font = drawing_language(lang)
    links = network.links if sea else network.links[network.links["mode"] != "sea"]
    highlighted = sorted(set(corridors or []))
    bounds = _extent(extent, None)
    window = shapely.geometry.box(*bounds)  # the legend lists only what the map shows
    with _fonts(font):
        fig, ax, crs = _figure(bounds, lang)
        handles = []
        operational = links[links["status"] == "operational"]
        for mode, group in operational.groupby("mode", sort=True):
            lw = 0.6 if mode == "sea" else 1.4
            alpha = 0.35 if mode == "sea" else 1.0
            _draw_lines(
                ax, group.geometry, crs, color=MODE_COLOURS[mode], lw=lw, zorder=4, alpha=alpha
            )
            if group.intersects(window).any():
                handle = _line_handle(MODE_COLOURS[mode], lw, alpha=alpha)
                handles.append((handle, word(mode, lang)))
        building = links[links["status"] != "operational"]
        for mode, group in building.groupby("mode", sort=True):
            dashes = PLANNED_DASHES.get(mode, "--")
            _draw_lines(ax, group.geometry, crs, color="white", lw=3.2, zorder=6)
            _draw_lines(ax, group.geometry, crs, color=PLANNED_COLOUR, lw=2.0, ls=dashes, zorder=7)
            if group.intersects(window).any():
                handle = _line_handle(PLANNED_COLOUR, 2.0, ls=dashes)
                handles.append((handle, word("planned", lang, mode=word(mode, lang))))
        first: list[str] = []
        if highlighted:
            chosen = links[links.corridors.map(lambda tags: bool(set(highlighted) & set(tags)))]
            _draw_lines(ax, chosen.geometry, crs, color="#6a3d9a", lw=4, zorder=3, alpha=0.6)
            label = _corridor_label(network, highlighted, lang)
            handles.append((_line_handle("#6a3d9a", 4, alpha=0.6), label))
            on = network.places.corridors.map(lambda tags: bool(set(highlighted) & set(tags)))
            first = list(network.places.index[on])
        handles += _places(ax, network.places, crs, lang, window)
        legend = _legend(ax, handles, avoid=_line_points(ax) + _place_points(ax, network, crs))
        ranked = _ranked(network, network.places.index, first=first)
        _place_labels(ax, _items(network, ranked, crs, names, first=first), avoid=[legend])
        ax.set_title(title or word("network_title", lang))
    return fig


def plot_flows(
    network: Network,
    flows,
    *,
    extent: str | tuple = "eurasia",
    title: str | None = None,
    lang: str = "en",
) -> Figure:
    """Flows of :func:`corridors.analysis.flows.assign`: link width by FEU per year (land
    links and sea legs, the scale in the legend), sea ports sized by their flow, the hubs,
    gateways and ports named. ``lang="zh"`` draws it in Chinese."""
    names = place_names(network, lang)
    lang, font = drawing_language(lang)
    links = pd.concat([network.links, network.sea_variants])
    flow = flows.links.set_index("id").feu_per_year
    biggest = float(flow.max()) if len(flow) else 1.0
    with _fonts(font):
        fig, ax, crs = _figure(_extent(extent, None), lang)
        handles = []
        for mode in ("sea", "inland_water", "road", "rail"):
            used = flow[flow.index.isin(links.index[links["mode"] == mode])]
            if used.empty:
                continue
            _draw_lines(
                ax,
                links.loc[used.index].geometry,
                crs,
                color=MODE_COLOURS[mode],
                lw=_width(used.to_numpy(), biggest, 7.0, 0.4),
                zorder=5,
                alpha=0.8,
            )
            handles.append((_line_handle(MODE_COLOURS[mode], 2.5, alpha=0.8), word(mode, lang)))
        handles += _width_handles(biggest, "0.45", 7.0, 0.4, lang)
        ports = flows.ports.set_index("id").feu_per_year
        ports = ports[ports > 0]
        points = network.places.loc[ports.index].to_crs(crs)
        shown = ax.scatter(
            points.geometry.x,
            points.geometry.y,
            s=10 + 300 * ports.to_numpy() / ports.max(),
            color="#08306b",
            alpha=0.6,
            zorder=7,
            linewidth=0,
        )
        handles.append((shown, word("port_flow", lang)))
        ax.text(
            0.99,
            0.06,
            word("widest_line", lang, feu=biggest),
            transform=ax.transAxes,
            ha="right",
            fontsize=7,
        )
        legend = _legend(ax, handles, avoid=_line_points(ax))
        through = _throughput(network, pd.concat([flows.links, flows.crossings]))
        land = [p for p in through.index if p not in ports.index][:FLOW_LABELS]
        busiest = sorted(ports.index, key=lambda place: (-round(ports[place], 6), place))
        ranked = [*land[: FLOW_LABELS // 2], *busiest, *land[FLOW_LABELS // 2 :]]
        _dots(ax, network, [p for p in ranked if p not in ports.index], crs)
        _place_labels(ax, _items(network, ranked, crs, names), avoid=[legend])
        ax.set_title(title or word("flows_title", lang))
    return fig


def plot_difference(
    network: Network,
    comparison,
    scenario: str,
    *,
    extent: str | tuple = "eurasia",
    title: str | None = None,
    lang: str = "en",
) -> Figure:
    """A scenario against the first of a :func:`corridors.analysis.compare.compare`: links
    and crossings coloured by the change of their flow (red more, blue less), their width by
    its size in FEU per year (the scale in the legend), and each origin by the change of its
    demand-weighted generalized cost. The title is the scenario's description (its first
    clause), or in Chinese what it closes and opens. ``lang="zh"`` draws it in Chinese."""
    names = place_names(network, lang)
    lang, font = drawing_language(lang)
    changes = comparison.elements
    changes = changes[(changes.scenario == scenario) & changes.kind.isin(["link", "crossing"])]
    changes = changes[changes.delta_feu.abs() > 0]
    links = pd.concat([network.links, network.sea_variants, network.crossings])
    biggest = float(changes.delta_feu.abs().max()) if len(changes) else 1.0
    with _fonts(font):
        fig, ax, crs = _figure(_extent(extent, None), lang, colorbar=True)
        handles = []
        for sign, colour, key in ((1, MORE, "more_flow"), (-1, LESS, "less_flow")):
            chosen = changes[np.sign(changes.delta_feu) == sign]
            handles.append((_line_handle(colour, 2.5, alpha=0.8), word(key, lang)))
            if chosen.empty:
                continue
            widths = _width(chosen.delta_feu.abs().to_numpy(), biggest, 6.0, 0.5)
            geometry = links.loc[chosen.id].geometry
            _draw_lines(ax, geometry, crs, color=colour, lw=widths, zorder=6, alpha=0.8)
        handles += _width_handles(biggest, "0.45", 6.0, 0.5, lang)
        od = comparison.od[comparison.od.scenario == scenario]
        served = od[od.reachable]
        weight = served.feu_per_year
        by_origin = (served.delta_pct * weight).groupby(served.origin).sum() / weight.groupby(
            served.origin
        ).sum()
        points = network.places.loc[by_origin.index].to_crs(crs)
        limit = max(1, by_origin.abs().max())
        shown = ax.scatter(
            points.geometry.x,
            points.geometry.y,
            c=by_origin.to_numpy(),
            cmap="RdBu_r",
            vmin=-limit,
            vmax=limit,
            s=40,
            edgecolor="black",
            linewidth=0.4,
            zorder=8,
        )
        box = ax.get_position()
        cax = fig.add_axes(
            [box.x1 + 0.25 / fig.get_figwidth(), box.y0 + 0.2 * box.height,
             0.16 / fig.get_figwidth(), 0.6 * box.height]
        )  # fmt: skip
        bar = fig.colorbar(shown, cax=cax)
        bar.set_label(word("cost_change", lang), fontsize=8)
        bar.ax.tick_params(labelsize=7)
        legend = _legend(
            ax,
            handles,
            avoid=_line_points(ax) + _xy(ax, points),
            title=word("change_legend", lang),
        )
        ends = _ends(
            network, changes.id[changes.kind == "link"], changes.id[changes.kind == "crossing"]
        )
        ranked = _ranked(
            network, [p for p in network.places.index if p in ends or p in by_origin.index]
        )
        _dots(ax, network, [p for p in ranked if p not in by_origin.index], crs)
        _place_labels(ax, _items(network, ranked, crs, names), avoid=[legend])
        base = comparison.scenarios[0]
        ax.set_title(
            title
            or "\n".join(
                textwrap.wrap(
                    word(
                        "difference_title",
                        lang,
                        scenario=_scenario_title(network, scenario, names, lang),
                        base=word("today", lang) if base == "base" else base,
                    ),
                    90,
                )
            )
        )
    return fig


# ---------------------------------------------------------------- the figure and basemap


def _fonts(font: str | None):
    """Every text of the figure in ``font`` (a CJK font, DejaVu Sans behind it for any
    glyph it lacks); matplotlib's defaults when None."""
    import matplotlib.pyplot as plt

    if font is None:
        return contextlib.nullcontext()
    return plt.rc_context({"font.family": [font, "DejaVu Sans"]})


def _extent(extent, frame) -> tuple[float, float, float, float]:
    if isinstance(extent, str):
        if extent not in EXTENTS:
            msg = f"unknown extent {extent!r}; use one of {', '.join(EXTENTS)} or (W, S, E, N)"
            raise ValueError(msg)
        return EXTENTS[extent]
    if extent is not None:
        return tuple(float(v) for v in extent)
    west, south, east, north = frame.total_bounds
    pad = 0.12 * max(east - west, north - south, 2.0)
    west, south, east, north = west - pad, max(south - pad, -80), east + pad, min(north + pad, 84)
    # no narrower than 0.9 of its height, nor lower than half its width, so the legend fits
    shrink = np.cos(np.radians((south + north) / 2))
    wide, high = (east - west) * shrink, north - south
    if wide < 0.9 * high:
        grow = (0.9 * high - wide) / shrink / 2
        west, east = west - grow, east + grow
    elif high < 0.5 * wide:
        grow = (0.5 * wide - high) / 2
        south, north = max(south - grow, -80), min(north + grow, 84)
    return (west, south, east, north)


def _figure(extent, lang: str, *, colorbar: bool = False):
    """A figure sized to the map (its width and height in the map's proportions, room for
    the title and a colour bar), so a saved map has no blank band round it."""
    import matplotlib.pyplot as plt

    crs = map_crs(extent)
    west, south, east, north = extent
    frame = shapely.geometry.box(west, south, east, north).segmentize(1.0)
    x0, y0, x1, y1 = gpd.GeoSeries([frame], crs=4326).to_crs(crs).total_bounds
    aspect = (y1 - y0) / (x1 - x0)
    width, height = MAP_WIDTH, MAP_WIDTH * aspect
    if height > MAP_HEIGHT:
        width, height = MAP_HEIGHT / aspect, MAP_HEIGHT
    fig_w = width + 2 * MARGIN + (COLORBAR_SPACE if colorbar else 0)
    fig_h = height + MARGIN + TITLE_SPACE
    fig = plt.figure(figsize=(fig_w, fig_h))
    ax = fig.add_axes([MARGIN / fig_w, MARGIN / fig_h, width / fig_w, height / fig_h])
    ax.set_facecolor(SEA)
    _world(extent).to_crs(crs).plot(ax=ax, color=LAND, edgecolor=BORDER, lw=0.4, zorder=1)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.apply_aspect()
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    _scale_bar(ax, x0, y0, x1, y1, lang)
    ax.text(
        0.99,
        0.01,
        word("attribution", lang),
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=6,
        color="0.35",
        gid="attribution",
    )
    return fig, ax, crs


def _world(extent) -> gpd.GeoDataFrame:
    """The basemap's countries cut to a margin round the map (no polygon wraps round the
    projection or swells near a pole), copies shifted by 360° filling across ±180°."""
    west, south, east, north = extent
    world = load_basemap()
    window = shapely.geometry.box(
        max(west - 40, (west + east) / 2 - 179.9),
        max(south - 25, -70),
        min(east + 40, (west + east) / 2 + 179.9),
        min(north + 25, 85),
    )
    copies = [
        world.geometry.translate(xoff=shift).intersection(window) for shift in (-360, 0, 360)
    ]
    shapes = pd.concat(copies, ignore_index=True)
    return gpd.GeoDataFrame(geometry=shapes[~shapes.is_empty], crs=4326)


def _scale_bar(ax: Axes, x0: float, y0: float, x1: float, y1: float, lang: str) -> None:
    """A bar of a round number of km, about a fifth of the map's width, bottom left."""
    target = (x1 - x0) / 5 / 1000
    km = max(k for k in (50, 100, 200, 250, 500, 1000, 2000) if k <= max(target, 50))
    left, bottom = x0 + 0.03 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    ax.plot(
        [left, left + km * 1000], [bottom, bottom], color="black", lw=3, zorder=20, gid="scale"
    )
    ax.text(
        left,
        bottom + 0.015 * (y1 - y0),
        word("scale_km", lang, km=km),
        fontsize=7,
        zorder=20,
        gid="scale",
    )


def _draw_lines(ax: Axes, geometries, crs, *, lw=1.0, **style) -> None:
    """Lines in lon/lat, cut at the projection's antimeridian, projected and drawn."""
    lon_0 = next(
        p.value for p in crs.coordinate_operation.params if p.name.startswith("Longitude")
    )
    widths = np.broadcast_to(np.asarray(lw, dtype=float), (len(geometries),))
    parts, part_widths = [], []
    for geometry, width in zip(geometries, widths, strict=True):
        for line in getattr(geometry, "geoms", [geometry]):
            if line.geom_type != "LineString":
                continue
            for part in split_at_antimeridian(line, lon_0):
                parts.append(part)
                part_widths.append(width)
    if not parts:
        return
    projected = gpd.GeoSeries(parts, crs=4326).to_crs(crs)
    for line, width in zip(projected, part_widths, strict=True):
        x, y = line.xy
        ax.plot(x, y, lw=width, solid_capstyle="round", **style)


def _places(ax: Axes, places, crs, lang: str, window) -> list[tuple]:
    """Places by kind, black markers; the legend handles of the kinds inside ``window``
    (lon/lat)."""
    shown = set(places.kind[places.within(window)])
    points = places.to_crs(crs)
    handles = []
    for kind, (marker, size) in KIND_MARKERS.items():
        chosen = points[points.kind == kind]
        if len(chosen):
            drawn = ax.scatter(
                chosen.geometry.x,
                chosen.geometry.y,
                marker=marker,
                s=size,
                color="black",
                zorder=8,
                linewidth=0,
            )
            if kind in shown:
                handles.append((drawn, word(kind, lang)))
    return handles


# ---------------------------------------------------------------- legends


def _line_handle(colour, width: float, *, ls="-", alpha: float = 1.0):
    from matplotlib.lines import Line2D

    return Line2D([], [], color=colour, lw=width, ls=ls, alpha=alpha, solid_capstyle="butt")


def _width(values, biggest: float, scale: float, least: float):
    """Line width (points) for a flow: ``least`` plus ``scale`` at the biggest."""
    return least + scale * np.asarray(values, dtype=float) / biggest


def _width_handles(biggest: float, colour, scale: float, least: float, lang: str) -> list:
    """Legend entries giving the line width of two round flows (FEU per year)."""
    shown = []
    for value in (_round_down(biggest), _round_down(biggest / 5)):
        if value > 0 and value not in shown:
            shown.append(value)
    return [
        (
            _line_handle(colour, float(_width(v, biggest, scale, least))),
            word("feu_per_year", lang, feu=v),
        )
        for v in shown
    ]


def _round_down(value: float) -> float:
    """The largest of 1, 2 or 5 times a power of ten not above ``value``.

    Examples
    --------
    >>> _round_down(6_041_016), _round_down(380), _round_down(0.0)
    (5000000.0, 200.0, 0.0)
    """
    if value <= 0:
        return 0.0
    power = 10.0 ** np.floor(np.log10(value))
    return float(max(m * power for m in (1, 2, 5) if m * power <= value))


def _legend(ax: Axes, handles: list[tuple], *, avoid: list, title: str | None = None):
    """One entry per label, in the corner of the map that covers fewest of the points in
    ``avoid`` (display coordinates): upper left, upper right, then lower left and lower
    right above the scale bar and attribution. Returns the legend."""
    unique = dict((label, handle) for handle, label in reversed(handles))
    labels = [label for _, label in handles if label in unique]
    labels = list(dict.fromkeys(labels))
    if not labels:
        return None
    renderer = ax.figure.canvas.get_renderer()
    points = np.asarray(avoid, dtype=float).reshape(-1, 2)
    best, best_count = None, None
    for loc, anchor in (
        ("upper left", None),
        ("upper right", None),
        ("lower left", (0.0, 0.09)),
        ("lower right", (1.0, 0.08)),
    ):
        legend = ax.legend(
            [unique[label] for label in labels],
            labels,
            loc=loc,
            bbox_to_anchor=anchor,
            fontsize=7,
            title=title,
            title_fontsize=7,
            framealpha=0.9,
        )
        box = legend.get_window_extent(renderer)
        inside = (
            (points[:, 0] >= box.x0)
            & (points[:, 0] <= box.x1)
            & (points[:, 1] >= box.y0)
            & (points[:, 1] <= box.y1)
        )
        count = int(inside.sum())
        if best_count is None or count < best_count:
            best, best_count = (loc, anchor), count
    legend = ax.legend(
        [unique[label] for label in labels],
        labels,
        loc=best[0],
        bbox_to_anchor=best[1],
        fontsize=7,
        title=title,
        title_fontsize=7,
        framealpha=0.9,
    )
    legend.set_zorder(30)
    return legend


def _corridor_label(network: Network, ids: list[str], lang: str) -> str:
    """The corridors' names, their shared beginning said once, wrapped for a legend."""
    column = "name_zh" if lang == "zh" else "name_en"
    names = [str(n) for n in network.corridors.set_index("id").loc[ids, column]]
    if len(names) > 1:
        common = _common_start(names, lang)
        if common:
            joiner = "、" if lang == "zh" else "; "
            names = [common + joiner.join(n[len(common) :] for n in names)]
    label = ("、" if lang == "zh" else "; ").join(names)
    return label if lang == "zh" else "\n".join(textwrap.wrap(label, 48))


def _common_start(names: list[str], lang: str) -> str:
    """The words every name begins with (in Chinese, the characters), ending at a colon in
    English."""
    first = names[0]
    n = 0
    while n < len(first) and all(len(s) > n and s[n] == first[n] for s in names):
        n += 1
    common = first[:n]
    if lang == "zh":
        return common
    cut = common.rfind(": ")
    return common[: cut + 2] if cut >= 0 else ""


# ---------------------------------------------------------------- place names


@dataclass
class _Label:
    x: float  # projected
    y: float
    text: str
    size: float = 6.5
    colour: str = "0.15"
    weight: str = "normal"


def _ranked(network: Network, ids, first=()) -> list[str]:
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


def _items(network: Network, ranked: list[str], crs, names, first=()) -> list[_Label]:
    """Labels for ``ranked`` places: hubs, gateways and ``first`` larger."""
    points = network.places.loc[ranked].to_crs(crs)
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
            _Label(point.x, point.y, str(names[place]), 7.0 if major else 6.5,
                   "0.1" if major else "0.3")
        )  # fmt: skip
    return items


def _route_labels(ax: Axes, routes: list[Route], crs, names, lang: str) -> list[_Label]:
    """The best route's ends and steps (crossings by the pair, transfers, ports: with their
    hours), the alternatives' steps, then the places the best route passes; each step
    marked."""
    network = routes[0].network
    places = network.places
    items: list[_Label] = []
    ends = [routes[0].origin, routes[0].destination]
    end_points = places.loc[ends].to_crs(crs)
    ax.scatter(end_points.geometry.x, end_points.geometry.y, s=40, color="black", zorder=12)
    for place, point in zip(end_points.index, end_points.geometry, strict=True):
        items.append(_Label(point.x, point.y, str(names[place]), 8.0, "black", "bold"))
    seen = set(ends)
    for i, r in enumerate(routes):
        steps = _steps(r)
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
            label = word("hours", lang, name=_pair(text, names), hours=hours)
            items.append(_Label(point.x, point.y, label, 7.0 if i == 0 else 6.5, "0.1"))
    passed = [
        p for p in dict.fromkeys([*routes[0].legs["from"], *routes[0].legs["to"]]) if p not in seen
    ]
    if passed:
        points = places.loc[passed].to_crs(crs)
        for place, point in zip(points.index, points.geometry, strict=True):
            items.append(_Label(point.x, point.y, str(names[place]), 6.0, "0.35"))
    return items


def _steps(r: Route) -> list[tuple[str, tuple[str, ...], float]]:
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


def _pair(ids: tuple[str, ...], names) -> str:
    return "–".join(str(names[p]) for p in ids)


def _ends(network: Network, link_ids, crossing_ids) -> set[str]:
    """The places at the ends of the given links and crossings (sea legs included)."""
    out: set[str] = set()
    for table, ids in (
        (pd.concat([network.links, network.sea_variants]), link_ids),
        (network.crossings, crossing_ids),
    ):
        chosen = table.loc[table.index.intersection(list(ids))]
        out |= set(chosen["from"]) | set(chosen["to"])
    return out & set(network.places.index)


def _throughput(network: Network, flows: pd.DataFrame) -> pd.Series:
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


def _dots(ax: Axes, network: Network, ids, crs) -> None:
    """Small markers for places named on a map that draws no place markers of its own."""
    if len(ids):
        points = network.places.loc[list(ids)].to_crs(crs)
        ax.scatter(points.geometry.x, points.geometry.y, s=7, color="0.2", zorder=7, lw=0)


def _scenario_title(network: Network, scenario: str, names, lang: str) -> str:
    """A built-in scenario's description, its first clause; in Chinese, what it closes and
    opens (its id when it does neither, or is not a built-in)."""
    from corridors.errors import CorridorsError
    from corridors.network.scenarios import load_scenario

    try:
        loaded = load_scenario(network, scenario)
    except (CorridorsError, OSError, ValueError):
        return word("scenario", lang, name=scenario)
    if lang != "zh":
        text = " ".join(loaded.description.split())
        text = re.split(r"(?<=[a-z0-9)])\. ", text)[0].rstrip(".")
        return re.split(r": | \(|, as ", text)[0]
    said = []
    for part in [*_parents(loaded), loaded]:
        for verb, table in (("close", part.close), ("open", part.open)):
            for kind, ids in table.items():
                for item in ids:
                    said.append(word(verb, lang, what=_thing_zh(network, kind, item, names)))
    return "；".join(said) if said else word("scenario", lang, name=scenario)


def _parents(scenario) -> list:
    out = []
    for parent in scenario.parents:
        out += [*_parents(parent), parent]
    return out


def _thing_zh(network: Network, kind: str, item: str, names) -> str:
    """A closed or opened passage, place, link or crossing named in Chinese."""
    if kind == "passages":
        return PASSAGES_ZH.get(item, item)
    if kind == "places":
        return str(names.get(item, item))
    table = network.crossings if kind == "crossings" else network.links
    if item not in table.index:
        return item
    row = table.loc[item]
    suffix = "口岸" if kind == "crossings" else ""
    return f"{names.get(row['from'], row['from'])}–{names.get(row['to'], row['to'])}{suffix}"


def _place_labels(ax: Axes, items: list[_Label], *, avoid=()) -> None:
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
    taken = [a.get_window_extent(renderer) for a in avoid if a is not None]
    taken += [t.get_window_extent(renderer) for t in ax.texts]  # scale bar, attribution
    r = 2.5 * scale
    markers = _scatter_points(ax)
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
            if any(box.overlaps(t) for t in taken):
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
        taken.append(box)


def _scatter_points(ax: Axes) -> np.ndarray:
    """Display coordinates of every marker drawn with ``scatter``."""
    from matplotlib.collections import PathCollection

    arrays = [
        c.get_offset_transform().transform(c.get_offsets())
        for c in ax.collections
        if isinstance(c, PathCollection) and len(c.get_offsets())
    ]
    return np.concatenate(arrays) if arrays else np.empty((0, 2))


def _line_points(ax: Axes, step: float = 6.0) -> list:
    """Points every ``step`` pixels along the lines drawn (the scale bar apart), in display
    coordinates: what a legend should not cover."""
    out = []
    for line in ax.lines:
        if line.get_gid() == "scale":
            continue
        xy = ax.transData.transform(np.column_stack([line.get_xdata(), line.get_ydata()]))
        for (x0, y0), (x1, y1) in itertools.pairwise(xy):
            n = max(1, int(np.hypot(x1 - x0, y1 - y0) / step))
            t = np.linspace(0, 1, n + 1)
            out.extend(zip(x0 + t * (x1 - x0), y0 + t * (y1 - y0), strict=True))
    return out


def _place_points(ax: Axes, network: Network, crs) -> list:
    return _xy(ax, network.places.to_crs(crs))


def _xy(ax: Axes, points) -> list:
    xy = np.column_stack([points.geometry.x, points.geometry.y])
    return [tuple(p) for p in ax.transData.transform(xy)] if len(xy) else []
