"""Reading XLSX workbooks: one sheet per table, found by the sheet's name (the table's
own, a German one such as "Kommunen") or, for a sheet such as "Tabelle1", by its header.

Workbooks are streamed (openpyxl read-only) after their unpacked size and declared
dimensions are checked (limits: atlas.read_limits). Excel's cells are turned into the text
they stand for exactly: whole numbers without ".0", dates as ISO, a Gemeindeschlüssel's
leading zero restored and named, error values (#NV) emptied and named. A CSV saved with
the .xlsx ending is read as what it is, and said so.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd

from atlas import read_limits as limits
from atlas.headers import (
    NOTES_SHEETS,
    cell_notes,
    find_header,
    header_notes,
    normalise_header,
    table_for_header,
    table_for_name,
    table_from_cells,
    title_rows,
)
from atlas.problems import Problem, problem
from atlas.read_csv import read_csv_bytes
from atlas.read_limits import Deadline, Refused, check_size, fatal, over_limit

EXCEL_ERRORS = {"#N/A", "#NV", "#DIV/0!", "#VALUE!", "#WERT!", "#REF!", "#BEZUG!", "#NAME?"}
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls


# --- cells -----------------------------------------------------------------------------


def cell_text(value, number_format: str | None = None) -> str:
    """An Excel cell's value as the text it stands for, exactly: whole numbers without
    ".0", other numbers in their shortest exact form, dates as ISO, and numbers formatted
    with leading zeros (00000000 for a Gemeindeschlüssel) with those zeros."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "WAHR" if value else "FALSCH"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float):
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
            value = int(value)
        text = str(value) if isinstance(value, int) else repr(value)
        zeros = re.fullmatch(r"0+", number_format or "")
        if zeros and isinstance(value, int) and value >= 0:
            text = text.zfill(len(number_format))
        return text
    return str(value)


def _sheet_rows(sheet, file: str, table: str, deadline: Deadline):
    """(excel row number, texts, positions of number cells) for a streamed sheet, refused
    above the limits before the data is held."""
    max_columns, max_rows = limits.MAX_COLUMNS, limits.MAX_ROWS
    last_row = max_rows + limits.HEADER_SEARCH_ROWS + 1  # the header may stand lower
    declared_rows, declared_cols = sheet.max_row, sheet.max_column
    if declared_cols and declared_cols > max_columns + 50:
        raise Refused(over_limit(file, table, "read.too_many_columns", declared_cols, max_columns))
    if declared_rows and declared_rows > last_row:
        raise Refused(over_limit(file, table, "read.too_many_rows", declared_rows, max_rows))
    sheet.reset_dimensions()  # a declared size can lie: read each row as long as it is
    out = []
    for number, row in enumerate(sheet.iter_rows(), start=1):
        if number % 2000 == 0:
            deadline.check()
        if number > last_row:
            raise Refused(over_limit(file, table, "read.too_many_rows", number, max_rows))
        texts, numeric = [], []
        for i, cell in enumerate(row):
            value = getattr(cell, "value", None)
            if value is None:
                texts.append("")
                continue
            if i >= max_columns + 50:
                raise Refused(over_limit(file, table, "read.too_many_columns", i + 1, max_columns))
            if isinstance(value, int | float) and not isinstance(value, bool):
                numeric.append(i)
            text = cell_text(value, getattr(cell, "number_format", None))
            if len(text) > limits.MAX_CELL_CHARS:
                limit = limits.MAX_CELL_CHARS
                raise Refused(fatal(file, table, "read.cell_too_long", number, limit=limit))
            texts.append(text)
        while texts and not texts[-1].strip():
            texts.pop()
        out.append((number, texts, numeric))
    return out


def _leading_zero_notes(frame, rows_numeric, keep_index, file, table) -> list[Problem]:
    """A Gemeindeschlüssel typed into Excel as a number loses its leading zero: 8 digits
    (5 for a Kreis) are restored, and the cell is named so the user can check."""
    col = keep_index.get("ags")
    if "ags" not in frame or col is None:
        return []
    problems = []
    for idx, line in enumerate(frame["_line"]):
        value = frame.at[idx, "ags"]
        if col in rows_numeric.get(line, ()) and value.isdigit() and len(value) in (4, 7, 11):
            padded = value.zfill(len(value) + 1)
            frame.at[idx, "ags"] = padded
            note = "read.leading_zero"
            problems.append(
                problem(file, table, int(line), "ags", value, note, "warning", shown=padded)
            )
    return problems


def _excel_errors(frame: pd.DataFrame, file: str, table: str) -> list[Problem]:
    """#NV, #DIV/0! and the like are Excel's results, not data: the cell is emptied."""
    problems = []
    for column in frame.columns:
        if column == "_line":
            continue
        for idx in frame.index[frame[column].isin(EXCEL_ERRORS)]:
            value, line = frame.at[idx, column], int(frame.at[idx, "_line"])
            note = "read.excel_error"
            problems.append(
                problem(file, table, line, str(column), value, note, "warning", shown=value)
            )
            frame.at[idx, column] = ""
    return problems


# --- the workbook ----------------------------------------------------------------------


