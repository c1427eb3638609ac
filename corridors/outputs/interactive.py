"""The interactive map: one self-contained HTML page that opens offline.

Leaflet (BSD 2-Clause, shipped in ``corridors/outputs/leaflet/``) and the data are inlined.
The shipped Natural Earth countries are drawn as a vector base under the OpenStreetMap tiles,
so the map reads the same with no tiles at all; the tiles appear when the page is online.
Land links are drawn by mode with their names, km, hours and USD (and the flow, when flows
are given) in the tooltip, places by kind with both names, and each route as a layer named
by its exit and total days. The page is the same bytes each run.
"""

from __future__ import annotations

import base64
import html
import json
import re
from importlib import resources

import pandas as pd

from corridors.analysis.flows import Flows
from corridors.analysis.routing import Route
from corridors.graph.physical import fastest_edges
from corridors.network.basemap import load_basemap
from corridors.network.model import Network
from corridors.outputs.labels import place_names, route_name
from corridors.outputs.map_frame import MODE_COLOURS, split_at_antimeridian

__all__ = ["LAND_COLOUR", "SEA_COLOUR", "interactive_html"]

SEA_COLOUR = "#c6dbef"
LAND_COLOUR = "#f2efe9"
ROUTE_COLOURS = ("#6a3d9a", "#1b9e77", "#d95f02", "#e7298a", "#66a61e")
DIGITS = 4  # coordinates rounded to about 10 m


