"""The timeline page headless (AppTest): bars per known phase of the filtered projects, the
today line, meeting markers, group-by order, filters, undated projects, paging at scale."""

from __future__ import annotations

import datetime as dt
import functools
import json

import pandas as pd
import pytest

from atlas.filters import Filters, apply_filters
from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from atlas.status import phase_on
from atlas.timeline import phase_bars
from tests.apptest import drawn_charts, open_expander, run_app
from tests.helpers import write_folder

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    monkeypatch.setattr("components.data.today", lambda: TODAY)


def figure(at, index: int = 0) -> dict:
    return drawn_charts(at)[index]


def bar_traces(at) -> dict[str, list[str]]:
    """Phase name -> the y label of each of its bars."""
    return {tr["name"]: tr["y"] for tr in figure(at)["data"] if tr["type"] == "bar"}


def drawn_projects(at) -> set[str]:
    return {pid for tr in figure(at)["data"] if tr["type"] == "bar" for pid, *_ in tr["customdata"]}


@functools.cache
def bundled_network():
    return open_network(BUNDLED_DATA_DIR, TODAY)


def expected_phase_counts(params: dict) -> tuple[dict, set, object]:
    """(bars per known phase, project ids, filtered view) of the bundled data for a link."""
    network = bundled_network()
    criteria = {"state": "states", "cohort": "cohorts"}
    chosen = {
        criteria[k]: (int(v) if k == "cohort" else v,) for k, v in params.items() if k in criteria
    }
    view = apply_filters(network, Filters(**chosen))
    expected = phase_bars(view, TODAY)
    expected = expected[expected["kind"] == "phase"]["phase"].value_counts().to_dict()
    return expected, set(view.projects["id"]), view


def known_phase_counts(spec: dict) -> dict:
    bars = {tr["name"]: tr["y"] for tr in spec["data"] if tr["type"] == "bar"}
    return {name: len(ys) for name, ys in bars.items() if name != "Unbekannt"}


def test_one_bar_per_known_phase_of_each_filtered_project(monkeypatch):
    """One page run: the link's filter reaches the chart. The other groupings and filters
    are checked on the chart builder below, without a page run each."""
    params = {"state": "Nordrhein-Westfalen"}
    at = run_app(monkeypatch, page="timeline", params=params)
    assert not at.exception
    expected, ids, _ = expected_phase_counts(params)
    assert known_phase_counts(figure(at)) == expected
    assert drawn_projects(at) <= ids
    # the page draws its today line on the app's today (its drawing: the builder test below)
    lines = [s for s in figure(at)["layout"]["shapes"] if s.get("line", {}).get("dash") == "dot"]
    assert [s["x0"] for s in lines] == [pd.Timestamp(TODAY).timestamp() * 1000]


@pytest.mark.parametrize(
    "params",
    [{"state": "Niedersachsen", "group": "topic"}, {"cohort": "2021", "group": "municipality"}],
)
def test_the_chart_builder_draws_one_bar_per_known_phase(params):
    """What the page draws (components.timeline_view.gantt_section: the first page of the
    ordered projects), built directly."""
    from atlas.timeline import ordered_projects
    from components.timeline_charts import gantt
    from components.timeline_view import PAGE_SIZE, _events

    expected, ids, view = expected_phase_counts(params)
    shown = ordered_projects(view, params["group"], TODAY).iloc[:PAGE_SIZE]
    assert len(shown) == len(ids)  # every filtered project is on the first page
    figure = gantt(phase_bars(view, TODAY), shown, _events(view), TODAY, "de", "t", params["group"])
    spec = figure.to_plotly_json()
    assert known_phase_counts(spec) == expected
    drawn = {pid for tr in spec["data"] if tr["type"] == "bar" for pid, *_ in tr["customdata"]}
    assert drawn <= ids


