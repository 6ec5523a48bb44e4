"""The network's tables as files people open in Excel, and empty templates to fill in.

Exports are in the exchange format (what the importer reads back): lists joined with ";",
dates as ISO text, no computed columns. CSV is UTF-8 with BOM, ";"-separated with decimal
commas, as German Excel opens it with a double click. Any text cell starting with =, +, -
or @ is neutralised (atlas.spreadsheet), so it cannot run as a formula.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache

import pandas as pd

from atlas.network import Network
from atlas.schema import TABLES
from atlas.schema_doc import TYPE_WORDS
from atlas.spreadsheet import csv_bytes, xlsx_bytes

SHEET_NOTES = "Beschreibung"  # the importer ignores this sheet


def exchange_table(network: Network, name: str) -> pd.DataFrame:
    """One loaded table back in the exchange format (schema columns first, extras after)."""
    frame = network.table(name)
    schema = TABLES[name]
    extras = [
        c
        for c in frame.columns
        if c not in schema.column_names and not c.startswith("_") and not c.endswith("_dt")
    ]
    extras = [c for c in extras if c != "phase_now"]
    out = frame[schema.column_names + extras].copy()
    for column in schema.columns:
        if column.type in ("list", "reflist"):
            out[column.name] = out[column.name].map(
                lambda v: ";".join(v) if isinstance(v, tuple | list) else ("" if v is None else v)
            )
    return out


def exchange_tables(network: Network) -> dict[str, pd.DataFrame]:
    return {name: exchange_table(network, name) for name in TABLES}


def csv_zip(sheets: dict[str, pd.DataFrame], readme: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, frame in sheets.items():
            archive.writestr(f"{name}.csv", csv_bytes(frame))
        if readme:
            archive.writestr("LIESMICH.txt", readme.encode("utf-8-sig"))
    return out.getvalue()


def column_notes() -> pd.DataFrame:
    """Every column of every table: type, whether required, allowed values, description."""
    rows = []
    for table in TABLES.values():
        for column in table.columns:
            allowed = ", ".join(column.allowed) if column.allowed else ""
            if column.refs:
                allowed = "Kennung aus " + " / ".join(column.refs)
            rows.append(
                {
                    "Tabelle": table.name,
                    "Spalte": column.name,
                    "Typ": TYPE_WORDS[column.type],
                    "Pflicht": "ja" if column.required else "",
                    "Erlaubte Werte": allowed,
                    "Beschreibung": column.description,
                    "Tabelle Pflicht": "ja" if table.required_table else "optional",
                }
            )
    return pd.DataFrame(rows)


def empty_templates() -> dict[str, pd.DataFrame]:
    return {name: pd.DataFrame(columns=t.column_names) for name, t in TABLES.items()}


@cache  # the schema is fixed for a process: build the workbook once, not on every rerun
def template_xlsx() -> bytes:
    """One sheet per table (header only) and a sheet describing every column."""
    sheets = empty_templates() | {SHEET_NOTES: column_notes()}
    return xlsx_bytes(sheets)


def template_csv(table_name: str) -> bytes:
    """The header row of one table as CSV."""
    return csv_bytes(empty_templates()[table_name])


def template_zip() -> bytes:
    readme = (
        "Vorlagen für den Netzwerkatlas: eine CSV-Datei je Tabelle (nur Kopfzeile).\n"
        "Die Spalten sind in spalten.csv beschrieben. Trennzeichen ; oder , – beides wird\n"
        "gelesen, ebenso Windows-1252, Dezimalkomma und Datumsangaben wie 09.06.2022.\n"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, frame in empty_templates().items():
            archive.writestr(f"{name}.csv", csv_bytes(frame))
        archive.writestr("spalten.csv", csv_bytes(column_notes()))
        archive.writestr("LIESMICH.txt", readme.encode("utf-8-sig"))
    return out.getvalue()
