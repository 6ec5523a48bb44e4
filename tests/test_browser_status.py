"""Where projects stand today, in Debian chromium: the state after a planned end in the
filter at 1920x1080, and the about page's coverage (the as-of note with its warning and the
phase chart on the overview: test_browser_frame.py; the cohort chart on the timeline:
test_browser_timeline.py; the map legend's entry: test_browser_meeting_grade.py; a
profile's text and a chosen cohort's chart, which need no browser: tests/test_status.py).
axe-core checks the about page as this test opens it."""

from __future__ import annotations

import pytest

from tests.browser import (
    app_page,
    assert_accessible,
    assert_offline,
    browser_page,
    scrolled_to,
    visit,
)

pytestmark = pytest.mark.browser

OVERDUE_DE = "Geplantes Ende überschritten"
AS_OF = "aus Daten mit Stand 09.2025"
CHARTS = ".atlas-chart"


def test_filter_by_the_state_after_a_planned_end(server, output_dir):
    with app_page(server.url + "/?phase=Ende%20%C3%BCberschritten", 1920, 1080) as page:
        assert page.get_by_text(OVERDUE_DE).count() >= 1
        page.screenshot(path=output_dir / "status-filter-1920.png")


def test_about_page_coverage_figures(server, output_dir):
    with browser_page() as (new_page, requests):
        page = new_page()
        visit(page, server.url + "/about")
        assert_accessible(page)
        assert page.get_by_text("Vollständigkeit der Fakten").count() == 1
        table = page.locator('[data-testid="stDataFrame"]').last
        assert scrolled_to(page, table, settle=800).is_visible()
        page.screenshot(path=output_dir / "status-about-coverage.png")
        # the data template is made when its button is clicked: opening the page, as a
        # whole room does at a meeting, fetches no file
        files = [url for url in requests.urls if "/media/" in url and "/static/" not in url]
        assert files == []
    assert_offline(requests)