def test_today_line_and_meeting_markers():
    """The chart of the page's first link above, built directly."""
    from atlas.timeline import ordered_projects
    from components.timeline_charts import gantt
    from components.timeline_view import PAGE_SIZE, _events

    _, _, view = expected_phase_counts({"state": "Nordrhein-Westfalen"})
    shown = ordered_projects(view, "state", TODAY).iloc[:PAGE_SIZE]
    chart = gantt(phase_bars(view, TODAY), shown, _events(view), TODAY, "de", "t", "state")
    fig = json.loads(chart.to_json())
    today_ms = pd.Timestamp(TODAY).timestamp() * 1000
    lines = [s for s in fig["layout"]["shapes"] if s.get("line", {}).get("dash") == "dot"]
    assert [s["x0"] for s in lines] == [today_ms]
    assert any(a["text"] == "heute" for a in fig["layout"]["annotations"])
    stars = next(tr for tr in fig["data"] if tr["name"] == "Treffen und Besuche")
    assert stars["marker"]["symbol"] == "star"
    visit = next(text for text in stars["text"] if "digital.interkommunal" in text)
    assert "Kalletal" in visit and "Fraunhofer IOSB-INA" in visit  # who took part, by name


def test_group_in_the_link_groups_the_chart(monkeypatch):
    """One page run: the link's grouping reaches the chart (a heading row per cohort). How
    each grouping orders the projects is tested on atlas.timeline.ordered_projects."""
    at = run_app(monkeypatch, page="timeline", params={"group": "cohort"})
    assert not at.exception
    order = figure(at)["layout"]["yaxis"]["categoryarray"]
    assert "<b>Staffel 2019</b>" in order  # the first page starts with the first cohort


def test_project_without_dates_shows_as_unknown_not_as_a_span(monkeypatch, tmp_path):
    projects = (
        "id,name,programme,cohort,municipality_ids,start,end\n"
        "x,Ohne Daten,P,2020,lemgo,,\n"
        "y,Nur Laufzeit,P,2020,kalletal,2021-01,2026-12\n"
    )
    at = run_app(monkeypatch, write_folder(tmp_path, projects=projects), page="timeline")
    assert not at.exception
    data = figure(at)["data"]
    bars = [tr for tr in data if tr["type"] == "bar"]
    assert [(tr["name"], tr["y"]) for tr in bars] == [("Unbekannt", ["Nur Laufzeit"])]
    assert bars[0]["marker"]["pattern"]["shape"] == "/"  # hatched, not only grey
    label = next(tr for tr in data if tr.get("mode") == "text")
    assert label["y"] == ["Ohne Daten"] and label["text"] == ["keine Daten"]


