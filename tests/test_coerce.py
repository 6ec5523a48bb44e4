"""atlas.coerce: numbers, dates and lists as offices write them, and the report of every
cell that cannot be typed."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest

from atlas.coerce import coerce_table, date_bounds, parse_date, parse_numbers
from atlas.schema import TABLES
from tests.helpers import PROJECTS


@pytest.mark.parametrize(
    ("text", "integer", "number"),
    [
        ("1234.5", False, 1234.5),
        ("1.234,5", False, 1234.5),
        ("1 234", True, 1234),
        ("1.234", True, 1234),  # a German thousand in a whole-number column
        ("12,5 %", False, 12.5),
        ("3 €", False, 3),
        ("2,5", True, None),  # not a whole number
        ("viel", False, None),
        ("", False, None),
    ],
)
def test_parse_numbers(text, integer, number):
    parsed = parse_numbers(pd.Series([text], dtype=object), integer).iloc[0]
    assert math.isnan(parsed) if number is None else parsed == number


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2022-06-09", "2022-06-09"),
        ("2022-6", "2022-06"),
        ("09.06.2022", "2022-06-09"),
        ("6.2022", "2022-06"),
        ("2022", "2022"),
        ("31.02.2022", None),
        ("2022-13", None),
        ("Juni 2022", None),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


def test_date_bounds_give_a_periods_start_or_its_last_day():
    iso = pd.Series(["2022", "2022-02", "2022-02-10"])
    assert date_bounds(iso, end=False).tolist() == [
        pd.Timestamp("2022-01-01"),
        pd.Timestamp("2022-02-01"),
        pd.Timestamp("2022-02-10"),
    ]
    assert date_bounds(iso, end=True).tolist() == [
        pd.Timestamp("2022-12-31"),
        pd.Timestamp("2022-02-28"),
        pd.Timestamp("2022-02-10"),
    ]


def raw(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_projects_are_typed_and_lists_split_on_any_separator():
    frame, problems = coerce_table(TABLES["projects"], raw(PROJECTS), "projects.csv")
    assert problems == []
    hi = frame.set_index("id").loc["hi"]
    assert hi["topics"] == ("Mobilität", "Sicherheit")  # "Mobilität|Sicherheit"
    assert hi["funding_federal_eur"] == 15_750_000
    assert frame.set_index("id").loc["di", "municipality_ids"] == ("kalletal", "lemgo")
    assert frame["_line"].tolist() == [2, 3]


def test_a_bad_cell_is_reported_with_its_line_and_value():
    text = PROJECTS.replace("2022-01,2026-12", "Januar,2026-12")
    frame, problems = coerce_table(TABLES["projects"], raw(text), "projects.csv")
    [problem] = [p for p in problems if p.column == "start"]
    assert (problem.file, problem.row, problem.value) == ("projects.csv", 3, "Januar")
    assert frame is not None


def test_a_missing_required_column_makes_the_table_unusable():
    text = "\n".join(line.split(",", 1)[1] for line in PROJECTS.strip().splitlines())
    frame, problems = coerce_table(TABLES["projects"], raw(text), "projects.csv")
    assert frame is None
    assert [(p.column, p.severity) for p in problems] == [("id", "fatal")]
