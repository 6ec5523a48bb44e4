"""The map as a pydeck Deck, built without Streamlit running, so tests can look at the
spec. `build_deck` stacks one layer per step, bottom to top: boundaries (only over a tile
basemap; the local styles draw them), the choropleth, links, faded partners, partner
organisations, members, names.

Beside it: components/map_style.py (colours, outlines, link styles), map_labels.py (the
names and the collision filter that picks them at every zoom), map_tooltips.py and
map_legend.py; their names are re-exported here for the page.
"""

from __future__ import annotations

import json
import os
import weakref

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from components.map_labels import (
    LABEL_SIZE,
    ON_TOP,
    ORG_OFFSET,
    RADIUS_PIXELS,
    dot_metres,
    inside_map,
    member_label_layer,
    name_labels,
    near_view,
    organisation_label_layer,
    organisation_marker_layer,
    place_diamonds,
)
from components.map_legend import legend_markdown, scale_svg, symbol_svg
from components.map_style import (
    ARC_COLOUR,
    HOLLOW,
    LINK_STYLES,
    PHASE_OUTLINES,
    member_outlines,
    point_colours,
    rgb,
)
from components.map_tooltips import (
    TOOLTIP,
    describe_areas,
    describe_links,
    describe_points,
    tip,
)
from components.payload import area_fill, labels_at_scale

__all__ = [
    "ARC_COLOUR",
    "HOLLOW",
    "INITIAL_VIEW",
    "LINK_STYLES",
    "LOCAL_AREAS_STYLE",
    "LOCAL_STYLE",
    "ORG_OFFSET",
    "PHASE_OUTLINES",
    "basemap_style",
    "build_deck",
    "describe_areas",
    "describe_links",
    "describe_points",
    "legend_markdown",
    "member_outlines",
    "name_labels",
    "point_colours",
    "rgb",
    "scale_svg",
    "symbol_svg",
    "tip",
]

# Served by the app itself, so no request leaves the machine. The boundaries go by URL
# too: the browser caches them, and a rerun does not send 1.7 MB of outlines again.
# The local styles draw the state and district outlines themselves (and the white land
# under the members; not under a choropleth, which colours the land itself) from vector
# tiles (static/geo/tiles, data/build/build_tiles.py: the browser reads the few a view
# shows, already cut, instead of tiling both GeoJSON files before the first frame): MapLibre's
# small line and fill shaders instead of three deck.gl layers. Without a graphics card
# (a projector laptop's browser in software rendering, or headless Chromium) deck.gl's
# path and polygon layers over 73,000 outline segments cost more than all the members.
LOCAL_STYLE = "/app/static/map-style.json"
LOCAL_AREAS_STYLE = "/app/static/map-style-areas.json"
STATES_URL = "/app/static/geo/states.geojson"
DISTRICTS_URL = "/app/static/geo/districts.geojson"  # polygons, for the choropleth
# the borders between districts, each once, as lines (data/build/build_outlines.py): the
# outlines cost the browser a third of the polygons before the map is drawn
DISTRICT_OUTLINES_URL = "/app/static/geo/district-outlines.geojson"
INITIAL_VIEW = {"latitude": 51.2, "longitude": 10.4, "zoom": 5.0}
# Member dots are sized in metres, so they grow and shrink with the zoom (dense areas such
# as the Ruhr come apart when zoomed in), clamped to stay visible and never cover a city.


class CompactDeck(pdk.Deck):
    """pydeck pretty-prints its JSON (indent=2), which triples what a map sends to the
    browser; the same spec without the whitespace. A deck is built once per view and
    never changed afterwards (the page remembers it between reruns), so its JSON is made
    once too: at 11,000 members that is most of a rerun's time."""

    def to_json(self) -> str:
        # kept beside the deck, not on it: pydeck serialises every attribute it carries
        if self not in _DECK_JSON:
            _DECK_JSON[self] = json.dumps(
                self,
                sort_keys=True,
                default=default_serialize,
                separators=(",", ":"),
                ensure_ascii=False,  # "·" and umlauts as UTF-8, not six-byte escapes
            )
        return _DECK_JSON[self]