def test_hostile_name_is_shown_as_text(monkeypatch, tmp_path):
    projects = (
        "id,name,programme,cohort,municipality_ids,start,end\n"
        "x,<img src=x onerror=alert(1)>,P,2020,lemgo,2021-01,2026-12\n"
    )
    at = run_app(monkeypatch, write_folder(tmp_path, projects=projects), page="timeline")
    assert not at.exception
    labels = figure(at)["layout"]["yaxis"]["categoryarray"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in labels
    assert not any("<img" in label for label in labels)


def test_the_links_horizon_and_filter_reach_the_milestones(monkeypatch):
    """One page run: the table shows the milestones of the link's filtered projects within
    the link's horizon. What the horizon and the filters select is tested below on
    atlas.timeline.milestones, without a page run each."""
    from atlas.timeline import milestones
    from components.timeline_view import milestone_table

    params = {"state": "Nordrhein-Westfalen", "horizon": "12"}
    at = run_app(monkeypatch, page="timeline", params=params)
    assert not at.exception
    _, _, view = expected_phase_counts(params)
    expected = milestone_table(milestones(view, TODAY, 12), "de")
    shown = at.dataframe[-1].value
    assert len(milestones(view, TODAY, 6)) < len(expected)  # not the default horizon's
    assert shown.reset_index(drop=True).equals(expected.reset_index(drop=True))


def test_milestones_follow_the_filters_and_the_horizon():
    """What the horizon and the filters select, on the function the page shows."""
    from atlas.timeline import milestones

    def upcoming(state, months):
        _, _, view = expected_phase_counts({"state": state})
        return milestones(view, TODAY, months)

    year = upcoming("Nordrhein-Westfalen", 12)
    two_years = upcoming("Nordrhein-Westfalen", 24)
    kalletal = "digital.interkommunal Kalletal.Lemgo"  # implementation ends 30.11.2027
    assert kalletal not in set(year["name"]) and kalletal in set(two_years["name"])
    assert len(year) < len(two_years)
    bavaria = upcoming("Bayern", 24)
    assert len(bavaria) > 0 and set(bavaria["name"]).isdisjoint(two_years["name"])


@pytest.mark.parametrize("cohort", ["2020", "2021"])
def test_cohort_sentence_follows_the_chosen_cohort(monkeypatch, cohort):
    """The sentence counts with the one phase function every page uses (atlas.status), so it
    agrees with the overview's phase chart for the same projects and day."""
    params = {"state": "Nordrhein-Westfalen", "timeline_cohort": cohort}
    at = run_app(monkeypatch, page="timeline", params=params)
    assert at.selectbox(key="timeline_cohort").value == int(cohort)
    day = dt.date(2026, 11, 1)  # the last month counted before today
    network = open_network(BUNDLED_DATA_DIR, day)
    nrw = apply_filters(network, Filters(states=("Nordrhein-Westfalen",), cohorts=(int(cohort),)))
    phases = phase_on(nrw.projects, network.phases, day)
    implementing, total = int((phases == "Umsetzung").sum()), len(phases)
    assert 0 < implementing < total  # a sentence that says something
    captions = [c.value.replace("\\", "") for c in at.caption if "Staffel" in c.value]
    sentence = f"waren {implementing} von {total} Projekten der Staffel {cohort} in der Umsetzung"
    assert captions == [f"Am 01.11.2026 {sentence}."]
    assert figure(at, 1)["layout"]["title"]["text"] == f"Staffel {cohort}: Projekte je Phase"


def test_a_clicked_bar_links_its_project_and_other_points_link_nothing(monkeypatch):
    """What the chart reports of a click (components/figure.py) comes from the browser:
    a bar names its project and links its profile; a meeting star, a point of another
    project than the filtered ones or a crafted report shows no link and no error."""
    at = run_app(monkeypatch, page="timeline", params={"state": "Nordrhein-Westfalen"})
    bar = next(tr for tr in figure(at)["data"] if tr["type"] == "bar")
    project_id, name, *_ = bar["customdata"][0]
    at.session_state["gantt"] = {"selection": {"points": [{"customdata": bar["customdata"][0]}]}}
    at.run()
    assert not at.exception
    assert [b.url for b in at.get("link_button")] == [f"profiles?project={project_id}"]
    assert any(name in m.value.replace("\\", "") for m in at.markdown)  # escapes removed
    for points in (
        [{"customdata": None}],  # a meeting star
        [{"customdata": ["mpsc-2019-ulm", "Ulm4CleverCity"]}],  # not in the filtered view
        [{"customdata": [["not", "an", "id"], "x"]}],
        [{"customdata": "mpsc-2021-bochum"}],
        "points",
        [],
        None,
    ):
        at.session_state["gantt"] = {"selection": {"points": points} if points else points}
        at.run()
        assert not at.exception, points
        assert not at.get("link_button"), points


def test_gantt_has_a_table_alternative(monkeypatch):
    at = run_app(monkeypatch, page="timeline", params={"state": "Nordrhein-Westfalen"})
    assert not any(d.value.columns.tolist()[:2] == ["Projekt", "Phase"] for d in at.dataframe)
    table = open_expander(at, "gantt_table").dataframe[0].value
    row = table[table["Projekt"] == "digital.interkommunal Kalletal.Lemgo"]
    assert row[["Phase", "Beginn", "Ende"]].values.tolist() == [
        ["Unbekannt", "01.12.2020", "31.12.2020"],
        ["Strategie", "01.01.2021", "30.11.2022"],
        ["Umsetzung", "01.12.2022", "30.11.2027"],
    ]


def test_english(monkeypatch):
    at = run_app(monkeypatch, page="timeline", params={"lang": "EN", "state": "Bayern"})
    assert not at.exception
    assert at.title[0].value == "Timeline"
    assert "Implementation" in bar_traces(at) or "Unknown" in bar_traces(at)


def test_small_synthetic_network_is_paged(monkeypatch, small_synth_dir):
    at = run_app(monkeypatch, small_synth_dir, page="timeline", params={"timeline_page": "2"})
    assert not at.exception
    assert any("Projekte 31–60 von 500" in c.value for c in at.caption)
    projects = drawn_projects(at)
    assert 0 < len(projects) <= 30
    first = drawn_projects(run_app(monkeypatch, small_synth_dir, page="timeline"))
    assert first.isdisjoint(projects)
