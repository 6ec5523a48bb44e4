"""Who is editing: the sign-in box of the data page (an editor account with password, or
OIDC through st.login where configured) and the signed-in editor every write names.
The checks themselves (password hashes, attempt limits, who counts as an editor) are
atlas.auth; this module shows them and keeps the result in the session."""

from __future__ import annotations

import math
import os

import streamlit as st

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
from atlas.text import escape_markdown, t
from components.data import secret

ACTOR_KEY = "data_actor"


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
