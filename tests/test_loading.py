"""Loading and validating a data folder: every broken input gives a clear message
naming file, line, column and value, and never an exception."""

from __future__ import annotations

import pandas as pd
import pytest

from atlas.network import load_folder
from atlas.problems import problems_frame
from tests.helpers import MUNIS, PROJECTS, write_folder


def test_valid_folder_loads_without_problems(tmp_path):
    network = load_folder(write_folder(tmp_path))
    assert network.usable
    assert network.problems == ()
    assert list(network.projects["id"]) == ["di", "hi"]
    assert network.projects.at[0, "municipality_ids"] == ("kalletal", "lemgo")
    assert network.projects.at[1, "topics"] == ("Mobilität", "Sicherheit")  # "|" accepted
    assert network.projects.at[0, "end_dt"] == pd.Timestamp("2027-11-30")  # month -> last day
    assert network.municipalities["population"].tolist() == [40000, 13000, 100000]


# (case, files to replace, expected: (file, line, column, severity, words in message))
BROKEN = [
    (
        "wrong delimiter",
        {"municipalities": MUNIS.replace(",", "|")},
        ("municipalities.csv", 1, "name", "fatal", "falsches Trennzeichen"),
    ),
    (
        "missing column",
        {"municipalities": MUNIS.replace(",lat,", ",latitude_x,")},
        ("municipalities.csv", 1, "lat", "fatal", "Pflichtspalte fehlt"),
    ),
    (
        "duplicate id",
        {"municipalities": MUNIS + "lemgo,Lemgo 2,Stadt,Nordrhein-Westfalen,,,52,9,,x\n"},
        ("municipalities.csv", 5, "id", "error", "doppelt"),
    ),
    (
        "unknown municipality id",
        {"projects": PROJECTS.replace("hildesheim,hildesheim", "hildesheim;atlantis,hildesheim")},
        ("projects.csv", 3, "municipality_ids", "error", "unbekannte Kennung"),
    ),
    (
        "lat/lon swapped",
        {"municipalities": MUNIS.replace("52.03,8.90", "8.90,52.03")},
        ("municipalities.csv", 2, "lat/lon", "error", "vertauscht"),
    ),
    (
        "text in a number column",
        {"municipalities": MUNIS.replace(",40000,", ",vierzigtausend,")},
        ("municipalities.csv", 2, "population", "warning", "ganze Zahl erwartet"),
    ),
    (
        "empty file",
        {"projects": ""},
        ("projects.csv", None, None, "fatal", "leer"),
    ),
    (
        "missing table",
        {"projects": None},
        ("projects.csv", None, None, "fatal", "Tabelle fehlt"),
    ),
    (
        "end before start",
        {"projects": PROJECTS.replace("2022-01,2026-12", "2022-01,2021-12")},
        ("projects.csv", 3, "end", "error", "Ende vor Beginn"),
    ),
    (
        "unknown topic",
        {"projects": PROJECTS.replace("Mobilität|Sicherheit", "Mobilität|Raumfahrt")},
        ("projects.csv", 3, "topics", "warning", "unbekannter Eintrag"),
    ),
    (
        "unknown phase",
        {"projects": PROJECTS.replace(",Umsetzung,", ",Halbzeit,")},
        ("projects.csv", 2, "phase", "warning", "erlaubt: Strategie"),
    ),
    (
        "impossible date",
        {"projects": PROJECTS.replace("2022-01,", "31.02.2022,")},
        ("projects.csv", 3, "start", "warning", "Datum erwartet"),
    ),
    (
        "unquoted delimiter inside a value",
        {"projects": PROJECTS.replace("HI 2030", "HI, 2030")},
        ("projects.csv", 3, None, "error", "in Anführungszeichen"),
    ),
]


