"""A static map of the network (plotly, no tiles, no internet): for the PDF handout and
the map's PNG download. States as outlines, members as dots sized by their projects."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from atlas import geo
from atlas.geo import PHASE_RANK
from atlas.network import Network, members
from atlas.outlines import ATTRIBUTION, LAT_STRETCH, state_rings
from atlas.text import plot_text, t
from components.charts import base_layout
from components.theme import GREY, PHASE_COLOURS, PRIMARY


def outline_trace() -> go.Scatter:
    xs, ys = [], []
    for _, lons, lats in state_rings():
        xs += [*lons, None]
        ys += [*lats, None]
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        line={"color": "#9a9a9a", "width": 0.8},
        fill="toself",
        fillcolor="#f2f2f2",
        hoverinfo="skip",
        showlegend=False,
    )


def static_map(view: Network, title: str, lang: str, width_px: int = 900) -> go.Figure:
    """Members of the view as dots (size: number of projects, colour: the most advanced
    phase of their projects, also named in the legend so colour is not the only cue)."""
    counts = members(view.projects).groupby("municipality_id").size()
    munis = view.municipalities.dropna(subset=["lat", "lon"]).copy()
    munis["projects"] = munis["id"].map(counts).fillna(0).astype(int)
    phase_of = _leading_phase(view)
    munis["phase"] = munis["id"].map(phase_of).fillna("Unbekannt")
    traces = [outline_trace()]
    for phase, group in munis.groupby("phase", sort=False):
        traces.append(
            go.Scatter(
                x=group["lon"],
                y=group["lat"],
                mode="markers",
                name=t(f"phase.{phase}", lang),
                marker={
                    "size": 7 + 4 * group["projects"].clip(upper=6),
                    "color": PHASE_COLOURS.get(phase, GREY),
                    "line": {"color": "#222222", "width": 0.8},
                    "symbol": _SYMBOLS.get(phase, "circle"),
                },
                text=[plot_text(name) for name in group["name"]],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    bounds = extent(munis)
    traces.append(name_trace(munis, bounds, width_px))
    layout = map_layout(title, int(width_px * 1.15), bounds)
    return go.Figure(traces, layout=layout)


def name_trace(munis, bounds, width_px: int) -> go.Scatter:
    """The members' names where they do not overlap (atlas.geo.label_choice at the zoom
    this frame has): all when few, those with most projects when many."""
    (lon_lo, lon_hi), _ = bounds
    zoom = math.log2(width_px * 360 / (512 * max(lon_hi - lon_lo, 0.1)))
    chosen = munis[geo.label_choice(munis, zoom, limit=40, font_px=13)] if len(munis) else munis
    return go.Scatter(
        x=chosen["lon"],
        y=chosen["lat"],
        mode="text",
        text=[plot_text(name) for name in chosen["name"]],
        textposition="middle right",
        textfont={"size": 13, "color": "#111111"},
        hoverinfo="skip",
        showlegend=False,
        cliponaxis=False,
    )


GERMANY = ((5.7, 15.2), (47.2, 55.15))


def map_layout(title: str, height: int, bounds) -> dict:
    """A plain lon/lat map frame: no axes, true proportions, legend below, BKG attribution."""
    (lon_lo, lon_hi), (lat_lo, lat_hi) = bounds
    return base_layout(
        title,
        height,
        xaxis={"visible": False, "range": [lon_lo, lon_hi]},
        yaxis={
            "visible": False,
            "range": [lat_lo, lat_hi],
            "scaleanchor": "x",
            "scaleratio": LAT_STRETCH,
        },
        showlegend=True,
        legend={"orientation": "h", "y": -0.02},
        # room for the legend's row below, set: measured by plotly, it draws the map twice
        margin={"l": 10, "r": 10, "t": 50, "b": 60},
        annotations=[
            {
                "text": ATTRIBUTION,
                "xref": "paper",
                "yref": "paper",
                "x": 1,
                "y": 0,
                "showarrow": False,
                "font": {"size": 11, "color": "#555555"},
                "xanchor": "right",
            }
        ],
    )


def extent(munis) -> tuple[tuple[float, float], tuple[float, float]]:
    """The members' area with a margin (at least 3° wide), or all of Germany."""
    if munis.empty:
        return GERMANY
    lon_lo, lon_hi = munis["lon"].min() - 0.6, munis["lon"].max() + 0.6
    lat_lo, lat_hi = munis["lat"].min() - 0.4, munis["lat"].max() + 0.4
    if lon_hi - lon_lo < 3:
        centre = (lon_lo + lon_hi) / 2
        lon_lo, lon_hi = centre - 1.5, centre + 1.5
    if lat_hi - lat_lo < 2:
        centre = (lat_lo + lat_hi) / 2
        lat_lo, lat_hi = centre - 1, centre + 1
    return (lon_lo, lon_hi), (lat_lo, lat_hi)


# shapes per phase, so the map reads in black and white too
_SYMBOLS = {
    "Strategie": "diamond",
    "Umsetzung": "circle",
    "Verlängerung": "square",
    "Ende überschritten": "x",
    "Abgeschlossen": "triangle-up",
}


def _leading_phase(view: Network) -> dict[str, str]:
    """For each member, the most advanced current phase among its projects."""
    order = PHASE_RANK
    best: dict[str, str] = {}
    for ids, phase in zip(
        view.projects["municipality_ids"], view.projects["phase_now"], strict=True
    ):
        for mid in ids:
            if order.get(phase, 0) >= order.get(best.get(mid, "Unbekannt"), 0):
                best[mid] = phase
    return best


__all__ = ["PRIMARY", "static_map"]