def interactive_html(
    network: Network,
    routes: list[Route] = (),
    *,
    flows: Flows | None = None,
    lang: str = "en",
) -> str:
    """The interactive map as one HTML page that needs nothing from the web.

    Parameters
    ----------
    network : Network
    routes : routes to draw, each its own layer, leg by leg
    flows : optional, the flows (:func:`corridors.analysis.flows.assign`) to show on links
    lang : place names in English (``"en"``) or Chinese (``"zh"``)

    Examples
    --------
    >>> from corridors import load_network, route
    >>> net = load_network()
    >>> page = interactive_html(net, [route(net, "Chongqing", "Duisburg")])
    >>> "<script src" in page, "Chongqing → Duisburg via Alashankou" in page
    (False, True)
    """
    names = place_names(network, lang)
    layers = {
        "countries": _countries(),
        "links": _links(network, names, flows),
        "places": _places(network, names),
        "routes": [_route_layer(r, names, i, lang) for i, r in enumerate(routes)],
    }
    data = json.dumps(layers, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    leaflet = resources.files("corridors.outputs") / "leaflet"
    script = (leaflet / "leaflet.js").read_text(encoding="utf-8")
    script = "\n".join(line for line in script.splitlines() if "sourceMappingURL" not in line)
    style = re.sub(
        r"url\(images/([\w-]+\.png)\)",
        lambda m: f"url(data:image/png;base64,{_base64(leaflet / 'images' / m.group(1))})",
        (leaflet / "leaflet.css").read_text(encoding="utf-8"),
    )
    return _PAGE.format(
        lang="zh" if lang == "zh" else "en",
        title=html.escape("Corridors: the network" if lang != "zh" else "走廊网络"),
        leaflet_css=style,
        leaflet_js=script.replace("</script", "<\\/script"),
        data=data.replace("</", "<\\/"),
        sea=SEA_COLOUR,
        land=LAND_COLOUR,
        modes=json.dumps(MODE_COLOURS, sort_keys=True),
    )


def _base64(path) -> str:
    return base64.b64encode(path.read_bytes()).decode("ascii")


def _countries() -> dict:
    world = load_basemap()
    world = world.assign(geometry=world.geometry.simplify(0.05))
    return json.loads(world[["iso3", "name", "geometry"]].to_json(drop_id=True, to_wgs84=False))


def _round(coords) -> list:
    return [[round(x, DIGITS), round(y, DIGITS)] for x, y in coords]


def _links(network: Network, names: pd.Series, flows: Flows | None) -> list[dict]:
    fastest = fastest_edges(network)
    volume = {}
    if flows is not None:
        volume = dict(zip(flows.links["id"], flows.links["feu_per_year"], strict=True))
    out = []
    links = network.geo.links[network.links["mode"] != "sea"].sort_index()
    for link in links.reset_index(drop=True).to_dict("records"):
        timed = fastest.get((link["id"], link["from"], link["to"]), {})
        tip = (
            f"{names[link['from']]} – {names[link['to']]} ({link['mode'].replace('_', ' ')}"
            f", {link['status'].replace('_', ' ')}): {link['km']:,.0f} km, "
            f"{timed.get('hours', float('nan')):.1f} h, "
            f"{timed.get('cost_usd', float('nan')):,.0f} USD per FEU"
        )
        if link["id"] in volume:
            tip += f"; flow {volume[link['id']]:,.0f} FEU per year"
        out.append(
            {
                "mode": link["mode"],
                "planned": link["status"] != "operational",
                "line": [[y, x] for x, y in _round(link["geometry"].coords)],
                "tip": f"{tip} [{link['id']}]",
            }
        )
    return out


def _places(network: Network, names: pd.Series) -> list[dict]:
    places = network.places.sort_index()
    out = []
    for row in places.itertuples():
        shown = names[row.Index]
        other = row.name_zh if shown == row.name_en else row.name_en
        out.append(
            {
                "at": [round(row.lat, DIGITS), round(row.lon, DIGITS)],
                "hub": row.kind == "hub",
                "tip": f"{shown} ({other}), {row.kind.replace('_', ' ')}, {row.iso3}",
            }
        )
    return out


def _route_layer(r: Route, names: pd.Series, i: int, lang: str) -> dict:
    legs = []
    for leg, geometry in zip(r.legs.to_dict("records"), r.to_gdf().geometry, strict=True):
        if leg["km"] <= 0 or geometry is None or geometry.geom_type != "LineString":
            continue
        tip = (
            f"{names.get(leg['from'], leg['from'])} – {names.get(leg['to'], leg['to'])} "
            f"({(leg['service'] or leg['mode']).replace('_', ' ')}): {leg['km']:,.0f} km, "
            f"{leg['hours']:.1f} h, {leg['cost_usd']:,.0f} USD"
        )
        for part in split_at_antimeridian(geometry, 80.0):
            legs.append({"line": [[y, x] for x, y in _round(part.coords)], "tip": tip})
    return {
        "name": f"Route {i + 1}: {route_name(r, names, lang)}",
        "colour": ROUTE_COLOURS[i % len(ROUTE_COLOURS)],
        "legs": legs,
    }


_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{leaflet_css}
html, body, #map {{ height: 100%; margin: 0; }}
#map {{ background: {sea}; }}
.leaflet-tooltip {{ font: 12px/1.3 sans-serif; }}
</style>
</head>
<body>
<div id="map"></div>
<script>
{leaflet_js}
</script>
<script>
var data = {data};
var modes = {modes};
var map = L.map("map", {{preferCanvas: false}}).setView([40, 75], 3);
map.createPane("countries");
map.getPane("countries").style.zIndex = 150;  // under the tiles: seen when they are not
var countries = L.geoJSON(data.countries, {{
  pane: "countries", interactive: false,
  style: {{color: "#9e9e9e", weight: 0.6, fillColor: "{land}", fillOpacity: 1}}
}}).addTo(map);
var tiles = L.tileLayer("https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png", {{
  maxZoom: 18, attribution: "&copy; OpenStreetMap contributors; Natural Earth"
}});
var overlays = {{}};
var byMode = {{}};
data.links.forEach(function (link) {{
  var group = byMode[link.mode] || (byMode[link.mode] = L.layerGroup().addTo(map));
  L.polyline(link.line, {{color: modes[link.mode], weight: 3,
    dashArray: link.planned ? "6 4" : null}}).bindTooltip(link.tip, {{sticky: true}}).addTo(group);
}});
Object.keys(byMode).sort().forEach(function (mode) {{
  overlays[mode.replace("_", " ") + " links"] = byMode[mode];
}});
var places = L.layerGroup().addTo(map);
data.places.forEach(function (p) {{
  L.circleMarker(p.at, {{radius: p.hub ? 4 : 3, color: "#222", weight: 1,
    fillColor: p.hub ? "#222" : "#fff", fillOpacity: 1}}).bindTooltip(p.tip).addTo(places);
}});
overlays["places"] = places;
data.routes.forEach(function (r) {{
  var group = L.layerGroup().addTo(map);
  r.legs.forEach(function (leg) {{
    L.polyline(leg.line, {{color: r.colour, weight: 5, opacity: 0.85}})
      .bindTooltip(leg.tip, {{sticky: true}}).addTo(group);
  }});
  overlays[r.name] = group;
}});
var vector = L.layerGroup().addTo(map);  // the countries alone: always drawn, under all
L.control.layers({{"Natural Earth countries": vector,
  "OpenStreetMap tiles (online)": tiles}}, overlays, {{collapsed: false}}).addTo(map);
L.control.scale().addTo(map);
</script>
</body>
</html>
"""
