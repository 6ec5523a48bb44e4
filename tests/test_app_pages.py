"""Every page app.py registers, as a user opens it: on the bundled data and on a large
synthetic network it shows its title and says how many projects it covers; on an invalid
data folder it shows the report, not a traceback. One run per page on the large network:
what a page computes is tested on atlas/ functions in the page's own test file."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from atlas import fmt
from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from atlas.text import escape_markdown, t
from tests.apptest import ROOT, metric_values, run_app


def registered_pages() -> list[str]:
    source = (ROOT / "app.py").read_text()
    return re.findall(r'^\s*st\.Page\(\s*"pages/(\w+)\.py"', source, flags=re.M)


PAGES = registered_pages()


def test_app_registers_every_page_file():
    files = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
    assert sorted(PAGES) == files


def test_the_v1_page_list_is_never_shown():
    """With pages/ beside app.py, Streamlit runs a server's first request as a v1 multipage
    app; its sidebar list of raw file names stays hidden because the configuration says so
    (the app's own navigation is unaffected; tests/test_browser_serve.py looks at the
    sidebar of a freshly started server)."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showSidebarNavigation"] is False
    source = (ROOT / "app.py").read_text()
    assert source.index('st.set_option("client.showSidebarNavigation", True)') < source.index(
        "st.navigation("
    )


def header(projects: int, lang: str = "de") -> str:
    """What page_header says above every page when no filter is set."""
    count = t("describe.projects", lang, n=fmt.number(projects, lang))
    return f"**{escape_markdown(count + ' ' + t('describe.everywhere', lang))}**"


@pytest.fixture(scope="module")
def bundled_projects() -> int:
    return len(open_network(BUNDLED_DATA_DIR, dt.date.today()).projects)


@pytest.mark.parametrize("page", PAGES)
def test_page_on_bundled_data(monkeypatch, page, bundled_projects):
    at = run_app(monkeypatch, page=page)
    assert not at.exception, at.exception
    assert len(at.main.title) == 1 and at.main.title[0].value
    assert at.main.markdown[0].value == header(bundled_projects)
    assert len(at.sidebar.multiselect) == 7  # the filters are there on every page
    assert not at.error


@pytest.mark.parametrize("page", PAGES)
def test_page_on_large_synthetic_network(monkeypatch, synth_dir, synth_db, page):
    monkeypatch.setenv("ATLAS_DB_PATH", str(synth_db))
    at = run_app(monkeypatch, synth_dir, page=page, timeout=180)
    assert not at.exception, at.exception
    assert at.main.title
    assert at.main.markdown[0].value == header(20_000)
    if page == "overview":
        assert metric_values(at)["Kommunen"] == "11.000"


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
