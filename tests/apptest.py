"""Running the app headless (streamlit.testing AppTest) on a chosen data folder."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sqlite3
import tempfile
from pathlib import Path

import streamlit.testing.v1.app_test as app_test_module
from sqlalchemy.engine import make_url
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.testing.v1 import AppTest

import components.data
from atlas.network import BUNDLED_DATA_DIR, Network
from components.pages_folder import ServerPagesManager

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def run_app(
    monkeypatch,
    data_dir: Path | None = None,
    page: str | None = None,
    params: dict | None = None,
    timeout: int = 60,
    first_server_run: bool = False,
) -> AppTest:
    """The whole app (frame + page), as a browser opening `/<page>?<params>` would see it.
    AppTest runs no JavaScript: the map never reports its size, and is drawn for the size
    assumed (1280x720's, components/map_viewport.py)."""
    if not first_server_run:  # first_server_run: test_first_run_of_a_new_server
        monkeypatch.setattr(app_test_module, "PagesManager", ServerPagesManager)
    monkeypatch.setattr(components.data, "_cached_network", loaded_once)
    if data_dir is not None:
        monkeypatch.setenv("ATLAS_DATA_DIR", str(data_dir))
    else:
        monkeypatch.delenv("ATLAS_DATA_DIR", raising=False)
    at = AppTest.from_file(APP, default_timeout=timeout)
    # One registry of custom components for every AppTest in the process, as a server has
    # one: AppTest would scan every installed package's metadata for them on each new app
    # (a tenth of a page test's time). AppTest keeps it in this attribute.
    if at._bidi_component_manager is None:
        at._bidi_component_manager = components_registry()
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if page is not None:
        # straight to the page, as a browser opening its link does: one run, not the
        # default page's first (every page's url_path is its file name, which is what
        # AppTest goes by before the first run)
        at.switch_page(f"pages/{page}.py")
    with seeded_once(Path(data_dir or BUNDLED_DATA_DIR)):
        at.run()
    return at


# data folder (its path and its files' sizes and times) -> an SQLite database seeded from it
SEEDED: dict[tuple, Path] = {}


@contextlib.contextmanager
def seeded_once(folder: Path):
    """Every test gets a new SQLite database (tests/conftest.py), which the app's first run
    seeds from the data folder: half a second for the bundled data, in most page tests.
    The first test that seeds from a folder leaves a copy; later tests on the same,
    unchanged folder start from that copy, as if they had just seeded it themselves."""
    database = None if os.environ.get("DATABASE_URL") else os.environ.get("ATLAS_DB_PATH")
    if not database or Path(database).exists() or not folder.is_dir():
        yield
        return
    database = Path(database)
    key = (
        str(folder.resolve()),
        *(
            (f.name, f.stat().st_size, f.stat().st_mtime_ns)
            for f in sorted(folder.iterdir())
            if f.is_file()
        ),
    )
    if key in SEEDED:
        copy_database(SEEDED[key], database)
        # a database seeded from this folder has all its tables: the app's first run
        # does not look for tables the app gained since (as after seeding it itself)
        components.data.NEW_TABLES_CHECKED.add(components.data.database_url())
    yield
    if key not in SEEDED and database.exists():
        SEEDED[key] = Path(tempfile.mkdtemp(prefix="atlas-seeded-")) / "atlas.db"
        copy_database(database, SEEDED[key])


# SQLite databases' contents (the files' bytes) and days -> the network the app loaded
LOADED: dict[tuple[str, str], Network] = {}
_load_network = components.data._cached_network.__wrapped__  # without st.cache_data


def loaded_once(url: str, version: int, day: str) -> Network:
    """The app's loading of the stored network (components.data._cached_network), once per
    process for a database whose files hold the same bytes: most page tests start from
    the same seeded copy, and loading it is half of a page test's first run. A database
    that any write changed, on any path, differs in its bytes and is loaded anew; the
    network is never changed by the app (it is shared between sessions as it is)."""
    database = make_url(url).database if url.startswith("sqlite") else None
    if not database or not Path(database).is_file():
        return _load_network(url, version, day)
    digest = hashlib.sha256()
    for path in (Path(database), Path(database + "-wal")):
        if path.is_file():
            digest.update(path.read_bytes())
    key = (digest.hexdigest(), day)
    if key not in LOADED:
        LOADED[key] = _load_network(url, version, day)
    return LOADED[key]


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite database, also while the app holds it open."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source_db, target_db = sqlite3.connect(source), sqlite3.connect(target)
    try:
        source_db.backup(target_db)
    finally:
        source_db.close()
        target_db.close()


def wait_for_run(runner, timeout: float = 3) -> None:
    """AppTest's wait for the end of a run (streamlit.testing's require_widgets_deltas),
    waiting on the script's thread, which ends with the run, instead of looking every
    millisecond whether it has: each look takes Python's lock from the script thread, and
    the page tests took 5-9 % longer for it. On a timeout it stops the run and raises, as
    AppTest's own does."""
    runner._script_thread.join(timeout)
    if not runner._script_thread.is_alive():
        return
    runner.request_stop()
    runner.join()
    raise RuntimeError(f"AppTest script run timed out after {timeout}(s)")


@functools.cache
def components_registry() -> BidiComponentManager:
    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    return manager


def open_expander(at: AppTest, key: str) -> AppTest:
    """Open a lazy expander (components.page.lazy_expander) as a click on it would: its
    state lives in Session State under its key, and opening it reruns the page."""
    at.session_state[key] = True
    return at.run()


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def multiselect(at: AppTest, key: str):
    return next(w for w in at.multiselect if w.key == key)


def drawn_maps(at: AppTest) -> list[dict]:
    """What each map on the page was sent to draw (components/map_chart.py): its style,
    view, sources, layers and marks."""
    return [
        json.loads(element.proto.json)
        for element in at.get("bidi_component")
        if element.proto.component_name.endswith("atlas_map")
    ]


def drawn_charts(at: AppTest) -> list[dict]:
    """The plotly figure each chart on the page was sent to draw (components/figure.py)."""
    return [
        json.loads(element.proto.bytes)["figure"]
        for element in at.get("bidi_component")
        if element.proto.component_name.endswith("atlas_chart")
    ]


def drawn_map(at: AppTest) -> dict:
    """What the page's one map was sent to draw."""
    (found,) = drawn_maps(at)
    return found


def features(spec: dict, source: str) -> list[dict]:
    """A map source's features as rows: their properties, with lon and lat for a point
    and the path for a line."""
    rows = []
    for feature in spec["sources"][source]["data"]["features"]:
        geometry = feature["geometry"]
        where = (
            dict(zip(("lon", "lat"), geometry["coordinates"], strict=True))
            if geometry["type"] == "Point"
            else {"path": geometry["coordinates"]}
        )
        rows.append({**feature["properties"], **where})
    return rows


def marks(spec: dict, kind: str) -> list[dict]:
    """The names ("name") or organisations' diamonds ("organisation") a map draws."""
    return [mark for mark in spec["marks"] if mark["kind"] == kind]
