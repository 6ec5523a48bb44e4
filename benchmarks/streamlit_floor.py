"""What Streamlit itself costs for the elements the frame and the overview must show, with
none of the app's own code: the floor under the page figures in benchmarks.pages.

- frame widgets: st.navigation with the app's eight pages, a text field, the seven filter
  multiselects with the bundled data's options and counted labels, a reset button;
- overview charts: the overview's five plotly figures, built and written once, sent as
  components.page.chart sends them (their JSON to a custom component; this one draws
  nothing in a browser, which the server does not see);
- both together: the least an overview run can cost with these elements.

The scripts import their inputs from here, so the data is read and the figures are built
once per benchmark process, not in the measured runs.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from functools import cache
from pathlib import Path

FRAME_WIDGETS = """
import streamlit as st
from benchmarks.streamlit_floor import filter_options
pages = [st.Page(lambda: None, title=f"Seite {i}", url_path=f"p{i}") for i in range(8)]
page = st.navigation(pages)
st.sidebar.text_input("Suche", key="text")
for field, values, label in filter_options():
    st.sidebar.multiselect(field, values, key=field, format_func=label.get)
st.sidebar.button("Filter zurücksetzen")
page.run()
"""

OVERVIEW_CHARTS = """
import streamlit as st
from benchmarks.streamlit_floor import overview_figures
chart = st.components.v2.component("floor_chart", js="export default () => {}")
for key, figure in overview_figures():
    chart(key=key, data={"figure": figure, "alt": key}, on_selection_change=lambda: None)
"""


@cache
def _bundled_network():
    from atlas.network import BUNDLED_DATA_DIR
    from atlas.source import open_network

    return open_network(BUNDLED_DATA_DIR, dt.date.today())


@cache
def filter_options() -> list[tuple[str, list, dict]]:
    """(field, option values, value -> "label (count)") for each filter, as the app has them."""
    from atlas.filters import option_counts
    from components.filter_state import SPECS

    result = []
    for spec in SPECS:
        options = option_counts(_bundled_network(), spec.field)
        labels = {value: f"{value} ({count})" for value, count in options}
        result.append((spec.field, [value for value, _ in options], labels))
    return result


@cache
def overview_figures() -> list[tuple[str, str]]:
    """(key, the figure's JSON) for each overview chart."""
    import plotly.io as pio

    from components.overview import overview_charts

    charts = overview_charts(_bundled_network(), "de")
    return [
        (chart.key, pio.to_json(chart.figure, validate=False))
        for chart in charts.values()
        if chart is not None
    ]


def script_files() -> dict[str, Path]:
    """label -> a script file holding it (AppTest.from_string cannot run st.navigation)."""
    folder = Path(tempfile.mkdtemp(prefix="atlas-floor-"))
    scripts = {
        "Streamlit alone: the frame's widgets": FRAME_WIDGETS,
        "Streamlit alone: the overview's five charts": OVERVIEW_CHARTS,
        "Streamlit alone: both": FRAME_WIDGETS.replace("page.run()", OVERVIEW_CHARTS),
    }
    files = {}
    for number, (label, source) in enumerate(scripts.items()):
        files[label] = folder / f"floor_{number}.py"
        files[label].write_text(source)
    return files
