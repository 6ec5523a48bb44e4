"""Importing uploaded tables: read, place, validate and compare before anything changes.

Pure: no database, no Streamlit. `plan_import` turns uploaded files plus the current raw
tables into an `ImportPlan`: the normalised tables to write, what is added, changed and
removed, and the validation report. The store applies a plan all or nothing, and only
when `plan.ok` (no new error: a row that would be left out is a reason to stop, since an
import must never lose data silently).

The steps live where they belong: reading uploads in atlas.uploads, placing municipalities
in atlas.places, comparing versions in atlas.diff. Their names are re-exported here, so
`from atlas.importer import ...` keeps working for callers written before the split.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pandas as pd

from atlas.coerce import _canonical, _parse_list, parse_date, parse_numbers
from atlas.diff import (
    TableDiff,
    diff_frame,
    diff_table,
    key_columns,
    merged,
    new_blocking,
    problem_key,
    row_keys,
    value_columns,
)
from atlas.headers import FILE_ALIASES, NOTES_SHEETS
from atlas.network import Network, load_frames
from atlas.places import GAZETTEER, Ambiguity, gazetteer, place_municipalities
from atlas.problems import Problem, problem
from atlas.schema import PHASE_ALIASES, TABLES, Table
from atlas.uploads import (
    MAX_CELL_CHARS,
    Upload,
    cell_problems,
    decode_utf16,
    read_uploads,
    sheet_problems,
    table_for_file,
)

__all__ = [  # the importer's own names, and those callers import from here
    "FILE_ALIASES",
    "GAZETTEER",
    "MAX_CELL_CHARS",
    "NOTES_SHEETS",
    "Ambiguity",
    "ImportPlan",
    "TableDiff",
    "Upload",
    "cell_problems",
    "decode_utf16",
    "diff_frame",
    "diff_table",
    "gazetteer",
    "key_columns",
    "merged",
    "new_blocking",
    "normalise_table",
    "place_municipalities",
    "plan_import",
    "problem_key",
    "problems_as_csv",
    "read_uploads",
    "row_keys",
    "sheet_problems",
    "table_for_file",
    "value_columns",
]

# --- normalised text -----------------------------------------------------------------


def number_text(value: float) -> str:
    """A number as text that parses back to exactly the same value."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def normalise_column(column, values: pd.Series) -> pd.Series:
    """Canonical text for cells that parse (ISO dates, plain numbers, canonical spelling);
    a cell that does not parse keeps its text, so nothing is lost and the warning about
    it reappears on every load."""
    values = values.fillna("").astype(str).str.strip()
    if column.type in ("int", "float"):
        numbers = parse_numbers(values, column.type == "int", column.name.endswith("_eur"))
        parsed = numbers.map(lambda v: "" if pd.isna(v) else number_text(v))
        return parsed.where(numbers.notna(), values).astype(object)
    if column.type == "date":
        lookup = {v: parse_date(v) or v for v in values.unique()}
        return values.map(lookup).astype(object)
    if column.type in ("list", "reflist"):
        lookup = _canonical(column.allowed, {}) if column.allowed else None

        def join(text: str) -> str:
            known, unknown = _parse_list(text, lookup)
            items = known + unknown if lookup is not None else known
            return ";".join(items)

        mapping = {v: join(v) for v in values.unique()}
        return values.map(mapping).astype(object)
    if column.allowed is not None:
        lookup = _canonical(column.allowed, PHASE_ALIASES if column.name == "phase" else {})
        return values.map(lambda v: lookup.get(v.lower(), v)).astype(object)
    return values.astype(object)


def normalise_table(table: Table, raw: pd.DataFrame) -> pd.DataFrame:
    """Raw text table -> normalised text table (same rows, same columns, `_line` kept)."""
    frame = raw.copy()
    for name in frame.columns:
        if name == "_line":
            continue
        # our export's formula protection is undone by the readers (atlas.readers)
        frame[name] = frame[name].fillna("").astype(str).str.strip()
    for column in table.columns:
        if column.name in frame:
            frame[column.name] = normalise_column(column, frame[column.name])
    return frame


# --- the plan ------------------------------------------------------------------------


@dataclass
class ImportPlan:
    tables: dict[str, pd.DataFrame]  # normalised text tables to write (imported ones only)
    files: dict[str, str]
    problems: list[Problem]  # the whole validation report
    blocking: list[Problem]  # the reasons not to apply
    diffs: dict[str, TableDiff]
    ambiguous: list[Ambiguity]
    merge: bool
    base_version: int
    network: Network | None = None  # the network as it would be after applying

    @property
    def ok(self) -> bool:
        return bool(self.tables) and not self.blocking and not self.ambiguous

    @property
    def changes(self) -> int:
        return sum(len(d.added) + len(d.changed) + len(d.removed) for d in self.diffs.values())


def plan_import(
    uploads: list[Upload],
    current: dict[str, pd.DataFrame],
    base_version: int = 0,
    merge: bool = False,
    choices: dict[int, str] | None = None,
) -> ImportPlan:
    """Everything the user needs to decide, computed without changing anything.

    `current` are the stored normalised text tables (as Store.raw_tables returns them)."""
    raw, files, problems = read_uploads(uploads)
    if not uploads:
        problems.append(problem("", "", None, None, None, "import.no_file", "fatal"))
    ambiguous: list[Ambiguity] = []
    tables: dict[str, pd.DataFrame] = {}
    for name, frame in raw.items():
        if "_line" not in frame:
            frame = frame.assign(_line=range(2, len(frame) + 2))
        problems += cell_problems(name, frame, files[name])
        if name == "municipalities":
            frame, notes, found = place_municipalities(frame, files[name], choices)
            problems += notes
            ambiguous += found
        tables[name] = normalise_table(TABLES[name], frame)
    candidate = dict(current)
    for name, frame in tables.items():
        # a file without all required columns is not merged: its report says what is missing
        keyed = all(c.name in frame for c in TABLES[name].columns if c.required)
        candidate[name] = (
            merged(name, current.get(name, frame.iloc[0:0]), frame) if merge and keyed else frame
        )
    cand_files = {name: f"{name}.csv" for name in current} | files
    base_files = {name: f"{name}.csv" for name in current}
    before = load_frames(current, base_files) if current else None
    after = load_frames(candidate, cand_files, "import")
    introduced = new_blocking(before, after)
    # the report: the uploaded tables' problems, and what the import would break elsewhere
    problems += [p for p in after.problems if p.table in tables or p in introduced]
    blocking = [p for p in problems if p.severity in ("error", "fatal")]
    diffs = {
        name: diff_table(name, current.get(name, pd.DataFrame()), frame, merge)
        for name, frame in tables.items()
        if all(c in frame for c in key_columns(name))  # else reported as a missing column
    }
    return ImportPlan(
        tables, files, problems, blocking, diffs, ambiguous, merge, base_version, after
    )


def problems_as_csv(problems: list[Problem], lang: str = "de") -> str:
    """The validation report as CSV text, to send back to whoever made the file; the
    messages in `lang`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["severity", "file", "row", "column", "value", "expected"])
    for p in problems:
        writer.writerow(
            [p.severity, p.file, p.row or "", p.column or "", p.value or "", p.message(lang)]
        )
    return out.getvalue()
