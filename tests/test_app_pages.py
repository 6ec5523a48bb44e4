"""Every page app.py registers runs without exception on the bundled data, on a large
synthetic network, and shows the report (not a traceback) on an invalid data folder."""

from __future__ import annotations

import re

import pytest

from tests.apptest import ROOT, run_app


def registered_pages() -> list[str]:
    source = (ROOT / "app.py").read_text()
    return re.findall(r'^\s*st\.Page\(\s*"app_pages/(\w+)\.py"', source, flags=re.M)


PAGES = registered_pages()


def test_app_registers_every_page_file():
    files = sorted(p.stem for p in (ROOT / "app_pages").glob("*.py"))
    assert sorted(PAGES) == files


def test_no_folder_named_pages_beside_the_app():
    """Streamlit treats pages/ beside app.py as a v1 multipage app on a server's first
    request (raw file list in the sidebar, a page without the frame): pages live in
    app_pages/."""
    assert not (ROOT / "pages").exists()


@pytest.mark.parametrize("page", PAGES)
def test_page_on_bundled_data(monkeypatch, page):
    at = run_app(monkeypatch, page=page)
    assert not at.exception, at.exception
    assert at.main.title, "every page has a title"
    assert not at.error


@pytest.mark.parametrize("page", PAGES)
def test_page_on_large_synthetic_network(monkeypatch, synth_dir, page):
    at = run_app(monkeypatch, synth_dir, page=page, timeout=180)
    assert not at.exception, at.exception
    assert at.main.title


@pytest.mark.parametrize("page", PAGES)
def test_page_with_invalid_data_folder(monkeypatch, tmp_path, page):
    (tmp_path / "municipalities.csv").write_text("id;name\nx;y\n")
    at = run_app(monkeypatch, tmp_path, page=page)
    assert not at.exception, at.exception
    assert "konnten nicht geladen werden" in at.error[0].value


@pytest.mark.parametrize("page", ["cooperation", "profiles"])
def test_first_run_of_a_new_server_still_shows_the_frame(monkeypatch, page):
    """A new server's first run shows the frame: the sidebar filters are there and the
    link's filters apply."""
    at = run_app(monkeypatch, page=page, params={"state": "Niedersachsen"}, first_server_run=True)
    assert not at.exception
    assert len(at.sidebar.multiselect) == 7
    assert "in Niedersachsen" in at.main.markdown[0].value
