"""Loading the network once per data folder and day (cached), and the current view."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from atlas.filters import Filters, apply_filters
from atlas.network import Network
from atlas.source import data_dir, open_network
from components.filters import current_filters


@st.cache_data(show_spinner=False, max_entries=4)
def _cached_network(folder: str, day: str) -> Network:
    return open_network(folder, dt.date.fromisoformat(day))


def today() -> dt.date:
    return dt.date.today()


def load_network() -> Network:
    return _cached_network(str(data_dir()), today().isoformat())


def language() -> str:
    return st.session_state.get("lang", "de")


def current_view() -> tuple[Network, Network, Filters]:
    """(whole network, filtered network, filters): filtering is cheap, so it is not cached."""
    network = load_network()
    filters = current_filters(network)
    return network, apply_filters(network, filters), filters
