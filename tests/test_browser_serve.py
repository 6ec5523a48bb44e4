"""Serving a room in Debian chromium: two app processes behind nginx (deploy/) on one
PostgreSQL, each browser kept on its process, an import saved through one process seen
through the other."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from atlas.auth import hash_password
from tests.browser import (
    assert_offline,
    browser_page,
    free_port,
    serve_app,
    wait_for_app,
    wait_for_drawn,
)
from tests.test_browser_data import PASSWORD, import_file, kpi

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx-netzwerkatlas.conf"

pytestmark = pytest.mark.browser


def nginx_path() -> str:
    path = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.path.exists(p)), None
    )
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing in CI: .ci/run must install it (apt-get install nginx)")
        pytest.skip("nginx not installed (apt-get install nginx)")
    return path


def site_for(ports: list[int], listen: int) -> str:
    """deploy/'s site with the test's ports: the upstream lines and the listen port."""
    site = SITE.read_text()
    upstreams = "".join(f"    server 127.0.0.1:{port};\n" for port in ports)
    site, found = re.subn(r"(    server 127\.0\.0\.1:\d+;\n)+", upstreams, site, count=1)
    assert found == 1, "deploy/nginx-netzwerkatlas.conf lost its upstream server lines"
    site, found = re.subn(r"listen 80;", f"listen 127.0.0.1:{listen};", site)
    assert found == 1, "deploy/nginx-netzwerkatlas.conf lost its listen line"
    return site


@contextlib.contextmanager
def nginx(ports: list[int], folder: Path):
    """nginx in the foreground with deploy/'s site, its files in `folder`; yields (url,
    access log). The log names the upstream each request reached."""
    listen = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.conf").write_text(site_for(ports, listen))
    log = folder / "access.log"
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers may write folder/
    (folder / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        "  log_format upstream '$request_uri $upstream_addr $cookie_atlas_node';\n"
        f"  access_log {log} upstream;\n"
        f"  client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;\n"
        f"  fastcgi_temp_path {folder}/fcgi; uwsgi_temp_path {folder}/uwsgi;\n"
        f"  scgi_temp_path {folder}/scgi;\n"
        f"  include {folder}/site.conf;\n"
        "}\n"
    )
    process = subprocess.Popen(
        [nginx_path(), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "stderr.log", "wb"),  # noqa: SIM115 (closed with the process)
    )
    url = f"http://127.0.0.1:{listen}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, (
                    folder / "stderr.log"
                ).read_text() + (folder / "error.log").read_text()
                time.sleep(0.2)
        yield url, log
    finally:
        process.terminate()
        process.wait(10)


def upstream_of(url: str, log: Path, cookie: str) -> str:
    """The process (host:port) nginx sends a browser with this node cookie to."""
    marker = f"/_stcore/health?probe={cookie}"
    request = urllib.request.Request(f"{url}{marker}", headers={"Cookie": f"atlas_node={cookie}"})
    with urllib.request.urlopen(request, timeout=10):
        pass
    for _ in range(50):  # nginx writes the line when the request ends
        for line in log.read_text().splitlines():
            if line.startswith(marker + " "):
                return line.split()[1]
        time.sleep(0.1)
    raise AssertionError(f"no access log line for {marker}")


def cookies_for_each(url: str, log: Path, ports: list[int]) -> dict[int, str]:
    """A node cookie value per process, found by asking nginx where each would go."""
    found: dict[int, str] = {}
    for n in range(200):
        cookie = f"test{n}"
        port = int(upstream_of(url, log, cookie).rsplit(":", 1)[1])
        found.setdefault(port, cookie)
        if len(found) == len(ports):
            return found
    raise AssertionError(f"nginx sent 200 cookies to only {sorted(found)} of {ports}")


@pytest.mark.postgres
def test_two_processes_behind_nginx_share_an_edit(tmp_path, output_dir):
    from tests.test_store import empty_postgres, postgres_url

    database = empty_postgres(postgres_url())
    accounts = f"Anna Beispiel={hash_password(PASSWORD)}"
    env = {"DATABASE_URL": database, "ATLAS_EDITORS_PASSWORDS": accounts}
    with (
        serve_app(env) as first,
        serve_app(env) as second,
        nginx([first.url.rsplit(":", 1)[1], second.url.rsplit(":", 1)[1]], tmp_path / "nginx") as (
            proxy,
            log,
        ),
        browser_page() as (new_page, requests),
    ):
        ports = [int(first.url.rsplit(":", 1)[1]), int(second.url.rsplit(":", 1)[1])]
        cookie = cookies_for_each(proxy, log, ports)
        # a browser without the cookie gets one with its first answer, and keeps it
        with urllib.request.urlopen(f"{proxy}/", timeout=10) as response:
            assert "atlas_node=" in (response.headers.get("Set-Cookie") or "")

        def browser_on(port: int):
            page = new_page(fresh=True)
            page.context.add_cookies([{"name": "atlas_node", "value": cookie[port], "url": proxy}])
            return page

        reader = browser_on(ports[1])
        reader.goto(proxy)
        wait_for_app(reader)
        assert kpi(reader, "Projekte") == "74"
        writer = browser_on(ports[0])
        writer.goto(f"{proxy}/data")
        wait_for_app(writer)
        import_file(writer, tmp_path)
        reader.reload()
        wait_for_app(reader)
        assert kpi(reader, "Projekte") == "75"
        reader.screenshot(path=output_dir / "serve-nginx-reader.png", full_page=False)
        assert_offline(requests)
        # every websocket of each browser stayed on its own process. nginx logs a websocket
        # when it closes: close both pages, then wait for the lines (stopping nginx at once
        # can drop a connection that has closed but not yet been logged)
        writer.close()
        reader.close()
        deadline = time.monotonic() + 30
        while True:
            by_cookie = streams_by_cookie(log, cookie.values())
            if all(by_cookie.values()) or time.monotonic() > deadline:
                break
            time.sleep(0.3)
    assert by_cookie[cookie[ports[0]]] == {f"127.0.0.1:{ports[0]}"}
    assert by_cookie[cookie[ports[1]]] == {f"127.0.0.1:{ports[1]}"}


def streams_by_cookie(log: Path, cookies) -> dict[str, set[str]]:
    """The processes (host:port) each node cookie's websockets reached, from nginx's log."""
    streams = [
        line.split() for line in log.read_text().splitlines() if line.startswith("/_stcore/stream")
    ]
    return {c: {up for _, up, cc in streams if cc == c} for c in cookies}


# Records every set of page names the sidebar navigation shows, from the first paint on.
WATCH_NAVIGATION = """
window.__navSeen = [];
new MutationObserver(() => {
  const links = [...document.querySelectorAll('[data-testid="stSidebarNav"] a')];
  const names = links.map(a => a.innerText.trim()).join('|');
  const seen = window.__navSeen;
  if (names && seen[seen.length - 1] !== names) seen.push(names);
}).observe(document, {childList: true, subtree: true, characterData: true});
"""
RAW_NAMES = {"app", "about", "cooperation", "data", "map", "overview", "present", "profiles"}


def test_the_first_request_after_a_start_never_shows_the_raw_page_list(tmp_path):
    """A freshly started server, its very first requests (two pages at once, one on the
    overview and one on the map): the sidebar only ever lists the app's page names, never
    Streamlit's v1 list of file names (app, about, ...)."""
    with (
        serve_app({"ATLAS_DB_PATH": str(tmp_path / "atlas.db")}) as server,
        browser_page() as (new_page, requests),
    ):
        pages = {path: new_page() for path in ("", "map")}
        for path, page in pages.items():  # both sessions start before either has run
            page.add_init_script(WATCH_NAVIGATION)
            page.goto(f"{server.url}/{path}", wait_until="commit")
        for path, page in pages.items():
            wait_for_app(page)
            seen = page.evaluate("window.__navSeen")
            shot = ROOT / "test-output" / f"serve-first-request-{path or 'overview'}.png"
            page.screenshot(path=shot, full_page=False)
            assert seen, f"/{path}: the sidebar navigation never appeared"
            for names in seen:
                assert not set(names.split("|")) & RAW_NAMES, f"/{path}: raw page list: {seen}"
            assert seen[-1].split("|")[:2] == ["Überblick", "Karte"]
        assert_offline(requests)


