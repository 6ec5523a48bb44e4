"""Serving a room: the cache every session shares, figures written once, and a server
start that sends nothing off the machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from components.charts import bar_chart, for_slides
from components.figure import figure_json
from components.memo import SharedCache, approx_bytes, frozen
from components.theme import FONT_SIZE, PRESENTATION_FONT_SIZE
from tests.browser import free_port

ROOT = Path(__file__).resolve().parent.parent


def test_equal_inputs_get_the_same_object_and_build_once():
    cache = SharedCache(budget_bytes=10_000_000)
    calls = []

    def build():
        calls.append(1)
        return pd.DataFrame({"x": range(10)})

    first = cache.get(("overview", ("db", 1, "2026-01-01"), "de"), build)
    second = cache.get(("overview", ("db", 1, "2026-01-01"), "de"), build)
    other = cache.get(("overview", ("db", 2, "2026-01-01"), "de"), build)
    assert first is second
    assert other is not first
    assert len(calls) == 2
    assert (cache.hits, cache.builds) == (1, 2)


def test_sessions_asking_at_once_wait_for_one_build():
    """Eight sessions open the same view while it is being built: one builds, all get it."""
    cache = SharedCache(budget_bytes=10_000_000)
    release = threading.Event()
    builds = []

    def build():
        builds.append(threading.current_thread().name)
        release.wait(10)
        return {"figure": [1, 2, 3]}

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get("view", build)), name=f"s{i}")
        for i in range(8)
    ]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(20)
    assert len(builds) == 1
    assert len(results) == 8
    assert all(result is results[0] for result in results)


def test_a_failed_build_is_not_kept_and_does_not_block_the_next():
    cache = SharedCache(budget_bytes=10_000_000)

    def broken():
        raise ValueError("bad data")

    with pytest.raises(ValueError):
        cache.get("k", broken)
    assert "k" not in cache
    assert cache.get("k", lambda: 42) == 42


def test_the_budget_evicts_the_least_recently_used():
    item = approx_bytes(pd.DataFrame({"x": range(1000)}))
    cache = SharedCache(budget_bytes=int(item * 2.5))
    for name in ("a", "b"):
        cache.get(name, lambda: pd.DataFrame({"x": range(1000)}))
    cache.get("a", lambda: None)  # a used again: b is now the oldest
    cache.get("c", lambda: pd.DataFrame({"x": range(1000)}))
    assert "a" in cache and "c" in cache and "b" not in cache
    assert cache.bytes <= cache.budget_bytes
    assert cache.evictions == 1


def test_a_result_larger_than_the_budget_is_returned_but_not_kept():
    cache = SharedCache(budget_bytes=1000)
    big = cache.get("big", lambda: pd.DataFrame({"x": range(100_000)}))
    assert len(big) == 100_000
    assert "big" not in cache and cache.bytes == 0


@pytest.mark.parametrize(
    ("value", "larger"),
    [
        (pd.DataFrame({"x": range(10)}), pd.DataFrame({"x": range(10_000)})),
        ([1.0] * 10, [1.0] * 10_000),
        ({"a": "x"}, {str(i): "x" * 100 for i in range(1000)}),
        (go.Figure(go.Bar(y=list(range(5)))), go.Figure(go.Bar(y=list(range(5000))))),
    ],
)
def test_the_size_estimate_grows_with_the_data(value, larger):
    assert 0 < approx_bytes(value) < approx_bytes(larger)


def test_a_map_view_state_is_a_key():
    one = frozen(({"latitude": 51.2, "longitude": 10.4, "zoom": 5.0}, "phase"))
    two = frozen(({"zoom": 5.0, "longitude": 10.4, "latitude": 51.2}, "phase"))
    assert hash(one) == hash(two) and one == two


def test_a_figure_is_written_once_as_plotly_js_reads_it():
    figure = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    shown = figure_json(figure)
    assert figure_json(figure) is shown
    assert json.loads(shown) == json.loads(pio.to_json(figure))


def test_a_slides_figure_is_made_and_written_once_in_the_slides_type():
    """A slide reruns on every arrow key: its charts in the larger type are made once per
    figure, and the page's own text stays as it was."""
    figure = bar_chart(["Geplantes Ende überschritten", "Umsetzung"], [6, 48], "Phase", "Projekte")
    slide = figure_json(figure, slide=True)
    assert figure_json(figure, slide=True) is slide
    assert json.loads(slide)["layout"]["font"]["size"] == PRESENTATION_FONT_SIZE
    assert json.loads(slide) == json.loads(pio.to_json(for_slides(figure)))
    assert json.loads(figure_json(figure))["layout"]["font"]["size"] == FONT_SIZE


# --------------------------------------------------------------------- nothing leaves
RECORDER = textwrap.dedent(
    """
    # Loaded by Python at start (PYTHONPATH): every connection and name lookup the server
    # process makes to anything but this machine is written to ATLAS_OUTBOUND_LOG.
    import os, socket

    LOCAL = {"127.0.0.1", "::1", "localhost", "0.0.0.0", "::", ""}
    _log = os.environ["ATLAS_OUTBOUND_LOG"]

    def _note(what):
        with open(_log, "a") as f:
            f.write(what + "\\n")

    _connect = socket.socket.connect
    _connect_ex = socket.socket.connect_ex
    _getaddrinfo = socket.getaddrinfo

    def _host(address):
        return str(address[0]) if isinstance(address, tuple) else ""

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and _host(address) not in LOCAL:
            _note(f"connect {address}")
            raise OSError("outbound connection blocked by the test")
        return _connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and _host(address) not in LOCAL:
            _note(f"connect {address}")
            return 111
        return _connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host or "")
        if name not in LOCAL and not name.startswith("127."):
            _note(f"lookup {name}")
        return _getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo
    """
)


