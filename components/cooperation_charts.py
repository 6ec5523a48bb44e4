"""The cooperation network drawn on the state outlines: one line style per kind of link
(joint project, cooperation, visit or meeting, suggestion) with a legend, so it reads
without colour too; only the strongest suggestions; labels placed so that none overlaps
another label or a member's dot (a label that finds no free place is left to the hover
text and the table alternative)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from atlas.outlines import LAT_STRETCH
from atlas.text import plot_text
from components.static_map import extent, map_layout, outline_trace
from components.theme import FONT_SIZE

# kind -> (colour, dash, width): Okabe-Ito colours, and a dash pattern per kind
LINE_STYLES = {
    "joint": ("#9a9a9a", "solid", 2.0),
    "cooperation": ("#009E73", "dashdot", 3.0),
    "visit": ("#CC79A7", "dot", 3.5),
    "suggestion": ("#0072B2", "dash", 3.5),
}
HEIGHT = 640
PLOT_WIDTH_PX = 780  # the narrowest plot area at 1280 px with the sidebar open
PLOT_HEIGHT_PX = HEIGHT - 130  # title, legend and margins
LABEL_FONT = FONT_SIZE - 1
DOT_RADIUS_PX = 7


def _lines(frame: pd.DataFrame, coords: dict, kind: str, name: str) -> go.Scatter:
    xs, ys = [], []
    for a, b in zip(frame["a_id"], frame["b_id"], strict=True):
        if a in coords and b in coords:
            xs += [coords[a][1], coords[b][1], None]
            ys += [coords[a][0], coords[b][0], None]
    colour, dash, width = LINE_STYLES[kind]
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        line={"color": colour, "dash": dash, "width": width},
        name=name,
        hoverinfo="skip",
    )


def pixel_scale(bounds) -> tuple[float, float]:
    """Pixels per degree of longitude and latitude for a map frame with true proportions
    (the smaller of what the width and the height allow)."""
    (lon_lo, lon_hi), (lat_lo, lat_hi) = bounds
    per_lat = min(
        PLOT_HEIGHT_PX / (lat_hi - lat_lo), PLOT_WIDTH_PX * LAT_STRETCH / (lon_hi - lon_lo)
    )
    return per_lat / LAT_STRETCH, per_lat


def _box(cx: float, cy: float, text: str, font: float) -> tuple[float, float, float, float]:
    w, h = 0.6 * font * len(text) + 6, 1.4 * font
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(points: list[tuple[str, float, float]], bounds, font: float = LABEL_FONT):
    """(text, x offset px, y offset px, box) per label that fits, in the given order (most
    important first): tried above, below, right, left of the dot, then further out with
    a leader line; never overlapping a placed label or any dot."""
    per_lon, per_lat = pixel_scale(bounds)
    (lon_lo, _), (_, lat_hi) = bounds
    pixels = [((lon - lon_lo) * per_lon, (lat_hi - lat) * per_lat) for _, lon, lat in points]
    dots = [
        (x - DOT_RADIUS_PX, y - DOT_RADIUS_PX, x + DOT_RADIUS_PX, y + DOT_RADIUS_PX)
        for x, y in pixels
    ]
    placed: list[tuple] = []
    result = []
    for (text, _, _), (x, y) in zip(points, pixels, strict=True):
        half = 0.3 * font * len(text) + 3
        near = 0.7 * font + DOT_RADIUS_PX
        offsets = [(0, -near), (0, near), (half + 10, 0), (-half - 10, 0)]
        offsets += [(dx, dy) for dy in (-2.2 * near, 2.2 * near) for dx in (0, half, -half)]
        offsets += [(half + 30, -near * 2), (-half - 30, near * 2), (half + 30, near * 2)]
        for dx, dy in offsets:
            box = _box(x + dx, y + dy, text, font)
            if any(_overlaps(box, other) for other in placed) or any(
                _overlaps(box, dot) for dot in dots
            ):
                continue
            placed.append(box)
            result.append((text, dx, dy, box))
            break
        else:
            result.append((text, None, None, None))
    return result


def network_graph(
    members: pd.DataFrame,
    links: pd.DataFrame,
    title: str,
    labels: dict[str, str],
) -> go.Figure:
    """members: id, name, lat, lon; links: a_id, b_id, kind (joint, cooperation, visit,
    suggestion). Labels: 'members' and one per kind for the legend."""
    members = members.dropna(subset=["lat", "lon"])
    coords = {
        m: (lat, lon)
        for m, lat, lon in zip(members["id"], members["lat"], members["lon"], strict=True)
    }
    linked = pd.concat([links["a_id"], links["b_id"]]).value_counts()
    shown = members[members["id"].isin(linked.index)].copy()
    shown["degree"] = shown["id"].map(linked)
    shown = shown.sort_values(["degree", "name"], ascending=[False, True], kind="stable")
    bounds = extent(shown if len(shown) else members)
    nodes = go.Scatter(
        x=shown["lon"],
        y=shown["lat"],
        mode="markers",
        text=[plot_text(n) for n in shown["name"]],
        marker={
            "size": 2 * DOT_RADIUS_PX,
            "color": "#E69F00",
            "line": {"color": "#222222", "width": 1},
        },
        name=labels["members"],
        hovertemplate="%{text}<extra></extra>",
    )
    layout = map_layout(title, HEIGHT, bounds)
    points = list(
        zip([plot_text(n) for n in shown["name"]], shown["lon"], shown["lat"], strict=True)
    )
    for (text, dx, dy, _), (_, lon, lat) in zip(place_labels(points, bounds), points, strict=True):
        if dx is None:
            continue
        layout["annotations"].append(
            {
                "x": lon,
                "y": lat,
                "text": text,
                "ax": dx,
                "ay": dy,
                "showarrow": True,
                "arrowwidth": 1,
                "arrowcolor": "#777777",
                "arrowhead": 0,
                "standoff": DOT_RADIUS_PX,
                "font": {"size": LABEL_FONT, "color": "#111111"},
                "bgcolor": "rgba(255,255,255,0.85)",
            }
        )
    outline = outline_trace()
    outline.showlegend = False
    traces = [outline]
    for kind in LINE_STYLES:
        part = links[links["kind"] == kind]
        if len(part):
            traces.append(_lines(part, coords, kind, labels[kind]))
    traces.append(nodes)
    return go.Figure(traces, layout=layout)
