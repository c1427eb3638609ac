"""The frame of every map: the projection centred on its extent, the figure sized to the map,
sea, land and borders, the scale bar, lines cut at the antimeridian, places as markers, and
legends placed where they cover least."""

from __future__ import annotations

import contextlib
import io
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from corridors.network.basemap import load_basemap
from corridors.outputs.labels import (
    word,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "EXTENTS",
    "KIND_MARKERS",
    "MODE_COLOURS",
    "add_legend",
    "draw_lines",
    "draw_places",
    "line_handle",
    "line_width",
    "map_crs",
    "map_extent",
    "map_figure",
    "map_fonts",
    "png_bytes",
    "round_down",
    "scale_bar",
    "split_at_antimeridian",
    "width_handles",
    "world",
]

# west, south, east, north (degrees)
EXTENTS = {
    "eurasia": (-12.0, -5.0, 145.0, 62.0),
    "land_sea": (90.0, -5.0, 125.0, 35.0),
    "central_asia": (45.0, 33.0, 95.0, 56.0),
}
# maps this many degrees wide or less are drawn on the 1:50m coastline (the Land-Sea
# Corridor, Central Asia), wider ones on the 1:110m
FINE_BELOW_DEGREES = 60.0
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
ATTRIBUTION = word("attribution")
MAP_WIDTH, MAP_HEIGHT = 11.0, 8.5  # inches: the largest the map itself is drawn
MARGIN, TITLE_SPACE, COLORBAR_SPACE = 0.08, 0.42, 1.15  # inches round the map


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


def map_fonts(font: str | None):
    """Every text of the figure in ``font`` (a CJK font, DejaVu Sans behind it for any
    glyph it lacks); matplotlib's defaults when None."""
    import matplotlib.pyplot as plt

    if font is None:
        return contextlib.nullcontext()
    return plt.rc_context({"font.family": [font, "DejaVu Sans"]})


def map_extent(extent, frame) -> tuple[float, float, float, float]:
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


def map_figure(extent, lang: str, *, colorbar: bool = False):
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
    world(extent).to_crs(crs).plot(ax=ax, color=LAND, edgecolor=BORDER, lw=0.4, zorder=1)
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
    scale_bar(ax, x0, y0, x1, y1, lang)
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


def world(extent) -> gpd.GeoDataFrame:
    """The basemap's countries cut to a margin round the map (no polygon wraps round the
    projection or swells near a pole), copies shifted by 360° filling across ±180°; at 1:50m
    for a regional map (:data:`FINE_BELOW_DEGREES` wide or less), else 1:110m."""
    west, south, east, north = extent
    world = load_basemap(scale="50m" if east - west <= FINE_BELOW_DEGREES else "110m")
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


def scale_bar(ax: Axes, x0: float, y0: float, x1: float, y1: float, lang: str) -> None:
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


def draw_lines(ax: Axes, geometries, crs, *, lw=1.0, ls="-", **style) -> None:
    """Lines in lon/lat, cut at the projection's antimeridian, projected and drawn as one
    :class:`~matplotlib.collections.LineCollection` (an artist per line costs more to make
    and draw than the map): round caps and joins on solid lines, flat-ended dashes, as
    matplotlib draws a single line."""
    from matplotlib.collections import LineCollection

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
    lines = LineCollection(
        [np.column_stack(line.xy) for line in projected],
        linewidths=part_widths,
        linestyles=ls,
        capstyle="round" if ls in ("-", "solid") else "butt",
        joinstyle="round",
        **style,
    )
    ax.add_collection(lines, autolim=False)


def draw_places(ax: Axes, places, crs, lang: str, window) -> list[tuple]:
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


def line_handle(colour, width: float, *, ls="-", alpha: float = 1.0):
    from matplotlib.lines import Line2D

    return Line2D([], [], color=colour, lw=width, ls=ls, alpha=alpha, solid_capstyle="butt")


def line_width(values, biggest: float, scale: float, least: float):
    """Line width (points) for a flow: ``least`` plus ``scale`` at the biggest."""
    return least + scale * np.asarray(values, dtype=float) / biggest


def width_handles(biggest: float, colour, scale: float, least: float, lang: str) -> list:
    """Legend entries giving the line width of two round flows (FEU per year)."""
    shown = []
    for value in (round_down(biggest), round_down(biggest / 5)):
        if value > 0 and value not in shown:
            shown.append(value)
    return [
        (
            line_handle(colour, float(line_width(v, biggest, scale, least))),
            word("feu_per_year", lang, feu=v),
        )
        for v in shown
    ]


def round_down(value: float) -> float:
    """The largest of 1, 2 or 5 times a power of ten not above ``value``.

    Examples
    --------
    >>> round_down(6_041_016), round_down(380), round_down(0.0)
    (5000000.0, 200.0, 0.0)
    """
    if value <= 0:
        return 0.0
    power = 10.0 ** np.floor(np.log10(value))
    return float(max(m * power for m in (1, 2, 5) if m * power <= value))


def add_legend(ax: Axes, handles: list[tuple], *, avoid: list, title: str | None = None):
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


def png_bytes(fig, dpi: int = 110) -> bytes:
    """``fig`` as PNG, trimmed to what is drawn (a 0.05-inch margin), with no software stamp
    (the same figure gives the same bytes), and closed.

    The figure is drawn once and the picture cut to its tight bounding box; only where
    something is drawn outside the figure is it saved with matplotlib's tight box, which draws
    it twice.
    """
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    buffer = io.BytesIO()
    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(dpi)
    canvas.draw()
    pad = 0.05 * dpi
    box = fig.get_tightbbox(canvas.get_renderer()).transformed(fig.dpi_scale_trans)
    height, width = canvas.get_width_height()[::-1]
    x0, x1 = int(np.floor(box.x0 - pad)), int(np.ceil(box.x1 + pad))
    y0, y1 = int(np.floor(height - box.y1 - pad)), int(np.ceil(height - box.y0 + pad))
    if x0 >= 0 and y0 >= 0 and x1 <= width and y1 <= height:
        pixels = np.asarray(canvas.buffer_rgba())[y0:y1, x0:x1]
        Image.fromarray(pixels).save(buffer, format="png")
    else:  # drawn beyond the figure's edge: let matplotlib grow the picture
        fig.savefig(
            buffer,
            format="png",
            dpi=dpi,
            bbox_inches="tight",
            pad_inches=0.05,
            metadata={"Software": None},
        )
    plt.close(fig)
    return buffer.getvalue()
