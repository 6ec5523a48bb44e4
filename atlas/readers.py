"""Reading raw table files (CSV in the encodings and dialects offices send, or XLSX).

Everything is read as text; typing happens in atlas.coerce so that every bad cell
can be reported with its row and column instead of failing the whole file.
"""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import pandas as pd

from atlas.problems import Problem
from atlas.schema import HEADER_ALIASES, TABLES

MAX_FILE_BYTES = 40 * 1024 * 1024  # far above any real network; protects memory
DELIMITERS = (",", ";", "\t")


def decode_bytes(data: bytes, file: str, table: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 (with or without BOM) first, then Windows-1252, which Excel writes in Germany."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 4].hex(" ")
        return None, [
            Problem(
                file, table, None, None, bad, "Zeichenkodierung unbekannt: UTF-8 erwartet", "fatal"
            )
        ]
    note = "nicht UTF-8; als Windows-1252 gelesen (bitte als UTF-8 speichern)"
    return text, [Problem(file, table, None, None, None, note, "warning")]


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most cells (',' wins ties)."""
    counts = {d: len(next(csv.reader([header_line], delimiter=d))) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], d == ","))


def normalise_header(name: str) -> str:
    key = str(name).strip().lstrip("\ufeff").strip()
    return HEADER_ALIASES.get(key.lower(), key)


def fast_parse(text: str, delimiter: str) -> pd.DataFrame | None:
    """pandas' C reader, used only when every row has the header's number of cells and
    rows map 1:1 to lines (so reported line numbers stay exact); otherwise None."""
    lines = text.rstrip("\r\n").count("\n") + 1
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                index_col=False,
                skip_blank_lines=False,
                engine="c",
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError, Warning):
        return None
    if len(frame) != lines - 1:
        return None
    frame["_line"] = range(2, len(frame) + 2)
    return frame


def parse_rows(
    text: str, delimiter: str, file: str, table: str
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Rows as text with their line numbers; a row with more cells than the header is
    reported (usually the delimiter inside an unquoted value) instead of shifting columns."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    problems: list[Problem] = []
    try:
        header = next(reader)
        rows, lines = [], []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                extra = delimiter.join(row[len(header) :])
                expected = (
                    f"{len(row)} Felder statt {len(header)}: Trennzeichen „{delimiter}“ "
                    "in einem Wert? Wert in Anführungszeichen setzen (Zeile ausgelassen)"
                )
                problems.append(Problem(file, table, reader.line_num, None, extra, expected))
                continue
            rows.append(row + [""] * (len(header) - len(row)))
            lines.append(reader.line_num)
    except csv.Error as exc:
        msg = f"CSV nicht lesbar ({exc})"
        return None, [Problem(file, table, reader.line_num, None, None, msg, "fatal")]
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame["_line"] = lines
    return frame, problems


def too_large(size: int, file: str, table: str) -> Problem:
    limit = f"Datei zu groß: höchstens {MAX_FILE_BYTES // 1024 // 1024} MB"
    return Problem(file, table, None, None, f"{size / 1024 / 1024:.0f} MB", limit, "fatal")


def read_csv_bytes(data: bytes, file: str, table: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    if len(data) > MAX_FILE_BYTES:
        return None, [too_large(len(data), file, table)]
    text, problems = decode_bytes(data, file, table)
    if text is None:
        return None, problems
    if not text.strip():
        return None, problems + [Problem(file, table, None, None, None, "Datei ist leer", "fatal")]
    text = text.lstrip("\r\n")
    header_line = text.splitlines()[0]
    delimiter = sniff_delimiter(header_line)
    frame = fast_parse(text, delimiter)
    found: list[Problem] = []
    if frame is None:  # something unusual: the slow reader explains it line by line
        frame, found = parse_rows(text, delimiter, file, table)
    problems += found
    if frame is None:
        return None, problems
    frame.columns = [normalise_header(c) for c in frame.columns]
    return frame, problems


def read_csv_file(path: Path, table: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:  # don't even read it into memory
        return None, [too_large(size, path.name, table)]
    return read_csv_bytes(path.read_bytes(), path.name, table)


def read_workbook(data: bytes | Path, file: str) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """One XLSX workbook with one sheet per table (sheet name = table name)."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        sheets = pd.read_excel(source, sheet_name=None, dtype=str, keep_default_na=False)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        return {}, [
            Problem(file, "", None, None, None, f"Arbeitsmappe nicht lesbar ({exc})", "fatal")
        ]
    frames = {}
    for sheet, frame in sheets.items():
        name = str(sheet).strip().lower()
        if name in TABLES:
            frame.columns = [normalise_header(c) for c in frame.columns]
            frames[name] = frame
    return frames, []


def read_folder(folder: Path) -> tuple[dict[str, pd.DataFrame], dict[str, str], list[Problem]]:
    """Raw text tables of a data folder: <table>.csv files, or one .xlsx workbook."""
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        msg = "Datenordner nicht gefunden"
        return frames, files, [Problem(str(folder), "", None, None, None, msg, "fatal")]
    csvs = {p.stem.lower(): p for p in folder.glob("*.csv")}
    workbooks = sorted(folder.glob("*.xlsx"))
    if not csvs and workbooks:
        book, problems = read_workbook(workbooks[0], workbooks[0].name)
        for name, frame in book.items():
            frames[name] = frame
            files[name] = f"{workbooks[0].name} [{name}]"
        return frames, files, problems
    for name in TABLES:
        if name in csvs:
            frame, found = read_csv_file(csvs[name], name)
            problems += found
            files[name] = csvs[name].name
            if frame is not None:
                frames[name] = frame
    return frames, files, problems
