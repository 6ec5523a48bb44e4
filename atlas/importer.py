"""Importing uploaded tables: read, place, validate and compare before anything changes.

Pure: no database, no Streamlit. `plan_import` turns uploaded files plus the current raw
tables into an `ImportPlan`: the normalised tables to write, what is added, changed and
removed, and the validation report. The store applies a plan all or nothing, and only
when `plan.ok` (no new error: a row that would be left out is a reason to stop, since an
import must never lose data silently).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd

from atlas.coerce import _canonical, _parse_list, parse_date, parse_numbers
from atlas.network import Network, load_frames
from atlas.problems import Problem
from atlas.readers import (
    FILE_ALIASES,
    NOTES_SHEETS,
    cell_notes,
    header_notes,
    read_csv_bytes,
    read_workbook,
    table_for_header,
)
from atlas.schema import PHASE_ALIASES, TABLES, Table

GAZETTEER = Path(__file__).resolve().parent.parent / "data" / "geo" / "municipalities_de.csv"
MAX_CELL_CHARS = 5_000  # far above any real name or note; stops pasted documents

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


# --- reading uploads -----------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def table_for_file(name: str) -> str | None:
    stem = Path(name).stem.strip().lower()
    stem = re.sub(r"[\s_-]*\(\d+\)$", "", stem)  # "projects (1).csv" from a second download
    if stem in TABLES:
        return stem
    return FILE_ALIASES.get(stem)


def decode_utf16(data: bytes) -> bytes:
    """Excel's "Unicode text" is UTF-16 with a BOM: re-encode it so the readers see UTF-8."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return data
    return data


def read_uploads(
    uploads: list[Upload],
) -> tuple[dict[str, pd.DataFrame], dict[str, str], list[Problem]]:
    """Raw text tables from uploaded CSV files or one XLSX workbook, with file problems."""
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    problems: list[Problem] = []
    expected_names = ", ".join(f"{n}.csv" for n in TABLES)
    for upload in uploads:
        if upload.name.lower().endswith((".xlsx", ".xlsm")):
            book, found = read_workbook(upload.data, upload.name)
            problems += found
            if not any(p.severity == "fatal" for p in found):  # else it was not opened
                problems += sheet_problems(upload, book)
            for name, frame in book.items():
                frames[name] = frame
                files[name] = f"{upload.name} [{name}]"
            continue
        if upload.name.lower().endswith(".xls"):
            msg = "altes Excel-Format (.xls): bitte als .xlsx oder CSV speichern"
            problems.append(Problem(upload.name, "", None, None, None, msg, "fatal"))
            continue
        table = table_for_file(upload.name)
        frame, found = read_csv_bytes(decode_utf16(upload.data), upload.name, table or "")
        if table is None and frame is not None:
            table = table_for_header(list(frame.columns))
            if table is not None:  # the reader could not name columns without knowing the table
                found += header_notes(frame, table, upload.name) + cell_notes(
                    frame, table, upload.name
                )
        if table is None:
            if frame is not None or not found:
                msg = f"Tabelle nicht erkannt: Dateiname wie {expected_names} erwartet"
                problems.append(Problem(upload.name, "", None, None, None, msg, "fatal"))
            problems += found
            continue
        found = [p if p.table else _with_table(p, table) for p in found]
        if table in frames:
            msg = f"Tabelle „{table}“ doppelt hochgeladen (auch in {files[table]})"
            problems.append(Problem(upload.name, table, None, None, None, msg, "fatal"))
            continue
        problems += found
        files[table] = upload.name
        if frame is not None:
            frames[table] = frame
    return frames, files, problems


def _with_table(problem: Problem, table: str) -> Problem:
    return replace(problem, table=table)


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
    taken = {frame.attrs.get("sheet", name) for name, frame in book.items()}
    problems = []
    if not book:
        msg = "kein Blatt erkannt; Blätter heißen wie die Tabellen: " + ", ".join(TABLES)
        return [Problem(upload.name, "", None, None, ", ".join(sheets), msg, "fatal")]
    for sheet in sheets:
        if sheet not in taken and sheet.strip().lower() not in TABLES.keys() | NOTES_SHEETS:
            msg = "Blatt nicht erkannt (wird ignoriert)"
            problems.append(Problem(upload.name, "", None, None, sheet, msg, "warning"))
    for name, table in TABLES.items():
        if table.required_table and name not in book:
            msg = f"Blatt „{name}“ fehlt – diese Tabelle bleibt unverändert"
            problems.append(Problem(upload.name, name, None, None, None, msg, "warning"))
    return problems


# --- checks beyond the schema --------------------------------------------------------


