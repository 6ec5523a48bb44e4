"""The map drawn by MapLibre alone (`st.components.v2`), from the deck spec that
components/map_deck.py builds: members, partners and links as MapLibre layers over the
app's own style, names and diamonds as page elements beside the canvas.

Why not deck.gl: without a graphics card (a projector laptop's browser in software
rendering) each deck.gl layer kind compiles a large shader before the first frame, about
a second each; MapLibre's circle and line shaders are small, and the boundaries already
use them. `maplibre_spec` is pure (testable without Streamlit); `map_chart` draws it.
"""

from __future__ import annotations

import json
import math
import re

from components.browser_code import page_component, static_url

EARTH_CIRCUMFERENCE_M = 40_075_016.686
LIBRARY = static_url("vendor/maplibre-gl/maplibre-gl.mjs")
PICKABLE = {"members", "faded_partners", "links", "areas"}  # what a hover or click finds


def rgba(colour) -> str:
    r, g, b, *a = (list(colour) + [255])[:4]
    return f"rgba({int(r)},{int(g)},{int(b)},{round(a[0] / 255, 3)})"


def _point(lon, lat, properties: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def _collection(features: list) -> dict:
    return {"type": "geojson", "data": {"type": "FeatureCollection", "features": features}}


def member_radius(pixels: tuple[int, int]) -> list:
    """circle-radius for each dot from its "r0" (its metres in pixels at zoom 0), never
    under or over `pixels`: one stop per zoom level (MapLibre's zoom is deck.gl's: a
    512-px world)."""
    stops: list = ["interpolate", ["exponential", 2], ["zoom"]]
    for zoom in range(0, 21):
        stops += [zoom, ["max", pixels[0], ["min", pixels[1], ["*", ["get", "r0"], 2**zoom]]]]
    return stops


def _members(layer: dict) -> tuple[dict, dict]:
    features = []
    for row in layer["data"]:
        metres_per_px0 = EARTH_CIRCUMFERENCE_M * math.cos(math.radians(row["lat"])) / 512
        features.append(
            _point(
                row["lon"],
                row["lat"],
                {
                    "id": row["id"],
                    "tip": row.get("tip", ""),
                    "fill": rgba(row["fill"]),
                    "line": rgba(row["line"]),
                    "lw": row["lw"],
                    "r0": row["radius"] / metres_per_px0,
                },
            )
        )
    pixels = (layer.get("radiusMinPixels", 4), layer.get("radiusMaxPixels", 24))
    return _collection(features), {
        "id": "members",
        "type": "circle",
        "source": "members",
        "paint": {
            "circle-color": ["get", "fill"],
            "circle-stroke-color": ["get", "line"],
            "circle-stroke-width": ["get", "lw"],
            "circle-radius": member_radius(pixels),
        },
    }


def _faded(layer: dict) -> tuple[dict, dict]:
    features = [_point(r["lon"], r["lat"], {"tip": r.get("tip", "")}) for r in layer["data"]]
    return _collection(features), {
        "id": "faded_partners",
        "type": "circle",
        "source": "faded_partners",
        "paint": {
            "circle-color": rgba(layer["getFillColor"]),
            "circle-stroke-color": rgba(layer["getLineColor"]),
            "circle-stroke-width": 2,
            "circle-radius": 4,
        },
    }


def _links(layer: dict) -> tuple[dict, list[dict]]:
    features, dashes = [], []
    for row in layer["data"]:
        dash = [float(x) for x in row["dash"]]
        if dash not in dashes:
            dashes.append(dash)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": row["path"]},
                "properties": {
                    "tip": row.get("tip", ""),
                    "kind": row.get("kind", ""),
                    "colour": rgba(row["colour"]),
                    "width": row["width"],
                    "dash": dashes.index(dash),
                },
            }
        )
    layers = []
    for n, dash in enumerate(dashes):
        paint = {"line-color": ["get", "colour"], "line-width": ["get", "width"]}
        if dash[1] > 0:
            paint["line-dasharray"] = dash
        layers.append(
            {
                "id": f"links_{n}",
                "type": "line",
                "source": "links",
                "filter": ["==", ["get", "dash"], n],
                "layout": {"line-cap": "round" if dash[1] == 0 else "butt"},
                "paint": paint,
            }
        )
    return _collection(features), layers


_KEY = r'properties\.(\w+) == ("(?:[^"\\]|\\.)*")'
_BRANCH = re.compile(rf"((?:{_KEY}(?: \|\| )?)+) \? (\[[^\]]*\]) : ")


def area_colours(expression: str) -> tuple[str, list, str]:
    """(the property the areas are told apart by, a MapLibre `match` over it, the empty
    colour) from the deck's fill expression (components/payload.area_fill):
    `properties.ags == "03241" || ... ? [r, g, b, a] : ... : [empty]`."""
    rest = expression.removeprefix("@@=")  # pydeck marks an expression so
    match: list = []
    key = "name"
    while branch := _BRANCH.match(rest):
        keys = re.findall(_KEY, branch.group(1))
        key = keys[0][0]
        match += [[json.loads(k) for _, k in keys], rgba(json.loads(branch.group(4)))]
        rest = rest[branch.end() :]
    return key, match, rgba(json.loads(rest))


