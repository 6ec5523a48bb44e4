"""The PDF handout of the bundled data filtered to Niedersachsen: seconds for the whole
handout (figures and PDF), against a baseline measured in the same run, a one-page PDF of
an empty figure (what starting kaleido's Chrome costs by itself).

    .venv/bin/python -m benchmarks.handout
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go

from atlas.filters import Filters, apply_filters
from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from benchmarks.common import median_seconds, row
from components.handout import handout_figures, render_pdf


def main() -> None:
    day = dt.date.today()
    network = open_network(BUNDLED_DATA_DIR, day)
    filters = Filters(states=("Niedersachsen",))
    view = apply_filters(network, filters)
    baseline = median_seconds(lambda: render_pdf([go.Figure()]), repeat=3)
    whole = median_seconds(
        lambda: render_pdf(handout_figures(network, view, filters, "de", day)), repeat=3
    )
    print(row("one empty page (baseline: kaleido and Chrome alone)", f"{baseline:.1f} s"))
    print(row("whole handout, Niedersachsen (7 pages)", f"{whole:.1f} s", "target < 10 s"))
    print(row("handout / baseline", f"{whole / baseline:.1f}x"))


if __name__ == "__main__":
    main()
