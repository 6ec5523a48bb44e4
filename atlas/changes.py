"""Changes to stored rows and their record in the history: the one write path that
imports, edits and restores share (`write_rows`), and how an import's comparison or an
editor's changes become row changes.

A row changes only at the version it was read at (`_ver`), and each change is recorded
in `atlas_changes` with who, when, the values before and after, in the same transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from atlas.auth import Actor
from atlas.database import (
    CHANGES,
    METADATA,
    SYSTEM_COLUMNS,
    StoreError,
    bulk_insert,
    data_table,
    now_text,
)
from atlas.diff import row_keys
from atlas.problems import Problem
from atlas.schema import TABLES


class StaleError(StoreError):
    """Someone else saved the same row (or data) after it was read."""


class ValidationError(StoreError):
    def __init__(self, key: str, problems: list[Problem], **values):
        super().__init__(key, **values)
        self.problems = problems


@dataclass
class EditSet:
    """Changes to one table from the data editor: {row id: (version read, {column: text})},
    new rows as {column: text}, and (row id, version read) of rows to delete."""

    table: str
    changed: dict[int, tuple[int, dict[str, str]]] = field(default_factory=dict)
    added: list[dict[str, str]] = field(default_factory=list)
    deleted: list[tuple[int, int]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.changed or self.added or self.deleted)


@dataclass(frozen=True)
class RowChange:
    """One row written: what happens to it ("insert", "update", "delete"), its key for the
    history, its id (None: a new row, the database gives it one, unless restored under its
    old id), the version it was read at (0: new), its values before and after, and its
    position (None: keep it)."""

    action: str
    key: str
    row_id: int | None
    version: int
    before: dict[str, str] | None
    after: dict[str, str] | None
    pos: int | None = None


@dataclass
class RowWrites:
    """Everything one write does to one table, in the order it is done."""

    deletes: list[RowChange] = field(default_factory=list)
    updates: list[RowChange] = field(default_factory=list)
    inserts: list[RowChange] = field(default_factory=list)
    moves: list[tuple[int, int]] = field(default_factory=list)  # (row id, position): no change

    def add(self, change: RowChange) -> None:
        kinds = {"delete": self.deletes, "update": self.updates, "insert": self.inserts}
        kinds[change.action].append(change)


def write_rows(
    conn: Connection,
    name: str,
    writes: RowWrites,
    actor: Actor,
    stamp: str,
    recorded_as: str | None = None,
    note: str | None = None,
) -> None:
    """Make the changes to one table and record each in the history, batched (an
    import of 20,000 rows must not mean 40,000 round trips). A row changes only at
    the version it was read at; a writer that ignored the lock is refused, never
    overwritten. `recorded_as` names the history action for all of them (a restore)."""
    table = METADATA.tables[data_table(name)]
    history: list[dict] = []

    def record(change: RowChange, row_id: int, version: int) -> None:
        action = recorded_as or change.action
        row = _change_row(
            stamp, actor.name, action, name, row_id, change.key, version, change.before
        )
        history.append(row | {"after": _json(change.after), "note": note})

    if writes.deletes:
        statement = delete(table).where(
            table.c._row == bindparam("b_row"), table.c._ver == bindparam("b_ver")
        )
        params = [{"b_row": c.row_id, "b_ver": c.version} for c in writes.deletes]
        _expect_rows(conn.execute(statement, params), len(params), conn)
        for change in writes.deletes:
            record(change, change.row_id, change.version)
    stamped = {"_at": stamp, "_by": actor.name}
    for moved in (False, True):  # one statement for each set of columns
        updates = [c for c in writes.updates if (c.pos is not None) == moved]
        if not updates:
            continue
        params = [
            {"b_row": c.row_id, "b_ver": c.version}
            | _fields(name, c.after)
            | stamped
            | {"_ver": c.version + 1}
            | ({"_pos": c.pos} if moved else {})
            for c in updates
        ]
        values = {k: bindparam(k) for k in params[0] if not k.startswith("b_")}
        statement = (
            update(table)
            .where(table.c._row == bindparam("b_row"), table.c._ver == bindparam("b_ver"))
            .values(values)
        )
        _expect_rows(conn.execute(statement, params), len(params), conn)
        for change in updates:
            record(change, change.row_id, change.version + 1)
    if writes.moves:
        statement = update(table).where(table.c._row == bindparam("b_row"))
        moves = [{"b_row": row_id, "_pos": pos} for row_id, pos in writes.moves]
        conn.execute(statement.values(_pos=bindparam("_pos")), moves)
    if writes.inserts:
        rows = [
            {"_pos": c.pos, "_ver": 1} | stamped | _fields(name, c.after) for c in writes.inserts
        ]
        for row, change in zip(rows, writes.inserts, strict=True):
            if change.row_id is not None:
                row["_row"] = change.row_id  # a row restored under its old id
        keyed = [r for r in rows if "_row" in r]
        bulk_insert(conn, table, [r for r in rows if "_row" not in r])
        bulk_insert(conn, table, keyed)
        # positions are unique within the table (we hold the write lock): they give the
        # new rows' ids without a round trip per row
        wanted = {row["_pos"] for row in rows}
        ids = {
            int(pos): int(row_id)
            for row_id, pos in conn.execute(select(table.c._row, table.c._pos))
            if int(pos) in wanted
        }
        for row, change in zip(rows, writes.inserts, strict=True):
            record(change, ids[row["_pos"]], 1)
    bulk_insert(conn, CHANGES, history)


def record_note(conn: Connection, actor: Actor, action: str, note: str) -> None:
    """A history entry that changes no row (an import that found nothing new)."""
    row = _change_row(now_text(), actor.name, action, None, None, None, None, None)
    conn.execute(insert(CHANGES).values(**(row | {"note": note})))


def import_writes(name, current, system, new, diff, merge: bool) -> RowWrites:
    """An imported table's changes against the stored one: the rows it removes, changes
    (in merge mode only the columns the upload has) and adds; in replace mode the rows
    also take the upload's order."""
    writes = RowWrites()
    columns = [c for c in new.columns if c != "_line"]
    key_to_row: dict[str, int] = {}
    if len(current):
        for row_id, key in zip(current.index, row_keys(name, current), strict=True):
            key_to_row.setdefault(key, int(row_id))
    for key in diff.removed:
        row_id = key_to_row[key]
        before = row_dict(current.loc[row_id])
        writes.add(RowChange("delete", key, row_id, int(system.at[row_id, "_ver"]), before, None))
    new = new.reset_index(drop=True)
    data = {c: new[c].fillna("").astype(str).tolist() for c in columns}
    next_pos = free_pos(system) if merge else 0
    changed, added = set(diff.changed), set(diff.added)
    for i, key in enumerate(row_keys(name, new).tolist()):
        values = {c: data[c][i] for c in columns}
        if key in added:
            writes.add(RowChange("insert", key, None, 0, None, values, next_pos if merge else i))
            next_pos += 1
            continue
        row_id = key_to_row[key]
        pos = int(system.at[row_id, "_pos"])
        if key in changed:
            old = row_dict(current.loc[row_id])
            after = {**old, **values} if merge else values  # merge keeps the other columns
            version = int(system.at[row_id, "_ver"])
            writes.add(RowChange("update", key, row_id, version, old, after, None if merge else i))
        elif not merge and pos != i:
            writes.moves.append((row_id, i))
    return writes


