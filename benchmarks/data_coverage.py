"""How complete the bundled facts are: projects with end date, funding, dated phases,
a known phase today, and rows citing a full source URL.

    .venv/bin/python -m benchmarks.data_coverage [--before REV] [--day YYYY-MM-DD]

--before REV also reads data/*.csv as committed in git revision REV and prints both
columns, so a change to the data can be judged against what it replaced.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import tempfile
from pathlib import Path

from atlas.coverage import data_coverage
from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network

REPO = BUNDLED_DATA_DIR.parent
LABELS = {
    "end": "projects with end date",
    "end_or_reason": "projects with end date or documented reason",
    "funding": "projects with funding amount",
    "dated_phases": "projects with dated phases",
    "phase_known": "projects with current phase known",
    "source_url": "rows with a full source URL (all tables)",
}


def committed_data(rev: str) -> Path:
    """data/*.csv of a git revision in a temporary folder (geo files are not needed)."""
    folder = Path(tempfile.mkdtemp(prefix="atlas-coverage-"))
    names = subprocess.run(
        ["git", "ls-tree", "--name-only", f"{rev}:data"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for name in names:
        if name.endswith(".csv"):
            content = subprocess.run(
                ["git", "show", f"{rev}:data/{name}"], cwd=REPO, check=True, capture_output=True
            ).stdout
            (folder / name).write_bytes(content)
    return folder


def figures(folder: Path, day: dt.date) -> dict[str, tuple[int, int]]:
    table = data_coverage(open_network(folder, day))
    return {r.key: (r.known, r.total) for r in table.itertuples()}


def cell(known: int, total: int) -> str:
    return f"{known}/{total} ({100 * known / total:.0f} %)" if total else "–"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="git revision whose data/ to compare against")
    parser.add_argument("--day", default=dt.date.today().isoformat(), help="day for phases")
    args = parser.parse_args()
    day = dt.date.fromisoformat(args.day)
    after = figures(BUNDLED_DATA_DIR, day)
    before = figures(committed_data(args.before), day) if args.before else None
    print(f"data coverage, phases as of {day.isoformat()}")
    header = f"{'':<48} {'now':>16}"
    if before:
        header += f" {'before (' + args.before[:10] + ')':>22}"
    print(header)
    for key, label in LABELS.items():
        line = f"{label:<48} {cell(*after[key]):>16}"
        if before:
            line += f" {cell(*before[key]):>22}"
        print(line)


if __name__ == "__main__":
    main()
