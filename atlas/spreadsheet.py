"""Tables as files people open in Excel: CSV (UTF-8 with BOM, German Excel's ";") and
XLSX, formula-safe. The templates built from the schema are in atlas.export.

A cell a spreadsheet would run as a formula (a classic way to smuggle commands into
exported data) gets a leading apostrophe: everything starting with = or @, and a + or -
followed by a calculation, a function or a cell reference. A telephone number
("+49 5261 12345") or a word after a dash ("-Vorhaben") is data and stays as it is.
`unguard` undoes exactly what `guard` did, so export → import is an exact round trip, a
real leading apostrophe included.
"""

from __future__ import annotations

import io
import re

import pandas as pd

ALWAYS_FORMULA = ("=", "@", "\t", "\r", "\n")
SIGNS = ("+", "-")
# after a sign, any of these makes a spreadsheet calculate: operators, a function call,
# a range, a sheet or DDE reference, a string
_CALCULATION = re.compile(r"""[-+*/^&=<>():;!|"$%@{}\[\]]""")
# a cell reference (A1, $B$2, XFD1048576) or R1C1
_REFERENCE = re.compile(r"(?<![^\W\d_])\$?[A-Za-z]{1,3}\$?\d+(?!\w)|\b[Rr]\d+[Cc]\d+\b")
# characters an XLSX file cannot hold (openpyxl refuses them)
_NOT_IN_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def is_formula(text: str) -> bool:
    """Would a spreadsheet run this text (typed into a cell or opened from CSV)?"""
    if text.startswith(ALWAYS_FORMULA):
        return True
    if text.startswith(SIGNS):
        rest = text[1:]
        return bool(_CALCULATION.search(rest) or _REFERENCE.search(rest))
    return False


def needs_guard(text: str) -> bool:
    """A formula, or a real leading apostrophe that `unguard` would otherwise take away."""
    return is_formula(text) or (text.startswith("'") and _guarded(text))


def _guarded(text: str) -> bool:
    return text[1:2] in ALWAYS_FORMULA + SIGNS + ("'",) and len(text) > 1


def guard(text):
    return "'" + text if isinstance(text, str) and needs_guard(text) else text


def unguard(text):
    """A cell as it was before `guard` (also reads files older versions protected)."""
    if isinstance(text, str) and text.startswith("'") and _guarded(text):
        return text[1:]
    return text


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells (and headers) that a spreadsheet would read as formulas, prefixed with '."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_safe_cell)
    out.columns = [guard(str(c)) if isinstance(c, str) else c for c in out.columns]
    return out


def _safe_cell(value):
    if isinstance(value, tuple | list):
        value = "; ".join(str(v) for v in value)
    return guard(value)


def _xlsx_cell(value):
    """XLSX cannot hold control characters such as NUL: shown as � instead of failing."""
    if isinstance(value, str) and _NOT_IN_XLSX.search(value):
        return _NOT_IN_XLSX.sub("\ufffd", value)
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
            safe = neutralise(frame)
            for column in safe.columns:
                if not pd.api.types.is_numeric_dtype(safe[column]):
                    safe[column] = safe[column].map(_xlsx_cell)
            safe.columns = [_xlsx_cell(c) for c in safe.columns]
            safe.to_excel(writer, sheet_name=name[:31], index=False)
    return out.getvalue()
