"""A validation problem: where it is and what was expected, in words a user can act on."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd


@dataclass(frozen=True)
class Problem:
    file: str  # file name as the user knows it (e.g. "projects.csv")
    table: str
    row: int | None  # line number in the file (header = line 1); None for file-level
    column: str | None
    value: str | None
    expected: str  # what was expected, in words
    severity: str = "error"  # "fatal": table unusable, "error": row skipped, "warning": kept

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", Zeile {self.row}"
        if self.column:
            where += f", Spalte „{self.column}“"
        value = "" if self.value is None else f": Wert „{_short(self.value)}“"
        return f"{where}{value} – {self.expected}"


def _short(value: str, limit: int = 80) -> str:
    value = str(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """The report as a table (file, row, column, value, expected, severity)."""
    columns = ["severity", "file", "row", "column", "value", "expected"]
    if not problems:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame([asdict(p) for p in problems])
    frame["value"] = frame["value"].map(lambda v: None if v is None else _short(v))
    return frame[columns]
