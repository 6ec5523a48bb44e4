"""The filter specs (defined once) and the filters as the sidebar widgets hold them."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from atlas.filters import Filters


@dataclass(frozen=True)
class FilterSpec:
    field: str  # attribute of atlas.filters.Filters
    param: str  # URL query parameter
    label: str  # text key
    label_prefix: str | None = None  # value labels via t(prefix.value), e.g. "topic"
    integer: bool = False

    @property
    def key(self) -> str:
        return f"f_{self.param}"


SPECS = (
    FilterSpec("states", "state", "filters.state", "state"),
    FilterSpec("districts", "district", "filters.district"),
    FilterSpec("programmes", "programme", "filters.programme"),
    FilterSpec("cohorts", "cohort", "filters.cohort", integer=True),
    FilterSpec("phases", "phase", "filters.phase", "phase"),
    FilterSpec("topics", "topic", "filters.topic", "topic"),
    FilterSpec("size_classes", "size", "filters.size_class", "size"),
)
TEXT_PARAM, TEXT_KEY = "q", "f_q"
MAX_TEXT = 100


def current_filters() -> Filters:
    """The filters as the sidebar widgets hold them (empty before the sidebar ran)."""
    state = st.session_state
    values = {spec.field: tuple(state.get(spec.key) or ()) for spec in SPECS}
    return Filters(**values, text=(state.get(TEXT_KEY) or "").strip())
