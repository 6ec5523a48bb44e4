"""The timeline in Debian chromium at 1280x720: Gantt chart with the data's date, click a
bar, profile link, the cohort chart with the state after a planned end and its mode bar
(axe-core checks the page as it opens)."""

from __future__ import annotations

import pytest

from tests.browser import assert_accessible, assert_offline, browser_page, wait_for_app
from tests.test_browser_status import AS_OF, OVERDUE_DE

pytestmark = pytest.mark.browser


def test_timeline_renders_and_a_bar_selects_its_project(server, output_dir):
    with browser_page() as (new_page, requests):
        page = new_page()
        page.goto(server.url + "/timeline?state=Nordrhein-Westfalen")
        wait_for_app(page)
        assert_accessible(page)
        assert page.get_by_text(AS_OF).count() == 1  # phases are for today, from data of then
        chart = page.locator(".atlas-chart").first
        chart.scroll_into_view_if_needed()
        page.screenshot(path=output_dir / "timeline.png")
        box = (
            chart.locator("g.point path").nth(2).bounding_box()
        )  # a bar, clicked like a mouse does
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_selector('[data-testid="stLinkButton"]', timeout=20_000)
        wait_for_app(page)
        link = page.locator('[data-testid="stLinkButton"] a').first.get_attribute("href")
        assert "profiles?project=" in link
        page.screenshot(path=output_dir / "timeline-selected.png")
        cohorts = page.locator(".atlas-chart").nth(1)
        cohorts.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        assert OVERDUE_DE in cohorts.inner_text()  # a phase of its own in the cohort's chart
        page.screenshot(path=output_dir / "timeline-cohort.png")
        # the mode bar, in the page's language: nothing that uploads the chart, no box or
        # lasso; full screen
        cohorts.hover()
        buttons = cohorts.locator(".modebar-btn")
        titles = [b.get_attribute("data-title") for b in buttons.all()]
        assert "Graphen als PNG herunterladen" in titles and "Vollbild" in titles
        assert "Verschieben" in titles and "Achsen zurücksetzen" in titles
        assert not {"Rechteckauswahl", "Lassoauswahl"} & set(titles)
        assert not {"Share chart...", "Box Select", "Lasso Select", "Pan"} & set(titles)
        # zoomed in to months, the axis names them in German
        ticks = cohorts.evaluate(
            """async (chart) => {
                const plot = chart.querySelector('.js-plotly-plot');
                await Plotly.relayout(plot, {'xaxis.range': ['2022-02-01', '2022-12-31']});
                return [...plot.querySelectorAll('.xtick text')].map((t) => t.textContent);
            }"""
        )
        assert {"Mär", "Mai"} <= {tick.split()[0] for tick in ticks}, ticks
        cohorts.locator('.modebar-btn[data-title="Vollbild"]').click()
        page.wait_for_function(
            "() => document.fullscreenElement?.classList.contains('atlas-chart')"
            " && document.fullscreenElement.querySelector('.main-svg')"
            ".getBoundingClientRect().height === window.innerHeight"
            " && document.fullscreenElement.querySelector('.main-svg')"
            ".getBoundingClientRect().width === window.innerWidth"
        )
        page.screenshot(path=output_dir / "timeline-cohort-fullscreen.png")
        page.evaluate("document.exitFullscreen()")
        page.wait_for_function(
            "() => !document.fullscreenElement && document.querySelectorAll('.atlas-chart')[1]"
            ".querySelector('.main-svg').getBoundingClientRect().height < window.innerHeight"
        )
    assert_offline(requests)


def test_charts_keep_their_place_and_name_themselves_when_plotly_does_not_load(server):
    """plotly.js lost on the way (a proxy, a flaky network): the page stays usable, each
    chart keeps its height and shows its alt text instead of staying blank."""
    with browser_page() as (new_page, requests):
        page = new_page(fresh=True)
        page.route("**/vendor/plotly/**", lambda route: route.abort())
        page.goto(server.url + "/timeline?state=Nordrhein-Westfalen")
        wait_for_app(page)
        page.wait_for_function(
            "() => { const c = [...document.querySelectorAll('.atlas-chart')];"
            " return c.length === 2 && c.every(x => x.dataset.drawn === 'error') }"
        )
        charts = page.locator(".atlas-chart")
        for index in range(2):
            chart = charts.nth(index)
            assert chart.inner_text() == chart.get_attribute("aria-label") != ""
            assert chart.bounding_box()["height"] >= 300
        assert page.get_by_text("Anstehende Meilensteine").count() == 1
    assert_offline(requests)
