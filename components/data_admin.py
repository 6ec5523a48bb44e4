"""The data page's pieces: editor sign-in, import preview, data editor, history, exports and
coverage. Domain logic lives in atlas.store, atlas.importer, atlas.export, atlas.coverage;
these functions only show it and pass the user's decisions on."""

from __future__ import annotations

import math
import os
import time

import pandas as pd
import streamlit as st

from atlas import fmt
from atlas.auth import (
    EDITOR,
    THROTTLE,
    Actor,
    editor_accounts,
    log_failure,
    oidc_identity,
    parse_accounts,
    parse_editors,
    verify_account,
)
from atlas.changes import EditSet, ValidationError
from atlas.coverage import member_coverage, members_without
from atlas.database import StoreError, describe_url
from atlas.export import csv_zip, exchange_tables, template_xlsx, template_zip, xlsx_bytes
from atlas.importer import ImportPlan, Upload, diff_frame, plan_import
from atlas.network import Network
from atlas.readers import MAX_FILE_BYTES
from atlas.schema import TABLES
from atlas.status import PHASE_SHEET, phase_today_table
from atlas.store import Store
from atlas.text import escape_markdown, t
from components.data import secret
from components.page import show_report
from components.url_widgets import url_widget

ACTOR_KEY = "data_actor"
FLASH_KEY = "data_flash"
SYSTEM_VIEW = ["_row", "_ver", "_at", "_by", "_pos"]


# --- sign-in -------------------------------------------------------------------------


def oidc_configured() -> bool:
    auth = secret("auth")
    return bool(auth) and "redirect_uri" in auth


def _setting(name: str) -> str:
    return os.environ.get(name, "").strip() or str(secret(name, "") or "").strip()


def password_hash() -> str:
    return _setting("ATLAS_EDITOR_PASSWORD_HASH")


def accounts() -> dict[str, str]:
    """Named editor accounts: ATLAS_EDITORS_PASSWORDS (environment or secrets), the
    secrets table [editor_passwords], and the older single hash if it has a name."""
    configured = parse_accounts(secret("editor_passwords")) | parse_accounts(
        _setting("ATLAS_EDITORS_PASSWORDS")
    )
    return editor_accounts(configured, password_hash(), _setting("ATLAS_EDITOR_NAME"))


def oidc_editors() -> frozenset[str]:
    return parse_editors(secret("ATLAS_EDITORS") or os.environ.get("ATLAS_EDITORS"))


def client_address() -> str:
    """The visitor's address as Streamlit sees it (behind a proxy: what the proxy sends)."""
    try:
        address = st.context.ip_address  # None for 127.0.0.1 and ::1
    except Exception:  # no request context
        address = None
    return address if isinstance(address, str) and address else "lokal/unbekannt"


def current_actor() -> Actor | None:
    """The signed-in editor, or None for a viewer. Its name is the identity signed in (the
    account's name, or the verified e-mail / subject of an OIDC sign-in): the history
    records who it was, not what someone typed."""
    if oidc_configured():
        identity = oidc_identity(st.user.to_dict(), oidc_editors())
        return Actor(identity, EDITOR) if identity else None
    return st.session_state.get(ACTOR_KEY)


def sign_in(lang: str) -> Actor | None:
    """Sign-in box: OIDC (st.login) where configured, else an editor account."""
    signed_in = current_actor() is not None
    if signed_in:
        box = st.container(border=True)
    else:  # viewers mostly come to export: the sign-in stays folded away
        box = st.expander(t("data.login_header", lang), expanded=False)
    with box:
        if oidc_configured():
            return _oidc_box(lang)
        return _password_box(lang)


def _oidc_box(lang: str) -> Actor | None:
    editors = oidc_editors()
    if not editors:
        st.info(t("data.login_oidc_no_editors", lang))
    if not st.user.get("is_logged_in"):
        st.markdown(t("data.login_viewer", lang))
        if st.button(t("data.login_oidc", lang), key="login_oidc"):
            st.login()
        return None
    actor = current_actor()
    email = str(st.user.get("email") or "")
    who = escape_markdown(email or str(st.user.get("name") or ""))
    if actor is not None:
        st.markdown(t("data.login_as", lang, who=escape_markdown(actor.name)))
    elif email and email.lower() in editors:  # on the list, but the address is unconfirmed
        st.warning(t("data.login_unverified", lang, who=who))
    elif editors:
        st.warning(t("data.login_not_editor", lang, who=who))
    if st.button(t("data.logout", lang), key="logout_oidc"):
        st.logout()
    return actor