def edit_writes(name, edits, current, after, new_ids) -> RowWrites:
    """The editor's changes as rows to write: deletions, changed rows whose values really
    differ, new rows at the end."""
    writes = RowWrites()
    # every row's key from its whole table, once: as the diff names rows (an exact repeat
    # counted), and not a pandas pass per row (an emptied table of 538 rows took seconds)
    keys_before, keys_after = row_keys(name, current), row_keys(name, after)
    for row_id, version in edits.deleted:
        key = keys_before.loc[row_id]
        before = row_dict(current.loc[row_id])
        writes.add(RowChange("delete", key, int(row_id), int(version), before, None))
    for row_id, (version, _) in edits.changed.items():
        values, before = row_dict(after.loc[row_id]), row_dict(current.loc[row_id])
        if values != before:
            key = keys_after.loc[row_id]
            writes.add(RowChange("update", key, int(row_id), int(version), before, values))
    for row_id in new_ids:
        row = after.loc[[row_id]]
        key = keys_after.loc[row_id]
        pos = int(row["_line"].iloc[0]) - 2
        writes.add(RowChange("insert", key, None, 0, None, row_dict(row.iloc[0]), pos))
    return writes


def _expect_rows(result, expected: int, conn: Connection) -> None:
    """Every row of a write must have been at the version read: under the write lock it
    is, so a shortfall means a writer that ignored the lock; still never overwrite."""
    if conn.dialect.supports_sane_multi_rowcount and result.rowcount not in (expected, -1):
        raise StaleError("store.stale_concurrent")


def _fields(name: str, values: dict[str, str]) -> dict:
    """A row's values as database columns: schema columns as text (empty: NULL), the
    rest as JSON in `_extra`."""
    schema_cols = TABLES[name].column_names
    fields = {c: (values.get(c) or None) for c in schema_cols}
    extra = {c: v for c, v in values.items() if c not in schema_cols and v not in ("", None)}
    fields["_extra"] = json.dumps(extra, ensure_ascii=False) if extra else None
    return fields


def _json(values: dict | None) -> str | None:
    return None if values is None else json.dumps(values, ensure_ascii=False)


def _change_row(stamp, actor, action, name, row_id, key, version, before) -> dict:
    return {
        "at": stamp,
        "actor": actor,
        "action": action,
        "table_name": name,
        "row_id": row_id,
        "row_key": key,
        "version": version,
        "before": _json(before),
        "after": None,
        "note": None,
    }


def free_pos(system: pd.DataFrame | None) -> int:
    return int(system["_pos"].max()) + 1 if system is not None and len(system) else 0


def row_dict(row: pd.Series) -> dict[str, str]:
    return {
        str(k): ("" if v is None or (isinstance(v, float) and v != v) else str(v))
        for k, v in row.items()
        if k != "_line" and k not in SYSTEM_COLUMNS
    }
