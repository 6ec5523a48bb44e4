"""Real-browser testing: the app served by `streamlit run` on a free localhost port, driven by
Python Playwright in Debian's chromium (never a downloaded browser).

Every request the page makes is recorded; `assert_offline` fails on any that leaves localhost.
Outside CI a missing chromium skips the browser tests; in CI (CI=true) it fails them.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
# The test browsers are set to reduce motion, as a user can set it for the system: while a
# page loads its element code, Streamlit shows a placeholder for each element that pulses
# until the element is drawn, unless motion is reduced. Without a graphics card every frame
# of that pulse is composited in software: a fifth of the browser's work for a page load,
# for nothing a test looks at. benchmarks/browser.py times the pages as most people see
# them, with the pulse.
MOTION = "reduce"


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(
                "chromium is missing in CI: .ci/run must install it (apt-get install chromium)"
            )
        pytest.skip("chromium not installed (apt-get install chromium)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path


@contextlib.contextmanager
def serve_app(env: dict | None = None, log_dir: Path | None = None):
    """`streamlit run app.py` on a free port; yields a Server once it answers."""
    port = free_port()
    log = (log_dir or ROOT / "test-output") / f"streamlit-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"streamlit did not start: {log.read_text()[-2000:]}"
                    ) from None
                time.sleep(0.3)
        yield Server(url, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class RequestLog:
    urls: list[str] = field(default_factory=list)

    def record(self, request) -> None:
        self.urls.append(request.url)

    def external(self) -> list[str]:
        out = []
        for url in self.urls:
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob", "about", "chrome-extension"):
                continue
            if parsed.hostname not in LOCAL_HOSTS:
                out.append(url)
        return out


def assert_offline(requests: RequestLog) -> None:
    external = requests.external()
    assert external == [], f"requests left localhost: {external}"


# One chromium with a profile on disk for the browser tests a process runs one after
# another (tests/conftest.py closes it before a test that is not a browser test), as one
# person's browser that opens the app again and again: the pages of all those tests share
# its HTTP cache and the code compiled from the app's scripts (a browser context without a
# profile keeps no compiled code: a page opened again costs the browser 10-30 % less). Each
# browser_page starts without cookies or stored data. A test that needs another person's
# browser asks for a fresh page: a context of its own in a second chromium, started when
# first asked for (the profile's context is the only one its chromium has).
_SHARED: dict = {}


def _playwright():
    if "playwright" not in _SHARED:
        from playwright.sync_api import sync_playwright

        _SHARED["playwright"] = sync_playwright().start()
    return _SHARED["playwright"]


def shared_profile():
    """The chromium with a profile, started on first use (again if it went away)."""
    context = _SHARED.get("profile")
    if context is not None:
        return context
    executable = chromium_path()
    folder = tempfile.mkdtemp(prefix="atlas-chromium-")
    context = _playwright().chromium.launch_persistent_context(
        folder,
        executable_path=executable,
        args=CHROMIUM_ARGS,
        locale="de-DE",
        reduced_motion=MOTION,
    )
    context.on("close", lambda _: _SHARED.pop("profile", None))
    _SHARED.update(profile=context, profile_folder=folder)
    return context


def shared_browser():
    """The chromium for fresh contexts, started on first use (again if it went away)."""
    browser = _SHARED.get("browser")
    if browser is not None and browser.is_connected():
        return browser
    browser = _playwright().chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    _SHARED["browser"] = browser
    return browser


def close_shared_browser() -> None:
    """Stop both chromiums and Playwright's driver, if started. Playwright's sync API keeps
    its event loop marked as running in this thread while it lives, so it must not outlive
    the browser tests into the other tests of the process."""
    for key in ("profile", "browser"):
        running = _SHARED.pop(key, None)
        with contextlib.suppress(Exception):
            if running is not None:
                running.close()
    playwright = _SHARED.pop("playwright", None)
    if playwright is not None:
        playwright.stop()
    folder = _SHARED.pop("profile_folder", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


# what a page may keep for its site, besides cookies: forgotten after each browser_page
STORED = "local_storage,session_storage,indexeddb,cache_storage,service_workers"


@contextlib.contextmanager
def browser_page(width: int = 1280, height: int = 720):
    """(page factory, request log): `new_page()` opens a page of width x height in the
    process's browser (no cookies, no stored data at the start; the HTTP and code cache of
    the tests before), `new_page(fresh=True)` one in a browser context of its own (another
    person's browser: no cookies, storage or cache). Every request is recorded; on leaving
    the pages are closed and what they stored is forgotten."""
    profile = shared_profile()
    profile.clear_cookies()
    requests = RequestLog()
    profile.on("request", requests.record)
    pages = []
    contexts = []

    def new_page(fresh: bool = False):
        if fresh:
            context = shared_browser().new_context(
                viewport={"width": width, "height": height},
                locale="de-DE",
                reduced_motion=MOTION,
            )
            contexts.append(context)
            context.on("request", requests.record)
            page = context.new_page()
        else:
            page = profile.new_page()
            page.set_viewport_size({"width": width, "height": height})
        pages.append(page)
        return page

    try:
        yield new_page, requests
    except Exception:
        record_failure(pages)
        raise
    finally:
        profile.remove_listener("request", requests.record)
        forget_stored(profile, requests)
        for page in pages:
            with contextlib.suppress(Exception):
                page.close()
        for context in contexts:
            with contextlib.suppress(Exception):
                context.close()


def forget_stored(profile, requests: RequestLog) -> None:
    """What the sites the pages visited stored in the profile, and its cookies, forgotten."""
    with contextlib.suppress(Exception):
        profile.clear_cookies()
        origins = {
            f"{u.scheme}://{u.netloc}"
            for u in map(urlparse, requests.urls)
            if u.scheme in ("http", "https")
        }
        page = profile.new_page()
        try:
            session = profile.new_cdp_session(page)
            for origin in origins:
                session.send(
                    "Storage.clearDataForOrigin", {"origin": origin, "storageTypes": STORED}
                )
        finally:
            page.close()


def record_failure(pages) -> None:
    """A failed browser test leaves a screenshot of each open page and prints what the page
    said, so a failure that happens only in CI can be read from its log."""
    stamp = time.strftime("%H%M%S")
    for number, page in enumerate(pages):
        if page.is_closed():
            continue
        with contextlib.suppress(Exception):
            path = ROOT / "test-output" / f"failure-{stamp}-{number}.png"
            page.screenshot(path=path)
            alerts = page.locator('[data-testid="stAlert"]').all_inner_texts()
            print(f"failure page {number}: {page.url} -> {path.name}; messages: {alerts}")


def click_until(
    page, target, seen: str | None = None, *, when: str | None = None, timeout: int = 15_000
) -> None:
    """Click `target` (a locator) until the page shows the text `seen`, or until the
    JavaScript condition `when` (e.g. "() => location.search.includes('view=network')")
    holds. Under CI load a click can land while Streamlit is still redrawing and get lost
    (one in some dozen runs); a user clicks again when nothing happens, so does the test:
    once the app has stood idle and unchanged for 3 s after a click without showing it
    (a click that took starts a run well within that), or after `timeout`."""
    shown = when or (
        "() => document.body.innerText.replace(/\\s+/g, ' ').includes(" + json.dumps(seen) + ")"
    )
    outcome = None
    for _ in range(3):
        page.evaluate("() => { window.__atlasClickLast = null; window.__atlasClickQuiet = 0; }")
        target.click()
        try:
            outcome = page.wait_for_function(
                CLICK_TOOK.replace("SHOWN", shown), timeout=timeout, polling=200
            ).json_value()
        except Exception:  # noqa: BLE001 - still running after `timeout`: looked at below
            outcome = None
        if outcome == "shown":
            return
        wait_for_app(page)
        if page.evaluate(shown):  # the click was slow, not lost
            return
    page.wait_for_function(shown, timeout=1_000)  # raises with what was waited for


# "shown" once the click's result is on the page, "ignored" once the app has stood idle and
# unchanged for 15 looks (0.2 s apart) without it
CLICK_TOOK = """() => {
    if ((SHOWN)()) return 'shown';
    const app = document.querySelector('[data-testid="stApp"]');
    const main = document.querySelector('[data-testid="stMain"]');
    const idle = app && app.getAttribute('data-test-script-state') === 'notRunning';
    const now = main ? main.querySelectorAll('*').length : -1;
    if (!idle || window.__atlasClickLast !== now) {
        window.__atlasClickLast = now;
        window.__atlasClickQuiet = 0;
        return false;
    }
    window.__atlasClickQuiet += 1;
    return window.__atlasClickQuiet >= 15 ? 'ignored' : false;
}"""


def wait_for_app(page, timeout: int = 60_000) -> None:
    """Until Streamlit has run the script to the end and the page stopped changing:
    the run state is "notRunning" and the main area has held the same number of elements
    for 0.8 s (looked at every 0.2 s, so the wait ends soon after the page settled)."""
    # every page has a title; a slide has the slide bar's instead of the page's
    page.wait_for_selector('[data-testid="stMain"] :is(h1, h3)', timeout=timeout)
    # the stillness counted in an earlier wait does not count for this one: right after a
    # click, before the rerun it asked for has begun, the page still looks settled
    page.evaluate("() => { window.__atlasLast = null; window.__atlasStable = 0; }")
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            const main = document.querySelector('[data-testid="stMain"]');
            if (!app || !main || app.getAttribute('data-test-script-state') !== 'notRunning') {
                window.__atlasLast = null;
                window.__atlasStable = 0;
                return false;
            }
            const now = main.querySelectorAll('*').length;
            window.__atlasStable = window.__atlasLast === now ? (window.__atlasStable || 0) + 1 : 0;
            window.__atlasLast = now;
            return window.__atlasStable >= 4;
        }""",
        timeout=timeout,
        polling=200,
    )
    painted(page)  # the browser has painted what it settled on


