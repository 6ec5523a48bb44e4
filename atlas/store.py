"""The network's tables in the database: seeding, reading, the versions of rows, the
history of every change and restoring one. Where the database is and how its tables are
made is atlas.database; who may write is atlas.auth.

Cells are stored as normalised text and typed on load through atlas.network.load_frames,
the path a folder takes, so the database network equals the folder network it was seeded
from (the readers' report on the seeded files, skipped rows included, is kept beside it).

Every row carries a version (`_ver`): a save names the version it was based on and is
refused when someone else saved in between (never silently overwritten). Every change
is recorded in `atlas_changes` (who, when, before, after), which also gives restore and
a cheap data version (the highest change id) for cache keys. Imports, edits and restores
are checked here against the stored tables and written through one function,
atlas.changes.write_rows, which makes each change and records it.

A little above ~400 lines: the three writes (import, edit, restore) are checked against
the same reading of the tables (`_raw`) under the same lock; split apart, each would need
the others' private helpers.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from atlas.auth import Actor, NotAllowed, require_editor
from atlas.changes import (
    EditSet,
    RowChange,
    RowWrites,
    StaleError,
    ValidationError,
    edit_writes,
    free_pos,
    import_writes,
    record_note,
    row_dict,
    write_rows,
)
from atlas.database import (
    CHANGES,
    DATABASE_LABEL,
    META,
    METADATA,
    SCHEMA_VERSION,
    SYSTEM_COLUMNS,
    Database,
    StoreError,
    bulk_insert,
    data_table,
    describe_url,
    engine_url,
    now_text,
    result_frame,
    sqlite_url,
)
from atlas.diff import diff_table, new_blocking, row_keys
from atlas.importer import ImportPlan, normalise_table
from atlas.network import Network, load_frames
from atlas.problems import Problem, problems_from_json, problems_json
from atlas.readers import read_folder
from atlas.schema import TABLES
from atlas.status import with_current_phase

# the names callers know from this module, wherever they are defined now
__all__ = [
    "METADATA",
    "SCHEMA_VERSION",
    "Actor",
    "EditSet",
    "NotAllowed",
    "RestorePreview",
    "StaleError",
    "Store",
    "StoreError",
    "ValidationError",
    "describe_url",
    "engine_url",
    "open_store",
    "require_editor",
    "sqlite_url",
]

SEED_ACTOR = "Erstbefüllung"
READ_PROBLEMS = "read_problems"  # atlas_meta: the readers' report on the seeded files


@dataclass(frozen=True)
class RestorePreview:
    """What restoring a change would do: the row (table, key), its version now (0: not
    there) and the later changes to that row the restore would undo as well."""

    change_id: int
    table: str
    row_key: str
    version: int
    later: pd.DataFrame  # id, at, actor, action
    action: str = "update"  # of the change undone: undoing an "insert" removes the row


class Store(Database):
    # --- seeding ---------------------------------------------------------------------

    def seed_from_folder(self, folder: str | Path, label: str | None = None) -> Network | None:
        """Fill an empty store from a data folder, once. Returns the folder's network when
        it cannot be used (so the app shows its report), else None. An unusable folder
        seeds nothing; a folder with some bad rows is stored as it is, rows and all, so its
        report stays the same."""
        folder = Path(folder)
        raw, files, problems = read_folder(folder)
        network = load_frames(raw, files, label or str(folder))
        if problems or not network.usable:
            network = replace(network, problems=tuple(problems) + network.problems)
        if not network.usable:
            return network
        self.seed(raw, actor=f"{SEED_ACTOR} ({label or folder})", read_problems=problems)
        return None

    def seed(
        self, raw: dict[str, pd.DataFrame], actor: str, read_problems: Sequence[Problem] = ()
    ) -> bool:
        """Store raw tables as the first version; False when already seeded (by another
        process that got there first). `read_problems` are what the readers reported about
        the files (rows they skipped, encodings, headers): the rows a reader skipped never
        reach the tables, so the report keeps them (see load_network)."""
        stamp = now_text()
        with self.writer.begin() as conn:
            self._lock(conn)
            if conn.execute(select(META.c.key).where(META.c.key == "seeded")).first():
                return False
            conn.execute(insert(META).values(key="seeded", value=stamp))
            self._set_meta(conn, READ_PROBLEMS, problems_json(read_problems))
            counts = {name: self._seed_table(conn, name, raw[name], stamp, actor) for name in raw}
            conn.execute(
                insert(CHANGES).values(
                    at=stamp, actor=actor, action="seed", note=json.dumps(counts)
                )
            )
        return True

    def seed_new_tables(self, folder: str | Path, label: str | None = None) -> dict[str, int]:
        """Tables this database has never had (the app gained them after the database was
        seeded, as the measures), filled from the data folder as at the first start:
        {table: rows}, {} when there are none. A table it has had is never touched, even
        when empty: no stored columns, no rows and no change in the history mean never had.
        Cheap when there is nothing to do (one query; the folder is read only for a
        candidate)."""
        with self.engine.connect() as conn:
            if not conn.execute(select(META.c.key).where(META.c.key == "seeded")).first():
                return {}
            candidates = self._never_had(conn)
        if not candidates:
            return {}
        raw, _, _ = read_folder(Path(folder))
        if not set(candidates) & set(raw):
            return {}
        stamp, actor = now_text(), f"{SEED_ACTOR} ({label or folder})"
        with self.writer.begin() as conn:
            self._lock(conn)
            new = [name for name in self._never_had(conn) if name in raw]  # under the lock
            counts = {name: self._seed_table(conn, name, raw[name], stamp, actor) for name in new}
            if counts:
                conn.execute(
                    insert(CHANGES).values(
                        at=stamp, actor=actor, action="seed", note=json.dumps(counts)
                    )
                )
        return counts

    def _never_had(self, conn: Connection) -> list[str]:
        """The tables without stored columns, rows or history."""
        known = {
            key.removeprefix("columns.")
            for (key,) in conn.execute(select(META.c.key).where(META.c.key.like("columns.%")))
        }
        changed = {
            name
            for (name,) in conn.execute(select(CHANGES.c.table_name).distinct())
            if name is not None
        }
        return [
            name
            for name in TABLES
            if name not in known
            and name not in changed
            and not conn.execute(select(METADATA.tables[data_table(name)]).limit(1)).first()
        ]

    def _seed_table(self, conn: Connection, name: str, frame, stamp: str, actor: str) -> int:
        """One table of a seed: its rows as version 1 and its columns' order."""
        frame = normalise_table(TABLES[name], frame)
        rows = self._rows_for_insert(name, frame, stamp, actor)
        if rows:
            bulk_insert(conn, METADATA.tables[data_table(name)], rows)
        self._set_meta(conn, f"columns.{name}", json.dumps(_columns(frame)))
        return len(rows)

    def _rows_for_insert(self, name, frame, stamp, actor) -> list[dict]:
        """The seed's rows, column by column (20,000 rows; no history per row)."""
        schema_cols = TABLES[name].column_names
        extras = [c for c in frame.columns if c not in schema_cols and c != "_line"]
        lines = frame["_line"] if "_line" in frame else pd.Series(range(2, len(frame) + 2))
        positions = [int(v) - 2 for v in lines]
        data = {c: frame[c].fillna("").astype(str).tolist() for c in frame.columns}
        rows = []
        for i, pos in enumerate(positions):
            row = {"_pos": pos, "_ver": 1, "_at": stamp, "_by": actor}
            for c in schema_cols:
                value = data[c][i] if c in data else ""
                row[c] = value if value != "" else None
            extra = {c: data[c][i] for c in extras if data[c][i] != ""}
            row["_extra"] = json.dumps(extra, ensure_ascii=False) if extra else None
            rows.append(row)
        return rows

    # --- reading ---------------------------------------------------------------------

    def _rows(self, conn: Connection, name: str) -> pd.DataFrame:
        """A table's rows with system columns, extra columns expanded, ordered by position."""
        table = METADATA.tables[data_table(name)]
        result = conn.execute(select(table).order_by(table.c._pos, table.c._row))
        frame = result_frame(result)
        schema_cols = TABLES[name].column_names
        frame[schema_cols] = frame[schema_cols].fillna("")
        extras = frame.pop("_extra")
        if extras.notna().any():
            expanded = pd.DataFrame(
                [json.loads(e) if e else {} for e in extras], index=frame.index, dtype=object
            ).fillna("")
            frame = pd.concat([frame, expanded], axis=1)
        return frame

    def _raw(self, conn: Connection) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
        """(text tables as a reader would return them, indexed by row id; system columns)."""
        order = {
            key.removeprefix("columns."): json.loads(value)
            for key, value in conn.execute(
                select(META.c.key, META.c.value).where(META.c.key.like("columns.%"))
            )
        }
        raw, system = {}, {}
        for name, schema in TABLES.items():
            rows = self._rows(conn, name)
            if rows.empty and name not in order:
                continue  # a table the data never had (like a folder without that file)
            rows = rows.set_index("_row", drop=False)
            system[name] = rows[list(SYSTEM_COLUMNS[:5])]
            known = order.get(name, schema.column_names)
            data_cols = [c for c in rows.columns if c not in SYSTEM_COLUMNS]
            columns = [c for c in known if c in data_cols]
            columns += [c for c in schema.column_names if c not in columns]
            columns += [c for c in data_cols if c not in columns]
            frame = rows[columns].copy()
            frame["_line"] = (rows["_pos"].astype(int) + 2).to_numpy()
            raw[name] = frame
        return raw, system

    def raw_tables(self) -> dict[str, pd.DataFrame]:
        with self.engine.connect() as conn:
            return self._raw(conn)[0]

    def rows(self, name: str) -> pd.DataFrame:
        """One table for the editor: row id, version, last change and the text cells."""
        with self.engine.connect() as conn:
            return self._rows(conn, name).set_index("_row", drop=False)

    def load_network(self, day: dt.date) -> Network:
        """The stored network, typed as a folder's is, with the readers' report on the
        files it came from first (as atlas.network.load_folder puts it)."""
        with self.engine.connect() as conn:
            raw, _ = self._raw(conn)
            stored = conn.execute(select(META.c.value).where(META.c.key == READ_PROBLEMS)).scalar()
        # the label reaches every visitor (source line, reports): no connection details
        network = load_frames(raw, files_for(raw), DATABASE_LABEL)
        return replace(
            network,
            projects=with_current_phase(network.projects, network.phases, day),
            problems=problems_from_json(stored) + network.problems,
        )

    def last_updates(self, name: str) -> pd.DataFrame:
        """key, when and by whom each row was last changed (for freshness)."""
        table = METADATA.tables[data_table(name)]
        with self.engine.connect() as conn:
            frame = result_frame(conn.execute(select(table)))
        frame = frame.fillna("")
        return pd.DataFrame({"key": row_keys(name, frame), "at": frame["_at"], "by": frame["_by"]})

    def history(self, limit: int = 50, name: str | None = None) -> pd.DataFrame:
        query = select(CHANGES).order_by(CHANGES.c.id.desc()).limit(limit)
        if name:
            query = query.where(CHANGES.c.table_name == name)
        with self.engine.connect() as conn:
            return result_frame(conn.execute(query))

    # --- writing ---------------------------------------------------------------------

    def _check_version(self, conn: Connection, expected: int) -> None:
        current = int(conn.execute(select(func.max(CHANGES.c.id))).scalar() or 0)
        if current != expected:
            last = conn.execute(
                select(CHANGES.c.actor, CHANGES.c.at).where(CHANGES.c.id == current)
            ).first()
            if last:
                raise StaleError("store.stale_preview_by", who=last.actor, when=last.at)
            raise StaleError("store.stale_preview")

    def _validate(self, raw_before, raw_after, what: str) -> None:
        before = load_frames(raw_before, files_for(raw_before))
        after = load_frames(raw_after, files_for(raw_after))
        introduced = new_blocking(before, after)
        if introduced:
            raise ValidationError(f"store.refused.{what}", introduced, n=len(introduced))

    def apply_import(self, plan: ImportPlan, actor: Actor) -> dict[str, int]:
        """Write a previewed import, all or nothing. Refused when the plan has problems or
        the data changed since the preview."""
        require_editor(actor)
        if not plan.ok:
            raise ValidationError("store.import_blocked", plan.blocking)
        counts = {"added": 0, "changed": 0, "removed": 0}
        with self.writer.begin() as conn:
            self._lock(conn)
            self._check_version(conn, plan.base_version)
            raw, system = self._raw(conn)
            stamp = now_text()
            for name, new in plan.tables.items():
                current = raw.get(name, pd.DataFrame(columns=TABLES[name].column_names))
                diff = diff_table(name, current, new, plan.merge)
                writes = import_writes(name, current, system.get(name), new, diff, plan.merge)
                write_rows(conn, name, writes, actor, stamp)
                counts["added"] += len(diff.added)
                counts["changed"] += len(diff.changed)
                counts["removed"] += len(diff.removed)
                if not plan.merge:
                    self._set_meta(conn, f"columns.{name}", json.dumps(_columns(new)))
            if not plan.merge:  # the replaced tables' files and their skipped rows are gone
                self._forget_read_problems(conn, set(plan.tables))
            if not any(counts.values()):
                record_note(conn, actor, "import", "keine Änderung")
        return counts

    def _forget_read_problems(self, conn: Connection, tables: set[str]) -> None:
        stored = conn.execute(select(META.c.value).where(META.c.key == READ_PROBLEMS)).scalar()
        kept = [p for p in problems_from_json(stored) if p.table not in tables]
        self._set_meta(conn, READ_PROBLEMS, problems_json(kept))

    def save_edits(self, edits: EditSet, actor: Actor) -> dict[str, int]:
        """Save the editor's changes to one table, all or nothing: refused for viewers, for
        rows someone else saved since they were read, and for values that fail validation."""
        require_editor(actor)
        name = edits.table
        schema = TABLES[name]
        stamp = now_text()
        with self.writer.begin() as conn:
            self._lock(conn)
            raw, system = self._raw(conn)
            current = raw.get(name, pd.DataFrame(columns=[*schema.column_names, "_line"]))
            sys_rows = system.get(name)
            # optimistic concurrency: every touched row must still have the version read
            for row_id, version in [(r, v) for r, (v, _) in edits.changed.items()] + list(
                edits.deleted
            ):
                if sys_rows is None or row_id not in sys_rows.index:
                    raise StaleError("store.stale_deleted", table=name)
                if int(sys_rows.at[row_id, "_ver"]) != int(version):
                    who, when = sys_rows.at[row_id, "_by"], sys_rows.at[row_id, "_at"]
                    key = row_keys(name, current.loc[[row_id]]).iloc[0]
                    raise StaleError("store.stale_row", row=key, table=name, who=who, when=when)
            after = current.copy()
            for row_id, (_, values) in edits.changed.items():
                for column, value in values.items():
                    after.at[row_id, column] = "" if value is None else str(value)
            after = after.drop(index=[r for r, _ in edits.deleted])
            next_pos = free_pos(sys_rows)
            new_rows = pd.DataFrame(
                [{c: ("" if v is None else str(v)) for c, v in row.items()} for row in edits.added],
                columns=current.columns.drop("_line"),
                dtype=object,
            ).fillna("")
            new_rows["_line"] = range(next_pos + 2, next_pos + 2 + len(new_rows))
            new_rows.index = [-(i + 1) for i in range(len(new_rows))]
            after = pd.concat([after, new_rows])
            after = normalise_table(schema, after)
            self._validate(raw, dict(raw) | {name: after}, "edit")
            writes = edit_writes(name, edits, current, after, new_rows.index)
            write_rows(conn, name, writes, actor, stamp)
        return {
            "changed": len(writes.updates),
            "added": len(writes.inserts),
            "removed": len(writes.deletes),
        }

    def restore_preview(self, change_id: int) -> RestorePreview:
        """What undoing a change would do, before it is done: the row's version now (the
        restore names it, like an edit) and the later changes to the row it undoes too."""
        with self.engine.connect() as conn:
            change = self._restorable(conn, change_id)
            table = METADATA.tables[data_table(change.table_name)]
            version = conn.execute(
                select(table.c._ver).where(table.c._row == int(change.row_id))
            ).scalar()
            later = result_frame(
                conn.execute(
                    select(CHANGES.c.id, CHANGES.c.at, CHANGES.c.actor, CHANGES.c.action)
                    .where(
                        CHANGES.c.table_name == change.table_name,
                        CHANGES.c.row_id == change.row_id,
                        CHANGES.c.id > change_id,
                    )
                    .order_by(CHANGES.c.id)
                )
            )
        return RestorePreview(
            change_id,
            change.table_name,
            change.row_key or "",
            int(version or 0),
            later,
            change.action,
        )

    def _restorable(self, conn: Connection, change_id: int):
        change = conn.execute(select(CHANGES).where(CHANGES.c.id == change_id)).first()
        if change is None or change.table_name is None or change.row_id is None:
            raise StoreError("store.not_restorable")
        return change

    def restore(self, change_id: int, actor: Actor, version: int) -> str:
        """Undo one recorded change: the row gets the content it had before it (a deleted
        row comes back, an inserted one goes). `version` is the row's version as previewed
        (0: the row did not exist): like an edit, a restore is refused when someone saved
        the row in between, so a later edit is never undone unseen. Validated and recorded
        like an edit."""
        require_editor(actor)
        with self.writer.begin() as conn:
            self._lock(conn)
            change = self._restorable(conn, change_id)
            name, row_id = change.table_name, int(change.row_id)
            raw, system = self._raw(conn)
            current = raw.get(name, pd.DataFrame(columns=[*TABLES[name].column_names, "_line"]))
            exists = row_id in current.index
            now = int(system[name].at[row_id, "_ver"]) if exists else 0
            if now != int(version):
                last = conn.execute(
                    select(CHANGES.c.actor, CHANGES.c.at)
                    .where(CHANGES.c.table_name == name, CHANGES.c.row_id == row_id)
                    .order_by(CHANGES.c.id.desc())
                    .limit(1)
                ).first()
                if last:
                    raise StaleError(
                        "store.stale_restore_by",
                        row=change.row_key,
                        table=name,
                        who=last.actor,
                        when=last.at,
                    )
                raise StaleError("store.stale_restore", row=change.row_key, table=name)
            before = json.loads(change.before) if change.before else None
            candidate_table = current.drop(index=[row_id]) if exists else current
            pos = int(system[name].at[row_id, "_pos"]) if exists else free_pos(system.get(name))
            if before is not None:
                restored = pd.DataFrame([before], index=[row_id]).fillna("")
                restored["_line"] = pos + 2
                candidate_table = pd.concat([candidate_table, restored]).fillna("")
            self._validate(raw, dict(raw) | {name: candidate_table}, "restore")
            old = row_dict(current.loc[row_id]) if exists else None
            key = change.row_key
            if before is None:  # the change inserted the row: restoring removes it
                undo = RowChange("delete", key, row_id, now, old, None)
            elif exists:
                undo = RowChange("update", key, row_id, now, old, before)
            else:  # a deleted row comes back under its old id
                undo = RowChange("insert", key, row_id, 0, None, before, pos)
            writes = RowWrites()
            writes.add(undo)
            write_rows(conn, name, writes, actor, now_text(), "restore", f"#{change_id}")
        return change.row_key or ""


def _columns(frame: pd.DataFrame) -> list[str]:
    return [str(c) for c in frame.columns if c != "_line"]


def files_for(raw: dict) -> dict[str, str]:
    return {name: f"{name}.csv" for name in raw}


_STORES: dict[str, Store] = {}
_STORES_LOCK = threading.Lock()
_MAX_STORES = 4


def open_store(url: str) -> Store:
    """One Store (engine and connection pool) per database URL and process."""
    with _STORES_LOCK:
        store = _STORES.pop(url, None) or Store(url)
        _STORES[url] = store  # most recently used last
        while len(_STORES) > _MAX_STORES:  # tests open many; a server one or two
            _STORES.pop(next(iter(_STORES))).close()
        return store
