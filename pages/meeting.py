"""Meetings: plan who meets where about what, the agenda, and record what came of it."""

import datetime as dt

import streamlit as st

from atlas.meetings import Plan
from atlas.text import escape_markdown, t
from components.data import current_view, language, today
from components.meeting import (
    agenda_section,
    choose_focus,
    choose_participants,
    hosts_section,
    never_met_section,
    record_section,
)
from components.page import page_header

lang = language()
network, view, filters = current_view()
page_header(t("meeting.title", lang), view, filters, lang)
st.caption(escape_markdown(t("meeting.intro", lang)))
if getattr(network, "measures", None) is None or network.measures.empty:
    st.info(t("meeting.keywords_note", lang))

st.header(t("meeting.plan", lang))
plan = Plan(choose_participants(network, view, lang), choose_focus(lang))
day = st.date_input(
    t("meeting.date", lang),
    value=today() + dt.timedelta(days=30),
    format="DD.MM.YYYY" if lang == "de" else "YYYY-MM-DD",
    key="meeting_date",
)
if not plan.participants or not plan.focus:
    st.info(t("meeting.pick_participants", lang))
else:
    host = hosts_section(network, plan, lang)
    agenda_section(network, plan, host, day, lang)
    record_section(network, plan, host, day, today(), lang)

never_met_section(view, lang)
