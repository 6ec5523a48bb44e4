"""The app's plotly.js bundle (static/vendor/plotly/plotly.min.js, built as DEVELOPING.md
says) against the figures the app writes: the same plotly.js version the Python package
writes figures for, and every trace type the app's code builds registered in it (a trace
type the bundle lacks would leave its chart empty)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import plotly.graph_objects as go
import plotly.offline
import pytest
from plotly.basedatatypes import BaseTraceType

from atlas.text import LANGUAGES
from components.browser_code import module_loader, module_path, static_url
from components.figure import LIBRARY, chart_data, mode_bar

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / LIBRARY.removeprefix("/app/").split("?")[0]
TRACE_CONSTRUCTOR = re.compile(r"\bgo\.([A-Z][A-Za-z]+)\(")
# figures only printed into the PDF handout, by kaleido's own (complete) plotly.js
PRINTED_ONLY = {"handout.py"}


def registered_traces() -> set[str]:
    return set(re.findall(r'moduleType:"trace",name:"([a-z0-9]+)"', BUNDLE.read_text()))


def traces_built_by_the_app() -> dict[str, set[str]]:
    """trace type -> the files whose code constructs it (go.Bar(...) and the like)."""
    found: dict[str, set[str]] = {}
    for path in sorted([*ROOT.glob("components/*.py"), *ROOT.glob("atlas/*.py")]):
        if path.name in PRINTED_ONLY:
            continue
        for name in TRACE_CONSTRUCTOR.findall(path.read_text(encoding="utf-8")):
            kind = getattr(go, name, None)
            if isinstance(kind, type) and issubclass(kind, BaseTraceType):
                found.setdefault(kind().type, set()).add(path.name)
    return found


def test_the_bundle_is_the_plotly_js_the_python_package_writes_for():
    banner = BUNDLE.read_text()[:200]
    assert f"plotly.js {plotly.offline.get_plotlyjs_version()} " in banner


def test_every_trace_type_the_app_builds_is_in_the_bundle():
    built = traces_built_by_the_app()
    assert {"bar", "scatter", "heatmap"} <= set(built)  # the scan finds the app's charts
    missing = {kind: files for kind, files in built.items() if kind not in registered_traces()}
    assert missing == {}, f"rebuild the bundle with these traces (DEVELOPING.md): {missing}"


def test_a_trace_type_outside_the_bundle_is_found_missing():
    assert "pie" not in registered_traces() and "scattermap" not in registered_traces()


def test_the_bundle_speaks_every_language_of_the_app():
    """plotly.js's own texts (the mode bar's titles, its notices) and its month names on
    date axes: English is plotly.js's own, every other language of the app is registered
    in the bundle (the recipe in DEVELOPING.md lists its locale module)."""
    registered = set(re.findall(r'moduleType:"locale",name:"([a-z-]+)"', BUNDLE.read_text()))
    assert set(LANGUAGES) - {"en"} <= registered
    assert '"Download plot as a PNG":"Graphen als PNG herunterladen"' in BUNDLE.read_text()


@pytest.mark.parametrize(
    ("lang", "fullscreen", "filename"),
    [("de", "Vollbild", "netzwerkatlas-by-state"), ("en", "Full screen", "network-atlas-by-state")],
)
def test_a_chart_tells_its_mode_bar_the_language(lang, fullscreen, filename):
    sent = json.loads(chart_data('{"data": []}', 400, "alt", False, mode_bar("by_state", lang)))
    assert sent["locale"] == lang
    assert (sent["fullscreen"], sent["filename"]) == (fullscreen, filename)
    assert sent["figure"] == {"data": []} and sent["library"] == LIBRARY


def test_the_libraries_are_addressed_by_their_content():
    """Browsers and deploy/'s nginx keep static files a day: a new bundle gets a new
    address, so nobody draws with yesterday's plotly.js."""
    version = hashlib.sha256(BUNDLE.read_bytes()).hexdigest()[:12]
    assert f"/app/static/vendor/plotly/plotly.min.js?v={version}" == LIBRARY
    assert static_url("js/figure.js") != static_url("js/map_chart.js")


def test_the_components_send_a_loader_not_their_code(monkeypatch):
    """Streamlit sends a component's inline code with every element on every run: the
    charts and the map send a loader of their static module, named by its content."""
    from tests.apptest import run_app

    at = run_app(monkeypatch)
    elements = [e.proto for e in at.get("bidi_component")]
    assert len(elements) == 5
    for proto in elements:
        code = module_path("figure.js").read_bytes()
        version = hashlib.sha256(code).hexdigest()[:12]
        assert f"/app/static/js/figure.js?v={version}" in proto.js_content
        assert len(proto.js_content) < 300 < len(code)
    assert module_loader("map_chart.js") != module_loader("figure.js")
