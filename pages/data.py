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
page_header(t("page.data.title", lang), view, filters, lang)
store = current_store()
seeded, version = store.state()
actor = sign_in(lang)
storage_note(store, version, actor, lang)
show_flash()

sections = ["export", "coverage"] + (["import", "edit", "history"] if actor else [])
section = url_widget(
    st.segmented_control,
    t("data.section", lang),
    sections,
    key="section",
    default="export",
    label_of=lambda s: t(f"data.section.{s}", lang),
)
if section == "export":
    export_section(view, lang)
elif section == "coverage":
    coverage_section(store, view, lang)
elif section == "import":
    import_section(store, version, actor, lang)
elif section == "edit":
    edit_section(store, view, actor, lang)
elif section == "history":
    history_section(store, actor, lang)

show_problems(network, lang)
