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
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
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


class SharedStrings:
    """Text cells as Excel writes them: each distinct text once, cells point to it."""

    def __init__(self):
        self.index: dict[str, int] = {}

    def cell(self, ref: str, value) -> str:
        if isinstance(value, int | float):
            return f'<c r="{ref}"><v>{value}</v></c>'
        n = self.index.setdefault(str(value), len(self.index))
        return f'<c r="{ref}" t="s"><v>{n}</v></c>'

    def xml(self) -> str:
        items = "".join(
            "<si><t>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</t></si>"
            for text in self.index
        )
        return f'<sst {_NS} count="{len(self.index)}" uniqueCount="{len(self.index)}">{items}</sst>'


def rows_xml(rows, strings: SharedStrings) -> str:
    """rows: iterable of (row number, {column index: value})."""
    parts = []
    for number, cells in rows:
        inner = "".join(
            strings.cell(f"{column_letters(i)}{number}", v) for i, v in sorted(cells.items())
        )
        parts.append(f'<row r="{number}">{inner}</row>')
    return "".join(parts)


def workbook(
    sheets: dict[str, object], dimension: str | None = None, level: int = 6, filler: str = ""
) -> bytes:
    """An XLSX file from sheet name -> rows (row number, {column index: value}); `filler`
    is whitespace after the rows (it compresses to almost nothing)."""
    strings = SharedStrings()
    bodies = {name: rows_xml(rows, strings) + filler for name, rows in sheets.items()}
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
        rels += (
            f'<Relationship Id="rId{len(names) + 1}" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        archive.writestr("xl/sharedStrings.xml", strings.xml())
        for i, name in enumerate(names):
            dim = f'<dimension ref="{dimension}"/>' if dimension else ""
            archive.writestr(
                f"xl/worksheets/sheet{i + 1}.xml",
                f"<worksheet {_NS}>{dim}<sheetData>{bodies[name]}</sheetData></worksheet>",
            )
    return out.getvalue()


HEADER = ["id", "name", "programme", "municipality_ids", "cohort"]


def project_rows(n: int, start: int = 2):
    yield 1, dict(enumerate(HEADER))
    for i in range(n):
        yield start + i, {0: f"p{i}", 1: f"Projekt {i % 500}", 2: "MPSC", 3: "lemgo", 4: i}


# --- the crafted files ----------------------------------------------------------------


def xlsx_far_column() -> bytes:
    """One cell in column XFD (the last Excel has): 16,384 columns declared."""
    rows = [(1, dict(enumerate(HEADER)) | {16383: "x"}), (2, {0: "p1", 1: "a", 2: "M", 3: "l"})]
    return workbook({"projects": rows}, dimension="A1:XFD2")


def xlsx_far_column_undeclared() -> bytes:
    """The same, with a dimension that lies (A1:D2)."""
    rows = [(1, dict(enumerate(HEADER)) | {16383: "x"}), (2, {0: "p1", 1: "a", 2: "M", 3: "l"})]
    return workbook({"projects": rows}, dimension="A1:E2")


def xlsx_rows(n: int, declared: bool = True) -> bytes:
    rows = project_rows(n)
    return workbook({"projects": rows}, dimension=f"A1:E{n + 1}" if declared else None)


def xlsx_compressed(unpacked_mb: int) -> bytes:
    """A sheet of mostly whitespace: a few hundred KB that unpack to `unpacked_mb` MB."""
    filler = " " * (unpacked_mb * 1024 * 1024)
    return workbook({"projects": project_rows(2)}, level=9, filler=filler)


def csv_rows(n: int) -> bytes:
    lines = [",".join(HEADER)] + [f"p{i},P{i % 500},M,lemgo,{i}" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def csv_short_rows(n: int) -> bytes:
    lines = [",".join(HEADER)] + [f"p{i},P,M,l," for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def csv_columns(n: int) -> bytes:
    header = HEADER + [f"extra{i}" for i in range(n - len(HEADER))]
    return (
        ",".join(header) + "\n" + ",".join(["p1", "a", "M", "lemgo"] + [""] * 4) + "\n"
    ).encode()


def csv_long_header(chars: int) -> bytes:
    return ("id,name,programme,municipality_ids," + "x" * chars + "\np1,a,M,lemgo,1\n").encode()


# --- measuring ------------------------------------------------------------------------

PROBE = """
import json, sys, time
from pathlib import Path
import pandas, openpyxl  # imported before the baseline so only the read is measured
from atlas.importer import Upload, read_uploads
def kb(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field))
path = Path(sys.argv[1])
data = path.read_bytes()
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the high-water mark: the peak below is the read's alone
base = kb("VmRSS:")
start, cpu = time.perf_counter(), time.thread_time()
frames, files, problems = read_uploads([Upload(path.name, data)])
seconds, cpu = time.perf_counter() - start, time.thread_time() - cpu
peak = (kb("VmHWM:") - base) / 1024
fatal = [p.message("en") for p in problems if p.severity == "fatal"]
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak,
                  "rows": sum(len(f) for f in frames.values()), "refused": fatal[:1]}))
"""


def measure(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def cases() -> list[tuple[str, str, object, str, object]]:
    """(label, crafted file name, its builder, normal file name, its builder): built one at
    a time, so the benchmark process itself stays small."""
    return [
        (
            "XLSX, one cell in column XFD",
            "far.xlsx",
            lambda: xlsx_far_column(),
            "n.xlsx",
            lambda: xlsx_rows(2),
        ),
        (
            "XLSX, column XFD, dimension lies",
            "far2.xlsx",
            lambda: xlsx_far_column_undeclared(),
            "n.xlsx",
            lambda: xlsx_rows(2),
        ),
        (
            "XLSX, 1,000,000 rows (vs 20,000)",
            "rows.xlsx",
            lambda: xlsx_rows(1_000_000),
            "n.xlsx",
            lambda: xlsx_rows(20_000),
        ),
        (
            "XLSX, 1,000,000 rows, no dimension",
            "rows2.xlsx",
            lambda: xlsx_rows(1_000_000, declared=False),
            "n.xlsx",
            lambda: xlsx_rows(20_000),
        ),
        (
            "XLSX, 150,000 rows, no dimension: streamed to the row limit",
            "rows3.xlsx",
            lambda: xlsx_rows(150_000, declared=False),
            "n.xlsx",
            lambda: xlsx_rows(20_000),
        ),
        (
            "XLSX, unpacks to 300 MB (vs a normal 2-row file)",
            "bomb.xlsx",
            lambda: xlsx_compressed(300),
            "n.xlsx",
            lambda: xlsx_rows(2),
        ),
        (
            "CSV, 2,200,000 rows (vs 20,000)",
            "projects.csv",
            lambda: csv_rows(2_200_000),
            "projects.csv",
            lambda: csv_rows(20_000),
        ),
        (
            "CSV, 1,500,000 short rows (under the size limit; vs 20,000)",
            "projects.csv",
            lambda: csv_short_rows(1_500_000),
            "projects.csv",
            lambda: csv_rows(20_000),
        ),
        (
            "CSV, 15,000 columns",
            "projects.csv",
            lambda: csv_columns(15_000),
            "projects.csv",
            lambda: csv_rows(2),
        ),
        (
            "CSV, 200 KB header line",
            "projects.csv",
            lambda: csv_long_header(200_000),
            "projects.csv",
            lambda: csv_rows(2),
        ),
    ]


def main() -> None:
    print(row("crafted file (normal file of the same class)", "crafted  /  normal"))
    with tempfile.TemporaryDirectory(prefix="atlas-crafted-") as folder:
        for label, name, build, normal_name, build_normal in cases():
            results = []
            for file_name, builder in ((name, build), (normal_name, build_normal)):
                path = Path(folder) / "case" / file_name
                path.parent.mkdir(exist_ok=True)
                content = builder()
                path.write_bytes(content)
                size = len(content) / 1024
                del content
                results.append(measure(path) | {"kb": size})
                path.unlink()
            bad, ok = results
            print(f"{label}  [{bad['kb']:,.0f} KB vs {ok['kb']:,.0f} KB]")
            ratio = bad["cpu"] / max(ok["cpu"], 1e-3)
            print(
                row("  processor seconds", f"{bad['cpu']:.2f} / {ok['cpu']:.2f}", f"x{ratio:.2f}")
            )
            print(
                row(
                    "  wall seconds (machine shared)", f"{bad['seconds']:.2f} / {ok['seconds']:.2f}"
                )
            )
            ratio = bad["peak_mb"] / max(ok["peak_mb"], 0.1)
            peaks = f"{bad['peak_mb']:.1f} / {ok['peak_mb']:.1f}"
            print(row("  peak MB of the read", peaks, f"x{ratio:.2f}"))
            print(row("  rows read", f"{bad['rows']} / {ok['rows']}"))
            print(row("  refused with", (bad["refused"] or ["(read)"])[0][:60]))


if __name__ == "__main__":
    main()
