"""Exports open in Excel with umlauts intact and never run a cell as a formula."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from atlas.spreadsheet import csv_bytes, neutralise, xlsx_bytes

HOSTILE = pd.DataFrame(
    {
        "name": [
            '=HYPERLINK("http://x","klick")',
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "Lemgo",
            "Göttingen",
        ],
        "topics": [("Mobilität", "Umwelt"), (), ("=1",), ("a",), ("b",), ("c",)],
        "n": [1, 2, 3, 4, 5, 6],
    }
)


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x","klick")', "+1+1", "-2+3", "@SUM(A1)"])
def test_formula_cells_are_neutralised(cell):
    assert (
        neutralise(HOSTILE).set_index("n")["name"].tolist()[HOSTILE["name"].tolist().index(cell)]
        == "'" + cell
    )


def test_csv_has_bom_and_safe_cells():
    data = csv_bytes(HOSTILE)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "Göttingen" in text and "'=HYPERLINK" in text
    assert "Mobilität; Umwelt" in text and "'=1" in text


def test_xlsx_cells_are_text_not_formulas():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"Vorschläge": HOSTILE})))
    sheet = book["Vorschläge"]
    values = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert values[:4] == ['\'=HYPERLINK("http://x","klick")', "'+1+1", "'-2+3", "'@SUM(A1)"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_templates_follow_the_schema(tmp_path):
    from atlas.export import template_csv, template_xlsx
    from atlas.network import load_folder
    from atlas.schema import TABLES

    book = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    assert set(TABLES) <= set(book.sheetnames) and "Beschreibung" in book.sheetnames
    header = [cell.value for cell in book["projects"][1]]
    assert header == TABLES["projects"].column_names
    described = {(row[0].value, row[1].value) for row in book["Beschreibung"].iter_rows(min_row=2)}
    assert ("municipalities", "lat") in described
    # the empty templates are a valid (empty) network: what the app reads, the template writes
    for name in ("municipalities", "projects"):
        (tmp_path / f"{name}.csv").write_bytes(template_csv(name))
    assert load_folder(tmp_path).usable
