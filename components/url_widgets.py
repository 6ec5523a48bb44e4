"""Widgets whose value lives in the link, so every view can be shared: one way for all pages.

`url_widget(st.slider, label, 0.0, 1.0, key="w_near", ...)` hands the widget to
Streamlit's own `bind="query-params"`: the key is the URL parameter and the URL holds what
the widget shows. That is right for numbers and for options shown as they are.

With `label_of=` (options shown by a label: a mode by its translated word, a municipality
by its name) `bind` would write the label into the link, which changes with the language
and the data and would break shared links (?municipality=lemgo). Then the option's id goes
into the URL instead: read into the widget when the link changes (opened, or edited by a
slide show), written back after the widget, left out while it is the default.

The filter sidebar (components.filters) keeps its seven parameters in step with the same
`link_changed` and `set_link`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st

_SEEN = "_url_seen_"
_IGNORED = "_url_ignored_"


def link_values(param: str) -> list[str]:
    return st.query_params.get_all(param)


def link_changed(name: str, value) -> bool:
    """Whether the link's `value` differs from the one seen at `name` on the last run (or
    written there by set_link): only then does the link decide over the widget's state."""
    slot = _SEEN + name
    if slot in st.session_state and st.session_state[slot] == value:
        return False
    st.session_state[slot] = value
    return True


def link_seen(name: str) -> bool:
    """Whether this session has seen or written the link at `name` before."""
    return _SEEN + name in st.session_state


def set_link(param: str, value) -> None:
    """One value, several (list or tuple) or none (None, "", []) as URL parameter `param`."""
    if isinstance(value, list | tuple):
        values = [str(v) for v in value]
    else:
        values = [str(value)] if value not in (None, "") else []
    if values:
        if st.query_params.get_all(param) != values:
            st.query_params[param] = values
    elif param in st.query_params:
        del st.query_params[param]
    st.session_state[_SEEN + param] = values


def _take_from_link(param: str, key: str, valid: set, multi: bool, limit: int | None) -> list:
    """Load a changed link's ids into the widget's state; the ids that are not options."""
    url_values = link_values(param)
    # the same link as seen last, and the widget still holds it: nothing to do. After
    # leaving the page Streamlit drops the widget's state, so a slide that comes back to
    # the page with the same value must load it again (it showed "Choose an option")
    if not link_changed(param, url_values) and (not url_values or key in st.session_state):
        return []
    chosen = [v for v in url_values if v in valid]
    if url_values:
        st.session_state[key] = chosen[:limit] if multi else (chosen[0] if chosen else None)
    return [v for v in url_values if v not in valid]


def ignored_in_link(param: str) -> list[str]:
    """Ids the link named on this run that are not options (to say so on the page)."""
    return st.session_state.get(_IGNORED + param, [])


def url_widget(
    widget: Callable,
    label: str,
    options=None,
    *args,
    key: str,
    label_of: Callable | None = None,
    param: str | None = None,
    default=None,
    **kwargs,
):
    """`widget(label, options, *args, key=key, **kwargs)` kept in the link; its value.

    Without label_of: `bind="query-params"` with the key as URL parameter. With label_of:
    the chosen option's id as URL parameter `param` (the key unless given), left out while
    it equals `default`; a widget left empty shows `default`."""
    if label_of is None:
        front = () if options is None else (options,)
        if default is not None:  # the widget's own default (the language switch's DE)
            kwargs["default"] = default
        return widget(label, *front, *args, key=key, bind="query-params", **kwargs)
    param = param or key
    multi = getattr(widget, "__name__", "") == "multiselect"
    st.session_state[_IGNORED + param] = _take_from_link(
        param, key, set(options), multi, kwargs.get("max_selections")
    )
    if default is not None:
        st.session_state.setdefault(key, default)
    value = widget(label, options, *args, key=key, format_func=label_of, **kwargs)
    if default is not None and value in (None, []):
        value = default
    set_link(param, None if value == default else value)
    return value


def clear_link(params: Iterable[str]) -> None:
    for param in params:
        set_link(param, None)
