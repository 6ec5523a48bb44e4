"""The map as a pydeck Deck: boundaries, choropleth or points, links, partner organisations.

Built without Streamlit running, so tests can look at the spec. Text in tooltips comes
from the *_html columns, which atlas.geo escapes: deck.gl renders tooltips as HTML.
"""

from __future__ import annotations

import json
import os

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from atlas.schema import TOPICS
from components.theme import GREY, OKABE_ITO, PHASE_COLOURS

# Served by the app itself, so no request leaves the machine. The boundaries go by URL
# too: the browser caches them, and a rerun does not send 1.7 MB of outlines again.
LOCAL_STYLE = "/app/static/map-style.json"
STATES_URL = "/app/static/geo/states.geojson"
DISTRICTS_URL = "/app/static/geo/districts.geojson"
INITIAL_VIEW = {"latitude": 51.2, "longitude": 10.4, "zoom": 5.0}


class CompactDeck(pdk.Deck):
    """pydeck pretty-prints its JSON (indent=2), which triples what a map sends to the
    browser; the same spec without the whitespace."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def basemap_style(secrets: dict | None = None) -> str:
    """The local blank style, unless a tile basemap is configured (ATLAS_BASEMAP_STYLE in
    the environment or basemap.style in .streamlit/secrets.toml, with its key in the URL)."""
    configured = os.environ.get("ATLAS_BASEMAP_STYLE") or (
        (secrets or {}).get("basemap", {}) or {}
    ).get("style")
    return configured or LOCAL_STYLE


def rgb(hex_colour: str, alpha: int = 230) -> list[int]:
    hex_colour = hex_colour.lstrip("#")
    return [int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def point_colours(points: pd.DataFrame, colour_by: str) -> tuple[list, dict[str, str]]:
    """Fill colour per point and the legend (label -> hex) for phase, cohort or first topic."""
    if colour_by == "cohort":
        values = points["cohort"].map(lambda c: "–" if pd.isna(c) else str(int(c)))
    elif colour_by == "topic":
        values = points["topic_list"].map(lambda ts: ts[0] if ts else "–")
    else:
        values = points["phase"]
    if colour_by == "phase":
        palette = {v: PHASE_COLOURS.get(v, GREY) for v in values.unique()}
    else:
        order = sorted(
            values.unique(), key=lambda v: (v == "–", TOPICS.index(v) if v in TOPICS else 0, v)
        )
        palette = {
            v: (GREY if v == "–" else OKABE_ITO[i % len(OKABE_ITO)]) for i, v in enumerate(order)
        }
    return [rgb(palette[v]) for v in values], palette


def build_deck(
    points: pd.DataFrame | None,
    links: pd.DataFrame,
    organisations: pd.DataFrame,
    mode: str,
    colour_by: str,
    view: dict | None = None,
    style: str = LOCAL_STYLE,
    choropleth: dict | None = None,
) -> pdk.Deck:
    """mode: "points", "states" or "districts" (choropleth: `choropleth` is the coloured
    GeoJSON of that level)."""
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            DISTRICTS_URL,
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
            filled=mode == "points",
            get_fill_color=[255, 255, 255, 170],
            get_line_color=[70, 70, 70, 230],
            line_width_min_pixels=1.2,
            pickable=False,
        ),
    ]
    if mode in ("states", "districts") and choropleth is not None:
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                choropleth,
                id="areas",
                stroked=True,
                filled=True,
                get_fill_color="properties.fill",
                get_line_color=[60, 60, 60, 200],
                line_width_min_pixels=0.8,
                pickable=True,
                auto_highlight=True,
            )
        )
    if len(links):
        layers.append(
            pdk.Layer(
                "ArcLayer",
                links,
                id="links",
                get_source_position=["from_lon", "from_lat"],
                get_target_position=["to_lon", "to_lat"],
                get_source_color=[213, 94, 0, 220],
                get_target_color=[213, 94, 0, 220],
                get_width=2.5,
                pickable=True,
            )
        )
    if mode == "points" and points is not None and len(points):
        fills, _ = point_colours(points, colour_by)
        data = points.assign(fill=fills, radius=1500 + 700 * points["projects"].clip(upper=8))
        columns = [
            "id",
            "lon",
            "lat",
            "fill",
            "radius",
            "projects",
            "name_html",
            "kind_html",
            "state_html",
            "district_html",
            "project_names_html",
            "phase",
        ]
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                data[columns],
                id="members",
                get_position=["lon", "lat"],
                get_fill_color="fill",
                get_radius="radius",
                radius_units="meters",
                radius_min_pixels=3,  # dense areas stay readable: dots shrink with the zoom, never vanish
                radius_max_pixels=14,
                stroked=True,
                get_line_color=[30, 30, 30, 220],
                line_width_min_pixels=1,
                pickable=True,
                auto_highlight=True,
            )
        )
    if len(organisations):
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                organisations,
                id="organisations",
                get_position=["lon", "lat"],
                get_fill_color=[255, 255, 255, 255],
                get_line_color=[0, 0, 0, 255],
                get_radius=1500,
                radius_min_pixels=6,
                line_width_min_pixels=3,
                stroked=True,
                pickable=True,
            )
        )
        layers.append(
            pdk.Layer(
                "TextLayer",
                organisations,
                id="organisation_labels",
                get_position=["lon", "lat"],
                get_text="name_plain",
                get_size=13,
                character_set="auto",
                get_color=[0, 0, 0, 255],
                get_pixel_offset=[0, -18],
                pickable=False,
            )
        )
    tooltip = {
        "html": "<b>{name_html}</b><br/>{kind_html} · {state_html}<br/>{district_html}<br/>{project_names_html}",
        "style": {"fontSize": "14px", "maxWidth": "360px", "whiteSpace": "normal"},
    }
    return CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(**(view or INITIAL_VIEW)),
        map_style=style,
        tooltip=tooltip,
    )
