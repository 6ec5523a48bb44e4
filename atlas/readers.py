"""Reading raw table files (CSV in the encodings and dialects offices send, or XLSX).

Everything is read as text; typing happens in atlas.coerce so that every bad cell
can be reported with its row and column instead of failing the whole file.

A file is measured before it is read: size, rows, columns, cells, the unpacked size of a
workbook and its declared dimensions, and the time spent. Above a limit it is refused
with a message naming the limit, so a crafted file costs little memory and time and the
server keeps answering everyone else. Workbooks are streamed (openpyxl read-only).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
import time
import warnings
import zipfile
from pathlib import Path

import pandas as pd

from atlas.problems import Problem, problem
from atlas.schema import HEADER_ALIASES, TABLES
from atlas.spreadsheet import unguard

# Limits: far above any real network (the largest planned has about 20,000 projects),
# far below what hurts the server.
MAX_FILE_BYTES = 40 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELLS = 2_000_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a workbook's XML, all parts together
MAX_SECONDS = 20.0
MAX_CELL_CHARS = 100_000  # below the csv module's own limit (128 KB), which it raises on
HEADER_SEARCH_ROWS = 10  # a title block above the header is at most this long

DELIMITERS = (",", ";", "\t")

# File and sheet names (without extension) German offices use for the tables
FILE_ALIASES = {
    "kommunen": "municipalities",
    "gemeinden": "municipalities",
    "mitglieder": "municipalities",
    "projekte": "projects",
    "phasen": "phases",
    "organisationen": "organisations",
    "partner": "organisations",
    "kooperationen": "cooperations",
    "verbindungen": "cooperations",
    "termine": "events",
    "treffen": "events",
    "veranstaltungen": "events",
    "ansichten": "views",
    "massnahmen": "measures",
    "maßnahmen": "measures",
}
# the templates' description sheet (named Erläuterungen in templates made before 2026-11-28)
NOTES_SHEETS = {"beschreibung", "erläuterungen", "phasen_heute"}  # phasen_heute: computed
KNOWN_COLUMNS = {c for table in TABLES.values() for c in table.column_names}
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EXCEL_ERRORS = {"#N/A", "#NV", "#DIV/0!", "#VALUE!", "#WERT!", "#REF!", "#BEZUG!", "#NAME?"}


class Refused(Exception):
    """A file (or the rest of it) is not read; `problems` say why."""

    def __init__(self, *problems: Problem):
        super().__init__(problems[0].expected if problems else "")
        self.problems = list(problems)


class Deadline:
    """Processor time this thread spends on one file: what the file costs, whatever else
    the machine (or the server's other sessions) is doing meanwhile."""

    def __init__(self, file: str, table: str):
        self.file, self.table = file, table
        self.end = time.thread_time() + MAX_SECONDS

    def check(self) -> None:
        if time.thread_time() > self.end:
            limit = f"{MAX_SECONDS:g}"
            raise Refused(
                problem(
                    self.file, self.table, None, None, None, "read.too_slow", "fatal", limit=limit
                )
            )


# --- text --------------------------------------------------------------------------


def decode_bytes(data: bytes, file: str, table: str) -> tuple[str | None, list[Problem]]:
    """UTF-16 with BOM (Excel's "Unicode text"), UTF-8 (with or without BOM), then
    Windows-1252, which Excel writes in Germany. Undecodable bytes refuse the file and are
    named with their line: a guessed encoding would change values."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            return None, [_encoding_problem(data, exc, file, table)]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        return None, [_encoding_problem(data, exc, file, table)]
    return text, [problem(file, table, None, None, None, "read.encoding_cp1252", "warning")]


def _encoding_problem(data: bytes, exc: UnicodeDecodeError, file: str, table: str) -> Problem:
    line = data.count(b"\n", 0, exc.start) + 1
    bad = data[exc.start : exc.start + 4].hex(" ")
    return problem(file, table, line, None, bad, "read.encoding_unknown", "fatal", bytes=bad)


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most cells (',' wins ties)."""
    counts = {d: len(_split(header_line, d)) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], d == ","))


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return [line]


