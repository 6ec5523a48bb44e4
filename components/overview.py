"""The overview page's charts, built in one go from the filtered network: each with its
alt text and its table alternative, ready for components.page.chart; and the page's
sections: the KPI cards, the charts, the project list and the box about the data."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from atlas import fmt, summary
from atlas.network import Network
from atlas.text import escape_markdown, t
from components.charts import bar_alt_text, bar_chart, matrix_chart
from components.data import view_inputs
from components.links import profile_url
from components.memo import shared
from components.page import chart, kpi_cards, lazy_expander, money
from components.present import is_presenting
from components.theme import GREY, PHASE_COLOURS, PRIMARY


class Chart(NamedTuple):
    figure: go.Figure
    alt: str
    table: pd.DataFrame
    key: str


def bar_section(table, column, title_key, key, lang, label_prefix=None, colours=None) -> Chart:
    """A bar chart of projects per `column` value; labels translated where they are codes."""
    labels = [t(f"{label_prefix}.{v}", lang) if label_prefix else str(v) for v in table[column]]
    values = table["projects"].tolist()
    title = t(title_key, lang)
    figure = bar_chart(
        labels, values, title, t("chart.projects", lang), colours or PRIMARY, lang=lang
    )
    alt = bar_alt_text(labels, values, title, lambda **kw: t("chart.alt_bar", lang, **kw))
    shown = table.assign(**{column: labels}).rename(
        columns={column: t(f"chart.{column}", lang), "projects": t("chart.projects", lang)}
    )
    return Chart(figure, alt, shown, key)


def matrix_section(view: Network, lang: str) -> Chart | None:
    """States × topics, with the busiest cell named in the alt text."""
    matrix = summary.state_topic_matrix(view)
    if matrix.empty:
        return None
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
    figure = matrix_chart(matrix, title, rows, cols, lang)
    return Chart(figure, alt, shown.reset_index(), "state_topic")


def cohort_labels(cohorts: pd.DataFrame, lang: str) -> pd.DataFrame:
    label = cohorts["cohort"].map(
        lambda c: t("chart.no_cohort", lang) if c != c or c is None else str(int(c))
    )
    return cohorts.assign(cohort=label)


def overview_charts(view: Network, lang: str) -> dict[str, Chart | None]:
    """Projects by state, cohort, phase and topic, and the state × topic matrix (None when
    no project has both)."""
    phases = summary.projects_by_phase(view)
    phase_colours = [PHASE_COLOURS.get(p, GREY) for p in phases["phase"]]
    return {
        "by_state": bar_section(
            summary.projects_by_state(view), "state", "chart.by_state", "by_state", lang, "state"
        ),
        "by_cohort": bar_section(
            cohort_labels(summary.projects_by_cohort(view), lang),
            "cohort",
            "chart.by_cohort",
            "by_cohort",
            lang,
        ),
        "by_phase": bar_section(
            phases, "phase", "chart.by_phase", "by_phase", lang, "phase", phase_colours
        ),
        "by_topic": bar_section(
            summary.projects_by_topic(view), "topic", "chart.by_topic", "by_topic", lang, "topic"
        ),
        "state_topic": matrix_section(view, lang),
    }


def project_list(network: Network, view: Network, lang: str) -> pd.DataFrame:
    """The filtered projects as a table to sort: name, members, cohort, current phase
    (atlas.status, as every page), known federal funding, and a link to the profile.
    Numbers stay numbers, so sorting by funding or cohort sorts by value."""
    projects = view.projects.sort_values("name")
    munis = network.municipalities  # members outside a region filter are named too
    names = dict(zip(munis["id"], munis["name"], strict=True))
    return pd.DataFrame(
        {
            t("overview.col.name", lang): projects["name"].tolist(),
            t("overview.col.members", lang): [
                ", ".join(names[i] for i in ids if i in names)
                for ids in projects["municipality_ids"]
            ],
            t("overview.col.cohort", lang): projects["cohort"].astype("Int64").tolist(),
            t("overview.col.phase", lang): [t(f"phase.{p}", lang) for p in projects["phase_now"]],
            t("overview.col.funding", lang): projects["funding_federal_eur"].tolist(),
            t("overview.col.profile", lang): [profile_url("project", i) for i in projects["id"]],
        }
    )


def kpi_section(view: Network, lang: str) -> None:
    """Members, projects, states and federal funding as cards, and how many projects the
    funding is known for."""
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


# The charts in each column. On a slide three columns: states and topics (the tall charts,
# up to 16 and 14 bars) each in one of their own, so that at 1920x1080 all four end above
# the slide's foot; a narrower screen wraps the third below the others (PRESENTATION_CSS).
PAGE_COLUMNS = (["by_state", "by_cohort"], ["by_phase", "by_topic"])
SLIDE_COLUMNS = (["by_state"], ["by_phase", "by_cohort"], ["by_topic"])


def charts_section(view: Network, lang: str) -> None:
    """The four counts in columns, then states by topic where there is one."""
    charts = shared("overview", view_inputs(), lambda: overview_charts(view, lang))
    if is_presenting():
        names, columns = SLIDE_COLUMNS, st.container(key="slide_charts").columns([1, 1, 1.25])
    else:
        names, columns = PAGE_COLUMNS, st.columns(2)
    for column, keys in zip(columns, names, strict=True):
        with column:
            for key in keys:
                chart(*charts[key], lang)
    if charts["state_topic"] is not None:
        chart(*charts["state_topic"], lang)


def projects_section(network: Network, view: Network, lang: str) -> None:
    """The project list, in an expander that fills when opened: a table's code is 1.2 MB
    of JavaScript a browser evaluates before the page has settled (a fifth of the
    overview's first load, for every device in the room), and 20,000 projects were
    2.8 MB on every run."""
    st.subheader(t("overview.projects", lang), help=t("overview.projects_help", lang))

    def project_table() -> None:
        table = shared(
            "overview_projects", view_inputs(), lambda: project_list(network, view, lang)
        )
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

    label = t("overview.projects_all", lang, n=fmt.number(len(view.projects), lang))
    lazy_expander(label, "overview_projects", project_table)


def about_box(network: Network, view: Network, lang: str) -> None:
    """Where the data comes from, its date, how much of the view has topics and funding,
    and how phases are read, in a bordered box."""
    cover = shared("overview_cover", view_inputs(), lambda: summary.coverage(view))
    with st.container(border=True):
        st.subheader(t("about.header", lang))
        lines = [
            t("about.source", lang, label=network.title),
            t("about.asof", lang, date=fmt.date(network.as_of, lang)),
            t("about.coverage_topics", lang, known=cover["with_topics"], total=cover["projects"]),
            t(
                "about.coverage_funding",
                lang,
                known=cover["with_funding"],
                total=cover["projects"],
            ),
            t("about.phase_note", lang),
            t("about.sources", lang),
        ]
        st.markdown("\n".join(f"- {escape_markdown(line)}" for line in lines))
