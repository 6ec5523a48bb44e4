"""Netzwerkatlas: the frame. Page config, the shared filter sidebar, the pages."""

from pathlib import Path

import streamlit as st

from atlas.text import t
from components.data import language, load_network
from components.filters import filter_sidebar
from components.page import show_unusable

HERE = Path(__file__).parent
lang = language()
st.set_page_config(
    page_title=t("app.title", lang),
    page_icon=str(HERE / "static" / "icon.png"),  # local: no request leaves the machine
    layout="wide",
)

network = load_network()
if not network.usable:
    show_unusable(network, lang)
    st.stop()

filter_sidebar(network, lang)

pages = [
    st.Page("pages/overview.py", title=t("nav.overview", lang), url_path="overview", default=True),
]
st.navigation(pages).run()
