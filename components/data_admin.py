"""The data page's pieces for signed-in editors: where the data is stored, import preview,
data editor, history and restore. Domain logic lives in atlas.store, atlas.changes and
atlas.importer; these functions only show it and pass the user's decisions on. Sign-in is
components.sign_in, exports and coverage (for everyone) components.data_export; their
names are importable from here as before."""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from atlas.auth import (
    Actor,
)
from atlas.changes import EditSet, ValidationError
from atlas.database import StoreError, describe_url
from atlas.importer import ImportPlan, Upload, diff_frame, plan_import
from atlas.network import Network
from atlas.readers import MAX_FILE_BYTES
from atlas.schema import TABLES
from atlas.store import Store
from atlas.text import escape_markdown, t
from components.data_export import coverage_section, export_section, fmt_time
from components.page import show_report
from components.sign_in import ACTOR_KEY, current_actor, sign_in
from components.url_widgets import url_widget

# the page and other pieces import these from here
__all__ = [
    "ACTOR_KEY",
    "coverage_section",
    "current_actor",
    "edit_section",
    "edit_set",
    "export_section",
    "history_section",
    "import_section",
    "show_flash",
    "sign_in",
    "storage_note",
]

FLASH_KEY = "data_flash"
SYSTEM_VIEW = ["_row", "_ver", "_at", "_by", "_pos"]


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
                st.dataframe(
                    diff_frame(diff, lang), hide_index=True, width="stretch", key=f"diff_{name}"
                )
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
            placeholder=t("widget.choose", lang),
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
        placeholder=t("widget.choose", lang),
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
