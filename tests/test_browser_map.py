"""The map in Debian chromium at 1280x720: it renders offline, a click on a member opens
its panel, and no request leaves localhost (basemap style and boundaries are the app's)."""

from __future__ import annotations

import pytest

from components.map_viewport import whole_country
from tests.browser import (
    MAP_VIEW_STATE,
    assert_offline,
    browser_page,
    fitted_view,
    screen_position,
    serve_app,
    wait_for_app,
    wait_for_drawn,
    wait_for_fit,
)
from tests.helpers import MUNIS, write_folder

pytestmark = pytest.mark.browser


def wait_for_map(page, whole=None) -> tuple[dict, dict]:
    """(the view the map draws, the canvas's box on the page), once the map is fitted to
    its size and its boundaries have loaded. `whole`: the view the app fits for the whole
    network at a map size (components.map_viewport.whole_country), waited for."""
    wait_for_app(page)
    canvas = page.locator(".atlas-map canvas").first
    canvas.wait_for(state="visible", timeout=30_000)
    canvas.scroll_into_view_if_needed()
    view = wait_for_fit(page, lambda w, h: whole((w, h))) if whole else fitted_view(page)[0]
    wait_for_drawn(page)  # boundaries load from the app and draw
    return view, canvas.bounding_box()


def pixel(page, lat: float, lon: float) -> tuple[float, float]:
    """Where a place is drawn on the page, in the view the map shows at this moment (it
    is fitted again once it has measured its size, so a view read earlier can be old)."""
    view = page.evaluate(MAP_VIEW_STATE)
    box = page.locator(".atlas-map canvas").first.bounding_box()
    x, y = screen_position(view, lat, lon)
    return box["x"] + x, box["y"] + y


def click_until_selected(page, lat: float, lon: float, text: str, tries: int = 3) -> None:
    """Click a member until its panel shows `text`. Under CI load a click that lands while
    the chart is still redrawing can be lost; a user would click again, so does the test
    (each time where the member is drawn then)."""
    for attempt in range(tries):
        x, y = pixel(page, lat, lon)
        page.mouse.click(x, y)
        try:
            page.wait_for_function(
                "(text) => document.body.innerText.includes(text)", arg=text, timeout=15_000
            )
            return
        except Exception:
            if attempt == tries - 1:
                raise
            wait_for_app(page)
            page.mouse.move(x + 40, y + 40)  # leave the dot so the next click is a fresh pick


def reruns_sent(page) -> list:
    """The runs the page asks the server for, as they are sent (Streamlit's BackMsg)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    sent = []

    def read(payload) -> None:
        message = BackMsg()
        message.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
        if message.WhichOneof("type") == "rerun_script":
            sent.append(message)

    page.on("websocket", lambda socket: socket.on("framesent", read))
    return sent


def test_map_renders_offline_and_a_click_opens_the_panel(server, output_dir):
    with browser_page() as (new_page, requests):
        page = new_page()
        runs = reruns_sent(page)
        page.goto(server.url + "/map")
        wait_for_map(page, whole_country)
        page.screenshot(path=output_dir / "map-default.png")
        # drawn once, fitted for the map's size from the first run (the assumed size is
        # 1280x720's): the page's run only, no second one for the map's size
        assert len(runs) == 1, [str(run)[:300] for run in runs]
        # MapLibre comes from the app, once
        fetched = [url for url in requests.urls if "/maplibre-gl/maplibre-gl.mjs" in url]
        assert len(fetched) == 1 and fetched[0].startswith(server.url), fetched
        # the boundaries: the few vector tiles this view shows, from the app
        tiles = [url for url in requests.urls if "/app/static/geo/tiles/" in url]
        assert 0 < len(tiles) <= 8 and all(url.startswith(server.url) for url in tiles), tiles
        # the boundaries' attribution on the map itself (from the local style's source)
        # (a map narrower than 640 px folds it behind an "i" button; the legend repeats it)
        attribution = page.locator(".mapboxgl-ctrl-attrib, .maplibregl-ctrl-attrib").first
        attribution.wait_for(state="attached", timeout=30_000)
        page.wait_for_function(
            "() => [...document.querySelectorAll('[class*=ctrl-attrib]')]"
            ".some(e => e.textContent.includes('GeoBasis-DE / BKG'))",
            timeout=30_000,
        )
        # the legend: a symbol in the map's colour before each label
        legend = page.locator('[data-testid="stMarkdownContainer"] img[src^="data:image/svg"]')
        assert legend.count() >= 4

        click_until_selected(page, 51.77831, 14.38267, "Ausgewählt: Cottbus")  # a dot of its own
        wait_for_app(page)
        page.screenshot(path=output_dir / "map-selected.png")

    assert_offline(requests)


HOSTILE = "<img src=x onerror=alert(1)>"


def test_a_hostile_name_shows_as_text_in_tooltip_and_panel(tmp_path, output_dir):
    folder = write_folder(
        tmp_path,
        municipalities=MUNIS.replace("hildesheim,Hildesheim,", f'hildesheim,"{HOSTILE}",'),
    )
    env = {"ATLAS_DATA_DIR": str(folder), "ATLAS_DB_PATH": str(tmp_path / "atlas.db")}
    with serve_app(env) as hostile, browser_page() as (new_page, requests):
        page = new_page()
        alerts = []
        page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
        page.goto(hostile.url + "/map")
        wait_for_map(page, whole_country)
        x, y = pixel(page, 52.15, 9.95)  # the hostile member (Hildesheim's place)
        page.mouse.move(x, y)
        tip = page.locator(".atlas-map-tooltip")
        tip.wait_for(state="visible", timeout=15_000)
        assert tip.inner_text().startswith(HOSTILE)
        assert tip.locator("img").count() == 0
        page.screenshot(path=output_dir / "map-hostile-tooltip.png")
        wait_for_app(page)
        click_until_selected(page, 52.15, 9.95, "Ausgewählt: <img src=x")
        assert page.locator('[data-testid="stMain"] img[src="x"]').count() == 0
        assert alerts == []
    assert_offline(requests)
