"""Charts in the browser: a plotly figure drawn by the app's own plotly.js bundle
(`st.components.v2`), served from the app's static files and cached by the browser.

Why not st.plotly_chart: Streamlit's own chart carries the whole of plotly.js (maps, 3D,
WebGL, other calendars: 4.7 MB) and a browser evaluates it on every first load of a page
with a chart, about 1.4 s of one core before the first chart appears. The app draws
scatters, lines, bars and a heatmap: plotly.js's core with bar and heatmap (1.2 MB;
DEVELOPING.md says how it is built) is evaluated in about 0.4 s. `figure_json` is pure
(testable without Streamlit); `figure_chart` draws it.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio

from atlas.text import t
from components.browser_code import page_component, static_url
from components.charts import for_slides

LIBRARY = static_url("vendor/plotly/plotly.min.js")
DEFAULT_HEIGHT = 450  # plotly.js's, for a figure that gives none


def figure_json(figure: go.Figure, slide: bool = False) -> str:
    """`figure` as plotly.js's JSON, written once for as long as the figure lives (the
    shared cache keeps it; the text is kept on the figure, as plotly figures cannot be
    dictionary keys). Nobody may change the figure afterwards. `slide`: in the slides'
    type (components.charts.for_slides), made and written once as well."""
    name = "_atlas_slide_json" if slide else "_atlas_json"
    kept = getattr(figure, name, None)
    if kept is None:
        kept = pio.to_json(for_slides(figure) if slide else figure, validate=False)
        setattr(figure, name, kept)  # plotly allows attributes starting with "_"
    return kept


def chart_data(figure: str, height: int, alt: str, select: bool, mode_bar: dict) -> bytes:
    """What the browser gets: one JSON object with the figure's JSON as written, as bytes,
    which Streamlit sends as they are (a dict it would write as JSON again on every run,
    and a JSON string inside JSON costs an escape for each of its quotes). `mode_bar`:
    mode_bar()'s texts."""
    fields = json.dumps(
        {"library": LIBRARY, "height": height, "alt": alt, "select": select, **mode_bar}
    )
    return f'{fields[:-1]}, "figure": {figure}}}'.encode()


def mode_bar(key: str, lang: str) -> dict:
    """The mode bar's language: plotly.js's own texts and month names (the bundle carries
    its German ones), the full-screen button's title, the downloaded picture's name."""
    return {
        "locale": lang,
        "fullscreen": t("chart.fullscreen", lang),
        "filename": t("chart.file", lang, name=key.replace("_", "-")),
    }


def figure_chart(
    figure: go.Figure, key: str, alt: str, lang: str, slide: bool = False, select: bool = False
) -> dict:
    """Draws `figure` as wide as its column, named by `alt` for screen readers, its mode
    bar in `lang`. With `select`, a click on a point selects it (a double click clears)
    and reruns the page; returns {"selection": {"points": [{curve_number, point_number,
    x, y, customdata}]}}, as st.plotly_chart gives it."""
    result = page_component("atlas_chart", "figure.js")(
        key=key,
        data=chart_data(
            figure_json(figure, slide),
            figure.layout.height or DEFAULT_HEIGHT,
            alt,
            select,
            mode_bar(key, lang),
        ),
        on_selection_change=lambda: None,
    )
    selection = (result or {}).get("selection")
    points = selection.get("points") if isinstance(selection, dict) else None
    return {"selection": {"points": points if isinstance(points, list) else []}}
