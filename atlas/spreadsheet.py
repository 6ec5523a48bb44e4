"""Tables as files people open in Excel: CSV (UTF-8 with BOM) and XLSX, formula-safe.

A cell starting with =, +, - or @ would run as a formula in a spreadsheet (a classic way
to smuggle commands into exported data), so such text cells get a leading apostrophe.
"""

from __future__ import annotations

import io
from functools import cache

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would read as formulas, prefixed with '."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_safe_cell)
    return out


def _safe_cell(value):
    if isinstance(value, tuple | list):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return neutralise(frame).to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            neutralise(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return out.getvalue()


@cache  # the schema is fixed for a process: build the workbook once, not on every rerun
def template_workbook() -> bytes:
    """An empty workbook in the exchange format: one sheet per table with its header row,
    and a sheet describing every column, all from atlas.schema (so it never drifts)."""
    from atlas.schema import TABLES

    sheets = {name: pd.DataFrame(columns=table.column_names) for name, table in TABLES.items()}
    sheets["Beschreibung"] = pd.DataFrame(
        [
            {
                "Tabelle": name,
                "Spalte": column.name,
                "Pflicht": "ja" if column.required else "",
                "Typ": column.type,
                "Erlaubte Werte": ", ".join(column.allowed or ()),
                "Beschreibung": column.description,
            }
            for name, table in TABLES.items()
            for column in table.columns
        ]
    )
    return xlsx_bytes(sheets)


def template_csv(table_name: str) -> bytes:
    """The header row of one table as CSV (UTF-8 with BOM)."""
    from atlas.schema import TABLES

    return csv_bytes(pd.DataFrame(columns=TABLES[table_name].column_names))
