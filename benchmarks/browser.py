"""First settled load of each page in Debian chromium, against a trivial Streamlit app with
the same page paths measured in the same run, and a filter change on the overview.

A load: a fresh browser context (empty cache, no cookies) opens the page's link; it is
settled when Streamlit has finished the run, the app's map has drawn everything it was sent
(MapLibre idle; the trivial app's deck chart: its canvas is there; on the map page the map
must be there at all), the app's charts have drawn their figures, no element waits for its
code (Streamlit's placeholders, in the sidebar too), and the page's elements stopped
changing (polled every 50 ms, three equal polls). Both apps are served by `streamlit run`
on loopback ports; each page is opened once before measuring (a server's first run of a
page pays its imports), then --repeat rounds load it in the trivial app and in the app,
back to back: the figure is the median of the rounds' ratios (the machine is shared, and
its load changes between rounds more than within one), beside the median times.

    python -m benchmarks.browser [--repeat 5] [--synthetic] [--pages map,timeline]

Targets: each page <= 2x the trivial app's on the bundled data, <= 3x at 11,000
municipalities (--synthetic); the filter change on the overview settled in < 1 s.

Beside the map, the trivial app's empty map (Streamlit's deck chart with no layer over the
app's own style) shows what a map costs in this browser before anything is drawn on it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import row, stop, synthetic_network, wait_until_healthy
from components.map_deck import INITIAL_VIEW, LOCAL_STYLE

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["", "map", "timeline", "cooperation", "profiles", "data", "present", "about"]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
CHROMIUM_ARGS += ["--disable-background-networking", "--disable-component-update"]
SETTLED = """(needsMap) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const main = document.querySelector('[data-testid="stMain"]');
    // the app's map (.atlas-map) counts once MapLibre has drawn everything it was sent,
    // the trivial app's deck chart once its canvas is there. The map's code loads after
    // the page's first elements, so on the map page the map must be there at all (else
    // the page settled without it).
    const deck = main && main.querySelector('[data-testid="stDeckGlJsonChart"], .atlas-map');
    const drawn = deck && (deck.classList.contains('atlas-map')
        ? deck.dataset.drawn === '1' : deck.querySelector('canvas'));
    // the app's charts (.atlas-chart) count once plotly.js has drawn them
    const charts = [...app.querySelectorAll('.atlas-chart')];
    // the sidebar counts too: its widgets show as placeholders until their code has loaded
    if (!app || !main || !main.querySelector('h1, h3') || (deck && !drawn)
        || charts.some((c) => !c.dataset.drawn)
        || (needsMap && !deck) || app.querySelector('[data-testid="stSkeleton"]')
        || app.getAttribute('data-test-script-state') !== 'notRunning') {
        window.__last = null; window.__stable = 0; return false;
    }
    const now = app.querySelectorAll('*').length;
    window.__stable = window.__last === now ? (window.__stable || 0) + 1 : 0;
    window.__last = now;
    return window.__stable >= 3;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The map's floor: a page of the trivial app with Streamlit's deck chart and no layer, over
# the app's own MapLibre style (served the same way, by static serving): what any map in
# st.pydeck_chart costs before the first member is drawn.
EMPTY_MAP = "empty-map"
EMPTY_MAP_PAGE = f"""import pydeck as pdk
import streamlit as st
st.title("empty map")
st.pydeck_chart(pdk.Deck(layers=[], map_style={LOCAL_STYLE!r}, map_provider="maplibre",
    initial_view_state=pdk.ViewState(**{INITIAL_VIEW!r})))
"""


def write_trivial_app(folder: Path) -> Path:
    """st.navigation over the app's page paths, each page a title and one line of text,
    and the empty map (EMPTY_MAP)."""
    (folder / "views").mkdir(parents=True)
    names = [p or "overview" for p in PAGES]
    lines = ["import streamlit as st", "pages = ["]
    for i, name in enumerate(names):
        (folder / "views" / f"{name}.py").write_text(
            f"import streamlit as st\nst.title({name!r})\nst.write('x')\n"
        )
        lines.append(f"    st.Page('views/{name}.py', url_path={name!r}, default={i == 0}),")
    (folder / "views" / "empty_map.py").write_text(EMPTY_MAP_PAGE)
    lines.append(f"    st.Page('views/empty_map.py', url_path={EMPTY_MAP!r}),")
    lines += ["]", "st.navigation(pages).run()", ""]
    (folder / "app.py").write_text("\n".join(lines))
    shutil.copytree(ROOT / "static", folder / "static")
    (folder / ".streamlit").mkdir()
    (folder / ".streamlit" / "config.toml").write_text("[server]\nenableStaticServing = true\n")
    return folder / "app.py"


@contextlib.contextmanager
def served(script: Path, env: dict):
    port = free_port()
    log_path = Path(tempfile.mkdtemp(prefix="atlas-bench-log-")) / "server.log"
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    command += ["--browser.gatherUsageStats", "false"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=script.parent,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, process, log_path, 120)
        yield base
    finally:
        stop(process)