def _password_box(lang: str) -> Actor | None:
    actor = st.session_state.get(ACTOR_KEY)
    if actor is not None:
        st.markdown(t("data.login_as", lang, who=escape_markdown(actor.name)))
        if st.button(t("data.logout", lang), key="logout_password"):
            st.session_state.pop(ACTOR_KEY, None)
            st.rerun()
        return actor
    known = accounts()
    if not known:
        unnamed = bool(password_hash())
        st.info(t("data.login_legacy_unnamed" if unnamed else "data.login_not_configured", lang))
        return None
    st.markdown(t("data.login_viewer", lang))
    with st.form("login_form", border=False):
        name = st.text_input(t("data.login_name", lang), key="login_name", max_chars=80)
        password = st.text_input(
            t("data.login_password", lang), type="password", key="login_password"
        )
        submitted = st.form_submit_button(t("data.login_button", lang))
    if submitted:
        client = client_address()
        wait = THROTTLE.wait(client)
        if not name.strip():
            st.error(t("data.login_need_name", lang))
        elif wait > 0:  # refused before the password is even looked at
            st.error(t("data.login_wait", lang, seconds=math.ceil(wait)))
        elif (who := verify_account(known, name, password)) is not None:
            THROTTLE.succeeded(client)
            st.session_state[ACTOR_KEY] = Actor(who, EDITOR)
            st.rerun()
        else:
            log_failure(name, client, THROTTLE.failed(client))
            st.error(t("data.login_wrong", lang))
    return None


def storage_note(store: Store, version: int, actor: Actor | None, lang: str) -> None:
    """Where the data is stored, for editors only (masked by atlas.database.describe_url);
    anyone else learns the data version, and nothing about the connection."""
    if actor is None:
        st.caption(t("data.storage_version", lang, version=version))
    else:
        st.caption(
            t(
                "data.storage",
                lang,
                where=escape_markdown(describe_url(store.url, lang)),
                version=version,
            )
        )


# --- messages that survive a rerun ---------------------------------------------------


def flash(kind: str, text: str) -> None:
    st.session_state[FLASH_KEY] = (kind, text)


def show_flash() -> None:
    kind, text = st.session_state.pop(FLASH_KEY, (None, None))
    if kind:
        getattr(st, kind)(escape_markdown(text))


def report(problems, lang: str, key: str) -> None:
    show_report(problems, lang, key)


def refused(exc: StoreError, lang: str) -> None:
    st.error(escape_markdown(exc.text(lang)))
    if isinstance(exc, ValidationError):
        report(exc.problems, lang, "refused_report")


# --- import --------------------------------------------------------------------------


def import_section(store: Store, version: int, actor: Actor, lang: str) -> None:
    st.markdown(t("data.import_intro", lang))
    merge = st.toggle(
        t("data.import_merge", lang), key="import_merge", help=t("data.import_merge_help", lang)
    )
    round_ = st.session_state.get("upload_round", 0)
    files = st.file_uploader(
        t("data.import_files", lang),
        type=["csv", "txt", "xlsx"],
        accept_multiple_files=True,
        key=f"upload_{round_}",
        help=t("data.import_files_help", lang),
        # the browser refuses larger files before uploading them, and says the same limit
        max_upload_size=MAX_FILE_BYTES // 1024 // 1024,
    )
    if not files:
        return
    uploads = [Upload(f.name, f.getvalue()) for f in files]
    choices = {
        int(k.removeprefix("place_")): v.split(" ", 1)[0]
        for k, v in st.session_state.items()
        if str(k).startswith("place_") and v
    }
    # the preview is computed once per upload, mode, choices and data version, not per rerun
    key = (tuple(f.file_id for f in files), merge, tuple(sorted(choices.items())), version)
    cached = st.session_state.get("import_plan")
    if cached is not None and cached[0] == key:
        plan = cached[1]
    else:
        plan = plan_import(uploads, store.raw_tables(), version, merge, choices)
        st.session_state["import_plan"] = (key, plan)
    show_plan(plan, lang)
    if plan.ambiguous:
        choose_places(plan, lang)
    if not plan.ok:
        st.error(t("data.import_blocked", lang, n=len(plan.blocking)))
        return
    if plan.changes == 0:
        st.info(t("data.import_nothing", lang))
        return
    if st.button(t("data.import_apply", lang, n=plan.changes), type="primary", key="import_apply"):
        try:
            counts = store.apply_import(plan, actor)
        except StoreError as exc:
            refused(exc, lang)
            return
        st.session_state["upload_round"] = round_ + 1
        st.session_state.pop("import_plan", None)
        flash("success", t("data.import_done", lang, **counts))
        st.rerun()


