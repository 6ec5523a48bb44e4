"""Timeline figures: a Gantt chart of phases and a cohort step chart (plotly, no Streamlit)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from atlas.status import OVERDUE, PHASES_NOW, UNKNOWN
from atlas.text import plot_text, t
from components.charts import base_layout
from components.theme import GREY, PHASE_COLOURS

# a pattern per phase and the phase's name on its bar, so colour is never the only cue;
# the unknown is hatched
PATTERN = {"Strategie": ".", "Verlängerung": "+", OVERDUE: "-", "Abgeschlossen": "x", UNKNOWN: "/"}
MAX_LABEL = 38
ROW_PX = 30
MAX_EVENT_LINES = 20  # beyond that, the dashed lines would hide the bars
ZERO_WIDTH = "\u200b"  # keeps two projects whose shortened names agree on separate rows


def month(day, lang: str) -> str:
    return pd.Timestamp(day).strftime("%m.%Y" if lang == "de" else "%Y-%m")


def short(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "…"


def group_title(group: str, by: str | None, lang: str) -> str:
    if not group:
        return t("timeline.no_group", lang)
    if by in ("state", "topic"):
        return t(f"{by}.{group}", lang)
    if by == "cohort":
        return f"{t('timeline.cohort', lang)} {group}"
    return group


def row_labels(order: pd.DataFrame, group_by: str | None, lang: str) -> tuple[dict, list]:
    """(label per project id, all rows top to bottom): shortened names, escaped for plotly,
    unique; with group_by, a bold heading row above each group."""
    labels, rows, seen, current = {}, [], set(), None
    groups = order["group"] if group_by and "group" in order else [None] * len(order)
    for pid, name, group in zip(order["id"], order["name"], groups, strict=True):
        if group_by and group != current:
            current = group
            rows.append(f"<b>{plot_text(group_title(group, group_by, lang))}</b>")
        label = plot_text(short(str(name)))
        while label in seen:
            label += ZERO_WIDTH
        seen.add(label)
        labels[pid] = label
        rows.append(label)
    return labels, rows


def gantt(
    bars: pd.DataFrame,
    order: pd.DataFrame,
    events: pd.DataFrame,
    today: dt.date,
    lang: str,
    title: str,
    group_by: str | None = None,
) -> go.Figure:
    """bars: atlas.timeline.phase_bars; order: id, name, group (top to bottom); events:
    date, title, participants (names). Bars carry the project id (customdata[0]) for
    selection. An open end is drawn to `until` (else today) and marked with an arrow."""
    labels, y_order = row_labels(order, group_by, lang)
    full = {pid: plot_text(name) for pid, name in zip(order["id"], order["name"], strict=True)}
    if len(events):
        y_order = [f"<b>{plot_text(t('timeline.events', lang))}</b>", *y_order]
    day = pd.Timestamp(today)
    mine = bars[bars["project_id"].isin(labels)]
    drawn = mine[mine["kind"].isin(["phase", "runtime"])]
    draw_end = drawn["until"].fillna(day)
    drawn = drawn.assign(draw_end=draw_end.where(draw_end >= drawn["start"], drawn["start"]))
    traces = []
    for phase in PHASES_NOW:
        rows = drawn[drawn["phase"] == phase]
        if rows.empty:
            continue
        name = t(f"phase.{phase}", lang)
        ends = [month(d, lang) if pd.notna(d) else "?" for d in rows["end"]]
        traces.append(
            go.Bar(
                base=rows["start"],
                # a whole last day: a phase ending 30.11. reaches the start of 01.12.
                x=(rows["draw_end"] - rows["start"]).dt.total_seconds() * 1000 + 86_400_000,
                y=[labels[p] for p in rows["project_id"]],
                orientation="h",
                name=name,
                text=[name] * len(rows),
                textposition="inside",
                insidetextanchor="middle",
                textfont={"size": 13, "color": "#000000" if phase != "Umsetzung" else "#FFFFFF"},
                marker={
                    "color": PHASE_COLOURS.get(phase, GREY),
                    "line": {"color": "#333333", "width": 0.6},
                    "pattern": {
                        "shape": PATTERN.get(phase, ""),
                        "fillmode": "overlay",  # over the phase colour, not instead of it
                        "fgcolor": "#333333",
                        "size": 8,
                        "solidity": 0.15,
                    },
                },
                customdata=list(
                    zip(
                        rows["project_id"],
                        [full[p] for p in rows["project_id"]],
                        [month(d, lang) for d in rows["start"]],
                        ends,
                        strict=True,
                    )
                ),
                hovertemplate="%{customdata[1]}<br>"
                + name
                + ": %{customdata[2]} – %{customdata[3]}<extra></extra>",
            )
        )
    open_ends = drawn[drawn["end"].isna()]
    if len(open_ends):
        label = t("timeline.open_end", lang)
        traces.append(
            go.Scatter(
                x=open_ends["draw_end"] + pd.Timedelta(days=45),  # just past the bar
                y=[labels[p] for p in open_ends["project_id"]],
                mode="markers",
                marker={"symbol": "arrow-right", "size": 14, "color": "#000000"},
                name=label,
                customdata=[[p, full[p]] for p in open_ends["project_id"]],
                hovertemplate="%{customdata[1]}: " + label + "<extra></extra>",
            )
        )
    end_only = mine[mine["kind"] == "end_only"]
    if len(end_only):
        label = t("timeline.end_only", lang)
        traces.append(
            go.Scatter(
                x=end_only["end"],
                y=[labels[p] for p in end_only["project_id"]],
                mode="markers",
                marker={"symbol": "line-ns", "size": 22, "line": {"width": 4, "color": "#555555"}},
                name=label,
                customdata=[
                    [p, full[p], month(e, lang)]
                    for p, e in zip(end_only["project_id"], end_only["end"], strict=True)
                ],
                hovertemplate="%{customdata[1]}: "
                + t("timeline.end_only_hover", lang, end="%{customdata[2]}")
                + "<extra></extra>",
            )
        )
    undated = mine[mine["kind"] == "none"]
    if len(undated):
        traces.append(
            go.Scatter(
                x=[day] * len(undated),
                y=[labels[p] for p in undated["project_id"]],
                mode="text",
                text=[t("timeline.no_dates", lang)] * len(undated),
                textposition="middle right",
                textfont={"color": "#444444", "size": 14},
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
                    "size": 18,
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
    height = max(320, ROW_PX * len(y_order) + 170)
    layout = base_layout(
        title,
        height,
        barmode="overlay",
        showlegend=True,
        uniformtext={"minsize": 12, "mode": "hide"},
        legend={"orientation": "h", "y": 0, "yanchor": "top", "x": 0},
        xaxis={"type": "date", "gridcolor": "#e5e5e5", "side": "top", "tickfont": {"size": 15}},
        yaxis={
            "categoryorder": "array",
            "categoryarray": y_order[::-1],
            "range": [-0.5, len(y_order) - 0.5],  # heading rows have no bars, keep them
            "automargin": True,
            "tickfont": {"size": 15},
        },
    )
    layout["margin"] = {"l": 10, "r": 20, "t": 90, "b": 80}
    fig = go.Figure(traces, layout=layout)
    fig.add_vline(
        x=day.timestamp() * 1000,
        line={"color": "#000000", "width": 2, "dash": "dot"},
        name="today",
    )
    fig.add_annotation(
        x=day,
        y=1,
        yref="paper",
        text=t("timeline.today", lang),
        showarrow=False,
        yanchor="bottom",
        font={"size": 15},
    )
    if len(events) <= MAX_EVENT_LINES:
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
    for phase in PHASES_NOW:
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
                fillcolor=PHASE_COLOURS.get(phase, GREY),
                fillpattern={
                    "shape": PATTERN.get(phase, ""),
                    "fillmode": "overlay",
                    "fgcolor": "#333333",
                    "size": 8,
                    "solidity": 0.15,
                },
                stackgroup="one",
                hovertemplate="%{x|%m.%Y}: %{y} " + t(f"phase.{phase}", lang) + "<extra></extra>",
            )
        )
    layout = base_layout(
        title,
        380,
        showlegend=True,
        legend={"orientation": "h", "y": -0.15},
        yaxis={"title": {"text": t("chart.projects", lang)}, "automargin": True},
        xaxis={"type": "date"},
    )
    fig = go.Figure(traces, layout=layout)
    fig.add_vline(
        x=pd.Timestamp(today).timestamp() * 1000,
        line={"color": "#000000", "width": 2, "dash": "dot"},
    )
    return fig
