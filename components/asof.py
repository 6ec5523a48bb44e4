"""The data's as-of date next to every phase computed for today (one helper for all pages)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from atlas.network import Network
from atlas.status import as_of_texts
from atlas.text import escape_markdown


def show_as_of(network: Network, lang: str, day: dt.date | None = None) -> None:
    """A caption "Phasen berechnet für heute (…) aus Daten mit Stand …", and a visible
    warning when today is more than six months after that date. Not on a slide: its
    footer says both in one line (components.present.slide_footer), and the room needs
    the height for the slide's content."""
    from components.data import today  # local: components.data imports the page helpers
    from components.present import is_presenting  # local: components.present imports this

    if is_presenting():
        return

    line, warning = as_of_texts(network.as_of, day or today(), lang)
    st.caption(escape_markdown(line))
    if warning:
        st.warning(escape_markdown(warning), icon=":material/schedule:")
