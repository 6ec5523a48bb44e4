"""Meeting-grade, in Debian chromium: a profile shows its measures and sources (and axe-core
finds no serious or critical violation on it; the other pages are checked by the tests
that open them: assert_accessible); a show link carries its views to a fresh browser on
a freshly started server; the map page is fitted to its members and names its places."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser import (
    MAP_NAMES,
    MAP_VIEW_STATE,
    assert_accessible,
    assert_offline,
    browser_page,
    click_until,
    fitted_view,
    painted,
    resized,
    screen_position,
    serve_app,
    wait_for_app,
    wait_for_drawn,
    wait_for_fit,
)

pytestmark = pytest.mark.browser

SIZES = [(1280, 720), (1920, 1080)]


def settle(page) -> None:
    """Until the app has drawn the page: its script has run, the page stopped changing, and
    its charts and map (with the boundaries) are drawn."""
    wait_for_app(page, timeout=180_000)
    wait_for_drawn(page)


def has_cookie(page, name: str, timeout_ms: int = 15_000) -> bool:
    """Whether the browser holds the cookie (polled: the page writes it as it renders)."""
    for _ in range(timeout_ms // 250):
        if any(c["name"] == name for c in page.context.cookies()):
            return True
        page.wait_for_timeout(250)
    return False


def test_a_show_link_works_in_a_fresh_browser_on_a_restarted_server(server, tmp_path, output_dir):
    """A viewer saves a view, starts the show, and the link opens on another computer
    (a fresh browser context) against a server that was started anew. A viewer's view
    stays in the browser (a cookie), so the first part runs on the process's served app."""
    first = server
    env = {"ATLAS_DB_PATH": str(tmp_path / "atlas.db")}
    with browser_page() as (new_page, requests):
        page = new_page()
        page.goto(f"{first.url}/?topic=Mobilit%C3%A4t")
        settle(page)
        page.get_by_text("Ansicht speichern").first.click()
        title = page.get_by_label("Titel der Ansicht")
        title.fill("Mobilität für morgen")
        title.press("Enter")  # the text counts once committed; then Save is enabled
        settle(page)
        click_until(page, page.get_by_role("button", name="Speichern"), "Gespeichert")
        # the view is kept in a cookie; the next page load reads it from there
        assert has_cookie(page, "atlas_views")
        page.goto(f"{first.url}/present")  # a new page load: the view is kept in the browser
        settle(page)
        assert "Mobilität für morgen" in page.locator('[data-testid="stMain"]').inner_text()
        click_until(page, page.get_by_role("button", name="Präsentation starten"), "1 / ")
        settle(page)
        link = page.url.replace(first.url, "")
        assert "views=" in link
    assert_offline(requests)  # the viewer's browser, before the link moves on
    with serve_app(env) as second, browser_page() as (new_page, requests):
        page = new_page(fresh=True)
        page.goto(second.url + link)
        settle(page)
        body = page.locator("body").inner_text()
        # the five views stored with the data and the viewer's own one, none skipped
        assert "1 / 6" in body and "übersprungen" not in body
        page.screenshot(path=output_dir / "meeting-show-link-fresh.png")
        page.reload()
        settle(page)
        assert "1 / 6" in page.locator("body").inner_text()
    assert_offline(requests)


