"""Server-side run time of the timeline page (median of warm AppTest reruns), for the bundled
data and a synthetic 11,000-municipality / 20,000-project network, plus its building blocks.

    python -m benchmarks.timeline [--repeat 5]

Target: under 1 s per run at synthetic scale.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from atlas.timeline import (
    cohort_phase_counts,
    milestones,
    month_range,
    ordered_projects,
    phase_bars,
)
from benchmarks.common import median_seconds, row, run_as_a_running_server, synthetic_network

ROOT = Path(__file__).resolve().parent.parent


def page_seconds(folder: Path, repeat: int, params: dict | None = None) -> tuple[float, float]:
    """(first run incl. loading, median of warm reruns) of the timeline page."""
    os.environ["ATLAS_DATA_DIR"] = str(folder)
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/timeline.py")
    first = median_seconds(at.run, repeat=1)
    assert not at.exception, at.exception
    return first, median_seconds(at.run, repeat)


def parts_ms(folder: Path, repeat: int) -> dict[str, float]:
    """The pure functions alone, on the whole network."""
    today = dt.date.today()
    network = open_network(folder, today)
    dates = month_range(dt.date(2019, 1, 1), today, quarterly=len(network.projects) > 2000)
    return {
        "phase_bars": median_seconds(lambda: phase_bars(network, today), repeat) * 1000,
        "ordered_projects (state)": median_seconds(
            lambda: ordered_projects(network, "state", today), repeat
        )
        * 1000,
        "cohort_phase_counts": median_seconds(lambda: cohort_phase_counts(network, dates), repeat)
        * 1000,
        "milestones (6 months)": median_seconds(lambda: milestones(network, today, 6), repeat)
        * 1000,
    }


def main(argv=None) -> None:
    run_as_a_running_server()
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print("Timeline page, server side (AppTest), median of warm reruns")
    for label, folder in (
        ("bundled", BUNDLED_DATA_DIR),
        ("synthetic 11k/20k", synthetic_network()),
    ):
        for what, params in (("", None), (", group=topic, page 5", {"group": "topic"})):
            if params and label == "bundled":
                continue
            if params:
                params = {**params, "timeline_page": "5"}
            first, warm = page_seconds(folder, args.repeat, params)
            print(
                row(
                    f"{label}{what} (first run {first * 1000:.0f} ms)",
                    f"{warm * 1000:.0f} ms",
                    "target < 1000 ms",
                )
            )
        for part, ms in parts_ms(folder, args.repeat).items():
            print(row(f"  {label}: {part}", f"{ms:.0f} ms"))


if __name__ == "__main__":
    main()