def _areas(layer: dict) -> tuple[dict, list[dict]]:
    key, match, empty = area_colours(layer["getFillColor"])
    fill = ["match", ["get", key], *match, empty] if match else empty
    source = {"type": "geojson", "data": layer["data"], "promoteId": key}
    return source, [
        {"id": "areas", "type": "fill", "source": "areas", "paint": {"fill-color": fill}},
        {
            "id": "areas_outline",
            "type": "line",
            "source": "areas",
            "paint": {"line-color": rgba(layer["getLineColor"]), "line-width": 0.8},
        },
    ]


def _boundaries(layer: dict) -> tuple[dict, list[dict]]:
    """The app's outlines of districts or states over a tile basemap (which has none):
    lines, the states' land filled white on the members' map."""
    kind = layer["id"]
    drawn = [
        {
            "id": f"{kind}_outline",
            "type": "line",
            "source": kind,
            "paint": {
                "line-color": rgba(layer["getLineColor"]),
                "line-width": layer.get("lineWidthMinPixels", 1),
            },
        }
    ]
    if layer.get("filled"):
        fill = {"id": f"{kind}_fill", "type": "fill", "source": kind}
        drawn.insert(0, fill | {"paint": {"fill-color": rgba(layer["getFillColor"])}})
    return {"type": "geojson", "data": layer["data"]}, drawn


# deck.gl's text anchors as the page's names are placed (static/js/map_chart.js)
ANCHORS = {"start": "left", "end": "right", "middle": "center"}


def _marks(layer: dict, kind: str) -> list[dict]:
    """Names and diamonds: drawn by the page beside the canvas, at their pixel offset."""
    # the layer's anchor, unless a name has its own (a member's name left of its dot: "end")
    anchor = ANCHORS.get(layer.get("getTextAnchor", "middle"), "center")
    out = []
    for row in layer["data"] if isinstance(layer["data"], list) else []:
        colour = row.get("colour") or layer.get("getColor") or [0, 0, 0, 255]
        out.append(
            {
                "kind": kind,
                "lon": row["lon"],
                "lat": row["lat"],
                "text": row.get("mark") or row.get("name", ""),
                "tip": row.get("tip"),
                "dx": row.get("offset", [0, 0])[0],
                "dy": row.get("offset", [0, 0])[1],
                "px": row.get("px", layer.get("getSize", 15)),
                "colour": rgba(colour if isinstance(colour, list) else [0, 0, 0, 255]),
                "anchor": ANCHORS.get(row.get("anchor"), anchor),
            }
        )
    return out


def maplibre_spec(spec: dict) -> dict:
    """What the browser draws, from a deck spec: the style to start from, the sources and
    layers to add (bottom to top), the marks (names and diamonds) and the view."""
    sources: dict = {}
    layers: list = []
    marks: list = []
    for layer in spec["layers"]:
        kind = layer["id"]
        if kind == "members":
            sources[kind], drawn = _members(layer)
            layers.append(drawn)
        elif kind == "faded_partners":
            sources[kind], drawn = _faded(layer)
            layers.append(drawn)
        elif kind == "links":
            sources[kind], drawn = _links(layer)
            layers += drawn
        elif kind == "areas":
            sources[kind], drawn = _areas(layer)
            layers += drawn
        elif kind in ("districts", "states"):
            sources[kind], drawn = _boundaries(layer)
            layers += drawn
        elif kind == "organisations":
            marks += _marks(layer, "organisation")
        elif kind in ("organisation_labels", "member_labels"):
            marks += _marks(layer, "name")
    return {
        "style": spec["mapStyle"],
        "view": spec["initialViewState"],
        "sources": sources,
        "layers": layers,
        "marks": marks,
        "pickable": [
            x["id"] for x in layers if x["source"] in PICKABLE and "outline" not in x["id"]
        ],
    }


def drawn_deck(deck) -> dict:
    """What the browser draws for a deck (built once per view: the page remembers it)."""
    return maplibre_spec(json.loads(deck.to_json()))


def map_chart(spec: dict, key: str, height: int, alt: str, size: tuple[int, int]) -> dict:
    """Draws `spec` (maplibre_spec's) with MapLibre; `size`: the map's pixels its view was
    fitted for (a map of another size reports its own). Returns what the browser reported: the selection
    ({"selection": {"objects": {layer: [object]}}}, as st.pydeck_chart gives it), the
    map's size and the view the user moved to."""
    result = page_component("atlas_map", "map_chart.js")(
        key=key,
        data={
            **spec,
            "library": LIBRARY,
            "height": height,
            "alt": alt,
            "size": {"width": size[0], "height": size[1]},
        },
        on_selection_change=lambda: None,
        on_size_change=lambda: None,
        on_view_change=lambda: None,
    )
    return result
