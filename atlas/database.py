"""The database itself: where it is (URLs, engines), the tables it holds (derived from
atlas.schema) and how an older one is upgraded. Embedded SQLite by default, PostgreSQL
when shared. What the tables mean (versions, history, restore) is atlas.store.

Schema as data: one database table per atlas.schema table, one text column per schema
column (lists as ";"-joined text, extra columns as JSON in `_extra`), plus `atlas_meta`
(key/value) and `atlas_changes` (the history). A column added to atlas.schema is added to
an older database on the next start; version-specific steps are in UPGRADES.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import pandas as pd
from sqlalchemy import (
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    create_engine,
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

from atlas.schema import TABLES
from atlas.text import DEFAULT_LANGUAGE, t

SCHEMA_VERSION = 2
SYSTEM_COLUMNS = ("_row", "_pos", "_ver", "_at", "_by", "_extra")
DATABASE_LABEL = "Datenbank"
_LOCK_ID = 7_100_742  # PostgreSQL advisory lock: one writer (or schema upgrade) at a time


class StoreError(Exception):
    """A refused write, with a message meant for the user: a text key (atlas/text_store.py)
    and its values; str() is the German text, text(lang) the one for the interface."""

    def __init__(self, key: str, **values):
        super().__init__(t(key, DEFAULT_LANGUAGE, **values))
        self.key, self.values = key, values

    def text(self, lang: str) -> str:
        return t(self.key, lang, **self.values)


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


# --- where the database is ------------------------------------------------------------


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


# --- the database opened ----------------------------------------------------------------


class Database:
    """An opened database: engines (readers; `writer` takes the write lock), its schema
    created or upgraded on opening, the meta table and the data version."""

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


def result_frame(result) -> pd.DataFrame:
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


# --- upgrades: one function per schema version, run in order on older databases -------


def _upgrade_to_2(conn: Connection) -> None:
    """Version 2 keeps extra columns (`_extra`, added above) and the views table (created
    above). Rows of version 1 had no author: name the upgrade instead."""
    for name in TABLES:
        table = METADATA.tables[data_table(name)]
        conn.execute(update(table).where(table.c._by.is_(None)).values(_by="Version 1"))


UPGRADES = {2: _upgrade_to_2}
