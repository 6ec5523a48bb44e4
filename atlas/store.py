"""The network's own tables in a database: embedded SQLite by default, PostgreSQL when shared.

Schema as data: one database table per atlas.schema table, one text column per schema
column (lists as ";"-joined text, extra columns as JSON in `_extra`). Cells are stored as
normalised text and typed on load through atlas.network.load_frames, the path a folder
takes, so the database network equals the folder network it was seeded from.

Every row carries a version (`_ver`): a save names the version it was based on and is
refused when someone else saved in between (never silently overwritten). Every change
is recorded in `atlas_changes` (who, when, before, after), which also gives restore and
a cheap data version (the highest change id) for cache keys.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pandas as pd
from sqlalchemy import (
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy import Table as SqlTable
from sqlalchemy.engine import Connection, Engine, make_url

from atlas.importer import ImportPlan, diff_table, new_blocking, normalise_table, row_keys
from atlas.network import Network, load_frames
from atlas.problems import Problem
from atlas.readers import read_folder
from atlas.schema import TABLES
from atlas.status import with_current_phase
from atlas.text import DEFAULT_LANGUAGE, t

SCHEMA_VERSION = 2
SYSTEM_COLUMNS = ("_row", "_pos", "_ver", "_at", "_by", "_extra")
SEED_ACTOR = "Erstbefüllung"
DATABASE_LABEL = "Datenbank"
READ_PROBLEMS = "read_problems"  # atlas_meta: the readers' report on the seeded files
_LOCK_ID = 7_100_742  # PostgreSQL advisory lock: one writer (or schema upgrade) at a time


class StoreError(Exception):
    """A refused write, with a message meant for the user: a text key (atlas/text_store.py)
    and its values; str() is the German text, text(lang) the one for the interface."""

    def __init__(self, key: str, **values):
        super().__init__(t(key, DEFAULT_LANGUAGE, **values))
        self.key, self.values = key, values

    def text(self, lang: str) -> str:
        return t(self.key, lang, **self.values)


class StaleError(StoreError):
    """Someone else saved the same row (or data) after it was read."""


class ValidationError(StoreError):
    def __init__(self, key: str, problems: list[Problem], **values):
        super().__init__(key, **values)
        self.problems = problems


class NotAllowed(StoreError, PermissionError):
    pass


@dataclass(frozen=True)
class Actor:
    """Who writes: a display name and a role ("editor" may write, "viewer" may not)."""

    name: str
    role: str = "viewer"


def require_editor(actor: Actor | None) -> Actor:
    if actor is None or actor.role != "editor" or not actor.name.strip():
        raise NotAllowed("store.not_allowed")
    return actor


def now_text() -> str:
    """UTC, to the millisecond, fixed width: the text sorts like the time."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def data_table(name: str) -> str:
    return f"data_{name}"


def build_metadata() -> MetaData:
    """The current database schema, derived from atlas.schema."""
    md = MetaData()
    SqlTable("atlas_meta", md, Column("key", String(100), primary_key=True), Column("value", Text))
    SqlTable(
        "atlas_changes",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("at", String(32), nullable=False),
        Column("actor", String(200), nullable=False),
        Column("action", String(20), nullable=False),
        Column("table_name", String(40)),
        Column("row_id", Integer),
        Column("row_key", Text),
        Column("version", Integer),
        Column("before", Text),
        Column("after", Text),
        Column("note", Text),
        Index("ix_atlas_changes_row", "table_name", "row_id"),
    )
    for name, schema in TABLES.items():
        SqlTable(
            data_table(name),
            md,
            Column("_row", Integer, primary_key=True, autoincrement=True),
            Column("_pos", Integer, nullable=False),
            Column("_ver", Integer, nullable=False),
            Column("_at", String(32)),
            Column("_by", String(200)),
            *[Column(c.name, Text) for c in schema.columns],
            Column("_extra", Text),
            Index(f"ix_{data_table(name)}_pos", "_pos"),
        )
    return md


