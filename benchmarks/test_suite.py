"""How long the test suite takes, against a baseline commit in the same run.

    python -m benchmarks.test_suite --baseline <commit> [pytest arguments]

runs the tests as `make test` does (`pytest -n 2 --dist loadgroup`), first on the baseline
commit (extracted to a temporary folder with `git archive`), then on the working tree,
and prints for each: wall time; CPU time (user + sys of pytest and everything it waited
for: its processes and served apps); the machine's busy time over the run (every
process's CPU time, from /proc/stat: the browsers too, which Playwright's driver starts
and pytest never waits for, so the CPU time misses them; on a browser test about half
of the work); busy time / 2 (the floor on a quiet 2-core machine); when each of the two
processes finished its last test; the CPU time by kind of process (sampled from /proc:
the browsers of the browser tests, the PDF renderer's Chromium, the served apps, pytest's
processes, anything else); and the slowest tests; then the ratios. Without pytest
arguments the whole suite runs; name files or `-m "not browser"` for a part. On a busy
machine wall times grow with the load, and the busy time counts the other load too; the
CPU ratio stays comparable.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Loaded into pytest and its processes (-p): each process notes when it finished a test.
PLUGIN = """
import os, time

def pytest_runtest_logfinish(nodeid, location):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with open(os.path.join(os.environ["SUITE_TIMES"], worker), "a") as out:
        out.write(f"{time.time()}\\n")
"""


def extract(commit: str, target: Path) -> Path:
    """The baseline commit's files in `target` (no git work tree; nothing is checked out)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", commit],
        check=True,
        capture_output=True,
    ).stdout
    with tempfile.TemporaryFile() as tar:
        tar.write(archive)
        tar.seek(0)
        with tarfile.open(fileobj=tar) as files:
            files.extractall(target, filter="data")
    return target


def busy_seconds() -> float:
    """CPU time the machine has spent outside idle since it started, all processes and
    cores together (Linux's /proc/stat; 0 where there is none)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:9]
    except OSError:
        return 0.0
    user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in fields)
    ticks = user + nice + system + irq + softirq + steal
    return ticks / os.sysconf("SC_CLK_TCK")


KINDS = ("browser", "PDF renderer", "served apps", "pytest", "other")


def kind_of(pid: str, commands: dict[str, str], parents: dict[str, str]) -> str:
    """What a process is, by its command line and its parents' (KINDS)."""
    command = commands.get(pid, "")
    chain, seen = [], pid
    while seen in commands and len(chain) < 20:
        chain.append(commands[seen])
        seen = parents.get(seen, "")
    if "chromium" in command or "chrome" in command:
        return "PDF renderer" if any("choreographer" in c for c in chain) else "browser"
    if "streamlit" in command and " run " in f" {command} ":
        return "served apps"
    if "pytest" in command or any("pytest" in c for c in chain[1:]):
        return "pytest"
    return "other"


class CpuByKind(threading.Thread):
    """Samples every process's CPU time (/proc) while the tests run; `stop()` gives what
    each kind of process used (a process living less than a sample apart is missed)."""

    def __init__(self, every: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.every, self.halt = every, threading.Event()
        self.first: dict[str, float] = {}
        self.last: dict[str, tuple[str, float]] = {}
        self.sample(first=True)

    def sample(self, first: bool = False) -> None:
        commands, parents, used = {}, {}, {}
        for entry in Path("/proc").iterdir() if Path("/proc/stat").exists() else []:
            if not entry.name.isdigit():
                continue
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError, UnicodeDecodeError):
                continue
            commands[entry.name], parents[entry.name] = command.strip(), stat[1]
            used[entry.name] = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
        for pid, seconds in used.items():
            if first:
                self.first[pid] = seconds
            elif commands[pid] or pid not in self.last:  # an ended process keeps its kind
                known = self.last.get(pid)
                kind = known[0] if known else kind_of(pid, commands, parents)
                self.last[pid] = (kind, seconds)
            else:
                self.last[pid] = (self.last[pid][0], seconds)

    def run(self) -> None:
        while not self.halt.wait(self.every):
            self.sample()

    def stop(self) -> dict[str, float]:
        self.halt.set()
        self.join()
        self.sample()
        seconds = dict.fromkeys(KINDS, 0.0)
        for pid, (kind, used) in self.last.items():
            seconds[kind] += used - self.first.get(pid, 0.0)
        return seconds


def run(tree: Path, args: list[str], scratch: Path) -> dict:
    """One pytest run in `tree`: its wall and CPU time, the processes' finish times."""
    times = scratch / "times"
    times.mkdir()
    (scratch / "suite_times_plugin.py").write_text(PLUGIN)
    report = scratch / "report.xml"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(scratch), os.environ.get("PYTHONPATH", "")]),
        "SUITE_TIMES": str(times),
    }
    command = [
        sys.executable,
        *("-m", "pytest", "-n", "2", "--dist", "loadgroup", "-q", "-p", "no:cacheprovider"),
        *("-p", "suite_times_plugin", f"--junitxml={report}", *args),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy = busy_seconds()
    kinds = CpuByKind()
    kinds.start()
    start = time.time()
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    wall = time.time() - start
    busy = busy_seconds() - busy
    by_kind = kinds.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    finished = {
        f.name: max(float(line) for line in f.read_text().split()) - start
        for f in sorted(times.iterdir())
    }
    if len(finished) > 1:  # with pytest-xdist the main process only relays the reports
        finished.pop("main", None)
    tests = []
    if report.exists():
        for case in ET.parse(report).getroot().iter("testcase"):
            tests.append(
                (float(case.get("time", 0)), f"{case.get('classname')}::{case.get('name')}")
            )
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:]
    return {
        "wall": wall,
        "cpu": cpu,
        "busy": busy,
        "by_kind": by_kind,
        "finished": finished,
        "tests": tests,
        "summary": summary,
    }


def show(name: str, result: dict, slowest: int) -> None:
    print(f"\n{name}: {result['summary']}")
    print(
        f"  wall {result['wall']:.0f} s, CPU {result['cpu']:.0f} s, machine busy "
        f"{result['busy']:.0f} s, busy / 2 {result['busy'] / 2:.0f} s"
    )
    kinds = ", ".join(f"{kind} {result['by_kind'][kind]:.0f} s" for kind in KINDS)
    print(f"  CPU by process: {kinds}")
    ends = ", ".join(f"{w} {t:.0f} s" for w, t in result["finished"].items())
    print(f"  last test finished: {ends}")
    for seconds, test in sorted(result["tests"], reverse=True)[:slowest]:
        print(f"  {seconds:7.1f} s  {test}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", required=True, help="the commit to compare with")
    parser.add_argument("--slowest", type=int, default=15)
    options, pytest_args = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="suite-") as scratch:
        scratch = Path(scratch)
        (scratch / "base").mkdir()
        (scratch / "base_run").mkdir()
        (scratch / "head_run").mkdir()
        base_tree = extract(options.baseline, scratch / "base")
        base = run(base_tree, pytest_args, scratch / "base_run")
        head = run(ROOT, pytest_args, scratch / "head_run")
    show(f"baseline {options.baseline}", base, options.slowest)
    show("working tree", head, options.slowest)
    print(
        f"\nworking tree / baseline: wall {head['wall'] / base['wall']:.2f}, "
        f"CPU {head['cpu'] / base['cpu']:.2f}, machine busy {head['busy'] / base['busy']:.2f}"
    )


if __name__ == "__main__":
    main()
