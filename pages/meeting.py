"""Meetings: plan who meets where about what, the agenda, and record what came of it."""

import streamlit as st

from atlas.meetings import Plan
from atlas.text import t
from components.data import current_view, language
from components.meeting import (
    choose_focus,
    choose_participants,
    meeting_day,
    meeting_intro,
    never_met_section,
    plan_sections,
)
from components.page import page_header

lang = language()
network, view, filters = current_view()
page_header(t("meeting.title", lang), view, filters, lang)
meeting_intro(network, lang)

st.header(t("meeting.plan", lang))
plan = Plan(choose_participants(network, view, lang), choose_focus(lang))
day = meeting_day(lang)
plan_sections(network, plan, day, lang)

never_met_section(view, lang)
