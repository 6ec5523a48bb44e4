"""Text from the URL or the data never becomes a link the app did not make: a search term,
an unknown state or slide list, a district name that look like web or mail addresses show as
plain text. Tables offer no unprotected CSV download."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.browser import app_page, serve_app, wait_for_app
from tests.helpers import MUNIS, write_folder

pytestmark = pytest.mark.browser

LURE = "https://evil.example/login"
LURES = f"{LURE} www.evil.example evil@example.org"


def links_to_evil(page) -> list[str]:
    """Every link on the page that points away from the app to the lure's host."""
    hrefs = page.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href') || '')")
    return [h for h in hrefs if "evil" in h]


@pytest.fixture(scope="module")
def lured_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lure")
    write_folder(folder, municipalities=MUNIS.replace("Kreis Lippe", LURE, 1))
    env = {
        "ATLAS_DATA_DIR": str(folder),
        "ATLAS_DB_PATH": str(tmp_path_factory.mktemp("db") / "atlas.db"),
    }
    with serve_app(env) as running:
        yield running


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        # a search term (in the heading) and an unknown state (named in the sidebar), one link
        pytest.param(
            f"/?q={quote('Test ' + LURES)}&state={quote(LURES)}",
            {"stMain": "evil.example/login", "stSidebar": "evil.example"},
            id="search-state",
        ),
        pytest.param(f"/?show={quote(LURES)}", {"stApp": "evil.example"}, id="show"),
        pytest.param(
            "/profiles?municipality=lemgo", {"stApp": "evil.example/login"}, id="district"
        ),
    ],
)
def test_addresses_in_the_link_or_the_data_stay_text(
    lured_server, output_dir, request, path, shown
):
    name = request.node.callspec.id
    with app_page(lured_server.url + path) as page:
        # the text is there, as text, where the page shows it
        for area, text in shown.items():
            where = page.locator(f'[data-testid="{area}"]')
            where.get_by_text(text, exact=False).first.wait_for(timeout=30_000)
        page.screenshot(path=output_dir / f"links-{name}.png")
        assert links_to_evil(page) == []


def test_tables_have_no_toolbar_download(lured_server, output_dir):
    with app_page(lured_server.url + "/data") as page:
        main = page.locator('[data-testid="stMain"]')
        main.get_by_text("Vollständigkeit", exact=True).click()
        wait_for_app(page)
        table = page.locator('[data-testid="stDataFrame"]').first
        table.wait_for(timeout=30_000)
        table.hover()
        page.wait_for_timeout(500)
        page.screenshot(path=output_dir / "links-table-toolbar.png")
        toolbar = page.locator('[data-testid="stElementToolbar"]')
        assert toolbar.get_by_role("button", name="Download as CSV").count() == 0
