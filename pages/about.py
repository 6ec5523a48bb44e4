"""About: what the data is, where it comes from, how suggestions are made, accessibility."""

import streamlit as st

from atlas.export import template_xlsx
from atlas.text import t
from components.about import data_section, licence_text, text_section
from components.coverage_table import coverage_table
from components.data import current_view, language
from components.page import page_header

lang = language()
network, view, filters = current_view()
page_header(t("about.title", lang), view, filters, lang)

data_section(network, lang)
text_section(
    "about.licences", t("about.licences_text", lang), licence_text(network, lang), lang=lang
)
text_section("coverage.header", t("coverage.intro", lang), lang=lang)
st.dataframe(coverage_table(network, lang), hide_index=True)
text_section("about.format", t("about.format_text", lang), lang=lang)
st.download_button(
    t("about.template", lang),
    data=template_xlsx,  # made when clicked: a page load fetches no file
    file_name="netzwerkatlas-vorlage.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
text_section("about.suggestions", t("coop.how_text", lang), lang=lang)
text_section("about.accessibility", t("about.accessibility_text", lang), lang=lang)
