"""Server-side run time of each page (median of several AppTest reruns with warm caches),
next to an empty Streamlit page on the same machine and to the app's frame with an empty
page, for the bundled data and a synthetic 11,000-municipality / 20,000-project network.
It also measures what Streamlit alone costs for the frame's widgets and the overview's
charts (benchmarks.streamlit_floor), the floor no page with those elements can go below.

    python -m benchmarks.pages [--repeat 5]

Targets: within 3x the empty page on bundled data; under 1 s at scale.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import tempfile
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from atlas.network import BUNDLED_DATA_DIR
from benchmarks import streamlit_floor
from benchmarks.common import median_seconds, row, run_as_a_running_server, synthetic_network

ROOT = Path(__file__).resolve().parent.parent
EMPTY_PAGE = "import streamlit as st\nst.title('Leer')\n"


def registered_pages() -> list[str]:
    """The page files app.py registers (commented-out ones are not built yet)."""
    source = (ROOT / "app.py").read_text()
    return re.findall(r'^\s*st\.Page\(\s*"(pages/\w+\.py)"', source, flags=re.M)


def page_seconds(page: str, repeat: int) -> tuple[float, float]:
    """(first run incl. loading, median warm rerun) for one page."""
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page)
    first = median_seconds(at.run, repeat=1)
    assert not at.exception, at.exception
    return first, median_seconds(at.run, repeat)


def empty_seconds(repeat: int) -> float:
    at = AppTest.from_string(EMPTY_PAGE)
    at.run()
    return median_seconds(at.run, repeat)


def script_seconds(path: Path, repeat: int) -> float:
    at = AppTest.from_file(str(path), default_timeout=300)
    at.run()
    assert not at.exception, at.exception
    return median_seconds(at.run, repeat)


def frame_copy() -> Path:
    """app.py with every page file empty: what the frame alone (navigation, filter sidebar,
    language switch, "save view") costs on each run, the floor under every page."""
    folder = Path(tempfile.mkdtemp(prefix="atlas-frame-"))
    shutil.copy(ROOT / "app.py", folder / "app.py")
    (folder / "static").symlink_to(ROOT / "static")
    (folder / "pages").mkdir()
    for page in registered_pages():
        (folder / page).write_text("")
    return folder


def frame_seconds(repeat: int) -> float:
    st.cache_data.clear()
    return script_seconds(frame_copy() / "app.py", repeat)


def main(argv=None) -> None:
    run_as_a_running_server()
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--bundled-only", action="store_true", help="skip the synthetic network")
    parser.add_argument("--page", help="only this page, e.g. pages/overview.py")
    args = parser.parse_args(argv)
    empty = empty_seconds(args.repeat)
    print("Page run time, server side (AppTest), median of warm reruns")
    print(row("empty Streamlit page", f"{empty * 1000:.1f} ms"))
    for label, path in streamlit_floor.script_files().items():
        floor = script_seconds(path, args.repeat)
        print(row(label, f"{floor * 1000:.1f} ms", f"{floor / empty:.1f}x empty"))
    os.environ["ATLAS_DATA_DIR"] = str(BUNDLED_DATA_DIR)
    frame = frame_seconds(args.repeat)
    print(
        row(
            "bundled: the frame with an empty page",
            f"{frame * 1000:.1f} ms",
            f"{frame / empty:.1f}x empty",
        )
    )
    networks = [("bundled", lambda: BUNDLED_DATA_DIR)]
    if not args.bundled_only:
        networks.append(("synthetic 11k/20k", synthetic_network))
    for label, folder in networks:
        os.environ["ATLAS_DATA_DIR"] = str(folder())
        for page in [args.page] if args.page else registered_pages():
            first, warm = page_seconds(page, args.repeat)
            target = (
                f"{warm / empty:.1f}x empty (target <= 3x), {warm / frame:.1f}x frame"
                if label == "bundled"
                else "target < 1000 ms"
            )
            print(
                row(
                    f"{label}: {page} (first run {first * 1000:.0f} ms)",
                    f"{warm * 1000:.1f} ms",
                    target,
                )
            )


if __name__ == "__main__":
    main()
