"""Presentation: choose saved views as slides and start the slide show."""

import streamlit as st

from atlas.text import escape_markdown, t
from atlas.views import views_table
from components.asof import show_as_of
from components.data import current_view, language
from components.handout import ChromeMissing
from components.page import page_header
from components.present import (
    make_handout,
    prepare_handout,
    registered_paths,
    saved_views,
    start_show,
    views_csv,
)

lang = language()
network, view, filters = current_view()
page_header(t("present.title", lang), view, filters, lang)
st.markdown(escape_markdown(t("present.intro", lang)))

views = saved_views(network)
available = views[views["page"].isin(registered_paths())]
missing = views[~views["page"].isin(registered_paths())]
if available.empty:
    st.info(t("present.none", lang))
    st.stop()
if not missing.empty:
    st.caption(escape_markdown(t("present.unavailable", lang, titles=", ".join(missing["title"]))))

st.subheader(t("present.views", lang))
st.dataframe(views_table(available, lang), hide_index=True, width="stretch")
titles = dict(zip(available["id"], available["title"], strict=True))
chosen = st.multiselect(
    t("present.choose", lang),
    list(titles),
    default=list(titles),
    format_func=titles.get,
    key="show_views",
)
auto = st.number_input(
    t("present.auto", lang), min_value=0, max_value=600, value=0, step=5, key="show_auto"
)
if st.button(t("present.start", lang), type="primary", disabled=not chosen, shortcut="Enter"):
    start_show(network, chosen, int(auto), lang)
st.download_button(t("present.download_views", lang), views_csv(views), "views.csv", "text/csv")

st.subheader(t("present.handout", lang))
show_as_of(network, lang)  # the handout's phases are computed for today
prepare_handout()  # starts the PDF renderer's Chromium while the page is read
if st.button(t("present.handout_make", lang), key="make_handout"):
    try:
        pdf, pages, seconds = make_handout(network, view, filters, lang)
    except ChromeMissing:
        st.error(t("present.handout_no_chrome", lang))
    else:
        st.success(t("present.handout_ready", lang, pages=pages, seconds=seconds))
        st.download_button(
            t("present.handout_download", lang), pdf, "netzwerkatlas-handout.pdf", "application/pdf"
        )