def header_key(name) -> str:
    """A header as compared: trimmed, lower case, inner spaces collapsed, no trailing * or :."""
    key = str(name).replace("\ufeff", "").strip()
    key = re.sub(r"\s+", " ", key).rstrip("*: ").strip()
    return key.lower()


def normalise_header(name: str) -> str:
    key = unguard(str(name).strip().lstrip("\ufeff").strip())
    return HEADER_ALIASES.get(header_key(key), key)


def _known_score(cells: list[str], table: str) -> int:
    known = set(TABLES[table].column_names) if table in TABLES else KNOWN_COLUMNS
    return len({normalise_header(c) for c in cells if str(c).strip()} & known)


def find_header(rows: list[list[str]], table: str) -> int:
    """Index of the header among the first rows: the first row naming at least two known
    columns, as many as any; a title block above it is skipped. Row 0 if none does."""
    scores = [_known_score(r, table) for r in rows[:HEADER_SEARCH_ROWS]]
    if not scores or max(scores) < 2 or scores[0] == max(scores):
        return 0
    return scores.index(max(scores))


# --- columns -----------------------------------------------------------------------


def name_columns(
    header: list[str], filled: dict[int, bool], file: str, table: str, header_line: int
) -> tuple[list[int], list[str], list[Problem]]:
    """Which cell positions become which columns: empty trailing columns (Excel's ;;;)
    go quietly, an unnamed column with values is named, a repeated name keeps its first."""
    problems: list[Problem] = []
    keep, names, first_at = [], [], {}
    for i, raw in enumerate(header):
        name = normalise_header(raw)
        if not str(raw).strip():
            if filled.get(i):
                problems.append(
                    problem(file, table, header_line, None, None, "read.unnamed_column", n=i + 1)
                )
            continue
        if name in first_at:
            problems.append(
                problem(
                    file,
                    table,
                    header_line,
                    name,
                    str(raw),
                    "read.duplicate_column",
                    first=first_at[name] + 1,
                )
            )
            continue
        first_at[name] = i
        keep.append(i)
        names.append(name)
    return keep, names, problems


def header_notes(frame: pd.DataFrame, table: str, file: str) -> list[Problem]:
    """Which header was taken for which column (German names), and unknown columns with
    the known column they probably mean. Documented extra columns (schema `extras`) are
    expected and get no note."""
    originals = frame.attrs.get("headers", {})
    line = frame.attrs.get("header_line", 1)
    if table not in TABLES:
        return []
    known = TABLES[table].column_names
    mapped = [
        f"{original} → {name}"
        for name, original in originals.items()
        if name in known and header_key(original) != name
    ]
    problems = []
    if mapped:
        pairs = ", ".join(mapped)
        problems.append(
            problem(file, table, line, None, None, "read.headers_mapped", "warning", pairs=pairs)
        )
    documented = set(TABLES[table].extra_names)
    for column in frame.columns:
        if column == "_line" or column in known or column in documented:
            continue
        guess = _guess_column(str(column), known)
        key = "read.unknown_column_guess" if guess else "read.unknown_column"
        problems.append(
            problem(file, table, line, str(column), None, key, "warning", guess=guess or "")
        )
    return problems


def _guess_column(header: str, known: list[str]) -> str | None:
    """The known column a header probably means: by its alias, a word it contains, or a
    close spelling."""
    key = header_key(header)
    words = {HEADER_ALIASES.get(w, w) for w in re.split(r"[\s_\-/()]+", key) if w}
    hits = [c for c in known if c in words]
    if hits:
        return hits[0]
    aliases = {a: c for a, c in HEADER_ALIASES.items() if c in known} | {c: c for c in known}
    close = difflib.get_close_matches(key, list(aliases), n=1, cutoff=0.75)
    return aliases[close[0]] if close else None


def cell_notes(frame: pd.DataFrame, table: str, file: str) -> list[Problem]:
    """Text that looks different from what it is (writing-direction controls) or cannot
    go into an Excel file (control characters): kept, but named."""
    problems = []
    lines = frame["_line"] if "_line" in frame else pd.Series(range(2, len(frame) + 2))
    for column in frame.columns:
        if column == "_line":
            continue
        values = frame[column].astype(str)
        for key, pattern in (("read.bidi", _BIDI), ("read.control", _CONTROL)):
            hits = values.str.contains(pattern.pattern, regex=True)
            for idx in frame.index[hits.fillna(False).astype(bool)]:
                value = pattern.sub("�", values[idx])
                problems.append(
                    problem(file, table, int(lines[idx]), str(column), value, key, "warning")
                )
    return problems


