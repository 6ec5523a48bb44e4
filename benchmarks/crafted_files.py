"""Memory and time of the worst crafted files the readers are shown, next to a normal file
of the same size class, in one run.

    python -m benchmarks.crafted_files

Each file is built in a temporary folder (never kept) and read in a fresh subprocess, so
the peak memory (ru_maxrss minus the RSS after imports) is that file's alone. The crafted
files are those a review found costly before the readers measured files first: one cell
in column XFD, a million XLSX rows, a 2.2-million-row CSV, 15,000 columns, a highly
compressed workbook, a 200 KB header line. Printed as ratios against the normal file.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from benchmarks.common import row

# --- building XLSX files by hand (openpyxl would hold every cell in memory) --------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def column_letters(index: int) -> str:
    """0 -> A, 16383 -> XFD."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_xml(ref: str, value) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value).replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def rows_xml(rows) -> str:
    """rows: iterable of (row number, {column index: value})."""
    parts = []
    for number, cells in rows:
        inner = "".join(
            cell_xml(f"{column_letters(i)}{number}", v) for i, v in sorted(cells.items())
        )
        parts.append(f'<row r="{number}">{inner}</row>')
    return "".join(parts)


def workbook(sheets: dict[str, str], dimension: str | None = None, level: int = 6) -> bytes:
    """An XLSX file from sheet name -> the XML inside <sheetData>."""
    out = io.BytesIO()
    names = list(sheets)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        overrides = "".join(_SHEET_TYPE.format(n=i + 1) for i in range(len(names)))
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets=overrides))
        archive.writestr("_rels/.rels", _RELS)
        entries = "".join(
            f'<sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
            for i, name in enumerate(names)
        )
        archive.writestr(
            "xl/workbook.xml", f"<workbook {_NS} {_NS_R}><sheets>{entries}</sheets></workbook>"
        )
        rels = "".join(
            f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(len(names))
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        for i, name in enumerate(names):
            dim = f'<dimension ref="{dimension}"/>' if dimension else ""
            archive.writestr(
                f"xl/worksheets/sheet{i + 1}.xml",
                f"<worksheet {_NS}>{dim}<sheetData>{sheets[name]}</sheetData></worksheet>",
            )
    return out.getvalue()


HEADER = ["id", "name", "programme", "municipality_ids"]


def project_rows(n: int, start: int = 2):
    yield 1, dict(enumerate(HEADER))
    for i in range(n):
        yield start + i, {0: f"p{i}", 1: f"Projekt {i}", 2: "MPSC", 3: "lemgo"}


# --- the crafted files ----------------------------------------------------------------


def xlsx_far_column() -> bytes:
    """One cell in column XFD (the last Excel has): 16,384 columns declared."""
    rows = [(1, dict(enumerate(HEADER)) | {16383: "x"}), (2, {0: "p1", 1: "a", 2: "M", 3: "l"})]
    return workbook({"projects": rows_xml(rows)}, dimension="A1:XFD2")


def xlsx_far_column_undeclared() -> bytes:
    """The same, with a dimension that lies (A1:D2)."""
    rows = [(1, dict(enumerate(HEADER)) | {16383: "x"}), (2, {0: "p1", 1: "a", 2: "M", 3: "l"})]
    return workbook({"projects": rows_xml(rows)}, dimension="A1:D2")


def xlsx_rows(n: int, declared: bool = True) -> bytes:
    xml = rows_xml(project_rows(n))
    return workbook({"projects": xml}, dimension=f"A1:D{n + 1}" if declared else None)


def xlsx_compressed(unpacked_mb: int) -> bytes:
    """A sheet of mostly whitespace: a few hundred KB that unpack to `unpacked_mb` MB."""
    filler = " " * (unpacked_mb * 1024 * 1024)
    xml = rows_xml(project_rows(2)) + filler
    return workbook({"projects": xml}, level=9)


def csv_rows(n: int) -> bytes:
    lines = [",".join(HEADER)] + [f"p{i},P{i},M,lemgo" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def csv_columns(n: int) -> bytes:
    header = HEADER + [f"extra{i}" for i in range(n - len(HEADER))]
    return (
        ",".join(header) + "\n" + ",".join(["p1", "a", "M", "lemgo"] + [""] * 4) + "\n"
    ).encode()


def csv_long_header(chars: int) -> bytes:
    return ("id,name,programme,municipality_ids," + "x" * chars + "\np1,a,M,lemgo,\n").encode()


# --- measuring ------------------------------------------------------------------------

PROBE = """
import json, resource, sys, time
from pathlib import Path
import pandas, openpyxl  # imported before the baseline so only the read is measured
from atlas.importer import Upload, read_uploads
def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20
path = Path(sys.argv[1])
data = path.read_bytes()
base = rss_mb()
start = time.perf_counter()
frames, files, problems = read_uploads([Upload(path.name, data)])
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
fatal = [p.message("en") for p in problems if p.severity == "fatal"]
print(json.dumps({"seconds": seconds, "peak_mb": peak - base,
                  "rows": sum(len(f) for f in frames.values()), "refused": fatal[:1]}))
"""


def measure(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def cases() -> list[tuple[str, str, bytes, str, bytes]]:
    """(label, crafted file name, crafted bytes, normal file name, normal bytes)."""
    return [
        ("XLSX, one cell in column XFD", "far.xlsx", xlsx_far_column(), "n.xlsx", xlsx_rows(2)),
        (
            "XLSX, column XFD, dimension lies",
            "far2.xlsx",
            xlsx_far_column_undeclared(),
            "n.xlsx",
            xlsx_rows(2),
        ),
        (
            "XLSX, 1,000,000 rows (vs 20,000)",
            "rows.xlsx",
            xlsx_rows(1_000_000),
            "n.xlsx",
            xlsx_rows(20_000),
        ),
        (
            "XLSX, 1,000,000 rows, no dimension",
            "rows2.xlsx",
            xlsx_rows(1_000_000, declared=False),
            "n.xlsx",
            xlsx_rows(20_000),
        ),
        (
            "XLSX, unpacks to 1 GB (vs a normal 2-row file)",
            "bomb.xlsx",
            xlsx_compressed(1024),
            "n.xlsx",
            xlsx_rows(2),
        ),
        (
            "CSV, 2,200,000 rows (vs 20,000)",
            "projects.csv",
            csv_rows(2_200_000),
            "projects.csv",
            csv_rows(20_000),
        ),
        ("CSV, 15,000 columns", "projects.csv", csv_columns(15_000), "projects.csv", csv_rows(2)),
        (
            "CSV, 200 KB header line",
            "projects.csv",
            csv_long_header(200_000),
            "projects.csv",
            csv_rows(2),
        ),
    ]


def main() -> None:
    print(row("crafted file (normal file of the same class)", "crafted  /  normal"))
    with tempfile.TemporaryDirectory(prefix="atlas-crafted-") as folder:
        for label, name, data, normal_name, normal in cases():
            results = []
            for file_name, content in ((name, data), (normal_name, normal)):
                path = Path(folder) / "case" / file_name
                path.parent.mkdir(exist_ok=True)
                path.write_bytes(content)
                results.append(measure(path) | {"kb": len(content) / 1024})
                path.unlink()
            bad, ok = results
            print(f"{label}  [{bad['kb']:,.0f} KB vs {ok['kb']:,.0f} KB]")
            print(row("  seconds", f"{bad['seconds']:.2f} / {ok['seconds']:.2f}"))
            ratio = bad["peak_mb"] / max(ok["peak_mb"], 1)
            peaks = f"{bad['peak_mb']:.0f} / {ok['peak_mb']:.0f}"
            print(row("  peak MB over imports", peaks, f"ratio {ratio:.1f}"))
            print(row("  refused with", (bad["refused"] or ["(read)"])[0][:60]))


if __name__ == "__main__":
    main()
