"""The about page's sections: a heading with its paragraphs, the data with its counts."""

from __future__ import annotations

import streamlit as st

from atlas import fmt
from atlas.network import Network
from atlas.summary import counts_text
from atlas.text import escape_markdown, t


def text_section(title_key: str, *texts: str, lang: str) -> None:
    """A heading and its paragraphs; the texts may come from the data, so they are escaped."""
    st.subheader(t(title_key, lang))
    for text in texts:
        st.markdown(escape_markdown(text))


def data_section(network: Network, lang: str) -> None:
    """What the bundled data is, how much of it there is and how current."""
    text_section(
        "about.data",
        t("about.data_text", lang),
        counts_text(network, lang),
        t("about.asof_phase", lang, date=fmt.date(network.as_of, lang)),
        lang=lang,
    )


def licence_text(network: Network, lang: str) -> str:
    """The licence the loaded data states for itself (its meta table), said as the data's,
    apart from the app's own line above it; that it states none, where it does not."""
    licence = network.meta_value("licence").strip()
    return (
        t("about.data_licence", lang, licence=licence) if licence else t("about.no_licence", lang)
    )