def test_the_map_loads_its_boundaries_through_nginx_compressed_and_cached(
    server, tmp_path, output_dir
):
    """Behind deploy/'s nginx the districts map draws its choropleth from the static
    boundary file and its outlines from the boundary tiles, which come compressed and may
    be kept by the browser (the app is the process's served one: the test only reads; a
    browser of its own, whose cache has never seen the files)."""
    app = server
    with (
        nginx([int(app.url.rsplit(":", 1)[1])], tmp_path / "nginx") as (proxy, _),
        browser_page() as (new_page, requests),
    ):
        page = new_page(fresh=True)
        boundaries, tiles = [], []
        page.on(
            "response",
            lambda r: boundaries.append(r) if r.url.endswith("/districts.geojson") else None,
        )
        page.on("response", lambda r: tiles.append(r) if r.url.endswith(".pbf") else None)
        # until the boundaries have arrived, not for a fixed time
        with page.expect_response(lambda r: r.url.endswith("/districts.geojson"), timeout=60_000):
            page.goto(f"{proxy}/map?mode=districts&state=Niedersachsen")
            wait_for_app(page)
            canvas = page.locator(".atlas-map canvas").first
            canvas.wait_for(state="visible", timeout=30_000)
        wait_for_drawn(page)  # the choropleth and the outlines' tiles, for the screenshot
        assert page.locator('[data-testid="stException"], [data-testid="stAlert"] pre').count() == 0
        assert boundaries and boundaries[0].status == 200
        headers = boundaries[0].all_headers()
        assert headers.get("content-encoding") == "gzip"
        assert "max-age=86400" in headers.get("cache-control", "")
        assert tiles and all(tile.status == 200 for tile in tiles)
        for tile in tiles:
            headers = tile.all_headers()
            assert headers.get("content-encoding") == "gzip", tile.url
            assert "max-age=86400" in headers.get("cache-control", ""), tile.url
        page.screenshot(path=output_dir / "serve-nginx-districts.png")
        assert_offline(requests)
