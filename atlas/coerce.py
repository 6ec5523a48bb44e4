"""Typing one raw text table against its schema, reporting every bad cell.

Vectorised on purpose: a network of 20,000 projects must load in well under a second.
Severity: "fatal" the table cannot be used, "error" a row or value is not used,
"warning" the value is used but worth a look.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import numpy as np
import pandas as pd

from atlas.problems import Problem, problem
from atlas.schema import LIST_SEPARATORS, PHASE_ALIASES, Column, Table

_LIST_RE = re.compile("|".join(re.escape(s) for s in LIST_SEPARATORS))
_DATE_PATTERNS = (
    # (regex, year group, month group, day group)
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), 1, 2, 3),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), 1, 2, None),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), 3, 2, 1),
    (re.compile(r"^(\d{1,2})\.(\d{4})$"), 2, 1, None),
    (re.compile(r"^(\d{4})$"), 1, None, None),
)


def line_numbers(frame: pd.DataFrame) -> pd.Series:
    """Line in the file for each row (the header is line 1), as the reader recorded it."""
    if "_line" in frame:
        return pd.to_numeric(frame["_line"]).astype(int)
    return pd.Series(frame.index + 2, index=frame.index)


# warnings whose value is then not used (the row stays): the text says so
_NOT_USED = {"coerce.integer", "coerce.number", "coerce.number_too_large", "coerce.date"}
# integers are exact in a float up to 2**53; larger ones would silently change
MAX_INTEGER = 2**53
_THOUSANDS_DOTS = re.compile(r"[-+]?\d{1,3}(\.\d{3})+(,\d+)?")
_THOUSANDS_COMMAS = re.compile(r"[-+]?\d{1,3}(,\d{3})+\.\d+")
_SPACES = re.compile(r"[\s\u00a0\u202f]")


def parse_numbers(values: pd.Series, integer: bool, money: bool = False) -> pd.Series:
    """Numbers as offices write them: 1234.5, 1.234,5 (German), 1 234, 12,5 %, 3 €,
    250.000 € (a German thousand: for whole numbers, amounts and anything with €).
    Plain numbers take the fast path; only the rest goes through the German rules.
    NaN where the text is not a number this column can hold exactly."""
    numbers = pd.to_numeric(values.replace("", np.nan), errors="coerce").astype("float64")
    odd = numbers.isna() & (values != "")
    if integer or money:  # "1.234" is a German thousand, not one point two
        odd |= values.str.fullmatch(r"-?\d{1,3}(\.\d{3})+").fillna(False).astype(bool)
    if odd.any():
        numbers[odd] = values[odd].map(lambda v: _german_number(v, integer or money))
    numbers = numbers.where(np.isfinite(numbers), np.nan)
    if integer:
        whole = numbers == numbers.round()
        numbers = numbers.where(numbers.isna() | (whole & (numbers.abs() <= MAX_INTEGER)), np.nan)
    return numbers


def _german_number(text: str, thousands: bool) -> float:
    currency = "€" in text
    text = _SPACES.sub("", text).replace("€", "").replace("%", "")
    if _THOUSANDS_DOTS.fullmatch(text) and (thousands or currency or "," in text):
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS_DOTS.fullmatch(text) and text.count(".") > 1:
        text = text.replace(".", "")  # 1.234.567: dots can only be thousands
    elif _THOUSANDS_COMMAS.fullmatch(text):
        text = text.replace(",", "")  # 1,234.56: written the English way
    elif "," in text and "." not in text:
        text = text.replace(",", ".")
    elif "," in text:
        return np.nan  # both separators in no order we know: never guess
    try:
        return float(text)
    except ValueError:
        return np.nan


def parse_date(text: str) -> str | None:
    """One date as normalised ISO text (YYYY-MM-DD, YYYY-MM or YYYY), or None if invalid."""
    for pattern, y, m, d in _DATE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        iso = match.group(y)
        if m is not None:
            iso += "-" + match.group(m).zfill(2)
        if d is not None:
            iso += "-" + match.group(d).zfill(2)
        try:  # reject impossible calendar dates (2022-13, 31.02.2022)
            dt.date.fromisoformat((iso + "-01-01")[:10])
        except ValueError:
            return None
        return iso
    return None


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Normalised ISO text and a validity mask. Dates repeat a lot, so each distinct
    text is parsed once."""
    lookup = {v: parse_date(v) for v in values.unique() if v}
    result = values.map(lookup).astype(object)
    return result, result.notna()


