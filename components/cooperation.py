"""Sections of the cooperation page: partner finder, network view, working groups."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from atlas.cooperation import (
    Weights,
    describe_group,
    partners_for,
    partners_for_project,
    suggestions,
    with_reasons,
    working_groups,
)
from atlas.network import Network
from atlas.spreadsheet import csv_bytes, xlsx_bytes
from atlas.text import escape_markdown, join_words, t
from components.cooperation_charts import network_graph
from components.data import view_inputs
from components.links import profile_url
from components.memo import shared
from components.page import chart
from components.url_state import seed_from_url, write_to_url

WEIGHT_KEYS = {
    "topics": "w_topics",
    "phase": "w_phase",
    "proximity": "w_near",
    "context": "w_context",
}


def weight_sliders(lang: str) -> Weights:
    """One slider per part of the score, kept in the link (?w_near=0.2)."""
    default = Weights()
    with st.expander(t("coop.weights", lang)):
        columns = st.columns(len(WEIGHT_KEYS))
        values = {
            part: column.slider(
                t(f"coop.w.{part}", lang),
                0.0,
                1.0,
                value=getattr(default, part),
                step=0.1,
                key=key,
                bind="query-params",
            )
            for column, (part, key) in zip(columns, WEIGHT_KEYS.items(), strict=True)
        }
    return Weights(**values)


def suggestion_table(frame: pd.DataFrame, lang: str, one_sided: bool) -> pd.DataFrame:
    """The columns people read: who, how well, why, how far, and a link to the profile."""
    status = [t("coop.existing" if e else "coop.suggested", lang) for e in frame["existing"]]
    table = {}
    if not one_sided:
        table[t("coop.col.a", lang)] = frame["a_name"]
    table[t("coop.col.partner" if one_sided else "coop.col.b", lang)] = frame["b_name"]
    table[t("coop.col.score", lang)] = (frame["score"] * 100).round().astype(int)
    table[t("coop.col.reason", lang)] = frame["reason"]
    table[t("coop.col.km", lang)] = frame["distance_km"].round().astype(int)
    table[t("coop.col.status", lang)] = status
    table[t("coop.col.profile", lang)] = [profile_url("municipality", b) for b in frame["b_id"]]
    return pd.DataFrame(table)


def show_table(table: pd.DataFrame, lang: str, key: str) -> None:
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            t("coop.col.score", lang): st.column_config.ProgressColumn(
                min_value=0, max_value=100, format="%d %%"
            ),
            t("coop.col.profile", lang): st.column_config.LinkColumn(display_text="→"),
            t("coop.col.reason", lang): st.column_config.TextColumn(width="large"),
        },
    )


def downloads(frame: pd.DataFrame, name: str, lang: str, key: str) -> None:
    left, right = st.columns(2)
    left.download_button(
        t("coop.download_csv", lang), csv_bytes(frame), f"{name}.csv", "text/csv", key=f"{key}_csv"
    )
    right.download_button(
        t("coop.download_xlsx", lang),
        xlsx_bytes({name: frame}),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
    )


def partner_options(network: Network, view: Network, linked: tuple, lang: str) -> tuple:
    """(label by id, ids to offer): the view's members by name, then its projects, plus an
    id the link names even when the filters leave it out."""
    word = t("coop.project", lang)
    projects = zip(network.projects["id"], network.projects["name"], strict=True)
    label = {p: f"{n} ({word})" for p, n in projects}
    label |= dict(zip(network.municipalities["id"], network.municipalities["name"], strict=True))
    wanted = set(linked) & label.keys()
    options = sorted(set(view.municipalities["id"]) | wanted, key=label.get)
    options += sorted((set(view.projects["id"]) | wanted) - set(options), key=label.get)
    return label, options


def partner_section(network: Network, view: Network, weights: Weights, lang: str) -> None:
    """Pick a municipality or a project (?partner=<id>): its best partners, with reasons."""
    linked = tuple(st.query_params.get_all("partner"))
    label, options = shared(
        "partner_options",
        (view_inputs(), linked),
        lambda: partner_options(network, view, linked, lang),
    )
    projects = set(network.projects["id"])
    for value in seed_from_url("partner", "coop_partner", set(label)):
        st.warning(escape_markdown(t("profiles.not_found", lang, id=value)))
    choice = st.selectbox(
        t("coop.choose", lang),
        options,
        format_func=label.get,
        key="coop_partner",
        index=None,
        help=t("coop.choose_help", lang),
    )
    write_to_url("partner", choice)
    if not choice:
        return
    if choice in projects:
        ranked = partners_for_project(network, choice, weights, limit=15)
    else:
        # peers within the current filters; the whole network when the member is filtered out
        scope = view if choice in set(view.municipalities["id"]) else network
        ranked = partners_for(scope, choice, weights, limit=15)
    if ranked.empty:
        st.info(t("coop.none", lang))
        return
    table = suggestion_table(with_reasons(ranked, weights, lang), lang, one_sided=True)
    show_table(table, lang, "finder_table")
    downloads(
        table.drop(columns=[t("coop.col.profile", lang)]), f"partner-{choice}", lang, "finder"
    )


def network_section(view: Network, weights: Weights, lang: str) -> None:
    ranked = with_reasons(suggestions(view, weights, top_k=3, max_per_member=3), weights, lang)
    if ranked.empty:
        st.info(t("coop.none", lang))
        return
    table = suggestion_table(ranked.head(40), lang, one_sided=False)
    show_table(table, lang, "network_table")
    downloads(
        table.drop(columns=[t("coop.col.profile", lang)]),
        "kooperationsvorschlaege",
        lang,
        "network",
    )
    existing = view.cooperations[
        view.cooperations["a_id"].isin(view.municipalities["id"])
        & view.cooperations["b_id"].isin(view.municipalities["id"])
    ]
    joint = _joint_pairs(view)
    links = pd.concat([existing[["a_id", "b_id"]], joint], ignore_index=True)
    labels = {
        "members": t("kpi.municipalities", lang),
        "existing": t("coop.legend.existing", lang),
        "suggested": t("coop.legend.suggested", lang),
    }
    figure = network_graph(
        view.municipalities, links, ranked.head(40)[["a_id", "b_id"]], t("coop.graph", lang), labels
    )
    alt = t(
        "coop.graph_alt",
        lang,
        members=len(view.municipalities),
        existing=len(links),
        suggested=min(40, len(ranked)),
    )
    names = view.municipalities.set_index("id")["name"]
    link_table = pd.DataFrame(
        {
            t("coop.col.a", lang): [names.get(a, a) for a in links["a_id"]],
            t("coop.col.b", lang): [names.get(b, b) for b in links["b_id"]],
            t("coop.col.status", lang): t("coop.existing", lang),
        }
    )
    chart(figure, alt, link_table, "coop_graph", lang)
    st.caption(escape_markdown(alt))


def _joint_pairs(view: Network) -> pd.DataFrame:
    """Members of one joint project, as links (the most common existing cooperation)."""
    pairs = {(a, b) for ids in view.projects["municipality_ids"] for a in ids for b in ids if a < b}
    return pd.DataFrame(sorted(pairs), columns=["a_id", "b_id"])


def groups_section(view: Network, lang: str) -> None:
    st.markdown(escape_markdown(t("coop.groups_intro", lang)))
    groups = shared("working_groups", view_inputs(), lambda: working_groups(view))
    if groups.empty:
        st.info(t("coop.none", lang))
        return
    table = pd.DataFrame(
        {
            t("coop.col.topic", lang): [t(f"topic.{x}", lang) for x in groups["topic"]],
            t("coop.col.members", lang): [join_words(m, lang) for m in groups["members"]],
            t("coop.col.phases", lang): [
                describe_group(g, lang).rsplit("(", 1)[-1].rstrip(")") for _, g in groups.iterrows()
            ],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", key="groups_table")
    downloads(table, "arbeitsgruppen", lang, "groups")
