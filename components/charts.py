"""Chart builders: plain functions returning a plotly Figure, testable without Streamlit."""

from __future__ import annotations

import html
import re

import pandas as pd
import plotly.graph_objects as go

from components.theme import (
    FONT_FAMILY,
    FONT_SIZE,
    OKABE_ITO,
    PRESENTATION_FONT_SIZE,
    PRIMARY,
    SEQUENTIAL,
)

# Our charts set their colours themselves, so they need no theme template. Plotly's default
# here would be Streamlit's (placeholder colours for its own theme, which we switch off), and
# every figure carries its template: copying and serialising it was a third of a page run.
TEMPLATE = go.layout.Template(layout={"colorway": list(OKABE_ITO)})


def separators(lang: str) -> str:
    """Plotly's decimal and thousands marks: 1.234,5 in German, 1,234.5 in English."""
    return ",." if lang == "de" else ".,"


def count_step(peak: float, most: int = 8) -> int:
    """A whole-number tick step for counts up to `peak`: 1, 2, 5, 10, 20, 50 ... so an
    axis of projects never reads 0.5 and has at most about eight ticks."""
    step = 1
    while peak / step > most:
        step *= 2.5 if str(step).startswith("2") else 2
        step = int(step)
    return step


def count_axis(
    peak: float, title: str | None = None, automargin: bool = True, most: int = 8
) -> dict:
    """An axis of counts: whole numbers from zero, never "0.5" or "2,020.6"; at most about
    `most` ticks."""
    axis = {
        "tickformat": ",d",
        "dtick": count_step(peak, most),
        "tickangle": 0,
        "rangemode": "tozero",
        "gridcolor": "#e5e5e5",
        "automargin": automargin,
    }
    if title:
        axis["title"] = {"text": title}
    return axis


# Roughly how wide a character of the chart font is, in font sizes: wide enough that a
# label measured with it is never cut off (Source Sans averages about 0.5).
CHAR_WIDTH = 0.52
TAG = re.compile(r"<[^<>]*>")


def label_width(labels, size: int = FONT_SIZE) -> int:
    """Pixels the longest of `labels` (lines split at <br>, tags such as <b> and entities
    such as &amp; as the characters they show) takes in the chart font."""
    lines = [
        html.unescape(TAG.sub("", line)) for label in labels for line in str(label).split("<br>")
    ]
    return int(max((len(line) for line in lines), default=0) * size * CHAR_WIDTH) + 12


def for_slides(figure: go.Figure) -> go.Figure:
    """The figure in the slides' type (readable from the back of a room), its margins grown
    with the type: they were set for its labels in the page's (label_width), and a long
    label would lose its first letters."""
    scale = PRESENTATION_FONT_SIZE / FONT_SIZE
    margin = {
        side: round(value * scale)
        for side in ("l", "r", "t", "b")
        if (value := getattr(figure.layout.margin, side)) is not None
    }
    return go.Figure(figure).update_layout(
        font_size=PRESENTATION_FONT_SIZE,
        title_font_size=PRESENTATION_FONT_SIZE + 4,
        margin=margin,
    )


def base_layout(title: str, height: int, lang: str | None = None, **extra) -> dict:
    """Projector-sized fonts, white background; one dict so the figure is validated once.
    With `lang`, numbers on axes and in hovers use that language's separators."""
    if lang:
        extra.setdefault("separators", separators(lang))
    return {
        "title": {"text": title, "font": {"size": FONT_SIZE + 3}},
        "height": height,
        "margin": extra.pop("margin", {"l": 10, "r": 10, "t": 50, "b": 10}),
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
    lang: str | None = None,
) -> go.Figure:
    """Bars with their value printed beside them, always horizontal text: readable
    without colour and from afar. Labels are categories (a cohort 2020 is not a number)
    and the count axis has whole numbers only."""
    labels = [str(x) for x in labels]
    bar = go.Bar(
        x=values if horizontal else labels,
        y=labels if horizontal else values,
        orientation="h" if horizontal else "v",
        marker={"color": colours, "line": {"color": "#333333", "width": 0.5}},
        text=values,
        textposition="outside",
        textangle=0,
        constraintext="none",  # plotly shrinks printed values to a thin bar's thickness
        cliponaxis=False,
        hovertemplate="%{label}: %{value}<extra></extra>".replace(
            "%{label}", "%{y}" if horizontal else "%{x}"
        ),
        name=value_label,
    )
    height = max(260, 34 * len(labels) + 90) if horizontal else 340
    peak = max([v for v in values if v == v] or [0])
    # Margins set from the labels, not by plotly's automargin: that measures every label in
    # the browser and lays the chart out again, which on a page of five charts was most of
    # the time a filter change took to settle.
    # a half-width chart beside long labels has room for about five upright ticks
    axis = count_axis(peak * 1.12 + 0.5, value_label, automargin=False, most=5)
    axis["range"] = [0, peak * 1.12 + 0.5]  # room for the printed values
    category = {"type": "category", "automargin": False, "tickangle": 0}
    if horizontal:
        axes = {"xaxis": axis, "yaxis": {**category, "autorange": "reversed"}}
        margin = {"l": label_width(labels) + 10, "r": 10, "t": 50, "b": 60}
    else:
        axes = {"yaxis": axis, "xaxis": category}
        margin = {"l": label_width([f"{peak:,.0f}"]) + 40, "r": 10, "t": 50, "b": 40}
    return go.Figure(bar, layout=base_layout(title, height, lang, margin=margin, **axes))


def wrapped(label: str, width: int = 12) -> str:
    """A label broken into lines of about `width` characters, so it can stand upright."""
    lines, line = [], ""
    for word in str(label).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def matrix_chart(
    matrix: pd.DataFrame, title: str, row_labels, col_labels, lang: str | None = None
) -> go.Figure:
    """A heatmap with the count written in every cell (so colour is never the only cue).
    Column labels stand upright, wrapped, between the title and the cells."""
    values = matrix.to_numpy()
    text = [[str(v) if v else "" for v in row] for row in values]
    heat = go.Heatmap(
        z=values,
        x=[wrapped(c) for c in col_labels],
        y=list(row_labels),
        text=text,
        texttemplate="%{text}",
        colorscale=[[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)],
        showscale=False,
        hovertemplate="%{y} · %{x}: %{z}<extra></extra>",
        xgap=1,
        ygap=1,
    )
    columns = [wrapped(c) for c in col_labels]
    lines = max((c.count("<br>") + 1 for c in columns), default=1)
    layout = base_layout(
        title,
        max(300, 32 * len(matrix.index) + 200),
        lang,
        xaxis={"side": "top", "tickangle": 0, "automargin": False, "type": "category"},
        yaxis={"autorange": "reversed", "automargin": False, "type": "category"},
        # from the labels, as in bar_chart: the title, then the column labels' lines
        margin={"l": label_width(row_labels) + 10, "r": 10, "t": 60 + 20 * lines, "b": 10},
    )
    # the title at the top of the figure, the column labels below it, never on it
    layout["title"] = {**layout["title"], "yref": "container", "y": 0.995, "yanchor": "top"}
    return go.Figure(heat, layout=layout)


def bar_alt_text(labels, values, title_text: str, template) -> str:
    """One sentence naming every bar and its value, for screen readers and the table."""
    summary = ", ".join(f"{label}: {value}" for label, value in zip(labels, values, strict=True))
    return template(title=title_text, summary=summary)