def test_a_headless_start_contacts_nothing_outside(tmp_path):
    """`streamlit run app.py` as `make run` starts it (headless from .streamlit/config.toml,
    no --server.address), with every outbound connection and name lookup recorded: the
    start, the page and a script run contact nothing but this machine. Without
    browser.serverAddress Streamlit would ask checkip.amazonaws.com for its address."""
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "sitecustomize.py").write_text(RECORDER)
    log = tmp_path / "outbound.log"
    log.write_text("")
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path / "hook"),
        "ATLAS_OUTBOUND_LOG": str(log),
        "ATLAS_DB_PATH": str(tmp_path / "atlas.db"),
    }
    with open(tmp_path / "server.log", "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (
                    tmp_path / "server.log"
                ).read_text()[-2000:]
                time.sleep(0.3)
        # the start banner is printed once the server listens; give it its moment
        deadline = time.monotonic() + 10
        while "URL" not in (tmp_path / "server.log").read_text():
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.2)
        with urllib.request.urlopen(f"{base}/", timeout=10) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(10)
    banner = (tmp_path / "server.log").read_text()
    assert "External URL" not in banner
    assert log.read_text() == "", f"the server contacted: {log.read_text()}"


def test_the_recorder_would_notice_the_outside_lookup(tmp_path):
    """The same recorder on Streamlit's own address lookup, called on purpose: the test
    above would see it, so its silence means something."""
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "sitecustomize.py").write_text(RECORDER)
    log = tmp_path / "outbound.log"
    log.write_text("")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "hook"), "ATLAS_OUTBOUND_LOG": str(log)}
    subprocess.run(
        [sys.executable, "-c", "from streamlit import net_util; net_util.get_external_ip()"],
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
    )
    assert "checkip.amazonaws.com" in log.read_text()


def test_the_project_list_waits_until_it_is_opened(monkeypatch):
    """The overview sends its project list (and a browser loads a table's code) only when
    someone asks for it."""
    from tests.apptest import open_expander, run_app

    at = run_app(monkeypatch)
    expander = next(e for e in at.expander if e.label.startswith("Alle "))
    projects = int(expander.label.split()[1])
    assert expander.label == f"Alle {projects} Projekte als Tabelle" and projects == 74
    assert not at.dataframe
    at = open_expander(at, "overview_projects")
    table = next(frame.value for frame in at.dataframe if "Projekt" in frame.value.columns)
    assert len(table) == projects


def test_a_large_map_sends_short_tooltips_and_leaves_the_shared_points_alone():
    import pandas as pd

    from components.payload import SHORT_TIPS_ABOVE, short_tips

    tips = ["Hildesheim\nStadt · Niedersachsen\nProjekte: 2\nA, B"] * (SHORT_TIPS_ABOVE + 1)
    points = pd.DataFrame({"id": range(len(tips)), "tip": tips})
    light = short_tips(points)
    assert set(light["tip"]) == {"Hildesheim\nStadt · Niedersachsen"}
    assert points["tip"][0] == tips[0]  # the shared frame is not changed
    few = points.head(SHORT_TIPS_ABOVE)
    assert short_tips(few) is few and short_tips(None) is None


def test_the_choropleth_colours_the_static_boundaries_by_key():
    """Each area with a value gets its colour by its key; all others the empty colour."""
    import re

    from components.payload import area_fill

    def area(key, value, fill):
        return {"properties": {"ags": key, "value": value, "fill": fill}}

    choropleth = {
        "features": [
            area("03241", 2.0, [8, 48, 107, 200]),
            area("03251", 1.0, [107, 174, 214, 200]),
            area("03254", 2.0, [8, 48, 107, 200]),
            area("05766", 0.0, [247, 251, 255, 200]),
        ]
    }
    expression, trigger = area_fill(choropleth, "districts")
    branches = re.findall(r"(.+?) \? (\[.+?\]) : ", expression)
    colours = {key: colour for test, colour in branches for key in re.findall(r'"(\d+)"', test)}
    assert colours == {
        "03241": "[8, 48, 107, 200]",
        "03254": "[8, 48, 107, 200]",
        "03251": "[107, 174, 214, 200]",
    }
    assert expression.endswith(": [247, 251, 255, 200]")
    assert all(t.strip().startswith("properties.ags ==") for t, _ in branches)
    choropleth["features"][1]["properties"]["value"] = 0.0
    assert area_fill(choropleth, "districts")[1] != trigger  # deck.gl paints again


def test_the_static_boundaries_carry_their_tooltips():
    """The choropleth's tooltip is read from the static file (`python -m
    components.payload` writes it after the boundaries are rebuilt)."""
    import json

    from atlas.network import BOUNDARY_DIR
    from components.payload import area_tip

    for name in ("states", "districts"):
        features = json.loads((BOUNDARY_DIR / f"{name}.geojson").read_text())["features"]
        assert all(f["properties"]["tip"] == area_tip(f["properties"]) for f in features)
    hannover = {
        "name": "Hannover",
        "label": "Region Hannover",
        "bez": "Region",
        "state": "Niedersachsen",
    }
    assert area_tip(hannover) == "Region Hannover\nRegion · Niedersachsen"
