"""The served app in Debian chromium: the overview with the data's date and the state after
a planned end (axe-core checks it), choose a state, the URL carries it, a new browser
context opening that URL shows the same KPIs; nothing is requested beyond localhost."""

from __future__ import annotations

import contextlib
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser import (
    assert_accessible,
    assert_offline,
    browser_page,
    click_until,
    scrolled_to,
    wait_for_app,
)
from tests.test_browser_status import AS_OF, CHARTS, OVERDUE_DE

pytestmark = pytest.mark.browser


def kpis(page) -> dict[str, str]:
    page.wait_for_selector('[data-testid="stMetricValue"]')
    cards = page.locator('[data-testid="stMetric"]')
    values = {}
    for i in range(cards.count()):
        label = cards.nth(i).locator('[data-testid="stMetricLabel"]').inner_text().strip()
        values[label] = cards.nth(i).locator('[data-testid="stMetricValue"]').inner_text().strip()
    return values


def choose(page, label: str, option_text: str) -> None:
    """Open the sidebar multiselect called `label` and pick the option starting with text.
    A rerun that lands while the list is open closes it, so a pick that did not take is
    tried again, as a person would."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has_text=label
    )
    chip = box.get_by_text(option_text).first
    for _ in range(3):
        wait_for_app(page)
        with contextlib.suppress(PlaywrightTimeout):
            box.locator("input").first.click()
            option = page.get_by_role("option").filter(has_text=option_text).first
            option.wait_for(state="visible", timeout=8_000)
            option.click()
        with contextlib.suppress(PlaywrightTimeout):
            chip.wait_for(timeout=8_000)  # the chosen chip is shown (at once, if taken)
            break
        page.keyboard.press("Escape")
    else:
        raise AssertionError(f"{label}: {option_text} could not be chosen in 3 tries")
    page.keyboard.press("Escape")
    wait_for_app(page)


def test_filter_travels_in_the_link(server, output_dir):
    with browser_page() as (new_page, requests):
        page = new_page()
        page.goto(server.url)
        wait_for_app(page)
        assert_accessible(page)
        before = kpis(page)
        assert before["Projekte"] == "74"
        # phases are computed for today from data of then, which the page says
        assert page.get_by_text(AS_OF).count() == 1
        assert page.get_by_text("Monate älter als heute").count() == 1
        page.screenshot(path=output_dir / "overview.png", full_page=False)
        phases = page.locator(CHARTS).filter(has_text="aktueller Phase").first
        assert OVERDUE_DE in scrolled_to(page, phases).inner_text()
        page.screenshot(path=output_dir / "overview-phases.png")

        choose(page, "Bundesland", "Niedersachsen")
        page.wait_for_function("() => location.search.includes('state=')", timeout=60_000)
        query = parse_qs(urlparse(page.url).query)
        assert query["state"] == ["Niedersachsen"]
        filtered = kpis(page)
        assert filtered["Bundesländer"] == "1"
        assert int(filtered["Projekte"]) < 74
        assert page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').count() == 7
        page.screenshot(path=output_dir / "overview-niedersachsen.png", full_page=False)

        # switching pages keeps the filters, in the widgets and in the link
        profiles = page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Profile")
        click_until(page, profiles, when="() => location.pathname.endsWith('/profiles')")
        wait_for_app(page)
        assert parse_qs(urlparse(page.url).query)["state"] == ["Niedersachsen"]
        assert "Projekte in Niedersachsen" in page.locator('[data-testid="stMain"]').inner_text()
        overview = page.locator('[data-testid="stSidebarNav"]').get_by_role(
            "link", name="Überblick"
        )
        # the default page's path is /
        click_until(page, overview, when="() => !location.pathname.endsWith('/profiles')")
        wait_for_app(page)
        assert kpis(page) == filtered

        fresh = new_page(fresh=True)  # another browser: no shared session, only the link
        fresh.goto(page.url)
        wait_for_app(fresh)
        assert kpis(fresh) == filtered
        assert "Projekte in Niedersachsen" in fresh.locator('[data-testid="stMain"]').inner_text()
        fresh.screenshot(path=output_dir / "overview-from-link.png", full_page=True)

        english = fresh.locator('[data-testid="stSidebar"]').get_by_role(
            "radio", name="EN", exact=True
        )
        click_until(fresh, english, when="() => location.search.includes('lang=EN')")
        wait_for_app(fresh)
        assert "Projects" in kpis(fresh)
        assert "projects in Lower Saxony" in fresh.locator('[data-testid="stMain"]').inner_text()
    assert_offline(requests)
