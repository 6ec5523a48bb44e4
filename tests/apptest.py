"""Running the app headless (streamlit.testing AppTest) on a chosen data folder."""

from __future__ import annotations

from pathlib import Path

import streamlit.testing.v1.app_test as app_test_module
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
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(f"pages/{page}.py")
        at.run()
    return at


def open_expander(at: AppTest, key: str) -> AppTest:
    """Open a lazy expander (components.page.lazy_expander) as a click on it would: its
    state lives in Session State under its key, and opening it reruns the page."""
    at.session_state[key] = True
    return at.run()


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def multiselect(at: AppTest, key: str):
    return next(w for w in at.multiselect if w.key == key)
