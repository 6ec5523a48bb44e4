"""Timeline: where every project stands in time, how each cohort moved, what comes next."""

import streamlit as st

from atlas.text import escape_markdown, t
from atlas.timeline import (
    GROUPINGS,
    cohort_phase_counts,
    milestones,
    month_range,
    ordered_projects,
    phase_bars,
)
from components.asof import show_as_of
from components.data import current_view, language, today, view_inputs
from components.memo import remembered
from components.page import page_header
from components.timeline_view import cohort_section, gantt_section, milestone_section
from components.url_state import seed_from_url, write_to_url

lang = language()
network, view, filters = current_view()
page_header(t("timeline.title", lang), view, filters, lang)
if view.projects.empty:
    st.info(t("empty.filtered", lang))
    st.stop()

seed_from_url("group", "timeline_group", set(GROUPINGS))
st.session_state.setdefault("timeline_group", "state")
group = (
    st.segmented_control(
        t("timeline.group", lang),
        GROUPINGS,
        format_func=lambda g: t(f"timeline.group.{g}", lang),
        key="timeline_group",
    )
    or "state"
)
write_to_url("group", group if group != "state" else None)

day = today()
show_as_of(network, lang, day)
bars = remembered("timeline_bars", view_inputs(), lambda: phase_bars(view, day))
order = remembered(
    "timeline_order", (view_inputs(), group), lambda: ordered_projects(view, group, day)
)
gantt_section(view, bars, order, day, lang, group)
st.caption(escape_markdown(t("timeline.unknown_note", lang)))

large = len(view.projects) > 2000  # quarterly steps: monthly ones add cost, not insight
cohort_section(
    view,
    lambda first, last: cohort_phase_counts(view, month_range(first, last, quarterly=large)),
    day,
    lang,
)
milestone_section(lambda months: milestones(view, day, months), lang)