def cell_problems(name: str, frame: pd.DataFrame, file: str) -> list[Problem]:
    """Overlong cells (refused). Extra columns are named by the reader (atlas.readers)."""
    problems = []
    lines = frame["_line"] if "_line" in frame else pd.Series(range(2, len(frame) + 2))
    for column in frame.columns:
        if column == "_line":
            continue
        lengths = frame[column].astype(str).str.len()
        for idx in frame.index[lengths > MAX_CELL_CHARS]:
            msg = f"Text zu lang ({lengths[idx]} Zeichen; höchstens {MAX_CELL_CHARS})"
            value = str(frame.at[idx, column])[:60]
            problems.append(Problem(file, name, int(lines[idx]), str(column), value, msg))
    return problems


# --- placing municipalities ----------------------------------------------------------


@lru_cache(maxsize=1)
def gazetteer() -> pd.DataFrame:
    """The bundled list of German municipalities (AGS, name, district, state, lat, lon)."""
    return pd.read_csv(GAZETTEER, dtype=str, keep_default_na=False)


@dataclass(frozen=True)
class Ambiguity:
    line: int
    name: str
    candidates: tuple[tuple[str, str], ...]  # (ags, "Name (Kreis, Land)")


def _ags(text: str) -> str:
    digits = re.sub(r"\D", "", str(text))
    return digits.zfill(8) if 0 < len(digits) <= 8 else digits


def place_municipalities(
    frame: pd.DataFrame, file: str, choices: dict[int, str] | None = None
) -> tuple[pd.DataFrame, list[Problem], list[Ambiguity]]:
    """Fill missing coordinates (and state, district, kind, AGS where empty) from the
    bundled list: by Gemeindeschlüssel, else by exact name (within the state if given).
    A name with several matches is listed for the user; `choices` maps a line to the
    chosen AGS. Never guessed."""

    def blank(column: str) -> pd.Series:
        if column not in frame:
            return pd.Series(True, index=frame.index)
        return frame[column].fillna("").astype(str).str.strip() == ""

    need = blank("lat") | blank("lon")
    if not need.any():
        return frame, [], []
    frame = frame.copy()
    for column in ("lat", "lon", "ags", "state", "district", "kind", "name"):
        if column not in frame:
            frame[column] = ""
        frame[column] = frame[column].fillna("").astype(str)
    places = gazetteer()
    by_ags = places.set_index("ags")
    by_name = places.assign(key=places["name"].str.lower()).groupby("key")
    name_index = set(by_name.groups)
    choices = choices or {}
    notes: list[Problem] = []
    ambiguous: list[Ambiguity] = []
    lines = frame["_line"] if "_line" in frame else pd.Series(frame.index + 2, index=frame.index)
    for idx in frame.index[need]:
        line = int(lines[idx])
        ags = _ags(frame.at[idx, "ags"]) if frame.at[idx, "ags"].strip() else ""
        name = frame.at[idx, "name"].strip()
        match = None
        how = ""
        if line in choices:
            match, how = choices[line], "gewählt"
        elif ags and ags in by_ags.index:
            match, how = ags, "Gemeindeschlüssel"
        elif name.lower() in name_index:
            found = by_name.get_group(name.lower())
            state = frame.at[idx, "state"].strip()
            if state:
                found = found[found["state"] == state] if (found["state"] == state).any() else found
            if len(found) == 1:
                match, how = found["ags"].iloc[0], "Name"
            else:
                candidates = tuple(
                    (row.ags, f"{row.name} ({row.district}, {row.state})")
                    for row in found.itertuples()
                )
                ambiguous.append(Ambiguity(line, name, candidates))
                msg = f"Name mehrdeutig ({len(found)} Gemeinden): bitte eine auswählen"
                notes.append(Problem(file, "municipalities", line, "name", name, msg))
                continue
        if match is None or match not in by_ags.index:
            msg = (
                "keine Koordinaten; weder Gemeindeschlüssel noch Name in der Gemeindeliste gefunden"
            )
            notes.append(Problem(file, "municipalities", line, "lat/lon", name, msg))
            continue
        place = by_ags.loc[match]
        frame.at[idx, "lat"], frame.at[idx, "lon"] = place["lat"], place["lon"]
        for column, value in (
            ("ags", match),
            ("state", place["state"]),
            ("district", place["district"]),
            ("kind", place["kind"]),
        ):
            if not frame.at[idx, column].strip() or (column == "ags" and how != "Name"):
                frame.at[idx, column] = value  # an AGS that lost its leading 0 gets it back
        msg = f"Koordinaten ergänzt über {how}: {place['name']} ({place['district']}, {match})"
        notes.append(Problem(file, "municipalities", line, "lat/lon", name, msg, "warning"))
    return frame, notes, ambiguous