def show_plan(plan: ImportPlan, lang: str) -> None:
    st.subheader(t("data.preview", lang))
    rows = [
        {
            t("data.col_table", lang): name,
            t("data.col_file", lang): plan.files.get(name, ""),
            t("data.col_added", lang): len(diff.added),
            t("data.col_changed", lang): len(diff.changed),
            t("data.col_removed", lang): len(diff.removed),
            t("data.col_unchanged", lang): diff.unchanged,
        }
        for name, diff in plan.diffs.items()
    ]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="plan_summary")
    for name, diff in plan.diffs.items():
        if diff.removed and not plan.merge:
            st.warning(
                escape_markdown(t("data.import_removes", lang, n=len(diff.removed), table=name))
            )
        if not diff.empty:
            with st.expander(t("data.diff_of", lang, table=name)):
                st.dataframe(diff_frame(diff), hide_index=True, width="stretch", key=f"diff_{name}")
    st.subheader(t("data.report", lang))
    if plan.problems:
        report(plan.problems, lang, "import_report")
    else:
        st.success(t("data.report_clean", lang))


def choose_places(plan: ImportPlan, lang: str) -> None:
    st.warning(t("data.ambiguous", lang, n=len(plan.ambiguous)))
    for item in plan.ambiguous:
        options = [f"{ags} {label}" for ags, label in item.candidates]
        st.selectbox(
            t("data.ambiguous_choose", lang, name=item.name, line=item.line),
            options,
            index=None,
            key=f"place_{item.line}",
            placeholder=t("data.choose", lang),
        )


# --- editing -------------------------------------------------------------------------


def edit_section(store: Store, view: Network, actor: Actor, lang: str) -> None:
    names = list(TABLES)
    name = url_widget(
        st.selectbox,
        t("data.edit_table", lang),
        names,
        key="edit_table",
        default=names[0],
        label_of=lambda n: t(f"data.table.{n}", lang),
    )
    reload = st.button(t("data.edit_reload", lang), key="edit_reload")
    snapshot = st.session_state.get("edit_snapshot")
    # the editor works on the rows as read: a save names their versions, so a change
    # someone else saved meanwhile is refused instead of overwritten
    version = store.data_version()
    if snapshot is not None and snapshot[2] != version:
        pending = st.session_state.get(f"editor_{snapshot[0]}_{snapshot[1]}") or {}
        reload = reload or not any(
            pending.get(k) for k in ("edited_rows", "added_rows", "deleted_rows")
        )
    if snapshot is None or snapshot[0] != name or reload:
        snapshot = (name, time.time_ns(), version, store.rows(name))
        st.session_state["edit_snapshot"] = snapshot
    _, snap_id, _, rows = snapshot
    rows = rows_in_view(name, rows, view)
    st.caption(t("data.edit_intro", lang, n=len(rows)))
    columns = [c for c in rows.columns if c not in SYSTEM_VIEW]
    shown = rows[columns].reset_index(drop=True)  # positions map back to row ids
    key = f"editor_{name}_{snap_id}"
    config = {
        c: st.column_config.TextColumn(c, help=TABLES[name].column(c).description)
        for c in columns
        if c in TABLES[name].column_names
    }
    st.data_editor(
        shown, key=key, num_rows="dynamic", hide_index=True, width="stretch", column_config=config
    )
    state = st.session_state.get(key) or {}
    edits = edit_set(name, rows, state)
    if st.button(t("data.edit_save", lang), type="primary", disabled=edits.empty, key="edit_save"):
        try:
            counts = store.save_edits(edits, actor)
        except StoreError as exc:
            refused(exc, lang)
            return
        st.session_state.pop("edit_snapshot", None)
        flash("success", t("data.edit_done", lang, **counts))
        st.rerun()


