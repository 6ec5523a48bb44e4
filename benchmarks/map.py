"""Map page: server-side run time (median of warm AppTest reruns) and the size of what is
sent to the browser (the deck spec), bundled data and synthetic 11,000 / 20,000.

    python -m benchmarks.map

Targets: under 1 s and under 5 MB at scale. The boundary files are not in the spec: the
browser fetches them once from the app's static files (1.6 MB, cached).
"""

from __future__ import annotations

import os

import streamlit as st
from streamlit.testing.v1 import AppTest

from atlas.network import BOUNDARY_DIR, BUNDLED_DATA_DIR
from benchmarks.common import median_seconds, row, run_as_a_running_server, synthetic_network
from benchmarks.pages import ROOT
from components.memo import PREFIX as MEMO_PREFIX


def measure(folder, params: dict) -> tuple[float, float, int]:
    """(rerun with the same view, run after the view changed, bytes of what the map is
    sent to draw).
    A click on the map or a panel button is a rerun with the same view; a filter change
    recomputes the filtered view, the layers and the deck, simulated by dropping what the
    session remembered (components.memo)."""
    os.environ["ATLAS_DATA_DIR"] = str(folder)
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/map.py")
    at.run()
    assert not at.exception, at.exception
    rerun = median_seconds(at.run, repeat=3)

    def changed_view():
        for key in [k for k in at.session_state if k.startswith(MEMO_PREFIX)]:
            del at.session_state[key]
        at.run()

    fresh = median_seconds(changed_view, repeat=3)
    (drawn,) = (
        element.proto.json
        for element in at.get("bidi_component")
        if element.proto.component_name.endswith("atlas_map")
    )
    size = len(drawn.encode())
    return rerun, fresh, size


def main() -> None:
    run_as_a_running_server()
    boundaries = sum(p.stat().st_size for p in BOUNDARY_DIR.glob("*.geojson"))
    tiles = {z: list((BOUNDARY_DIR / "tiles" / str(z)).rglob("*.pbf")) for z in (4, 5)}
    print("Map page (server side, AppTest), and what the map is sent on each run")
    for label, folder in (
        ("bundled", BUNDLED_DATA_DIR),
        ("synthetic 11k/20k", synthetic_network()),
    ):
        for mode in ("points", "districts"):
            rerun, fresh, size = measure(folder, {"mode": mode})
            print(row(f"{label}, {mode}: rerun, same view", f"{rerun * 1000:.0f} ms"))
            print(
                row(f"{label}, {mode}: run after a filter change", f"{fresh * 1000:.0f} ms")
                + "target < 1000 ms"
            )
            print(row(f"{label}, {mode}: map spec sent", f"{size / 1e6:.2f} MB", "target < 5 MB"))
    print(row("boundary files, fetched once from /app/static/geo", f"{boundaries / 1e6:.2f} MB"))
    for zoom, files in tiles.items():  # Germany on the page's map (4) or a slide (5)
        size = sum(p.stat().st_size for p in files)
        print(row(f"boundary tiles at zoom {zoom} (all of Germany)", f"{size / 1e3:.0f} kB"))


if __name__ == "__main__":
    main()
