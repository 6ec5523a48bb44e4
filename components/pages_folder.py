"""Streamlit's handling of a folder named pages/, dealt with here and nowhere else.

The pages live in pages/ (one file per page, the URL path is the file name). With that
folder beside app.py, Streamlit treats a server process's very first run as a v1 multipage
app (its raw file list for the sidebar, the requested file run on its own, without the
frame) until app.py's st.navigation turns that off:

- The list: `client.showSidebarNavigation = false` in .streamlit/config.toml hides the v1
  navigation; app.py sets the option back to true just before its own st.navigation, which
  reads it when it runs, so the app's navigation shows (tests/test_app_pages.py checks the
  setting, tests/test_browser_serve.py the sidebar of a freshly started server).
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
