"""Rendering municipality and project profiles. Every text from data is escaped; the
sources and measures they show are built in components/profile_sources.py.

Above 400 lines because a profile's layout is one piece: the choice of whom to show, the
municipality's and the project's sections and the comparison share their helpers."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import streamlit as st

from atlas import fmt
from atlas.network import Network
from atlas.profiles import (
    MUNICIPALITY_SOURCES,
    PROJECT_SOURCES,
    MunicipalityProfile,
    ProjectProfile,
    comparison,
    fact_sources,
    municipality_profile,
    names,
    project_profile,
    similar_projects,
)
from atlas.status import extension_offers, phase_label
from atlas.text import escape_markdown, join_words, t
from components.data import view_inputs
from components.links import profile_url
from components.memo import shared
from components.profile_sources import (
    SAFE_URL,
    link_kind_label,
    show_fact_sources,
    show_measures,
    via_label,
    with_sources,
)
from components.url_widgets import (
    clear_link,
    ignored_in_link,
    link_changed,
    link_values,
    url_widget,
)


class Choices(NamedTuple):
    municipality_names: dict[str, str]
    project_names: dict[str, str]
    municipalities: list[str]  # ids to offer, in order of name
    projects: list[str]


def _by_name(ids: set[str], names: dict[str, str]) -> list[str]:
    return sorted(ids, key=lambda i: (names[i].casefold(), i))


def profile_choices(network: Network, view: Network) -> Choices:
    """What the selectors offer: the filtered view's members and projects, plus an id a
    link names even when it lies outside the filters (remembered for the next run: at
    20,000 projects the sorting alone took a tenth of a second)."""
    linked_munis = tuple(link_values("municipality"))
    linked_projects = tuple(link_values("project"))

    def build() -> Choices:
        munis = dict(zip(network.municipalities["id"], network.municipalities["name"], strict=True))
        projects = dict(zip(network.projects["id"], network.projects["name"], strict=True))
        return Choices(
            munis,
            projects,
            _by_name(set(view.municipalities["id"]) | set(linked_munis) & munis.keys(), munis),
            _by_name(set(view.projects["id"]) | set(linked_projects) & projects.keys(), projects),
        )

    return shared("profile_choices", (view_inputs(), linked_munis, linked_projects), build)


MODES = {
    "municipality": "profiles.mode.municipality",
    "project": "profiles.mode.project",
    "compare": "profiles.mode.compare",
}


def profile_mode(lang: str) -> str:
    """One member, one project or a comparison; a link decides by the parameter it names
    (?municipality=, ?project=, ?compare=), the control decides after that."""
    linked = next((mode for mode in MODES if mode in st.query_params), None)
    if link_changed("profile_mode", linked) and linked:
        st.session_state["profile_mode"] = linked
    st.session_state.setdefault("profile_mode", "municipality")
    mode = st.segmented_control(
        t("profiles.mode", lang),
        list(MODES),
        format_func=lambda m: t(MODES[m], lang),
        key="profile_mode",
    )
    return mode or "municipality"


def profile_choice(mode: str, choices: Choices, lang: str):
    """The chosen id (ids for a comparison), kept in the link under the mode's name; an id
    the link names that does not exist is reported."""
    munis, projects = choices.municipality_names, choices.project_names
    if mode == "compare":
        choice = url_widget(
            st.multiselect,
            t("profiles.choose_compare", lang),
            choices.municipalities,
            key="profile_compare",
            param="compare",
            label_of=munis.get,
            max_selections=4,
            placeholder=t("widget.choose_many", lang),
        )
    else:
        options, names_of = (
            (choices.municipalities, munis)
            if mode == "municipality"
            else (choices.projects, projects)
        )
        choice = url_widget(
            st.selectbox,
            t(f"profiles.choose_{mode}", lang),
            options,
            key=f"profile_{mode}",
            param=mode,
            label_of=names_of.get,
            index=None,
            placeholder=t("widget.choose", lang),
        )
    clear_link(set(MODES) - {mode})
    for value in ignored_in_link(mode):
        st.warning(escape_markdown(t("profiles.not_found", lang, id=value)))
    return choice


def facts(rows: list[tuple[str, str]]) -> None:
    """A short 'label: value' list; values come from data, so they are escaped."""
    lines = [
        f"- **{escape_markdown(label)}:** {escape_markdown(value)}"
        for label, value in rows
        if value
    ]
    st.markdown("\n".join(lines))


def linked_table(
    frame: pd.DataFrame, kind: str, columns: dict[str, str], lang: str, key: str
) -> None:
    """A table whose last column opens each row's profile."""
    if frame.empty:
        st.caption(t("profiles.none", lang))
        return
    shown = frame[list(columns)].rename(columns=columns)
    shown[t("profiles.open", lang)] = [profile_url(kind, i) for i in frame["id"]]
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key=key,
        column_config={t("profiles.open", lang): st.column_config.LinkColumn(display_text="→")},
    )


