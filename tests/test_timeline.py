"""Timeline: the phase table, cohort counts by date and milestones, on real examples
and on hand-made projects where the answer is obvious."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from atlas.timeline import (
    cohort_phase_counts,
    count_on,
    milestones,
    month_range,
    ordered_projects,
    phase_bars,
)
from tests.apptest import run_app
from tests.helpers import write_folder

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def network():
    return open_network(BUNDLED_DATA_DIR, TODAY)


def test_digital_interkommunal_bars(network):
    bars = phase_bars(network)
    rows = bars[bars["project_id"] == "mpsc-2020-kalletal"][["phase", "start", "end", "kind"]]
    assert rows.values.tolist() == [
        ["Strategie", pd.Timestamp("2021-01-01"), pd.Timestamp("2022-11-30"), "phase"],
        ["Umsetzung", pd.Timestamp("2022-12-01"), pd.Timestamp("2027-11-30"), "phase"],
    ]


PHASES_CSV = "project_id,phase,start,end,source\n"


@pytest.mark.parametrize(
    ("phases", "projects_end", "expected"),
    [
        # no phases, known runtime: one bar of unknown phase over the runtime
        ("", "2020-12,2027-11", [("Unbekannt", "2020-12-01", "2027-11-30", "runtime")]),
        # no dates at all: listed, never drawn as an invented span
        ("", ",", [("Unbekannt", None, None, "none")]),
        # phases end before the runtime: the rest is shown as unknown
        (
            "di,Strategie,2021-01,2022-11,t\n",
            "2020-12,2027-11",
            [
                ("Strategie", "2021-01-01", "2022-11-30", "phase"),
                ("Unbekannt", "2022-12-01", "2027-11-30", "runtime"),
            ],
        ),
    ],
)
def test_unknown_is_shown_as_unknown(tmp_path, phases, projects_end, expected):
    projects = (
        "id,name,programme,cohort,municipality_ids,start,end\n"
        f"di,digital.interkommunal,MPSC,2020,kalletal;lemgo,{projects_end}\n"
    )
    if phases:
        (tmp_path / "phases.csv").write_text(PHASES_CSV + phases)
    network = open_network(write_folder(tmp_path, projects=projects), TODAY)
    bars = phase_bars(network)
    got = [
        (
            r.phase,
            None if pd.isna(r.start) else r.start.strftime("%Y-%m-%d"),
            None if pd.isna(r.end) else r.end.strftime("%Y-%m-%d"),
            r.kind,
        )
        for r in bars.itertuples()
    ]
    assert got == expected


def test_cohort_counts_by_date(tmp_path):
    projects = (
        "id,name,programme,cohort,municipality_ids,start,end\n"
        "a,A,P,2020,lemgo,2021-01,2027-11\n"
        "b,B,P,2020,kalletal,2021-01,2027-11\n"
        "c,C,P,2020,hildesheim,,\n"
    )
    phases = (
        PHASES_CSV
        + "a,Strategie,2021-01,2022-05,t\na,Umsetzung,2022-06,2027-11,t\nb,Strategie,2021-01,2022-11,t\nb,Umsetzung,2022-12,2027-11,t\n"
    )
    (tmp_path / "phases.csv").write_text(phases)
    network = open_network(write_folder(tmp_path, projects=projects), TODAY)
    counts = cohort_phase_counts(network, month_range(dt.date(2021, 1, 1), dt.date(2023, 1, 1)))
    assert count_on(counts, 2020, "2022-10-01", "Umsetzung") == 1
    assert count_on(counts, 2020, "2022-10-01", "Strategie") == 1
    assert count_on(counts, 2020, "2022-10-01", "Unbekannt") == 1  # c: never guessed
    assert count_on(counts, 2020, "2023-01-01", "Umsetzung") == 2


def test_group_by_changes_the_order(network):
    by_state = ordered_projects(network, "state", TODAY)["id"].tolist()
    by_cohort = ordered_projects(network, "cohort", TODAY)["id"].tolist()
    assert sorted(by_state) == sorted(by_cohort) and by_state != by_cohort
    groups = ordered_projects(network, "cohort", TODAY)["group"].tolist()
    assert groups == sorted(groups)


def test_milestones_follow_the_horizon(network):
    short = milestones(network, TODAY, 3)
    long = milestones(network, TODAY, 24)
    assert len(long) >= len(short) > 0
    assert (short["date"] >= pd.Timestamp(TODAY)).all()
    assert (short["date"] <= pd.Timestamp(TODAY) + pd.DateOffset(months=3)).all()
    assert "mpsc-2020-kalletal" in set(long["project_id"])  # implementation ends 11.2027


def gantt_traces(at) -> list[dict]:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["data"]


def test_page_draws_one_bar_per_known_phase(monkeypatch):
    at = run_app(
        monkeypatch, page="timeline", params={"state": "Nordrhein-Westfalen", "group": "cohort"}
    )
    assert not at.exception
    traces = gantt_traces(at)
    bars = {tr["name"]: len(tr["y"]) for tr in traces if tr["type"] == "bar"}
    assert bars["Strategie"] >= 1 and bars["Umsetzung"] >= 1
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert any(
        shape.get("line", {}).get("dash") == "dot" for shape in figure["layout"]["shapes"]
    )  # today
    assert any(tr["name"] == "Treffen und Besuche" for tr in traces)


def test_filtering_changes_the_bars_and_group_changes_the_order(monkeypatch):
    a = run_app(monkeypatch, page="timeline", params={"state": "Niedersachsen"})
    b = run_app(monkeypatch, page="timeline", params={"state": "Bayern"})
    names_a = {y for tr in gantt_traces(a) if tr["type"] == "bar" for y in tr["y"]}
    names_b = {y for tr in gantt_traces(b) if tr["type"] == "bar" for y in tr["y"]}
    assert names_a and names_b and names_a.isdisjoint(names_b)
    by_state = json.loads(run_app(monkeypatch, page="timeline").get("plotly_chart")[0].proto.spec)[
        "layout"
    ]["yaxis"]["categoryarray"]
    by_topic = json.loads(
        run_app(monkeypatch, page="timeline", params={"group": "topic"})
        .get("plotly_chart")[0]
        .proto.spec
    )["layout"]["yaxis"]["categoryarray"]
    assert by_state != by_topic


def test_project_without_dates_is_marked_not_invented(monkeypatch, tmp_path):
    projects = "id,name,programme,cohort,municipality_ids\nx,Ohne Daten,P,2020,lemgo\n"
    at = run_app(monkeypatch, write_folder(tmp_path, projects=projects), page="timeline")
    assert not at.exception
    traces = gantt_traces(at)
    assert [tr["type"] for tr in traces] == ["scatter"]  # a text label, no bar
    assert traces[0]["text"] == ["keine Daten"]


def test_gantt_has_a_table_alternative(monkeypatch):
    at = run_app(monkeypatch, page="timeline", params={"state": "Nordrhein-Westfalen"})
    table = at.dataframe[0].value
    row = table[table["Projekt"] == "digital.interkommunal Kalletal.Lemgo"]
    assert row[["Phase", "Beginn", "Ende"]].values.tolist() == [
        ["Strategie", "01.01.2021", "30.11.2022"],
        ["Umsetzung", "01.12.2022", "30.11.2027"],
    ]
