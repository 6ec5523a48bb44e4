"""Page-local choices that live in the link, by id (e.g. ?municipality=lemgo).

`bind="query-params"` would put the *displayed* option (a name) into the URL; profiles
are linked by id from other pages, so these widgets keep the id in the URL themselves.
"""

from __future__ import annotations

import streamlit as st


def seed_from_url(param: str, key: str, valid: set[str], multi: bool = False) -> list[str]:
    """When the link's value differs from what this page last wrote (the link was opened
    or changed), load it into the widget's state. Returns the values that were ignored."""
    url_values = st.query_params.get_all(param)
    marker = f"_url_{param}"
    # the same link as last written, and the widget still holds it: nothing to do. After
    # leaving the page Streamlit drops the widget's state, so a slide that comes back to
    # the page with the same value must load it again (it showed "Choose an option")
    if st.session_state.get(marker) == url_values and (not url_values or key in st.session_state):
        return []
    st.session_state[marker] = url_values
    chosen = [v for v in url_values if v in valid]
    if url_values:
        st.session_state[key] = chosen[:4] if multi else (chosen[0] if chosen else None)
    return [v for v in url_values if v not in valid]


def write_to_url(param: str, value) -> None:
    values = (
        [str(v) for v in value]
        if isinstance(value, list | tuple)
        else ([str(value)] if value else [])
    )
    if values:
        if st.query_params.get_all(param) != values:
            st.query_params[param] = values
    elif param in st.query_params:
        del st.query_params[param]
    st.session_state[f"_url_{param}"] = values