def period(start, end, lang: str) -> str:
    """A runtime as "01.2021 – 11.2027"; an unknown end or start reads "unbekannt", and
    a wholly unknown runtime is just "unbekannt" (it read "– – –")."""
    known = [_text(x) and str(x) not in ("NaT",) for x in (start, end)]
    if not any(known):
        return t("unknown", lang)
    shown = [
        fmt.date(x, lang) if k else t("unknown", lang)
        for x, k in zip((start, end), known, strict=True)
    ]
    return f"{shown[0]} – {shown[1]}"


def _text(value) -> str:
    return (
        ""
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA
        else str(value)
    )


def links_and_events(
    network: Network, links: pd.DataFrame, events: pd.DataFrame, lang: str
) -> None:
    label = names(network)
    st.subheader(t("profiles.links", lang))
    if links.empty:
        st.caption(t("profiles.none", lang))
    else:
        table = pd.DataFrame(
            {
                t("profiles.date", lang): [fmt.date(d, lang) for d in links["date"]],
                "A": [label.get(a, a) for a in links["a_id"]],
                "B": [label.get(b, b) for b in links["b_id"]],
                t("profiles.kind", lang): [link_kind_label(k, lang) for k in links["kind"]],
                t("profiles.note", lang): links["note"],
            }
        )
        table, config = with_sources(table, links["source"], lang)
        st.dataframe(table, hide_index=True, width="stretch", column_config=config)
    st.subheader(t("profiles.events", lang))
    if events.empty:
        st.caption(t("profiles.none", lang))
    else:
        table = pd.DataFrame(
            {
                t("profiles.date", lang): [fmt.date(d, lang) for d in events["date"]],
                t("profiles.title_col", lang): events["title"],
                t("profiles.participants", lang): [
                    join_words([label.get(i, i) for i in ids], lang)
                    for ids in events["participant_ids"]
                ],
            }
        )
        table, config = with_sources(table, events["source"], lang)
        st.dataframe(table, hide_index=True, width="stretch", column_config=config)


def show_municipality(network: Network, profile: MunicipalityProfile, lang: str) -> None:
    r = profile.record
    st.header(escape_markdown(r["name"]))
    programmes = sorted(
        {
            f"{p.programme} {int(p.cohort)}" if not pd.isna(p.cohort) else p.programme
            for p in profile.projects.itertuples()
        }
    )
    facts(
        [
            (t("profiles.kind", lang), _text(r["kind"])),
            (t("profiles.state", lang), t(f"state.{r['state']}", lang)),
            (t("profiles.district", lang), _text(r["district"])),
            (
                t("profiles.population", lang),
                fmt.number(r["population"], lang) if _text(r["population"]) else "",
            ),
            (t("profiles.programmes", lang), "; ".join(programmes)),
        ]
    )
    show_fact_sources(fact_sources(r, MUNICIPALITY_SOURCES), lang)
    st.subheader(t("profiles.projects", lang))
    projects = profile.projects.assign(
        phase_label=[
            phase_label(p, e, c, lang, extension_offers(network.meta))
            for p, e, c in zip(
                profile.projects["phase_now"],
                profile.projects["end"],
                profile.projects["cohort"],
                strict=True,
            )
        ],
        runtime=[
            period(s, e, lang)
            for s, e in zip(profile.projects["start"], profile.projects["end"], strict=True)
        ],
    )
    linked_table(
        projects,
        "project",
        {
            "name": t("profiles.name", lang),
            "phase_label": t("profiles.phase_now", lang),
            "runtime": t("profiles.runtime", lang),
        },
        lang,
        "muni_projects",
    )
    show_measures(profile.measures, lang, with_project=len(profile.projects) > 1)
    st.subheader(t("profiles.topics", lang))
    if profile.topics:
        st.markdown(
            "\n".join(
                f"- {escape_markdown(t(f'topic.{x}', lang))} ({n})" for x, n in profile.topics
            )
        )
    else:
        st.caption(t("profiles.none", lang))
    st.subheader(t("profiles.partners", lang))
    kinds = set(network.cooperations["kind"].dropna().astype(str))
    partners = profile.partners.assign(
        via=[via_label(v, kinds, lang) for v in profile.partners["via"]]
    )
    is_muni = partners["id"].isin(network.municipalities["id"])
    if is_muni.any():
        linked_table(
            partners[is_muni],
            "municipality",
            {"name": t("profiles.name", lang), "via": t("profiles.via", lang)},
            lang,
            "muni_partners",
        )
    others = partners[~is_muni]
    if len(others):  # organisations and other projects: named, with how
        st.markdown(
            "\n".join(
                f"- {escape_markdown(name)} ({escape_markdown(via)})"
                if via
                else f"- {escape_markdown(name)}"
                for name, via in zip(others["name"], others["via"].fillna(""), strict=True)
            )
        )
    if partners.empty:
        # "none known" only when nothing below says otherwise
        has_links = len(profile.links) or len(profile.events)
        st.caption(t("profiles.partners_see_links" if has_links else "profiles.none", lang))
    links_and_events(network, profile.links, profile.events, lang)


