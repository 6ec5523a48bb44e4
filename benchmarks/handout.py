"""The PDF handout of the bundled data filtered to Niedersachsen: seconds for the whole
handout (building the figures and the PDF), against a baseline measured in the same run:
a one-page PDF of an empty figure through plotly's own one-shot export (kaleido starts and
stops its Chrome for it, which is what every handout cost before the app kept one open).

Two handout figures: the first in a fresh process (it starts the shared Chrome) and the
following ones (they reuse it), which is what everyone after the first user waits.

    .venv/bin/python -m benchmarks.handout
"""

from __future__ import annotations

import datetime as dt
import time

import plotly.graph_objects as go
import plotly.io as pio

from atlas.filters import Filters, apply_filters
from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from benchmarks.common import median_seconds, row
from components.handout import A4_LANDSCAPE, handout_figures, render_pdf
from components.pdf_pages import close_session


def main() -> None:
    day = dt.date.today()
    network = open_network(BUNDLED_DATA_DIR, day)
    filters = Filters(states=("Niedersachsen",))
    view = apply_filters(network, filters)
    width, height = A4_LANDSCAPE

    def baseline_page() -> None:
        pio.to_image(go.Figure(), format="pdf", width=width, height=height)

    def handout() -> bytes:
        return render_pdf(handout_figures(network, view, filters, "de", day))

    baseline = median_seconds(baseline_page, repeat=3)
    close_session()
    start = time.perf_counter()
    pages = handout()
    first = time.perf_counter() - start
    later = median_seconds(handout, repeat=3)
    close_session()
    print(row("one empty page, one-shot kaleido (baseline)", f"{baseline:.1f} s"))
    print(row("first handout in a process (starts Chrome)", f"{first:.1f} s", "target < 10 s"))
    print(row("every later handout (Chrome kept open)", f"{later:.1f} s", "target < 10 s"))
    print(row("first handout / baseline", f"{first / baseline:.1f}x"))
    print(row("later handout / baseline", f"{later / baseline:.1f}x"))
    print(row("PDF size", f"{len(pages) / 1e3:.0f} kB"))


if __name__ == "__main__":
    main()
