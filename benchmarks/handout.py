"""The PDF handout of the bundled data filtered to Niedersachsen: seconds for the whole
handout (building the figures and the PDF), beside two baselines measured in the same run:

- one trivial page (an empty figure) through the Chromium the app keeps open: what any
  PDF costs at least once the renderer runs;
- one trivial page through plotly's own one-shot export (kaleido starts and stops its
  Chromium for it, which is what every handout cost before the app kept one open).

Handouts measured: cold (the first in a fresh process, nothing started: it starts the
shared Chromium), cold after the present page started the renderer in the background
(`warm_up`, as the page does when it opens) and the user clicked a few seconds later, and
warm (every later handout). Target: under 10 s, also cold.

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
from components.pdf_pages import close_session, warm_up, write_pdf_pages

READING_S = 3  # from opening the present page to pressing the handout's button


def main() -> None:
    day = dt.date.today()
    network = open_network(BUNDLED_DATA_DIR, day)
    filters = Filters(states=("Niedersachsen",))
    view = apply_filters(network, filters)
    width, height = A4_LANDSCAPE

    def handout() -> bytes:
        return render_pdf(handout_figures(network, view, filters, "de", day))

    def timed(run) -> float:
        start = time.perf_counter()
        run()
        return time.perf_counter() - start

    one_shot = median_seconds(
        lambda: pio.to_image(go.Figure(), format="pdf", width=width, height=height), repeat=3
    )
    close_session()
    cold = timed(handout)
    warm = median_seconds(handout, repeat=3)
    trivial = median_seconds(lambda: write_pdf_pages([go.Figure()], width, height), repeat=3)
    close_session()
    warm_up()
    time.sleep(READING_S)
    cold_prepared = timed(handout)
    pages = handout()
    close_session()
    print(row("baseline: one trivial page, Chromium kept open", f"{trivial:.1f} s"))
    print(row("baseline: one trivial page, one-shot kaleido", f"{one_shot:.1f} s"))
    print(row("cold handout (first in a process, starts Chromium)", f"{cold:.1f} s", "< 10 s"))
    print(
        row(
            f"cold handout, renderer started {READING_S} s before the click",
            f"{cold_prepared:.1f} s",
            "< 10 s",
        )
    )
    print(row("warm handout (Chromium kept open)", f"{warm:.1f} s", "< 10 s"))
    print(row("cold / one-shot page", f"{cold / one_shot:.1f}x"))
    print(row("cold, prepared / one-shot page", f"{cold_prepared / one_shot:.1f}x"))
    print(row("warm / trivial page", f"{warm / trivial:.1f}x"))
    print(row("PDF size", f"{len(pages) / 1e3:.0f} kB"))


if __name__ == "__main__":
    main()
