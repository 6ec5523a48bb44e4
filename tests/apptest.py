"""Running the app headless (streamlit.testing AppTest) on a chosen data folder."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def run_app(
    monkeypatch,
    data_dir: Path | None = None,
    page: str | None = None,
    params: dict | None = None,
    timeout: int = 60,
) -> AppTest:
    """The whole app (frame + page), as a browser opening `/<page>?<params>` would see it."""
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


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def multiselect(at: AppTest, key: str):
    return next(w for w in at.multiselect if w.key == key)
