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
    import atlas.read_limits

    monkeypatch.setattr(atlas.read_limits, "MAX_FILE_BYTES", 10_000)
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


# --- files as offices and other tools really produce them ----------------------------

BOOK_MUNIS = [
    ["id", "name", "kind", "state", "lat", "lon"],
    ["lemgo", "Lemgo", "Stadt", "Nordrhein-Westfalen", 52.03, 8.9],
    ["kalletal", "Kalletal", "Gemeinde", "Nordrhein-Westfalen", 52.12, 8.95],
    ["hildesheim", "Hildesheim", "Stadt", "Niedersachsen", 52.15, 9.95],
]
BOOK_PROJECTS = [
    ["id", "name", "programme", "municipality_ids"],
    ["di", "digital.interkommunal", "MPSC", "kalletal;lemgo"],
    ["hi", "HI 2030", "MPSC", "hildesheim"],
]


def save_book(path, sheets: dict[str, list[list]], formats: dict | None = None):
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    for (name, ref), number_format in (formats or {}).items():
        book[name][ref].number_format = number_format
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path.parent


def keyed(network, key):
    return [p for p in network.problems if p.key == key]


def test_repeated_column_name_is_named_not_a_crash(tmp_path):
    munis = MUNIS.replace("id,name,kind", "id,name,name,kind", 1)
    munis = munis.replace("lemgo,Lemgo,", "lemgo,Lemgo,Lemgo Alt,")
    munis = munis.replace("kalletal,Kalletal,", "kalletal,Kalletal,,")
    munis = munis.replace("hildesheim,Hildesheim,", "hildesheim,Hildesheim,,")
    network = load_folder(write_folder(tmp_path, municipalities=munis))
    (repeated,) = keyed(network, "read.duplicate_column")
    assert (repeated.file, repeated.row, repeated.column) == ("municipalities.csv", 1, "name")
    assert "Spalte 2" in repeated.message("de") and "column 2" in repeated.message("en")
    assert network.municipalities.set_index("id").at["lemgo", "name"] == "Lemgo"


@pytest.mark.parametrize(
    ("table", "old", "new", "column", "line"),
    [
        ("municipalities", ",40000,", ",99999999999999999999,", "population", 2),
        ("projects", ",2021,", ",123456789012345678901234,", "cohort", 3),
    ],
)
def test_integer_too_large_is_named_not_a_crash(tmp_path, table, old, new, column, line):
    source = {"municipalities": MUNIS, "projects": PROJECTS}[table]
    network = load_folder(write_folder(tmp_path, **{table: source.replace(old, new)}))
    (huge,) = [p for p in network.problems if p.column == column]
    assert (huge.file, huge.row, huge.severity) == (f"{table}.csv", line, "warning")
    assert "zu groß" in huge.expected
    assert network.usable and len(network.table(table)) == 3 - (table == "projects")


@pytest.mark.parametrize(
    ("written", "encoding", "value"),
    [
        ("250.000 €", "utf-8", 250_000),
        ("250.000 €", "cp1252", 250_000),
        ("250.000", "utf-8", 250_000),
        ("1.234.567,89 €", "cp1252", 1_234_567.89),
        ("5.300.000", "utf-8", 5_300_000),
        ("1,234.56", "utf-8", 1234.56),
        ("12 500,50 €", "cp1252", 12_500.5),
    ],
)
def test_german_amounts_read_exactly(tmp_path, written, encoding, value):
    projects = PROJECTS.replace(",5300000,", f',"{written}",')
    network = load_folder(write_folder(tmp_path, projects=projects.encode(encoding)))
    assert network.projects.set_index("id").at["di", "funding_federal_eur"] == pytest.approx(value)
    assert not [p for p in network.problems if p.column == "funding_federal_eur"]


def test_amount_that_cannot_be_read_exactly_is_named(tmp_path):
    projects = PROJECTS.replace(",5300000,", ',"1.234,5.6 €",')
    network = load_folder(write_folder(tmp_path, projects=projects))
    (note,) = [p for p in network.problems if p.column == "funding_federal_eur"]
    assert note.row == 2 and note.value == "1.234,5.6 €"
    assert pd.isna(network.projects.set_index("id").at["di", "funding_federal_eur"])


