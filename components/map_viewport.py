"""Where the map looks: its size as the browser measured it, the view fitted to that size
(the filtered members, or Germany), kept while the user pans, and the view the user
zoomed or panned to, for which the names are drawn. The map itself
(static/js/map_chart.js) reports its size and the view the user moved to, as numbers."""

from __future__ import annotations

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
# the boundaries' attribution runs along the map's foot (about 20 px high), over the
# Alps when Germany is fitted with a margin of 16 px only
GERMANY_PADDING = (16, 16, 16, 16 + 24)


def take_reports(reported: dict | None, presenting: bool) -> tuple[int, int]:
    """The map's size to fit the view for, after taking what the map reported (its
    component's state: "size", "view"): the size it measured, on a slide or on the page,
    else the one assumed. A report is taken once, when new: the map's last one stays in
    its state, and a slide's map is not the page's. A new view (the user zoomed or
    panned) is where the names are chosen for."""
    kind = "slide" if presenting else "page"
    reported = reported or {}
    measured = measured_size(reported.get("size"))
    if measured is not None and reported["size"] != st.session_state.get("map_size_report"):
        st.session_state["map_size_report"] = reported["size"]
        st.session_state[f"map_px_{kind}"] = measured
    view = reported_view(reported.get("view"))
    if view is not None and view != st.session_state.get("map_view_report"):
        st.session_state["map_view_report"] = view
        st.session_state["map_seen"] = view
    return st.session_state.get(f"map_px_{kind}") or ASSUMED_SIZE[presenting]


def measured_size(value) -> tuple[int, int] | None:
    """(width, height) from what the map sent, if it is a plausible map size."""
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
    """{latitude, longitude, zoom} from what the map sent, if it is a plausible view
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
    return geo.fit_view(GERMANY_CORNERS, *size, padding=GERMANY_PADDING)


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
