"""Header recognition and column naming: from a header row and cells by position to a
table of known columns.

Offices send German headers ("Gemeindename", "Bundesland"), a title block above the
header, Excel's empty trailing columns and repeated or unnamed columns. This module finds
the header, takes each header for its known column (atlas.schema's aliases), tells which
table a file or sheet holds by its name or header, and names what it took and what it did
not know: every note is a Problem with a text key (atlas.text_problems). Cells whose text
looks different from what it is (writing-direction or control characters) are named too.
"""

from __future__ import annotations

import difflib
import re

import pandas as pd

from atlas import read_limits as limits
from atlas.problems import Problem, problem
from atlas.read_limits import Refused, over_limit
from atlas.schema import HEADER_ALIASES, TABLES
from atlas.spreadsheet import unguard

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
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


# --- which table -----------------------------------------------------------------------


def table_for_name(name: str) -> str | None:
    """The table a sheet (or a file, without its extension) holds by its name: the table's
    own name or a German one, ignoring a download counter ("projects (1)")."""
    key = re.sub(r"[\s_-]*\(\d+\)$", "", str(name).strip().lower())
    if key in TABLES:
        return key
    return FILE_ALIASES.get(key)


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


# --- the header ------------------------------------------------------------------------


def header_key(name) -> str:
    """A header as compared: trimmed, lower case, inner spaces collapsed, no trailing * or :."""
    key = str(name).replace("\ufeff", "").strip()
    key = re.sub(r"\s+", " ", key).rstrip("*: ").strip()
    return key.lower()


def normalise_header(name: str) -> str:
    """The known column a header stands for (German names included), else the header as
    written, without our export's formula guard."""
    key = unguard(str(name).strip().lstrip("\ufeff").strip())
    return HEADER_ALIASES.get(header_key(key), key)


def known_score(cells: list[str], table: str) -> int:
    """How many known columns of `table` (of any table when unknown) a row names."""
    known = set(TABLES[table].column_names) if table in TABLES else KNOWN_COLUMNS
    return len({normalise_header(c) for c in cells if str(c).strip()} & known)


def find_header(rows: list[list[str]], table: str) -> int:
    """Index of the header among the first rows: the first row naming at least two known
    columns, as many as any; a title block above it is skipped. Row 0 if none does."""
    scores = [known_score(r, table) for r in rows[: limits.HEADER_SEARCH_ROWS]]
    if not scores or max(scores) < 2 or scores[0] == max(scores):
        return 0
    return scores.index(max(scores))


def title_rows(file: str, table: str, header_line: int, above: int) -> Problem:
    """The note that the header was found in `header_line`, below `above` lines of title."""
    key = "read.title_rows"
    return problem(file, table, header_line, None, None, key, "warning", line=header_line, n=above)


# --- columns ---------------------------------------------------------------------------


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
        guess = guess_column(str(column), known)
        key = "read.unknown_column_guess" if guess else "read.unknown_column"
        problems.append(
            problem(file, table, line, str(column), None, key, "warning", guess=guess or "")
        )
    return problems


def guess_column(header: str, known: list[str]) -> str | None:
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
        for key, pattern in (("read.bidi", BIDI), ("read.control", CONTROL)):
            hits = values.str.contains(pattern.pattern, regex=True)
            for idx in frame.index[hits.fillna(False).astype(bool)]:
                value = pattern.sub("�", values[idx])
                problems.append(
                    problem(file, table, int(lines[idx]), str(column), value, key, "warning")
                )
    return problems


def table_from_cells(
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
    if len(names) > limits.MAX_COLUMNS:
        raise Refused(
            over_limit(file, table, "read.too_many_columns", len(names), limits.MAX_COLUMNS)
        )
    if len(grid) * max(len(names), 1) > limits.MAX_CELLS:
        n = len(grid) * len(names)
        raise Refused(over_limit(file, table, "read.too_many_cells", n, limits.MAX_CELLS))
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
