"""Tables as files people open in Excel: CSV (UTF-8 with BOM, German Excel's ";") and
XLSX, formula-safe. The templates built from the schema are in atlas.export.

A cell starting with =, +, - or @ would run as a formula in a spreadsheet (a classic way
to smuggle commands into exported data), so such text cells get a leading apostrophe.
"""

from __future__ import annotations

import io

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
    """UTF-8 with BOM, ";" and decimal comma: German Excel opens it as columns."""
    return (
        neutralise(frame)
        .to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
        .encode("utf-8-sig")
    )


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            neutralise(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return out.getvalue()
