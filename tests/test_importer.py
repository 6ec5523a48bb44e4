"""Import planning without a database: what offices send is understood, every bad input
is named (file, row, column, value, expected) and blocks the import, nothing is guessed."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from atlas.importer import (
    MAX_CELL_CHARS,
    Upload,
    diff_table,
    normalise_table,
    place_municipalities,
    plan_import,
    read_uploads,
)
from atlas.network import BUNDLED_DATA_DIR
from atlas.readers import read_folder
from atlas.schema import TABLES
from tests.helpers import MUNIS, PROJECTS, write_folder, xlsx

HEADER = "id,name,programme,municipality_ids\n"


@pytest.fixture(scope="module")
def current() -> dict[str, pd.DataFrame]:
    """The bundled tables as the store holds them (normalised text)."""
    raw, _, _ = read_folder(BUNDLED_DATA_DIR)
    return {name: normalise_table(TABLES[name], frame) for name, frame in raw.items()}


@pytest.fixture(scope="module")
def small_current(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """A small network's tables (tests.helpers) as the store holds them: for tests of how
    an uploaded file and its cells are read and checked, which do not depend on the rest
    of the network (a plan against the bundled tables checks that whole network twice)."""
    raw, _, _ = read_folder(write_folder(tmp_path_factory.mktemp("small")))
    return {name: normalise_table(TABLES[name], frame) for name, frame in raw.items()}


def plan(current, *files, merge=True, choices=None):
    uploads = [
        Upload(name, data if isinstance(data, bytes) else data.encode()) for name, data in files
    ]
    return plan_import(uploads, current, 1, merge, choices)


def test_german_office_csv_is_understood(current):
    data = (
        "Kennung;Name;Programm;Staffel;Kommunen;Themen;Beginn;Ende;Bundesförderung\r\n"
        "p1;Grüne Mitte;MPSC;2022;lemgo|kalletal;mobilität;09.06.2022;12.2026;1.250.000,50\r\n"
    ).encode("cp1252")
    result = plan(current, ("Projekte.csv", data))
    assert result.ok, result.blocking
    row = result.tables["projects"].iloc[0]
    assert (row["start"], row["end"], row["funding_federal_eur"]) == (
        "2022-06-09",
        "2026-12",
        "1250000.5",
    )
    assert (row["municipality_ids"], row["topics"], row["name"]) == (
        "lemgo;kalletal",
        "Mobilität",
        "Grüne Mitte",
    )
    assert result.diffs["projects"].added == ["p1"]
    # the encoding is named as a warning, not an error
    assert any("Windows-1252" in p.expected and p.severity == "warning" for p in result.problems)


# (case, files, words expected in a blocking problem)
BAD = [
    (
        "undecodable bytes",
        [("projects.csv", HEADER.encode() + b"p1,\x81\x8d,MPSC,lemgo\n")],
        "Zeichenkodierung",
    ),
    (
        "wrong delimiter",
        [("projects.csv", "id|name|programme|municipality_ids\np1|a|b|lemgo\n")],
        "falsches Trennzeichen",
    ),
    (
        "missing column",
        [("projects.csv", "id,name,municipality_ids\np1,a,lemgo\n")],
        "Pflichtspalte fehlt",
    ),
    (
        "duplicate ids",
        [("projects.csv", HEADER + "p1,a,M,lemgo\np1,b,M,lemgo\n")],
        "Kennung doppelt",
    ),
    ("unknown reference", [("projects.csv", HEADER + "p1,a,M,atlantis\n")], "unbekannte Kennung"),
    ("empty file", [("projects.csv", "")], "Datei ist leer"),
    ("only a header", [("municipalities.csv", "id;name\n")], "Pflichtspalte fehlt"),
    (
        "UTF-16 with a column missing",
        [("projects.csv", "\ufeffid,name\n".encode("utf-16"))],
        "Pflichtspalte fehlt",
    ),
    ("50 MB", [("projects.csv", b"x" * (50 * 1024 * 1024))], "Datei zu groß"),
    ("unknown file", [("notizen.csv", "a,b\n1,2\n")], "Tabelle nicht erkannt"),
    ("no file", [], "keine Datei"),
    (
        "very long text",
        [("projects.csv", HEADER + f"p1,{'x' * (MAX_CELL_CHARS + 1)},M,lemgo\n")],
        "Text zu lang",
    ),
    (
        "repeated column name",
        [("projects.csv", "id,name,programme,name,municipality_ids\np1,a,M,b,lemgo\n")],
        "Spalte doppelt",
    ),
    (
        "German and English name for one column",
        [("projects.csv", "id,name,programme,Projektname,municipality_ids\np1,a,M,b,lemgo\n")],
        "Spalte doppelt",
    ),
    ("broken workbook", [("daten.xlsx", b"PK\x03\x04 kaputt")], "Arbeitsmappe nicht lesbar"),
    (
        "workbook without table sheets",
        [("daten.xlsx", xlsx(Tabelle1=pd.DataFrame({"a": [1]})))],
        "kein Blatt erkannt",
    ),
    ("old excel", [("daten.xls", b"\xd0\xcf\x11\xe0")], ".xlsx"),
    (
        "same table twice",
        [("projects.csv", HEADER + "p1,a,M,lemgo\n"), ("projekte.csv", HEADER + "p2,b,M,lemgo\n")],
        "doppelt hochgeladen",
    ),
]


@pytest.mark.parametrize(("case", "files", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_named_and_blocks(small_current, case, files, words):
    result = plan(small_current, *files)
    assert not result.ok
    assert any(words in p.expected for p in result.blocking), [str(p) for p in result.problems]
    for problem in result.blocking:
        assert problem.file or case == "no file"  # every problem names its file


def test_utf16_from_excel_unicode_text_is_read(current):
    data = ("id\tname\tprogramme\tmunicipality_ids\np1\tÄrzte\tMPSC\tlemgo\n").encode("utf-16")
    result = plan(current, ("projects.txt", data))
    assert result.ok, result.blocking
    assert result.tables["projects"].iloc[0]["name"] == "Ärzte"


def test_extra_columns_are_kept_and_named(current):
    result = plan(
        current, ("projects.csv", HEADER.strip() + ",Ansprechpartner\np1,a,M,lemgo,Frau X\n")
    )
    assert result.ok
    assert result.tables["projects"].iloc[0]["Ansprechpartner"] == "Frau X"
    assert any(p.column == "Ansprechpartner" and p.severity == "warning" for p in result.problems)


def test_workbook_with_a_sheet_missing_keeps_that_table(current):
    book = xlsx(
        projects=pd.DataFrame(
            {"id": ["p1"], "name": ["a"], "programme": ["M"], "municipality_ids": ["lemgo"]}
        )
    )
    result = plan(current, ("netz.xlsx", book))
    assert result.ok
    assert any("Blatt „municipalities“ fehlt" in p.expected for p in result.problems)
    assert set(result.tables) == {"projects"}


@pytest.mark.parametrize(
    "value", ["<img src=x onerror=alert(1)>", '=HYPERLINK("http://x")', "+49 30 1234", "@SUM(A1)"]
)
def test_hostile_text_is_kept_as_text(small_current, value):
    quoted = '"' + value.replace('"', '""') + '"'
    result = plan(small_current, ("projects.csv", HEADER + f"p1,{quoted},M,lemgo\n"))
    assert result.ok
    assert result.tables["projects"].iloc[0]["name"] == value


# values a spreadsheet would run, values that only look like it, and real apostrophes
ROUND_TRIP = [
    "=1+2",
    '=HYPERLINK("http://x")',
    "+49 5261 12345",
    "-Vorhaben",
    "'Hallo",
    "'=x",
    "''",
    "@SUM(A1)",
    "-1-2",
]


@pytest.mark.parametrize("value", ROUND_TRIP)
def test_export_then_import_is_an_exact_round_trip(small_current, value):
    from atlas.spreadsheet import csv_bytes, xlsx_bytes

    frame = pd.DataFrame(
        {"id": ["p1"], "name": [value], "programme": ["MPSC"], "municipality_ids": ["lemgo"]}
    )
    for upload in (
        Upload("projects.csv", csv_bytes(frame)),
        Upload("netz.xlsx", xlsx_bytes({"projects": frame})),
    ):
        result = plan_import([upload], small_current, 1, merge=True)
        assert result.ok, result.blocking
        assert result.tables["projects"].iloc[0]["name"] == value, upload.name


def test_files_protected_by_older_exports_read_back():
    frames, _, _ = read_uploads(
        [Upload("projects.csv", (HEADER + "p1,'+49 30,M,lemgo\n").encode())]
    )
    assert frames["projects"].iloc[0]["name"] == "+49 30"


def test_values_that_do_not_parse_keep_their_text():
    frame = pd.DataFrame(
        {"id": ["a"], "population": ["ca. 5000"], "lat": ["52,1"], "ags": ["05766044"]}
    )
    out = normalise_table(TABLES["municipalities"], frame)
    assert (out.at[0, "population"], out.at[0, "lat"], out.at[0, "ags"]) == (
        "ca. 5000",
        "52.1",
        "05766044",
    )


# --- placing municipalities without coordinates ----------------------------------------

NO_COORDS = "id;name;kind;state;lat;lon;ags\n"


def munis(rows: str) -> pd.DataFrame:
    frame = pd.read_csv(io.StringIO(NO_COORDS + rows), sep=";", dtype=str, keep_default_na=False)
    return frame.assign(_line=range(2, len(frame) + 2))


def test_placed_by_ags_even_with_the_leading_zero_lost():
    frame, notes, ambiguous = place_municipalities(munis("lemgo2;Lemgo;;;;;5766044\n"), "k.csv")
    assert ambiguous == []
    assert frame.at[0, "state"] == "Nordrhein-Westfalen" and frame.at[0, "ags"] == "05766044"
    assert float(frame.at[0, "lat"]) == pytest.approx(52.03, abs=0.05)
    assert "Gemeindeschlüssel" in notes[0].expected and notes[0].severity == "warning"


def test_placed_by_unique_name():
    frame, notes, _ = place_municipalities(munis("x;Kalletal;;;;;\n"), "k.csv")
    assert frame.at[0, "ags"] == "05766036"
    assert "über Name" in notes[0].expected


def test_ambiguous_name_is_listed_never_guessed():
    frame, notes, ambiguous = place_municipalities(munis("b;Brühl;;;;;\n"), "k.csv")
    assert frame.at[0, "lat"] == ""
    assert len(ambiguous) == 1 and len(ambiguous[0].candidates) == 2
    labels = " ".join(label for _, label in ambiguous[0].candidates)
    assert "Rhein-Erft-Kreis" in labels and "Rhein-Neckar-Kreis" in labels
    assert notes[0].severity == "error"
    chosen, _, left = place_municipalities(munis("b;Brühl;;;;;\n"), "k.csv", {2: "08226009"})
    assert left == [] and chosen.at[0, "state"] == "Baden-Württemberg"


def test_state_given_resolves_the_name():
    frame, _, ambiguous = place_municipalities(munis("b;Brühl;;Baden-Württemberg;;;\n"), "k.csv")
    assert ambiguous == [] and frame.at[0, "ags"] == "08226009"


def test_ambiguous_municipality_blocks_the_import_until_chosen(current):
    data = NO_COORDS + "bruehl;Brühl;Stadt;;;;\n"
    assert not plan(current, ("municipalities.csv", data)).ok
    chosen = plan(current, ("municipalities.csv", data), choices={2: "05362012"})
    assert chosen.ok, chosen.blocking


def test_unknown_name_without_coordinates_is_an_error(current):
    result = plan(current, ("municipalities.csv", NO_COORDS + "x;Atlantis;Stadt;Bayern;;;\n"))
    assert not result.ok
    assert any("Gemeindeliste" in p.expected for p in result.blocking)


# --- comparing -------------------------------------------------------------------------


def test_diff_names_added_changed_and_removed():
    old = normalise_table(TABLES["municipalities"], pd.read_csv(io.StringIO(MUNIS), dtype=str))
    new = old.copy()
    new.loc[0, "population"] = "41000"
    new = pd.concat([new.iloc[[0, 1]], new.iloc[[0]].assign(id="neu")])
    diff = diff_table("municipalities", old, new, merge=False)
    assert diff.added == ["neu"] and diff.removed == ["hildesheim"]
    assert diff.changed == {"lemgo": [("population", "40000", "41000")]}
    assert diff_table("municipalities", old, new, merge=True).removed == []


def test_reimporting_the_same_file_changes_nothing(current):
    raw, _, _ = read_folder(BUNDLED_DATA_DIR)
    data = (BUNDLED_DATA_DIR / "projects.csv").read_bytes()
    result = plan(current, ("projects.csv", data), merge=False)
    assert result.ok and result.changes == 0


def test_read_uploads_maps_german_file_names():
    frames, files, problems = read_uploads(
        [Upload("Kommunen.csv", MUNIS.encode()), Upload("projekte (1).csv", PROJECTS.encode())]
    )
    assert set(frames) == {"municipalities", "projects"} and problems == []
    assert files["projects"] == "projekte (1).csv"
