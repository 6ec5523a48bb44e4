"""Timeline figures: a Gantt chart of phases and a cohort step chart (plotly, no Streamlit)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from atlas.status import OVERDUE, PHASES_NOW, UNKNOWN
from atlas.text import plot_text, t
from components.charts import base_layout, count_axis, label_width
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


SLIVER = pd.Timedelta(days=45)


def without_slivers(bars: pd.DataFrame) -> pd.DataFrame:
    """Without the "phase unknown" stretches shorter than about a month and a half in a
    project that has dated phases: a project started 01.12. whose strategy phase is given
    as "2021-01" is not a project with an unknown month; the runtime stays in the data."""
    dated = set(bars.loc[bars["kind"] == "phase", "project_id"])
    short = (bars["kind"] == "runtime") & ((bars["until"] - bars["start"]) < SLIVER)
    return bars[~(short & bars["project_id"].isin(dated))]


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
    selection. An open end is drawn to `until` (else today) and marked with an arrow.

    One trace per kind of mark, top of the legend first: a bar per phase, the open ends'
    arrows, the marks of projects with only an end, the note on undated projects, the
    meeting stars; then today's line and the meetings' lines."""
    labels, y_order = row_labels(order, group_by, lang)
    rows = _Rows(
        labels, {pid: plot_text(n) for pid, n in zip(order["id"], order["name"], strict=True)}
    )
    if len(events):
        y_order = [f"<b>{plot_text(t('timeline.events', lang))}</b>", *y_order]
    day = pd.Timestamp(today)
    mine = bars[bars["project_id"].isin(labels)]
    drawn = _drawn(mine, day)
    traces = [
        *(_phase_bars(drawn[drawn["phase"] == phase], phase, rows, lang) for phase in PHASES_NOW),
        _open_ends(drawn[drawn["end"].isna()], rows, lang),
        _end_only(mine[mine["kind"] == "end_only"], rows, lang),
        _undated(mine[mine["kind"] == "none"], rows, day, lang),
        _event_stars(events, y_order[0] if len(events) else "", lang),
    ]
    fig = go.Figure(
        [trace for trace in traces if trace is not None], layout=_layout(title, y_order, lang)
    )
    _mark_today(fig, day, lang)
    _mark_events(fig, events)
    return fig


@dataclass(frozen=True)
class _Rows:
    """Where a project's marks go (its row label) and its full name for the hover text."""

    labels: dict
    names: dict

    def of(self, project_ids) -> list[str]:
        return [self.labels[p] for p in project_ids]


def _drawn(mine: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """The bars drawn (phases and the known runtime, without slivers), with `draw_end`: the
    end, else `until`, else today; never before the start."""
    drawn = without_slivers(mine[mine["kind"].isin(["phase", "runtime"])])
    draw_end = drawn["until"].fillna(day)
    return drawn.assign(draw_end=draw_end.where(draw_end >= drawn["start"], drawn["start"]))


def _phase_bars(rows: pd.DataFrame, phase: str, where: _Rows, lang: str) -> go.Bar | None:
    """One phase's bars: colour, pattern and the phase's name on the bar."""
    if rows.empty:
        return None
    name = t(f"phase.{phase}", lang)
    ends = [month(d, lang) if pd.notna(d) else "?" for d in rows["end"]]
    return go.Bar(
        base=rows["start"],
        # a whole last day: a phase ending 30.11. reaches the start of 01.12.
        x=(rows["draw_end"] - rows["start"]).dt.total_seconds() * 1000 + 86_400_000,
        y=where.of(rows["project_id"]),
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
                [where.names[p] for p in rows["project_id"]],
                [month(d, lang) for d in rows["start"]],
                ends,
                strict=True,
            )
        ),
        hovertemplate="%{customdata[1]}<br>"
        + name
        + ": %{customdata[2]} – %{customdata[3]}<extra></extra>",
    )


def _open_ends(open_ends: pd.DataFrame, where: _Rows, lang: str) -> go.Scatter | None:
    """An arrow just past each bar whose end the sources do not give."""
    if not len(open_ends):
        return None
    label = t("timeline.open_end", lang)
    return go.Scatter(
        x=open_ends["draw_end"] + pd.Timedelta(days=45),  # just past the bar
        y=where.of(open_ends["project_id"]),
        mode="markers",
        marker={"symbol": "arrow-right", "size": 14, "color": "#000000"},
        name=label,
        customdata=[[p, where.names[p]] for p in open_ends["project_id"]],
        hovertemplate="%{customdata[1]}: " + label + "<extra></extra>",
    )


