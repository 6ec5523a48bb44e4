"""The cooperation network drawn on the state outlines: existing links solid and grey,
suggestions dashed and blue (thicker = better match), so it reads without colour too."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from atlas.text import plot_text
from components.static_map import extent, map_layout, outline_trace

EXISTING, SUGGESTED = "#7a7a7a", "#0072B2"


def _lines(
    frame: pd.DataFrame, coords: dict, colour: str, dash: str, name: str, width: float
) -> go.Scatter:
    xs, ys = [], []
    for a, b in zip(frame["a_id"], frame["b_id"], strict=True):
        if a in coords and b in coords:
            xs += [coords[a][1], coords[b][1], None]
            ys += [coords[a][0], coords[b][0], None]
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        line={"color": colour, "dash": dash, "width": width},
        name=name,
        hoverinfo="skip",
    )


def network_graph(
    members: pd.DataFrame,
    existing: pd.DataFrame,
    suggested: pd.DataFrame,
    title: str,
    labels: dict[str, str],
) -> go.Figure:
    """members: id, name, lat, lon; existing/suggested: a_id, b_id."""
    members = members.dropna(subset=["lat", "lon"])
    coords = {
        m: (lat, lon)
        for m, lat, lon in zip(members["id"], members["lat"], members["lon"], strict=True)
    }
    linked = (
        set(existing["a_id"])
        | set(existing["b_id"])
        | set(suggested["a_id"])
        | set(suggested["b_id"])
    )
    shown = members[members["id"].isin(linked)]
    nodes = go.Scatter(
        x=shown["lon"],
        y=shown["lat"],
        mode="markers+text" if len(shown) <= 40 else "markers",
        text=[plot_text(n) for n in shown["name"]],
        textposition="top center",
        marker={"size": 10, "color": "#E69F00", "line": {"color": "#222222", "width": 1}},
        name=labels["members"],
        hovertemplate="%{text}<extra></extra>",
    )
    layout = map_layout(title, 640, extent(shown if len(shown) else members))
    outline = outline_trace()
    outline.showlegend = False
    traces = [
        outline,
        _lines(existing, coords, EXISTING, "solid", labels["existing"], 1.5),
        _lines(suggested, coords, SUGGESTED, "dash", labels["suggested"], 2.5),
        nodes,
    ]
    return go.Figure(traces, layout=layout)
