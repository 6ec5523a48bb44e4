"""The data page headless: viewers see exports and coverage only; an editor signs in with
the password, uploads what German offices send, sees a preview and applies it; a broken
file shows the report and changes nothing."""

from __future__ import annotations

import pytest

from atlas.auth import hash_password
from atlas.store import open_store
from components.data import database_url
from tests.apptest import run_app
from tests.helpers import OIDC_SECRETS

PASSWORD = "richtig-geheim-42"
HOSTILE = "<img src=x onerror=alert(1)>"

# What a German office sends: Windows-1252, semicolons, German headers, decimal commas,
# thousands dots, dd.mm.yyyy dates; one member without coordinates (placed by its AGS).
GERMAN_MUNIS = (
    "Kennung;Name;Art;Bundesland;Landkreis;Einwohner;Breitengrad;Längengrad;Gemeindeschlüssel\r\n"
    "luegde;Lügde;Stadt;Nordrhein-Westfalen;Kreis Lippe;9.540;51,9563;9,2478;05766052\r\n"
    "bruehl;Brühl;Stadt;Nordrhein-Westfalen;;44.000;;;5362012\r\n"
).encode("cp1252")
GERMAN_PROJECTS = (
    "Kennung;Name;Programm;Staffel;Kommunen;Themen;Beginn;Ende;Bundesförderung\r\n"
    "lippe-test;Smarte Weser;MPSC;2022;luegde;Mobilität;09.06.2022;31.12.2026;1.250.000,50\r\n"
).encode("cp1252")


@pytest.fixture()
def editor_env(monkeypatch):
    monkeypatch.setenv("ATLAS_EDITORS_PASSWORDS", f"Anna Beispiel={hash_password(PASSWORD)}")


def sign_in(at, name="Anna Beispiel", password=PASSWORD):
    at.text_input(key="login_name").set_value(name)
    at.text_input(key="login_password").set_value(password)
    next(b for b in at.button if b.label == "Als Bearbeiter anmelden").click().run()
    assert not at.exception
    return at


def section(at, name):
    at.button_group(key="section").set_value(name).run()
    assert not at.exception
    return at


def upload(at, *files):
    uploader = at.file_uploader[0]
    uploader.set_value([(name, data, "text/csv") for name, data in files]).run()
    assert not at.exception
    return at


def button(at, start):
    return next((b for b in at.button if b.label.startswith(start)), None)


def plain(markdown: str) -> str:
    return markdown.replace("\\", "")


def frame_with(at, column):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def report_of(at):
    return frame_with(at, "expected")


def store():
    return open_store(database_url())


def test_viewer_sees_no_import_or_edit(monkeypatch, editor_env):
    at = run_app(monkeypatch, page="data", params={"section": "import"})
    assert not at.exception
    assert at.title[0].value == "Daten"
    assert at.button_group(key="section").options == ["Export & Vorlagen", "Vollständigkeit"]
    assert len(at.file_uploader) == 0
    assert len(at.data_editor) == 0
    labels = [b.label for b in at.get("download_button")]
    assert (
        "Excel-Arbeitsmappe (XLSX)" in labels
        and "Vorlage als Excel (mit Spaltenbeschreibungen)" in labels
    )


def test_without_a_password_configured_nobody_edits(monkeypatch):
    monkeypatch.delenv("ATLAS_EDITOR_PASSWORD_HASH", raising=False)
    monkeypatch.delenv("ATLAS_EDITORS_PASSWORDS", raising=False)
    at = run_app(monkeypatch, page="data")
    assert "nicht eingerichtet" in plain(at.info[0].value)
    assert len(at.text_input) == 0 or not any(w.key == "login_password" for w in at.text_input)


def test_wrong_password_is_refused(monkeypatch, editor_env):
    at = sign_in(run_app(monkeypatch, page="data"), password="falsch-falsch")
    assert "Name oder Passwort falsch" in plain(at.error[0].value)
    assert at.button_group(key="section").options == ["Export & Vorlagen", "Vollständigkeit"]