def rows_in_view(name: str, rows: pd.DataFrame, view: Network) -> pd.DataFrame:
    """The filters narrow what is edited: members and projects of the current view."""
    if name in ("municipalities", "projects") and len(rows):
        return rows[rows["id"].isin(set(view.table(name)["id"]))]
    return rows


def edit_set(name: str, rows: pd.DataFrame, state: dict) -> EditSet:
    """The data editor's state (positions in the shown frame) as row ids and versions."""
    edits = EditSet(name)
    ids, versions = rows["_row"].tolist(), rows["_ver"].tolist()
    for position, values in (state.get("edited_rows") or {}).items():
        pos = int(position)
        edits.changed[int(ids[pos])] = (int(versions[pos]), {str(k): v for k, v in values.items()})
    for values in state.get("added_rows") or []:
        if any(v not in (None, "") for v in values.values()):
            edits.added.append({str(k): v for k, v in values.items() if not str(k).startswith("_")})
    for position in state.get("deleted_rows") or []:
        edits.deleted.append((int(ids[int(position)]), int(versions[int(position)])))
    return edits


# --- history -------------------------------------------------------------------------


def history_section(store: Store, actor: Actor, lang: str) -> None:
    changes = store.history(200)
    if changes.empty:
        st.info(t("data.history_empty", lang))
        return
    shown = pd.DataFrame(
        {
            "#": changes["id"],
            t("data.col_when", lang): changes["at"].map(lambda v: fmt_time(v, lang)),
            t("data.col_who", lang): changes["actor"],
            t("data.col_action", lang): changes["action"].map(
                lambda a: t(f"data.action.{a}", lang)
            ),
            t("data.col_table", lang): changes["table_name"].fillna(""),
            t("data.col_key", lang): changes["row_key"].fillna(""),
            t("data.col_what", lang): [
                summarise(b, a) for b, a in zip(changes["before"], changes["after"], strict=True)
            ],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch", key="history_table")
    restorable = changes[changes["row_id"].notna()]
    if restorable.empty:
        return
    labels = {
        int(r.id): f"#{r.id} · {r.table_name} · {r.row_key} · {t(f'data.action.{r.action}', lang)}"
        for r in restorable.itertuples()
    }
    chosen = st.selectbox(
        t("data.restore_choose", lang),
        list(labels),
        format_func=labels.get,
        index=None,
        key="restore_choice",
        placeholder=t("data.choose", lang),
    )
    if chosen is None:
        return
    preview = store.restore_preview(chosen)
    # the version this page showed last: a click restores what the editor saw, and is
    # refused if someone saved the row since (the rerun's own preview would be newer)
    seen = st.session_state.get("restore_seen")
    shown_version = seen[1] if seen and seen[0] == chosen else preview.version
    st.session_state["restore_seen"] = (chosen, preview.version)
    kind = "data.restore_what_insert" if preview.action == "insert" else "data.restore_what"
    what = t(kind, lang, row=preview.row_key, table=preview.table, id=chosen)
    later = [
        f"#{r.id} ({t(f'data.action.{r.action}', lang)}, {r.actor}, {fmt_time(r.at, lang)})"
        for r in preview.later.itertuples()
    ]
    if later:
        more = t("data.restore_later", lang, n=len(later), changes="; ".join(later))
        st.warning(escape_markdown(f"{what} {more}"))
        label = t("data.restore_button_later", lang, n=len(later))
    else:
        st.info(escape_markdown(what))
        label = t("data.restore_button", lang)
    if st.button(label, key="restore_button"):
        try:
            key = store.restore(chosen, actor, shown_version)
        except StoreError as exc:
            refused(exc, lang)
            return
        st.session_state.pop("restore_seen", None)
        flash("success", t("data.restore_done", lang, row=key))
        st.rerun()


def summarise(before, after) -> str:
    """'column: old → new' for the columns a change touched."""
    import json

    old = json.loads(before) if isinstance(before, str) and before else {}
    new = json.loads(after) if isinstance(after, str) and after else {}
    parts = [
        f"{c}: {_cut(old.get(c, ''))} → {_cut(new.get(c, ''))}"
        for c in sorted(set(old) | set(new))
        if old.get(c, "") != new.get(c, "")
    ]
    return "; ".join(parts[:4]) + (" …" if len(parts) > 4 else "")


def _cut(value: str, n: int = 30) -> str:
    value = str(value)
    return value if len(value) <= n else value[: n - 1] + "…"


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