@pytest.mark.parametrize(("case", "files", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_folder_is_reported(tmp_path, case, files, expected):
    network = load_folder(write_folder(tmp_path, **files))
    file, line, column, severity, words = expected
    matching = [
        p
        for p in network.problems
        if p.file == file and p.row == line and p.column == column and p.severity == severity
    ]
    assert matching, f"{case}: no problem at {expected}; got {[str(p) for p in network.problems]}"
    assert any(words in p.expected for p in matching), [str(p) for p in matching]
    assert not problems_frame(list(network.problems)).empty


def test_value_is_named_in_the_message(tmp_path):
    network = load_folder(
        write_folder(tmp_path, projects=PROJECTS.replace("kalletal;lemgo", "kalletal;xyz"))
    )
    message = next(str(p) for p in network.problems if p.column == "municipality_ids")
    assert "projects.csv, Zeile 2" in message and "xyz" in message


def test_rows_with_problems_are_left_out_but_the_rest_stays(tmp_path):
    munis = MUNIS + "lemgo,Lemgo 2,Stadt,Nordrhein-Westfalen,,,52,9,,x\n"
    network = load_folder(write_folder(tmp_path, municipalities=munis))
    assert network.usable
    assert sorted(network.municipalities["id"]) == ["hildesheim", "kalletal", "lemgo"]
    assert network.municipalities.set_index("id").at["lemgo", "name"] == "Lemgo"


def test_german_excel_csv_is_read(tmp_path):
    """Semicolons, Windows-1252, decimal commas, German dates and German headers."""
    munis = (
        "Kennung;Name;Art;Bundesland;Landkreis;Einwohner;Breitengrad;Längengrad;Gemeindeschlüssel;Quelle\n"
        "lemgo;Lemgo;Stadt;Nordrhein-Westfalen;Kreis Lippe;40.123;52,03;8,90;05766040;Test\n"
        "kalletal;Kalletal;Gemeinde;Nordrhein-Westfalen;Kreis Lippe;13000;52,12;8,95;;Test\n"
        "hildesheim;Hildesheim;Stadt;Niedersachsen;;;52,15;9,95;;Test\n"
    )
    projects = PROJECTS.replace("2020-12,2027-11", "01.12.2020,30.11.2027")
    network = load_folder(
        write_folder(tmp_path, municipalities=munis.encode("cp1252"), projects=projects)
    )
    assert network.usable
    lemgo = network.municipalities.set_index("id").loc["lemgo"]
    assert lemgo["population"] == 40123
    assert lemgo["lat"] == pytest.approx(52.03)
    assert network.projects.at[0, "start"] == "2020-12-01"
    # notes only: "not UTF-8", and which column each German header was taken for
    assert [p.severity for p in network.problems] == ["warning", "warning"]
    mapped = next(p for p in network.problems if p.key == "read.headers_mapped")
    assert "Einwohner → population" in mapped.expected
    assert "Einwohner → population" in mapped.message("en")


def test_utf8_bom_is_accepted(tmp_path):
    network = load_folder(write_folder(tmp_path, municipalities=b"\xef\xbb\xbf" + MUNIS.encode()))
    assert network.problems == ()
    assert len(network.municipalities) == 3


def test_file_too_large_is_refused_without_reading(tmp_path, monkeypatch):
    import atlas.readers

    monkeypatch.setattr(atlas.readers, "MAX_FILE_BYTES", 10_000)
    big = PROJECTS + ("x," * 7 + "\n") * 2000
    network = load_folder(write_folder(tmp_path, projects=big))
    (problem,) = [p for p in network.problems if p.file == "projects.csv"]
    assert problem.severity == "fatal" and "zu groß" in problem.expected
    assert not network.usable


def test_fifty_megabyte_file_gives_a_clear_message(tmp_path):
    path = write_folder(tmp_path)
    with open(path / "projects.csv", "wb") as handle:
        handle.write(PROJECTS.encode())
        handle.write(b"y" * (50 * 1024 * 1024))
    network = load_folder(path)
    assert any("zu groß" in p.expected and p.value == "50 MB" for p in network.problems)


def test_missing_folder_is_reported(tmp_path):
    network = load_folder(tmp_path / "nowhere")
    assert not network.usable
    assert "nicht gefunden" in network.problems[0].expected


def test_xlsx_workbook_with_one_sheet_per_table(tmp_path):
    source = load_folder(
        write_folder(tmp_path / "csv" if (tmp_path / "csv").mkdir() is None else tmp_path)
    )
    book = tmp_path / "book" / "netzwerk.xlsx"
    book.parent.mkdir()
    with pd.ExcelWriter(book) as writer:
        for name in ("municipalities", "projects"):
            pd.read_csv(tmp_path / "csv" / f"{name}.csv", dtype=str).to_excel(
                writer, sheet_name=name, index=False
            )
    network = load_folder(book.parent)
    assert network.problems == ()
    assert network.projects["id"].tolist() == source.projects["id"].tolist()
    assert network.files["projects"] == "netzwerk.xlsx [projects]"


def test_hostile_strings_are_kept_as_text(tmp_path):
    hostile = "<img src=x onerror=alert(1)>"
    network = load_folder(
        write_folder(tmp_path, municipalities=MUNIS.replace("Lemgo,Stadt", f'"{hostile}",Stadt'))
    )
    assert hostile in network.municipalities["name"].tolist()


def test_meta_values_name_the_network_and_its_date(tmp_path):
    """title and as_of come from meta.csv; the first row of a repeated key wins, a missing
    key falls back (title to the folder's label)."""
    write_folder(tmp_path, meta="key,value\ntitle,Netz A\nas_of,2024-05\ntitle,Netz B\n")
    network = load_folder(tmp_path)
    assert (network.title, network.as_of) == ("Netz A", "2024-05")
    assert network.meta_value("licence", "unbekannt") == "unbekannt"
    write_folder(tmp_path, meta="key,value\n")
    assert load_folder(tmp_path).title == load_folder(tmp_path).label != ""
