"""A validation problem: where it is and what was expected, in words a user can act on."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

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
    # the text's key in atlas.text_problems and its placeholders, so the report can be
    # shown in the interface language; `expected` holds the German text
    key: str = ""
    params: tuple[tuple[str, str], ...] = ()

    def message(self, lang: str = "de") -> str:
        """What was expected, in the interface language."""
        if not self.key:
            return self.expected
        from atlas.text import t  # atlas.text imports the schema; keep this module light

        params = dict(self.params)
        text = t(self.key, lang, **params)
        outcome = params.get("outcome")
        return f"{text} {t('outcome.' + outcome, lang)}" if outcome else text

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", Zeile {self.row}"
        if self.column:
            where += f", Spalte „{self.column}“"
        value = "" if self.value is None else f": Wert „{_short(self.value)}“"
        return f"{where}{value} – {self.expected}"


def problem(
    file: str,
    table: str,
    row: int | None,
    column: str | None,
    value: str | None,
    key: str,
    severity: str = "error",
    **params,
) -> Problem:
    """A problem whose text comes from atlas.text_problems (both languages)."""
    pairs = tuple((name, str(v)) for name, v in params.items())
    found = Problem(file, table, row, column, value, "", severity, key, pairs)
    return replace(found, expected=found.message("de"))


def skipped_rows(problems) -> int:
    """How many rows of the files are not in the loaded network: each row-level error
    (a row left out) counted once per file and line."""
    return len(skipped(problems))


def skipped(problems) -> list[Problem]:
    """The first problem of each row left out of the loaded network, in report order."""
    found: dict[tuple, Problem] = {}
    for p in problems:
        if p.row is not None and p.row > 1 and p.severity == "error" and _skips(p):
            found.setdefault((p.file, p.row), p)
    return list(found.values())


def _skips(problem: Problem) -> bool:
    # every path that leaves a row out says so in its text (atlas.coerce, atlas.network,
    # atlas.readers), so the user reads why, and this count stays in step with it
    return "Zeile ausgelassen" in problem.expected or "Zeile wird ausgelassen" in problem.expected


def _short(value: str, limit: int = 80) -> str:
    value = str(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def problems_frame(problems: list[Problem], lang: str = "de") -> pd.DataFrame:
    """The report as a table (file, row, column, value, expected, severity)."""
    columns = ["severity", "file", "row", "column", "value", "expected"]
    if not problems:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame([asdict(p) for p in problems])
    frame["expected"] = [p.message(lang) for p in problems]
    frame["value"] = frame["value"].map(lambda v: None if v is None else _short(v))
    return frame[columns]


def problems_json(problems: Sequence[Problem]) -> str:
    return json.dumps([asdict(p) for p in problems], ensure_ascii=False)


def problems_from_json(text: str | None) -> tuple[Problem, ...]:
    """Problems as problems_json stored them; nothing stored (a database seeded before
    the report was kept) is no problem."""
    found = []
    for item in json.loads(text) if text else []:
        item["params"] = tuple(tuple(pair) for pair in item.get("params", ()))
        found.append(Problem(**item))
    return tuple(found)