_DECK_JSON: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def basemap_style(secrets: dict | None = None) -> str:
    """The local blank style, unless a tile basemap is configured (ATLAS_BASEMAP_STYLE in
    the environment or basemap.style in .streamlit/secrets.toml, with its key in the URL)."""
    configured = os.environ.get("ATLAS_BASEMAP_STYLE") or (
        (secrets or {}).get("basemap", {}) or {}
    ).get("style")
    return configured or LOCAL_STYLE


def build_deck(
    points: pd.DataFrame | None,
    links: pd.DataFrame,
    organisations: pd.DataFrame,
    mode: str,
    colour_by: str,
    view: dict | None = None,
    names_for: dict | None = None,
    style: str = LOCAL_STYLE,
    choropleth: dict | None = None,
    faded: pd.DataFrame | None = None,
    label_px: float = LABEL_SIZE,
    map_size: tuple[int, int] | None = None,
) -> pdk.Deck:
    """mode: "points", "states" or "districts" (choropleth: `choropleth` is the coloured
    GeoJSON of that level). `faded`: partners outside the filter that a link ends at.
    `view`: where the map opens; `names_for`: the view whose names are drawn (where the
    user zoomed in to, so closer in more places are named), else `view`."""
    on_points = mode == "points"
    named = names_for or view or INITIAL_VIEW
    # a tile basemap of one's own has no outlines: the deck draws them over it
    layers = [] if style == LOCAL_STYLE else [*boundary_layers(filled=on_points)]
    if mode in ("states", "districts") and choropleth is not None:
        layers.append(choropleth_layer(choropleth, mode))
    if len(links):
        layers.append(link_layer(links))
    if on_points and faded is not None and len(faded):
        layers.append(faded_partner_layer(faded))
    # the names are chosen among the places around the view (zoomed in on a region of a
    # large network, its own places rather than the country's largest)
    around = (lambda f: near_view(f, named, map_size)) if map_size else (lambda f: f)
    # each diamond where no member's dot covers it, in the view the names are for
    organisations = place_diamonds(
        organisations, points if on_points else None, named["zoom"], label_px
    )
    labels = labels_at_scale(
        name_labels(
            around(points) if on_points and points is not None else None,
            around(faded) if on_points and faded is not None else None,
            organisations,
            zoom=named["zoom"],  # the names with room in the view they are drawn for
            px=label_px,
        ),
        len(points) if on_points and points is not None else 0,
    )
    if map_size is not None:  # the map's pixels known: no name cut at its edge
        labels = inside_map(labels, named, map_size)
    if len(organisations):  # below the members: an organisation never hides one
        layers += [organisation_marker_layer(organisations), organisation_label_layer(labels)]
    if on_points and points is not None and len(points):
        layers.append(member_layer(points, colour_by))
    if (labels["kind"] != "organisation").any():
        layers.append(member_label_layer(labels))
    return CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(**(view or INITIAL_VIEW)),
        map_style=style if on_points or style != LOCAL_STYLE else LOCAL_AREAS_STYLE,
        # a MapLibre style of our own: no CARTO basemap and no CARTO key in the spec
        map_provider="maplibre",
        tooltip=TOOLTIP,
    )


def boundary_layers(filled: bool) -> list[pdk.Layer]:
    """District and state outlines from the app's static files (states filled white on
    the points map, so the members stand out), over a tile basemap that lacks them."""
    return [
        pdk.Layer(
            "GeoJsonLayer",
            DISTRICT_OUTLINES_URL,
            id="districts",
            stroked=True,
            filled=False,
            get_line_color=[150, 150, 150, 160],
            line_width_min_pixels=0.5,
            pickable=False,
        ),
        pdk.Layer(
            "GeoJsonLayer",
            STATES_URL,
            id="states",
            stroked=True,
            filled=filled,
            get_fill_color=[255, 255, 255, 170],
            get_line_color=[70, 70, 70, 230],
            line_width_min_pixels=1.2,
            pickable=False,
        ),
    ]


def choropleth_layer(choropleth: dict, mode: str) -> pdk.Layer:
    """States or districts coloured by their value (`choropleth`: the coloured GeoJSON).

    The outlines come from the static file the browser already has (fetched once,
    cached); only the colours per area travel with each view."""
    fill, colours_changed = area_fill(choropleth, mode)
    return pdk.Layer(
        "GeoJsonLayer",
        STATES_URL if mode == "states" else DISTRICTS_URL,
        id="areas",
        stroked=True,
        filled=True,
        get_fill_color=fill,
        update_triggers={"getFillColor": colours_changed},
        get_line_color=[60, 60, 60, 200],
        line_width_min_pixels=0.8,
        pickable=True,
        auto_highlight=True,
    )


