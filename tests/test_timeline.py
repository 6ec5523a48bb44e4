"""Timeline: the phase table, cohort counts by date and milestones, on real examples
and on hand-made projects where the answer is obvious."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from atlas.timeline import (
    QUARTERLY_FROM,
    cohort_counts_between,
    cohort_phase_counts,
    cohort_standing,
    count_on,
    milestones,
    month_range,
    ordered_projects,
    phase_bars,
)
from tests.helpers import write_folder

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def network():
    return open_network(BUNDLED_DATA_DIR, TODAY)


def test_digital_interkommunal_bars(network):
    """Strategy 01/2021-11/2022 and implementation 12/2022-11/2027 as its own site says; the
    runtime began 12/2020, and that first month's phase is not published: shown unknown."""
    bars = phase_bars(network, TODAY)
    rows = bars[bars["project_id"] == "mpsc-2020-kalletal"][["phase", "start", "end", "kind"]]
    assert rows.values.tolist() == [
        ["Unbekannt", pd.Timestamp("2020-12-01"), pd.Timestamp("2020-12-31"), "runtime"],
        ["Strategie", pd.Timestamp("2021-01-01"), pd.Timestamp("2022-11-30"), "phase"],
        ["Umsetzung", pd.Timestamp("2022-12-01"), pd.Timestamp("2027-11-30"), "phase"],
    ]


PHASES_CSV = "project_id,phase,start,end,source\n"


@pytest.mark.parametrize(
    ("phases", "runtime", "expected"),
    [
        # no phases, known runtime: one bar of unknown phase over the runtime
        (
            "",
            "2020-12,2027-11",
            [("Unbekannt", "2020-12-01", "2027-11-30", "2027-11-30", "runtime")],
        ),
        # no dates at all: listed, never drawn as an invented span
        ("", ",", [("Unbekannt", None, None, None, "none")]),
        # only the end is known: a mark at the end, no start invented
        ("", ",2026-12", [("Unbekannt", None, "2026-12-31", "2026-12-31", "end_only")]),
        # only the start: drawn to today, the end stays unknown
        ("", "2021-01,", [("Unbekannt", "2021-01-01", None, "2026-11-28", "runtime")]),
        # phases end before the runtime does: the rest is shown as unknown
        (
            "di,Strategie,2021-01,2022-11,t\n",
            "2020-12,2027-11",
            [
                ("Unbekannt", "2020-12-01", "2020-12-31", "2020-12-31", "runtime"),
                ("Strategie", "2021-01-01", "2022-11-30", "2022-11-30", "phase"),
                ("Unbekannt", "2022-12-01", "2027-11-30", "2027-11-30", "runtime"),
            ],
        ),
        # a gap between two phases is unknown, not stretched from either side
        (
            "di,Strategie,2021-01,2021-06,t\ndi,Umsetzung,2022-01,2027-11,t\n",
            "2021-01,2027-11",
            [
                ("Strategie", "2021-01-01", "2021-06-30", "2021-06-30", "phase"),
                ("Unbekannt", "2021-07-01", "2021-12-31", "2021-12-31", "runtime"),
                ("Umsetzung", "2022-01-01", "2027-11-30", "2027-11-30", "phase"),
            ],
        ),
        # an open phase followed by another stops the day before it (its end stays unknown)
        (
            "di,Strategie,2021-01,,t\ndi,Umsetzung,2022-12,2027-11,t\n",
            "2021-01,2027-11",
            [
                ("Strategie", "2021-01-01", None, "2022-11-30", "phase"),
                ("Umsetzung", "2022-12-01", "2027-11-30", "2027-11-30", "phase"),
            ],
        ),
        # the last phase open: drawn to today, nothing after it called a gap
        (
            "di,Umsetzung,2023-07-01,,t\n",
            "2021-01,2027-11",
            [
                ("Unbekannt", "2021-01-01", "2023-06-30", "2023-06-30", "runtime"),
                ("Umsetzung", "2023-07-01", None, "2026-11-28", "phase"),
            ],
        ),
        # an open phase of a project that has ended stops at the project's end
        (
            "di,Umsetzung,2022-01,,t\n",
            "2022-01,2025-06",
            [("Umsetzung", "2022-01-01", None, "2025-06-30", "phase")],
        ),
        # an open phase that starts after today is a stub at its start, never negative
        (
            "di,Verlängerung,2027-01,,t\n",
            "2027-01,",
            [("Verlängerung", "2027-01-01", None, "2027-01-01", "phase")],
        ),
    ],
)
def test_unknown_is_shown_as_unknown(tmp_path, phases, runtime, expected):
    projects = (
        "id,name,programme,cohort,municipality_ids,start,end\n"
        f"di,digital.interkommunal,MPSC,2020,kalletal;lemgo,{runtime}\n"
    )
    if phases:
        (tmp_path / "phases.csv").write_text(PHASES_CSV + phases)
    network = open_network(write_folder(tmp_path, projects=projects), TODAY)
    bars = phase_bars(network, TODAY)

    def day(value):
        return None if pd.isna(value) else value.strftime("%Y-%m-%d")

    got = [(r.phase, day(r.start), day(r.end), day(r.until), r.kind) for r in bars.itertuples()]
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


@pytest.mark.parametrize(
    ("by", "project", "group"),
    [
        ("state", "mpsc-2020-kalletal", "Nordrhein-Westfalen"),
        ("municipality", "mpsc-2020-kalletal", "Kalletal"),  # the lead, not the first listed
        ("cohort", "mpsc-2020-kalletal", "2020"),
        ("cohort", "nst-klimaschutz-smart-cities", ""),  # no cohort: not invented
    ],
)
def test_group_of_a_project(network, by, project, group):
    order = ordered_projects(network, by, TODAY)
    assert order.loc[order["id"] == project, "group"].item() == group