def show_project(
    network: Network, profile: ProjectProfile, similar: pd.DataFrame, lang: str
) -> None:
    r = profile.record
    st.header(escape_markdown(r["name"]))
    cohort = "" if pd.isna(r["cohort"]) else str(int(r["cohort"]))
    facts(
        [
            (t("profiles.programme", lang), _text(r["programme"])),
            (t("profiles.cohort", lang), cohort),
            (
                t("profiles.size_class", lang),
                t(f"size.{r['size_class']}", lang) if _text(r["size_class"]) else "",
            ),
            (
                t("profiles.phase_now", lang),
                phase_label(
                    r["phase_now"], r["end"], r["cohort"], lang, extension_offers(network.meta)
                ),
            ),
            (t("profiles.runtime", lang), period(r["start"], r["end"], lang)),
            (t("profiles.end_note", lang), _text(r.get("end_note", ""))),
            (t("profiles.funding_federal", lang), fmt.euro(r["funding_federal_eur"], lang)),
            (t("profiles.funding_total", lang), fmt.euro(r["funding_total_eur"], lang)),
            (t("profiles.funding_note", lang), _text(r.get("funding_note", ""))),
            (t("profiles.topics", lang), "; ".join(t(f"topic.{x}", lang) for x in r["topics"])),
        ]
    )
    show_fact_sources(fact_sources(r, PROJECT_SOURCES), lang)
    url = _text(r["url"])
    if SAFE_URL.match(url):  # only plain web links, never javascript: or data:
        st.link_button(t("profiles.website", lang), url)
    st.subheader(t("profiles.participants", lang))
    linked_table(
        profile.participants,
        "municipality",
        {
            "name": t("profiles.name", lang),
            "kind": t("profiles.kind", lang),
            "district": t("profiles.district", lang),
        },
        lang,
        "project_participants",
    )
    st.subheader(t("profiles.phases", lang))
    if profile.phases.empty:
        st.caption(t("profiles.no_phases", lang))
    else:
        phases = pd.DataFrame(
            {
                t("profiles.phases", lang): [
                    t(f"phase.{p}", lang) for p in profile.phases["phase"]
                ],
                t("profiles.runtime", lang): [
                    period(s, e, lang)
                    for s, e in zip(profile.phases["start"], profile.phases["end"], strict=True)
                ],
            }
        )
        phases, config = with_sources(phases, profile.phases["source"], lang)
        st.dataframe(phases, hide_index=True, width="stretch", column_config=config)
    show_measures(profile.measures, lang, with_project=False)
    st.subheader(t("profiles.similar", lang), help=t("profiles.similar_help", lang))
    similar = similar.assign(
        shared=[join_words([t(f"topic.{x}", lang) for x in s], lang) for s in similar["shared"]]
    )
    linked_table(
        similar,
        "project",
        {"name": t("profiles.name", lang), "shared": t("profiles.shared", lang)},
        lang,
        "similar",
    )
    links_and_events(network, profile.links, profile.events, lang)


def show_comparison(table: pd.DataFrame, lang: str) -> None:
    shown = table.copy()
    for column in shown.columns:
        shown.loc["population", column] = (
            fmt.number(shown.at["population", column], lang)
            if _text(shown.at["population", column])
            else "–"
        )
        shown.loc["funding_federal_eur", column] = fmt.euro(
            shown.at["funding_federal_eur", column], lang
        )
        if "funding_joint_eur" in shown.index:
            joint = shown.at["funding_joint_eur", column]
            shown.loc["funding_joint_eur", column] = (
                fmt.euro(joint, lang) if _text(joint) and joint else "–"
            )
        shown.loc["state", column] = t(f"state.{shown.at['state', column]}", lang)
        for row in ("start", "end"):
            value = shown.at[row, column]
            shown.loc[row, column] = fmt.date(value, lang) if _text(value) else t("unknown", lang)
    shown.index = [t(f"profiles.compare.{row}", lang) for row in shown.index]
    st.dataframe(shown.astype(str), width="stretch")


def show_profile(network: Network, mode: str, choice, lang: str) -> None:
    """The chosen profile: a municipality, a project, or the comparison, which needs two
    municipalities at least (until then a note says so); nothing while none is chosen."""
    if mode == "municipality" and choice:
        show_municipality(network, municipality_profile(network, choice), lang)
    elif mode == "project" and choice:
        show_project(
            network, project_profile(network, choice), similar_projects(network, choice), lang
        )
    elif mode == "compare":
        if len(choice) < 2:
            st.info(t("profiles.compare_need", lang))
        else:
            show_comparison(comparison(network, choice), lang)
