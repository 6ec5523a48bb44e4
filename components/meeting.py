"""The meeting page's building blocks: choose participants and a focus, see proposed
hosts with distances, the agenda (page, PDF, calendar entry), record what came of it,
and the pairs that have never met."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from atlas import fmt
from atlas.cooperation import Weights, suggestions, with_reasons
from atlas.filters import Filters, apply_filters
from atlas.groups import describe_group, working_groups
from atlas.measures import MEASURE_IDS
from atlas.measures import label as measure_label
from atlas.meetings import (
    FOLLOW_UP_KINDS,
    FollowUp,
    MeetingError,
    Plan,
    agenda,
    agenda_lines,
    calendar_entry,
    default_day,
    distances_km,
    has_measures,
    meeting_rows,
    propose_hosts,
)
from atlas.network import Network
from atlas.schema import TOPICS
from atlas.store import EditSet, StoreError
from atlas.text import escape_markdown, plot_text, t
from atlas.views import text_to_params
from components.data import today, view_inputs
from components.filter_state import SPECS
from components.memo import shared

SOURCES = ("filter", "group", "view", "hand")


def filters_from_params(params: dict[str, list[str]]) -> Filters:
    """A saved view's link parameters as filters (unknown parameters are ignored)."""
    values = {}
    for spec in SPECS:
        raw = params.get(spec.param, [])
        if spec.integer:
            raw = [int(v) for v in raw if str(v).isdigit()]
        values[spec.field] = tuple(raw)
    return Filters(**values, text=(params.get("q") or [""])[0])


def member_names(network: Network) -> dict[str, str]:
    return dict(zip(network.municipalities["id"], network.municipalities["name"], strict=True))


def choose_participants(network: Network, view: Network, lang: str) -> tuple[str, ...]:
    """Participants from the current filters, a saved view's filters, or by hand."""
    names = member_names(network)
    source = st.radio(
        t("meeting.source", lang),
        SOURCES,
        format_func=lambda s: t(f"meeting.source_{s}", lang),
        horizontal=True,
        key="meeting_source",
    )
    default: list[str] = []
    if source == "filter" and len(view.municipalities) < len(network.municipalities):
        default = list(view.municipalities["id"])  # a filter is set: its members
    elif source == "group":
        groups = working_groups(view)
        if groups.empty:
            st.info(t("meeting.no_groups", lang))
        else:
            chosen = st.selectbox(
                t("meeting.group", lang),
                list(groups.index),
                format_func=lambda i: describe_group(groups.loc[i], lang),
                key="meeting_group",
            )
            default = list(groups.at[chosen, "member_ids"])
    elif source == "view" and len(network.views):
        titles = dict(zip(network.views["id"], network.views["title"], strict=True))
        chosen = st.selectbox(
            t("meeting.view", lang), list(titles), format_func=titles.get, key="meeting_view"
        )
        params = text_to_params(network.views.set_index("id").at[chosen, "params"])
        default = list(apply_filters(network, filters_from_params(params)).municipalities["id"])
    picked = st.multiselect(
        t("meeting.participants", lang),
        sorted(names, key=lambda m: str(names[m]).casefold()),
        default=[m for m in default if m in names],
        format_func=names.get,
        placeholder=t("widget.choose_many", lang),
        key=f"meeting_participants_{source}_{st.session_state.get(f'meeting_{source}', '')}",
    )
    return tuple(picked)


def choose_focus(lang: str) -> tuple[str, ...]:
    options = [*MEASURE_IDS, *(f"topic:{topic}" for topic in TOPICS)]

    def label(value: str) -> str:
        if value.startswith("topic:"):
            topic = value.removeprefix("topic:")
            return t("meeting.focus_topic", lang, topic=t(f"topic.{topic}", lang))
        return measure_label(value, lang)

    return tuple(
        st.multiselect(
            t("meeting.focus", lang),
            options,
            format_func=label,
            placeholder=t("widget.choose_many", lang),
            key="meeting_focus",
        )
    )


