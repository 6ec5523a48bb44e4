"""The Gantt chart (components.timeline_charts.gantt): one trace per kind of mark, in the
legend's order, each mark in its project's row."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from atlas.status import PHASES_NOW
from atlas.text import t
from atlas.timeline import ordered_projects, phase_bars
from components.timeline_charts import gantt

DAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def network():
    return open_network(BUNDLED_DATA_DIR, DAY)


def events(n: int) -> pd.DataFrame:
    dates = pd.date_range("2024-01-15", periods=n, freq="MS")
    return pd.DataFrame({"date": dates, "title": ["Treffen"] * n, "participants": ["A"] * n})


@pytest.mark.parametrize("lang", ["de", "en"])
def test_one_trace_per_kind_of_mark_in_legend_order(network, lang):
    bars = phase_bars(network, DAY)
    order = ordered_projects(network, "state", DAY)
    figure = gantt(bars, order, events(3), DAY, lang, "T", "state")
    names = [trace.name for trace in figure.data]
    phases = [t(f"phase.{p}", lang) for p in PHASES_NOW]
    drawn = [n for n in names if n in phases]
    assert drawn == [p for p in phases if p in drawn]  # phases first, in their order
    assert names[: len(drawn)] == drawn
    assert names[len(drawn) :] == [
        t(key, lang)
        for key in (
            "timeline.open_end",
            "timeline.end_only",
            "timeline.no_dates",
            "timeline.events",
        )
        if t(key, lang) in names
    ]
    assert names[-1] == t("timeline.events", lang)
    assert [trace.type for trace in figure.data[: len(drawn)]] == ["bar"] * len(drawn)


def test_every_mark_stands_in_its_projects_row_and_meetings_on_top(network):
    bars = phase_bars(network, DAY)
    order = ordered_projects(network, "cohort", DAY).head(12)
    figure = gantt(bars, order, events(2), DAY, "de", "T", "cohort")
    rows = list(figure.layout.yaxis.categoryarray)[::-1]  # top to bottom
    assert rows[0] == f"<b>{t('timeline.events', 'de')}</b>"
    stars = figure.data[-1]
    assert set(stars.y) == {rows[0]} and len(stars.x) == 2
    for trace in figure.data[:-1]:
        assert set(trace.y) <= set(rows[1:]), trace.name
    # two meetings: two dashed lines besides today's dotted one
    assert [shape.line.dash for shape in figure.layout.shapes] == ["dot", "dash", "dash"]


def test_without_meetings_there_is_no_meeting_row(network):
    bars = phase_bars(network, DAY)
    order = ordered_projects(network, "state", DAY).head(5)
    figure = gantt(bars, order, events(0), DAY, "en", "T")
    assert t("timeline.events", "en") not in [trace.name for trace in figure.data]
    assert len(figure.layout.yaxis.categoryarray) == 5
