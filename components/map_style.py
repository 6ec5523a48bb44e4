"""How the map tells things apart: the members' fill by phase, cohort or topic, their
outlines by phase, the link kinds by colour, width and dash. Shared by the deck and its
legend, so the legend always shows exactly what the map draws."""

from __future__ import annotations

import pandas as pd

from atlas.schema import TOPICS
from atlas.status import PHASES_NOW
from components.theme import GREY, OKABE_ITO, PHASE_COLOURS

ARC_COLOUR = "#D55E00"
# Link kinds told apart by colour and by dash and width, so they read in greyscale and
# never look like a phase: (colour, width in pixels, dash as [dash, gap] in line widths).
LINK_STYLES = {
    "joint": ("#000000", 5, [1, 0]),
    "cooperation": ("#D55E00", 3, [1, 0]),
    "visit": ("#CC79A7", 3, [4, 2]),
    "support": ("#5A5A5A", 3, [1, 1.5]),
    "suggestion": ("#8C8C8C", 2, [6, 3]),
}
# Phases by outline as well as colour: a finished project's dot has a thick black ring,
# an unknown phase is hollow (white with a grey ring), the others a thin dark outline.
PHASE_OUTLINES = {"Abgeschlossen": ("#000000", 3.0), "Unbekannt": (GREY, 3.0)}
HOLLOW = {"Unbekannt"}
# Okabe-Ito without black (the partner organisations' ring) for cohorts and topics
DISTINCT = tuple(c for c in OKABE_ITO if c != "#000000")
NONE_GREY = "#D0D0D0"


def rgb(hex_colour: str, alpha: int = 230) -> list[int]:
    hex_colour = hex_colour.lstrip("#")
    return [int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def point_colours(points: pd.DataFrame, colour_by: str) -> tuple[list, dict[str, str]]:
    """Fill colour per point and the legend (value -> hex, in legend order) for phase,
    cohort or first topic. Seven distinct colours at most, so no two legend entries share
    one: the most frequent values get them, the rest are "…" (others, grey); "–" is none."""
    if colour_by == "cohort":
        values = points["cohort"].map(lambda c: "–" if pd.isna(c) else str(int(c)))
    elif colour_by == "topic":
        values = points["topic_list"].map(lambda ts: ts[0] if ts else "–")
    else:
        values = points["phase"]
    present = set(values)
    if colour_by == "phase":
        order = [p for p in PHASES_NOW if p in present]
        order += sorted(present - set(order))
        palette = {v: PHASE_COLOURS.get(v, GREY) for v in order}
    else:
        frequent = values[values != "–"].value_counts(sort=True)
        chosen = set(frequent.index[: len(DISTINCT)])

        def rank(v: str) -> tuple:
            return (TOPICS.index(v) if v in TOPICS else len(TOPICS), v)

        palette = {v: DISTINCT[i] for i, v in enumerate(sorted(chosen, key=rank))}
        if present - chosen - {"–"}:
            palette["…"] = GREY
        if "–" in present:
            palette["–"] = NONE_GREY
        values = values.map(lambda v: v if v in palette else "…")
    fill = {v: rgb(hex_colour) for v, hex_colour in palette.items()}
    if colour_by == "phase":  # hollow: told apart by shape, not only by its grey
        fill.update({v: rgb("#FFFFFF") for v in HOLLOW if v in fill})
    return [fill[v] for v in values], palette


def member_outlines(points: pd.DataFrame, colour_by: str) -> tuple[list, list]:
    """Outline colour and width per member: in phase colours, by phase as well (thick
    black ring when finished, grey ring when unknown), so two phases never differ by
    colour alone; a thin dark outline otherwise."""
    thin = (rgb("#1E1E1E", 220), 1.0)
    if colour_by != "phase":
        return [thin[0]] * len(points), [thin[1]] * len(points)
    styles = {p: (rgb(c, 255), w) for p, (c, w) in PHASE_OUTLINES.items()}
    chosen = [styles.get(p, thin) for p in points["phase"]]
    return [c for c, _ in chosen], [w for _, w in chosen]
