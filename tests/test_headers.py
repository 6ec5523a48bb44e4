"""Header recognition (atlas.headers): German headers taken for known columns, the header
found below a title block, the table a name or header stands for, unknown headers with
the column they probably mean, repeated and unnamed columns named."""

from __future__ import annotations

import pytest

from atlas.headers import (
    find_header,
    guess_column,
    name_columns,
    normalise_header,
    table_for_header,
    table_for_name,
)
from atlas.schema import TABLES


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Gemeindename", "name"),
        ("  Bundesland * ", "state"),
        ("\ufeffKennung", "id"),
        ("Breitengrad (WGS84)", "lat"),
        ("'=Summe", "=Summe"),  # our export's formula guard is undone
        ("Lieblingsfarbe", "Lieblingsfarbe"),  # unknown: kept as written
    ],
)
def test_german_headers_are_taken_for_known_columns(header, column):
    assert normalise_header(header) == column


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("projects", "projects"),
        ("Projekte", "projects"),
        ("projects (1)", "projects"),
        ("Kommunen", "municipalities"),
        ("Tabelle1", None),
    ],
)
def test_table_for_name(name, table):
    assert table_for_name(name) == table


def test_table_for_header_needs_exactly_one_fitting_table():
    assert table_for_header(["id", "name", "programme", "municipality_ids"]) == "projects"
    assert table_for_header(["a", "b"]) is None


def test_header_below_a_title_block_is_found():
    rows = [["Mitgliederliste 2024"], [""], ["ID", "Gemeindename", "Bundesland"], ["x", "y", "z"]]
    assert find_header(rows, "municipalities") == 2
    assert find_header([["id", "name"], ["a", "b"]], "municipalities") == 0


@pytest.mark.parametrize(
    ("header", "guess"),
    [("Einwohnerzahl_2023", "population"), ("Breitengrd", "lat"), ("Farbe", None)],
)
def test_unknown_header_names_the_column_it_probably_means(header, guess):
    assert guess_column(header, TABLES["municipalities"].column_names) == guess


def test_repeated_and_unnamed_columns_are_named_empty_trailing_ones_go_quietly():
    header = ["id", "Name", "name", "", ""]
    filled = {0: True, 1: True, 2: True, 3: True, 4: False}
    keep, names, problems = name_columns(header, filled, "m.csv", "municipalities", 1)
    assert (keep, names) == ([0, 1], ["id", "name"])
    assert [p.key for p in problems] == ["read.duplicate_column", "read.unnamed_column"]
    assert "column 2" in problems[0].message("en") and "Column 4" in problems[1].message("en")
