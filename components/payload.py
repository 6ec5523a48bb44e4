"""Sending less to the browser when the network is large.

At 11,000 members the map's deck was 4.3 MB of JSON, two thirds of it tooltips; the
browser parses and converts all of it on every run before it draws a dot. What a tooltip
leaves out at that size, the panel beside the map shows for the member that is clicked.
"""

from __future__ import annotations

import pandas as pd

# Above this many members a tooltip keeps its first lines (name; kind and state): a map of
# a few thousand dots is read by region and by click, not by hovering each dot.
SHORT_TIPS_ABOVE = 2_000
TIP_LINES = 2


def short_tips(points: pd.DataFrame | None, lines: int = TIP_LINES) -> pd.DataFrame | None:
    """`points` with each `tip` cut to its first `lines` lines when there are more than
    SHORT_TIPS_ABOVE of them; a new frame, the shared one stays as it is."""
    if points is None or len(points) <= SHORT_TIPS_ABOVE or "tip" not in points:
        return points
    cut = ["\n".join(tip.split("\n", lines)[:lines]) for tip in points["tip"].tolist()]
    return points.assign(tip=cut)
