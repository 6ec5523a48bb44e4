"""A data folder with a row that cannot be used: the overview says so at the top, above
the numbers, readable on a projector; the notes at the bottom name the row."""

from __future__ import annotations

import pytest

from tests.browser import assert_offline, browser_page, resized, serve_app, wait_for_app
from tests.helpers import PROJECTS, write_folder

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server_with_a_bad_row(tmp_path_factory):
    """The app on a folder whose second project has no programme."""
    folder = write_folder(
        tmp_path_factory.mktemp("data"), projects=PROJECTS.replace("HI 2030,MPSC", "HI 2030,")
    )
    env = {
        "ATLAS_DATA_DIR": str(folder),
        "ATLAS_DB_PATH": str(tmp_path_factory.mktemp("db") / "atlas.db"),
    }
    with serve_app(env) as running:
        yield running


def test_overview_names_left_out_rows_at_the_top(server_with_a_bad_row, output_dir):
    """At 1280x720 and, resized, at 1920x1080."""
    server = server_with_a_bad_row
    with browser_page(1280, 720) as (new_page, requests):
        page = new_page()
        page.goto(server.url)
        wait_for_app(page)
        for width, height in ((1280, 720), (1920, 1080)):
            if width != 1280:
                resized(page, width, height)
            notice = page.get_by_text("1 Zeile ausgelassen")
            notice.wait_for(timeout=60_000)
            first_kpi = page.locator('[data-testid="stMetric"]').first
            first_kpi.wait_for(timeout=60_000)
            assert notice.bounding_box()["y"] < first_kpi.bounding_box()["y"]
            assert notice.bounding_box()["y"] < height  # seen without scrolling
            page.screenshot(path=str(output_dir / f"readers-left-out-rows-{width}.png"))
        assert_offline(requests)
