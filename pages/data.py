"""Data: export and templates, coverage and freshness for everyone; import, editing and
history for signed-in editors."""

import streamlit as st

from atlas.text import t
from components.data import current_store, current_view, language
from components.data_admin import (
    coverage_section,
    edit_section,
    export_section,
    history_section,
    import_section,
    show_flash,
    sign_in,
    storage_note,
)
from components.page import page_header, show_problems
from components.url_widgets import url_widget

lang = language()
network, view, filters = current_view()
store = current_store()
_, version = store.state()
page_header(t("page.data.title", lang), view, filters, lang)
actor = sign_in(lang)
storage_note(store, version, actor, lang)
show_flash()

# every section is open to everyone, or (import, edit, history) to signed-in editors only
sections = {
    "export": lambda: export_section(view, lang),
    "coverage": lambda: coverage_section(store, view, lang),
}
if actor:
    sections["import"] = lambda: import_section(store, version, actor, lang)
    sections["edit"] = lambda: edit_section(store, view, actor, lang)
    sections["history"] = lambda: history_section(store, actor, lang)
section = url_widget(
    st.segmented_control,
    t("data.section", lang),
    list(sections),
    key="section",
    default="export",
    label_of=lambda s: t(f"data.section.{s}", lang),
)
if section in sections:
    sections[section]()

show_problems(network, lang)
