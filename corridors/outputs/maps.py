"""Maps: routes, the network, flows and scenario differences over the shipped basemap.

Every map uses an equal-area conic projection centred on its extent (not Web Mercator),
draws sea, land and borders distinctly, and carries a scale bar and the basemap's
attribution. Lines that cross the projection's antimeridian are cut there, so nothing is
drawn the wrong way round the globe. Each function returns the matplotlib Figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from corridors.analysis.routing import Route
from corridors.network.basemap import load_basemap
from corridors.network.model import Network
from corridors.outputs.labels import cjk_font, place_names

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
KIND_MARKERS = {
    "hub": ("o", 28),
    "border_station": ("s", 16),
    "sea_port": ("^", 22),
    "river_port": ("v", 18),
    "terminal": ("D", 14),
    "overseas_park": ("*", 50),
}
ATTRIBUTION = "Basemap: Natural Earth (public domain). Network: corridors, data/sources.csv."


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
    """The route (and its alternatives, best on top) with its crossings and transfers marked
    and labelled with their hours; sea legs dashed. ``lang="zh"`` labels places in Chinese
    (with a CJK font when one is installed, else in English, with a warning)."""
    import matplotlib.pyplot as plt

    names = place_names(route.network, lang)
    routes = [route, *route.alternatives]
    frames = [r.to_gdf() for r in routes]
    box = _extent(extent, pd.concat(frames))
    fig, ax, crs = _figure(box)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i in reversed(range(len(routes))):  # the best is drawn last, on top
        r, frame = routes[i], frames[i]
        moving = frame[frame.km > 0]
        label = (
            f"{'best' if i == 0 else f'alternative {i}'}: {r.total['days']:.1f} days, "
            f"{r.total['km']:,.0f} km"
        )
        for mode, legs in moving.groupby("mode", sort=True):
            _draw_lines(
                ax,
                legs.geometry,
                crs,
                color=colours[i % len(colours)],
                lw=3.0 if i == 0 else 1.6,
                ls="--" if mode == "sea" else "-",
                zorder=10 - i,
                label=label,
            )
            label = None  # one legend entry per route
    font = cjk_font() if lang == "zh" else None
    _mark_steps(ax, route, crs, names, font)
    _legend(ax, order=lambda label: (not label.startswith("best"), label))
    ax.set_title(
        title or f"{names[route.origin]} → {names[route.destination]} (by {route.objective})"
    )
    fig.tight_layout()
    return fig


def plot_network(
    network: Network,
    *,
    extent: str | tuple = "eurasia",
    corridors: list[str] | None = None,
    sea: bool = False,
    title: str | None = None,
) -> Figure:
    """The network: links by mode (planned and under construction dashed), places by kind,
    the given corridors' links drawn thick; the sea legs (a mesh between every pair of ocean
    ports) only with ``sea``."""
    fig, ax, crs = _figure(_extent(extent, None))
    links = network.links if sea else network.links[network.links["mode"] != "sea"]
    highlighted = set(corridors or [])
    for (mode, operational), group in links.groupby(
        [links["mode"], links["status"] == "operational"], sort=True
    ):
        label = mode.replace("_", " ") + ("" if operational else " (planned or building)")
        _draw_lines(
            ax,
            group.geometry,
            crs,
            color=MODE_COLOURS[mode],
            lw=0.6 if mode == "sea" else 1.4,
            ls="-" if operational else "--",
            zorder=4,
            label=label,
            alpha=0.35 if mode == "sea" else 1.0,
        )
    if highlighted:
        chosen = links[links.corridors.map(lambda tags: bool(highlighted & set(tags)))]
        names = network.corridors.set_index("id")["name_en"]
        label = (
            names[next(iter(highlighted))]
            if len(highlighted) == 1
            else ("corridors: " + ", ".join(sorted(highlighted)))
        )
        _draw_lines(
            ax, chosen.geometry, crs, color="#6a3d9a", lw=4, zorder=3, alpha=0.6, label=label
        )
    _places(ax, network.places, crs)
    _legend(ax, loc="best")
    ax.set_title(title or "The corridor network")
    fig.tight_layout()
    return fig


def plot_flows(
    network: Network,
    flows,
    *,
    extent: str | tuple = "eurasia",
    title: str | None = None,
) -> Figure:
    """Flows of :func:`corridors.analysis.flows.assign`: link width by FEU per year (land links and
    sea legs), sea ports sized by their flow."""
    fig, ax, crs = _figure(_extent(extent, None))
    links = pd.concat([network.links, network.sea_variants])
    flow = flows.links.set_index("id").feu_per_year
    biggest = float(flow.max()) if len(flow) else 1.0
    for mode in ("sea", "inland_water", "road", "rail"):
        used = flow[flow.index.isin(links.index[links["mode"] == mode])]
        if used.empty:
            continue
        widths = 0.4 + 7 * used.to_numpy() / biggest
        _draw_lines(
            ax,
            links.loc[used.index].geometry,
            crs,
            color=MODE_COLOURS[mode],
            lw=widths,
            zorder=5,
            label=mode.replace("_", " "),
            alpha=0.8,
        )
    ports = flows.ports.set_index("id").feu_per_year
    points = network.places.loc[ports.index].to_crs(crs)
    ax.scatter(
        points.geometry.x,
        points.geometry.y,
        s=10 + 300 * ports.to_numpy() / ports.max(),
        color="#08306b",
        alpha=0.6,
        zorder=7,
        label="sea port (size: FEU per year)",
    )
    ax.text(
        0.99,
        0.06,
        f"widest line: {biggest:,.0f} FEU per year",
        transform=ax.transAxes,
        ha="right",
        fontsize=7,
    )
    _legend(ax, loc="lower left")
    ax.set_title(title or "Flows of the OD demand (all-or-nothing)")
    fig.tight_layout()
    return fig


def plot_difference(
    network: Network,
    comparison,
    scenario: str,
    *,
    extent: str | tuple = "eurasia",
    title: str | None = None,
) -> Figure:
    """A scenario against the first of a :func:`corridors.analysis.compare.compare`: links coloured
    by the change of their flow (red more, blue less, width by size), and each origin by the
    change of its demand-weighted generalized cost."""
    fig, ax, crs = _figure(_extent(extent, None))
    changes = comparison.elements
    changes = changes[(changes.scenario == scenario) & changes.kind.isin(["link", "crossing"])]
    changes = changes[changes.delta_feu.abs() > 0]
    links = pd.concat([network.links, network.sea_variants, network.crossings])
    biggest = float(changes.delta_feu.abs().max()) if len(changes) else 1.0
    for sign, colour, label in ((1, "#d7301f", "more flow"), (-1, "#2b8cbe", "less flow")):
        chosen = changes[np.sign(changes.delta_feu) == sign]
        if chosen.empty:
            continue
        widths = 0.5 + 6 * chosen.delta_feu.abs().to_numpy() / biggest
        geometry = links.loc[chosen.id].geometry
        _draw_lines(ax, geometry, crs, color=colour, lw=widths, zorder=6, label=label, alpha=0.8)
    od = comparison.od[comparison.od.scenario == scenario]
    served = od[od.reachable]
    weight = served.feu_per_year
    by_origin = (served.delta_pct * weight).groupby(served.origin).sum() / weight.groupby(
        served.origin
    ).sum()
    points = network.places.loc[by_origin.index].to_crs(crs)
    shown = ax.scatter(
        points.geometry.x,
        points.geometry.y,
        c=by_origin.to_numpy(),
        cmap="RdBu_r",
        vmin=-max(1, by_origin.abs().max()),
        vmax=max(1, by_origin.abs().max()),
        s=40,
        edgecolor="black",
        linewidth=0.4,
        zorder=8,
    )
    fig.colorbar(shown, ax=ax, shrink=0.5, label="origin's generalized cost change (%)")
    _legend(ax, loc="lower left")
    ax.set_title(title or f"{scenario} against {comparison.scenarios[0]}")
    fig.tight_layout()
    return fig


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
    return (west - pad, max(south - pad, -80), east + pad, min(north + pad, 84))


def _figure(extent):
    import matplotlib.pyplot as plt

    crs = map_crs(extent)
    fig, ax = plt.subplots(figsize=(11, 7.5))
    ax.set_facecolor(SEA)
    _world(extent).to_crs(crs).plot(ax=ax, color=LAND, edgecolor=BORDER, lw=0.4, zorder=1)
    west, south, east, north = extent
    frame = shapely.geometry.box(west, south, east, north).segmentize(1.0)
    x0, y0, x1, y1 = gpd.GeoSeries([frame], crs=4326).to_crs(crs).total_bounds
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    _scale_bar(ax, x0, y0, x1, y1)
    ax.text(
        0.99,
        0.01,
        ATTRIBUTION,
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=6,
        color="0.35",
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


def _scale_bar(ax: Axes, x0: float, y0: float, x1: float, y1: float) -> None:
    """A bar of a round number of km, about a fifth of the map's width, bottom left."""
    target = (x1 - x0) / 5 / 1000
    km = max(k for k in (50, 100, 200, 250, 500, 1000, 2000) if k <= max(target, 50))
    left, bottom = x0 + 0.03 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    ax.plot([left, left + km * 1000], [bottom, bottom], color="black", lw=3, zorder=20)
    ax.text(left, bottom + 0.015 * (y1 - y0), f"{km:,} km", fontsize=7, zorder=20)


