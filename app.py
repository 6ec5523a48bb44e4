"""Netzwerkatlas: the frame. Page config, the shared filter sidebar, the pages."""

import streamlit as st

from atlas.text import escape_markdown, t
from components.data import language, language_switch, load_network
from components.filters import filter_sidebar
from components.page import show_unusable
from components.present import (
    presentation_bar,
    presentation_request,
    remember_pages,
    save_view_form,
)
from components.theme import PAGE_ICON

OVERVIEW = "overview"
lang = language()
network = load_network()
slides, unknown_slides = (presentation_request(network) if network.usable else None) or ([], [])
presenting = bool(slides)  # a slide show: full screen, no sidebar, large type
st.set_page_config(
    page_title=t("app.title", lang),
    page_icon=PAGE_ICON,  # local: no request leaves the machine
    layout="wide",
    initial_sidebar_state="collapsed" if presenting else "auto",
)

# URL paths equal the file names. Streamlit treats pages/ beside app.py as a v1 multipage
# app until st.navigation first runs; components/pages_folder.py deals with that (the v1
# file list is hidden by the configuration, a lone page run reruns through this frame).
pages = [
    st.Page("pages/overview.py", title=t("nav.overview", lang), url_path=OVERVIEW, default=True),
    st.Page("pages/map.py", title=t("nav.map", lang), url_path="map"),
    st.Page("pages/timeline.py", title=t("nav.timeline", lang), url_path="timeline"),
    st.Page("pages/cooperation.py", title=t("nav.cooperation", lang), url_path="cooperation"),
    st.Page("pages/profiles.py", title=t("nav.profiles", lang), url_path="profiles"),
    st.Page("pages/meeting.py", title=t("nav.meeting", lang), url_path="meeting"),
    st.Page("pages/data.py", title=t("nav.data", lang), url_path="data"),
    st.Page("pages/present.py", title=t("nav.present", lang), url_path="present"),
    st.Page("pages/about.py", title=t("nav.about", lang), url_path="about"),
]
# .streamlit/config.toml hides the v1 page list a server's first request would show; the
# app's own navigation is read from this option when st.navigation runs, so it is shown.
st.set_option("client.showSidebarNavigation", True)
page = st.navigation(pages, position="hidden" if presenting else "sidebar")
pages_by_path = remember_pages(pages, OVERVIEW)
if not network.usable:
    show_unusable(network, lang)
    st.stop()
lang = language_switch()
filter_sidebar(network, lang)
if unknown_slides:
    st.warning(escape_markdown(t("present.unknown_ids", lang, ids=", ".join(unknown_slides))))
if presenting:
    presentation_bar(network, slides, pages_by_path, page.url_path or OVERVIEW, lang)
else:
    save_view_form(network, page.url_path or OVERVIEW, lang)
page.run()