def hosts_section(network: Network, plan: Plan, lang: str) -> str | None:
    """Proposed hosts with reasons and distances; returns the host chosen."""
    st.subheader(t("meeting.hosts", lang))
    # the whole room asks for the same plan: built once per data, language and plan
    hosts = shared(
        "meeting_hosts", (view_inputs(), plan), lambda: propose_hosts(network, plan, lang=lang)
    )
    names = member_names(network)
    if hosts.empty:
        st.info(t("meeting.hosts_none", lang))
    else:  # a list, not a grid: the reasons are sentences a room reads from the back
        lines = [f"{rank}. {escape_markdown(r)}" for rank, r in enumerate(hosts["reason"], 1)]
        st.markdown("\n".join(lines))
    options = list(dict.fromkeys([*hosts["member_id"], *plan.participants]))
    host = st.selectbox(
        t("meeting.host", lang),
        options,
        format_func=names.get,
        placeholder=t("widget.choose", lang),
        key="meeting_host",
    )
    if host and plan.participants:
        km = distances_km(network, list(plan.participants), [host]).round()
        st.caption(t("meeting.distances", lang))
        st.dataframe(
            pd.DataFrame(
                {
                    t("meeting.col_participant", lang): [names.get(p, p) for p in km.index],
                    "km": km[host].astype("Int64").to_numpy(),
                }
            ),
            hide_index=True,
        )
    return host


