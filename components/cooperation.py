"""Sections of the cooperation page: partner finder, network view, working groups."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from atlas.cooperation import (
    Weights,
    best_pair_score,
    existing_links,
    partners_for,
    partners_for_project,
    relative_fit,
    suggestions,
    with_reasons,
)
from atlas.groups import group_mix, working_groups
from atlas.measures import label as measure_label
from atlas.measures import project_measures
from atlas.network import Network
from atlas.spreadsheet import csv_bytes, xlsx_bytes
from atlas.text import escape_markdown, join_words, t
from components import memo
from components.cooperation_charts import network_graph
from components.data import view_inputs
from components.links import profile_url
from components.page import chart
from components.url_widgets import ignored_in_link, link_values, url_widget

MODES = {"finder": "coop.mode.finder", "network": "coop.mode.network", "groups": "coop.mode.groups"}

WEIGHT_KEYS = {
    "measures": "w_measures",
    "product": "w_product",
    "direction": "w_ahead",
    "proximity": "w_near",
    "region": "w_state",
    "context": "w_context",
    "topics": "w_topics",
    "phase": "w_phase",
    "partners": "w_partners",
}


def weight_sliders(lang: str) -> Weights:
    """One slider per part of the score, kept in the link (?w_near=0.2)."""
    default = Weights()
    with st.expander(t("coop.weights", lang)):
        columns = st.columns(3) * 3
        values = {
            part: url_widget(
                column.slider,
                t(f"coop.w.{part}", lang),
                0.0,
                1.0,
                value=getattr(default, part),
                step=0.1,
                key=key,
            )
            for column, (part, key) in zip(columns, WEIGHT_KEYS.items(), strict=True)
        }
    return Weights(**values)


def suggestion_table(frame: pd.DataFrame, lang: str, one_sided: bool, best: float) -> pd.DataFrame:
    """The columns people read: who, how well (in % of the network's best pair, `best`),
    why, every shared measure with both sides' status, how far, the source, and a link to
    the profile."""
    table = {}
    if not one_sided:
        table[t("coop.col.a", lang)] = frame["a_name"]
    table[t("coop.col.partner" if one_sided else "coop.col.b", lang)] = frame["b_name"]
    table[t("coop.col.score", lang)] = relative_fit(frame["score"], best)
    table[t("coop.col.reason", lang)] = frame["reason"]
    table[t("coop.col.measures", lang)] = frame["measures_text"]
    table[t("coop.col.km", lang)] = frame["distance_km"].round().astype(int)
    table[t("coop.col.source", lang)] = frame["source"]
    table[t("coop.col.profile", lang)] = [profile_url("municipality", b) for b in frame["b_id"]]
    return pd.DataFrame(table)


def linked_table(network: Network, member_ids, lang: str, measures: dict) -> pd.DataFrame:
    """Who the chosen member(s) already work with: kind, what, date, source, and the
    measures both have (`measures`: partner id -> text)."""
    names = dict(zip(network.municipalities["id"], network.municipalities["name"], strict=True))
    own = set(member_ids)
    frames = [existing_links(network, m) for m in sorted(own)]
    links = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if links.empty:
        return pd.DataFrame()
    links = links[~links["b_id"].isin(own)]
    kinds = [
        what_kind if kind == "cooperation" and what_kind else t(f"coop.link.{kind}", lang)
        for kind, what_kind in zip(links["kind"], links["what"], strict=True)
    ]
    links = links.assign(label=kinds, what=links["what"].where(links["kind"] != "cooperation", ""))

    def joined(values) -> str:
        return "; ".join(dict.fromkeys(v for v in values if v))

    grouped = links.groupby("b_id", sort=False).agg(
        {"label": joined, "what": joined, "date": joined, "source": "first"}
    )
    return pd.DataFrame(
        {
            t("coop.col.partner", lang): [names.get(b, b) for b in grouped.index],
            t("coop.col.link", lang): grouped["label"].to_numpy(),
            t("coop.col.measures", lang): [measures.get(b, "") for b in grouped.index],
            t("coop.col.what", lang): grouped["what"].to_numpy(),
            t("coop.col.date", lang): grouped["date"].to_numpy(),
            t("coop.col.source", lang): grouped["source"].to_numpy(),
        }
    )


def keyword_note(view: Network, lang: str) -> None:
    """Say where measures come from keywords (status unknown) rather than the table."""
    keyword_projects = memo.shared(
        "coop_keyword_projects",
        view_inputs(),
        lambda: project_measures(view.projects, view.measures)[1],
    )
    if not len(keyword_projects):
        return
    if len(view.measures) == 0:
        st.caption(t("coop.keywords_note", lang))
    else:
        st.caption(t("coop.keywords_some", lang, n=len(keyword_projects), total=len(view.projects)))


def show_table(table: pd.DataFrame, lang: str, key: str) -> None:
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            t("coop.col.score", lang): st.column_config.ProgressColumn(
                min_value=0, max_value=100, format="%d %%", help=t("coop.col.score_help", lang)
            ),
            t("coop.col.profile", lang): st.column_config.LinkColumn(display_text="→"),
            t("coop.col.source", lang): st.column_config.LinkColumn(display_text="↗"),
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
    linked = tuple(link_values("partner"))
    label, options = memo.shared(
        "partner_options",
        (view_inputs(), linked),
        lambda: partner_options(network, view, linked, lang),
    )
    projects = set(network.projects["id"])
    choice = url_widget(
        st.selectbox,
        t("coop.choose", lang),
        options,
        key="coop_partner",
        param="partner",
        label_of=label.get,
        index=None,
        placeholder=t("widget.choose", lang),
        help=t("coop.choose_help", lang),
    )
    for value in ignored_in_link("partner"):
        st.warning(escape_markdown(t("profiles.not_found", lang, id=value)))
    if not choice:
        return
    if choice in projects:
        scope = network
        ranked = partners_for_project(network, choice, weights, limit=15)
        own = network.projects.set_index("id").at[choice, "municipality_ids"]
    else:
        # peers within the current filters; the whole network when the member is filtered out
        scope = view if choice in set(view.municipalities["id"]) else network
        ranked = partners_for(scope, choice, weights, limit=15)
        own = (choice,)
    # 100 % = the best new pair among the members the list was scored against
    best = memo.shared(
        "coop_best_pair",
        (view_inputs(), weights, scope is view),
        lambda: best_pair_score(scope, weights),
    )
    fresh = ranked[~ranked["existing"]]
    known = with_reasons(ranked[ranked["existing"]], weights, lang)
    shared = dict(zip(known["b_id"], known["measures_text"], strict=True))
    st.subheader(t("coop.suggestions", lang))
    if fresh.empty:
        st.info(t("coop.none", lang))
    else:
        fresh = with_reasons(fresh, weights, lang)
        # the strongest three in full sentences: a table cell cuts long reasons off
        fits = relative_fit(fresh["score"], best)
        st.markdown(
            "\n".join(
                f"- **{escape_markdown(row.b_name)}** ({fit} %): {escape_markdown(row.reason)}"
                for row, fit in zip(fresh.head(3).itertuples(), fits, strict=False)
            )
        )
        table = suggestion_table(fresh, lang, one_sided=True, best=best)
        show_table(table, lang, "finder_table")
        downloads(
            table.drop(columns=[t("coop.col.profile", lang)]), f"partner-{choice}", lang, "finder"
        )
    st.subheader(t("coop.already", lang))
    linked = linked_table(network, own, lang, shared)
    if linked.empty:
        st.info(t("coop.already_none", lang))
    else:
        st.dataframe(
            linked,
            hide_index=True,
            width="stretch",
            key="linked_table",
            column_config={
                t("coop.col.source", lang): st.column_config.LinkColumn(display_text="↗")
            },
        )


def network_section(view: Network, weights: Weights, lang: str) -> None:
    ranked = suggestions(view, weights, top_k=3, max_per_member=3, limit=40)
    ranked = with_reasons(ranked, weights, lang)
    if ranked.empty:
        st.info(t("coop.none", lang))
        return
    # the list starts with the network's best new pair (each member's best is kept)
    table = suggestion_table(ranked.head(40), lang, one_sided=False, best=ranked["score"].max())
    show_table(table, lang, "network_table")
    downloads(
        table.drop(columns=[t("coop.col.profile", lang)]),
        "kooperationsvorschlaege",
        lang,
        "network",
    )
    links = graph_links(view, ranked.head(GRAPH_SUGGESTIONS))
    labels = {"members": t("kpi.municipalities", lang)}
    labels |= {kind: t(f"coop.legend.{kind}", lang) for kind in ("joint", "cooperation", "visit")}
    labels["suggestion"] = t("coop.legend.suggested", lang)
    figure = network_graph(view.municipalities, links, t("coop.graph", lang), labels)
    existing = links[links["kind"] != "suggestion"]
    alt = t(
        "coop.graph_alt",
        lang,
        members=len(view.municipalities),
        existing=len(existing),
        suggested=int((links["kind"] == "suggestion").sum()),
    )
    names = view.municipalities.set_index("id")["name"]
    link_table = pd.DataFrame(
        {
            t("coop.col.a", lang): [names.get(a, a) for a in links["a_id"]],
            t("coop.col.b", lang): [names.get(b, b) for b in links["b_id"]],
            t("coop.col.link", lang): [labels[k] for k in links["kind"]],
        }
    )
    chart(figure, alt, link_table, "coop_graph", lang)
    st.caption(escape_markdown(alt))


GRAPH_SUGGESTIONS = 15  # the strongest only: more lines do not read on a projector


def graph_links(view: Network, suggested: pd.DataFrame) -> pd.DataFrame:
    """Every member pair to draw, once, with its strongest kind: joint project, known
    cooperation, visit (a cooperation or meeting of the kind Besuch), then suggestion."""
    members = set(view.municipalities["id"])
    members_of = dict(zip(view.projects["id"], view.projects["municipality_ids"], strict=True))
    rows = []

    def pairs(ids, kind):
        ids = sorted({m for m in ids if m in members})
        rows.extend((a, b, kind) for k, a in enumerate(ids) for b in ids[k + 1 :])

    for ids in view.projects["municipality_ids"]:
        pairs(ids, "joint")
    coops = view.cooperations
    for a, b, kind in zip(coops["a_id"], coops["b_id"], coops["kind"], strict=True):
        kind = "visit" if "besuch" in str(kind).lower() else "cooperation"
        for x in members_of.get(a, (a,)):
            for y in members_of.get(b, (b,)):
                if x != y and x in members and y in members:
                    rows.append((min(x, y), max(x, y), kind))
    events = view.events
    for kind, host, participants in zip(
        events["kind"], events["municipality_id"], events["participant_ids"], strict=True
    ):
        if "besuch" in str(kind).lower():
            people = [m for x in participants for m in members_of.get(x, (x,))]
            pairs(people + ([host] if isinstance(host, str) else []), "visit")
    for a, b in zip(suggested["a_id"], suggested["b_id"], strict=True):
        rows.append((min(a, b), max(a, b), "suggestion"))
    frame = pd.DataFrame(rows, columns=["a_id", "b_id", "kind"])
    order = {"joint": 0, "cooperation": 1, "visit": 2, "suggestion": 3}
    frame = frame.assign(rank=frame["kind"].map(order)).sort_values("rank", kind="stable")
    return frame.drop_duplicates(["a_id", "b_id"]).drop(columns="rank").reset_index(drop=True)


def groups_section(view: Network, lang: str) -> None:
    st.markdown(escape_markdown(t("coop.groups_intro", lang)))
    groups = memo.shared("working_groups", view_inputs(), lambda: working_groups(view))
    if groups.empty:
        st.info(t("coop.none", lang))
        return
    unknown = t("coop.ahead_unknown", lang)
    table = pd.DataFrame(
        {
            t("coop.col.measure", lang): [measure_label(m, lang) for m in groups["measure"]],
            t("coop.col.members", lang): [join_words(m, lang) for m in groups["members"]],
            t("coop.col.ahead", lang): [
                join_words(a, lang) if a else unknown for a in groups["ahead"]
            ],
            t("coop.col.standing", lang): [group_mix(g, lang) for _, g in groups.iterrows()],
        }
    )
    # one line per group, readable from the back of the room; the table below for export
    st.markdown(
        "\n".join(
            f"- **{escape_markdown(measure_label(g['measure'], lang))}**: "
            f"{escape_markdown(join_words(g['members'], lang))} – "
            f"{escape_markdown(t('coop.col.ahead', lang))}: "
            f"{escape_markdown(join_words(g['ahead'], lang) if g['ahead'] else unknown)}"
            for _, g in groups.iterrows()
        )
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key="groups_table",
        column_config={t("coop.col.standing", lang): st.column_config.TextColumn(width="large")},
    )
    downloads(table, "arbeitsgruppen", lang, "groups")


def cooperation_mode(lang: str) -> str:
    """The page's view: partner finder, network or working groups (in the link as ?view=)."""
    return url_widget(
        st.segmented_control,
        t("coop.mode", lang),
        list(MODES),
        key="coop_mode",
        param="view",
        default="finder",
        label_of=lambda m: t(MODES[m], lang),
    )


def how_it_works(view: Network, lang: str) -> None:
    """How suggestions are made, and a note when the view's projects lack the words the
    score reads."""
    with st.expander(t("coop.how", lang)):
        st.markdown(escape_markdown(t("coop.how_text", lang)))
    keyword_note(view, lang)


def cooperation_section(network: Network, view: Network, mode: str, lang: str) -> None:
    """The chosen view; the finder and the network are scored with the weights the user
    sets, the working groups need none."""
    weights = weight_sliders(lang) if mode != "groups" else Weights()
    if mode == "finder":
        partner_section(network, view, weights, lang)
    elif mode == "network":
        network_section(view, weights, lang)
    else:
        groups_section(view, lang)
