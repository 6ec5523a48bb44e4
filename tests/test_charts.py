"""Chart rules for meetings: whole-number count axes, categories for cohorts, the
language's number separators, upright labels, "heute" clear of the ticks, no slivers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from atlas.timeline import cohort_phase_counts, month_range, phase_bars
from components.charts import (
    FONT_SIZE,
    bar_chart,
    count_step,
    for_slides,
    label_width,
    matrix_chart,
    wrapped,
)
from components.theme import PRESENTATION_FONT_SIZE
from components.timeline_charts import cohort_chart, gantt, without_slivers

DAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def network():
    return open_network(BUNDLED_DATA_DIR, DAY)


@pytest.mark.parametrize(
    ("peak", "step"), [(0, 1), (3, 1), (8, 1), (9, 2), (17, 5), (41, 10), (400, 50)]
)
def test_count_steps_are_whole_and_few(peak, step):
    assert count_step(peak) == step
    assert peak / count_step(peak) <= 8


def test_bar_chart_counts_whole_numbers_cohorts_as_categories_in_german():
    figure = bar_chart(["2019", "2020", "2021"], [1, 2, 1], "Staffel", "Projekte", lang="de")
    layout = figure.layout
    assert layout.xaxis.tickformat == ",d" and layout.xaxis.dtick == 1
    assert layout.yaxis.type == "category"  # not 2,020.6
    assert layout.separators == ",."
    assert figure.data[0].textangle == 0 and layout.yaxis.tickangle == 0
    assert figure.data[0].constraintext == "none"  # printed values keep the chart's type
    english = bar_chart(["a"], [1500], "t", "Projects", lang="en")
    assert english.layout.separators == ".,"


def test_matrix_labels_stand_upright_below_the_title():
    matrix = pd.DataFrame([[1, 0], [2, 3]], index=["Bayern", "Hessen"], columns=["a", "b"])
    figure = matrix_chart(
        matrix, "Bundesland × Thema", ["Bayern", "Hessen"], ["Bauen & Wohnen", "b"]
    )
    assert figure.layout.xaxis.tickangle == 0
    assert figure.layout.title.yref == "container" and figure.layout.title.yanchor == "top"
    assert wrapped("Daten & Plattformen", 12) == "Daten &<br>Plattformen"


def test_overview_charts_leave_room_for_their_labels_without_plotly_measuring():
    """The margins come from the labels (plotly's automargin measures every label in the
    browser and lays the chart out again): the longest label fits, a short one gets less."""
    long = ["Ländlicher Raum & Versorgung", "Sicherheit"]
    figure = bar_chart(long, [22, 15], "Thema", "Projekte", lang="de")
    layout = figure.layout
    assert not layout.yaxis.automargin and not layout.xaxis.automargin
    # at least half the font size per character: Source Sans is about that wide
    assert layout.margin.l >= len(long[0]) * FONT_SIZE * 0.5
    assert bar_chart(["2019"], [1], "Staffel", "Projekte").layout.margin.l < layout.margin.l
    matrix = pd.DataFrame([[1, 0]], index=["Mecklenburg-Vorpommern"], columns=["a", "b"])
    heat = matrix_chart(matrix, "t", ["Mecklenburg-Vorpommern"], ["Digitale Kompetenzen", "b"])
    assert heat.layout.margin.l == label_width(["Mecklenburg-Vorpommern"]) + 10
    assert heat.layout.margin.t > 60 + 20  # title plus two lines of column labels


@pytest.mark.parametrize(
    ("shown", "plain"),
    [("<b>Bayern</b>", "Bayern"), ("Stadt &amp; Land", "Stadt & Land"), ("a<br>bb", "bb")],
)
def test_a_label_is_measured_as_the_characters_it_shows(shown, plain):
    assert label_width([shown]) == label_width([plain])


def test_timeline_charts_leave_room_for_their_labels_without_plotly_measuring(network):
    """plotly's automargin draws a chart a second time when its labels need more room:
    the Gantt's margin comes from its row labels, the cohort chart's from its counts."""
    bars = phase_bars(network, DAY)
    order = network.projects[["id", "name"]].assign(group="")
    events = pd.DataFrame(columns=["date", "title", "participants"])
    figure = gantt(bars, order, events, DAY, "de", "Phasen")
    assert figure.layout.yaxis.automargin is False
    names = list(figure.layout.yaxis.categoryarray)
    assert figure.layout.margin.l == label_width(names, 15) + 10
    assert any(len(n) > 30 for n in names)  # long names: a margin of its own, not 10 px
    counts = cohort_phase_counts(network, month_range(dt.date(2020, 1, 1), DAY))
    cohort = cohort_chart(counts, 2021, DAY, "de", "Staffel 2021")
    assert cohort.layout.yaxis.automargin is False and cohort.layout.margin.l > 40


def test_a_slide_leaves_room_for_the_labels_in_its_larger_type():
    """A slide shows the page's charts in larger type: the longest phase label keeps its
    first letters (its margin was set for the page's type)."""
    labels = ["Geplantes Ende überschritten", "Umsetzung", "Abgeschlossen"]
    page = bar_chart(labels, [6, 48, 1], "Projekte nach aktueller Phase", "Projekte")
    slide = for_slides(page)
    assert slide.layout.font.size == PRESENTATION_FONT_SIZE > FONT_SIZE
    assert page.layout.margin.l < label_width(labels, PRESENTATION_FONT_SIZE) + 10
    assert slide.layout.margin.l >= label_width(labels, PRESENTATION_FONT_SIZE) + 10
    assert slide.layout.margin.t > page.layout.margin.t  # the larger title
    assert page.layout.font.size == FONT_SIZE  # the page's own figure is left as it was


def test_cohort_chart_counts_whole_projects(network):
    counts = cohort_phase_counts(network, month_range(dt.date(2020, 1, 1), DAY))
    figure = cohort_chart(counts, 2020, DAY, "de", "Staffel 2020")
    assert figure.layout.yaxis.tickformat == ",d" and figure.layout.yaxis.dtick >= 1
    assert figure.layout.separators == ",."


def test_today_sits_inside_the_chart_under_the_date_ticks(network):
    bars = phase_bars(network, DAY)
    order = network.projects[["id", "name"]].head(5).assign(group="")
    events = pd.DataFrame(columns=["date", "title", "participants"])
    figure = gantt(bars, order, events, DAY, "de", "Zeitachse")
    today = next(a for a in figure.layout.annotations if a.text == "heute")
    assert figure.layout.xaxis.side == "top"
    assert today.yanchor == "top" and today.y == 1  # below the ticks, not on them


def test_a_project_with_a_known_start_has_no_one_month_unknown_sliver(network):
    bars = phase_bars(network, DAY)
    kalletal = bars[bars["project_id"] == "mpsc-2020-kalletal"]
    assert ((kalletal["phase"] == "Unbekannt") & (kalletal["kind"] == "runtime")).any()
    kept = without_slivers(kalletal)
    assert set(kept["phase"]) == {"Strategie", "Umsetzung"}
    # a longer unknown stretch stays: it is a real gap in what is known
    berlin = bars[bars["project_id"] == "mpsc-2020-berlin"]
    assert (without_slivers(berlin)["phase"] == "Unbekannt").any()


def test_the_timeline_counts_and_the_overview_use_one_phase_function(network):
    """The cohort sentence (timeline) and the overview's phase counts agree on today."""
    day = pd.Timestamp(DAY)
    counts = cohort_phase_counts(network, pd.DatetimeIndex([day]))
    timeline = counts[counts["projects"] > 0].set_index(["cohort", "phase"])["projects"]
    projects = network.projects.dropna(subset=["cohort"])
    overview = projects.groupby([projects["cohort"].astype(int), "phase_now"]).size()
    assert timeline.sort_index().to_dict() == overview.sort_index().to_dict()
