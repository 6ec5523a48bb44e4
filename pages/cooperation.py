"""Cooperation: who should work with whom, and why — partner finder, network, working groups."""

import streamlit as st

from atlas.cooperation import Weights
from atlas.text import escape_markdown, t
from components.cooperation import (
    groups_section,
    keyword_note,
    network_section,
    partner_section,
    weight_sliders,
)
from components.data import current_view, language
from components.page import page_header
from components.url_widgets import url_widget

lang = language()
network, view, filters = current_view()
page_header(t("coop.title", lang), view, filters, lang)

MODES = {"finder": "coop.mode.finder", "network": "coop.mode.network", "groups": "coop.mode.groups"}
mode = url_widget(
    st.segmented_control,
    t("coop.mode", lang),
    list(MODES),
    key="coop_mode",
    param="view",
    default="finder",
    label_of=lambda m: t(MODES[m], lang),
)

with st.expander(t("coop.how", lang)):
    st.markdown(escape_markdown(t("coop.how_text", lang)))
keyword_note(view, lang)

weights = weight_sliders(lang) if mode != "groups" else Weights()
if mode == "finder":
    partner_section(network, view, weights, lang)
elif mode == "network":
    network_section(view, weights, lang)
else:
    groups_section(view, lang)
