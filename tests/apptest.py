"""Running the app headless (streamlit.testing AppTest) on a chosen data folder."""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit.testing.v1.app_test as app_test_module
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.testing.v1 import AppTest

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
    """The whole app (frame + page), as a browser opening `/<page>?<params>` would see it."""
    if not first_server_run:  # first_server_run: test_first_run_of_a_new_server
        monkeypatch.setattr(app_test_module, "PagesManager", ServerPagesManager)
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
    at.run()
    if page is not None:
        at.switch_page(f"pages/{page}.py")
        at.run()
    return at


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