@pytest.mark.parametrize("member", ["kalletal", "hildesheim"])
def test_a_profile_shows_measures_and_openable_sources(server, output_dir, member):
    """At 1280x720 (where axe-core checks it) and, resized, at 1920x1080."""
    with browser_page(*SIZES[0]) as (new_page, requests):
        page = new_page()
        page.goto(f"{server.url}/profiles?municipality={member}")
        settle(page)
        main = page.locator('[data-testid="stMain"]')
        main.get_by_text("Quellen der Angaben").wait_for(timeout=60_000)
        links = main.locator('[data-testid="stMarkdownContainer"] a[href^="http"]')
        assert links.count() >= 1  # the member's source, a link a reader can open
        assert all(
            href.startswith(("https://", "http://"))
            for href in links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
        )
        assert "Keine bekannt" not in main.inner_text().split("Partner")[1].split("\n")[1]
        assert_accessible(page)  # the profile with its tables and links
        heading = main.get_by_text("Maßnahmen", exact=True).first
        for width, height in SIZES:
            if width != SIZES[0][0]:
                resized(page, width, height)
            # back at the top: every scrolled container above the heading
            heading.evaluate("e => { for (let n = e; n; n = n.parentElement) n.scrollTop = 0; }")
            painted(page)
            page.screenshot(path=output_dir / f"meeting-profile-{member}-{width}.png")
            heading.evaluate("e => e.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(800)
            page.screenshot(path=output_dir / f"meeting-profile-{member}-measures-{width}.png")
    assert_offline(requests)


def located_in(*states: str):
    """The members in these states with their places (all without states), as the map
    draws them."""
    from atlas import geo
    from atlas.filters import Filters, apply_filters
    from atlas.network import BUNDLED_DATA_DIR
    from atlas.source import open_network

    network = open_network(BUNDLED_DATA_DIR, dt.date.today())
    return geo.located(apply_filters(network, Filters(states=states)).municipalities)


def members_in(*states: str) -> list[tuple[float, float, str]]:
    """(lat, lon, name) of the members in these states (all without states)."""
    points = located_in(*states)
    return list(zip(points["lat"], points["lon"], points["name"], strict=True))


def assert_fits(view: dict, box: dict, members, name: str) -> None:
    """Every member lies inside the map with a margin, and the members span most of the
    map (not fitted for a smaller one); the view is for the map's size as drawn."""
    assert abs(view["width"] - box["width"]) <= 2, (view, box)
    assert abs(view["height"] - box["height"]) <= 2, (view, box)
    spots = {n: screen_position(view, lat, lon) for lat, lon, n in members}
    outside = {
        n: (round(x), round(y))
        for n, (x, y) in spots.items()
        if not (20 <= x <= view["width"] - 20 and 20 <= y <= view["height"] - 20)
    }
    assert outside == {}, (name, view)
    xs = [x for x, _ in spots.values()]
    ys = [y for _, y in spots.values()]
    used = max((max(xs) - min(xs)) / view["width"], (max(ys) - min(ys)) / view["height"])
    assert used > 0.6, (name, view, used)


def zoom_names_a_member(page, points, named: set, before: dict, box: dict, shot) -> None:
    """Zoomed in with the mouse wheel on a member that has no name in the view `before`,
    the map names it and keeps the zoom (screenshot `shot`)."""
    unnamed = points[~points["name"].isin(named)]
    assert len(unnamed), "every member already has its name: nothing to reveal"
    target = unnamed.iloc[0]
    x, y = screen_position(before, target["lat"], target["lon"])
    page.mouse.move(box["x"] + x, box["y"] + y)
    for _ in range(12):  # wheeled in about two zoom levels, on the unnamed member
        page.mouse.wheel(0, -200)
        page.wait_for_timeout(400)
        if page.evaluate(MAP_VIEW_STATE)["zoom"] >= before["zoom"] + 2:
            break
    # once the view has held still, the browser reports it and the names for it come.
    # On a loaded machine the view can be reported between two steps, and the run
    # that brings its names can swallow the report of the last step (the map then
    # names the places of the view before it); a user who sees no name scrolls once
    # more, so does the test
    shown = f"() => ({MAP_NAMES})().includes({json.dumps(target['name'])})"
    try:
        page.wait_for_function(shown, timeout=20_000, polling=500)
    except PlaywrightTimeout:
        wait_for_app(page)
        page.mouse.wheel(0, -100)
        page.wait_for_function(shown, timeout=60_000, polling=500)
    settle(page)
    page.mouse.move(0, 0)  # off the map: the picture shows the names, not a tooltip over them
    page.screenshot(path=shot)
    after = page.evaluate(MAP_VIEW_STATE)
    assert after["zoom"] > before["zoom"] + 1.5  # the server's new names kept the zoom
    assert page.locator(".atlas-map canvas").first.is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_map_page_fits_its_members_and_names_them_when_zoomed(server, output_dir):
    """The Niedersachsen map on its page, and the whole network on the page without
    filters, each at 1280x720 and 1920x1080 (the window resized, as a laptop switched to
    the projector: the map measures its new size and is fitted to it): every filtered
    member lies inside the map with a margin, and the members span most of the map (not
    fitted for a smaller one).
    At 1280x720, zoomed in with the mouse wheel on a member that has no name where the map
    opens, the map names it (and keeps its names at their size: the screenshots before and
    after, meeting-fit-page-1280 and meeting-map-zoom-after, show it; tests/test_map_labels.py
    checks sizes, overlaps and positions at both sizes).
    The map's slide (content only, the map filling it below the bar, fitted the same way)
    is checked where the slide show steps onto it: test_slide_show_with_arrow_keys_and_a_remote."""
    from components.map_viewport import members_view, whole_country

    points = located_in("Niedersachsen")
    niedersachsen, everyone = members_in("Niedersachsen"), members_in()
    (small, small_height), (large, large_height) = SIZES
    with browser_page(small, small_height) as (new_page, requests):
        page = new_page()

        # the page: fitted to the map's measured size (not the assumed one): a refit after
        # the zoom would undo it
        page.goto(f"{server.url}/map?state=Niedersachsen")
        settle(page)
        for width, height in SIZES:
            if width == large:  # the zoom is undone by the new size: fitted anew
                page.mouse.move(0, 0)  # off the map: no member's tooltip in the picture
                page.set_viewport_size({"width": width, "height": height})
            wait_for_fit(page, lambda w, h: members_view(points, (w, h), False))
            before, box = fitted_view(page)
            settle(page)  # names and boundaries drawn
            page.screenshot(path=output_dir / f"meeting-fit-page-{width}.png")
            assert_fits(before, box, niedersachsen, "page")
            named = set(page.evaluate(MAP_NAMES))
            assert "Hannover" in named
            if width == small:  # the names a zoom reveals do not depend on the size
                zoom_names_a_member(
                    page, points, named, before, box, output_dir / "meeting-map-zoom-after.png"
                )

        # the whole network on the page without filters: reset in the sidebar, as a
        # coordinator does after looking at one state; then back on the laptop's screen
        reset = page.locator('[data-testid="stSidebar"]').get_by_role(
            "button", name="Filter zurücksetzen"
        )
        click_until(page, reset, when="() => !location.search.includes('state=')")
        for width, height in reversed(SIZES):
            if width == small:
                page.set_viewport_size({"width": width, "height": height})
            settle(page)
            wait_for_fit(page, lambda w, h: whole_country((w, h)))
            view, box = fitted_view(page)
            settle(page)
            page.screenshot(path=output_dir / f"meeting-fit-germany-{width}.png")
            assert_fits(view, box, everyone, "germany")
        # the legend names the state after a planned end, and the data's date is given
        assert page.get_by_text("Geplantes Ende überschritten").count() >= 1
        assert page.get_by_text("aus Daten mit Stand 09.2025").count() == 1
        assert_accessible(page)
    assert_offline(requests)
