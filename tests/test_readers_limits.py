"""Crafted files are measured before they are read and refused above stated limits, with a
message that names the limit (in German and English); the rest of the data still loads."""

from __future__ import annotations

import pytest

import atlas.read_limits as read_limits
import atlas.read_xlsx as read_xlsx
from atlas.importer import Upload, read_uploads
from atlas.network import load_folder
from benchmarks.crafted_files import (
    csv_columns,
    csv_long_header,
    csv_rows,
    project_rows,
    workbook,
    xlsx_compressed,
    xlsx_far_column,
    xlsx_far_column_undeclared,
    xlsx_rows,
)
from tests.helpers import write_folder


def refusal(name: str, data: bytes):
    frames, _, problems = read_uploads([Upload(name, data)])
    fatal = [p for p in problems if p.severity == "fatal"]
    return frames, fatal


# (case, limits lowered for the test, file name, file builder, key, words the message names)
CASES = [
    ("XLSX cell in column XFD", {}, "n.xlsx", xlsx_far_column, "read.too_many_columns", "200"),
    (
        "XLSX cell in column XFD, dimension lies",
        {},
        "n.xlsx",
        xlsx_far_column_undeclared,
        "read.too_many_columns",
        "200",
    ),
    (
        "XLSX rows over the limit",
        {"MAX_ROWS": 50},
        "n.xlsx",
        lambda: xlsx_rows(200),
        "read.too_many_rows",
        "50",
    ),
    (
        "XLSX rows over the limit, no dimension",
        {"MAX_ROWS": 50},
        "n.xlsx",
        lambda: xlsx_rows(200, declared=False),
        "read.too_many_rows",
        "50",
    ),
    (
        "XLSX unpacking beyond the limit",
        {"MAX_UNPACKED_BYTES": 2 * 1024 * 1024},
        "n.xlsx",
        lambda: xlsx_compressed(8),
        "read.unpacked_too_large",
        "2 MB",
    ),
    (
        "CSV rows over the limit",
        {"MAX_ROWS": 50},
        "projects.csv",
        lambda: csv_rows(200),
        "read.too_many_rows",
        "50",
    ),
    (
        "CSV with 15,000 columns",
        {},
        "projects.csv",
        lambda: csv_columns(15_000),
        "read.too_many_columns",
        "200",
    ),
    (
        "CSV cells over the limit",
        {"MAX_CELLS": 100},
        "projects.csv",
        lambda: csv_rows(40),
        "read.too_many_cells",
        "100",
    ),
    (
        "CSV header line of 200 KB",
        {},
        "projects.csv",
        lambda: csv_long_header(200_000),
        "read.header_too_long",
        "100000",
    ),
    (
        "CSV cell of 200 KB",
        {},
        "projects.csv",
        lambda: b"id,name,programme,municipality_ids\np1," + b"x" * 200_000 + b",M,lemgo\n",
        "read.cell_too_long",
        "100000",
    ),
    (
        "CSV cell of 200 KB in an open quote",
        {},
        "projects.csv",
        lambda: b'id,name,programme,municipality_ids\np1,"' + b"x" * 200_000 + b",M,lemgo\n",
        "read.cell_too_long",
        "100000",
    ),
    (
        "reading takes longer than the limit",
        {"MAX_SECONDS": 0},
        "projects.csv",
        lambda: csv_rows(20),
        "read.too_slow",
        "0",
    ),
    (
        "XLSX reading takes longer than the limit",
        {"MAX_SECONDS": 0},
        "n.xlsx",
        lambda: xlsx_rows(5000),
        "read.too_slow",
        "0",
    ),
]


@pytest.mark.parametrize(
    ("case", "limits", "name", "build", "key", "words"), CASES, ids=[c[0] for c in CASES]
)
def test_crafted_file_is_refused_naming_the_limit(
    monkeypatch, case, limits, name, build, key, words
):
    for limit, value in limits.items():
        monkeypatch.setattr(read_limits, limit, value)
    frames, fatal = refusal(name, build())
    assert frames == {}, case
    assert [p.key for p in fatal] == [key], [str(p) for p in fatal]
    for lang in ("de", "en"):
        assert words in fatal[0].message(lang)
    assert fatal[0].file == name


def test_a_file_within_the_limits_is_read_in_full():
    frames, fatal = refusal("n.xlsx", xlsx_rows(300))
    assert fatal == []
    assert len(frames["projects"]) == 300
    assert frames["projects"]["_line"].tolist()[:2] == [2, 3]


def test_declared_size_checked_before_any_row_is_read(monkeypatch):
    """A sheet that declares a million rows is refused without streaming them."""
    read = []
    original = read_xlsx.cell_text
    monkeypatch.setattr(read_xlsx, "cell_text", lambda *a: read.append(1) or original(*a))
    rows = project_rows(3)
    frames, fatal = refusal("n.xlsx", workbook({"projects": rows}, dimension="A1:E1000000"))
    assert [p.key for p in fatal] == ["read.too_many_rows"] and read == []


def test_refused_table_leaves_the_rest_of_the_folder_loading(tmp_path, monkeypatch):
    monkeypatch.setattr(read_limits, "MAX_ROWS", 50)
    folder = write_folder(tmp_path)
    (folder / "events.csv").write_bytes(
        b"id,date,title\n" + b"".join(b"e%d,2024-01-01,T\n" % i for i in range(200))
    )
    network = load_folder(folder)
    assert network.usable and len(network.projects) == 2
    (problem,) = [p for p in network.problems if p.file == "events.csv"]
    assert problem.key == "read.too_many_rows" and network.events.empty


def test_file_size_limit_is_named_in_both_languages(tmp_path, monkeypatch):
    monkeypatch.setattr(read_limits, "MAX_FILE_BYTES", 10_000)
    frames, fatal = refusal("projects.csv", csv_rows(2000))
    assert frames == {}
    assert "40" not in fatal[0].message("en") and "0 MB" in fatal[0].message("en")
    assert "zu groß" in fatal[0].message("de") and "too large" in fatal[0].message("en")
