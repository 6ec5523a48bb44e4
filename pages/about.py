"""About: what the data is, where it comes from, how suggestions are made, accessibility."""

import streamlit as st

from atlas import fmt
from atlas.export import template_xlsx
from atlas.text import escape_markdown, t
from components.coverage_table import coverage_table
from components.data import current_view, language
from components.page import page_header

lang = language()
network, view, filters = current_view()
page_header(t("about.title", lang), view, filters, lang)


def section(title_key: str, *texts: str) -> None:
    st.subheader(t(title_key, lang))
    for text in texts:
        st.markdown(escape_markdown(text))


section(
    "about.data",
    t("about.data_text", lang),
    t(
        "about.counts",
        lang,
        projects=fmt.number(len(network.projects), lang),
        municipalities=fmt.number(len(network.municipalities), lang),
        links=fmt.number(len(network.cooperations), lang),
        events=fmt.number(len(network.events), lang),
    ),
    t("about.asof_phase", lang, date=fmt.date(network.as_of, lang)),
)
section("about.licences", t("about.licences_text", lang), network.meta_value("licence"))
section("coverage.header", t("coverage.intro", lang))
st.dataframe(coverage_table(network, lang), hide_index=True)
section("about.format", t("about.format_text", lang))
st.download_button(
    t("about.template", lang),
    template_xlsx(),
    "netzwerkatlas-vorlage.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
section("about.suggestions", t("coop.how_text", lang))
section("about.accessibility", t("about.accessibility_text", lang))
