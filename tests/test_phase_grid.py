"""phase_grid (every project's phase on many days at once) says what phase_on says on each
of those days: on hand-made oddities, on the bundled network, a synthetic one and random
tables."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from atlas.status import DONE, PHASE_ORDER, UNKNOWN, phase_grid, phase_on
from atlas.timeline import month_range

NaT = pd.NaT


def expected_grid(projects, phases, days, stated_from) -> list[list[str]]:
    """phase_on per day; before stated_from only "Abgeschlossen" of the stated phases."""
    unstated = projects.assign(phase=projects["phase"].where(projects["phase"] == DONE, ""))
    columns = []
    for day in days:
        stated = pd.notna(stated_from) and day >= stated_from
        columns.append(list(phase_on(projects if stated else unstated, phases, day.date())))
    return [list(row) for row in zip(*columns, strict=True)] if columns else [[]] * len(projects)


def decoded(grid: np.ndarray, names: list[str]) -> list[list[str]]:
    return [[names[i] if i >= 0 else UNKNOWN for i in row] for row in grid.tolist()]


def assert_same(projects, phases, days, stated_from=NaT) -> None:
    grid, names = phase_grid(projects, phases, days, stated_from)
    assert grid.shape == (len(projects), len(days))
    assert names[: len(PHASE_ORDER)] == list(PHASE_ORDER)
    assert decoded(grid, names) == expected_grid(projects, phases, days, stated_from)


def ts(text: str | None):
    return pd.Timestamp(text) if text else NaT


def projects_frame(rows) -> pd.DataFrame:
    """rows: (id, stated phase, end)"""
    return pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "phase": [r[1] for r in rows],
            "end_dt": pd.to_datetime([ts(r[2]) for r in rows]),
        }
    )


def phases_frame(rows) -> pd.DataFrame:
    """rows: (project id, phase, start, end)"""
    return pd.DataFrame(
        {
            "project_id": [r[0] for r in rows],
            "phase": [r[1] for r in rows],
            "start_dt": pd.to_datetime([ts(r[2]) for r in rows]),
            "end_dt": pd.to_datetime([ts(r[3]) for r in rows]),
        }
    )


DAYS = pd.DatetimeIndex(["2019-12-31", "2020-01-01", "2021-06-15", "2022-12-31", "2027-01-01"])
CASES = {
    "overlap: the later start wins": (
        [("a", "", None)],
        [("a", "Strategie", "2020-01-01", "2022-12-31"), ("a", "Umsetzung", "2021-06-01", None)],
    ),
    "equal starts: the later row wins": (
        [("a", "", None)],
        [("a", "Strategie", "2020-01-01", None), ("a", "Umsetzung", "2020-01-01", None)],
    ),
    "a phase the vocabulary lacks": (
        [("a", "Pilotbetrieb", None), ("b", "", None)],
        [("b", "Erprobung", "2020-01-01", "2021-12-31")],
    ),
    "an unnamed phase is skipped": (
        [("a", "Umsetzung", None)],
        [("a", "Strategie", "2020-01-01", None), ("a", None, "2021-01-01", None)],
    ),
    "undated phases and phases of other projects": (
        [("a", "", "2022-06-30")],
        [("a", "Strategie", None, "2021-01-01"), ("zzz", "Umsetzung", "2019-01-01", None)],
    ),
    "ended: done where stated, else overdue": (
        [
            ("done", DONE, "2021-01-01"),
            ("open", "Umsetzung", "2021-01-01"),
            ("none", None, "2021-01-01"),
        ],
        [],
    ),
    "the same id twice": (
        [("a", "Umsetzung", None), ("a", "Strategie", "2022-01-01")],
        [("a", "Strategie", "2020-06-01", "2020-12-31")],
    ),
    "no projects": ([], [("a", "Strategie", "2020-01-01", None)]),
}


@pytest.mark.parametrize("stated_from", [NaT, pd.Timestamp("2021-01-01")], ids=["never", "2021"])
@pytest.mark.parametrize("case", list(CASES))
def test_hand_made_cases(case, stated_from):
    projects, phases = CASES[case]
    assert_same(projects_frame(projects), phases_frame(phases), DAYS, stated_from)


def test_no_days():
    projects, phases = CASES["overlap: the later start wins"]
    assert_same(projects_frame(projects), phases_frame(phases), pd.DatetimeIndex([]))


@pytest.mark.parametrize("day", [dt.date(2022, 6, 9), dt.date(2026, 11, 30)])
def test_bundled_network_month_by_month(day):
    network = open_network(BUNDLED_DATA_DIR, day)
    days = month_range(dt.date(2019, 1, 1), dt.date(2028, 12, 31))
    assert_same(network.projects, network.phases, days, pd.Timestamp(str(network.as_of)))


def test_synthetic_network(tmp_path):
    from atlas import synth

    network = open_network(synth.write_network(tmp_path, 600, 300), dt.date(2026, 11, 30))
    days = month_range(dt.date(2019, 1, 1), dt.date(2028, 12, 31), quarterly=True)
    assert_same(network.projects, network.phases, days, pd.Timestamp("2025-01-01"))


STATED = st.sampled_from(["", None, DONE, "Umsetzung", "Strategie", "Sonstiges"])
DATE = st.one_of(st.none(), st.dates(dt.date(2019, 1, 1), dt.date(2028, 1, 1)).map(str))
IDS = st.sampled_from(["a", "b", "c", "x"])


@settings(max_examples=150, deadline=None)
@given(
    projects=st.lists(st.tuples(IDS, STATED, DATE), max_size=5),
    phases=st.lists(st.tuples(IDS, STATED, DATE, DATE), max_size=8),
    stated_from=DATE,
)
def test_random_tables(projects, phases, stated_from):
    assert_same(projects_frame(projects), phases_frame(phases), DAYS, ts(stated_from))
