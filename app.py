"""Netzwerkatlas: the frame. Page config, the shared filter sidebar, the pages."""

from pathlib import Path

import streamlit as st

from atlas.text import t
from components.data import language, language_switch, load_network
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

# URL paths differ from the file names on purpose: Streamlit treats a folder named pages/
# as a v1 multipage app on a process's first run, and a request for a path equal to a file
# name would then run that page alone, without this frame (sidebar, filters, link state).
pages = [
    st.Page(
        "pages/overview.py", title=t("nav.overview", lang), url_path="ueberblick", default=True
    ),
    # st.Page("pages/map.py", title=t("nav.map", lang), url_path="karte"),
    # st.Page("pages/timeline.py", title=t("nav.timeline", lang), url_path="zeitachse"),
    # st.Page("pages/cooperation.py", title=t("nav.cooperation", lang), url_path="kooperation"),
    st.Page("pages/profiles.py", title=t("nav.profiles", lang), url_path="profil"),
    # st.Page("pages/data.py", title=t("nav.data", lang), url_path="daten"),
    # st.Page("pages/present.py", title=t("nav.present", lang), url_path="praesentation"),
]
# navigation first, always: it also tells Streamlit this app does not use v1 pages/
page = st.navigation(pages)
if not network.usable:
    show_unusable(network, lang)
    st.stop()
lang = language_switch()
filter_sidebar(network, lang)
page.run()