def agenda_section(network: Network, plan: Plan, host: str | None, day: dt.date, lang: str) -> None:
    st.subheader(t("meeting.agenda", lang))
    result = shared(
        "meeting_agenda", (view_inputs(), plan, host), lambda: agenda(network, plan, host, lang)
    )
    members = result["members"]
    st.dataframe(
        pd.DataFrame(
            {
                t("meeting.col_participant", lang): members["name"],
                t("meeting.col_brings", lang): members["brings"].map(", ".join),
                t("meeting.col_starts", lang): members["starts"].map(", ".join),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.markdown(f"**{escape_markdown(t('meeting.pairs', lang))}**")
    if result["pairs"].empty:
        st.info(t("meeting.pairs_none", lang))
    else:
        for reason in result["pairs"]["reason"]:
            st.markdown(f"- {escape_markdown(reason)}")
    names = member_names(network)
    title = t("meeting.default_title", lang, host=names.get(host, host or ""))
    lines = [fmt.date(day.isoformat(), lang), *agenda_lines(result, lang)]
    st.download_button(
        t("meeting.ics", lang),
        calendar_entry(
            title, day, str(names.get(host, host or "")), lines, f"{day}-{host}@netzwerkatlas"
        ),
        file_name=f"treffen-{day.isoformat()}.ics",
        mime="text/calendar",
        key="meeting_ics",
    )
    if st.button(t("meeting.pdf", lang), key="meeting_pdf_make"):
        from components.handout import ChromeMissing

        try:
            pdf = agenda_pdf(title, lines)
        except ChromeMissing:
            st.warning(t("meeting.pdf_missing", lang))
        else:
            st.download_button(
                t("meeting.pdf", lang),
                pdf,
                file_name=f"treffen-{day.isoformat()}.pdf",
                mime="application/pdf",
                key="meeting_pdf",
            )


def agenda_pdf(title: str, lines: list[str]) -> bytes:
    """The agenda on one A4 page, by the handout's renderer (text escaped for plotly)."""
    from components.handout import _text_page, render_pdf, wrap

    body = [wrap(plot_text(line), 110) for line in lines]
    return render_pdf([_text_page(plot_text(title), body, size=15)])


def record_section(
    network: Network, plan: Plan, host: str | None, day: dt.date, today: dt.date, lang: str
) -> None:
    """An editor records the meeting and its follow-ups through the store."""
    from components.data import current_store
    from components.data_admin import current_actor

    st.subheader(t("meeting.record", lang))
    st.caption(t("meeting.record_intro", lang))
    actor = current_actor()
    if actor is None:
        st.info(t("meeting.record_viewer", lang))
        return
    names = member_names(network)
    with st.form("meeting_record"):
        title = st.text_input(
            t("meeting.record_title", lang),
            value=t("meeting.default_title", lang, host=names.get(host, host or "")),
            max_chars=200,
        )
        source = st.text_input(t("meeting.record_source", lang), max_chars=500)
        members = tuple(dict.fromkeys([*([host] if host else []), *plan.participants]))
        pairs = [f"{a}|{b}" for i, a in enumerate(members) for b in members[i + 1 :]]
        agreed_pairs = st.multiselect(
            t("meeting.follow_ups", lang),
            pairs,
            format_func=lambda p: " – ".join(str(names.get(m, m)) for m in p.split("|")),
            placeholder=t("widget.choose_many", lang),
            key="meeting_follow_up_pairs",
        )
        kind = st.selectbox(
            t("meeting.col_kind", lang),
            FOLLOW_UP_KINDS,
            format_func=lambda k: t(f"meeting.kind.{k}", lang),
            key="meeting_follow_up_kind",
        )
        measure = st.selectbox(
            t("meeting.col_measure", lang),
            ["", *MEASURE_IDS],
            index=1 + MEASURE_IDS.index(plan.focus[0])
            if plan.focus and plan.focus[0] in MEASURE_IDS
            else 0,
            format_func=lambda m: measure_label(m, lang) if m else "–",
            key="meeting_follow_up_measure",
        )
        submitted = st.form_submit_button(t("meeting.save", lang))
    if not submitted:
        return
    agreed = tuple(FollowUp(*pair.split("|"), kind, measure) for pair in agreed_pairs)
    try:
        event, coops = meeting_rows(
            network, day, host or "", members, plan.focus, agreed, title, source, today, lang
        )
        store = current_store()
        store.save_edits(EditSet("events", added=[event]), actor)
        if coops:
            store.save_edits(EditSet("cooperations", added=coops), actor)
    except MeetingError as refused:
        st.error(escape_markdown(t("meeting.not_saved", lang, reason=" ".join(refused.messages))))
        return
    except StoreError as refused:
        st.error(escape_markdown(t("meeting.not_saved", lang, reason=str(refused)[:300])))
        return
    st.success(escape_markdown(t("meeting.saved", lang, title=event["title"], n=len(coops))))


def _never_met(view: Network, lang: str) -> pd.DataFrame:
    ranked = suggestions(view, Weights(), top_k=3, max_per_member=2)
    return with_reasons(ranked.head(15), Weights(), lang) if len(ranked) else ranked


def never_met_section(view: Network, lang: str) -> None:
    """High-scoring pairs in the current selection that have never met."""
    st.subheader(t("meeting.never_met", lang))
    st.caption(t("meeting.never_met_intro", lang))
    # the engine over the whole selection: once per data, filters and language, not per rerun
    ranked = shared("meeting_never_met", view_inputs(), lambda: _never_met(view, lang))
    if ranked.empty:
        st.info(t("meeting.never_met_none", lang))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("meeting.col_a", lang): ranked["a_name"],
                t("meeting.col_b", lang): ranked["b_name"],
                t("meeting.col_reason", lang): ranked["reason"],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def meeting_intro(network: Network, lang: str) -> None:
    """What the page is for, and a note when measures come from the projects' keywords."""
    st.caption(escape_markdown(t("meeting.intro", lang)))
    if not has_measures(network):
        st.info(t("meeting.keywords_note", lang))


def meeting_day(lang: str) -> dt.date:
    """The meeting's date, about a month ahead to begin with, shown as the language writes
    dates."""
    return st.date_input(
        t("meeting.date", lang),
        value=default_day(today()),
        format=fmt.date_input_format(lang),
        key="meeting_date",
    )


def plan_sections(network: Network, plan: Plan, day: dt.date, lang: str) -> None:
    """Hosts, agenda and record for a plan with participants and a focus; until it has
    both, a note says what to choose."""
    if not plan.is_ready:
        st.info(t("meeting.pick_participants", lang))
        return
    host = hosts_section(network, plan, lang)
    agenda_section(network, plan, host, day, lang)
    record_section(network, plan, host, day, today(), lang)
