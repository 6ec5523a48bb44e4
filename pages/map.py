"""Map: the network's members, areas and links on Germany's states and districts, offline."""

import streamlit as st

from atlas.text import t
from components.asof import show_as_of
from components.data import current_view, language, view_inputs
from components.map_deck import basemap_style, build_deck
from components.map_view import (
    legend,
    map_layers,
    png_download,
    selected_panel,
    settings,
    table_alternative,
    view_state,
)
from components.memo import remembered
from components.page import page_header

lang = language()
network, view, filters = current_view()
page_header(t("map.title", lang), view, filters, lang)

mode, colour, measure = settings(lang)
inputs = (view_inputs(), mode, measure)
points, areas, peak, links, orgs = remembered(
    "map_layers", inputs, lambda: map_layers(network, view, filters, mode, measure, lang)
)

chart, panel = st.columns([3, 1])
with panel:
    where = view_state(view.municipalities.dropna(subset=["lat", "lon"]), filters, lang)
style = basemap_style(dict(st.secrets) if st.secrets.load_if_toml_exists() else None)
deck = remembered(
    "map_deck",
    (inputs, colour, where, style),
    lambda: build_deck(
        points, links, orgs, mode, colour, view=where, style=style, choropleth=areas
    ),
)
with chart:
    state = st.pydeck_chart(
        deck,
        height=600,
        on_select="rerun",
        selection_mode="single-object",
        key="map",
        alt=t("map.alt", lang, members=len(view.municipalities), links=len(links), orgs=len(orgs)),
    )
with panel:
    selected_panel(network, state, mode, lang)
    legend(mode, colour, measure, points, peak, lang, organisations=len(orgs), links=len(links))
    show_as_of(network, lang)
    png_download(view, lang)
table_alternative(points, areas, links, orgs, mode, measure, lang)