def test_excel_cells_are_read_as_what_they_show(tmp_path):
    """Number cells for keys keep their leading zero (by the cell's format, or restored
    and named), date cells are dates, decimals exact."""
    import datetime as dt

    munis = [row[:] for row in BOOK_MUNIS]
    munis[0] += ["ags", "population"]
    munis[1] += [5766040, 40000]  # formatted 00000000 below: Excel shows 05766040
    munis[2] += [5766036, 13000.0]  # no format: the zero is lost in the file
    munis[3] += ["03254021", None]
    projects = [row[:] for row in BOOK_PROJECTS]
    projects[0] += ["start", "funding_federal_eur"]
    projects[1] += [dt.datetime(2020, 12, 1), 5300000.5]
    projects[2] += [dt.date(2022, 1, 15), 15750000]
    folder = save_book(
        tmp_path / "book" / "netz.xlsx",
        {"municipalities": munis, "projects": projects},
        {("municipalities", "G2"): "00000000"},
    )
    network = load_folder(folder)
    by_id = network.municipalities.set_index("id")
    assert by_id["ags"].tolist() == ["05766040", "05766036", "03254021"]
    (zero,) = keyed(network, "read.leading_zero")
    assert (zero.row, zero.column, zero.value) == (3, "ags", "5766036")
    assert "05766036" in zero.message("en")
    assert by_id.at["kalletal", "population"] == 13000
    assert by_id.at["lemgo", "lat"] == 52.03
    assert network.projects["start"].tolist() == ["2020-12-01", "2022-01-15"]
    assert network.projects["funding_federal_eur"].tolist() == [5300000.5, 15750000]


def test_every_skipped_row_is_named_and_counted(tmp_path):
    from atlas.problems import skipped_rows

    projects = PROJECTS.replace("HI 2030", "HI, 2030") + ",Ohne Kennung,MPSC,,,,,,,,,,,,\n"
    network = load_folder(write_folder(tmp_path, projects=projects))
    assert network.projects.empty or "hi" not in set(network.projects["id"])
    skipped = {(p.file, p.row) for p in network.problems if "Zeile ausgelassen" in p.expected}
    assert skipped == {("projects.csv", 3), ("projects.csv", 4)}
    assert skipped_rows(network.problems) == 2


def test_a_quote_left_open_names_the_rows_it_swallowed(tmp_path):
    projects = PROJECTS.replace("digital.interkommunal", '"digital.interkommunal')
    network = load_folder(write_folder(tmp_path, projects=projects))
    (note,) = keyed(network, "read.multiline")
    assert (note.file, note.row, note.severity) == ("projects.csv", 2, "error")
    assert "3" in note.message("de") and "3" in note.message("en")


def test_office_csv_with_german_headers_title_row_and_trailing_separators(tmp_path):
    munis = (
        "Mitgliederliste Smart City Netzwerk;;;;;;;;\n"
        "Stand: 01.05.2024;;;;;;;;\n"
        ";;;;;;;;\n"
        "ID;Gemeindename;Art;Bundesland;Einwohner;Breitengrad;Längengrad;AGS;;\n"
        "lemgo;Lemgo;Stadt;Nordrhein-Westfalen;40.000;52,03;8,90;05766040;;\n"
        "kalletal;Kalletal;Gemeinde;Nordrhein-Westfalen;13.000;52,12;8,95;05766036;;\n"
        "hildesheim;Hildesheim;Stadt;Niedersachsen;100.000;52,15;9,95;03254021;;\n"
        ";;;;;;;;;\n;;;;;;;;;\n"
    )
    network = load_folder(write_folder(tmp_path, municipalities=munis))
    assert network.municipalities["id"].tolist() == ["lemgo", "kalletal", "hildesheim"]
    assert network.municipalities["population"].tolist() == [40000, 13000, 100000]
    assert network.municipalities["_line"].tolist() == [5, 6, 7]
    (title,) = keyed(network, "read.title_rows")
    assert title.row == 4
    (mapped,) = keyed(network, "read.headers_mapped")
    assert "Gemeindename → name" in mapped.expected and "Bundesland → state" in mapped.expected
    assert {p.key for p in network.problems} == {"read.title_rows", "read.headers_mapped"}


@pytest.mark.parametrize(
    ("case", "encode"),
    [
        ("Mac line endings", lambda text: text.replace("\n", "\r").encode()),
        ("Windows line endings", lambda text: text.replace("\n", "\r\n").encode()),
        ("Unicode text (UTF-16, tabs)", lambda text: text.replace(",", "\t").encode("utf-16")),
    ],
)
def test_line_endings_and_unicode_text_load(tmp_path, case, encode):
    network = load_folder(write_folder(tmp_path, municipalities=encode(MUNIS)))
    assert network.municipalities["name"].tolist() == ["Lemgo", "Kalletal", "Hildesheim"], case
    assert network.municipalities["_line"].tolist() == [2, 3, 4]
    assert network.problems == ()


