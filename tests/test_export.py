"""Exports open in Excel, cannot run formulas, and read back as the same data; templates
carry every column with its description."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from atlas.export import (
    SHEET_NOTES,
    csv_bytes,
    csv_zip,
    exchange_tables,
    template_xlsx,
    template_zip,
    xlsx_bytes,
)
from atlas.filters import Filters, apply_filters
from atlas.importer import Upload, normalise_table, plan_import
from atlas.network import BUNDLED_DATA_DIR
from atlas.readers import read_csv_bytes, read_folder
from atlas.schema import TABLES
from atlas.source import open_network

FORMULAS = ["=1+2", "+A1*2", "-1-2", "@SUM(A1)", '=HYPERLINK("http://böse.example")']
# what only looks like a formula: a spreadsheet shows it as it is, so it stays as it is
NOT_FORMULAS = ["+49 5261 12345", "-Vorhaben", "-2", "'Hallo"]


@pytest.fixture(scope="module")
def network():
    return open_network(BUNDLED_DATA_DIR, dt.date(2026, 1, 1))


@pytest.fixture(scope="module")
def current():
    raw, _, _ = read_folder(BUNDLED_DATA_DIR)
    return {name: normalise_table(TABLES[name], frame) for name, frame in raw.items()}


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame({"name": FORMULAS + ["harmlos"], "lon": [-5.5, 1, 2, 3, 4, 5.25]})


def test_csv_neutralises_formulas_and_opens_in_german_excel():
    data = csv_bytes(hostile_frame())
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the umlauts
    text = data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "name;lon"
    for formula, line in zip(FORMULAS, lines[1:], strict=False):
        cell = line.split(";")[0].strip('"')
        assert cell.startswith("'") and cell[1:].replace('""', '"') == formula
    assert lines[1].endswith(";-5,5")  # numbers stay numbers, with a decimal comma
    assert lines[-1] == "harmlos;5,25"


@pytest.mark.parametrize("value", NOT_FORMULAS)
def test_values_that_only_look_like_formulas_are_written_as_they_are(value):
    frame = pd.DataFrame({"name": [value]})
    assert csv_bytes(frame).decode("utf-8-sig").splitlines()[1] == value
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"t": frame})))
    assert book["t"]["A2"].value == value


def test_xlsx_export_of_a_name_with_a_control_character():
    """XLSX cannot hold NUL and its kin: the export shows � there instead of failing."""
    frame = pd.DataFrame({"name": ["Lem\x00go", "Bad\x1bSalzuflen", "Detmold"]})
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"municipalities": frame})))
    values = [row[0].value for row in book["municipalities"].iter_rows(min_row=2)]
    assert values == ["Lem\ufffdgo", "Bad\ufffdSalzuflen", "Detmold"]


def test_views_csv_of_the_presentation_page_is_formula_safe():
    from components.present import views_csv

    views = pd.DataFrame(
        {
            "id": ["a", "b"],
            "title": ['=HYPERLINK("http://x")', "Karte -Vorhaben"],
            "page": ["map", "overview"],
            "params": ["state=Bayern", ""],
            "position": [1, 2],
        }
    )
    text = views_csv(views).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "Karte -Vorhaben" in text
    frame, problems = read_csv_bytes(views_csv(views), "views.csv", "views")
    assert frame["title"].tolist() == views["title"].tolist()  # reads back as typed
    assert not [p for p in problems if p.severity != "warning"]


def test_xlsx_neutralises_formulas():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"t": hostile_frame()})))
    sheet = book["t"]
    cells = [sheet.cell(row=r, column=1) for r in range(2, 2 + len(FORMULAS))]
    assert all(c.data_type == "s" and str(c.value).startswith("'") for c in cells)
    assert sheet.cell(row=2, column=2).value == -5.5  # a number, not text


def test_export_tables_are_the_exchange_format(network):
    tables = exchange_tables(network)
    assert set(tables) == set(TABLES)
    projects = tables["projects"]
    assert (
        list(projects.columns[: len(TABLES["projects"].columns)]) == TABLES["projects"].column_names
    )
    assert not any(c.endswith("_dt") or c.startswith("_") or c == "phase_now" for c in projects)
    assert projects["municipality_ids"].map(lambda v: isinstance(v, str)).all()


def test_xlsx_export_reads_back_without_a_change(network, current):
    book = xlsx_bytes(exchange_tables(network))
    plan = plan_import([Upload("netz.xlsx", book)], current, 1, merge=False)
    assert plan.ok, [str(p) for p in plan.blocking]
    assert plan.changes == 0


def test_csv_export_reads_back_without_a_change(network, current):
    archive = zipfile.ZipFile(io.BytesIO(csv_zip(exchange_tables(network))))
    uploads = [Upload(name, archive.read(name)) for name in archive.namelist()]
    plan = plan_import(uploads, current, 1, merge=False)
    assert plan.ok, [str(p) for p in plan.blocking]
    assert plan.changes == 0


def test_filtered_export_holds_only_the_view(network):
    view = apply_filters(network, Filters(states=("Niedersachsen",)))
    tables = exchange_tables(view)
    assert 0 < len(tables["projects"]) < len(network.projects)
    assert set(tables["municipalities"]["state"]) == {"Niedersachsen"}


def test_hostile_cell_survives_the_round_trip(current):
    frame = pd.DataFrame(
        {
            "id": ["p1"],
            "name": ['=HYPERLINK("x")'],
            "programme": ["MPSC"],
            "municipality_ids": ["lemgo"],
        }
    )
    plan = plan_import([Upload("projects.csv", csv_bytes(frame))], current, 1, merge=True)
    assert plan.ok
    assert plan.tables["projects"].iloc[0]["name"] == '=HYPERLINK("x")'


def test_excel_template_has_every_table_and_column_described():
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    assert set(book.sheetnames) == set(TABLES) | {SHEET_NOTES}
    for name, table in TABLES.items():
        header = [c.value for c in book[name][1]]
        assert header == table.column_names
        assert book[name].max_row == 1  # empty
    notes = pd.read_excel(io.BytesIO(template_xlsx()), sheet_name=SHEET_NOTES)
    assert len(notes) == sum(len(t.columns) for t in TABLES.values())
    assert notes["Beschreibung"].notna().all()
    lat = notes[(notes["Tabelle"] == "municipalities") & (notes["Spalte"] == "lat")].iloc[0]
    assert lat["Pflicht"] == "ja" and "Breitengrad" in lat["Beschreibung"]


def test_csv_templates_and_column_notes():
    archive = zipfile.ZipFile(io.BytesIO(template_zip()))
    names = set(archive.namelist())
    assert {f"{n}.csv" for n in TABLES} <= names and "spalten.csv" in names
    header = archive.read("projects.csv").decode("utf-8-sig").strip()
    assert header.split(";") == TABLES["projects"].column_names
    notes = archive.read("spalten.csv").decode("utf-8-sig")
    assert "Förderprogramm oder Netzwerk" in notes


def test_an_empty_template_imports_as_a_clear_no(current):
    archive = zipfile.ZipFile(io.BytesIO(template_zip()))
    plan = plan_import([Upload("projects.csv", archive.read("projects.csv"))], current, 1)
    # an empty projects table would leave everything pointing nowhere: refused
    assert not plan.ok


@pytest.mark.parametrize("notes_sheet", [SHEET_NOTES, "Erläuterungen"])
def test_the_templates_description_sheet_is_not_taken_for_a_table(notes_sheet):
    """The template's own sheet (and the name older templates gave it) is read past
    quietly; any other unknown sheet is named in a warning."""
    from atlas.export import empty_templates
    from atlas.importer import sheet_problems

    sheets = empty_templates()
    quiet = sheet_problems(
        Upload("vorlage.xlsx", xlsx_bytes(sheets | {notes_sheet: pd.DataFrame()}))
    )
    assert quiet == []
    noisy = sheet_problems(Upload("vorlage.xlsx", xlsx_bytes(sheets | {"Notizen": pd.DataFrame()})))
    assert [p.value for p in noisy] == ["Notizen"]
