"""Timeline: where every project stands in time, how each cohort moved, what comes next."""

import streamlit as st

from atlas.text import escape_markdown, t
from atlas.timeline import (
    GROUPINGS,
    cohort_counts_between,
    milestones,
    ordered_projects,
    phase_bars,
)
from components.asof import show_as_of
from components.data import current_view, language, today, view_inputs
from components.memo import remembered
from components.page import page_header
from components.timeline_view import cohort_section, gantt_section, milestone_section
from components.url_widgets import url_widget

lang = language()
network, view, filters = current_view()
page_header(t("timeline.title", lang), view, filters, lang)
if view.projects.empty:
    st.info(t("empty.filtered", lang))
    st.stop()

group = url_widget(
    st.segmented_control,
    t("timeline.group", lang),
    GROUPINGS,
    key="timeline_group",
    param="group",
    default="state",
    label_of=lambda g: t(f"timeline.group.{g}", lang),
)

day = today()
show_as_of(network, lang, day)
bars = remembered("timeline_bars", view_inputs(), lambda: phase_bars(view, day))
order = remembered(
    "timeline_order", (view_inputs(), group), lambda: ordered_projects(view, group, day)
)
gantt_section(view, bars, order, day, lang, group)
st.caption(escape_markdown(t("timeline.unknown_note", lang)))

cohort_section(view, lambda first, last: cohort_counts_between(view, first, last), day, lang)
milestone_section(lambda months: milestones(view, day, months), lang)
