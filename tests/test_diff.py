"""Comparing two versions of a table (atlas.diff): what identifies a row, what counts as
added, changed and removed, how a merge keeps rows, and the diff as a readable table."""

from __future__ import annotations

import pandas as pd
import pytest

from atlas.diff import diff_frame, diff_table, key_columns, merged, row_keys

OLD = pd.DataFrame({"id": ["a", "b", "c"], "name": ["A", "B", "C"], "_line": [2, 3, 4]})
NEW = pd.DataFrame({"id": ["a", "b", "d"], "name": ["A", "B2", "D"], "_line": [2, 3, 4]})


@pytest.mark.parametrize(
    ("table", "columns"),
    [
        ("projects", ("id",)),
        ("meta", ("key",)),
        ("phases", ("project_id", "phase")),
        ("measures", ("project_id", "measure")),
    ],
)
def test_key_columns(table, columns):
    assert key_columns(table) == columns


def test_phases_are_keyed_by_project_phase_and_start_with_a_counter_for_repeats():
    phases = pd.DataFrame(
        {
            "project_id": ["p", "p", "p"],
            "phase": ["Strategie", "Strategie", "Umsetzung"],
            "start": ["2020-01", "2020-01", ""],
        }
    )
    assert row_keys("phases", phases).tolist() == [
        "p · Strategie · 2020-01",
        "p · Strategie · 2020-01 #2",
        "p · Umsetzung · ",
    ]


@pytest.mark.parametrize(
    ("merge", "added", "changed", "removed"),
    [
        (False, ["d"], {"b": [("name", "B", "B2")]}, ["c"]),
        (True, ["d"], {"b": [("name", "B", "B2")]}, []),
    ],
)
def test_diff_names_added_changed_removed(merge, added, changed, removed):
    diff = diff_table("municipalities", OLD, NEW, merge)
    assert (diff.added, diff.changed, diff.removed, diff.unchanged) == (added, changed, removed, 1)


def test_line_numbers_are_not_a_change():
    moved = OLD.assign(_line=[10, 11, 12])
    assert diff_table("municipalities", OLD, moved, merge=False).empty


def test_merge_keeps_untouched_rows_then_the_new_ones():
    result = merged("municipalities", OLD, NEW)
    assert result["id"].tolist() == ["c", "a", "b", "d"]
    assert result.set_index("id").at["b", "name"] == "B2"


@pytest.mark.parametrize(
    ("lang", "words"),
    [("de", ["neu", "geändert", "entfernt"]), ("en", ["added", "changed", "removed"])],
)
def test_diff_as_a_table_in_the_interface_language(lang, words):
    frame = diff_frame(diff_table("municipalities", OLD, NEW, merge=False), lang)
    assert frame["change"].tolist() == words
    assert frame.loc[1, ["key", "column", "before", "after"]].tolist() == ["b", "name", "B", "B2"]
