"""The store on SQLite (always) and PostgreSQL (when ATLAS_TEST_POSTGRES_URL is set): a
database network equals the folder network; schemas are created and upgraded; a stale save
is refused, never silently overwritten; every change is recorded and can be undone."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from atlas.auth import Actor, NotAllowed
from atlas.changes import EditSet, StaleError, ValidationError
from atlas.database import METADATA, SCHEMA_VERSION, engine_url
from atlas.importer import Upload, plan_import
from atlas.network import BUNDLED_DATA_DIR
from atlas.schema import TABLES
from atlas.source import open_network
from atlas.store import Store
from atlas.text import t

DAY = dt.date(2026, 1, 1)
ANNA, BEN = Actor("Anna", "editor"), Actor("Ben", "editor")
VIEWER = Actor("Gast", "viewer")


def postgres_url() -> str:
    url = os.environ.get("ATLAS_TEST_POSTGRES_URL", "").strip()
    if not url:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("ATLAS_TEST_POSTGRES_URL is not set in CI: .ci/run must start PostgreSQL")
        pytest.skip("ATLAS_TEST_POSTGRES_URL not set (PostgreSQL tests run in .ci/run)")
    return url


def empty_postgres(url: str) -> str:
    """The test database with no atlas tables left from an earlier test."""
    engine = create_engine(engine_url(url))
    with engine.begin() as conn:
        METADATA.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS data_legacy"))
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'atlas.db'}"
    return empty_postgres(postgres_url())


@pytest.fixture()
def make_store():
    """Store(url), closed after the test (PostgreSQL connections do not linger)."""
    opened: list[Store] = []

    def make(url: str) -> Store:
        opened.append(Store(url))
        return opened[-1]

    yield make
    for store in opened:
        store.close()


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory) -> Path:
    """A SQLite database seeded from the bundled data, made once: each test that needs a
    seeded store gets a copy of its file (seeding reads and checks the whole folder)."""
    path = tmp_path_factory.mktemp("seeded") / "atlas.db"
    store = Store(f"sqlite:///{path}")
    try:
        assert store.seed_from_folder(BUNDLED_DATA_DIR, "data/") is None
    finally:
        store.close()
    return path


@pytest.fixture()
def store(url, make_store, request) -> Store:
    """A store seeded from the bundled data, of the test's own (on SQLite a copy of the
    database seeded once; the seeding itself: test_seeding_happens_once and others)."""
    if url.startswith("sqlite:///"):
        shutil.copyfile(request.getfixturevalue("seeded_sqlite"), url.removeprefix("sqlite:///"))
        return make_store(url)
    store = make_store(url)
    assert store.seed_from_folder(BUNDLED_DATA_DIR, "data/") is None
    return store


def row_of(store: Store, table: str, key: str) -> pd.Series:
    rows = store.rows(table)
    return rows[rows["id"] == key].iloc[0]


def test_database_network_equals_folder_network(store):
    from_db = store.load_network(DAY)
    from_folder = open_network(BUNDLED_DATA_DIR, DAY)
    for name in TABLES:
        pd.testing.assert_frame_equal(from_db.table(name), from_folder.table(name))
    assert from_db.problems == from_folder.problems
    assert store.data_version() == 1 and store.is_seeded()


def test_a_folder_with_bad_rows_is_stored_as_it_is(url, copy_of_bundled, make_store):
    bad = "x1,Doppelt,Stadt,Bayern,,abc,48.1,11.5,,t\nx1,Doppelt,Stadt,Bayern,,1,99,11.5,,t\n"
    with open(copy_of_bundled / "municipalities.csv", "a", encoding="utf-8") as f:
        f.write(bad)
    store = make_store(url)
    store.seed_from_folder(copy_of_bundled)
    from_folder = open_network(copy_of_bundled, DAY)
    assert len(from_folder.problems) >= 2
    assert store.load_network(DAY).problems == from_folder.problems
    assert "abc" in set(store.rows("municipalities")["population"])  # nothing lost


def test_seeding_happens_once(store):
    assert store.seed({}, "noch einmal") is False
    assert store.data_version() == 1


def test_unusable_folder_seeds_nothing(url, tmp_path, make_store):
    store = make_store(url)
    network = store.seed_from_folder(tmp_path / "nowhere")
    assert network is not None and not network.usable
    assert not store.is_seeded()


def test_older_schema_is_upgraded(url, make_store):
    """A version-1 database: no views table, no extra-columns column, rows without author."""
    engine = create_engine(engine_url(url))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE atlas_meta (key VARCHAR(100) PRIMARY KEY, value TEXT)"))
        conn.execute(text("INSERT INTO atlas_meta VALUES ('schema_version', '1')"))
        conn.execute(text("INSERT INTO atlas_meta VALUES ('seeded', '2024-01-01T00:00:00Z')"))
        columns = ", ".join(
            f'"{c}" TEXT' for c in TABLES["municipalities"].column_names if c != "ags"
        )
        key = "INTEGER PRIMARY KEY" if url.startswith("sqlite") else "SERIAL PRIMARY KEY"
        conn.execute(
            text(
                f"CREATE TABLE data_municipalities (_row {key}, _pos INTEGER NOT NULL, "
                f"_ver INTEGER NOT NULL, _at VARCHAR(32), _by VARCHAR(200), {columns})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO data_municipalities (_pos, _ver, id, name, kind, state, lat, lon) "
                "VALUES (0, 1, 'alt', 'Altstadt', 'Stadt', 'Bayern', '48.1', '11.5')"
            )
        )
    engine.dispose()
    store = make_store(url)
    assert store.schema_version() == SCHEMA_VERSION
    row = row_of(store, "municipalities", "alt")
    assert row["name"] == "Altstadt" and row["_by"] == "Version 1" and row["ags"] == ""
    assert store.rows("views").empty  # the table version 1 did not have
    edits = EditSet("municipalities", changed={int(row["_row"]): (1, {"ags": "09162000"})})
    store.save_edits(edits, ANNA)
    assert row_of(store, "municipalities", "alt")["ags"] == "09162000"
    make_store(url)  # opening again changes nothing
    assert store.schema_version() == SCHEMA_VERSION


def test_stale_save_is_refused_not_overwritten(store):
    row = row_of(store, "municipalities", "lemgo")  # both sessions read version 1
    first = EditSet("municipalities", changed={int(row["_row"]): (1, {"population": "41000"})})
    second = EditSet("municipalities", changed={int(row["_row"]): (1, {"population": "1"})})
    store.save_edits(first, ANNA)
    with pytest.raises(StaleError, match="inzwischen von Anna"):
        store.save_edits(second, BEN)
    assert row_of(store, "municipalities", "lemgo")["population"] == "41000"
    assert row_of(store, "municipalities", "lemgo")["_ver"] == 2


def test_two_sessions_editing_different_rows_lose_nothing(store):
    rows = store.rows("municipalities").set_index("id")
    edits = {
        "lemgo": EditSet(
            "municipalities", changed={int(rows.at["lemgo", "_row"]): (1, {"population": "1"})}
        ),
        "kalletal": EditSet(
            "municipalities", changed={int(rows.at["kalletal", "_row"]): (1, {"population": "2"})}
        ),
    }
    errors = []

    def save(key, actor):
        try:
            store.save_edits(edits[key], actor)
        except Exception as exc:  # collected: the assertion below names it
            errors.append(exc)

    threads = [threading.Thread(target=save, args=a) for a in (("lemgo", ANNA), ("kalletal", BEN))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    after = store.rows("municipalities").set_index("id")
    assert (after.at["lemgo", "population"], after.at["kalletal", "population"]) == ("1", "2")
    assert store.data_version() == 3


@pytest.mark.parametrize("actor", [VIEWER, None, Actor("", "editor")])
def test_viewers_cannot_write(store, actor):
    row = row_of(store, "municipalities", "lemgo")
    with pytest.raises(NotAllowed):
        store.save_edits(
            EditSet("municipalities", changed={int(row["_row"]): (1, {"name": "X"})}), actor
        )
    plan = plan_import(
        [Upload("projects.csv", b"id,name,programme,municipality_ids\n")], store.raw_tables(), 1
    )
    with pytest.raises(NotAllowed):
        store.apply_import(plan, actor)
    with pytest.raises(NotAllowed):
        store.restore(1, actor, 0)
    assert store.data_version() == 1


@pytest.mark.parametrize(
    ("table", "key", "values", "words"),
    [
        ("municipalities", "lemgo", {"lat": ""}, "Pflichtwert fehlt"),
        ("municipalities", "lemgo", {"state": "Atlantis"}, "unbekannter Wert"),
        ("projects", None, {"municipality_ids": "atlantis"}, "unbekannte Kennung"),
    ],
)
def test_invalid_edits_are_refused(store, table, key, values, words):
    rows = store.rows(table)
    row = rows.iloc[0] if key is None else rows[rows["id"] == key].iloc[0]
    edits = EditSet(table, changed={int(row["_row"]): (int(row["_ver"]), values)})
    with pytest.raises(ValidationError) as refused:
        store.save_edits(edits, ANNA)
    assert any(words in p.expected for p in refused.value.problems)
    assert "Nichts wurde geändert" in str(refused.value)
    assert store.data_version() == 1


def test_deleting_a_referenced_member_is_refused(store):
    row = row_of(store, "municipalities", "lemgo")
    with pytest.raises(ValidationError):
        store.save_edits(EditSet("municipalities", deleted=[(int(row["_row"]), 1)]), ANNA)
    assert "lemgo" in set(store.rows("municipalities")["id"])


def test_history_records_who_and_restore_brings_back(store):
    row = row_of(store, "views", store.rows("views")["id"].iloc[0])
    row_id, name = int(row["_row"]), row["title"]
    store.save_edits(EditSet("views", changed={row_id: (1, {"title": "Neu"})}), ANNA)
    store.save_edits(EditSet("views", deleted=[(row_id, 2)]), BEN)
    history = store.history(2)
    assert list(history["actor"]) == ["Ben", "Anna"]
    assert list(history["action"]) == ["delete", "update"]
    assert json.loads(history["before"].iloc[0])["title"] == "Neu"
    store.restore(int(history["id"].iloc[0]), ANNA, 0)  # the deleted row comes back
    assert store.rows("views").loc[row_id, "title"] == "Neu"
    version = int(store.rows("views").loc[row_id, "_ver"])
    store.restore(int(history["id"].iloc[1]), ANNA, version)  # and gets its first title back
    assert store.rows("views").loc[row_id, "title"] == name
    assert store.history(1)["action"].iloc[0] == "restore"


def test_restore_says_what_it_undoes_and_never_undoes_an_edit_it_did_not_show(store):
    row = row_of(store, "municipalities", "lemgo")
    row_id = int(row["_row"])
    store.save_edits(EditSet("municipalities", changed={row_id: (1, {"population": "1"})}), ANNA)
    first = int(store.history(1)["id"].iloc[0])
    store.save_edits(EditSet("municipalities", changed={row_id: (2, {"population": "2"})}), BEN)
    preview = store.restore_preview(first)
    assert (preview.table, preview.row_key, preview.version) == ("municipalities", "lemgo", 3)
    assert list(preview.later["actor"]) == ["Ben"]  # undoing Anna's change undoes Ben's too
    # Carla saves after the preview was shown: the restore is refused, her edit stays
    store.save_edits(EditSet("municipalities", changed={row_id: (3, {"population": "3"})}), ANNA)
    before = store.data_version()
    with pytest.raises(StaleError) as refused:
        store.restore(first, BEN, preview.version)
    assert "seit der Vorschau" in str(refused.value) and "Anna" in str(refused.value)
    assert store.data_version() == before
    assert row_of(store, "municipalities", "lemgo")["population"] == "3"
    # with the version it now shows, the restore goes through and is recorded
    fresh = store.restore_preview(first)
    assert len(fresh.later) == 2
    store.restore(first, BEN, fresh.version)
    assert row_of(store, "municipalities", "lemgo")["population"] == row["population"]


def test_restoring_an_insert_checks_the_row_too(store):
    new = {"id": "neu", "name": "Neu", "kind": "Stadt", "state": "Bayern", "lat": "48", "lon": "11"}
    store.save_edits(EditSet("municipalities", added=[new]), ANNA)
    insert_id = int(store.history(1)["id"].iloc[0])
    preview = store.restore_preview(insert_id)
    row_id = int(row_of(store, "municipalities", "neu")["_row"])
    store.save_edits(EditSet("municipalities", changed={row_id: (1, {"name": "Neuer"})}), BEN)
    with pytest.raises(StaleError):
        store.restore(insert_id, ANNA, preview.version)
    assert row_of(store, "municipalities", "neu")["name"] == "Neuer"


def test_added_rows_are_saved_and_seen_in_the_network(store):
    new = {
        "id": "neu",
        "name": "Neuheim",
        "kind": "Gemeinde",
        "state": "Bayern",
        "lat": "48,5",
        "lon": "11,2",
    }
    store.save_edits(EditSet("municipalities", added=[new]), ANNA)
    network = store.load_network(DAY)
    assert network.municipalities.set_index("id").at["neu", "lat"] == pytest.approx(48.5)


def test_import_is_all_or_nothing_and_checks_the_preview_is_current(store):
    raw = store.raw_tables()
    csv = b"id,name,programme,municipality_ids\np1,Eins,MPSC,lemgo\n"
    stale = plan_import([Upload("projects.csv", csv)], raw, store.data_version(), merge=True)
    row = row_of(store, "municipalities", "lemgo")
    store.save_edits(
        EditSet("municipalities", changed={int(row["_row"]): (1, {"population": "5"})}), BEN
    )
    with pytest.raises(StaleError, match="seit der Vorschau"):
        store.apply_import(stale, ANNA)
    fresh = plan_import(
        [Upload("projects.csv", csv)], store.raw_tables(), store.data_version(), merge=True
    )
    assert store.apply_import(fresh, ANNA) == {"added": 1, "changed": 0, "removed": 0}
    assert len(store.load_network(DAY).projects) == 75
    replace = plan_import([Upload("projects.csv", csv)], store.raw_tables(), store.data_version())
    # replacing the table removes 74 projects, which phases still point to: refused
    assert len(replace.diffs["projects"].removed) == 74
    assert not replace.ok
    assert any(p.table == "phases" and "unbekannte Kennung" in p.expected for p in replace.blocking)
    with pytest.raises(ValidationError):
        store.apply_import(replace, ANNA)
    assert len(store.load_network(DAY).projects) == 75


def test_sqlite_file_is_a_plain_sqlite_database(tmp_path, make_store):
    path = tmp_path / "sub" / "atlas.db"
    make_store(f"sqlite:///{path}").seed_from_folder(BUNDLED_DATA_DIR)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM data_projects").fetchone()[0] == 74


def test_coverage_and_freshness_follow_edits(store):
    from atlas.coverage import member_coverage, members_without

    def coverage():
        updates = {n: store.last_updates(n) for n in ("municipalities", "projects")}
        return member_coverage(store.load_network(DAY), updates).set_index("id")

    before = coverage()
    assert before.loc["lemgo", "projects"] >= 1
    row = row_of(store, "municipalities", "lemgo")
    changes = {"district": "", "source": ""}
    store.save_edits(EditSet("municipalities", changed={int(row["_row"]): (1, changes)}), ANNA)
    new = {
        "id": "leer",
        "name": "Leerstadt",
        "kind": "Stadt",
        "state": "Bayern",
        "lat": "48",
        "lon": "11",
    }
    store.save_edits(EditSet("municipalities", added=[new]), ANNA)
    after = coverage()
    assert after.loc["lemgo", "missing"] == "district, source"
    assert after.loc["lemgo", "last_updated"] > before.loc["lemgo", "last_updated"]
    assert after.loc["kalletal", "last_updated"] == before.loc["kalletal", "last_updated"]
    assert list(members_without(after.reset_index())["no_projects"]["id"]) == ["leer"]


def test_a_refusal_speaks_the_interface_language():
    from atlas.auth import NotAllowed, require_editor

    with pytest.raises(NotAllowed) as refused:
        require_editor(Actor("Gast", "viewer"))
    assert str(refused.value) == refused.value.text("de") == t("store.not_allowed", "de")
    assert refused.value.text("en") == t("store.not_allowed", "en") != str(refused.value)


def test_the_write_path_never_overwrites_a_row_at_another_version(store):
    """write_rows is the one place rows change: a change based on an older version (a
    writer that ignored the lock) is refused and nothing of it is written or recorded."""
    from atlas.changes import RowChange, RowWrites, row_dict, write_rows

    row = row_of(store, "municipalities", "lemgo")
    old = row_dict(row)
    writes = RowWrites()
    stale = int(row["_ver"]) - 1
    writes.add(RowChange("update", "lemgo", int(row["_row"]), stale, old, old | {"name": "X"}))
    before = store.data_version()
    with pytest.raises(StaleError), store.writer.begin() as conn:
        write_rows(conn, "municipalities", writes, ANNA, "2026-01-01T00:00:00.000Z")
    assert row_of(store, "municipalities", "lemgo")["name"] == "Lemgo"
    assert store.data_version() == before


def test_the_write_path_records_every_change_it_makes(store):
    from atlas.changes import RowChange, RowWrites, row_dict, write_rows

    row = row_of(store, "municipalities", "lemgo")
    old, version = row_dict(row), int(row["_ver"])
    writes = RowWrites()
    writes.add(RowChange("update", "lemgo", int(row["_row"]), version, old, old | {"name": "L"}))
    new = old | {"id": "neu", "name": "Neu"}
    writes.add(RowChange("insert", "neu", None, 0, None, new, 90_000))
    with store.writer.begin() as conn:
        write_rows(conn, "municipalities", writes, ANNA, "2026-01-01T00:00:00.000Z")
    changed = row_of(store, "municipalities", "lemgo")
    assert (changed["name"], int(changed["_ver"]), changed["_by"]) == ("L", version + 1, "Anna")
    history = store.history(2)
    assert list(history["action"]) == ["insert", "update"]
    assert list(history["row_key"]) == ["neu", "lemgo"]
    assert json.loads(history["after"].iloc[1])["name"] == "L"
    assert int(history["row_id"].iloc[0]) == int(row_of(store, "municipalities", "neu")["_row"])


def test_a_table_the_app_gained_after_the_seed_is_filled_from_the_folder(
    url, copy_of_bundled, make_store
):
    """A database seeded before the app had its measures table: at the next start the
    table comes from the data folder, as at the first start, once, with its history
    entry; the other tables and their edits stay as they are."""
    measures = copy_of_bundled / "measures.csv"
    kept = measures.read_text(encoding="utf-8")
    measures.unlink()  # the folder as it was when the database was seeded
    store = make_store(url)
    assert store.seed_from_folder(copy_of_bundled, "data/") is None
    assert store.rows("measures").empty
    lemgo = row_of(store, "municipalities", "lemgo")
    store.save_edits(
        EditSet("municipalities", changed={int(lemgo["_row"]): (1, {"population": "41000"})}),
        ANNA,
    )
    assert store.seed_new_tables(copy_of_bundled, "data/") == {}  # nothing new in the folder
    measures.write_text(kept, encoding="utf-8")  # the new release brings the table
    before = store.data_version()
    counts = store.seed_new_tables(copy_of_bundled, "data/")
    assert counts == {"measures": len(open_network(copy_of_bundled, DAY).measures)} != {}
    assert store.data_version() == before + 1
    network = store.load_network(DAY)
    pd.testing.assert_frame_equal(network.measures, open_network(copy_of_bundled, DAY).measures)
    assert row_of(store, "municipalities", "lemgo")["population"] == "41000"  # edit kept
    assert store.seed_new_tables(copy_of_bundled, "data/") == {}  # once
    assert store.data_version() == before + 1


@pytest.mark.parametrize("how", ["seeded empty", "emptied by an editor"])
def test_a_table_the_database_has_had_is_never_refilled(url, copy_of_bundled, make_store, how):
    store = make_store(url)
    measures = copy_of_bundled / "measures.csv"
    if how == "seeded empty":  # the folder had the file, with a header only
        measures.write_text(measures.read_text(encoding="utf-8").splitlines()[0] + "\n")
    assert store.seed_from_folder(copy_of_bundled, "data/") is None
    if how == "emptied by an editor":
        rows = store.rows("measures")
        assert len(rows)
        deleted = [(int(r), int(v)) for r, v in zip(rows["_row"], rows["_ver"], strict=True)]
        store.save_edits(EditSet("measures", deleted=deleted), ANNA)
        assert store.rows("measures").empty
    (copy_of_bundled / "measures.csv").write_text(
        (BUNDLED_DATA_DIR / "measures.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert store.seed_new_tables(copy_of_bundled, "data/") == {}
    assert store.rows("measures").empty