def _frame(
    grid: pd.DataFrame | list,
    lines: list[int],
    header: list[str],
    header_line: int,
    file: str,
    table: str,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Cells by position (a frame with columns 0..n, or rows as lists) with their line
    numbers, as a table of the header's columns."""
    width = len(header)
    if not isinstance(grid, pd.DataFrame):
        padded = [list(r[:width]) + [""] * (width - len(r)) for r in grid]
        grid = pd.DataFrame(padded, columns=range(width), dtype=object)
    # pandas' own string columns stay: their vectorised checks are what keeps this fast
    grid = grid.reindex(columns=range(width), fill_value="").fillna("")
    if grid.empty:
        grid = grid.astype(object)
    filled = {i: bool((grid[i] != "").any()) for i in grid.columns}
    keep, names, problems = name_columns(header, filled, file, table, header_line)
    if len(names) > MAX_COLUMNS:
        raise Refused(_limit(file, table, "read.too_many_columns", len(names), MAX_COLUMNS))
    if len(grid) * max(len(names), 1) > MAX_CELLS:
        n = len(grid) * len(names)
        raise Refused(_limit(file, table, "read.too_many_cells", n, MAX_CELLS))
    frame = grid[keep].copy()
    frame.columns = names
    for name in names:  # a cell our own export protected ('=...) reads as what it was
        guarded = frame[name].astype(str).str.startswith("'")
        if guarded.any():
            frame.loc[guarded, name] = frame.loc[guarded, name].map(unguard)
    frame = frame.reset_index(drop=True)
    frame["_line"] = list(lines)
    frame.attrs["headers"] = {
        name: str(header[i]).replace("\ufeff", "").strip()
        for i, name in zip(keep, names, strict=True)
    }
    frame.attrs["header_line"] = header_line
    return frame, problems


def _limit(file: str, table: str, key: str, n, limit) -> Problem:
    return problem(file, table, None, None, None, key, "fatal", n=n, limit=limit)


# --- CSV ---------------------------------------------------------------------------


def too_large(size: int, file: str, table: str) -> Problem:
    limit = MAX_FILE_BYTES // 1024 // 1024
    value = f"{size / 1024 / 1024:.0f} MB"
    return problem(file, table, None, None, value, "read.too_large", "fatal", limit=limit)


def _first_lines(text: str, n: int) -> list[str]:
    """The first n physical lines, without splitting the whole (possibly huge) text."""
    lines, start = [], 0
    while len(lines) < n and start <= len(text):
        end = text.find("\n", start)
        if end < 0:
            lines.append(text[start:])
            break
        lines.append(text[start:end].rstrip("\r"))
        start = end + 1
    return lines


def _offset_after(text: str, lines: int) -> int:
    start = 0
    for _ in range(lines):
        end = text.find("\n", start)
        if end < 0:
            return len(text)
        start = end + 1
    return start


def fast_parse(body: str, delimiter: str, width: int, first_line: int):
    """pandas' C reader, used only when every row has the header's number of cells and
    rows map 1:1 to lines (so reported line numbers stay exact); otherwise None."""
    if not body.strip("\r\n"):
        return pd.DataFrame(columns=range(width), dtype=object), []
    lines = body.rstrip("\r\n").count("\n") + 1
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            frame = pd.read_csv(
                io.StringIO(body),
                sep=delimiter,
                header=None,
                names=range(width),
                dtype=str,
                keep_default_na=False,
                index_col=False,
                skip_blank_lines=False,
                engine="c",
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError, Warning):
        return None
    except Exception:  # the C reader has its own errors (e.g. a field over its buffer)
        return None
    if len(frame) != lines:  # a quoted line break or a blank line pandas joined
        return None
    frame = frame.fillna("")
    if any(frame[c].str.len().max() > MAX_CELL_CHARS for c in frame.columns):
        return None  # the slow reader names the line
    frame.index = range(first_line, first_line + len(frame))
    frame = frame[(frame != "").any(axis=1)]
    return frame, list(frame.index)


def parse_rows(
    body: str, delimiter: str, width: int, first_line: int, file: str, table: str, deadline
) -> tuple[list, list, list[Problem]]:
    """Rows as text with their line numbers; a row with more cells than the header is
    reported (usually the delimiter inside an unquoted value) instead of shifting columns."""
    reader = csv.reader(io.StringIO(body), delimiter=delimiter)
    problems: list[Problem] = []
    rows, lines = [], []
    offset = first_line - 1
    while True:
        before = reader.line_num
        if len(rows) % 5000 == 0:
            deadline.check()
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line = offset + reader.line_num
            key = "read.cell_too_long" if "field larger" in str(exc) else "read.csv_broken"
            problems.append(
                problem(file, table, line, None, None, key, "fatal", limit=MAX_CELL_CHARS)
            )
            raise Refused(*problems) from None
        first, last_line = offset + before + 1, offset + reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > width and not any(c.strip() for c in row[width:]):
            row = row[:width]  # Excel's trailing ;;; on a row
        if len(row) > width:
            extra = delimiter.join(row[width:])
            problems.append(
                problem(
                    file,
                    table,
                    first,
                    None,
                    extra,
                    "read.extra_fields",
                    n=len(row),
                    expected=width,
                    delimiter=delimiter,
                )
            )
            continue
        if last_line > first and _swallows_rows(row, delimiter, width):
            problems.append(
                problem(
                    file,
                    table,
                    first,
                    None,
                    None,
                    "read.multiline",
                    "error",
                    first=first,
                    last=last_line,
                )
            )
        if any(len(cell) > MAX_CELL_CHARS for cell in row):
            problems.append(
                problem(
                    file,
                    table,
                    first,
                    None,
                    None,
                    "read.cell_too_long",
                    "fatal",
                    limit=MAX_CELL_CHARS,
                )
            )
            raise Refused(*problems)
        rows.append(row + [""] * (width - len(row)))
        lines.append(first)
    return rows, lines, problems


def _swallows_rows(row: list[str], delimiter: str, width: int) -> bool:
    """A value with line breaks that holds whole rows: a quote left open swallowed them.
    (Text with paragraphs in a quoted cell is fine and not named.)"""
    needed = max(width - 1, 1)
    return any(
        part.count(delimiter) >= needed
        for cell in row
        if "\n" in cell
        for part in cell.split("\n")[1:]
    )


def read_csv_bytes(data: bytes, file: str, table: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """One CSV file as a text table with `_line`, and what is wrong with it. Never raises."""
    problems: list[Problem] = []
    try:
        return _read_csv(data, file, table, problems)
    except Refused as refused:
        return None, problems + [p for p in refused.problems if p not in problems]


def _read_csv(data: bytes, file: str, table: str, problems: list[Problem]):
    if len(data) > MAX_FILE_BYTES:
        raise Refused(too_large(len(data), file, table))
    deadline = Deadline(file, table)
    text, found = decode_bytes(data, file, table)
    problems += found
    if text is None:
        raise Refused()
    del data
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")  # old Mac line endings
    if not text.strip():
        raise Refused(problem(file, table, None, None, None, "read.empty", "fatal"))
    if text.count("\n") > MAX_ROWS + HEADER_SEARCH_ROWS + 1:
        raise Refused(_limit(file, table, "read.too_many_rows", MAX_ROWS, MAX_ROWS))
    top = _first_lines(text, HEADER_SEARCH_ROWS + 1)
    if len(top[0]) > MAX_CELL_CHARS:  # 15,000 columns, or no header at all
        cells = max(top[0].count(d) for d in DELIMITERS) + 1
        if cells > MAX_COLUMNS:
            raise Refused(_limit(file, table, "read.too_many_columns", cells, MAX_COLUMNS))
        raise Refused(
            problem(
                file, table, 1, None, None, "read.header_too_long", "fatal", limit=MAX_CELL_CHARS
            )
        )
    skip = next(i for i, line in enumerate(top) if line.strip() or i == len(top) - 1)
    candidates = [line for line in top[skip:] if len(line) <= MAX_CELL_CHARS]
    delimiter = _delimiter(candidates, table)
    rows = [_split(line, delimiter) for line in candidates]
    index = find_header(rows, table)
    header = rows[index] if rows else []
    header_line = skip + index + 1
    if len(header) > MAX_COLUMNS:
        raise Refused(_limit(file, table, "read.too_many_columns", len(header), MAX_COLUMNS))
    if index > 0:
        problems.append(
            problem(
                file,
                table,
                header_line,
                None,
                None,
                "read.title_rows",
                "warning",
                line=header_line,
                n=index,
            )
        )
    body = text[_offset_after(text, header_line) :]
    marked = bool(_BIDI.search(body) or _CONTROL.search(body))  # one pass over the text
    del text
    parsed = fast_parse(body, delimiter, len(header), header_line + 1)
    if parsed is None:  # something unusual: the slow reader explains it line by line
        values, lines, found = parse_rows(
            body, delimiter, len(header), header_line + 1, file, table, deadline
        )
        problems += found
    else:
        values, lines = parsed
    if len(values) > MAX_ROWS:
        raise Refused(_limit(file, table, "read.too_many_rows", len(values), MAX_ROWS))
    deadline.check()
    frame, found = _frame(values, lines, header, header_line, file, table)
    problems += found
    if table in TABLES:
        problems += header_notes(frame, table, file)
        problems += cell_notes(frame, table, file) if marked else []
    return frame, problems


def _delimiter(lines: list[str], table: str) -> str:
    """The delimiter under which some line names the most known columns; else the one that
    splits the first line into the most cells."""
    best, best_score = None, 1
    for delimiter in DELIMITERS:
        score = max((_known_score(_split(line, delimiter), table) for line in lines), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best or sniff_delimiter(lines[0] if lines else "")


def read_csv_file(path: Path, table: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:  # don't even read it into memory
        return None, [too_large(size, path.name, table)]
    return read_csv_bytes(path.read_bytes(), path.name, table)


# --- XLSX --------------------------------------------------------------------------


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
    declared_rows, declared_cols = sheet.max_row, sheet.max_column
    if declared_cols and declared_cols > MAX_COLUMNS + 50:
        raise Refused(_limit(file, table, "read.too_many_columns", declared_cols, MAX_COLUMNS))
    if declared_rows and declared_rows > MAX_ROWS + HEADER_SEARCH_ROWS + 1:
        raise Refused(_limit(file, table, "read.too_many_rows", declared_rows, MAX_ROWS))
    sheet.reset_dimensions()  # a declared size can lie: read each row as long as it is
    out = []
    for number, row in enumerate(sheet.iter_rows(), start=1):
        if number % 2000 == 0:
            deadline.check()
        if number > MAX_ROWS + HEADER_SEARCH_ROWS + 1:
            raise Refused(_limit(file, table, "read.too_many_rows", number, MAX_ROWS))
        texts, numeric = [], []
        for i, cell in enumerate(row):
            value = getattr(cell, "value", None)
            if value is None:
                texts.append("")
                continue
            if i >= MAX_COLUMNS + 50:
                raise Refused(_limit(file, table, "read.too_many_columns", i + 1, MAX_COLUMNS))
            if isinstance(value, int | float) and not isinstance(value, bool):
                numeric.append(i)
            text = cell_text(value, getattr(cell, "number_format", None))
            if len(text) > MAX_CELL_CHARS:
                raise Refused(
                    problem(
                        file,
                        table,
                        number,
                        None,
                        None,
                        "read.cell_too_long",
                        "fatal",
                        limit=MAX_CELL_CHARS,
                    )
                )
            texts.append(text)
        while texts and not texts[-1].strip():
            texts.pop()
        out.append((number, texts, numeric))
    return out


def _sheet_table(sheet_name: str, header: list[str]) -> str | None:
    key = str(sheet_name).strip().lower()
    if key in TABLES:
        return key
    if key in FILE_ALIASES:
        return FILE_ALIASES[key]
    return table_for_header([normalise_header(c) for c in header])


def table_for_header(columns: list[str]) -> str | None:
    """The one table whose required columns all appear in the header, if exactly one."""
    present = set(columns)
    fits = [
        name
        for name, table in TABLES.items()
        if all(c.name in present for c in table.columns if c.required)
    ]
    # prefer the table that explains most of the header; a tie is not a decision
    explained = {n: len(present & set(TABLES[n].column_names)) for n in fits}
    if not explained:
        return None
    best = max(explained.values())
    winners = [n for n in fits if explained[n] == best]
    return winners[0] if len(winners) == 1 else None


def _leading_zero_notes(frame, rows_numeric, keep_index, file, table) -> list[Problem]:
    """A Gemeindeschlüssel typed into Excel as a number loses its leading zero: 8 digits
    (5 for a Kreis) are restored, and the cell is named so the user can check."""
    if "ags" not in frame:
        return []
    problems = []
    col = keep_index.get("ags")
    for idx, line in enumerate(frame["_line"]):
        if col is None or col not in rows_numeric.get(line, ()):
            continue
        value = frame.at[idx, "ags"]
        if value.isdigit() and len(value) in (4, 7, 11):
            padded = value.zfill(len(value) + 1)
            frame.at[idx, "ags"] = padded
            problems.append(
                problem(
                    file,
                    table,
                    int(line),
                    "ags",
                    value,
                    "read.leading_zero",
                    "warning",
                    shown=padded,
                )
            )
    return problems


def read_workbook(data: bytes | Path, file: str) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """One XLSX workbook with one sheet per table (sheet name = table name, a German name
    such as Kommunen, or any name such as Tabelle1 when the header tells the table)."""
    problems: list[Problem] = []
    try:
        return _read_workbook(data, file, problems)
    except Refused as refused:
        return {}, problems + [p for p in refused.problems if p not in problems]


def _read_workbook(data: bytes | Path, file: str, problems: list[Problem]):
    if isinstance(data, Path):
        if data.stat().st_size > MAX_FILE_BYTES:
            raise Refused(too_large(data.stat().st_size, file, ""))
        data = data.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raise Refused(too_large(len(data), file, ""))
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise Refused(problem(file, "", None, None, None, "read.xls_old", "fatal"))
    if not data.startswith(b"PK"):
        return _text_workbook(data, file, problems)
    deadline = Deadline(file, "")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Refused(
            problem(file, "", None, None, None, "read.workbook_broken", "fatal")
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        size, limit = unpacked // 1024 // 1024, MAX_UNPACKED_BYTES // 1024 // 1024
        raise Refused(
            problem(
                file,
                "",
                None,
                None,
                None,
                "read.unpacked_too_large",
                "fatal",
                size=size,
                limit=limit,
            )
        )
    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a broken workbook
        raise Refused(
            problem(file, "", None, None, None, "read.workbook_broken", "fatal")
        ) from None
    frames: dict[str, pd.DataFrame] = {}
    try:
        for sheet in book.worksheets:
            name = str(sheet.title)
            if name.strip().lower() in NOTES_SHEETS:
                continue
            guess = _sheet_table(name, [])
            label = guess or ""
            rows = _sheet_rows(sheet, file, label, deadline)
            table, frame, found = _sheet_frame(name, rows, file)
            if table is None or table in frames:
                continue
            if name.strip().lower() != table:
                found.insert(
                    0,
                    problem(
                        file,
                        table,
                        None,
                        None,
                        name,
                        "read.sheet_taken",
                        "warning",
                        sheet=name,
                        target=table,
                    ),
                )
            problems += found
            frame.attrs["sheet"] = name
            frames[table] = frame
    except Refused:
        raise
    except Exception:  # a part openpyxl cannot stream: a damaged workbook
        raise Refused(
            problem(file, "", None, None, None, "read.workbook_broken", "fatal")
        ) from None
    finally:
        book.close()
    return frames, problems


def _sheet_frame(name: str, rows, file: str):
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
    problems = []
    if index > 0:
        problems.append(
            problem(
                sheet_file,
                table,
                header_line,
                None,
                None,
                "read.title_rows",
                "warning",
                line=header_line,
                n=header_line - 1,
            )
        )
    body = rows[index + 1 :]
    if len(body) > MAX_ROWS:
        raise Refused(_limit(sheet_file, table, "read.too_many_rows", len(body), MAX_ROWS))
    values = [r[1] for r in body]
    width = len(header)
    for number, texts, _ in body:
        if len(texts) > width and any(c.strip() for c in texts[width:]):
            extra = "; ".join(c for c in texts[width:] if c.strip())
            problems.append(
                problem(sheet_file, table, number, None, extra, "read.unnamed_column", n=width + 1)
            )
    frame, found = _frame(values, [r[0] for r in body], header, header_line, sheet_file, table)
    problems += found
    keep_index = {n: i for i, n in enumerate(normalise_header(h) for h in header)}
    numeric = {r[0]: set(r[2]) for r in body}
    problems += _leading_zero_notes(frame, numeric, keep_index, sheet_file, table)
    problems += _excel_errors(frame, sheet_file, table)
    problems += header_notes(frame, table, sheet_file) + cell_notes(frame, table, sheet_file)
    return table, frame, problems


def _excel_errors(frame: pd.DataFrame, file: str, table: str) -> list[Problem]:
    """#NV, #DIV/0! and the like are Excel's results, not data: the cell is emptied."""
    problems = []
    for column in frame.columns:
        if column == "_line":
            continue
        hits = frame[column].isin(_EXCEL_ERRORS)
        for idx in frame.index[hits]:
            value = frame.at[idx, column]
            line = int(frame.at[idx, "_line"])
            problems.append(
                problem(
                    file,
                    table,
                    line,
                    str(column),
                    value,
                    "read.excel_error",
                    "warning",
                    shown=value,
                )
            )
            frame.at[idx, column] = ""
    return problems


def _text_workbook(data: bytes, file: str, problems: list[Problem]):
    """A CSV saved with the .xlsx ending: read as what it is, and said so."""
    frame, found = read_csv_bytes(data, file, "")
    if frame is None:
        if not found:
            found = [problem(file, "", None, None, None, "read.workbook_broken", "fatal")]
        raise Refused(*found)
    table = table_for_header(list(frame.columns))
    if table is None:
        raise Refused(problem(file, "", None, None, None, "read.workbook_broken", "fatal"))
    sheet_file = f"{file} [{table}]"
    problems.append(problem(sheet_file, table, None, None, None, "read.text_as_xlsx", "warning"))
    problems += [_renamed(p, sheet_file, table) for p in found]
    problems += header_notes(frame, table, sheet_file) + cell_notes(frame, table, sheet_file)
    return {table: frame}, problems


def _renamed(p: Problem, file: str, table: str) -> Problem:
    return Problem(
        file, p.table or table, p.row, p.column, p.value, p.expected, p.severity, p.key, p.params
    )


# --- folders -----------------------------------------------------------------------


def _worth_noting(problem: Problem, frame: pd.DataFrame | None) -> bool:
    """In a data folder extra columns are allowed (kept as text): one is named only when it
    probably means a known column the table lacks. An import names every extra column."""
    if problem.key == "read.unknown_column":
        return False
    if problem.key == "read.unknown_column_guess" and frame is not None:
        return dict(problem.params).get("guess") not in frame.columns
    return True


def _folder_notes(found: list[Problem], frame: pd.DataFrame | None) -> list[Problem]:
    return [p for p in found if _worth_noting(p, frame)]


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
        frames_by_file = {f"{workbooks[0].name} [{n}]": f for n, f in book.items()}
        problems = [p for p in problems if _worth_noting(p, frames_by_file.get(p.file))]
        for name, frame in book.items():
            frames[name] = frame
            files[name] = f"{workbooks[0].name} [{name}]"
        if not book:  # every required table is then missing: say where they were sought
            for name in TABLES:
                if TABLES[name].required_table:
                    files[name] = workbooks[0].name
        return frames, files, problems
    for name in TABLES:
        if name in csvs:
            frame, found = read_csv_file(csvs[name], name)
            problems += _folder_notes(found, frame)
            files[name] = csvs[name].name
            if frame is not None:
                frames[name] = frame
    return frames, files, problems
