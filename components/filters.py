"""The shared filter sidebar, defined once, and its link (URL) state.

Why not `bind="query-params"`: a bound multiselect writes its *formatted* option to the
URL, and our options carry counts ("Niedersachsen (7)"), which change with the data and
would break shared links. So the raw values go into the URL
(`?state=Niedersachsen&topic=Mobilität`) with components.url_widgets' link functions, are
read when the link changes, and values that are not valid options are dropped with a
visible note. The seven parameters are read together: districts depend on states.
"""

from __future__ import annotations

import streamlit as st

from atlas.filters import Filters, counts_given
from atlas.network import Network
from atlas.text import escape_markdown, t
from components.data import filter_options, filtered, view_inputs
from components.filter_state import (
    MAX_TEXT,
    SPECS,
    TEXT_KEY,
    TEXT_PARAM,
    FilterSpec,
    current_filters,
)
from components.memo import shared
from components.url_widgets import link_changed, link_seen, link_values, set_link

LINK = "filters"  # the seven filter parameters, seen together


def _options(network: Network, spec: FilterSpec) -> list[tuple]:
    states = tuple(st.session_state.get("f_state") or ()) if spec.field == "districts" else ()
    return filter_options(spec.field, states)


def _parse(spec: FilterSpec, raw: str):
    if spec.integer:
        return int(raw) if raw.strip().lstrip("-").isdigit() else None
    return raw


def _link_filters() -> dict[str, list[str]]:
    """The filter part of the address bar, as raw text."""
    params = {spec.param: link_values(spec.param) for spec in SPECS}
    params[TEXT_PARAM] = link_values(TEXT_PARAM)
    return params


def _take_from_link(network: Network) -> None:
    """Take the filters from the link when it differs from what the app last wrote there:
    when the app is opened from a link, and when a slide show moves to the next view."""
    url = _link_filters()
    written_before = link_seen(LINK)
    if not link_changed(LINK, url):
        return
    switched_page = written_before and not any(url.values()) and "show" not in st.query_params
    if switched_page:  # Streamlit drops the parameters on a page switch; they are written back
        return
    ignored = []
    for spec in SPECS:  # states come before districts, whose options depend on them
        raw_values = url[spec.param]
        valid = {value for value, _ in _options(network, spec)} if raw_values else set()
        chosen = []
        for raw in raw_values:
            value = _parse(spec, raw)
            if value in valid and value not in chosen:
                chosen.append(value)
            else:
                ignored.append(f"{spec.param}={raw}")
        st.session_state[spec.key] = chosen
    st.session_state[TEXT_KEY] = (url[TEXT_PARAM] or [""])[0][:MAX_TEXT]
    st.session_state["_url_ignored"] = ignored


def _write_link(filters: Filters) -> None:
    """Keep the address bar equal to the current filters, so the view can be shared."""
    for spec in SPECS:
        set_link(spec.param, getattr(filters, spec.field))
    set_link(TEXT_PARAM, filters.text)
    link_changed(LINK, _link_filters())  # what was written is not a new link


def reset_filters() -> None:
    for spec in SPECS:
        st.session_state[spec.key] = []
    st.session_state[TEXT_KEY] = ""


def _label(spec: FilterSpec, counts: dict, lang: str):
    def label(value) -> str:
        text = t(f"{spec.label_prefix}.{value}", lang) if spec.label_prefix else str(value)
        return f"{text} ({counts.get(value, 0)})"

    return label


def _counts(network: Network, spec: FilterSpec, chosen: Filters, options: list) -> dict:
    """The options' counts under the other filters (the whole network's without any), once
    per data version and filters for every session."""
    if chosen.is_empty:
        return dict(options)
    return shared(
        f"filter_counts_{spec.field}",
        (view_inputs()[0], chosen),
        lambda: counts_given(network, spec.field, chosen, restrict=filtered),
    )


def filter_sidebar(network: Network, lang: str) -> Filters:
    """Render the filters in the sidebar and return what they select."""
    _take_from_link(network)
    sidebar = st.sidebar
    sidebar.header(t("filters.header", lang))
    ignored = st.session_state.get("_url_ignored")
    if ignored:
        note = t("filters.invalid_url", lang, values=", ".join(ignored))
        sidebar.warning(escape_markdown(note))
    sidebar.text_input(
        t("filters.text", lang), key=TEXT_KEY, help=t("filters.text_help", lang), max_chars=MAX_TEXT
    )
    chosen = current_filters()
    for spec in SPECS:
        options = _options(network, spec)
        counts = _counts(network, spec, chosen, options)
        # drop selections that are no longer options (e.g. a district after its state
        # was deselected), so the widget never receives an invalid value
        selected = [v for v in st.session_state.get(spec.key, []) if v in counts]
        st.session_state[spec.key] = selected
        sidebar.multiselect(
            t(spec.label, lang),
            options=[value for value, _ in options],
            key=spec.key,
            format_func=_label(spec, counts, lang),
            placeholder=t("filters.placeholder", lang),
        )
    sidebar.button(t("filters.reset", lang), on_click=reset_filters, width="stretch")
    filters = current_filters()
    _write_link(filters)
    return filters
