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

import re
import textwrap
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from corridors.analysis.routing import Route
from corridors.network.model import Network
from corridors.outputs.labels import (
    PASSAGES_ZH,
    drawing_language,
    place_names,
    route_name,
    word,
)
from corridors.outputs.map_frame import (
    LESS,
    MODE_COLOURS,
    MORE,
    PLANNED_COLOUR,
    PLANNED_DASHES,
    add_legend,
    draw_lines,
    draw_places,
    line_handle,
    line_width,
    map_extent,
    map_figure,
    map_fonts,
    width_handles,
)
from corridors.outputs.map_labels import (
    FLOW_LABELS,
    display_xy,
    dots,
    label_items,
    line_points,
    link_ends,
    place_labels,
    place_points,
    rank_places,
    route_labels,
    throughput,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_difference", "plot_flows", "plot_network", "plot_route"]

MIN_DRAWN = 1e-3  # links carrying less than this share of the busiest are not drawn


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
    with map_fonts(font):
        fig, ax, crs = map_figure(map_extent(extent, pd.concat(frames)), lang)
        colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        handles = []
        for i in reversed(range(len(routes))):  # the best is drawn last, on top
            r, frame = routes[i], frames[i]
            moving = frame[frame.km > 0]
            colour, width = colours[i % len(colours)], 3.0 if i == 0 else 1.6
            for mode, legs in moving.groupby("mode", sort=True):
                draw_lines(
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
            handles.insert(0, (line_handle(colour, width), label))
        legend = add_legend(ax, handles, avoid=line_points(ax))
        items = route_labels(ax, routes, crs, names, lang)
        place_labels(ax, items, avoid=[legend])
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
    The title, unless given, names the corridors drawn thick, or the network. ``lang="zh"``
    draws it in Chinese."""
    names = place_names(network, lang)
    lang, font = drawing_language(lang)
    links = network.geo.links if sea else network.geo.links[network.links["mode"] != "sea"]
    highlighted = sorted(set(corridors or []))
    bounds = map_extent(extent, None)
    window = shapely.geometry.box(*bounds)  # the legend lists only what the map shows
    with map_fonts(font):
        fig, ax, crs = map_figure(bounds, lang)
        handles = []
        operational = links[links["status"] == "operational"]
        for mode, group in operational.groupby("mode", sort=True):
            lw = 0.6 if mode == "sea" else 1.4
            alpha = 0.35 if mode == "sea" else 1.0
            draw_lines(
                ax, group.geometry, crs, color=MODE_COLOURS[mode], lw=lw, zorder=4, alpha=alpha
            )
            if group.intersects(window).any():
                handle = line_handle(MODE_COLOURS[mode], lw, alpha=alpha)
                handles.append((handle, word(mode, lang)))
        building = links[links["status"] != "operational"]
        for mode, group in building.groupby("mode", sort=True):
            dashes = PLANNED_DASHES.get(mode, "--")
            draw_lines(ax, group.geometry, crs, color="white", lw=3.2, zorder=6)
            draw_lines(ax, group.geometry, crs, color=PLANNED_COLOUR, lw=2.0, ls=dashes, zorder=7)
            if group.intersects(window).any():
                handle = line_handle(PLANNED_COLOUR, 2.0, ls=dashes)
                handles.append((handle, word("planned", lang, mode=word(mode, lang))))
        first: list[str] = []
        default_title = word("network_title", lang)
        if highlighted:
            chosen = links[links.corridors.map(lambda tags: bool(set(highlighted) & set(tags)))]
            draw_lines(ax, chosen.geometry, crs, color="#6a3d9a", lw=4, zorder=3, alpha=0.6)
            label = _corridor_label(network, highlighted, lang)
            default_title = re.split("[:：]", label)[0]  # the corridors' common name
            handles.append((line_handle("#6a3d9a", 4, alpha=0.6), label))
            on = network.places.corridors.map(lambda tags: bool(set(highlighted) & set(tags)))
            first = list(network.places.index[on])
        handles += draw_places(ax, network.geo.places, crs, lang, window)
        legend = add_legend(ax, handles, avoid=line_points(ax) + place_points(ax, network, crs))
        ranked = rank_places(network, network.places.index, first=first)
        place_labels(ax, label_items(network, ranked, crs, names, first=first), avoid=[legend])
        ax.set_title(title or default_title)
    return fig


def plot_flows(
    network: Network,
    flows,
    *,
    extent: str | tuple = "eurasia",
    title: str | None = None,
    lang: str = "en",
) -> Figure:
    """Flows of :func:`corridors.analysis.flows.assign` or of an equilibrium: link width by
    FEU per year (land links and sea legs carrying at least :data:`MIN_DRAWN` of the busiest,
    the scale in the legend), sea ports sized by their flow, the hubs, gateways and ports
    named. ``lang="zh"`` draws it in Chinese."""
    names = place_names(network, lang)
    lang, font = drawing_language(lang)
    links = pd.concat([network.geo.links, network.geo.sea_variants])
    flow = flows.links.set_index("id").feu_per_year
    biggest = float(flow.max()) if len(flow) else 1.0
    flow = flow[flow >= biggest * MIN_DRAWN]
    with map_fonts(font):
        fig, ax, crs = map_figure(map_extent(extent, None), lang)
        handles = []
        for mode in ("sea", "inland_water", "road", "rail"):
            used = flow[flow.index.isin(links.index[links["mode"] == mode])]
            if used.empty:
                continue
            draw_lines(
                ax,
                links.loc[used.index].geometry,
                crs,
                color=MODE_COLOURS[mode],
                lw=line_width(used.to_numpy(), biggest, 7.0, 0.4),
                zorder=5,
                alpha=0.8,
            )
            handles.append((line_handle(MODE_COLOURS[mode], 2.5, alpha=0.8), word(mode, lang)))
        handles += width_handles(biggest, "0.45", 7.0, 0.4, lang)
        ports = flows.ports.set_index("id").feu_per_year
        ports = ports[ports > 0]
        points = network.geo.places.loc[ports.index].to_crs(crs)
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
        legend = add_legend(ax, handles, avoid=line_points(ax))
        through = throughput(network, pd.concat([flows.links, flows.crossings]))
        land = [p for p in through.index if p not in ports.index][:FLOW_LABELS]
        busiest = sorted(ports.index, key=lambda place: (-round(ports[place], 6), place))
        ranked = [*land[: FLOW_LABELS // 2], *busiest, *land[FLOW_LABELS // 2 :]]
        dots(ax, network, [p for p in ranked if p not in ports.index], crs)
        place_labels(ax, label_items(network, ranked, crs, names), avoid=[legend])
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
    links = pd.concat([network.geo.links, network.geo.sea_variants, network.geo.crossings])
    biggest = float(changes.delta_feu.abs().max()) if len(changes) else 1.0
    with map_fonts(font):
        fig, ax, crs = map_figure(map_extent(extent, None), lang, colorbar=True)
        handles = []
        for sign, colour, key in ((1, MORE, "more_flow"), (-1, LESS, "less_flow")):
            chosen = changes[np.sign(changes.delta_feu) == sign]
            handles.append((line_handle(colour, 2.5, alpha=0.8), word(key, lang)))
            if chosen.empty:
                continue
            widths = line_width(chosen.delta_feu.abs().to_numpy(), biggest, 6.0, 0.5)
            geometry = links.loc[chosen.id].geometry
            draw_lines(ax, geometry, crs, color=colour, lw=widths, zorder=6, alpha=0.8)
        handles += width_handles(biggest, "0.45", 6.0, 0.5, lang)
        od = comparison.od[comparison.od.scenario == scenario]
        served = od[od.reachable]
        weight = served.feu_per_year
        by_origin = (served.delta_pct * weight).groupby(served.origin).sum() / weight.groupby(
            served.origin
        ).sum()
        points = network.geo.places.loc[by_origin.index].to_crs(crs)
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
        legend = add_legend(
            ax,
            handles,
            avoid=line_points(ax) + display_xy(ax, points),
            title=word("change_legend", lang),
        )
        ends = link_ends(
            network, changes.id[changes.kind == "link"], changes.id[changes.kind == "crossing"]
        )
        ranked = rank_places(
            network, [p for p in network.places.index if p in ends or p in by_origin.index]
        )
        dots(ax, network, [p for p in ranked if p not in by_origin.index], crs)
        place_labels(ax, label_items(network, ranked, crs, names), avoid=[legend])
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


# ---------------------------------------------------------------- legends


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
