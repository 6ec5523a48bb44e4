"""Overview: how many members and projects, where, in which cohort, phase and topic."""

import streamlit as st

from atlas.text import t
from components.asof import show_as_of
from components.data import current_view, language
from components.overview import about_box, charts_section, kpi_section, projects_section
from components.page import page_header, show_problems, skipped_notice

lang = language()
network, view, filters = current_view()
page_header(t("page.overview.title", lang), view, filters, lang)
skipped_notice(network, lang)

if view.projects.empty:
    st.info(t("empty.filtered", lang))
    st.stop()

kpi_section(view, lang)
show_as_of(network, lang)
charts_section(view, lang)
projects_section(network, view, lang)
about_box(network, view, lang)
show_problems(network, lang)
