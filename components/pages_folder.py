"""Streamlit's handling of a folder named pages/, dealt with here and nowhere else.

The pages live in pages/ (one file per page, the URL path is the file name). On a server
process's very first run, Streamlit still treats such a folder as a v1 multipage app and
runs the requested file on its own, without the frame (no sidebar, no filters); app.py's
st.navigation turns that off for every later run.

- The app: `ensure_frame()` (called by components.data.current_view) notices the lone run
  and reruns through the frame.
- Tests and benchmarks: `ServerPagesManager` makes every AppTest run behave like a running
  server's, which has its first run behind it (AppTest starts each run like a new server).
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_frame() -> None:
    """Rerun through app.py when Streamlit ran a page file on its own."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


class ServerPagesManager(PagesManager):
    """A PagesManager as on a server past its first run: pages/ is not a v1 folder."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False
