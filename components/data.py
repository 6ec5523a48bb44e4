"""Loading the network once per data folder and day (cached), and the current view."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from atlas.filters import Filters, apply_filters, option_counts
from atlas.network import Network
from atlas.source import data_dir, open_network
from atlas.text import DEFAULT_LANGUAGE, LANGUAGES
from components.filter_state import current_filters
from components.page import show_unusable


@st.cache_data(show_spinner=False, max_entries=4)
def _cached_network(folder: str, day: str) -> Network:
    return open_network(folder, dt.date.fromisoformat(day))


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_option_counts(folder: str, day: str, field: str, states: tuple) -> list[tuple]:
    # the options only depend on the loaded network, never on the other filters
    return option_counts(_cached_network(folder, day), field, states)


def filter_options(field: str, states: tuple = ()) -> list[tuple]:
    """(value, number of projects) for a filter widget, computed once per data and day."""
    return _cached_option_counts(str(data_dir()), today().isoformat(), field, states)


def today() -> dt.date:
    return dt.date.today()


def load_network() -> Network:
    """The network for this session. st.cache_data hands out a fresh copy on every call
    (unpickling 20,000 projects costs a quarter of a second), so each session keeps the
    copy it got for as long as the data folder and the day stay the same."""
    key = (str(data_dir()), today().isoformat())
    memo = st.session_state.get("_network_memo")
    if memo is None or memo[0] != key:
        memo = (key, _cached_network(*key))
        st.session_state["_network_memo"] = memo
    return memo[1]


LANG_KEY = "lang"  # widget key and URL parameter (?lang=EN)


def language() -> str:
    """ "de" or "en": the switch's value, or the link's before the switch has run."""
    value = st.session_state.get(LANG_KEY) or st.query_params.get(LANG_KEY) or DEFAULT_LANGUAGE
    value = str(value).lower()
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def language_switch() -> str:
    """German by default, English by a switch that lives in the link."""
    st.sidebar.segmented_control(
        "Sprache / Language",
        [code.upper() for code in LANGUAGES],
        key=LANG_KEY,
        default=DEFAULT_LANGUAGE.upper(),
        bind="query-params",
    )
    return language()


def ensure_frame() -> None:
    """Rerun through app.py when Streamlit ran a page file on its own.

    On a server process's first run, Streamlit treats a folder named pages/ as a v1
    multipage app and runs the requested file without the frame (no sidebar, no filters);
    app.py's st.navigation turns that off, so one rerun is all it takes."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def current_view() -> tuple[Network, Network, Filters]:
    """(whole network, filtered network, filters): filtering is cheap, so it is not cached."""
    ensure_frame()
    network = load_network()
    if not network.usable:  # also guards a page run on its own, without the frame
        show_unusable(network, language())
        st.stop()
    filters = current_filters()
    return network, apply_filters(network, filters), filters