def read_workbook(data: bytes | Path, file: str) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """One XLSX workbook with one sheet per table (sheet name = table name, a German name
    such as Kommunen, or any name such as Tabelle1 when the header tells the table).
    Never raises."""
    problems: list[Problem] = []
    try:
        return _read_workbook(data, file, problems)
    except Refused as refused:
        return {}, problems + [p for p in refused.problems if p not in problems]


def _read_workbook(data: bytes | Path, file: str, problems: list[Problem]):
    if isinstance(data, Path):
        check_size(data.stat().st_size, file, "")  # before it is read into memory
        data = data.read_bytes()
    check_size(len(data), file, "")
    if data.startswith(OLE_SIGNATURE):
        raise Refused(fatal(file, "", "read.xls_old"))
    if not data.startswith(b"PK"):
        return _text_workbook(data, file, problems)
    _check_unpacked(data, file)
    deadline = Deadline(file, "")
    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a broken workbook
        raise Refused(fatal(file, "", "read.workbook_broken")) from None
    try:
        frames = _sheets(book, file, deadline, problems)
    except Refused:
        raise
    except Exception:  # a part openpyxl cannot stream: a damaged workbook
        raise Refused(fatal(file, "", "read.workbook_broken")) from None
    finally:
        book.close()
    return frames, problems


def _check_unpacked(data: bytes, file: str) -> None:
    """Refuse a workbook that is no zip archive, or whose parts unpack beyond the limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Refused(fatal(file, "", "read.workbook_broken")) from None
    if unpacked > limits.MAX_UNPACKED_BYTES:
        size, limit = unpacked // 1024 // 1024, limits.MAX_UNPACKED_BYTES // 1024 // 1024
        raise Refused(fatal(file, "", "read.unpacked_too_large", size=size, limit=limit))


def _sheets(book, file: str, deadline: Deadline, problems: list[Problem]):
    """The workbook's tables by name: the first sheet taken for a table wins; description
    sheets and sheets no table fits are passed over (the importer names them)."""
    frames: dict[str, pd.DataFrame] = {}
    for sheet in book.worksheets:
        name = str(sheet.title)
        if name.strip().lower() in NOTES_SHEETS:
            continue
        rows = _sheet_rows(sheet, file, _sheet_table(name, []) or "", deadline)
        table, frame, found = _sheet_frame(name, rows, file)
        if table is None or table in frames:
            continue
        if name.strip().lower() != table:
            taken = problem(
                file,
                table,
                None,
                None,
                name,
                "read.sheet_taken",
                "warning",
                sheet=name,
                target=table,
            )
            found.insert(0, taken)
        problems += found
        frame.attrs["sheet"] = name
        frames[table] = frame
    return frames


def _sheet_table(sheet_name: str, header: list[str]) -> str | None:
    """The table a sheet holds: by its name, else by its header."""
    return table_for_name(sheet_name) or table_for_header([normalise_header(c) for c in header])


def _sheet_frame(name: str, rows, file: str):
    """(table, text table, notes) of one sheet's rows; (None, None, []) when no table fits."""
    rows = [r for r in rows if any(c.strip() for c in r[1])]
    if not rows:
        return None, None, []
    texts = [r[1] for r in rows]
    guess = _sheet_table(name, [])
    index = find_header(texts, guess or "")
    header = texts[index]
    table = guess or _sheet_table(name, header)
    if table is None:
        return None, None, []
    sheet_file = f"{file} [{table}]"
    header_line = rows[index][0]
    problems = [title_rows(sheet_file, table, header_line, header_line - 1)] if index > 0 else []
    body = rows[index + 1 :]
    if len(body) > limits.MAX_ROWS:
        raise Refused(
            over_limit(sheet_file, table, "read.too_many_rows", len(body), limits.MAX_ROWS)
        )
    width = len(header)
    for number, cells, _ in body:
        extra = "; ".join(c for c in cells[width:] if c.strip())
        if extra:
            problems.append(
                problem(sheet_file, table, number, None, extra, "read.unnamed_column", n=width + 1)
            )
    values, lines = [r[1] for r in body], [r[0] for r in body]
    frame, found = table_from_cells(values, lines, header, header_line, sheet_file, table)
    problems += found
    keep_index = {n: i for i, n in enumerate(normalise_header(h) for h in header)}
    numeric = {r[0]: set(r[2]) for r in body}
    problems += _leading_zero_notes(frame, numeric, keep_index, sheet_file, table)
    problems += _excel_errors(frame, sheet_file, table)
    problems += header_notes(frame, table, sheet_file) + cell_notes(frame, table, sheet_file)
    return table, frame, problems


def _text_workbook(data: bytes, file: str, problems: list[Problem]):
    """A CSV saved with the .xlsx ending: read as what it is, and said so."""
    frame, found = read_csv_bytes(data, file, "")
    if frame is None:
        raise Refused(*(found or [fatal(file, "", "read.workbook_broken")]))
    table = table_for_header(list(frame.columns))
    if table is None:
        raise Refused(fatal(file, "", "read.workbook_broken"))
    sheet_file = f"{file} [{table}]"
    problems.append(problem(sheet_file, table, None, None, None, "read.text_as_xlsx", "warning"))
    problems += [replace(p, file=sheet_file, table=p.table or table) for p in found]
    problems += header_notes(frame, table, sheet_file) + cell_notes(frame, table, sheet_file)
    return {table: frame}, problems