# --- comparing -----------------------------------------------------------------------


def key_columns(name: str) -> tuple[str, ...]:
    table = TABLES[name]
    if table.id_column:
        return (table.id_column,)
    return ("project_id", "measure") if name == "measures" else ("project_id", "phase")


def row_keys(name: str, frame: pd.DataFrame) -> pd.Series:
    """What identifies a row across versions: its id, or for phases project, phase and
    start (with a counter for exact repeats)."""
    table = TABLES[name]
    if table.id_column:
        return frame[table.id_column].fillna("").astype(str)
    columns = ("project_id", "measure", "product") if name == "measures" else None
    parts = [
        frame[c].fillna("").astype(str) if c in frame else ""
        for c in columns or ("project_id", "phase", "start")
    ]
    key = parts[0] + " · " + parts[1] + " · " + parts[2]
    count = key.groupby(key).cumcount()
    return key.where(count == 0, key + " #" + (count + 1).astype(str))


def value_columns(*frames: pd.DataFrame) -> list[str]:
    seen: list[str] = []
    for frame in frames:
        seen += [c for c in frame.columns if c != "_line" and c not in seen]
    return seen


@dataclass
class TableDiff:
    table: str
    added: list[str] = field(default_factory=list)
    changed: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def diff_table(name: str, old: pd.DataFrame, new: pd.DataFrame, merge: bool) -> TableDiff:
    """Added, changed (column, before, after) and removed keys. In merge mode rows missing
    from the new table stay, so nothing is removed."""
    columns = value_columns(old, new)
    old_rows = _by_key(name, old, columns)
    new_rows = _by_key(name, new, columns)
    diff = TableDiff(name)
    for key, values in new_rows.items():
        before = old_rows.get(key)
        if before is None:
            diff.added.append(key)
            continue
        changes = [
            (c, before[i], values[i])
            for i, c in enumerate(columns)
            if before[i] != values[i] and (c in new.columns or not merge)
        ]
        if changes:
            diff.changed[key] = changes
        else:
            diff.unchanged += 1
    if not merge:
        diff.removed = [k for k in old_rows if k not in new_rows]
    return diff


def _by_key(name: str, frame: pd.DataFrame, columns: list[str]) -> dict[str, tuple]:
    if frame.empty:
        return {}
    keys = row_keys(name, frame)
    values = [
        frame[c].fillna("").astype(str).tolist() if c in frame else [""] * len(frame)
        for c in columns
    ]
    rows = {}
    for i, key in enumerate(keys):
        rows.setdefault(key, tuple(v[i] for v in values))
    return rows


def diff_frame(diff: TableDiff) -> pd.DataFrame:
    """The diff as rows a user can read: change, key, column, before, after."""
    rows = [("neu", key, "", "", "") for key in diff.added]
    for key, changes in diff.changed.items():
        rows += [("geändert", key, c, before, after) for c, before, after in changes]
    rows += [("entfernt", key, "", "", "") for key in diff.removed]
    return pd.DataFrame(rows, columns=["change", "key", "column", "before", "after"])


# --- the plan ------------------------------------------------------------------------


def problem_key(problem: Problem) -> tuple:
    return (problem.table, problem.row, problem.column, problem.value, problem.expected)


def new_blocking(before: Network | None, after: Network) -> list[Problem]:
    """Errors the change would introduce: rows or values that would no longer be used.
    Problems the data had already are not the change's fault."""
    known = {problem_key(p) for p in before.problems} if before is not None else set()
    return [
        p
        for p in after.problems
        if p.severity in ("error", "fatal") and problem_key(p) not in known
    ]


def merged(name: str, current: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Rows of `current` updated and extended by `new` (merge mode), in current order."""
    if current.empty:
        return new
    keys_old, keys_new = row_keys(name, current), row_keys(name, new)
    kept = current[~keys_old.isin(set(keys_new))]
    # line numbers stay those of the uploaded file, so the report points into it
    return pd.concat([kept, new], ignore_index=True).fillna("")


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
        problems.append(Problem("", "", None, None, None, "keine Datei ausgewählt", "fatal"))
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


def problems_as_csv(problems: list[Problem]) -> str:
    """The validation report as CSV text, to send back to whoever made the file."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["severity", "file", "row", "column", "value", "expected"])
    for p in problems:
        writer.writerow(
            [p.severity, p.file, p.row or "", p.column or "", p.value or "", p.expected]
        )
    return out.getvalue()
