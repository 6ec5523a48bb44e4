"""Overview: how many members and projects, where, in which cohort, phase and topic."""

import streamlit as st

from atlas import fmt, summary
from atlas.text import escape_markdown, t
from components.charts import bar_alt_text, bar_chart, matrix_chart
from components.data import current_view, language
from components.page import chart, kpi_cards, money, page_header, show_problems
from components.theme import GREY, PHASE_COLOURS

lang = language()
network, view, filters = current_view()
page_header(t("page.overview.title", lang), view, filters, lang)

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


def bar_section(table, column, title_key, key, label_prefix=None, colours=None):
    labels = [t(f"{label_prefix}.{v}", lang) if label_prefix else str(v) for v in table[column]]
    values = table["projects"].tolist()
    title = t(title_key, lang)
    fig = bar_chart(labels, values, title, t("chart.projects", lang), colours or "#0072B2")
    alt = bar_alt_text(labels, values, title, lambda **kw: t("chart.alt_bar", lang, **kw))
    shown = table.assign(**{column: labels}).rename(
        columns={column: t(f"chart.{column}", lang), "projects": t("chart.projects", lang)}
    )
    chart(fig, alt, shown, key, lang)


left, right = st.columns(2)
with left:
    bar_section(summary.projects_by_state(view), "state", "chart.by_state", "by_state", "state")
    cohorts = summary.projects_by_cohort(view)
    cohorts["cohort"] = cohorts["cohort"].map(
        lambda c: t("chart.no_cohort", lang) if c != c or c is None else str(int(c))
    )
    bar_section(cohorts, "cohort", "chart.by_cohort", "by_cohort")
with right:
    phases = summary.projects_by_phase(view)
    colours = [PHASE_COLOURS.get(p, GREY) for p in phases["phase"]]
    bar_section(phases, "phase", "chart.by_phase", "by_phase", "phase", colours)
    bar_section(summary.projects_by_topic(view), "topic", "chart.by_topic", "by_topic", "topic")

matrix = summary.state_topic_matrix(view)
if not matrix.empty:
    rows = [t(f"state.{s}", lang) for s in matrix.index]
    cols = [t(f"topic.{x}", lang) for x in matrix.columns]
    title = t("chart.state_topic", lang)
    peak = matrix.stack().idxmax()
    alt = t(
        "chart.alt_matrix",
        lang,
        title=title,
        rows=len(rows),
        cols=len(cols),
        max=int(matrix.to_numpy().max()),
        row=t(f"state.{peak[0]}", lang),
        col=t(f"topic.{peak[1]}", lang),
    )
    shown = matrix.copy()
    shown.index, shown.columns = rows, cols
    chart(matrix_chart(matrix, title, rows, cols), alt, shown.reset_index(), "state_topic", lang)

cover = summary.coverage(view)
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
