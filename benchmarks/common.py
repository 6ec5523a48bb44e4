"""Helpers shared by the benchmark commands: timing medians and a synthetic network on disk."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
import urllib.request
from functools import cache
from pathlib import Path

from atlas.synth import write_network

# The app keeps its data in SQLite files (one per data folder) under XDG_DATA_HOME;
# benchmarks must not leave theirs in the user's home folder, so they get a throwaway one.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="atlas-bench-data-")


def median_seconds(action, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@cache
def synthetic_network(municipalities: int = 11_000, projects: int = 20_000) -> Path:
    """Written once per benchmark process into a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    return write_network(folder, municipalities, projects)


def row(label: str, value: str, target: str = "") -> str:
    return f"{label:<72} {value:>14}   {target}"


def run_as_a_running_server() -> None:
    """AppTest treats every run like a new server's first one, in two ways a running server
    does not, so measuring them on every run would inflate the figures:
    - Streamlit would run a pages/ file alone (components.pages_folder.ServerPagesManager
      makes it behave like a server past its first run).
    - Each run gets a fresh ScriptCache, so app.py and the page are read, rewritten for
      "magic" and compiled again; a real server keeps one ScriptCache and compiles a script
      once (until the file changes). Both apply to the empty page too."""
    import streamlit.testing.v1.app_test as app_test
    import streamlit.testing.v1.local_script_runner as local_script_runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    from components.pages_folder import ServerPagesManager

    server_cache = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: server_cache
    app_test.PagesManager = ServerPagesManager


def wait_until_healthy(base: str, process, log_path: Path, seconds: float) -> None:
    """Until a served app answers its health check; the end of its log if it died or took
    longer than `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(Path(log_path).read_text()[-2000:]) from None
            time.sleep(0.3)


def stop(process) -> None:
    """End a served app or proxy: politely, then for sure after ten seconds."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