METADATA = build_metadata()
CHANGES = METADATA.tables["atlas_changes"]
META = METADATA.tables["atlas_meta"]


def engine_url(url: str) -> str:
    """postgres:// and postgresql:// mean psycopg 3 (the driver installed)."""
    return re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url.strip())


# query parameters shown as they are to editors; every other value (password=, sslkey=,
# tokens, anything unknown) is masked
_HARMLESS_QUERY = frozenset(
    {"sslmode", "connect_timeout", "application_name", "target_session_attrs"}
)


def describe_url(url: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The database for editors: driver, user, host, port, database, without the password.
    Parsed by SQLAlchemy, never by pattern: passwords hold "/", ":" and "@", and libpq
    also takes one as `?password=`. Anonymous visitors see none of it (DATABASE_LABEL)."""
    try:
        parsed = make_url(url.strip())
    except Exception:  # not a URL at all: say nothing of what it holds
        return t("store.url_unreadable", lang)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite {parsed.database or ':memory:'}"
    host = parsed.host or ""
    # an unescaped "@" in the password ends the user part early: the rest is no host
    secret = parsed.password is not None or "@" in host
    query = "&".join(
        f"{key}={value if key.lower() in _HARMLESS_QUERY else '***'}"
        for key, value in sorted(parsed.query.items())
    )
    safe = parsed.set(password="***" if secret else None, host=host.rpartition("@")[2], query={})
    return safe.render_as_string(hide_password=True) + (f"?{query}" if query else "")


def default_db_path(folder: Path, bundled: bool) -> Path:
    """Outside the repository, per user: ~/.local/share/netzwerkatlas/atlas.db for the
    bundled data; a folder given by ATLAS_DATA_DIR gets its own file, so switching folders
    never shows one folder's data under another's name."""
    base = Path(os.environ.get("XDG_DATA_HOME") or "~/.local/share").expanduser()
    if bundled:
        return base / "netzwerkatlas" / "atlas.db"
    digest = hashlib.sha1(str(folder).encode()).hexdigest()[:10]
    return base / "netzwerkatlas" / f"atlas-{digest}.db"


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).expanduser()}"


def _sqlite_engine(url: str) -> tuple[Engine, Engine]:
    """Readers and writers: writers start with BEGIN IMMEDIATE, so two processes writing at
    once queue up instead of failing half way; WAL lets readers read meanwhile."""
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)

    def make(immediate: bool) -> Engine:
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _connect(dbapi, _record):
            dbapi.isolation_level = None  # we issue BEGIN ourselves
            dbapi.execute("PRAGMA journal_mode=WAL")
            dbapi.execute("PRAGMA busy_timeout=30000")

        @event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine

    return make(False), make(True)


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


class Store:
    def __init__(self, url: str):
        self.url = url
        self.label = describe_url(url)
        if url.startswith("sqlite"):
            self.engine, self.writer = _sqlite_engine(url)
        else:
            self.engine = create_engine(engine_url(url), pool_pre_ping=True)
            self.writer = self.engine
        self.postgres = self.engine.dialect.name == "postgresql"
        self.ensure_schema()

    def close(self) -> None:
        """Close the pooled connections (tests; a server keeps its store open)."""
        self.engine.dispose()
        self.writer.dispose()

    # --- schema ----------------------------------------------------------------------

    def _lock(self, conn: Connection) -> None:
        if self.postgres:  # released at commit or rollback
            conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})

    def ensure_schema(self) -> None:
        """Create the tables, or upgrade an older database: missing tables and columns are
        added (schema as data), then version-specific steps run."""
        with self.writer.begin() as conn:
            self._lock(conn)
            existing = set(inspect(conn).get_table_names())
            version = None
            if "atlas_meta" in existing:
                row = conn.execute(
                    select(META.c.value).where(META.c.key == "schema_version")
                ).scalar()
                version = int(row) if row else 1
            METADATA.create_all(conn, checkfirst=True)
            for table in METADATA.sorted_tables:
                have = {c["name"] for c in inspect(conn).get_columns(table.name)}
                for column in table.columns:
                    if column.name not in have:
                        name = conn.dialect.identifier_preparer.quote(column.name)
                        conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {name} TEXT")
            for step in range((version or SCHEMA_VERSION) + 1, SCHEMA_VERSION + 1):
                UPGRADES[step](conn)
            self._set_meta(conn, "schema_version", str(SCHEMA_VERSION))

    def _set_meta(self, conn: Connection, key: str, value: str) -> None:
        done = conn.execute(update(META).where(META.c.key == key).values(value=value))
        if done.rowcount == 0:
            conn.execute(insert(META).values(key=key, value=value))

    def meta(self, key: str, default: str = "") -> str:
        with self.engine.connect() as conn:
            value = conn.execute(select(META.c.value).where(META.c.key == key)).scalar()
        return default if value is None else value

    def schema_version(self) -> int:
        return int(self.meta("schema_version", "0"))

    # --- state -----------------------------------------------------------------------

    def state(self) -> tuple[bool, int]:
        """(seeded, data version) in one statement: called on every page run."""
        seeded = select(META.c.value).where(META.c.key == "seeded").scalar_subquery()
        version = select(func.max(CHANGES.c.id)).scalar_subquery()
        with self.engine.connect() as conn:
            row = conn.execute(select(seeded, version)).one()
        return row[0] is not None, int(row[1] or 0)

    def data_version(self) -> int:
        return self.state()[1]

    def is_seeded(self) -> bool:
        return self.state()[0]

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
            counts = {}
            for name, frame in raw.items():
                frame = normalise_table(TABLES[name], frame)
                rows = self._rows_for_insert(name, frame, stamp, actor, positions=None)
                if rows:
                    bulk_insert(conn, METADATA.tables[data_table(name)], rows)
                self._set_meta(conn, f"columns.{name}", json.dumps(_columns(frame)))
                counts[name] = len(rows)
            conn.execute(
                insert(CHANGES).values(
                    at=stamp, actor=actor, action="seed", note=json.dumps(counts)
                )
            )
        return True

    def _rows_for_insert(self, name, frame, stamp, actor, positions) -> list[dict]:
        schema_cols = TABLES[name].column_names
        extras = [c for c in frame.columns if c not in schema_cols and c != "_line"]
        if positions is None:
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
        frame = _frame(result)
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
            frame = _frame(conn.execute(select(table)))
        frame = frame.fillna("")
        return pd.DataFrame({"key": row_keys(name, frame), "at": frame["_at"], "by": frame["_by"]})

    def history(self, limit: int = 50, name: str | None = None) -> pd.DataFrame:
        query = select(CHANGES).order_by(CHANGES.c.id.desc()).limit(limit)
        if name:
            query = query.where(CHANGES.c.table_name == name)
        with self.engine.connect() as conn:
            return _frame(conn.execute(query))

    # --- writing ---------------------------------------------------------------------

    def _record(self, conn, actor, action, name, row_id, key, version, before, after, note=""):
        row = _change_row(now_text(), actor.name, action, name, row_id, key, version, before, after)
        conn.execute(insert(CHANGES).values(**(row | {"note": note or None})))

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
                self._write_table(
                    conn, name, current, system.get(name), new, diff, actor, stamp, plan.merge
                )
                counts["added"] += len(diff.added)
                counts["changed"] += len(diff.changed)
                counts["removed"] += len(diff.removed)
                if not plan.merge:
                    self._set_meta(conn, f"columns.{name}", json.dumps(_columns(new)))
            if not plan.merge:  # the replaced tables' files and their skipped rows are gone
                self._forget_read_problems(conn, set(plan.tables))
            if not any(counts.values()):
                self._record(
                    conn, actor, "import", None, None, None, None, None, None, "keine Änderung"
                )
        return counts

    def _forget_read_problems(self, conn: Connection, tables: set[str]) -> None:
        stored = conn.execute(select(META.c.value).where(META.c.key == READ_PROBLEMS)).scalar()
        kept = [p for p in problems_from_json(stored) if p.table not in tables]
        self._set_meta(conn, READ_PROBLEMS, problems_json(kept))

    def _write_table(self, conn, name, current, system, new, diff, actor, stamp, merge) -> None:
        """Batched writes of one imported table (20,000 rows must not mean 40,000 round
        trips): deletes, updates, inserts, each with its history record."""
        table = METADATA.tables[data_table(name)]
        columns = [c for c in new.columns if c != "_line"]
        key_to_row: dict[str, int] = {}
        if len(current):
            for row_id, key in zip(current.index, row_keys(name, current), strict=True):
                key_to_row.setdefault(key, int(row_id))
        new = new.reset_index(drop=True)
        new_keys = row_keys(name, new).tolist()
        data = {c: new[c].fillna("").astype(str).tolist() for c in columns}
        history: list[dict] = []

        def change(action, row_id, key, version, before, after):
            history.append(
                _change_row(stamp, actor.name, action, name, row_id, key, version, before, after)
            )

        removed = [key_to_row[k] for k in diff.removed]
        for key, row_id in zip(diff.removed, removed, strict=True):
            version = int(system.at[row_id, "_ver"])
            change("delete", row_id, key, version, _row_dict(current.loc[row_id]), None)
        if removed:
            conn.execute(delete(table).where(table.c._row.in_(removed)))
        next_pos = _free_pos(system) if merge else 0
        inserts, insert_keys, updates, moves = [], [], [], []
        changed, added = set(diff.changed), set(diff.added)
        for i, key in enumerate(new_keys):
            values = {c: data[c][i] for c in columns}
            if key in added:
                pos = next_pos if merge else i
                next_pos += 1
                row = {"_pos": pos, "_ver": 1, "_at": stamp, "_by": actor.name}
                inserts.append(row | self._fields(name, values))
                insert_keys.append((key, values))
                continue
            row_id = key_to_row[key]
            old = _row_dict(current.loc[row_id])
            if key in changed:
                if merge:  # keep the columns the upload does not have
                    values = {**old, **values}
                version = int(system.at[row_id, "_ver"]) + 1
                fields = self._fields(name, values) | {"_ver": version, "_at": stamp}
                fields |= {
                    "_by": actor.name,
                    "_pos": int(system.at[row_id, "_pos"]) if merge else i,
                }
                updates.append({"b_row": row_id, **fields})
                change("update", row_id, key, version, old, values)
            elif not merge and int(system.at[row_id, "_pos"]) != i:
                moves.append({"b_row": row_id, "_pos": i})
        if updates:
            columns_set = {k: bindparam(k) for k in updates[0] if k != "b_row"}
            statement = update(table).where(table.c._row == bindparam("b_row")).values(columns_set)
            conn.execute(statement, updates)
        if moves:
            statement = update(table).where(table.c._row == bindparam("b_row"))
            conn.execute(statement.values(_pos=bindparam("_pos")), moves)
        if inserts:
            bulk_insert(conn, table, inserts)
            # positions are unique within the table (we hold the write lock): they give the
            # new rows' ids without a round trip per row
            wanted = {row["_pos"] for row in inserts}
            ids = {
                int(pos): int(row_id)
                for row_id, pos in conn.execute(select(table.c._row, table.c._pos))
                if int(pos) in wanted
            }
            for row, (key, values) in zip(inserts, insert_keys, strict=True):
                change("insert", ids[row["_pos"]], key, 1, None, values)
        if history:
            bulk_insert(conn, CHANGES, history)

    def _fields(self, name: str, values: dict[str, str]) -> dict:
        schema_cols = TABLES[name].column_names
        fields = {c: (values.get(c) or None) for c in schema_cols}
        extra = {c: v for c, v in values.items() if c not in schema_cols and v not in ("", None)}
        fields["_extra"] = json.dumps(extra, ensure_ascii=False) if extra else None
        return fields

    def save_edits(self, edits: EditSet, actor: Actor) -> dict[str, int]:
        """Save the editor's changes to one table, all or nothing: refused for viewers, for
        rows someone else saved since they were read, and for values that fail validation."""
        require_editor(actor)
        name = edits.table
        table = METADATA.tables[data_table(name)]
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
            next_pos = (
                int(sys_rows["_pos"].max()) + 1 if sys_rows is not None and len(sys_rows) else 0
            )
            new_rows = pd.DataFrame(
                [{c: ("" if v is None else str(v)) for c, v in row.items()} for row in edits.added],
                columns=current.columns.drop("_line"),
                dtype=object,
            ).fillna("")
            new_rows["_line"] = range(next_pos + 2, next_pos + 2 + len(new_rows))
            new_rows.index = [-(i + 1) for i in range(len(new_rows))]
            after = pd.concat([after, new_rows])
            after = normalise_table(schema, after)
            candidate = dict(raw) | {name: after}
            self._validate(raw, candidate, "edit")
            counts = {"changed": 0, "added": 0, "removed": 0}
            for row_id, version in edits.deleted:
                before = _row_dict(current.loc[row_id])
                conn.execute(delete(table).where(table.c._row == int(row_id)))
                key = row_keys(name, current.loc[[row_id]]).iloc[0]
                self._record(
                    conn, actor, "delete", name, int(row_id), key, int(version), before, None
                )
                counts["removed"] += 1
            for row_id, (version, _) in edits.changed.items():
                values = _row_dict(after.loc[row_id])
                before = _row_dict(current.loc[row_id])
                if values == before:
                    continue
                fields = self._fields(name, values)
                fields.update(_ver=int(version) + 1, _at=stamp, _by=actor.name)
                done = conn.execute(
                    update(table)
                    .where(table.c._row == int(row_id), table.c._ver == int(version))
                    .values(**fields)
                )
                if done.rowcount != 1:  # a writer that ignored the lock; still never overwrite
                    raise StaleError("store.stale_concurrent")
                key = row_keys(name, after.loc[[row_id]]).iloc[0]
                self._record(
                    conn, actor, "update", name, int(row_id), key, int(version) + 1, before, values
                )
                counts["changed"] += 1
            for row_id in new_rows.index:
                row_frame = after.loc[[row_id]]
                pos = int(row_frame["_line"].iloc[0]) - 2
                row = self._rows_for_insert(name, row_frame, stamp, actor.name, [pos])[0]
                result = conn.execute(insert(table).values(**row))
                new_id = int(result.inserted_primary_key[0])
                key = row_keys(name, row_frame).iloc[0]
                self._record(
                    conn, actor, "insert", name, new_id, key, 1, None, _row_dict(row_frame.iloc[0])
                )
                counts["added"] += 1
        return counts

    def restore_preview(self, change_id: int) -> RestorePreview:
        """What undoing a change would do, before it is done: the row's version now (the
        restore names it, like an edit) and the later changes to the row it undoes too."""
        with self.engine.connect() as conn:
            change = self._restorable(conn, change_id)
            table = METADATA.tables[data_table(change.table_name)]
            version = conn.execute(
                select(table.c._ver).where(table.c._row == int(change.row_id))
            ).scalar()
            later = _frame(
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
            table = METADATA.tables[data_table(name)]
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
            if before is not None:
                pos = (
                    int(system[name].at[row_id, "_pos"]) if exists else _free_pos(system.get(name))
                )
                restored = pd.DataFrame([before], index=[row_id]).fillna("")
                restored["_line"] = pos + 2
                candidate_table = pd.concat([candidate_table, restored]).fillna("")
            self._validate(raw, dict(raw) | {name: candidate_table}, "restore")
            stamp = now_text()
            old = _row_dict(current.loc[row_id]) if exists else None
            version = int(system[name].at[row_id, "_ver"]) + 1 if exists else 1
            if before is None:  # the change inserted the row: restoring removes it
                conn.execute(delete(table).where(table.c._row == row_id))
            else:
                stamp_fields = {"_ver": version, "_at": stamp, "_by": actor.name}
                fields = self._fields(name, before) | stamp_fields
                if exists:
                    conn.execute(update(table).where(table.c._row == row_id).values(**fields))
                else:
                    pos = _free_pos(system.get(name))
                    conn.execute(insert(table).values(_row=row_id, _pos=pos, **fields))
            self._record(
                conn,
                actor,
                "restore",
                name,
                row_id,
                change.row_key,
                version,
                old,
                before,
                f"#{change_id}",
            )
        return change.row_key or ""


def _frame(result) -> pd.DataFrame:
    """A query result as a text DataFrame, built column by column (fast for 20,000 rows)."""
    columns = list(result.keys())
    rows = result.fetchall()
    data = {c: list(v) for c, v in zip(columns, zip(*rows, strict=False), strict=False)}
    if not rows:
        data = {c: [] for c in columns}
    return pd.DataFrame(data, columns=columns, dtype=object)


def bulk_insert(conn: Connection, table: SqlTable, rows: list[dict]) -> None:
    """Many rows in one driver-level executemany: SQLAlchemy's per-row parameter handling
    costs more than the database itself at 30,000 rows."""
    if not rows:
        return
    columns = list(rows[0])
    quote = conn.dialect.identifier_preparer.quote
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {table.name} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    conn.exec_driver_sql(sql, [tuple(row.get(c) for c in columns) for row in rows])


def _change_row(stamp, actor, action, name, row_id, key, version, before, after) -> dict:
    return {
        "at": stamp,
        "actor": actor,
        "action": action,
        "table_name": name,
        "row_id": row_id,
        "row_key": key,
        "version": version,
        "before": None if before is None else json.dumps(before, ensure_ascii=False),
        "after": None if after is None else json.dumps(after, ensure_ascii=False),
        "note": None,
    }


def _free_pos(system: pd.DataFrame | None) -> int:
    return int(system["_pos"].max()) + 1 if system is not None and len(system) else 0


def _columns(frame: pd.DataFrame) -> list[str]:
    return [str(c) for c in frame.columns if c != "_line"]


def _row_dict(row: pd.Series) -> dict[str, str]:
    return {
        str(k): ("" if v is None or (isinstance(v, float) and v != v) else str(v))
        for k, v in row.items()
        if k != "_line" and k not in SYSTEM_COLUMNS
    }


def problems_json(problems: Sequence[Problem]) -> str:
    return json.dumps([asdict(p) for p in problems], ensure_ascii=False)


def problems_from_json(text: str | None) -> tuple[Problem, ...]:
    """Problems as problems_json stored them; nothing stored (a database seeded before
    the report was kept) is no problem."""
    found = []
    for item in json.loads(text) if text else []:
        item["params"] = tuple(tuple(pair) for pair in item.get("params", ()))
        found.append(Problem(**item))
    return tuple(found)


def files_for(raw: dict) -> dict[str, str]:
    return {name: f"{name}.csv" for name in raw}


# --- upgrades: one function per schema version, run in order on older databases -------


def _upgrade_to_2(conn: Connection) -> None:
    """Version 2 keeps extra columns (`_extra`, added above) and the views table (created
    above). Rows of version 1 had no author: name the upgrade instead."""
    for name in TABLES:
        table = METADATA.tables[data_table(name)]
        conn.execute(update(table).where(table.c._by.is_(None)).values(_by="Version 1"))


UPGRADES = {2: _upgrade_to_2}


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