def faded_partner_layer(faded: pd.DataFrame) -> pdk.Layer:
    """Partners outside the filter that a link ends at: small hollow grey dots."""
    return pdk.Layer(
        "ScatterplotLayer",
        faded.assign(tip=faded["name"]),
        id="faded_partners",
        get_position=["lon", "lat"],
        get_fill_color=[255, 255, 255, 200],
        get_line_color=[110, 110, 110, 200],
        get_radius=5,
        radius_units='"pixels"',
        stroked=True,
        line_width_min_pixels=2,
        pickable=True,
    )


def member_layer(points: pd.DataFrame, colour_by: str) -> pdk.Layer:
    """The members as dots: fill by phase, cohort or topic, outline by phase, area by
    number of projects."""
    fills, _ = point_colours(points, colour_by)
    outline, outline_width = member_outlines(points, colour_by)
    data = points.assign(
        fill=fills,
        line=outline,
        lw=outline_width,
        radius=dot_metres(points["projects"]).astype(int),
    )
    # only what the browser draws, shows or hands back on a click (id): at 11,000
    # members every column costs a few hundred kilobytes on every run
    columns = ["id", "lon", "lat", "fill", "line", "lw", "radius", "tip"]
    return pdk.Layer(
        "ScatterplotLayer",
        data[columns],
        id="members",
        get_position=["lon", "lat"],
        get_fill_color="fill",
        get_radius="radius",
        # quoted: pydeck would take a bare string for a column name ("@@=meters")
        radius_units='"meters"',
        radius_min_pixels=RADIUS_PIXELS[0],
        radius_max_pixels=RADIUS_PIXELS[1],
        stroked=True,
        get_line_color="line",
        get_line_width="lw",
        line_width_units='"pixels"',
        pickable=True,
        auto_highlight=True,
    )


def curve(a: tuple[float, float], b: tuple[float, float], steps: int = 16) -> list:
    """A gentle arc from a to b (lon, lat) as a path, bent to one side by a fifth of its
    length: links between the same places in both directions do not cover each other."""
    (x0, y0), (x1, y1) = a, b
    mx, my = (x0 + x1) / 2 - (y1 - y0) * 0.2, (y0 + y1) / 2 + (x1 - x0) * 0.2
    out = []
    for i in range(steps + 1):
        s = i / steps
        out.append(
            [
                round((1 - s) ** 2 * x0 + 2 * (1 - s) * s * mx + s**2 * x1, 5),
                round((1 - s) ** 2 * y0 + 2 * (1 - s) * s * my + s**2 * y1, 5),
            ]
        )
    return out


def link_layer(links: pd.DataFrame) -> pdk.Layer:
    """The links as curved paths, coloured, wide and dashed by kind (LINK_STYLES)."""
    kinds = (
        links["category"] if "category" in links else pd.Series("cooperation", index=links.index)
    )
    styles = [LINK_STYLES.get(k, LINK_STYLES["cooperation"]) for k in kinds]
    data = pd.DataFrame(
        {
            "path": [
                curve((fo, fa), (to, ta))
                for fo, fa, to, ta in zip(
                    links["from_lon"],
                    links["from_lat"],
                    links["to_lon"],
                    links["to_lat"],
                    strict=True,
                )
            ],
            "colour": [rgb(c, 235) for c, _, _ in styles],
            "width": [w for _, w, _ in styles],
            "dash": [d for _, _, d in styles],
            "kind": list(kinds),
            "tip": links["tip"],
        }
    )
    return pdk.Layer(
        "PathLayer",
        data,
        id="links",
        get_path="path",
        get_color="colour",
        get_width="width",
        width_units='"pixels"',
        cap_rounded=True,
        extensions=[{"@@type": "PathStyleExtension", "dash": True}],
        get_dash_array="dash",
        dash_justified=True,
        pickable=True,
        auto_highlight=True,
        parameters=ON_TOP,
    )