@pytest.mark.parametrize(
    ("sheets", "taken"),
    [
        ({"Kommunen": BOOK_MUNIS, "Projekte": BOOK_PROJECTS}, {"Kommunen", "Projekte"}),
        ({"Tabelle1": BOOK_MUNIS, "Tabelle2": BOOK_PROJECTS}, {"Tabelle1", "Tabelle2"}),
        (
            {"Tabelle1": [["Mitglieder 2024"], [], *BOOK_MUNIS], "projects": BOOK_PROJECTS},
            {"Tabelle1"},
        ),
    ],
)
def test_workbook_sheets_with_office_names(tmp_path, sheets, taken):
    network = load_folder(save_book(tmp_path / "b" / "netz.xlsx", sheets))
    assert network.usable, [str(p) for p in network.problems]
    assert len(network.municipalities) == 3 and len(network.projects) == 2
    assert {p.value for p in keyed(network, "read.sheet_taken")} == taken


def test_csv_saved_with_the_xlsx_ending(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "netz.xlsx").write_text(MUNIS)
    network = load_folder(folder)
    assert len(network.municipalities) == 3
    assert keyed(network, "read.text_as_xlsx")


LIBRARY_WORDS = ("Error", "error", "pandas", "openpyxl", "engine", "unquoted", "Traceback", "int64")


@pytest.mark.parametrize(
    "files",
    [
        {"projects": PROJECTS.replace("HI 2030", 'HI "2030\r')},
        {"projects": b"\x00\x01\x02PK garbage"},
        {"municipalities": MUNIS.replace(",40000,", ",1e400,")},
        {"municipalities": "id\n" + "x\n" * 3},
        {"projects": PROJECTS.replace("HI 2030", "HI, 2030")},
    ],
)
def test_messages_are_plain_words_in_both_languages(tmp_path, files):
    network = load_folder(write_folder(tmp_path, **files))
    assert network.problems
    for p in network.problems:
        for lang in ("de", "en"):
            message = p.message(lang)
            assert not any(word in message for word in LIBRARY_WORDS), message
        assert p.file
        assert p.key and p.message("en") != p.message("de"), str(p)  # both languages


@pytest.mark.parametrize(
    ("header", "guess"),
    [("Einwohnerzahl_2023", "population"), ("Breitengrd", "lat"), ("Quelle/Link", "source")],
)
def test_unknown_header_names_the_column_it_probably_means(tmp_path, header, guess):
    first, rest = MUNIS.split("\n", 1)
    munis = first.replace(guess, header) + "\n" + rest
    network = load_folder(write_folder(tmp_path, municipalities=munis))
    (note,) = [p for p in network.problems if p.column == header]
    assert note.key == "read.unknown_column_guess" and f"„{guess}“" in note.message("de")
    assert f"“{guess}”" in note.message("en")


def test_writing_direction_controls_are_named(tmp_path):
    munis = MUNIS.replace("Lemgo,Stadt", "Lem\u202egogmeL,Stadt")
    network = load_folder(write_folder(tmp_path, municipalities=munis))
    (note,) = keyed(network, "read.bidi")
    assert (note.row, note.column) == (2, "name")


def test_overview_says_at_the_top_when_rows_were_left_out(monkeypatch, tmp_path):
    from tests.apptest import run_app

    projects = PROJECTS.replace("HI 2030,MPSC", "HI 2030,")  # no programme: left out
    at = run_app(monkeypatch, data_dir=write_folder(tmp_path, projects=projects))
    assert not at.exception
    assert "1 Zeile ausgelassen" in at.warning[0].value


def test_overview_has_no_such_notice_when_every_row_is_shown(monkeypatch):
    from tests.apptest import run_app

    clean = run_app(monkeypatch)  # the bundled data
    assert not clean.exception
    assert not [w.value for w in clean.warning if "ausgelassen" in w.value]


def test_page_tests_load_a_database_once_until_it_changes(tmp_path):
    """tests/apptest.loaded_once: the same stored bytes give the network loaded before; a
    write to the database, even one outside the app, gives a network loaded anew."""
    import sqlite3

    from atlas.store import open_store
    from tests.apptest import loaded_once

    path = tmp_path / "atlas.db"
    url = f"sqlite:///{path}"
    open_store(url).seed_from_folder(write_folder(tmp_path), "test")
    first = loaded_once(url, 1, "2026-01-01")
    assert loaded_once(url, 1, "2026-01-01") is first
    assert loaded_once(url, 1, "2026-06-01") is not first  # another day: phases differ
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE data_municipalities SET name = 'Neu' WHERE id = 'lemgo'")
    again = loaded_once(url, 1, "2026-01-01")
    assert again is not first
    assert "Neu" in set(again.municipalities["name"])
