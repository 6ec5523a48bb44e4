"""Where the map looks: its size as the browser measured it, the view fitted to that size
(the filtered members, or Germany), kept while the user pans, and the view the user
zoomed or panned to, for which the names are drawn.

The browser's side is a small probe (`st.components.v2`) that draws nothing and sends
back two things only the browser knows, as numbers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from atlas import geo
from atlas.filters import Filters
from atlas.text import t
from components.map_deck import INITIAL_VIEW

MAP_HEIGHT = 470  # map and legend on one 1280x720 screen, below the page's header
# The map's pixels at 1280x720 (beside the panel on the page; filling the slide below its
# bar), until the browser has measured them: the first view of a session is fitted for
# these, later ones for what the map measures.
ASSUMED_SIZE = {False: (607, MAP_HEIGHT), True: (875, 544)}
# free pixels at the map's edges (left, right, top, bottom): dots reach 24 px, and a
# name runs to the right of its dot
PADDING = (36, 130, 36, 36)
GERMANY_CORNERS = pd.DataFrame({"lat": [47.27, 55.06], "lon": [5.87, 15.04]})


def find_in_map_js(pick: str) -> str:
    """A JavaScript function that finds an object behind the first map on the page through
    React's tree: the first hook state for which `pick` (a JavaScript function of it)
    gives something other than null; null while there is none."""
    return (
        """() => {
  const pick = """
        + pick
        + """;
  const canvas = document.querySelector('[data-testid="stDeckGlJsonChart"] canvas');
  const key = canvas && Object.keys(canvas).find(k => k.startsWith('__reactFiber'));
  if (!key) return null;
  let fiber = canvas[key];
  while (fiber.return) fiber = fiber.return;
  const stack = [fiber.stateNode.current];
  while (stack.length) {
    const node = stack.pop();
    for (let hook = node.memoizedState, n = 0; hook && typeof hook === 'object' && n < 64;
         hook = hook.next, n++) {
      const found = hook.memoizedState ? pick(hook.memoizedState) : null;
      if (found) return found;
    }
    if (node.sibling) stack.push(node.sibling);
    if (node.child) stack.push(node.child);
  }
  return null;
}"""
    )


# The deck.gl instance behind the first map on the page (the DeckGL component keeps it in a
# ref). (The browser tests read the map's view and names through it too.)
FIND_DECK_JS = find_in_map_js(
    "ref => (ref.current && ref.current.deck && ref.current.deck.getViewports"
    " ? ref.current.deck : null)"
)
# Reports to the server what only the browser knows: the map's size in CSS pixels (it
# follows the screen: taller on a projector, wider on a slide), once and again when it
# differs from the size the view was fitted for; and the view the user has zoomed or
# panned to, once it has held still, so the server sends the names that have room there
# (zoomed in by hand, more places get their names). `data` says what the server used.
# Polls, as the map appears after this probe and changes with the window and the mouse;
# only numbers go back and forth. The view is deck.gl's own, found through React's tree
# (Streamlit's map offers no event for it); where that fails, nothing is reported and the
# names stay those of the opening view.
SIZE_PROBE_JS = (
    "const findDeck = "
    + FIND_DECK_JS
    + """;
