"""The PDF handout: title, date, filter description, KPIs, a static map, where projects
stand, cooperation suggestions (when the engine is there) and sources — rendered on the
server by kaleido with the machine's Chrome/Chromium, one A4 landscape page per figure."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import plotly.graph_objects as go
from pypdf import PdfWriter

from atlas import fmt, summary
from atlas.cooperation import Weights, suggestions, with_reasons
from atlas.filters import Filters, describe
from atlas.network import Network
from atlas.status import as_of_texts
from atlas.text import plot_text, t
from atlas.timeline import ordered_projects, phase_bars
from components.charts import bar_chart, base_layout, wrapped
from components.pdf_pages import write_pdf_pages
from components.static_map import static_map
from components.theme import GREY, PHASE_COLOURS
from components.timeline_charts import gantt

A4_LANDSCAPE = (1123, 794)  # CSS pixels at 96 dpi


class ChromeMissing(RuntimeError):
    """No Chrome/Chromium for kaleido: the message says what to install."""


def _text_page(title: str, lines: list[str], size: int = 18) -> go.Figure:
    """A page of text (already escaped for plotly) as a figure, so every page comes from
    the same renderer."""
    body = "<br>".join(lines)
    layout = base_layout(title, A4_LANDSCAPE[1], xaxis={"visible": False}, yaxis={"visible": False})
    layout["title"]["font"]["size"] = 30
    layout["margin"] = {"l": 60, "r": 60, "t": 130, "b": 40}
    layout["annotations"] = [
        {
            "text": body,
            "x": 0,
            "y": 1,
            "xref": "paper",
            "yref": "paper",
            "xanchor": "left",
            "yanchor": "top",
            "showarrow": False,
            "align": "left",
            "font": {"size": size},
        }
    ]
    return go.Figure(layout=layout)


def wrap(text: str, width: int = 60) -> str:
    """Break a long title into lines (plotly titles do not wrap by themselves)."""
    return wrapped(text, width)


def title_page(
    network: Network, view: Network, filters: Filters, lang: str, today: dt.date
) -> go.Figure:
    k = summary.kpis(view)
    lines = [
        f"<b>{plot_text(describe(filters, len(view.projects), lang))}</b>",
        plot_text(fmt.date(today.isoformat(), lang)),
        plot_text(as_of_texts(network.as_of, today, lang)[0]),
        "",
        f"{t('kpi.municipalities', lang)}: <b>{fmt.number(k.municipalities, lang)}</b>",
        f"{t('kpi.projects', lang)}: <b>{fmt.number(k.projects, lang)}</b>",
        f"{t('kpi.states', lang)}: <b>{fmt.number(k.states, lang)}</b>",
        f"{t('kpi.funding', lang)}: <b>{plot_text(fmt.euro(k.funding_federal_eur, lang))}</b> "
        + plot_text(t("kpi.funding_cover", lang, known=k.funding_known, total=k.projects)),
    ]
    return _text_page(wrap(plot_text(network.title)), lines, size=22)


def phase_page(view: Network, lang: str) -> go.Figure:
    phases = summary.projects_by_phase(view)
    labels = [t(f"phase.{p}", lang) for p in phases["phase"]]
    colours = [PHASE_COLOURS.get(p, GREY) for p in phases["phase"]]
    return bar_chart(
        labels,
        phases["projects"].tolist(),
        t("chart.by_phase", lang),
        t("chart.projects", lang),
        colours,
        lang=lang,
    )


def state_page(view: Network, lang: str) -> go.Figure:
    states = summary.projects_by_state(view)
    labels = [t(f"state.{s}", lang) for s in states["state"]]
    return bar_chart(
        labels,
        states["projects"].tolist(),
        t("chart.by_state", lang),
        t("chart.projects", lang),
        lang=lang,
    )


def sources_page(network: Network, lang: str) -> go.Figure:
    sources = network.projects["source"].dropna()
    texts = [
        t("about.source", lang, label=network.title),
        t("about.asof", lang, date=fmt.date(network.as_of, lang)),
        network.meta_value("licence"),
        t("handout.sources_count", lang, n=sources.nunique()),
        t("about.sources", lang),
        t("about.phase_note", lang),
    ]
    # long lines wrap instead of running off the page
    lines = [wrap(plot_text(text or ""), 100) for text in texts]
    return _text_page(plot_text(t("handout.sources", lang)), lines)


def timeline_page(view: Network, lang: str, today: dt.date) -> go.Figure:
    """The Gantt chart of the first 25 projects (running ones and the soonest ends first)."""
    order = ordered_projects(view, "state", today).head(25)
    no_events = pd.DataFrame(columns=["date", "title", "participants"])
    return gantt(phase_bars(view), order, no_events, today, lang, t("timeline.gantt", lang))


def suggestions_page(view: Network, lang: str) -> go.Figure:
    """The ten best new partnerships with their reasons, as a table."""
    weights = Weights()
    ranked = suggestions(view, weights, top_k=3, max_per_member=2)
    ranked = with_reasons(ranked, weights, lang).head(10)
    cells = [
        [plot_text(a) for a in ranked["a_name"]],
        [plot_text(b) for b in ranked["b_name"]],
        [f"{round(score * 100)} %" for score in ranked["score"]],
        [plot_text(r) for r in ranked["reason"]],
    ]
    header = [t(f"coop.col.{c}", lang) for c in ("a", "b", "score", "reason")]
    table = go.Table(
        columnwidth=[1.3, 1.3, 0.6, 4.5],
        header={
            "values": [f"<b>{h}</b>" for h in header],
            "fill_color": "#dde6ef",
            "align": "left",
        },
        cells={
            "values": cells,
            "align": "left",
            "font": {"size": 12},
            "height": 30,
            "fill_color": "white",
            "line_color": "#bbbbbb",
        },
    )
    return go.Figure(table, layout=base_layout(t("handout.suggestions", lang), A4_LANDSCAPE[1]))


def handout_figures(
    network: Network, view: Network, filters: Filters, lang: str, today: dt.date
) -> list[go.Figure]:
    """Title, states, map, phases, timeline, suggestions (when there are any), sources."""
    figures = [title_page(network, view, filters, lang, today)]
    if not view.projects.empty:
        figures += [
            state_page(view, lang),
            static_map(view, t("handout.map", lang), lang),
            phase_page(view, lang),
            timeline_page(view, lang, today),
        ]
        if len(view.municipalities) >= 2:
            figures.append(suggestions_page(view, lang))
    figures.append(sources_page(network, lang))
    as_of = t("handout.as_of", lang, date=fmt.date(str(network.as_of or ""), lang))
    footer = (
        f"{describe(filters, len(view.projects), lang)} · {fmt.date(today.isoformat(), lang)}"
        f" · {as_of}"
    )
    for number, figure in enumerate(figures, start=1):
        fit_to_content(figure)
        add_footer(figure, footer, t("handout.page", lang, n=number, total=len(figures)))
    return figures


def fit_to_content(figure: go.Figure) -> go.Figure:
    """A chart shorter than the page keeps its own height at the top of the page (one
    bar is not stretched over a whole A4 page); its legend follows it up; the page below
    stays white."""
    natural = figure.layout.height or A4_LANDSCAPE[1]
    axis = figure.layout.yaxis
    if natural < A4_LANDSCAPE[1] and axis.visible is not False and not figure.layout.annotations:
        low = max(0.0, 1 - (natural - 60) / (A4_LANDSCAPE[1] - 60))
        figure.update_layout(yaxis={"domain": [low, 1]})
        if figure.layout.showlegend and (figure.layout.legend.y or 0) <= 0:
            figure.update_layout(legend={"y": low - 0.02, "yanchor": "top"})
    figure.update_layout(height=A4_LANDSCAPE[1])
    return figure


def add_footer(figure: go.Figure, left: str, right: str) -> go.Figure:
    """What every page carries at its foot: the filters, the date and the page number,
    below a legend that hangs under the chart."""
    legend_below = figure.layout.showlegend and (figure.layout.legend.y or 0) <= 0
    bottom = max(figure.layout.margin.b or 0, 80) + (40 if legend_below else 0)
    figure.update_layout(margin={"b": bottom})
    for text, x, anchor in ((wrap(plot_text(left), 110), 0, "left"), (right, 1, "right")):
        figure.add_annotation(
            text=text,
            x=x,
            y=0,
            yshift=-(bottom - 16),  # at the foot of the page
            xref="paper",
            yref="paper",
            xanchor=anchor,
            yanchor="bottom",
            showarrow=False,
            align=anchor,
            font={"size": 12, "color": "#333333"},
        )
    return figure


def is_chrome_missing(exc: Exception) -> bool:
    """Whether kaleido failed for want of a Chrome/Chromium (then the page says what to
    install); any other failure, a timeout say, is not reported as a missing browser."""
    from kaleido.errors import ChromeNotFoundError

    text = str(exc).lower()
    return isinstance(exc, ChromeNotFoundError) or (
        "chrome" in text and ("not found" in text or "install" in text)
    )


def render_pdf(figures: list[go.Figure]) -> bytes:
    """One PDF, one A4 landscape page per figure, all rendered in one batch by the
    Chromium the process keeps open (components.pdf_pages)."""
    width, height = A4_LANDSCAPE
    try:
        pages = write_pdf_pages(figures, width, height)
    except Exception as exc:
        if is_chrome_missing(exc):
            raise ChromeMissing(str(exc)) from exc
        raise
    writer = PdfWriter()
    for page in pages:
        writer.append(io.BytesIO(page))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
