"""The exchange format in words, generated from atlas.schema (so docs never drift).

python -m atlas.schema_doc > data/SCHEMA.md
"""

from __future__ import annotations

from atlas.schema import TABLES

TYPE_WORDS = {
    "id": "Kennung (eindeutig)",
    "text": "Text",
    "int": "ganze Zahl",
    "float": "Zahl (Dezimalpunkt oder -komma)",
    "date": "Datum (JJJJ-MM-TT, JJJJ-MM, JJJJ oder TT.MM.JJJJ)",
    "list": "Liste (mit ; getrennt)",
    "ref": "Verweis auf eine Kennung",
    "reflist": "Liste von Kennungen (mit ; getrennt)",
}


def markdown() -> str:
    lines = [
        "# Datenformat (Austauschformat)",
        "",
        "Erzeugt aus `atlas/schema.py` mit `python -m atlas.schema_doc`. Eine Tabelle je",
        "CSV-Datei (UTF-8, Kopfzeile) oder je Blatt einer Excel-Arbeitsmappe. Weitere Spalten",
        "sind erlaubt und bleiben erhalten.",
        "",
    ]
    for table in TABLES.values():
        needed = "Pflichttabelle" if table.required_table else "optional"
        lines += [f"## `{table.name}.csv` ({needed})", "", table.description, ""]
        lines += [
            "| Spalte | Typ | Pflicht | Erlaubte Werte | Beschreibung |",
            "|---|---|---|---|---|",
        ]
        for column in table.columns:
            allowed = ", ".join(column.allowed) if column.allowed else ""
            if column.refs:
                allowed = "Kennung aus " + " / ".join(f"`{r}`" for r in column.refs)
            required = "ja" if column.required else ""
            lines.append(
                f"| `{column.name}` | {TYPE_WORDS[column.type]} | {required} | {allowed} | {column.description} |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(), end="")
