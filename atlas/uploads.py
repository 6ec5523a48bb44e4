"""Reading uploaded files for an import: which table each file (or workbook sheet) holds,
the raw text tables, and what is wrong with the files as files (a table not recognised or
uploaded twice, sheets missing or unknown, text too long to be a value).

The cells themselves are read by atlas.read_csv and atlas.read_xlsx; every message here is
a Problem with a text key (atlas.text_problems), so it reads in the interface language.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from atlas.headers import NOTES_SHEETS, cell_notes, header_notes, table_for_header, table_for_name
from atlas.problems import Problem, problem
from atlas.read_csv import read_csv_bytes
from atlas.read_xlsx import read_workbook
from atlas.schema import TABLES

# far above any real name or note; stops pasted documents from being imported (the
# readers' own limit, atlas.read_limits.MAX_CELL_CHARS, is higher: it guards the server)
MAX_CELL_CHARS = 5_000


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def table_for_file(name: str) -> str | None:
    """The table an uploaded CSV holds by its file name ("projekte.csv", "projects (1).csv")."""
    return table_for_name(Path(name).stem)


def decode_utf16(data: bytes) -> bytes:
    """Excel's "Unicode text" is UTF-16 with a BOM: re-encode it so the readers see UTF-8."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return data
    return data


def _file_problem(file: str, key: str, table: str = "", **params) -> Problem:
    """A problem with a whole uploaded file: it is not used."""
    return problem(file, table, None, None, None, key, "fatal", **params)


def read_uploads(
    uploads: list[Upload],
) -> tuple[dict[str, pd.DataFrame], dict[str, str], list[Problem]]:
    """Raw text tables from uploaded CSV files or one XLSX workbook, with file problems."""
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    problems: list[Problem] = []
    for upload in uploads:
        lower = upload.name.lower()
        if lower.endswith((".xlsx", ".xlsm")):
            book, found = read_workbook(upload.data, upload.name)
            problems += found
            if not any(p.severity == "fatal" for p in found):  # else it was not opened
                problems += sheet_problems(upload, book)
            for name, frame in book.items():
                frames[name] = frame
                files[name] = f"{upload.name} [{name}]"
        elif lower.endswith(".xls"):
            problems.append(_file_problem(upload.name, "read.xls_old"))
        else:
            problems += _read_upload_csv(upload, frames, files)
    return frames, files, problems


def _read_upload_csv(upload: Upload, frames: dict, files: dict) -> list[Problem]:
    """One uploaded CSV into `frames` and `files` under its table; its problems."""
    table = table_for_file(upload.name)
    frame, found = read_csv_bytes(decode_utf16(upload.data), upload.name, table or "")
    if table is None and frame is not None:
        table = table_for_header(list(frame.columns))
        if table is not None:  # the reader could not name columns without knowing the table
            found += header_notes(frame, table, upload.name)
            found += cell_notes(frame, table, upload.name)
    if table is None:
        if frame is not None or not found:
            names = ", ".join(f"{n}.csv" for n in TABLES)
            found = [_file_problem(upload.name, "import.table_unknown", names=names), *found]
        return found
    if table in frames:
        other = files[table]
        return [_file_problem(upload.name, "import.table_twice", table, name=table, other=other)]
    files[table] = upload.name
    if frame is not None:
        frames[table] = frame
    return [p if p.table else replace(p, table=table) for p in found]


def sheet_problems(upload: Upload, book: dict[str, pd.DataFrame] | None = None) -> list[Problem]:
    """Sheets a workbook lacks or has in addition, named so the user can fix the file.
    `book` are the tables read from it (a sheet may be taken for a table by its German
    name or its header)."""
    if book is None:
        book, _ = read_workbook(upload.data, upload.name)
    try:
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(upload.data), read_only=True)
        sheets = [str(s) for s in workbook.sheetnames]
        workbook.close()
    except Exception:  # unreadable (or a CSV named .xlsx): read_workbook reports it
        return []
    if not book:
        names = ", ".join(TABLES)
        return [
            problem(
                upload.name,
                "",
                None,
                None,
                ", ".join(sheets),
                "import.no_sheet",
                "fatal",
                names=names,
            )
        ]
    taken = {frame.attrs.get("sheet", name) for name, frame in book.items()}
    known = TABLES.keys() | NOTES_SHEETS
    problems = [
        problem(upload.name, "", None, None, sheet, "import.sheet_unknown", "warning")
        for sheet in sheets
        if sheet not in taken and sheet.strip().lower() not in known
    ]
    problems += [
        problem(upload.name, name, None, None, None, "import.sheet_missing", "warning", sheet=name)
        for name, table in TABLES.items()
        if table.required_table and name not in book
    ]
    return problems


def cell_problems(name: str, frame: pd.DataFrame, file: str) -> list[Problem]:
    """Overlong cells (refused). Extra columns are named by the reader (atlas.headers)."""
    problems = []
    lines = frame["_line"] if "_line" in frame else pd.Series(range(2, len(frame) + 2))
    for column in frame.columns:
        if column == "_line":
            continue
        lengths = frame[column].astype(str).str.len()
        for idx in frame.index[lengths > MAX_CELL_CHARS]:
            value = str(frame.at[idx, column])[:60]
            n, limit = int(lengths[idx]), MAX_CELL_CHARS
            problems.append(
                problem(
                    file,
                    name,
                    int(lines[idx]),
                    str(column),
                    value,
                    "import.text_too_long",
                    n=n,
                    limit=limit,
                )
            )
    return problems
