"""Rows the readers skip stay named when the network comes from the database: the report
on the files is kept at seeding, shown at the top of the overview, and forgotten when an
import replaces the table it was about."""

from __future__ import annotations

import datetime as dt
import re

from atlas.importer import Upload, plan_import
from atlas.network import load_folder
from atlas.problems import skipped
from atlas.store import Actor, open_store
from components.data import database_url
from tests.apptest import run_app
from tests.helpers import PROJECTS, write_folder

DAY = dt.date(2026, 1, 1)
# "HI, 2030": the comma is the delimiter, unquoted, so line 3 has one field too many
BROKEN = PROJECTS.replace("HI 2030", "HI, 2030")


def data_folder(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


def test_the_store_keeps_the_rows_the_readers_skipped(tmp_path):
    folder = write_folder(data_folder(tmp_path), projects=BROKEN)
    from_folder = skipped(load_folder(folder).problems)
    store = open_store(f"sqlite:///{tmp_path / 'atlas.db'}")
    assert store.seed_from_folder(folder, "Daten") is None

    from_store = skipped(store.load_network(DAY).problems)

    assert [(p.file, p.row) for p in from_folder] == [("projects.csv", 3)]
    assert from_store == from_folder
    assert "hi" not in set(store.load_network(DAY).projects["id"])
    assert "line 3" not in from_store[0].message("en")  # the message, not the place
    assert "quotes" in from_store[0].message("en")


def test_an_import_that_replaces_the_table_forgets_its_skipped_rows(tmp_path):
    folder = write_folder(data_folder(tmp_path), projects=BROKEN)
    store = open_store(f"sqlite:///{tmp_path / 'atlas.db'}")
    store.seed_from_folder(folder, "Daten")
    _, version = store.state()
    plan = plan_import(
        [Upload("projects.csv", PROJECTS.encode())], store.raw_tables(), version, merge=False
    )
    assert plan.ok, plan.problems

    store.apply_import(plan, Actor("Anna", "editor"))

    network = store.load_network(DAY)
    assert skipped(network.problems) == []
    assert "hi" in set(network.projects["id"])


def test_the_overview_names_a_skipped_row_from_the_database(tmp_path, monkeypatch):
    folder = write_folder(data_folder(tmp_path), projects=BROKEN)
    monkeypatch.setenv("ATLAS_DATA_DIR", str(folder))
    open_store(database_url()).seed_from_folder(folder, "Daten")
    write_folder(folder)  # the folder is fine now: what the page names comes from the database

    at = run_app(monkeypatch, data_dir=folder, params={"lang": "EN"})

    assert not at.exception
    top = re.sub(r"\\(.)", r"\1", at.warning[0].value)  # as shown: markdown escapes undone
    assert "1 row(s) left out" in top
    assert "projects.csv, line 3:" in top
    assert "quotes" in top
