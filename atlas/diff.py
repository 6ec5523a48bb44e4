"""Comparing two versions of the tables: which rows were added, changed or removed, how a
merge combines them, and which problems a change would introduce.

Shared by the import preview (atlas.importer) and the store (atlas.store), so an import
shows exactly what the store will record. Rows are compared as normalised text; a row is
identified by its id, or for phases and measures by what names it (see `row_keys`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from atlas.network import Network
from atlas.problems import Problem
from atlas.schema import TABLES
from atlas.text import t

CHANGES = ("added", "changed", "removed")  # the kinds of change, as in `diff_frame`


def key_columns(name: str) -> tuple[str, ...]:
    """The columns a row of table `name` must have to be compared at all."""
    table = TABLES[name]
    if table.id_column:
        return (table.id_column,)
    return ("project_id", "measure") if name == "measures" else ("project_id", "phase")


def row_keys(name: str, frame: pd.DataFrame) -> pd.Series:
    """What identifies a row across versions: its id, or for phases project, phase and
    start (for measures project, measure and product), with a counter for exact repeats."""
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
    """Every column of the frames, in order of first appearance (without `_line`)."""
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


def diff_frame(diff: TableDiff, lang: str = "de") -> pd.DataFrame:
    """The diff as rows a user can read: change (in the interface language), key, column,
    before, after."""
    added, changed, removed = (t(f"import.change.{c}", lang) for c in CHANGES)
    rows = [(added, key, "", "", "") for key in diff.added]
    for key, changes in diff.changed.items():
        rows += [(changed, key, c, before, after) for c, before, after in changes]
    rows += [(removed, key, "", "", "") for key in diff.removed]
    return pd.DataFrame(rows, columns=["change", "key", "column", "before", "after"])


def merged(name: str, current: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Merge mode: the rows of `current` that `new` does not name, in their order, then
    every row of `new` (updated and added alike)."""
    if current.empty:
        return new
    keys_old, keys_new = row_keys(name, current), row_keys(name, new)
    kept = current[~keys_old.isin(set(keys_new))]
    # line numbers stay those of the uploaded file, so the report points into it
    return pd.concat([kept, new], ignore_index=True).fillna("")


def problem_key(problem: Problem) -> tuple:
    """What makes two problems the same one, before and after a change."""
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