def test_german_excel_csv_imports_through_the_uploader(monkeypatch, editor_env):
    at = sign_in(run_app(monkeypatch, page="data"))
    section(at, "import")
    at.toggle(key="import_merge").set_value(True).run()
    before = store().data_version()
    upload(at, ("kommunen.csv", GERMAN_MUNIS), ("projekte.csv", GERMAN_PROJECTS))
    # preview: 2 new municipalities, 1 new project; Brühl placed by its AGS (leading 0 lost)
    summary = at.dataframe[0].value
    assert summary.set_index("Tabelle").loc["municipalities", "neu"] == 2
    assert summary.set_index("Tabelle").loc["projects", "neu"] == 1
    report = report_of(at)
    assert report["expected"].str.contains("Koordinaten ergänzt über Gemeindeschlüssel").any()
    assert store().data_version() == before  # the preview changed nothing
    button(at, "Übernehmen").click().run()
    assert not at.exception
    assert "Import übernommen: 3 neu" in plain(at.success[0].value)
    network = store().load_network(__import__("datetime").date(2026, 1, 1))
    munis = network.municipalities.set_index("id")
    assert munis.at["luegde", "lat"] == pytest.approx(51.9563)
    assert munis.at["luegde", "population"] == 9540
    assert munis.at["bruehl", "state"] == "Nordrhein-Westfalen"
    assert munis.at["bruehl", "lat"] == pytest.approx(50.81857)
    project = network.projects.set_index("id").loc["lippe-test"]
    assert project["start"] == "2022-06-09"
    assert project["funding_federal_eur"] == pytest.approx(1_250_000.5)
    assert len(network.projects) == 75  # 74 bundled + 1, nothing removed in merge mode
    # the history names who did it
    history = store().history(3)
    assert list(history["actor"]) == ["Anna Beispiel"] * 3


def test_broken_file_shows_the_report_and_changes_nothing(monkeypatch, editor_env):
    at = sign_in(run_app(monkeypatch, page="data"))
    section(at, "import")
    before = store().data_version()
    broken = b"id,name,programme,municipality_ids\nx1,Eins,MPSC,lemgo\nx1,Doppelt,MPSC,atlantis\n"
    upload(at, ("projects.csv", broken))
    report = report_of(at)
    assert report["expected"].str.contains("Kennung doppelt").any()
    assert report["expected"].str.contains("unbekannte Kennung").any()
    assert "Nicht übernommen" in plain(at.error[0].value)
    assert button(at, "Übernehmen") is None
    assert store().data_version() == before


# what the page does with a file it cannot import, for one that cannot be read and one
# that is read but lacks a column; every message is the planner's (the table BAD in
# tests/test_importer.py: empty, wrong delimiter, UTF-16 without a column, unknown table,
# 50 MB, encoding, long text and more)
@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("projects.csv", b"", "Datei ist leer"),
        ("projects.csv", "\ufeffid,name\n".encode("utf-16"), "Pflichtspalte fehlt"),
    ],
    ids=["empty", "utf16-missing-columns"],
)
def test_bad_uploads_each_get_a_clear_message(monkeypatch, editor_env, name, data, words):
    at = sign_in(run_app(monkeypatch, page="data"))
    section(at, "import")
    before = store().data_version()
    upload(at, (name, data))
    report = report_of(at)
    assert report["expected"].str.contains(words).any(), report["expected"].tolist()
    assert button(at, "Übernehmen") is None
    assert store().data_version() == before


def test_hostile_names_are_shown_as_text(monkeypatch, editor_env):
    at = sign_in(run_app(monkeypatch, page="data"))
    section(at, "import")
    at.toggle(key="import_merge").set_value(True).run()
    rows = f'id,name,programme,municipality_ids\nevil,"{HOSTILE}",=HYPERLINK("x"),lemgo\n'
    upload(at, ("projects.csv", rows.encode()))
    button(at, "Übernehmen").click().run()
    assert not at.exception
    section(at, "edit")
    at.selectbox(key="edit_table").set_value("projects").run()
    assert not at.exception
    frame = at.data_editor[0].value
    assert HOSTILE in set(frame["name"])
    assert all(HOSTILE not in m.value for m in at.markdown)


