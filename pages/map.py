"""Map: the network's members, areas and links on Germany's states and districts, offline."""

import streamlit as st

from atlas import geo
from atlas.text import t
from components.data import current_view, language
from components.map_deck import (
    basemap_style,
    build_deck,
    describe_areas,
    describe_links,
)
from components.map_view import (
    legend,
    member_points,
    organisation_points,
    png_download,
    selected_panel,
    settings,
    table_alternative,
    view_state,
)
from components.page import page_header

lang = language()
network, view, filters = current_view()
page_header(t("map.title", lang), view, filters, lang)

mode, colour, measure = settings(lang)
# members are drawn in points mode only; the area modes need just the counts per area
points = member_points(network, view, filters, lang) if mode == "points" else None
areas, peak = geo.choropleth(view, mode, measure) if mode != "points" else (None, 0.0)
if areas is not None:
    areas = describe_areas(areas, mode, measure, lang)
links = describe_links(geo.links(view), lang)
orgs = organisation_points(view)

chart, panel = st.columns([3, 1])
with panel:
    where = view_state(view.municipalities.dropna(subset=["lat", "lon"]), filters, lang)
deck = build_deck(
    points,
    links,
    orgs,
    mode,
    colour,
    view=where,
    style=basemap_style(dict(st.secrets) if st.secrets.load_if_toml_exists() else None),
    choropleth=areas,
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
    png_download(view, lang)
table_alternative(points, areas, links, orgs, mode, measure, lang)
