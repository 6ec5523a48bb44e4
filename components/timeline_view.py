"""Sections of the timeline page: the paged Gantt chart with selection, the cohort view,
and the milestone list."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import streamlit as st

from atlas import fmt
from atlas.network import Network
from atlas.profiles import names
from atlas.text import escape_markdown, join_words, t
from atlas.timeline import cohort_standing
from components.data import view_inputs
from components.figure import figure_chart
from components.links import profile_url
from components.memo import shared
from components.page import lazy_expander
from components.timeline_charts import cohort_chart, gantt
from components.url_widgets import url_widget

PAGE_SIZE = 30  # bars a projector shows legibly at once


def _events(view: Network) -> pd.DataFrame:
    label = names(view)
    events = view.events.dropna(subset=["date_dt"])
    return pd.DataFrame(
        {
            "date": events["date_dt"],
            "title": events["title"],
            "participants": [
                join_words([label.get(i, i) for i in ids]) for ids in events["participant_ids"]
            ],
        }
    )


def gantt_section(
    view: Network,
    bars: pd.DataFrame,
    order: pd.DataFrame,
    day: dt.date,
    lang: str,
    group_by: str | None = None,
) -> None:
    pages = max(1, math.ceil(len(order) / PAGE_SIZE))
    page = 1
    if pages > 1:
        page = url_widget(
            st.number_input, t("timeline.page", lang), 1, pages, 1, key="timeline_page"
        )
    first = (page - 1) * PAGE_SIZE
    shown = order.iloc[first : first + PAGE_SIZE]
    st.caption(
        t("timeline.page_of", lang, first=first + 1, last=first + len(shown), total=len(order))
    )

    def build() -> tuple[pd.DataFrame, object]:
        events = _events(view)
        title = t("timeline.gantt", lang)
        return events, gantt(bars, shown, events, day, lang, title, group_by)

    events, figure = shared("gantt", (view_inputs(), group_by, page), build)
    alt = t("timeline.alt", lang, n=len(shown), events=len(events))
    state = figure_chart(figure, "gantt", alt, lang, select=True)
    st.caption(escape_markdown(alt))
    lazy_expander(
        t("chart.table", lang),
        "gantt_table",
        lambda: st.dataframe(bar_table(bars, shown, lang), hide_index=True, width="stretch"),
    )
    project_id = clicked_project(state["selection"]["points"], shown["id"])
    if project_id:
        name = dict(zip(shown["id"], shown["name"], strict=True))[project_id]
        st.markdown(f"**{escape_markdown(t('timeline.selected', lang, name=name))}**")
        st.link_button(t("timeline.open_profile", lang), profile_url("project", project_id))


def clicked_project(points, shown_ids) -> str | None:
    """The project of the first clicked point that is a bar or an end mark of a project
    on the chart's page (they carry [project id, name, ...]; meeting stars carry none).
    The points come from the browser: anything else is no project."""
    ids = set(shown_ids)
    for point in points if isinstance(points, list) else []:
        data = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(data, list) and data and isinstance(data[0], str) and data[0] in ids:
            return data[0]
    return None


def bar_table(bars: pd.DataFrame, shown: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The Gantt chart's bars as rows, for everyone who cannot use the chart."""
    names = dict(zip(shown["id"], shown["name"], strict=True))
    rows = bars[bars["project_id"].isin(names)]
    order = {pid: i for i, pid in enumerate(shown["id"])}
    rows = rows.assign(_order=rows["project_id"].map(order)).sort_values(
        ["_order", "start"], na_position="last"
    )

    def when(day) -> str:
        return "–" if pd.isna(day) else fmt.date(day.date().isoformat(), lang)

    return pd.DataFrame(
        {
            t("timeline.col.project", lang): [names[p] for p in rows["project_id"]],
            t("chart.phase", lang): [
                t(f"phase.{p}", lang) if k != "none" else t("timeline.no_dates", lang)
                for p, k in zip(rows["phase"], rows["kind"], strict=True)
            ],
            t("timeline.col.start", lang): [when(d) for d in rows["start"]],
            t("timeline.col.end", lang): [when(d) for d in rows["end"]],
        }
    )


def cohort_years(view: Network, day: dt.date) -> tuple[list[int], pd.Timestamp]:
    """The cohorts in view and the first day of the cohort chart's span (the earliest start,
    or today when no project has one)."""
    projects = view.projects
    cohorts = sorted(int(c) for c in projects["cohort"].dropna().unique())
    first = projects["start_dt"].min() if projects["start_dt"].notna().any() else None
    return cohorts, pd.Timestamp(day) if first is None else first


def cohort_sentence(counts: pd.DataFrame, cohort: int, day: dt.date, lang: str) -> str | None:
    """How many of the cohort's projects were implementing on the last counted day."""
    standing = cohort_standing(counts, cohort, day)
    if standing is None:
        return None
    date, implementing, total = standing
    return t(
        "timeline.cohort_sentence",
        lang,
        date=fmt.date(date.date().isoformat(), lang),
        n=implementing,
        total=total,
        cohort=cohort,
    )


def cohort_section(view: Network, counts_between, day: dt.date, lang: str) -> None:
    st.subheader(t("timeline.cohorts", lang))
    cohorts, earliest = shared("cohort_years", view_inputs(), lambda: cohort_years(view, day))
    if not cohorts:
        return
    cohort = url_widget(
        st.selectbox,
        t("timeline.cohort", lang),
        cohorts,
        index=len(cohorts) - 1,
        key="timeline_cohort",
    )
    first = min(pd.Timestamp(f"{cohort}-01-01"), earliest)
    span = (first.date(), day.replace(year=day.year + 2))
    counts = shared("cohort_counts", (view_inputs(), span), lambda: counts_between(*span))
    title = t("timeline.cohort_chart", lang, cohort=cohort)
    figure, sentence = shared(
        "cohort_chart",
        (view_inputs(), span, cohort),
        lambda: (
            cohort_chart(counts, cohort, day, lang, title),
            cohort_sentence(counts, cohort, day, lang),
        ),
    )
    figure_chart(figure, "cohort_chart", sentence or title, lang)
    if sentence:
        st.caption(escape_markdown(sentence))


def milestone_table(upcoming: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The milestones as the page shows them: German dates, phase names, a profile link."""
    what = [
        t(f"timeline.what.{w}", lang, phase=t(f"phase.{p}", lang) if p else "")
        for w, p in zip(upcoming["what"], upcoming["phase"], strict=True)
    ]
    return pd.DataFrame(
        {
            t("timeline.col.date", lang): [
                fmt.date(d.date().isoformat(), lang) for d in upcoming["date"]
            ],
            t("timeline.col.project", lang): upcoming["name"],
            t("timeline.col.what", lang): what,
            t("profiles.open", lang): [profile_url("project", p) for p in upcoming["project_id"]],
        }
    )


def milestone_section(milestones_within, lang: str) -> None:
    st.subheader(t("timeline.milestones", lang))
    months = url_widget(
        st.select_slider, t("timeline.horizon", lang), [3, 6, 12, 24], value=6, key="horizon"
    )
    table = shared(
        "milestones",
        (view_inputs(), months),
        lambda: milestone_table(milestones_within(months), lang),
    )
    if table.empty:
        st.info(t("timeline.milestones_none", lang))
        return
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={t("profiles.open", lang): st.column_config.LinkColumn(display_text="→")},
    )
