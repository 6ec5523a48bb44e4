"""Property-based tests of the readers: whatever bytes arrive, no exception; whatever a
spreadsheet or CSV writer produces, every value is read as written, or its row is named
in a note."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas.importer import Upload, read_uploads
from atlas.readers import read_csv_bytes, read_workbook
from atlas.spreadsheet import unguard

SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
HEADER = ["id", "name", "programme", "municipality_ids"]
# what offices type: letters with umlauts, digits, punctuation, spaces, the euro sign
TEXT = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 .,;:-+=@'\"/()&%§€äöüÄÖÜß\t")
    ),
    max_size=12,
)


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from(["projects.csv", "x.csv", "n.xlsx", "a.txt"]))
def test_random_bytes_never_raise(data, name):
    frames, files, problems = read_uploads([Upload(name, data)])
    assert isinstance(frames, dict) and isinstance(problems, list)
    frame, found = read_csv_bytes(data, "p.csv", "projects")
    assert frame is None or "_line" in frame
    assert frame is not None or found  # nothing read is always explained


@SETTINGS
@given(st.binary(max_size=3000))
def test_random_bytes_after_a_zip_signature_never_raise(data):
    frames, problems = read_workbook(b"PK\x03\x04" + data, "n.xlsx")
    assert frames == {} or all("_line" in f for f in frames.values())
    assert frames or problems


@SETTINGS
@given(
    rows=st.lists(st.lists(TEXT, min_size=4, max_size=4), min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    terminator=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_csv_dialects_read_every_value_or_name_its_row(
    rows, delimiter, quoting, terminator, encoding
):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=terminator)
    writer.writerow(HEADER)
    writer.writerows(rows)
    frame, problems = read_csv_bytes(out.getvalue().encode(encoding), "p.csv", "projects")
    named = {p.row for p in problems if p.severity in ("error", "fatal")}
    if frame is None:
        assert any(p.severity == "fatal" for p in problems)
        return
    by_line = {line: i for i, line in enumerate(frame["_line"])}
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank row is no data
        if number not in by_line:
            assert number in named, (number, row, [str(p) for p in problems])
            continue
        read = [frame.iloc[by_line[number]][c] for c in HEADER]
        # the one documented reading rule: our export's formula protection is undone
        assert read == [unguard(cell) for cell in row] or number in named


CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    TEXT.filter(lambda s: not s.startswith("=")),  # openpyxl would write a formula
)


def expected_text(value) -> str | None:
    """What a cell must read as, or None where the check is numeric."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "WAHR" if value else "FALSCH"
    if isinstance(value, dt.datetime):
        value = value.replace(microsecond=0)  # Excel keeps milliseconds at most
        return value.date().isoformat() if value.time() == dt.time(0) else None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return None
    return unguard(value)


@SETTINGS
@given(st.lists(st.lists(CELL, min_size=4, max_size=4), min_size=1, max_size=6))
def test_xlsx_cell_types_are_read_as_written(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "projects"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    frames, problems = read_workbook(out.getvalue(), "n.xlsx")
    # numbers as the file holds them (an XLSX keeps about 16 significant digits)
    held = [
        [cell.value for cell in line]
        for line in openpyxl.load_workbook(io.BytesIO(out.getvalue())).active.iter_rows(min_row=2)
    ]
    assert not [p for p in problems if p.severity == "fatal"], [str(p) for p in problems]
    frame = frames.get("projects")
    named = {p.row for p in problems}
    by_line = {} if frame is None else {line: i for i, line in enumerate(frame["_line"])}
    for number, row in enumerate(rows, start=2):
        line = held[number - 2] if number - 2 < len(held) else []
        stored = line + [None] * (4 - len(line))
        row = [
            s if isinstance(v, int | float) and not isinstance(v, bool) else v
            for v, s in zip(row, stored, strict=True)
        ]
        texts = [expected_text(v) for v in row]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        assert number in by_line, (number, row)
        read = [frame.iloc[by_line[number]][c] for c in HEADER]
        for value, want, got in zip(row, texts, read, strict=True):
            if want is not None:
                assert got == want or number in named, (value, got)
            elif isinstance(value, dt.datetime):
                assert dt.datetime.fromisoformat(got) - value.replace(microsecond=0) < dt.timedelta(
                    seconds=1
                )
            else:
                assert float(got) == float(value), (value, got)