def test_editor_sees_history_and_restores(monkeypatch, editor_env):
    at = sign_in(run_app(monkeypatch, page="data"))
    section(at, "import")
    at.toggle(key="import_merge").set_value(True).run()
    upload(at, ("projects.csv", b"id,name,programme,municipality_ids\nneu1,Neu,MPSC,lemgo\n"))
    button(at, "Übernehmen").click().run()
    section(at, "history")
    table = frame_with(at, "Wer")
    assert "Anna Beispiel" in set(table["Wer"])
    choice = at.selectbox(key="restore_choice")
    change = next(o for o in choice.options if "neu1" in o)
    choice.set_value(int(change.split(" ")[0][1:])).run()
    button(at, "Zurücknehmen").click().run()
    assert not at.exception
    assert "Wiederhergestellt: neu1" in plain(at.success[0].value)
    assert "neu1" not in set(store().raw_tables()["projects"]["id"])


def test_editor_gets_the_data_editor_viewer_does_not(monkeypatch, editor_env):
    at = run_app(monkeypatch, page="data", params={"section": "edit", "edit_table": "projects"})
    assert len(at.data_editor) == 0  # a link to the editor is no way in
    sign_in(at)
    section(at, "edit")
    at.selectbox(key="edit_table").set_value("municipalities").run()
    assert not at.exception
    frame = at.data_editor[0].value
    assert len(frame) == 138 and "lemgo" in set(frame["id"])
    assert not {"_row", "_ver"} & set(frame.columns)  # bookkeeping stays hidden


def test_editor_table_follows_the_filters(monkeypatch, editor_env):
    at = run_app(monkeypatch, page="data", params={"state": "Niedersachsen"})
    sign_in(at)
    section(at, "edit")
    at.selectbox(key="edit_table").set_value("projects").run()
    assert len(at.data_editor[0].value) == 8


def test_coverage_and_freshness(monkeypatch):
    at = section(run_app(monkeypatch, page="data"), "coverage")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Mitglieder vollständig"].endswith("/ 138")
    table = frame_with(at, "fehlende Angaben")
    assert len(table) == 138
    assert table["zuletzt geändert"].str.match(r"\d\d\.\d\d\.\d{4} \d\d:\d\d").all()
    assert int(metrics["ohne Projekt"]) >= 0


def test_oidc_configured_shows_a_sign_in_button_and_no_password(monkeypatch):
    import streamlit.testing.v1.app_test as app_test_module
    from streamlit.testing.v1 import AppTest

    from tests.apptest import APP, ServerPagesManager

    monkeypatch.setattr(app_test_module, "PagesManager", ServerPagesManager)
    monkeypatch.setenv("ATLAS_EDITOR_PASSWORD_HASH", hash_password(PASSWORD))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = dict(OIDC_SECRETS)
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert button(at, "Anmelden") is not None
    assert not any(w.key == "login_password" for w in at.text_input)
    assert at.button_group(key="section").options == ["Export & Vorlagen", "Vollständigkeit"]


def test_editor_state_maps_to_row_ids_and_versions():
    import pandas as pd

    from components.data_admin import edit_set

    rows = pd.DataFrame({"_row": [10, 11, 12], "_ver": [1, 3, 2], "id": ["a", "b", "c"]})
    state = {
        "edited_rows": {1: {"name": "Neu"}},
        "added_rows": [{"id": "d", "name": "D"}, {"id": None}],  # an untouched new row is ignored
        "deleted_rows": [2],
    }
    edits = edit_set("municipalities", rows, state)
    assert edits.changed == {11: (3, {"name": "Neu"})}
    assert edits.added == [{"id": "d", "name": "D"}]
    assert edits.deleted == [(12, 2)]


