"""What a page computed from the data, remembered in the session for the next run.

Streamlit reruns the whole page on every click; most clicks (opening a table, paging,
hovering a selection) leave the data, the filters and the language as they were, so the
summaries and figures built from them are reused instead of rebuilt. One slot per name
keeps memory flat: a new input replaces the old value. Figures stay plain objects (no
pickling, which for plotly means validating the whole figure again)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

T = TypeVar("T")
PREFIX = "_memo_"


def remembered(name: str, inputs: tuple, build: Callable[[], T]) -> T:
    """build(), or what it returned last time in this session for equal inputs."""
    slot = PREFIX + name
    kept = st.session_state.get(slot)
    if kept is not None and kept[0] == inputs:
        return kept[1]
    value = build()
    st.session_state[slot] = (inputs, value)
    return value
