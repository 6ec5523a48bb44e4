"""Map: the network's members, areas and links on Germany's states and districts, offline."""

import streamlit as st

from atlas.text import t
from components.asof import show_as_of
from components.data import current_view, language, view_inputs
from components.map_deck import basemap_style, build_deck
from components.map_view import (
    MAP_CSS,
    MAP_HEIGHT,
    legend,
    map_layers,
    png_download,
    selected_panel,
    settings,
    table_alternative,
    view_state,
)
from components.memo import shared
from components.page import page_header
from components.payload import short_tips
from components.present import is_presenting

lang = language()
network, view, filters = current_view()
page_header(t("map.title", lang), view, filters, lang)

# the map takes the screen's height below the title (at least MAP_HEIGHT): on a 1080p
# projector all of Germany fits; our own static CSS, no data in it
st.html(MAP_CSS)
chart, panel = st.columns([3, 1])
# beside the map, top to bottom: settings, legend, the view's buttons, the selection
settings_box, legend_box, buttons_box, selection_box = (panel.container() for _ in range(4))
mode, colour, measure = settings(lang, settings_box)
inputs = (view_inputs(), mode, measure)
points, areas, peak, links, orgs, faded = shared(
    "map_layers", inputs, lambda: map_layers(network, view, filters, mode, measure, lang)
)

with buttons_box:
    where = view_state(view.municipalities.dropna(subset=["lat", "lon"]), filters, lang)
style = basemap_style(dict(st.secrets) if st.secrets.load_if_toml_exists() else None)
deck = shared(
    "map_deck",
    (inputs, colour, where, style),
    lambda: build_deck(
        short_tips(points),
        links,
        orgs,
        mode,
        colour,
        view=where,
        style=style,
        choropleth=areas,
        faded=faded,
    ),
)
with chart:
    state = st.pydeck_chart(
        deck,
        height=MAP_HEIGHT,
        on_select="rerun",
        selection_mode="single-object",
        key="map",
        alt=t("map.alt", lang, members=len(view.municipalities), links=len(links), orgs=len(orgs)),
    )
if not is_presenting():  # a slide shows the map and its legend only
    with selection_box:
        selected_panel(network, state, mode, lang)
        png_download(view, lang)
with legend_box:
    legend(
        mode,
        colour,
        measure,
        points,
        peak,
        lang,
        organisations=len(orgs),
        links=links,
        faded=len(faded),
    )
    show_as_of(network, lang)
if not is_presenting():
    table_alternative(points, areas, links, orgs, mode, measure, lang)