const deckView = () => {
  try {
    const deck = findDeck();
    const view = deck && deck.getViewports()[0];
    if (view && typeof view.zoom === 'number') {
      return { latitude: view.latitude, longitude: view.longitude, zoom: view.zoom };
    }
  } catch (error) {}
  return null;
};
// a view's centre in pixels of the world at `zoom` (Web Mercator, 512 px at zoom 0)
const pixels = (view, zoom) => {
  const scale = 512 * Math.pow(2, zoom);
  const y = Math.log(Math.tan(Math.PI / 4 + view.latitude * Math.PI / 360));
  return [(view.longitude + 180) / 360 * scale, (1 - y / Math.PI) / 2 * scale];
};
export default function ({ data, setStateValue }) {
  // Streamlit calls this again when `data` changes, without the last call's cleanup:
  // one probe per page, the last one
  if (window.__atlasMapProbe) window.__atlasMapProbe();
  const used = data || {};
  // the map's code (Streamlit's, several MB) starts loading while the map's place is
  // measured, instead of after: beside the page's own scripts, named as they are
  const index = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (used.chunk && index && !document.querySelector('link[data-atlas-map-code]')) {
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = index.src.replace(/[^/]*$/, used.chunk);
    link.setAttribute('data-atlas-map-code', '');
    document.head.appendChild(link);
  }
  const started = Date.now();
  let last = null;
  let lastView = null;
  let basis = used.view || null;  // the view the names were chosen for
  let touched = false;  // the user zoomed, dragged or clicked the map since the last look
  const touch = (event) => {
    if (event.target && event.target.closest
        && event.target.closest('[data-testid="stDeckGlJsonChart"]')) touched = true;
  };
  const kinds = ["wheel", "pointerdown", "keydown", "touchstart", "dblclick"];
  kinds.forEach(kind => document.addEventListener(kind, touch, true));
  const measure = () => {
    const deck = document.querySelector('[data-testid="stDeckGlJsonChart"]');
    const map = deck || document.querySelector('.st-key-map_placeholder');
    if (!map || !map.clientWidth || !map.clientHeight) return;
    // the map's place counts once the page's style has given it the map's height (it
    // arrives a moment after the place); after three seconds it counts as it is
    const styled = deck || !['auto', '0px'].includes(getComputedStyle(map).minHeight);
    if (!styled && Date.now() - started < 3000) return;
    const size = [Math.round(map.clientWidth), Math.round(map.clientHeight)];
    const same = last && last[0] === size[0] && last[1] === size[1];
    last = size;
    if (!same) return;  // a size counts once it held for two looks (not mid-resize)
    const moved = Math.abs(size[0] - used.width) > 8 || Math.abs(size[1] - used.height) > 8;
    if (!used.measured || moved) {
      used.measured = true;
      used.width = size[0];
      used.height = size[1];
      setStateValue("size", { width: size[0], height: size[1] });
      return;
    }
    // only a view the user moved to: the server's own moves (a new fit, the buttons)
    // bring their names along
    const view = deckView();
    if (!view) return;
    if (!basis) basis = view;
    const held = lastView && view.zoom === lastView.zoom
      && view.latitude === lastView.latitude && view.longitude === lastView.longitude;
    lastView = view;
    if (!touched || !held) return;
    touched = false;
    const [x0, y0] = pixels(basis, view.zoom);
    const [x1, y1] = pixels(view, view.zoom);
    const shifted = Math.abs(x1 - x0) > size[0] / 5 || Math.abs(y1 - y0) > size[1] / 5;
    if (Math.abs(view.zoom - basis.zoom) >= 0.25 || shifted) {
      basis = view;
      setStateValue("view", view);
    }
  };
  // looks every 100 ms while the page builds up (a size counts after two), then 250 ms
  let timer = setTimeout(function look() {
    measure();
    timer = setTimeout(look, Date.now() - started < 3000 ? 100 : 250);
  }, 0);
  const stop = () => {
    clearTimeout(timer);
    kinds.forEach(kind => document.removeEventListener(kind, touch, true));
    if (window.__atlasMapProbe === stop) window.__atlasMapProbe = null;
  };
  window.__atlasMapProbe = stop;
  return stop;
}
"""
)
_size_probe = None


def _map_code() -> str | None:
    """The file name of Streamlit's map code in its static folder, None if not found."""
    folder = Path(st.__file__).parent / "static" / "static" / "js"
    found = sorted(folder.glob("DeckGlJsonChart.*.js"))
    return found[0].name if found else None


MAP_CODE = _map_code()
PROBE_KEY = "map_size"


def map_probe(presenting: bool, shown: dict | None) -> tuple[tuple[int, int] | None, dict | None]:
    """(the map's size in pixels as the browser last measured it, on a slide or on the
    page, None until it has; the view the user has zoomed or panned to, if reported in
    this run, else None). `shown`: the view the map's names were chosen for."""
    global _size_probe
    remembered_key = f"map_px_{'slide' if presenting else 'page'}"
    # what the probe reported, taken before it is drawn again: told in this very run that
    # the map was measured, it does not report the same size once more (which cost every
    # first map a third run, once the map had drawn)
    measured = measured_size(_reported("size"))
    if measured is not None:
        st.session_state[remembered_key] = measured
    size = st.session_state.get(remembered_key)
    used = size or ASSUMED_SIZE[presenting]
    if _size_probe is None:
        _size_probe = st.components.v2.component("atlas_map_size", js=SIZE_PROBE_JS)
    result = _size_probe(
        key=PROBE_KEY,
        data={
            "width": used[0],
            "height": used[1],
            "measured": size is not None,
            "view": shown and {k: float(shown[k]) for k in ("latitude", "longitude", "zoom")},
            "chunk": None if size else MAP_CODE,
        },
        on_size_change=lambda: None,
        on_view_change=lambda: None,
    )
    # the probe's value stays until it sends another: only a new one is a report
    raw = getattr(result, "view", None)
    report = None
    if raw is not None and raw != st.session_state.get("map_view_report"):
        st.session_state["map_view_report"] = raw
        report = reported_view(raw)
    return size, report