def test_topic_group_is_the_rarest_topic_of_the_project(network):
    order = ordered_projects(network, "topic", TODAY).set_index("id")
    counts = pd.Series([x for ts in network.projects["topics"] for x in ts]).value_counts()
    topics = network.projects.set_index("id").loc["mpsc-2020-kalletal", "topics"]
    assert counts[order.loc["mpsc-2020-kalletal", "group"]] == min(counts[x] for x in topics)


def test_running_projects_come_before_completed_ones_within_a_group(network):
    order = ordered_projects(network, "cohort", TODAY)
    phase = network.projects.set_index("id")["phase_now"]
    cohort_2020 = order[order["group"] == "2020"]["id"]
    # completed by a source, or past the planned end without one: both after the running ones
    done = [phase[p] in ("Abgeschlossen", "Ende überschritten") for p in cohort_2020]
    assert done == sorted(done)  # all False before any True
    assert any(done)


def test_cohort_2020_at_autumn_2022_on_bundled_data(network):
    """The coordinator's sentence, from the bundled data: how many of the 2020 cohort were
    implementing by October 2022 (only dated phases count; the rest stays unknown)."""
    counts = cohort_phase_counts(network, month_range(dt.date(2020, 9, 1), dt.date(2023, 1, 1)))
    at = counts[(counts["cohort"] == 2020) & (counts["date"] == pd.Timestamp("2022-10-01"))]
    assert at["projects"].sum() == 32  # every project of the cohort is counted once
    implementing = count_on(counts, 2020, "2022-10-01", "Umsetzung")
    phases = network.phases
    expected = set(
        phases.loc[
            (phases["phase"] == "Umsetzung")
            & (phases["start_dt"] <= "2022-10-01")
            & (phases["end_dt"].isna() | (phases["end_dt"] >= "2022-10-01")),
            "project_id",
        ]
    ) & set(network.projects.loc[network.projects["cohort"] == 2020, "id"])
    strategy_later = {"mpsc-2020-fuchstal", "mpsc-2020-jena", "mpsc-2020-berlin"}
    assert strategy_later & expected  # overlaps exist; the later-started phase wins
    assert implementing == len(expected)
    # the page's sentence: the last counted month on or before the day asked for
    standing = cohort_standing(counts, 2020, dt.date(2022, 10, 20))
    assert standing == (pd.Timestamp("2022-10-01"), implementing, 32)
    assert cohort_standing(counts, 2020, dt.date(2020, 8, 31)) is None  # before the first count


def test_a_project_is_not_counted_before_it_began(tmp_path):
    projects = (
        "id,name,programme,cohort,municipality_ids,start,end\n"
        "a,A,P,2021,lemgo,2021-09,2027-11\n"  # its own start
        "b,B,P,2021,kalletal,,\n"  # a dated phase before its cohort year
        "c,C,P,2021,hildesheim,,\n"  # nothing: from its cohort year on
    )
    (tmp_path / "phases.csv").write_text(PHASES_CSV + "b,Strategie,2020-11,2023-02,t\n")
    network = open_network(write_folder(tmp_path, projects=projects), TODAY)
    counts = cohort_phase_counts(network, month_range(dt.date(2020, 6, 1), dt.date(2022, 6, 1)))

    def total(date: str) -> int:
        on = counts[(counts["cohort"] == 2021) & (counts["date"] == pd.Timestamp(date))]
        return int(on["projects"].sum())

    assert total("2020-10-01") == 0
    assert total("2020-12-01") == 1  # b
    assert total("2021-06-01") == 2  # b, c
    assert total("2021-10-01") == 3  # and a
    assert count_on(counts, 2021, "2021-06-01", "Strategie") == 1
    assert count_on(counts, 2021, "2021-06-01", "Unbekannt") == 1


def test_cohort_counts_step_monthly_for_a_network_of_this_size(network):
    """The bundled network is far below QUARTERLY_FROM projects: one row per month."""
    assert len(network.projects) <= QUARTERLY_FROM
    counts = cohort_counts_between(network, dt.date(2021, 1, 1), dt.date(2022, 1, 1))
    expected = cohort_phase_counts(network, month_range(dt.date(2021, 1, 1), dt.date(2022, 1, 1)))
    pd.testing.assert_frame_equal(counts, expected)
    assert counts["date"].nunique() == 13


def test_cohort_counts_step_quarterly_for_a_large_network(monkeypatch, network):
    monkeypatch.setattr("atlas.timeline.QUARTERLY_FROM", len(network.projects) - 1)
    counts = cohort_counts_between(network, dt.date(2021, 1, 1), dt.date(2022, 1, 1))
    assert sorted(counts["date"].unique()) == list(
        pd.date_range("2021-01-01", "2022-01-01", freq="QS")
    )


def test_each_grouping_orders_the_projects_differently(network):
    orders = {
        by: tuple(ordered_projects(network, by, TODAY)["id"]) for by in ("state", "cohort", "topic")
    }
    assert len(set(orders.values())) == 3
    assert all(sorted(o) == sorted(network.projects["id"]) for o in orders.values())
    by_cohort = ordered_projects(network, "cohort", TODAY)
    assert by_cohort["group"].tolist() == sorted(by_cohort["group"])  # groups stay together


def test_filtered_views_draw_only_their_own_projects(network):
    from atlas.filters import Filters, apply_filters

    drawn = {
        state: set(
            phase_bars(apply_filters(network, Filters(states=(state,))), TODAY)["project_id"]
        )
        for state in ("Niedersachsen", "Bayern")
    }
    assert drawn["Niedersachsen"] and drawn["Bayern"]
    assert drawn["Niedersachsen"].isdisjoint(drawn["Bayern"])
