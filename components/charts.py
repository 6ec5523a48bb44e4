"""Chart builders: plain functions returning a plotly Figure, testable without Streamlit."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.theme import FONT_FAMILY, FONT_SIZE, OKABE_ITO, PRIMARY, SEQUENTIAL

# Our charts set their colours themselves, so they need no theme template. Plotly's default
# here would be Streamlit's (placeholder colours for its own theme, which we switch off), and
# every figure carries its template: copying and serialising it was a third of a page run.
TEMPLATE = go.layout.Template(layout={"colorway": list(OKABE_ITO)})


def base_layout(title: str, height: int, **extra) -> dict:
    """Projector-sized fonts, white background; one dict so the figure is validated once."""
    return {
        "title": {"text": title, "font": {"size": FONT_SIZE + 3}},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        "font": {"size": FONT_SIZE, "family": FONT_FAMILY, "color": "#262730"},
        "plot_bgcolor": "white",
        "showlegend": False,
        "template": TEMPLATE,
        **extra,
    }


def bar_chart(
    labels: list[str],
    values: list[int],
    title: str,
    value_label: str,
    colours: list[str] | str = PRIMARY,
    horizontal: bool = True,
) -> go.Figure:
    """Bars with their value printed on them: readable without colour and from afar."""
    labels = [str(x) for x in labels]
    bar = go.Bar(
        x=values if horizontal else labels,
        y=labels if horizontal else values,
        orientation="h" if horizontal else "v",
        marker={"color": colours, "line": {"color": "#333333", "width": 0.5}},
        text=values,
        textposition="auto",
        hovertemplate="%{label}: %{value}<extra></extra>".replace(
            "%{label}", "%{y}" if horizontal else "%{x}"
        ),
        name=value_label,
    )
    height = max(260, 34 * len(labels) + 90) if horizontal else 340
    axis = {"title": {"text": value_label}, "gridcolor": "#e5e5e5", "automargin": True}
    if horizontal:
        axes = {"xaxis": axis, "yaxis": {"autorange": "reversed", "automargin": True}}
    else:
        axes = {"yaxis": axis, "xaxis": {"type": "category"}}
    return go.Figure(bar, layout=base_layout(title, height, **axes))


def matrix_chart(matrix: pd.DataFrame, title: str, row_labels, col_labels) -> go.Figure:
    """A heatmap with the count written in every cell (so colour is never the only cue)."""
    values = matrix.to_numpy()
    text = [[str(v) if v else "" for v in row] for row in values]
    heat = go.Heatmap(
        z=values,
        x=list(col_labels),
        y=list(row_labels),
        text=text,
        texttemplate="%{text}",
        colorscale=[[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)],
        showscale=False,
        hovertemplate="%{y} · %{x}: %{z}<extra></extra>",
        xgap=1,
        ygap=1,
    )
    layout = base_layout(
        title,
        max(300, 32 * len(matrix.index) + 200),
        xaxis={"side": "top", "tickangle": -40, "automargin": True},
        yaxis={"autorange": "reversed", "automargin": True},
    )
    layout["margin"] = {**layout["margin"], "t": 160}
    return go.Figure(heat, layout=layout)


def bar_alt_text(labels, values, title_text: str, template) -> str:
    """One sentence naming every bar and its value, for screen readers and the table."""
    summary = ", ".join(f"{label}: {value}" for label, value in zip(labels, values, strict=True))
    return template(title=title_text, summary=summary)
