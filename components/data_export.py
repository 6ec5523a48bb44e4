"""What the data page offers every visitor: the exchange tables and templates to download
(formula-safe, atlas.export) and how complete and fresh each member's data is
(atlas.coverage), plus the time format both it and the history use."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from atlas import fmt
from atlas.coverage import member_coverage, members_without
from atlas.export import csv_zip, exchange_tables, template_xlsx, template_zip, xlsx_bytes
from atlas.network import Network
from atlas.status import PHASE_SHEET, phase_today_table
from atlas.store import Store
from atlas.text import t


def fmt_time(value, lang: str) -> str:
    """A change time in Berlin time; a time without zone counts as UTC (as the store writes
    it), and what is no time at all is shown as it is."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        return str(value)
    if stamp is pd.NaT:
        return ""
    stamp = (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp).tz_convert(
        "Europe/Berlin"
    )
    return stamp.strftime("%d.%m.%Y %H:%M") if lang == "de" else stamp.strftime("%Y-%m-%d %H:%M")


# --- exports and templates -----------------------------------------------------------


def phase_sheet(view: Network, lang: str) -> dict[str, pd.DataFrame]:
    """Where each project stands today, computed: a sheet beside the exchange tables."""
    from components.data import today

    table = phase_today_table(view.projects, view.meta, view.as_of, today(), lang)
    return {PHASE_SHEET: table}


def export_section(view: Network, lang: str) -> None:
    st.markdown(t("data.export_intro", lang, n=len(view.projects), m=len(view.municipalities)))
    left, right = st.columns(2)
    stamp = pd.Timestamp.now().strftime("%Y-%m-%d")
    left.download_button(
        t("data.export_xlsx", lang),
        data=lambda: xlsx_bytes(exchange_tables(view) | phase_sheet(view, lang)),
        file_name=f"netzwerkatlas-{stamp}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="export_xlsx",
    )
    right.download_button(
        t("data.export_csv", lang),
        data=lambda: csv_zip(exchange_tables(view) | phase_sheet(view, lang)),
        file_name=f"netzwerkatlas-{stamp}-csv.zip",
        mime="application/zip",
        key="export_csv",
    )
    st.caption(t("data.export_note", lang))
    st.subheader(t("data.templates", lang))
    left, right = st.columns(2)
    left.download_button(
        t("data.template_xlsx", lang),
        data=template_xlsx,
        file_name="netzwerkatlas-vorlage.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="template_xlsx",
    )
    right.download_button(
        t("data.template_csv", lang),
        data=template_zip,
        file_name="netzwerkatlas-vorlagen-csv.zip",
        mime="application/zip",
        key="template_csv",
    )


# --- coverage and freshness ----------------------------------------------------------


def coverage_section(store: Store, view: Network, lang: str) -> None:
    updates = {name: store.last_updates(name) for name in ("municipalities", "projects")}
    cover = member_coverage(view, updates)
    gaps = members_without(cover)
    complete = int((cover["missing"] == "").sum())
    cols = st.columns(3)
    cols[0].metric(
        t("data.cov_complete", lang),
        f"{fmt.number(complete, lang)} / {fmt.number(len(cover), lang)}",
        border=True,
    )
    cols[1].metric(
        t("data.cov_no_projects", lang), fmt.number(len(gaps["no_projects"]), lang), border=True
    )
    cols[2].metric(
        t("data.cov_no_topics", lang), fmt.number(len(gaps["no_topics"]), lang), border=True
    )
    shown = cover.assign(last_updated=cover["last_updated"].map(lambda v: fmt_time(v, lang)))
    labels = {
        "id": t("data.col_id", lang),
        "name": t("data.col_name", lang),
        "state": t("chart.state", lang),
        "missing": t("data.col_missing", lang),
        "projects": t("chart.projects", lang),
        "with_topics": t("data.col_with_topics", lang),
        "last_updated": t("data.col_updated", lang),
    }
    st.dataframe(
        shown.rename(columns=labels), hide_index=True, width="stretch", key="coverage_table"
    )
    for kind in ("no_projects", "no_topics"):
        frame = gaps[kind]
        with st.expander(t(f"data.cov_list_{kind}", lang, n=len(frame))):
            st.dataframe(
                frame[["id", "name", "state"]].rename(columns=labels),
                hide_index=True,
                width="stretch",
                key=f"gaps_{kind}",
            )
