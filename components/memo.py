"""What a page computed from the data, kept for the next run: per session or for everyone.

Streamlit reruns the whole page on every click; most clicks (opening a table, paging,
hovering a selection) leave the data, the filters and the language as they were, so the
summaries and figures built from them are reused instead of rebuilt. Figures stay plain
objects (no pickling, which for plotly means validating the whole figure again).

- `shared(name, inputs, build)`: one result for every session of this server process.
  When the whole room opens the same link, the first session computes the view and the
  other 49 take it; sessions that ask while it is being built wait for that build instead
  of starting their own. The results are immutable by contract (figures, decks, tables
  nobody changes after building) and live in an LRU bounded by a memory budget,
  ATLAS_SHARED_CACHE_MB (default 160 MB, measured by `approx_bytes`).
- `remembered(name, inputs, build)`: one slot per name in the session, for what is truly
  one person's (their saved views, what their own settings select).
"""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

T = TypeVar("T")
PREFIX = "_memo_"
DEFAULT_BUDGET_MB = 160
# a session waits this long for another session's build of the same result, then builds
# it itself (a build that hangs must not hang the room)
WAIT_SECONDS = 30.0
SAMPLE = 32  # items of a long container that approx_bytes looks at
Figure = go.Figure  # bound once: plotly resolves go.<name> lazily on every access


def remembered(name: str, inputs: tuple, build: Callable[[], T]) -> T:
    """build(), or what it returned last time in this session for equal inputs."""
    slot = PREFIX + name
    kept = st.session_state.get(slot)
    if kept is not None and kept[0] == inputs:
        return kept[1]
    value = build()
    st.session_state[slot] = (inputs, value)
    return value


def approx_bytes(value: Any, _depth: int = 0) -> int:
    """Roughly what a cached result holds in memory: tables by their columns, figures and
    decks by the data they carry, containers by their items (long ones from a sample of
    SAMPLE items). An estimate for the budget, cheap enough to run on every build: not
    exact (shared strings count once per use, Python objects in table cells as 64 bytes)."""
    if _depth > 12:
        return 64
    if isinstance(value, pd.DataFrame):
        return sum(_column_bytes(value[c]) for c in value.columns) + _column_bytes(value.index)
    if isinstance(value, pd.Series | pd.Index):
        return _column_bytes(value)
    if isinstance(value, Figure):  # its data and layout, not its validators
        return approx_bytes(value._data, _depth + 1) + approx_bytes(value._layout, _depth + 1)
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, str | bytes):
        return sys.getsizeof(value)
    if isinstance(value, dict):
        items = list(value.items())
        sample = items[:SAMPLE]
        each = sum(approx_bytes(k, _depth + 1) + approx_bytes(v, _depth + 1) for k, v in sample)
        return sys.getsizeof(value) + (each * len(items) // len(sample) if sample else 0)
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)[:SAMPLE] if len(value) > SAMPLE else list(value)
        each = sum(approx_bytes(v, _depth + 1) for v in items)
        return sys.getsizeof(value) + (each * len(value) // len(items) if items else 0)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(
            approx_bytes(getattr(value, f.name), _depth + 1) for f in dataclasses.fields(value)
        )
    state = getattr(value, "__dict__", None)
    if isinstance(state, dict):  # plotly figures (_data, _layout), pydeck decks and layers
        return sys.getsizeof(value) + approx_bytes(state, _depth + 1)
    return sys.getsizeof(value)


def _column_bytes(column: pd.Series | pd.Index) -> int:
    """A column's buffers, plus 64 bytes per Python object it points to."""
    array = column.array
    objects = len(column) if array.dtype == np.dtype("O") else 0
    return int(getattr(array, "nbytes", 8 * len(column))) + 64 * objects


class SharedCache:
    """A thread-safe LRU of immutable results with a memory budget and one build per key
    at a time (the others wait for it)."""

    def __init__(self, budget_bytes: int):
        self.budget_bytes = budget_bytes
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._building: dict[Hashable, threading.Event] = {}
        self.bytes = 0
        self.hits = 0
        self.builds = 0
        self.evictions = 0

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        while True:
            with self._lock:
                if key in self._items:
                    self._items.move_to_end(key)
                    self.hits += 1
                    return self._items[key][0]
                pending = self._building.get(key)
                if pending is None:
                    self._building[key] = threading.Event()
                    break
            # someone else is building it: wait, then look again (their build may have
            # failed or been too large to keep, then this session builds it itself)
            if not pending.wait(WAIT_SECONDS):
                value = build()
                return value
        try:
            value = build()
        except BaseException:
            with self._lock:
                self._building.pop(key).set()
            raise
        size = approx_bytes(value)
        with self._lock:
            self.builds += 1
            self._building.pop(key).set()
            if size <= self.budget_bytes:
                self._items[key] = (value, size)
                self.bytes += size
                while self.bytes > self.budget_bytes and self._items:
                    _, (_, freed) = self._items.popitem(last=False)
                    self.bytes -= freed
                    self.evictions += 1
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0


def _budget_from_environment() -> int:
    raw = os.environ.get("ATLAS_SHARED_CACHE_MB", "").strip()
    try:
        megabytes = float(raw) if raw else DEFAULT_BUDGET_MB
    except ValueError:
        megabytes = DEFAULT_BUDGET_MB
    return int(max(megabytes, 0) * 2**20)


CACHE = SharedCache(_budget_from_environment())


def shared(name: str, inputs: Hashable, build: Callable[[], T]) -> T:
    """build(), or what any session of this process built for equal inputs. `inputs` must
    name everything the result depends on (components.data.view_inputs() for the data,
    the filters and the language, plus the page's own settings), and the result must not
    be changed by whoever receives it."""
    return CACHE.get((name, frozen(inputs)), build)


def frozen(value: Any) -> Hashable:
    """`value` as a key: dicts (a map's view state) and lists become sorted tuples."""
    if isinstance(value, dict):
        return tuple(sorted((k, frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(frozen(v) for v in value)
    if isinstance(value, set):
        return frozenset(frozen(v) for v in value)
    return value