def test_unreachable_database_shows_a_report_not_a_traceback(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/atlas")
    at = run_app(monkeypatch)
    assert not at.exception
    assert "konnten nicht geladen werden" in at.error[0].value
    report = at.dataframe[0].value
    assert report["expected"].str.contains("Datenbank nicht erreichbar").any()
    assert "nobody" not in report.to_string()  # no connection detail for anonymous visitors


def test_page_in_english_with_hostile_names(monkeypatch, tmp_path):
    from tests.helpers import MUNIS, write_folder

    folder = write_folder(tmp_path, municipalities=MUNIS.replace("Kalletal,", f'"{HOSTILE}",'))
    at = section(run_app(monkeypatch, folder, page="data", params={"lang": "EN"}), "coverage")
    assert at.title[0].value == "Data"
    assert at.button_group(key="section").options == ["Export & templates", "Coverage"]
    assert HOSTILE in set(frame_with(at, "missing fields")["Name"])
    assert all(HOSTILE not in m.value for m in at.markdown)


def test_workbook_with_a_sheet_missing_says_so_and_keeps_that_table(monkeypatch, editor_env):
    import io

    import pandas as pd

    at = sign_in(run_app(monkeypatch, page="data"))
    section(at, "import")
    at.toggle(key="import_merge").set_value(True).run()
    book = io.BytesIO()
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        pd.DataFrame(
            {"id": ["x1"], "name": ["Neu"], "programme": ["MPSC"], "municipality_ids": ["lemgo"]}
        ).to_excel(writer, sheet_name="projects", index=False)
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader[0].set_value([("netz.xlsx", book.getvalue(), mime)]).run()
    report = report_of(at)
    assert report["expected"].str.contains("Blatt „municipalities“ fehlt").any()
    munis_before = store().raw_tables()["municipalities"]
    button(at, "Übernehmen").click().run()
    assert not at.exception
    raw = store().raw_tables()
    assert "x1" in set(raw["projects"]["id"])
    pd.testing.assert_frame_equal(raw["municipalities"], munis_before)  # nothing lost


def test_restore_names_later_edits_and_refuses_one_it_did_not_show(monkeypatch, editor_env):
    from atlas.store import Actor, EditSet

    ben = Actor("Ben", "editor")
    at = sign_in(run_app(monkeypatch, page="data"))
    section(at, "import")
    at.toggle(key="import_merge").set_value(True).run()
    upload(at, ("projects.csv", b"id,name,programme,municipality_ids\nneu1,Neu,MPSC,lemgo\n"))
    button(at, "Übernehmen").click().run()
    rows = store().rows("projects")
    row_id = int(rows[rows["id"] == "neu1"]["_row"].iloc[0])
    store().save_edits(EditSet("projects", changed={row_id: (1, {"name": "Neu (Ben)"})}), ben)
    section(at, "history")
    choice = at.selectbox(key="restore_choice")
    insert = next(o for o in choice.options if "neu1" in o and "neu" in o.split("·")[-1])
    choice.set_value(int(insert.split(" ")[0][1:])).run()
    assert "entfernt „neu1“ (projects) wieder" in plain(at.warning[0].value)
    assert "1 spätere Änderung dieser" in plain(at.warning[0].value)
    assert "Ben" in plain(at.warning[0].value)
    # Ben saves again while the preview is on screen: the click undoes nothing unseen
    store().save_edits(EditSet("projects", changed={row_id: (2, {"name": "Neu (Ben 2)"})}), ben)
    button(at, "Zurücknehmen").click().run()
    assert not at.exception
    assert "seit der Vorschau" in plain(at.error[0].value)
    assert "neu1" in set(store().raw_tables()["projects"]["id"])
    assert "2 spätere Änderungen dieser" in plain(at.warning[0].value)  # the preview now says so
    button(at, "Zurücknehmen").click().run()
    assert "Wiederhergestellt: neu1" in plain(at.success[0].value)
    assert "neu1" not in set(store().raw_tables()["projects"]["id"])
