"""Where projects stand today, in Debian chromium: the as-of note with its warning, the
state after a planned end in the phase chart, the filter, the map legend and a profile."""

from __future__ import annotations

import pytest

from tests.browser import assert_offline, browser_page, wait_for_app

pytestmark = pytest.mark.browser

OVERDUE_DE = "Geplantes Ende überschritten"


def test_overview_names_the_data_date_and_the_state_after_a_planned_end(server, output_dir):
    with browser_page() as (new_page, requests):
        page = new_page()
        page.goto(server.url + "/")
        wait_for_app(page)
        assert page.get_by_text("aus Daten mit Stand 09.2025").count() == 1
        assert page.get_by_text("Monate älter als heute").count() == 1
        page.screenshot(path=output_dir / "status-overview.png")
        charts = page.locator('[data-testid="stPlotlyChart"]')
        phase_chart = charts.filter(has_text="aktueller Phase").first
        phase_chart.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        assert OVERDUE_DE in phase_chart.inner_text()
        page.screenshot(path=output_dir / "status-overview-phases.png")
    assert_offline(requests)


def test_filter_by_the_state_after_a_planned_end(server, output_dir):
    with browser_page(1920, 1080) as (new_page, requests):
        page = new_page()
        page.goto(server.url + "/?phase=Ende%20%C3%BCberschritten")
        wait_for_app(page)
        assert page.get_by_text(OVERDUE_DE).count() >= 1
        page.screenshot(path=output_dir / "status-filter-1920.png")
    assert_offline(requests)


def test_map_legend_and_profile(server, output_dir):
    with browser_page() as (new_page, requests):
        page = new_page()
        page.goto(server.url + "/map")
        wait_for_app(page)
        assert page.get_by_text(OVERDUE_DE).count() >= 1  # legend entry
        assert page.get_by_text("aus Daten mit Stand 09.2025").count() == 1
        page.screenshot(path=output_dir / "status-map.png")
        page.goto(server.url + "/profiles?project=mpsc-2021-bochum")
        wait_for_app(page)
        text = "geplantes Ende überschritten (bis 09.2026) – Verlängerung bis 31.03.2028"
        assert page.get_by_text(text).count() == 1
        page.screenshot(path=output_dir / "status-profile.png")
    assert_offline(requests)


def test_timeline_lower_saxony_and_the_2020_cohort(server, output_dir):
    with browser_page() as (new_page, requests):
        page = new_page()
        page.goto(server.url + "/timeline?state=Niedersachsen")
        wait_for_app(page)
        assert page.get_by_text("aus Daten mit Stand 09.2025").count() == 1
        chart = page.locator('[data-testid="stPlotlyChart"]').first
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        page.screenshot(path=output_dir / "status-timeline-ni.png")
        page.goto(server.url + "/timeline?cohort=2020")
        wait_for_app(page)
        cohorts = page.locator('[data-testid="stPlotlyChart"]').nth(1)
        cohorts.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        assert OVERDUE_DE in cohorts.inner_text()
        page.screenshot(path=output_dir / "status-timeline-cohort.png")
    assert_offline(requests)


def test_about_page_coverage_figures(server, output_dir):
    with browser_page() as (new_page, requests):
        page = new_page()
        page.goto(server.url + "/about")
        wait_for_app(page)
        assert page.get_by_text("Vollständigkeit der Fakten").count() == 1
        table = page.locator('[data-testid="stDataFrame"]').last
        table.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        assert table.is_visible()
        page.screenshot(path=output_dir / "status-about-coverage.png")
    assert_offline(requests)
