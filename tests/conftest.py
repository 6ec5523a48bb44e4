"""Shared fixtures: cache hygiene, data folders (bundled, synthetic, broken)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
import streamlit as st

from atlas.network import BUNDLED_DATA_DIR
from atlas.synth import write_network

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"


def pytest_configure(config):
    """`make test` runs the tests in two processes (pytest-xdist). The PostgreSQL tests
    empty their database before they start, so each process gets a database of its own,
    made beside the one ATLAS_TEST_POSTGRES_URL names."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("ATLAS_TEST_POSTGRES_URL", "").strip()
    if worker and url:
        os.environ["ATLAS_TEST_POSTGRES_URL"] = worker_database(url, worker)


# Browser test modules whose tests share a served app of their own (a module-scoped
# fixture), and other modules with a costly module-scoped fixture (the handout's PDF): one
# process runs all of such a module's tests, so the fixture is made once.
SHARED_MODULE_FIXTURES = {
    "test_browser_data.py",
    "test_browser_links.py",
    "test_browser_readers.py",
    "test_handout.py",
}


def xdist_group(nodeid: str) -> str | None:
    """The tests one process runs together: a browser test function with all its
    parameters (they use the same pages; the process's chromium and its served app start
    once), a module listed in SHARED_MODULE_FIXTURES, and the tests on the large synthetic
    network (built, seeded and loaded once); None for a test any process may take. Browser
    tests of one module may run in both processes: a whole module on one process made the
    largest one alone take as long as all other tests on the other process."""
    path, _, name = nodeid.partition("::")
    module = Path(path).name
    if module in SHARED_MODULE_FIXTURES:
        return path
    if module.startswith("test_browser_"):
        return f"{path}::{name.split('[', 1)[0]}"
    if "::test_page_on_large_synthetic_network[" in nodeid:
        return "large_synthetic_network"
    return None


def is_browser_group(scope: str) -> bool:
    return Path(scope.split("::", 1)[0]).name.startswith("test_browser_")


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """`make test` runs `pytest -n 2 --dist loadgroup`. pytest-xdist groups by a suffix it
    writes into each test's id from its `xdist_group` mark, which pytest 9's ids no longer
    take: without this, every test would be sent on its own, a browser module's tests to
    both processes. The scheduler here groups by xdist_group() instead, and hands out the
    browser groups first (each takes seconds to minutes; most other tests take less than
    one), in the order xdist gives them (most tests first): the many short tests then fill
    the end, and both processes finish together."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class Grouped(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_group(nodeid) or super()._split_scope(nodeid)

        def _assign_work_unit(self, node) -> None:
            if not getattr(self, "_browser_first", False):  # once, when the work is known
                self._browser_first = True
                units = sorted(self.workqueue.items(), key=lambda u: not is_browser_group(u[0]))
                self.workqueue.clear()
                self.workqueue.update(units)
            super()._assign_work_unit(node)

    return Grouped(config, log)


def worker_database(url: str, worker: str) -> str:
    """The URL of database `<name>_<worker>` on the same server, created when missing."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from atlas.store import engine_url

    given = make_url(url)
    own = given.set(database=f"{given.database}_{worker}")
    engine = create_engine(engine_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
            ).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    finally:
        engine.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture(scope="session", autouse=True)
def _apptest_waits_on_the_script_thread():
    """Every AppTest in the process waits for a run as tests.apptest.wait_for_run does."""
    import streamlit.testing.v1.local_script_runner as runner

    from tests.apptest import wait_for_run

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner, "require_widgets_deltas", wait_for_run)
        yield


@pytest.fixture(scope="session", autouse=True)
def _bundled_folder_read_once():
    """Reading, typing and checking the bundled folder takes a third of a second, and
    dozens of tests open it (atlas.source.open_network): each process reads it once for as
    long as its files are unchanged, and every caller gets a copy of its own (pandas copies
    a shallow copy's data before anyone changes it), dated as it asked."""
    import dataclasses

    import pandas as pd

    import atlas.source

    read = atlas.source.load_folder
    kept: dict[tuple, object] = {}

    def load_folder(folder, label=None):
        if Path(folder) != BUNDLED_DATA_DIR:
            return read(folder, label)
        key = (
            label,
            *(
                (f.name, f.stat().st_size, f.stat().st_mtime_ns)
                for f in sorted(BUNDLED_DATA_DIR.iterdir())
                if f.is_file()
            ),
        )
        if key not in kept:
            kept[key] = read(folder, label)
        network = kept[key]
        frames = {
            f.name: getattr(network, f.name).copy(deep=False)
            for f in dataclasses.fields(network)
            if isinstance(getattr(network, f.name), pd.DataFrame)
        }
        return dataclasses.replace(network, files=dict(network.files), **frames)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(atlas.source, "load_folder", load_folder)
        yield