def _end_only(end_only: pd.DataFrame, where: _Rows, lang: str) -> go.Scatter | None:
    """A vertical mark at the end of each project of which only the end is known."""
    if not len(end_only):
        return None
    label = t("timeline.end_only", lang)
    return go.Scatter(
        x=end_only["end"],
        y=where.of(end_only["project_id"]),
        mode="markers",
        marker={"symbol": "line-ns", "size": 22, "line": {"width": 4, "color": "#555555"}},
        name=label,
        customdata=[
            [p, where.names[p], month(e, lang)]
            for p, e in zip(end_only["project_id"], end_only["end"], strict=True)
        ],
        hovertemplate="%{customdata[1]}: "
        + t("timeline.end_only_hover", lang, end="%{customdata[2]}")
        + "<extra></extra>",
    )


def _undated(
    undated: pd.DataFrame, where: _Rows, day: pd.Timestamp, lang: str
) -> go.Scatter | None:
    """The words "no dates" in the rows of projects without any date, right of today's line."""
    if not len(undated):
        return None
    return go.Scatter(
        x=[day + pd.Timedelta(days=25)] * len(undated),  # clear of today's line
        y=where.of(undated["project_id"]),
        mode="text",
        text=[t("timeline.no_dates", lang)] * len(undated),
        textposition="middle right",
        textfont={"color": "#444444", "size": 14},
        name=t("timeline.no_dates", lang),
        hoverinfo="skip",
    )


def _event_stars(events: pd.DataFrame, row: str, lang: str) -> go.Scatter | None:
    """A star per meeting in the top row, with its title and participants on hover."""
    if not len(events):
        return None
    return go.Scatter(
        x=events["date"],
        y=[row] * len(events),
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


def _layout(title: str, y_order: list[str], lang: str) -> go.Layout:
    """Rows top to bottom as `y_order` (heading rows kept), dates on top, legend below."""
    height = max(320, ROW_PX * len(y_order) + 170)
    layout = base_layout(
        title,
        height,
        lang,
        barmode="overlay",
        showlegend=True,
        uniformtext={"minsize": 12, "mode": "hide"},
        legend={"orientation": "h", "y": 0, "yanchor": "top", "x": 0},
        xaxis={"type": "date", "gridcolor": "#e5e5e5", "side": "top", "tickfont": {"size": 15}},
        yaxis={
            "categoryorder": "array",
            "categoryarray": y_order[::-1],
            "range": [-0.5, len(y_order) - 0.5],  # heading rows have no bars, keep them
            "automargin": False,
            "tickfont": {"size": 15},
        },
    )
    # margins set, not measured by plotly's automargin: that draws the chart twice (a third
    # of the timeline's first load); the legend below takes three rows on a 1280-px screen
    layout["margin"] = {"l": label_width(y_order, 15) + 10, "r": 20, "t": 90, "b": 115}
    return layout


def _mark_today(fig: go.Figure, day: pd.Timestamp, lang: str) -> None:
    """A dotted line at today, labelled inside the chart, right of its line, under the date
    ticks (above them it sat on a year's label)."""
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
        xanchor="left",
        yanchor="top",
        xshift=4,
        bgcolor="rgba(255,255,255,0.85)",
        font={"size": 15},
    )


def _mark_events(fig: go.Figure, events: pd.DataFrame) -> None:
    """A dashed line per meeting, unless there are so many they would hide the bars."""
    if len(events) <= MAX_EVENT_LINES:
        for date in events.get("date", []):
            fig.add_vline(
                x=pd.Timestamp(date).timestamp() * 1000,
                line={"color": "#D55E00", "width": 1, "dash": "dash"},
            )


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
    stacked = sub.groupby("date")["projects"].sum()
    peak = float(stacked.max()) if len(stacked) else 0
    layout = base_layout(
        title,
        380,
        lang,
        showlegend=True,
        legend={"orientation": "h", "y": -0.15},
        yaxis=count_axis(peak, t("chart.projects", lang), automargin=False),
        xaxis={"type": "date"},
        # set, not measured (see _layout): the counts and the axis title; dates and legend
        margin={"l": label_width([f"{peak:,.0f}"]) + 40, "r": 10, "t": 50, "b": 80},
    )
    fig = go.Figure(traces, layout=layout)
    fig.add_vline(
        x=pd.Timestamp(today).timestamp() * 1000,
        line={"color": "#000000", "width": 2, "dash": "dot"},
    )
    return fig
