"""Load + validate time and peak memory, bundled data and a synthetic 11,000/20,000 network.

    python -m benchmarks.load

Peak memory is measured in a fresh subprocess per case (ru_maxrss minus the RSS after
imports), so one case cannot inflate the next.
"""

from __future__ import annotations

import json
import subprocess
import sys

from atlas.network import BUNDLED_DATA_DIR
from benchmarks.common import row, synthetic_network

PROBE = """
import datetime as dt, json, resource, sys, time
from atlas.source import open_network
import pandas, numpy  # imported before the baseline so only the load is measured
def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20
base = rss_mb()
times = []
for _ in range(5):
    t = time.perf_counter()
    network = open_network(sys.argv[1], dt.date.today())
    times.append(time.perf_counter() - t)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
times.sort()
print(json.dumps({"median": times[2], "first": times[0], "peak_mb": peak - base,
                  "rows": [len(network.municipalities), len(network.projects)],
                  "problems": len(network.problems)}))
"""


def measure(folder) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(folder)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    print("Load + validate (median of 5 runs, fresh process per case)")
    for label, folder in (
        ("bundled data", BUNDLED_DATA_DIR),
        ("synthetic 11,000 municipalities / 20,000 projects", synthetic_network()),
    ):
        result = measure(folder)
        rows = f"{result['rows'][0]:,} munis / {result['rows'][1]:,} projects"
        print(row(f"{label}: time", f"{result['median'] * 1000:.0f} ms", "target < 1000 ms"))
        print(
            row(
                f"{label}: peak memory above imports",
                f"{result['peak_mb']:.0f} MB",
                "target < 300 MB",
            )
        )
        print(row(f"{label}: loaded", rows, f"{result['problems']} problems"))


if __name__ == "__main__":
    main()
