"""Timeline figures: a Gantt chart of phases and a cohort step chart (plotly, no Streamlit)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from atlas.schema import PHASES
from atlas.status import UNKNOWN
from atlas.text import plot_text, t
from components.charts import base_layout
from components.theme import GREY, PHASE_COLOURS

# a hatch for the unknown, so it differs from a phase without relying on colour
PATTERN = {UNKNOWN: "/"}
MAX_LABEL = 38
ROW_PX = 30


def month(day, lang: str) -> str:
    return pd.Timestamp(day).strftime("%m.%Y" if lang == "de" else "%Y-%m")


def short(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "…"


def gantt(
    bars: pd.DataFrame,
    order: pd.DataFrame,
    events: pd.DataFrame,
    today: dt.date,
    lang: str,
    title: str,
) -> go.Figure:
    """bars: project_id, phase, start, end, kind; order: id, name, group (top to bottom);
    events: date, title, participants (names). Bars carry the project id for selection."""
    labels = {
        pid: f"{plot_text(short(name))}"
        for pid, name in zip(order["id"], order["name"], strict=True)
    }
    full = {pid: plot_text(name) for pid, name in zip(order["id"], order["name"], strict=True)}
    y_order = [labels[pid] for pid in order["id"]]
    traces = []
    open_end = pd.Timestamp(
        today
    )  # an unknown end is drawn to today, never beyond (hover says "?")
    for phase in (*PHASES, UNKNOWN):
        rows = bars[
            (bars["phase"] == phase) & (bars["kind"] != "none") & bars["project_id"].isin(labels)
        ]
        if rows.empty:
            continue
        ends = rows["end"].fillna(open_end)
        name = t(f"phase.{phase}", lang)
        traces.append(
            go.Bar(
                base=rows["start"],
                x=(ends - rows["start"]).dt.total_seconds() * 1000,
                y=[labels[p] for p in rows["project_id"]],
                orientation="h",
                name=name,
                marker={
                    "color": PHASE_COLOURS.get(phase, GREY),
                    "line": {"color": "#333333", "width": 0.6},
                    "pattern": {"shape": PATTERN.get(phase, ""), "fgcolor": "#444444"},
                },
                customdata=list(
                    zip(
                        rows["project_id"],
                        [full[p] for p in rows["project_id"]],
                        [month(d, lang) for d in rows["start"]],
                        [month(d, lang) if pd.notna(d) else "?" for d in rows["end"]],
                        strict=True,
                    )
                ),
                hovertemplate="%{customdata[1]}<br>"
                + name
                + ": %{customdata[2]} – %{customdata[3]}<extra></extra>",
            )
        )
    undated = bars[(bars["kind"] == "none") & bars["project_id"].isin(labels)]
    if len(undated):
        traces.append(
            go.Scatter(
                x=[pd.Timestamp(today)] * len(undated),
                y=[labels[p] for p in undated["project_id"]],
                mode="text",
                text=[t("timeline.no_dates", lang)] * len(undated),
                textposition="middle right",
                textfont={"color": "#555555"},
                name=t("timeline.no_dates", lang),
                hoverinfo="skip",
            )
        )
    if len(events):
        traces.append(
            go.Scatter(
                x=events["date"],
                y=[y_order[0]] * len(events),
                mode="markers",
                marker={
                    "symbol": "star",
                    "size": 16,
                    "color": "#D55E00",
                    "line": {"color": "#000000", "width": 1},
                },
                name=t("timeline.events", lang),
                text=[
                    f"{plot_text(title)}<br>{plot_text(who)}"
                    for title, who in zip(events["title"], events["participants"], strict=True)
                ],
                hovertemplate="%{x|%d.%m.%Y}<br>%{text}<extra></extra>",
                cliponaxis=False,
            )
        )
    height = max(320, ROW_PX * len(y_order) + 150)
    layout = base_layout(
        title,
        height,
        barmode="overlay",
        showlegend=True,
        legend={"orientation": "h", "y": 0, "yanchor": "top", "x": 0},
        xaxis={"type": "date", "gridcolor": "#e5e5e5", "side": "top"},
        yaxis={
            "categoryorder": "array",
            "categoryarray": y_order[::-1],
            "automargin": True,
            "tickfont": {"size": 14},
        },
    )
    layout["margin"] = {"l": 10, "r": 20, "t": 90, "b": 60}
    fig = go.Figure(traces, layout=layout)
    fig.add_vline(
        x=pd.Timestamp(today).timestamp() * 1000,
        line={"color": "#000000", "width": 2, "dash": "dot"},
    )
    fig.add_annotation(
        x=pd.Timestamp(today),
        y=1,
        yref="paper",
        text=t("timeline.today", lang),
        showarrow=False,
        yanchor="bottom",
        font={"size": 14},
    )
    for date in events.get("date", []):
        fig.add_vline(
            x=pd.Timestamp(date).timestamp() * 1000,
            line={"color": "#D55E00", "width": 1, "dash": "dash"},
        )
    return fig


def cohort_chart(
    counts: pd.DataFrame, cohort: int, today: dt.date, lang: str, title: str
) -> go.Figure:
    """Stacked steps: how many of one cohort's projects were in which phase, month by month."""
    sub = counts[counts["cohort"] == cohort]
    traces = []
    for phase in (*PHASES, UNKNOWN):
        rows = sub[sub["phase"] == phase]
        if rows["projects"].sum() == 0:
            continue
        traces.append(
            go.Scatter(
                x=rows["date"],
                y=rows["projects"],
                name=t(f"phase.{phase}", lang),
                mode="lines",
                line={"shape": "hv", "width": 0.5, "color": PHASE_COLOURS.get(phase, GREY)},
                fillpattern={"shape": PATTERN.get(phase, "")},
                stackgroup="one",
                hovertemplate="%{x|%m.%Y}: %{y} " + t(f"phase.{phase}", lang) + "<extra></extra>",
            )
        )
    layout = base_layout(
        title,
        380,
        showlegend=True,
        legend={"orientation": "h", "y": -0.15},
        yaxis={"title": {"text": t("chart.projects", lang)}},
        xaxis={"type": "date"},
    )
    fig = go.Figure(traces, layout=layout)
    fig.add_vline(
        x=pd.Timestamp(today).timestamp() * 1000,
        line={"color": "#000000", "width": 2, "dash": "dot"},
    )
    return fig