@pytest.fixture(autouse=True)
def _clear_streamlit_caches(request):
    """st.cache_data outlives an AppTest run within one process: start every test clean.
    Tests on the shared synthetic database (synth_db) read the same data under the same
    cache key, so they keep the network one of them loaded."""
    shared = "synth_db" in request.fixturenames
    if not shared:
        st.cache_data.clear()
    yield
    if not shared:
        st.cache_data.clear()


@pytest.fixture(autouse=True)
def _fresh_sign_in_limits():
    """Failed sign-ins count per process: one test's wrong passwords must not slow the next."""
    from atlas.auth import THROTTLE

    THROTTLE.reset()
    yield
    THROTTLE.reset()


@pytest.fixture(scope="module", autouse=True)
def _module_database(tmp_path_factory):
    """Servers a test module starts get a database of their own, never the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ATLAS_DB_PATH", str(tmp_path_factory.mktemp("db") / "atlas.db"))
        patch.delenv("DATABASE_URL", raising=False)
        yield


@pytest.fixture(autouse=True)
def _test_database(tmp_path_factory, monkeypatch):
    """Every test starts with an empty database (seeded from its data folder on first use),
    outside the user's home."""
    monkeypatch.setenv("ATLAS_DB_PATH", str(tmp_path_factory.mktemp("db") / "atlas.db"))
    monkeypatch.delenv("DATABASE_URL", raising=False)


@pytest.fixture(scope="session")
def bundled_dir() -> Path:
    return BUNDLED_DATA_DIR


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory) -> Path:
    """The benchmark-sized synthetic network: 11,000 municipalities, 20,000 projects."""
    return write_network(tmp_path_factory.mktemp("synth"), 11_000, 20_000)


@pytest.fixture(scope="session")
def synth_db(synth_dir, tmp_path_factory) -> Path:
    """One database for the large synthetic network, seeded by the first test that opens
    it and shared by the tests that only read it (seeding 20,000 projects is the costly
    part of opening a page on it). Use with monkeypatch.setenv("ATLAS_DB_PATH", ...)."""
    return tmp_path_factory.mktemp("synth_db") / "atlas.db"


@pytest.fixture(scope="session")
def small_synth_dir(tmp_path_factory) -> Path:
    return write_network(tmp_path_factory.mktemp("synth_small"), 300, 500)


@pytest.fixture()
def copy_of_bundled(tmp_path) -> Path:
    """A writable copy of the bundled data, to break on purpose."""
    target = tmp_path / "data"
    shutil.copytree(BUNDLED_DATA_DIR, target, ignore=shutil.ignore_patterns("build", "geo", "*.md"))
    return target


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app served by `streamlit run` on a free localhost port, on the bundled data with
    a database of its own: one per test process, shared by the browser tests that only read
    (a test that changes data starts its own with tests.browser.serve_app)."""
    from tests.browser import serve_app

    env = {"ATLAS_DB_PATH": str(tmp_path_factory.mktemp("server_db") / "atlas.db")}
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("DATABASE_URL", raising=False)
        patch.delenv("ATLAS_DATA_DIR", raising=False)
        starting = serve_app(env)
        running = starting.__enter__()
    try:
        yield running
    finally:
        starting.__exit__(None, None, None)


def pytest_runtest_teardown(item, nextitem):
    """Browser tests run one after another share one chromium (tests/browser.py); it stops
    when the next test is not a browser test."""
    browser = sys.modules.get("tests.browser")
    if browser is None:
        return
    if nextitem is None or not nextitem.get_closest_marker("browser"):
        browser.close_shared_browser()
