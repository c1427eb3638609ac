"""The interactive map (folium): land links with their km, hours and USD, places, and
routes leg by leg, the same bytes each run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corridors.analysis.routing import Route
from corridors.graph.physical import fastest_edges
from corridors.network.model import Network

if TYPE_CHECKING:
    pass
from corridors.outputs.maps import MODE_COLOURS, split_at_antimeridian

__all__ = ["interactive_html", "interactive_map"]


def interactive_map(network: Network, routes: list[Route] = ()):
    """An HTML map (folium): the land links by mode with their km, hours and cost in the
    tooltip, places by kind, and the given routes leg by leg.

    Returns a ``folium.Map``; ``.save("map.html")`` writes it. The page loads Leaflet and
    the OpenStreetMap tiles from the web when opened.
    """
    import folium

    fm = folium.Map(location=(35, 80), zoom_start=3, tiles="OpenStreetMap", control_scale=True)
    fastest = fastest_edges(network)
    links = network.links[network.links["mode"] != "sea"]
    for mode, group in links.groupby("mode", sort=True):
        layer = folium.FeatureGroup(name=f"{mode.replace('_', ' ')} links")
        for link in group.to_dict("records"):
            timed = fastest.get((link["id"], link["from"], link["to"]), {})
            tip = (
                f"{link['id']}: {link['km']:,.0f} km, {timed.get('hours', float('nan')):.1f} h, "
                f"{timed.get('cost_usd', float('nan')):,.0f} USD ({link['status']})"
            )
            folium.PolyLine(
                [(y, x) for x, y in link["geometry"].coords],
                color=MODE_COLOURS[mode],
                weight=3,
                dash_array=None if link["status"] == "operational" else "6",
                tooltip=tip,
            ).add_to(layer)
        layer.add_to(fm)
    places = folium.FeatureGroup(name="places")
    for place in network.places.to_dict("records"):
        folium.CircleMarker(
            (place["lat"], place["lon"]),
            radius=4 if place["kind"] == "hub" else 3,
            color="black",
            fill=True,
            tooltip=f"{place['name_en']} ({place['name_zh']}), {place['kind'].replace('_', ' ')}",
        ).add_to(places)
    places.add_to(fm)
    for i, r in enumerate(routes):
        layer = folium.FeatureGroup(name=f"route {i + 1}: {r.origin} - {r.destination}")
        for leg, geometry in zip(r.legs.to_dict("records"), r.to_gdf().geometry, strict=True):
            if leg["km"] <= 0 or geometry.geom_type != "LineString":
                continue
            for part in split_at_antimeridian(geometry, 80.0):
                folium.PolyLine(
                    [(y, x) for x, y in part.coords],
                    color="#6a3d9a",
                    weight=5,
                    opacity=0.8,
                    tooltip=(
                        f"{leg['from']} - {leg['to']} ({leg['service'] or leg['mode']}): "
                        f"{leg['km']:,.0f} km, {leg['hours']:.1f} h, {leg['cost_usd']:,.0f} USD"
                    ),
                ).add_to(layer)
        layer.add_to(fm)
    folium.LayerControl().add_to(fm)
    return fm


def interactive_html(network: Network, routes: list[Route] = ()) -> str:
    """:func:`interactive_map` as a page, the same bytes each time: folium names its elements
    with random ids, which are renamed in order of appearance."""
    import re

    page = interactive_map(network, routes).get_root().render()
    names: dict[str, str] = {}
    return re.sub(
        r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])",
        lambda m: names.setdefault(m.group(0), f"{len(names):032x}"),
        page,
    )