def settled_load(browser, url: str, sizes: dict | None = None, needs_map: bool = False) -> float:
    """Seconds from opening the link in a fresh context to the settled page. With `sizes`,
    the bytes of Streamlit's messages the page received are added to sizes["socket"]
    (what the app sends for the page; scripts and static files are the same for every
    app and come from the browser's cache after the first visit)."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="de-DE")
    received = {"socket": 0}

    def on_socket(socket) -> None:
        socket.on("framereceived", lambda payload: _add(received, "socket", len(payload)))

    try:
        page = context.new_page()
        if sizes is not None:
            page.on("websocket", on_socket)
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_function(SETTLED, arg=needs_map, timeout=180_000, polling=50)
        seconds = time.perf_counter() - start
        if sizes is not None:
            sizes["socket"] = sizes.get("socket", 0) + received["socket"]
        return seconds
    finally:
        context.close()


def _add(totals: dict, key: str, amount: int) -> None:
    totals[key] += amount


def filter_change(browser, base: str) -> float:
    """Seconds from choosing a state in the sidebar filter to the settled overview."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(base)
        page.wait_for_function(SETTLED, arg=False, timeout=120_000, polling=50)
        header = page.locator('[data-testid="stMain"] [data-testid="stMarkdown"]').first
        before = header.inner_text()
        page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
        option = page.get_by_role("option").first
        option.wait_for()
        start = time.perf_counter()
        option.click()
        page.wait_for_function(
            "(before) => { const h = document.querySelector("
            '\'[data-testid="stMain"] [data-testid="stMarkdown"]\');'
            " return h && h.innerText !== before; }",
            arg=before,
            timeout=60_000,
            polling=50,
        )
        page.wait_for_function(SETTLED, arg=False, timeout=60_000, polling=50)
        return time.perf_counter() - start
    finally:
        context.close()


def paired_loads(browser, urls: dict[str, bool], repeat: int) -> tuple[list, dict]:
    """`urls`: url -> whether its page must show a map. Each url loaded once to warm its
    server (its first run of the page pays imports), then `repeat` rounds of one load of
    each, back to back, so each round's loads see the same machine: ([seconds per url,
    round by round], bytes one load of the last url received, as in settled_load)."""
    sizes: dict = {}
    last = list(urls)[-1]
    for url, needs_map in urls.items():
        settled_load(browser, url, sizes if url == last else None, needs_map)
    rounds = [
        [settled_load(browser, url, None, m) for url, m in urls.items()] for _ in range(repeat)
    ]
    return rounds, sizes


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--synthetic", action="store_true", help="11,000 municipalities")
    parser.add_argument("--pages", help="comma-separated paths (overview is the empty one)")
    parser.add_argument(
        "--no-filter-change", action="store_true", help="only the page loads, not the filter"
    )
    args = parser.parse_args(argv)
    pages = [("" if p == "overview" else p) for p in args.pages.split(",")] if args.pages else PAGES
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("needs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="atlas-browser-bench-"))
    env = {"ATLAS_DB_PATH": str(work / "atlas.db")}
    label = "bundled"
    if args.synthetic:
        env["ATLAS_DATA_DIR"] = str(synthetic_network())
        label = "synthetic 11k/20k"
    trivial = write_trivial_app(work / "trivial")
    target = 3 if args.synthetic else 2
    with (
        served(ROOT / "app.py", env) as app,
        served(trivial, {}) as floor,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        print(f"First settled load in a fresh context, median of {args.repeat} ({label})")
        for path in pages:
            # the trivial app and the app in turns, a ratio per round (the machine is
            # shared: its load changes between rounds more than within one); the median
            # of the rounds' ratios is the figure
            urls = {f"{floor}/{path}": False}
            if path == "map":  # beside it, the same machine: what an empty map costs
                urls[f"{floor}/{EMPTY_MAP}"] = True
            urls[f"{app}/{path}"] = path == "map"
            rounds, sizes = paired_loads(browser, urls, args.repeat)
            floor_s = statistics.median(r[0] for r in rounds)
            app_s = statistics.median(r[-1] for r in rounds)
            print(
                row(
                    f"/{path}: app {app_s * 1000:.0f} ms, trivial app {floor_s * 1000:.0f} ms",
                    f"{statistics.median(r[-1] / r[0] for r in rounds):.2f}x",
                    f"target <= {target}x   sent: {sizes['socket'] / 1024:.0f} kB",
                )
            )
            if path == "map":
                empty_s = statistics.median(r[1] for r in rounds)
                print(
                    row(
                        f"  an empty map (no layer, same style) {empty_s * 1000:.0f} ms",
                        f"{statistics.median(r[1] / r[0] for r in rounds):.2f}x",
                        "the map's floor; app's map "
                        f"{statistics.median(r[-1] / r[1] for r in rounds):.2f}x of it",
                    )
                )
        if args.no_filter_change:
            browser.close()
            return
        change = statistics.median(filter_change(browser, app) for _ in range(args.repeat))
        print(
            row(
                "overview: a state chosen in the filter, settled",
                f"{change * 1000:.0f} ms",
                "target < 1000 ms",
            )
        )
        browser.close()


if __name__ == "__main__":
    main()