def resized(page, width: int, height: int) -> None:
    """The page shown at another screen size, as a laptop switched to the projector shows
    it: the same session, laid out anew (charts redraw for their new width); for pages
    whose content does not depend on the size the server measured (not the map)."""
    page.set_viewport_size({"width": width, "height": height})
    wait_for_app(page)
    wait_for_drawn(page)


def painted(page) -> None:
    """Until the browser has painted the page as it stands (two animation frames)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


@contextlib.contextmanager
def app_page(url: str, width: int = 1280, height: int = 720):
    """A page showing the app at `url` once it has drawn; on leaving, every request it made
    must have stayed on this machine (assert_offline)."""
    with browser_page(width, height) as (new_page, requests):
        page = new_page()
        visit(page, url)
        yield page
        assert_offline(requests)


def visit(page, url: str) -> None:
    """Go to `url` and wait until the app has drawn it."""
    page.goto(url)
    wait_for_app(page)


def scrolled_to(page, locator, settle: int = 500):
    """`locator` scrolled into view, after its drawing (a chart's animation) has settled."""
    locator.scroll_into_view_if_needed()
    page.wait_for_timeout(settle)
    return locator


# The MapLibre map the page's map component keeps beside its element
# (static/js/map_chart.js); null while there is none.
FIND_MAP_JS = """() => {
  const root = document.querySelector('.atlas-map');
  const state = root && root.parentElement.__atlasMap;
  return (state && state.map) || null;
}"""
# The view the map draws, with its size in CSS pixels.
MAP_VIEW_STATE = f"""() => {{
  const map = ({FIND_MAP_JS})();
  if (!map) return null;
  const centre = map.getCenter(), box = map.getContainer().getBoundingClientRect();
  return {{ latitude: centre.lat, longitude: centre.lng, zoom: map.getZoom(),
           width: box.width, height: box.height }};
}}"""
# The names the map shows (members' and organisations').
MAP_NAMES = """() => [...document.querySelectorAll('.atlas-map .atlas-name')]
  .map(name => name.textContent)"""
# Whether the page's charts have drawn: every chart the figure it was sent (its element
# says so), and the map (if any) everything the app sent (its element says so once
# MapLibre is idle) and stands still.
DRAWN = f"""() => {{
  const charts = [...document.querySelectorAll('.atlas-chart')];
  if (!charts.every(c => c.dataset.drawn === '1')) return false;
  const root = document.querySelector('.atlas-map');
  if (!root) return true;
  const map = ({FIND_MAP_JS})();
  return Boolean(root.dataset.drawn === '1' && map && map.loaded() && !map.isMoving());
}}"""


def wait_for_drawn(page, timeout: int = 120_000) -> None:
    """Until the charts and the map on the page have drawn what the app sent (DRAWN), and
    the browser has painted it: for a screenshot, or a check of what is drawn."""
    page.wait_for_function(DRAWN, timeout=timeout, polling=100)
    painted(page)


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical violation on the page as drawn (its charts and
    map included). Called where a test has opened a page anyway, before it changes it."""
    from axe_playwright_python.sync_playwright import Axe

    wait_for_app(page, timeout=180_000)
    wait_for_drawn(page)
    violations = Axe().run(page).response["violations"]
    bad = [
        f"{v['id']}: {n['html'][:80]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
        for n in v["nodes"]
    ]
    assert bad == [], (page.url, bad)


def screen_position(view: dict, lat: float, lon: float) -> tuple[float, float]:
    """Where the map draws (lat, lon) in its box (Web Mercator, 512-px world, no pitch)."""
    scale = 512 * 2 ** view["zoom"]

    def world(la: float, lo: float) -> tuple[float, float]:
        y = math.log(math.tan(math.pi / 4 + math.radians(la) / 2))
        return (lo + 180) / 360 * scale, (1 - y / math.pi) / 2 * scale

    cx, cy = world(view["latitude"], view["longitude"])
    x, y = world(lat, lon)
    return view["width"] / 2 + x - cx, view["height"] / 2 + y - cy


def fitted_view(page) -> tuple[dict, dict]:
    """(the map's view, the map's box) once the map has drawn what the app sent and the
    same view holds a while (no refit came late)."""
    chart = page.locator(".atlas-map").first
    chart.wait_for(state="visible", timeout=60_000)
    last = view = None
    for attempt in range(60):
        if attempt:
            page.wait_for_timeout(700)
        wait_for_app(page, timeout=120_000)
        wait_for_drawn(page)
        view = page.evaluate(MAP_VIEW_STATE)
        if view is not None and view == last:  # the same twice: settled
            return view, chart.bounding_box()
        last = view
    return view, chart.bounding_box()


def wait_for_fit(page, expected, timeout: float = 90) -> dict:
    """The map's view once the map shows the view the app fits for the map's measured
    size: `expected(width, height)` gives that view. Returns the view."""
    view, box = fitted_view(page)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        want = expected(round(box["width"]), round(box["height"]))
        if view and abs(view["zoom"] - want["zoom"]) < 0.05:
            return view
        page.wait_for_timeout(700)
        view, box = fitted_view(page)
    return view