def _reported(name: str):
    """The probe's last report of `name` ("size", "view"), None if it has sent none."""
    try:
        return st.session_state[PROBE_KEY][name]
    except (KeyError, TypeError):
        return None


def measured_size(value) -> tuple[int, int] | None:
    """(width, height) from what the probe sent, if it is a plausible map size."""
    try:
        width, height = int(value["width"]), int(value["height"])
    except (TypeError, KeyError, ValueError):
        return None
    if 120 <= width <= 8000 and 120 <= height <= 8000:
        return width, height
    return None


def named_view() -> dict | None:
    """The view the map's names are chosen for: where the user zoomed or panned to, else
    the view the map opened at (None before the first run)."""
    return st.session_state.get("map_seen") or st.session_state.get("map_view")


def reported_view(value) -> dict | None:
    """{latitude, longitude, zoom} from what the probe sent, if it is a plausible view
    (rounded: a view differs from the last one by a quarter zoom step or a fifth of the
    map, so finer digits would only make more versions of the same names)."""
    try:
        view = {k: float(value[k]) for k in ("latitude", "longitude", "zoom")}
    except (TypeError, KeyError, ValueError):
        return None
    if not (-85 <= view["latitude"] <= 85 and -180 <= view["longitude"] <= 180):
        return None
    if not 0 <= view["zoom"] <= 22:
        return None
    return {
        "latitude": round(view["latitude"], 3),
        "longitude": round(view["longitude"], 3),
        "zoom": round(view["zoom"], 2),
    }


def fitted(
    points: pd.DataFrame, filters: Filters, size: tuple[int, int] | None, presenting: bool
) -> dict:
    """The filtered members' extent, or Germany without filters, fitted to the map's
    size (as measured, else as at 1280x720): every member inside, with room for the dots
    and names at the edges."""
    if filters.is_empty:
        return whole_country(size)
    return members_view(points, size, presenting)


def members_view(points: pd.DataFrame, size: tuple[int, int] | None, presenting: bool) -> dict:
    return geo.fit_view(points, *(size or ASSUMED_SIZE[presenting]), padding=PADDING)


def whole_country(size: tuple[int, int] | None) -> dict:
    """All of Germany: the app's opening view until the map was measured, then Germany
    fitted to the map (larger on a projector)."""
    if size is None:
        return INITIAL_VIEW
    return geo.fit_view(GERMANY_CORNERS, *size, padding=(16, 16, 16, 16))


def view_state(
    points: pd.DataFrame,
    filters: Filters,
    lang: str,
    size: tuple[int, int] | None = None,
    presenting: bool = False,
) -> dict:
    """The filtered members' extent (Germany without filters): fitted again when the
    filters or the map's size change, and kept while they stay, so a click or a setting
    never moves a map the user has panned. Every slide starts fitted to its own filters;
    the buttons move the map at any time."""
    # each slide of a slide show is a view of its own and starts from its own filters
    origin = (st.query_params.get("show"), st.query_params.get("slide"), filters, size)
    if "map_view" not in st.session_state or st.session_state.get("map_view_origin") != origin:
        st.session_state["map_view"] = fitted(points, filters, size, presenting)
        st.session_state["map_view_origin"] = origin
        st.session_state.pop("map_seen", None)
    if st.button(t("map.fit", lang), key="map_fit", width="stretch"):
        _move_to(members_view(points, size, presenting))
    if st.button(t("map.reset_view", lang), key="map_whole", width="stretch"):
        _move_to(whole_country(size))
    return st.session_state["map_view"]


def _move_to(target: dict) -> None:
    """The chart moves only when the view it is given differs from the last one; the user
    may have panned since, so a press of the same button must still differ: a zoom step
    too small to see, alternating, makes sure it does."""
    st.session_state.pop("map_seen", None)  # the names of the view moved to
    presses = st.session_state.get("map_view_presses", 0) + 1
    st.session_state["map_view_presses"] = presses
    st.session_state["map_view"] = {**target, "zoom": target["zoom"] + (presses % 2) * 1e-4}
