"""Reading CSV files as offices send them: UTF-8, Windows-1252 or Excel's "Unicode text"
(UTF-16); comma, semicolon or tab; Mac line endings; a title block above the header.

Everything is read as text (typing happens in atlas.coerce, so every bad cell is named with
its line and column). pandas' fast reader is used when every row fits the header; anything
unusual is read again line by line by the csv module, which names each line it cannot use
(a delimiter inside an unquoted value, a quote left open). Limits: atlas.read_limits.
"""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import pandas as pd

from atlas import read_limits as limits
from atlas.headers import (
    BIDI,
    CONTROL,
    cell_notes,
    find_header,
    header_notes,
    known_score,
    table_from_cells,
    title_rows,
)
from atlas.problems import Problem, problem
from atlas.read_limits import Deadline, Refused, check_size, fatal, over_limit, too_large
from atlas.schema import TABLES

DELIMITERS = (",", ";", "\t")


# --- text ------------------------------------------------------------------------------


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
    counts = {d: len(split_line(header_line, d)) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], d == ","))


def split_line(line: str, delimiter: str) -> list[str]:
    """The cells of one line; the whole line as one cell when the csv module cannot split it."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return [line]


# --- rows --------------------------------------------------------------------------------


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
    """Where the text after its first `lines` lines begins."""
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
    if any(frame[c].str.len().max() > limits.MAX_CELL_CHARS for c in frame.columns):
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
    too_long = limits.MAX_CELL_CHARS
    while True:
        before = reader.line_num
        if len(rows) % 5000 == 0:
            deadline.check()
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            key = "read.cell_too_long" if "field larger" in str(exc) else "read.csv_broken"
            problems.append(fatal(file, table, key, offset + reader.line_num, limit=too_long))
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
            note = problem(
                file, table, first, None, None, "read.multiline", first=first, last=last_line
            )
            problems.append(note)
        if any(len(cell) > too_long for cell in row):
            problems.append(fatal(file, table, "read.cell_too_long", first, limit=too_long))
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
    check_size(len(data), file, table)
    deadline = Deadline(file, table)
    text = _text(data, file, table, problems)
    del data
    delimiter, header, header_line = _header(text, file, table, problems)
    body = text[_offset_after(text, header_line) :]
    marked = bool(BIDI.search(body) or CONTROL.search(body))  # one pass over the text
    del text
    parsed = fast_parse(body, delimiter, len(header), header_line + 1)
    if parsed is None:  # something unusual: the slow reader explains it line by line
        values, lines, found = parse_rows(
            body, delimiter, len(header), header_line + 1, file, table, deadline
        )
        problems += found
    else:
        values, lines = parsed
    if len(values) > limits.MAX_ROWS:
        raise Refused(over_limit(file, table, "read.too_many_rows", len(values), limits.MAX_ROWS))
    deadline.check()
    frame, found = table_from_cells(values, lines, header, header_line, file, table)
    problems += found
    if table in TABLES:
        problems += header_notes(frame, table, file)
        problems += cell_notes(frame, table, file) if marked else []
    return frame, problems


def _text(data: bytes, file: str, table: str, problems: list[Problem]) -> str:
    """The file's text with \\n line ends, refused when it is empty, undecodable or has
    more lines than the row limit allows."""
    text, found = decode_bytes(data, file, table)
    problems += found
    if text is None:
        raise Refused()
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")  # old Mac line endings
    if not text.strip():
        raise Refused(fatal(file, table, "read.empty"))
    if text.count("\n") > limits.MAX_ROWS + limits.HEADER_SEARCH_ROWS + 1:
        raise Refused(
            over_limit(file, table, "read.too_many_rows", limits.MAX_ROWS, limits.MAX_ROWS)
        )
    return text


def _header(text: str, file: str, table: str, problems: list[Problem]):
    """(delimiter, header cells, header line number): the header may stand below a title
    block; a first line too long for a header refuses the file."""
    top = _first_lines(text, limits.HEADER_SEARCH_ROWS + 1)
    if len(top[0]) > limits.MAX_CELL_CHARS:  # 15,000 columns, or no header at all
        cells = max(top[0].count(d) for d in DELIMITERS) + 1
        if cells > limits.MAX_COLUMNS:
            raise Refused(
                over_limit(file, table, "read.too_many_columns", cells, limits.MAX_COLUMNS)
            )
        raise Refused(fatal(file, table, "read.header_too_long", 1, limit=limits.MAX_CELL_CHARS))
    skip = next(i for i, line in enumerate(top) if line.strip() or i == len(top) - 1)
    candidates = [line for line in top[skip:] if len(line) <= limits.MAX_CELL_CHARS]
    delimiter = _delimiter(candidates, table)
    rows = [split_line(line, delimiter) for line in candidates]
    index = find_header(rows, table)
    header = rows[index] if rows else []
    header_line = skip + index + 1
    if len(header) > limits.MAX_COLUMNS:
        raise Refused(
            over_limit(file, table, "read.too_many_columns", len(header), limits.MAX_COLUMNS)
        )
    if index > 0:
        problems.append(title_rows(file, table, header_line, index))
    return delimiter, header, header_line


def _delimiter(lines: list[str], table: str) -> str:
    """The delimiter under which some line names the most known columns; else the one that
    splits the first line into the most cells."""
    best, best_score = None, 1
    for delimiter in DELIMITERS:
        score = max((known_score(split_line(line, delimiter), table) for line in lines), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best or sniff_delimiter(lines[0] if lines else "")


def read_csv_file(path: Path, table: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """One CSV file of a data folder; a file above the size limit is not even read."""
    size = path.stat().st_size
    if size > limits.MAX_FILE_BYTES:
        return None, [too_large(size, path.name, table)]
    return read_csv_bytes(path.read_bytes(), path.name, table)
