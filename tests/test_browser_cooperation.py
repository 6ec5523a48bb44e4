"""The cooperation page in Debian chromium: finder, network graph, groups."""

from __future__ import annotations

import pytest

from tests.browser import (
    assert_accessible,
    assert_offline,
    browser_page,
    click_until,
    resized,
    wait_for_app,
)

pytestmark = pytest.mark.browser


def grid_text(page, index: int) -> str:
    """The text of a data grid: the grid draws on a canvas, its accessible table mirrors
    the cells."""
    grid = page.locator('[data-testid="stDataFrame"]').nth(index)
    grid.scroll_into_view_if_needed()
    grid.locator("table").first.wait_for(state="attached")
    return grid.locator("table").first.text_content()


def test_partner_finder_for_hildesheim_names_measures(server, output_dir):
    with browser_page() as (new_page, requests):
        page = new_page()
        page.goto(server.url + "/cooperation?partner=hildesheim")
        wait_for_app(page)
        assert_accessible(page)
        page.get_by_text("Bereits verbunden", exact=True).wait_for()
        suggestions = grid_text(page, 0)
        assert "gemeinsame Maßnahme" in suggestions
        # partners of partners: the Städtetag supports Hildesheim and its neighbours
        assert "beide arbeiten mit demselben Partner zusammen: Niedersächsischer" in suggestions
        # the best partner reads against the network's best pair, not as a third
        top = page.locator('[data-testid="stMarkdownContainer"] li').first.text_content()
        assert int(top.split("(")[1].split(" %")[0]) > 50
        page.screenshot(path=output_dir / "cooperation-finder-hildesheim.png")
        linked = grid_text(page, 1)
        assert "Lemgo" in linked or "Kalletal" in linked
        assert "Urbane Datenplattform" in linked  # the measure both work on
        page.screenshot(path=output_dir / "cooperation-finder-linked.png")
    assert_offline(requests)


def test_network_graph_and_groups(server, output_dir):
    """Each view at 1280x720 and, resized, at 1920x1080 (the network view), or the other
    way round (the groups)."""
    with browser_page(1280, 720) as (new_page, requests):
        page = new_page()
        page.goto(server.url + "/cooperation?partner=lemgo")
        wait_for_app(page)
        network = page.get_by_role("radio", name="Netzwerk")
        click_until(page, network, when="() => location.search.includes('view=network')")
        wait_for_app(page)
        chart = page.locator(".atlas-chart")
        chart.wait_for(timeout=60_000)
        assert chart.count() == 1
        chart.scroll_into_view_if_needed()
        page.locator(".legendtext", has_text="Gemeinsames Projekt").first.wait_for()
        page.screenshot(path=output_dir / "cooperation-network-1280.png")
        resized(page, 1920, 1080)
        chart.scroll_into_view_if_needed()
        assert chart.count() == 1
        page.locator(".legendtext", has_text="Gemeinsames Projekt").first.wait_for()
        page.screenshot(path=output_dir / "cooperation-network-1920.png")

        groups = page.get_by_role("radio", name="Arbeitsgruppen")
        click_until(page, groups, when="() => location.search.includes('view=groups')")
        wait_for_app(page)
        assert page.get_by_text("Als CSV herunterladen").is_visible()
        assert "Maßnahme" in grid_text(page, 0)
        page.screenshot(path=output_dir / "cooperation-groups-1920.png")
        resized(page, 1280, 720)
        assert page.get_by_text("Als CSV herunterladen").is_visible()
        assert "Maßnahme" in grid_text(page, 0)
        page.screenshot(path=output_dir / "cooperation-groups-1280.png")
    assert_offline(requests)


def test_weights_include_shared_partners(server, output_dir):
    with browser_page() as (new_page, requests):
        page = new_page()
        page.goto(server.url + "/cooperation?partner=wolfsburg&w_partners=0.5")
        wait_for_app(page)
        page.get_by_text("Bereits verbunden", exact=True).wait_for()
        expander = page.get_by_text("Gewichte", exact=True)
        shown = (
            "() => [...document.querySelectorAll('[data-testid=stSlider]')]"
            ".some(e => e.checkVisibility())"
        )
        click_until(page, expander, when=shown)
        sliders = page.locator('[data-testid="stSlider"]')
        assert sliders.count() == 9
        slider = sliders.filter(has_text="Gemeinsame Partner")
        assert "0.50" in slider.text_content()  # the weight from the link
        page.screenshot(path=output_dir / "cooperation-weights.png")
    assert_offline(requests)
