"""Overview: how many members and projects, where, in which cohort, phase and topic."""

import streamlit as st

from atlas import fmt, summary
from atlas.text import escape_markdown, t
from components import overview
from components.asof import show_as_of
from components.data import current_view, language, view_inputs
from components.memo import shared
from components.overview import overview_charts, project_list
from components.page import (
    chart,
    kpi_cards,
    lazy_expander,
    money,
    page_header,
    show_problems,
    skipped_notice,
)

lang = language()
network, view, filters = current_view()
page_header(t("page.overview.title", lang), view, filters, lang)
skipped_notice(network, lang)

if view.projects.empty:
    st.info(t("empty.filtered", lang))
    st.stop()

k = summary.kpis(view)
funding_help = t("kpi.funding_help", lang, known=k.funding_known, total=k.projects)
kpi_cards(
    [
        (t("kpi.municipalities", lang), fmt.number(k.municipalities, lang), None),
        (t("kpi.projects", lang), fmt.number(k.projects, lang), None),
        (t("kpi.states", lang), fmt.number(k.states, lang), None),
        (t("kpi.funding", lang), money(k.funding_federal_eur, lang), funding_help),
    ],
    widths=[1, 1, 1, 1.4],
)
st.caption(t("kpi.funding_cover", lang, known=k.funding_known, total=k.projects))

show_as_of(network, lang)

charts = shared("overview", view_inputs(), lambda: overview_charts(view, lang))
left, right = st.columns(2)
with left:
    chart(*charts["by_state"], lang)
    chart(*charts["by_cohort"], lang)
with right:
    chart(*charts["by_phase"], lang)
    chart(*charts["by_topic"], lang)
if charts["state_topic"] is not None:
    chart(*charts["state_topic"], lang)

st.subheader(t("overview.projects", lang), help=t("overview.projects_help", lang))


def project_table() -> None:
    table = shared("overview_projects", view_inputs(), lambda: project_list(network, view, lang))
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            t("overview.col.profile", lang): st.column_config.LinkColumn(display_text="→"),
            t("overview.col.funding", lang): st.column_config.NumberColumn(format="localized"),
            t("overview.col.cohort", lang): st.column_config.NumberColumn(format="%d"),
        },
    )


# a long list waits until it is asked for: 20,000 projects were 2.8 MB on every run
if len(view.projects) <= overview.OPEN_TABLE_ROWS:
    project_table()
else:
    label = t("overview.projects_all", lang, n=fmt.number(len(view.projects), lang))
    lazy_expander(label, "overview_projects", project_table)

cover = shared("overview_cover", view_inputs(), lambda: summary.coverage(view))
with st.container(border=True):
    st.subheader(t("about.header", lang))
    lines = [
        t("about.source", lang, label=network.title),
        t("about.asof", lang, date=fmt.date(network.as_of, lang)),
        t("about.coverage_topics", lang, known=cover["with_topics"], total=cover["projects"]),
        t("about.coverage_funding", lang, known=cover["with_funding"], total=cover["projects"]),
        t("about.phase_note", lang),
        t("about.sources", lang),
    ]
    st.markdown("\n".join(f"- {escape_markdown(line)}" for line in lines))

show_problems(network, lang)
