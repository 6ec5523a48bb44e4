"""The sources and measures of a profile: where every fact comes from, as links the app
builds from the data's http(s) addresses (never data rendered as HTML), and what a
project builds or runs. Kept apart from components/profile.py, which lays out the
profiles themselves."""

from __future__ import annotations

import re
from urllib.parse import quote

import pandas as pd
import streamlit as st

from atlas import fmt, geo
from atlas.measures import label as measure_label
from atlas.profiles import Source, sources
from atlas.text import TEXTS, escape_markdown, t

SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$")
SITE_OF_URL = r"https?://(?:www\.)?([^/?#]+)"  # a link column shows the site, not the address


def markdown_link(source: Source) -> str:
    """A source for st.markdown: a link the app builds (the name escaped, the address
    percent-encoded so no bracket or parenthesis ends it early) for a plain http(s)
    address, escaped text for anything else."""
    name = escape_markdown(source.text)
    if not SAFE_URL.match(source.url):
        return name
    return f"[{name}]({quote(source.url, safe=':/?#@!$&*+,;=%~')})"


def first_link(cell) -> str | None:
    """The first http(s) address of a source cell, for a table's link column."""
    return next((s.url for s in sources(cell) if SAFE_URL.match(s.url)), None)


def with_sources(table: pd.DataFrame, cells, lang: str) -> tuple[pd.DataFrame, dict]:
    """The table with its rows' sources: a link column (showing the site) and, when some
    source is more than one link, the source as given, so a named source without an
    address is not lost. Returns (table, column_config)."""
    cells = list(cells)
    link, given = t("profiles.source", lang), t("profiles.source_text", lang)
    table = table.assign(**{link: [first_link(c) for c in cells]})
    config = {link: st.column_config.LinkColumn(display_text=SITE_OF_URL)}
    parts = [sources(c) for c in cells]
    if any(len(p) > 1 or (p and not p[0].url) for p in parts):
        table[given] = ["; ".join(s.text for s in p) for p in parts]
    return table, config


def show_fact_sources(groups: dict[str, list[Source]], lang: str) -> None:
    """Where the facts above come from, one line per group of facts, links openable."""
    if not groups:
        st.caption(t("profiles.no_sources", lang))
        return
    lines = [
        f"- {escape_markdown(t(f'profiles.source.{group}', lang))}: "
        + ", ".join(markdown_link(s) for s in found)
        for group, found in groups.items()
    ]
    with st.container(key="fact_sources"):
        st.markdown(f"**{escape_markdown(t('profiles.sources_of', lang))}**")
        st.markdown("\n".join(lines))


def show_measures(measures: pd.DataFrame, lang: str, with_project: bool) -> None:
    """What the projects build or run: the measure in the chosen language, how far,
    since when, with which product, and the source as a link."""
    st.subheader(t("profiles.measures", lang), help=t("profiles.measures_help", lang))
    if measures is None or measures.empty:
        st.caption(t("profiles.no_measures", lang))
        return
    table = pd.DataFrame(
        {
            t("profiles.measure", lang): [measure_label(m, lang) for m in measures["measure"]],
            t("profiles.status", lang): [
                t(f"profiles.status.{s}", lang) if f"profiles.status.{s}" in TEXTS[lang] else s
                for s in measures["status"]
            ],
            t("profiles.since", lang): [fmt.date(d, lang) if d else "" for d in measures["since"]],
            t("profiles.product", lang): measures["product"].tolist(),
        }
    )
    if with_project:
        table.insert(0, t("profiles.project", lang), measures["project"].tolist())
    # the source before the note: on a narrow screen the long notes are what is cut off
    table, config = with_sources(table, measures["source"], lang)
    table[t("profiles.note", lang)] = measures["note"].tolist()
    config[t("profiles.product", lang)] = st.column_config.TextColumn(width="medium")
    st.dataframe(table, hide_index=True, width="stretch", column_config=config, key="measures")


def link_kind_label(kind, lang: str) -> str:
    """A link's kind: the data's own word in German ("Kooperationsverbund"), the map's
    kind of link in other languages (as the map's tooltips and legend say it)."""
    kind = "" if kind is None or pd.isna(kind) else str(kind)
    if lang == "de" or not kind:
        return kind
    return t(f"map.link.{geo.link_kind(kind)}", lang)


def via_label(via: str, kinds: set[str], lang: str) -> str:
    """How a partner is connected: link kinds in the interface language, project names
    as they are."""
    return "; ".join(
        link_kind_label(part, lang) if part in kinds else part
        for part in str(via or "").split("; ")
    )
