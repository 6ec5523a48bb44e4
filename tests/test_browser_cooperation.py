"""The cooperation page in Debian chromium at 1280x720: finder and network graph."""

from __future__ import annotations

import pytest

from tests.browser import assert_offline, browser_page, click_until, wait_for_app

pytestmark = pytest.mark.browser


def test_partner_finder_and_network(server, output_dir):
    with browser_page() as (new_page, requests):
        page = new_page()
        page.goto(server.url + "/cooperation?partner=lemgo")
        wait_for_app(page)
        grid = page.locator('[data-testid="stDataFrame"]').first
        assert grid.is_visible()
        page.screenshot(path=output_dir / "cooperation-finder.png")

        network = page.get_by_role("radio", name="Netzwerk")
        click_until(page, network, when="() => location.search.includes('view=network')")
        wait_for_app(page)
        assert page.locator('[data-testid="stPlotlyChart"]').count() == 1
        page.locator('[data-testid="stPlotlyChart"]').scroll_into_view_if_needed()
        page.screenshot(path=output_dir / "cooperation-network.png")

        groups = page.get_by_role("radio", name="Arbeitsgruppen")
        click_until(page, groups, when="() => location.search.includes('view=groups')")
        wait_for_app(page)
        assert page.get_by_text("Als CSV herunterladen").is_visible()
        page.screenshot(path=output_dir / "cooperation-groups.png")
    assert_offline(requests)
