"""Presentation: choose saved views as slides and start the slide show."""

import streamlit as st

from atlas.text import escape_markdown, t
from components.data import current_view, language
from components.page import page_header
from components.present import handout_section, views_section

lang = language()
network, view, filters = current_view()
page_header(t("present.title", lang), view, filters, lang)
st.markdown(escape_markdown(t("present.intro", lang)))
views_section(network, lang)
handout_section(network, view, filters, lang)