def _draw_lines(ax: Axes, geometries, crs, *, label=None, lw=1.0, **style) -> None:
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
    for i, (line, width) in enumerate(zip(projected, part_widths, strict=True)):
        x, y = line.xy
        ax.plot(x, y, lw=width, label=label if i == 0 else None, solid_capstyle="round", **style)


def _places(ax: Axes, places, crs) -> None:
    points = places.to_crs(crs)
    for kind, (marker, size) in KIND_MARKERS.items():
        chosen = points[points.kind == kind]
        if len(chosen):
            ax.scatter(
                chosen.geometry.x,
                chosen.geometry.y,
                marker=marker,
                s=size,
                color="black",
                zorder=8,
                label=kind.replace("_", " "),
                linewidth=0,
            )


def _mark_steps(ax: Axes, route: Route, crs, names: pd.Series, font: str | None) -> None:
    """Crossings and transfers of the best route: a marker and their hours, labels kept
    apart."""
    legs = route.legs
    places = route.network.places
    steps = legs[legs.kind.isin(["crossing", "gauge_change", "transfer", "port"])]
    hours = steps.groupby("to", sort=False)["hours"].sum()
    ends = [route.origin, route.destination]
    points = places.loc[[*ends, *hours.index]].to_crs(crs)
    x0, x1 = ax.get_xlim()
    spacing = 0.035 * (x1 - x0)
    placed: list = []
    for place, point in zip(points.index, points.geometry, strict=True):
        step = place in hours.index and place not in ends
        ax.scatter(
            [point.x],
            [point.y],
            marker="s" if step else "o",
            s=30 if step else 40,
            color="white" if step else "black",
            edgecolor="black",
            zorder=12,
        )
        if any(point.distance(other) < spacing for other in placed):
            continue
        placed.append(point)
        label = names[place] + (f" ({hours[place]:.0f} h)" if step else "")
        ax.annotate(
            label,
            (point.x, point.y),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=7,
            zorder=13,
            fontfamily=font or "sans-serif",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
        )


def _legend(ax: Axes, order=None, loc: str = "upper left") -> None:
    """One entry per label, in drawing order or sorted by ``order``."""
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    keys = sorted(unique, key=order) if order else list(unique)
    if keys:
        anchor = (0.0, 0.09) if loc == "lower left" else None  # above the scale bar
        ax.legend(
            [unique[k] for k in keys],
            keys,
            loc=loc,
            bbox_to_anchor=anchor,
            fontsize=7,
            framealpha=0.9,
        )
