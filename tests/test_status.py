"""atlas.status: a project's phase on a day, from its dated phases, never guessed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from atlas.status import UNKNOWN, phase_on


def projects(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["id", "phase", "end"])
    frame["end_dt"] = pd.to_datetime(frame["end"])
    return frame


def phases(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["project_id", "phase", "start", "end"])
    frame["start_dt"] = pd.to_datetime(frame["start"])
    frame["end_dt"] = pd.to_datetime(frame["end"])
    return frame


PROJECTS = projects(
    ("dated", "Strategie", "2027-12-31"),
    ("stated", "Umsetzung", "2027-12-31"),
    ("ended", "Umsetzung", "2023-12-31"),
    ("nothing", None, None),
)
PHASES = phases(
    ("dated", "Strategie", "2021-01-01", "2022-06-30"),
    ("dated", "Umsetzung", "2022-06-01", None),  # overlaps the strategy: the later one wins
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2021, 6, 1), ["Strategie", "Umsetzung", "Umsetzung", UNKNOWN]),
        (dt.date(2022, 6, 15), ["Umsetzung", "Umsetzung", "Umsetzung", UNKNOWN]),
        (dt.date(2024, 1, 1), ["Umsetzung", "Umsetzung", "Abgeschlossen", UNKNOWN]),
    ],
)
def test_phase_on(day, expected):
    assert phase_on(PROJECTS, PHASES, day).tolist() == expected


def test_before_its_first_dated_phase_the_source_statement_applies():
    assert phase_on(PROJECTS, PHASES, dt.date(2020, 6, 1)).iloc[0] == "Strategie"
