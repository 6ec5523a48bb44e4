"""Profiles: one municipality, one project, or 2 to 4 municipalities side by side.
Deep links: ?municipality=<id>, ?project=<id>, ?compare=<id>&compare=<id>."""

import streamlit as st

from atlas.profiles import comparison, municipality_profile, project_profile, similar_projects
from atlas.text import escape_markdown, t
from components.asof import show_as_of
from components.data import current_view, language
from components.page import page_header
from components.profile import (
    profile_choices,
    show_comparison,
    show_municipality,
    show_project,
)
from components.url_state import seed_from_url, write_to_url

lang = language()
network, view, filters = current_view()
page_header(t("profiles.title", lang), view, filters, lang)

MODES = {
    "municipality": "profiles.mode.municipality",
    "project": "profiles.mode.project",
    "compare": "profiles.mode.compare",
}
linked_mode = next((m for m in MODES if m in st.query_params), None)
if linked_mode and st.session_state.get("_profile_mode_url") != linked_mode:
    st.session_state["profile_mode"] = linked_mode  # a link decides the view it opens
st.session_state["_profile_mode_url"] = linked_mode
st.session_state.setdefault("profile_mode", "municipality")
mode = (
    st.segmented_control(
        t("profiles.mode", lang),
        list(MODES),
        format_func=lambda m: t(MODES[m], lang),
        key="profile_mode",
    )
    or "municipality"
)

# choices come from the filtered view; a linked id outside the filters is still offered
choices = profile_choices(network, view)
munis, projects = choices.municipality_names, choices.project_names

if mode == "municipality":
    ignored = seed_from_url("municipality", "profile_municipality", set(munis))
    choice = st.selectbox(
        t("profiles.choose_municipality", lang),
        choices.municipalities,
        format_func=munis.get,
        key="profile_municipality",
        index=None,
    )
    write_to_url("municipality", choice)
elif mode == "project":
    ignored = seed_from_url("project", "profile_project", set(projects))
    choice = st.selectbox(
        t("profiles.choose_project", lang),
        choices.projects,
        format_func=projects.get,
        key="profile_project",
        index=None,
    )
    write_to_url("project", choice)
else:
    ignored = seed_from_url("compare", "profile_compare", set(munis), multi=True)
    choice = st.multiselect(
        t("profiles.choose_compare", lang),
        choices.municipalities,
        format_func=munis.get,
        key="profile_compare",
        max_selections=4,
    )
    write_to_url("compare", choice)
for other in set(MODES) - {mode}:
    write_to_url(other, None)
for value in ignored:
    st.warning(escape_markdown(t("profiles.not_found", lang, id=value)))
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
