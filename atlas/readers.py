"""Reading a data folder, and the readers' public names in one place.

A data folder holds <table>.csv files or one .xlsx workbook. What is read is text; typing
happens in atlas.coerce, so every bad cell can be named with its line and column instead of
failing the whole file. The reading itself is split by what it reads:

- atlas.read_limits: the limits a file is measured against first, and refusals;
- atlas.headers: header recognition, column naming, notes on headers and cells;
- atlas.read_csv: CSV in the encodings and dialects offices send;
- atlas.read_xlsx: XLSX workbooks, streamed.

The names below are re-exported so that callers keep one import (`atlas.readers`). A test
that lowers a limit sets it on atlas.read_limits, where the readers look it up.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from atlas.headers import (
    FILE_ALIASES,
    NOTES_SHEETS,
    cell_notes,
    header_notes,
    table_for_header,
    table_for_name,
)
from atlas.problems import Problem, problem
from atlas.read_csv import read_csv_bytes, read_csv_file
from atlas.read_limits import MAX_FILE_BYTES, Refused
from atlas.read_xlsx import cell_text, read_workbook
from atlas.schema import TABLES

__all__ = [
    "FILE_ALIASES",
    "MAX_FILE_BYTES",
    "NOTES_SHEETS",
    "Refused",
    "cell_notes",
    "cell_text",
    "header_notes",
    "read_csv_bytes",
    "read_csv_file",
    "read_folder",
    "read_workbook",
    "table_for_header",
    "table_for_name",
]


def read_folder(folder: Path) -> tuple[dict[str, pd.DataFrame], dict[str, str], list[Problem]]:
    """Raw text tables of a data folder: <table>.csv files, or one .xlsx workbook."""
    if not folder.is_dir():
        return {}, {}, [problem(str(folder), "", None, None, None, "read.folder_missing", "fatal")]
    csvs = {p.stem.lower(): p for p in folder.glob("*.csv")}
    workbooks = sorted(folder.glob("*.xlsx"))
    if not csvs and workbooks:
        return _read_folder_workbook(workbooks[0])
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    problems: list[Problem] = []
    for name in TABLES:
        if name in csvs:
            frame, found = read_csv_file(csvs[name], name)
            problems += [p for p in found if _worth_noting(p, frame)]
            files[name] = csvs[name].name
            if frame is not None:
                frames[name] = frame
    return frames, files, problems


def _read_folder_workbook(path: Path):
    """A folder's one workbook: its tables, the file each came from, the notes."""
    book, problems = read_workbook(path, path.name)
    files = {name: f"{path.name} [{name}]" for name in book}
    by_file = {files[name]: frame for name, frame in book.items()}
    problems = [p for p in problems if _worth_noting(p, by_file.get(p.file))]
    if not book:  # every required table is then missing: say where they were sought
        files = {name: path.name for name, table in TABLES.items() if table.required_table}
    return dict(book), files, problems


def _worth_noting(note: Problem, frame: pd.DataFrame | None) -> bool:
    """In a data folder extra columns are allowed (kept as text): one is named only when it
    probably means a known column the table lacks. An import names every extra column."""
    if note.key == "read.unknown_column":
        return False
    if note.key == "read.unknown_column_guess" and frame is not None:
        return dict(note.params).get("guess") not in frame.columns
    return True