def date_bounds(iso: pd.Series, end: bool) -> pd.Series:
    """Timestamps for ISO text of any precision: a period's start, or its last day for ends."""
    lookup = {v: _bound(v, end) for v in iso.dropna().unique()}
    return pd.to_datetime(iso.map(lookup), errors="coerce")


def _bound(iso: str, end: bool) -> pd.Timestamp:
    day = pd.Timestamp((iso + "-01-01")[:10])
    if end and len(iso) == 7:
        return day + pd.offsets.MonthEnd(0)
    if end and len(iso) == 4:
        return day + pd.offsets.YearEnd(0)
    return day


def _map_unique(values: pd.Series, parse) -> pd.Series:
    """Apply `parse` once per distinct text: cells repeat a lot in real tables."""
    lookup = {v: parse(v) for v in values.unique()}
    return pd.Series([lookup[v] for v in values], index=values.index, dtype=object)


def _parse_list(text: str, lookup: dict[str, str] | None) -> tuple[tuple, tuple]:
    """'a; b|c' -> (known items in canonical spelling, unknown items)."""
    items = [i.strip() for i in _LIST_RE.split(text)] if text else []
    items = [i for i in items if i]
    if lookup is None:
        return tuple(items), ()
    known = tuple(lookup[i.lower()] for i in items if i.lower() in lookup)
    return known, tuple(i for i in items if i.lower() not in lookup)


def _canonical(allowed: tuple[str, ...], aliases: dict[str, str]) -> dict[str, str]:
    lookup = {a.lower(): a for a in allowed}
    lookup.update({k.lower(): v for k, v in aliases.items()})
    return lookup


