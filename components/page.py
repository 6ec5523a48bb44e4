"""Pieces every page uses: the header with the filter description, the data report,
KPI cards, and charts shown together with their alt text and a table alternative."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from atlas import fmt
from atlas.database import DATABASE_LABEL
from atlas.filters import Filters, describe
from atlas.network import Network
from atlas.problems import problems_frame, skipped
from atlas.text import escape_markdown, t
from components.figure import figure_chart
from components.present import is_presenting

SKIPPED_NAMED = 10  # rows left out named at the top of a page; the notes list every one


def page_header(title: str, view: Network, filters: Filters, lang: str) -> None:
    if "show" not in st.query_params:  # on a slide the slide bar carries the view's title
        st.title(title)
    st.markdown(f"**{escape_markdown(describe(filters, len(view.projects), lang))}**")


def show_report(problems, lang: str, key: str | None = None) -> None:
    """The validation report as a table: file, line, column, value and what was expected,
    with headers in the interface language (the data keeps its column names)."""
    frame = problems_frame(list(problems), lang)
    frame["severity"] = frame["severity"].map(lambda s: t(f"severity.{s}", lang))
    frame["file"] = frame["file"].map(lambda f: source_name(f, lang))
    headers = dict(zip(frame.columns, t("error.report_columns", lang).split(", "), strict=True))
    config = {column: st.column_config.Column(label) for column, label in headers.items()}
    st.dataframe(frame, hide_index=True, width="stretch", key=key, column_config=config)


def source_name(name: str, lang: str) -> str:
    """A file's or source's name as shown; the database (the data layer's name for it)
    in the interface language."""
    return t("store.database", lang) if name == DATABASE_LABEL else name


def show_unusable(network: Network, lang: str) -> None:
    """When the data cannot be used at all: the full report instead of a traceback."""
    label = source_name(network.label, lang)
    st.error(escape_markdown(t("error.data_unusable", lang, label=label)))
    show_report(network.problems, lang)


def show_problems(network: Network, lang: str) -> None:
    """Data-quality notes, collapsed: the data is usable, but some rows or values were not."""
    if not network.problems:
        return
    label = t("error.data_problems", lang, n=len(network.problems))
    lazy_expander(label, "data_problems", lambda: show_report(network.problems, lang))


def skipped_notice(network: Network, lang: str) -> None:
    """At the top of a page: the network shown lacks rows of the files, and where to read why."""
    rows = skipped(network.problems)
    if not rows:
        return
    named = [
        "- "
        + escape_markdown(
            t("problems.skipped_row", lang, file=p.file, row=p.row, why=p.message(lang))
        )
        for p in rows[:SKIPPED_NAMED]
    ]
    if len(rows) > SKIPPED_NAMED:
        named.append("- " + t("problems.skipped_more", lang, n=len(rows) - SKIPPED_NAMED))
    st.warning("\n".join([t("problems.rows_skipped", lang, n=len(rows)), "", *named]))


def kpi_cards(cards: list[tuple[str, str, str | None]], widths: list[float] | None = None) -> None:
    """(label, value, help) cards in one row; give long values (money) a wider card."""
    columns = st.columns(widths or len(cards))
    for column, (label, value, help_text) in zip(columns, cards, strict=True):
        column.metric(label, value, help=help_text, border=True)


def chart(fig: go.Figure, alt: str, table: pd.DataFrame, key: str, lang: str) -> None:
    """A chart, its alt text (the chart's accessible name, and visible on demand) and the
    same numbers as a table, for everyone who cannot use the chart."""
    # a slide's type is larger than the page's, readable from the back of the room
    figure_chart(fig, key, alt, lang, slide=is_presenting())

    def alternative() -> None:
        st.caption(escape_markdown(alt))
        st.dataframe(table, hide_index=True, width="stretch")

    lazy_expander(t("chart.table", lang), f"{key}_table", alternative)


def lazy_expander(label: str, key: str, fill: Callable[[], None]) -> None:
    """An expander whose content is only built while it is open: tables are the costliest
    part of a page run and most stay closed. Opening it reruns the page."""
    box = st.expander(label, key=key, on_change="rerun")
    if box.open:
        with box:
            fill()


def money(value: float, lang: str) -> str:
    """Short enough for a KPI card on a projector: 468 Mio. €, 12,5 Mio. €, 675.000 €."""
    if value >= 100_000_000:
        return fmt.euro_millions(value, lang, decimals=0)
    return fmt.euro_millions(value, lang) if value >= 10_000_000 else fmt.euro(value, lang)
