"""Profiles: one municipality, one project, or 2 to 4 municipalities side by side.
Deep links: ?municipality=<id>, ?project=<id>, ?compare=<id>&compare=<id>."""

import streamlit as st

from atlas.profiles import comparison, municipality_profile, project_profile, similar_projects
from atlas.text import t
from components.asof import show_as_of
from components.data import current_view, language
from components.page import page_header
from components.profile import (
    profile_choice,
    profile_choices,
    profile_mode,
    show_comparison,
    show_municipality,
    show_project,
)

lang = language()
network, view, filters = current_view()
page_header(t("profiles.title", lang), view, filters, lang)

mode = profile_mode(lang)
# choices come from the filtered view; a linked id outside the filters is still offered
choice = profile_choice(mode, profile_choices(network, view), lang)
show_as_of(network, lang)  # the phases below are computed for today

if mode == "municipality" and choice:
    show_municipality(network, municipality_profile(network, choice), lang)
elif mode == "project" and choice:
    show_project(network, project_profile(network, choice), similar_projects(network, choice), lang)
elif mode == "compare":
    if len(choice) < 2:
        st.info(t("profiles.compare_need", lang))
    else:
        show_comparison(comparison(network, choice), lang)