class TableCoercer:
    """Types one table; collects problems; marks rows to drop."""

    def __init__(self, table: Table, raw: pd.DataFrame, file: str):
        self.table, self.file = table, file
        self.frame = raw.reset_index(drop=True).copy()
        # the reader's notes on the file (its headers, for header_notes) stay with the raw
        # table: pandas deep-copies a frame's attrs in every operation, which on the typed
        # tables and everything made from them would be copying for nothing
        self.frame.attrs = {}
        self.lines = line_numbers(self.frame)
        self.problems: list[Problem] = []
        self.drop = pd.Series(False, index=self.frame.index)

    def report(self, mask: pd.Series, column: str, key: str, severity: str, values=None, **params):
        """One problem per marked row; `key` names the text in atlas.text_problems."""
        if not mask.any():  # most checks mark no row: nothing to say or drop
            return
        values = self.frame[column] if values is None else values
        drops = severity == "error" and self.table.column(column).required
        if drops:  # say why a row is missing from the network
            params["outcome"] = "left_out"
        elif severity == "warning" and key in _NOT_USED:
            params["outcome"] = "not_used"
        for idx in mask[mask].index:
            value = values[idx]
            text = "; ".join(value) if isinstance(value, tuple) else str(value)
            self.problems.append(
                problem(
                    self.file,
                    self.table.name,
                    int(self.lines[idx]),
                    column,
                    text,
                    key,
                    severity,
                    **params,
                )
            )
        if drops:
            self.drop |= mask

    def run(self) -> tuple[pd.DataFrame | None, list[Problem]]:
        missing = [c.name for c in self.table.columns if c.required and c.name not in self.frame]
        one_column = len([c for c in self.frame.columns if c != "_line"]) == 1
        key = "coerce.missing_column_one" if one_column else "coerce.missing_column"
        expected = ", ".join(self.table.column_names)
        for name in missing:
            self.problems.append(
                problem(self.file, self.table.name, 1, name, None, key, "fatal", names=expected)
            )
        if missing:
            return None, self.problems
        self._order_columns()
        for column in self.table.columns:
            self.frame[column.name] = self.frame[column.name].astype(str).str.strip()
            self.coerce(column)
        self.frame["_line"] = self.lines
        # plain Python strings: the filters and scores iterate ids in Python, which is
        # several times faster on object columns than on pandas' Arrow-backed strings
        for name in self.frame.columns:
            if pd.api.types.is_string_dtype(self.frame[name]) and self.frame[name].dtype != object:
                self.frame[name] = self.frame[name].astype(object)
        return self.frame[~self.drop].reset_index(drop=True), self.problems

    def _order_columns(self) -> None:
        """The file's known columns, the known columns it lacks (empty), then its other
        columns: the order the database gives the same table, so a network reads the same
        from a folder and from the database even when a file lacks an optional column."""
        names = self.table.column_names
        present = [c for c in self.frame.columns if c != "_line"]
        known = [c for c in present if c in names]
        absent = [c for c in names if c not in self.frame]
        others = [c for c in present if c not in names]
        line = ["_line"] if "_line" in self.frame else []
        self.frame = self.frame.reindex(columns=known + absent + others + line, fill_value="")

    def coerce(self, column: Column) -> None:
        values = self.frame[column.name]
        empty = values == ""
        if column.required and column.type not in ("list", "reflist"):
            self.report(empty, column.name, "coerce.required", "error")
        getattr(self, f"_coerce_{column.type}")(column, values, empty)

    def _coerce_id(self, column: Column, values: pd.Series, empty: pd.Series) -> None:
        duplicated = values.duplicated(keep="first") & ~empty
        self.report(duplicated, column.name, "coerce.duplicate_id", "error")

    def _coerce_text(self, column: Column, values: pd.Series, empty: pd.Series) -> None:
        if column.allowed is None:
            return
        lookup = _canonical(column.allowed, PHASE_ALIASES if column.name == "phase" else {})
        mapped = values.str.lower().map(lookup)
        unknown = mapped.isna() & ~empty
        allowed = ", ".join(column.allowed)
        severity = "error" if column.required else "warning"
        self.report(unknown, column.name, "coerce.unknown_value", severity, allowed=allowed)
        self.frame[column.name] = mapped.where(~unknown, None).where(~empty, None)

    _coerce_ref = _coerce_text

    def _coerce_number(self, column: Column, values: pd.Series, empty: pd.Series, integer: bool):
        numbers = parse_numbers(values, integer, money=column.name.endswith("_eur"))
        bad = numbers.isna() & ~empty
        key = "coerce.integer" if integer else "coerce.number"
        severity = "error" if column.required else "warning"
        if integer:  # a whole number too large to hold exactly is named as such
            huge = bad & values.str.fullmatch(r"[-+]?\d{16,}").fillna(False).astype(bool)
            limit = f"{MAX_INTEGER:,}".replace(",", ".")
            self.report(huge, column.name, "coerce.number_too_large", severity, limit=limit)
            bad &= ~huge
        self.report(bad, column.name, key, severity)
        self.frame[column.name] = numbers.astype("Int64" if integer else "float64")

    def _coerce_int(self, column, values, empty):
        self._coerce_number(column, values, empty, integer=True)

    def _coerce_float(self, column, values, empty):
        self._coerce_number(column, values, empty, integer=False)

    def _coerce_date(self, column: Column, values: pd.Series, empty: pd.Series) -> None:
        iso, ok = parse_dates(values)
        bad = ~ok & ~empty
        severity = "error" if column.required else "warning"
        self.report(bad, column.name, "coerce.date", severity)
        self.frame[column.name] = iso.where(ok, None)
        self.frame[f"{column.name}_dt"] = date_bounds(iso, end=column.name == "end")

    def _coerce_list(self, column: Column, values: pd.Series, empty: pd.Series) -> None:
        lookup = _canonical(column.allowed, {}) if column.allowed is not None else None
        parsed = _map_unique(values, lambda text: _parse_list(text, lookup))
        items = parsed.map(lambda pair: pair[0])
        if column.required:
            self.report(items.map(len) == 0, column.name, "coerce.list_empty", "error")
        if lookup is not None:
            unknown = parsed.map(lambda pair: pair[1])
            allowed = ", ".join(column.allowed)
            self.report(
                unknown.map(len) > 0,
                column.name,
                "coerce.unknown_item",
                "warning",
                values=unknown,
                allowed=allowed,
            )
        self.frame[column.name] = items

    _coerce_reflist = _coerce_list


def coerce_table(
    table: Table, raw: pd.DataFrame, file: str
) -> tuple[pd.DataFrame | None, list[Problem]]:
    return TableCoercer(table, raw, file).run()


def empty_table(table: Table) -> pd.DataFrame:
    """A typed, empty table, for optional tables a folder does not have: a copy of one
    typed once per table (typing runs every column's checks, even with no rows)."""
    return _typed_empty(table).copy()


@functools.cache
def _typed_empty(table: Table) -> pd.DataFrame:
    raw = pd.DataFrame({c: pd.Series(dtype=str) for c in table.column_names})
    frame, _ = coerce_table(table, raw, "")
    return frame
