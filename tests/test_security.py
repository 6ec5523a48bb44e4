"""Security: no connection detail reaches a visitor, editors see it masked by a parser;
sign-in is limited and logged and records the account's name; OIDC edits only with a
verified e-mail or a configured subject; uploads are capped."""

from __future__ import annotations

import contextlib
import functools
import logging

import pytest

from atlas.auth import (
    SignInThrottle,
    editor_accounts,
    hash_password,
    oidc_identity,
    parse_accounts,
    parse_editors,
    verify_account,
)
from atlas.database import describe_url
from tests.apptest import run_app
from tests.helpers import OIDC_SECRETS
from tests.test_app_data import PASSWORD, button, plain, section, sign_in

# --- connection details -------------------------------------------------------------------

URLS = [
    # (url, what must never show, what an editor may see)
    ("postgresql://atlas:ge/heim@db.example.org/netz", ["ge/heim", "heim"], "db.example.org/netz"),
    ("postgresql://atlas@db.example.org/netz?password=geheim", ["geheim"], "db.example.org/netz"),
    ("postgresql://:pw-geheim@db.example.org/netz", ["pw-geheim"], "db.example.org/netz"),
    ("postgresql://atlas:p@ss@db.example.org/netz", ["p@ss", "ss@"], "atlas:***@db.example.org"),
    ("postgresql://atlas:ge:h@im@db.example.org:5433/netz", ["ge:h", "im@"], "db.example.org:5433"),
    ("postgresql://atlas:p%40ss@db.example.org/netz", ["p%40ss", "p@ss"], "db.example.org/netz"),
    ("postgres://a:b@h/d?sslmode=require&sslpassword=zz", ["zz", ":b@"], "sslmode=require"),
]


@pytest.mark.parametrize(("url", "secrets", "shown"), URLS)
def test_editors_see_the_database_masked_by_a_parser(url, secrets, shown):
    described = describe_url(url)
    assert shown in described
    assert "***" in described
    for secret in secrets:
        assert secret not in described


def test_an_unreadable_url_is_not_repeated():
    assert "geheim" not in describe_url("::geheim::")


def texts(at) -> str:
    """Everything the page shows as text, tables included."""
    parts = [
        e.value
        for kind in ("markdown", "caption", "error", "warning", "info", "success")
        for e in getattr(at, kind)
    ]
    parts += [d.value.to_string() for d in at.dataframe]
    parts += [m.label + m.value for m in at.metric]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize(
    ("lang", "banner", "report", "other_language"),
    [
        ("DE", "Die Daten in Datenbank konnten", "Datenbank nicht erreichbar", "database"),
        ("EN", "The data in database could", "Database not reachable", "Datenbank"),
    ],
)
def test_unreachable_banner_names_no_connection_detail(
    monkeypatch, lang, banner, report, other_language
):
    url = "postgresql://atlas:ge/heim@127.0.0.1:1/geheimdb?password=zweites"
    monkeypatch.setenv("DATABASE_URL", url)
    at = run_app(monkeypatch, params={"lang": lang})
    assert not at.exception
    assert banner in plain(at.error[0].value)
    shown = plain(texts(at))
    assert report in shown
    assert other_language not in shown  # the data layer speaks the interface language
    for detail in ("atlas", "heim", "127.0.0.1", "geheimdb", "zweites", "postgresql"):
        assert detail not in shown, detail


def test_anonymous_visitors_see_no_storage_editors_see_it(monkeypatch, tmp_path):
    from components.data import database_url
    from tests.helpers import write_folder

    monkeypatch.setenv("ATLAS_EDITORS_PASSWORDS", f"Anna Beispiel={hash_password(PASSWORD)}")
    folder = write_folder(tmp_path)
    path = database_url().split("///", 1)[1]
    at = run_app(monkeypatch, folder, page="data")
    shown = plain(texts(at))
    assert "Datenstand Nr." in shown
    assert path not in shown and "SQLite" not in shown and "Gespeichert in" not in shown
    overview = run_app(monkeypatch, folder)  # the source line names no file either
    assert path not in plain(texts(overview)) and str(tmp_path) not in plain(texts(overview))
    sign_in(at)
    assert f"Gespeichert in: SQLite {path}" in plain(texts(at))


# --- editor accounts and sign-in limits ---------------------------------------------------


def test_accounts_from_text_and_from_a_secrets_table():
    first, second = hash_password("erstes-passwort"), hash_password("zweites-passwort")
    text = f" Anna  Beispiel = {first} ;\nBen={second};kaputt;=ohne-name;leer="
    assert parse_accounts(text) == {"Anna Beispiel": first, "Ben": second}
    assert parse_accounts({"Anna Beispiel": first}) == {"Anna Beispiel": first}
    assert parse_accounts("") == {} and parse_accounts(None) == {}


def test_the_old_single_hash_counts_only_with_a_name():
    stored = hash_password("altes-passwort")
    assert editor_accounts({}, stored, "") == {}
    assert editor_accounts({}, stored, " Redaktion ") == {"Redaktion": stored}
    assert verify_account(editor_accounts({}, stored, "Redaktion"), "redaktion", "altes-passwort")


def test_a_password_opens_only_its_own_account():
    accounts = {"Anna": hash_password("annas-passwort"), "Ben": hash_password("bens-passwort")}
    assert verify_account(accounts, "anna", "annas-passwort") == "Anna"  # her account's name
    assert verify_account(accounts, "Ben", "annas-passwort") is None
    assert verify_account(accounts, "Carla", "annas-passwort") is None
    assert verify_account(accounts, "", "annas-passwort") is None


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_failures_make_one_address_wait_longer_and_longer():
    clock = Clock()
    limits = SignInThrottle(free=3, process_free=100, base=2, cap=60, clock=clock)
    for _ in range(3):
        assert limits.wait("10.0.0.1") == 0
        limits.failed("10.0.0.1")
    waits = []
    for _ in range(6):
        waits.append(limits.wait("10.0.0.1"))
        clock.now += waits[-1]
        limits.failed("10.0.0.1")
    assert waits == [2, 4, 8, 16, 32, 60]  # doubling, up to the cap
    assert limits.wait("10.0.0.2") == 0  # another address is not held up
    limits.succeeded("10.0.0.1")
    assert limits.wait("10.0.0.1") == 0


def test_many_addresses_together_slow_the_whole_process():
    clock = Clock()
    limits = SignInThrottle(free=3, process_free=10, base=1, cap=300, clock=clock)
    for n in range(12):  # 12 addresses, one guess each: none reaches its own limit
        limits.failed(f"10.0.0.{n}")
    assert limits.wait("10.0.0.200") > 0
    clock.now += 3600 + 1  # an hour without failures is forgotten
    assert limits.wait("10.0.0.200") == 0


@pytest.fixture()
def editor_env(monkeypatch):
    monkeypatch.setenv("ATLAS_EDITORS_PASSWORDS", f"Anna Beispiel={hash_password(PASSWORD)}")


def test_sign_in_is_refused_after_repeated_failures_and_logged(monkeypatch, editor_env, caplog):
    from atlas.auth import THROTTLE

    clock = Clock()  # time stands still: the test does not depend on how fast it runs
    monkeypatch.setattr(THROTTLE, "clock", clock)
    at = run_app(monkeypatch, page="data")
    with caplog.at_level(logging.WARNING, logger="atlas.auth"):
        for attempt in range(3):
            sign_in(at, password=f"falsch-{attempt}")
            assert "Name oder Passwort falsch" in plain(at.error[0].value)
    logged = [r.getMessage() for r in caplog.records if r.name == "atlas.auth"]
    assert len(logged) == 3
    assert all("falsch-" not in line for line in logged)  # never the password
    assert "Anna Beispiel" in logged[0]
    sign_in(at)  # the right password, too soon: not even checked
    assert "Zu viele Fehlversuche" in plain(at.error[0].value)
    assert at.button_group(key="section").options == ["Export & Vorlagen", "Vollständigkeit"]
    clock.now += 2  # after the wait, the right password works again
    sign_in(at)
    assert "Import" in at.button_group(key="section").options


def test_history_records_the_account_not_what_was_typed(monkeypatch, editor_env):
    from atlas.store import open_store
    from components.data import database_url

    at = sign_in(run_app(monkeypatch, page="data"), name="  anna   BEISPIEL ")
    section(at, "import")
    at.toggle(key="import_merge").set_value(True).run()
    data = b"id,name,programme,municipality_ids\nneu1,Neu,MPSC,lemgo\n"
    at.file_uploader[0].set_value([("projects.csv", data, "text/csv")]).run()
    button(at, "Übernehmen").click().run()
    assert not at.exception
    assert open_store(database_url()).history(1)["actor"].iloc[0] == "Anna Beispiel"


def test_an_unnamed_old_hash_says_how_to_fix_it(monkeypatch):
    monkeypatch.delenv("ATLAS_EDITORS_PASSWORDS", raising=False)
    monkeypatch.setenv("ATLAS_EDITOR_PASSWORD_HASH", hash_password(PASSWORD))
    at = run_app(monkeypatch, page="data")
    assert "ATLAS_EDITOR_NAME" in plain(at.info[0].value)
    assert not any(w.key == "login_password" for w in at.text_input)
    monkeypatch.setenv("ATLAS_EDITOR_NAME", "Redaktion")
    at = sign_in(run_app(monkeypatch, page="data"), name="Redaktion")
    assert "Import" in at.button_group(key="section").options


# --- OIDC -----------------------------------------------------------------------------------

EDITORS = parse_editors("anna@example.org, sub:8f2c-Kc")


@pytest.mark.parametrize(
    ("claims", "identity"),
    [
        ({"email": "Anna@Example.org", "email_verified": True}, "anna@example.org"),
        ({"email": "anna@example.org", "email_verified": "true"}, "anna@example.org"),
        ({"email": "anna@example.org", "email_verified": False}, None),
        ({"email": "anna@example.org"}, None),  # not said to be verified: not verified
        ({"name": "anna@example.org"}, None),  # a display name is chosen by its owner
        ({"email": "ben@example.org", "email_verified": True}, None),
        ({"email": "x@example.org", "email_verified": False, "sub": "8f2c-Kc"}, "sub:8f2c-Kc"),
        ({"sub": "8f2c-kc"}, None),  # subjects are compared exactly
        ({"is_logged_in": False, "email": "anna@example.org", "email_verified": True}, None),
    ],
)
def test_oidc_edits_only_with_a_verified_address_or_a_configured_subject(claims, identity):
    assert oidc_identity(claims, EDITORS) == identity


def test_oidc_without_an_editor_list_nobody_edits():
    claims = {"email": "anna@example.org", "email_verified": True}
    assert oidc_identity(claims, frozenset()) is None


def oidc_app(monkeypatch, user: dict, editors: str | None):
    import streamlit.testing.v1.app_test as app_test_module
    from streamlit.testing.v1 import AppTest

    from tests.apptest import APP, ServerPagesManager

    monkeypatch.setattr(app_test_module, "PagesManager", ServerPagesManager)
    monkeypatch.delenv("ATLAS_EDITORS", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = dict(OIDC_SECRETS)
    if editors is not None:
        at.secrets["ATLAS_EDITORS"] = editors
    at.user = user
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    return at


@pytest.mark.parametrize(
    ("user", "editors", "words", "may_edit"),
    [
        ({"email": "anna@example.org", "email_verified": True}, None, "ATLAS_EDITORS", False),
        (
            {"email": "anna@example.org", "email_verified": False},
            "anna@example.org",
            "nicht bestätigt",
            False,
        ),
        ({"name": "anna@example.org"}, "anna@example.org", "nicht als Bearbeiter", False),
        (
            {"email": "anna@example.org", "email_verified": True},
            "anna@example.org",
            "Angemeldet als",
            True,
        ),
    ],
)
def test_oidc_page_says_who_may_edit(monkeypatch, user, editors, words, may_edit):
    at = oidc_app(monkeypatch, {"is_logged_in": True, **user}, editors)
    assert words in plain(texts(at))
    assert ("Import" in at.button_group(key="section").options) is may_edit


# --- uploads ---------------------------------------------------------------------------------


def test_the_server_refuses_uploads_above_the_apps_own_limit():
    import tomllib

    from atlas.readers import MAX_FILE_BYTES
    from tests.apptest import ROOT

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_FILE_BYTES
    # and Streamlit's table download (formulas unprotected) is off
    assert config["client"]["disableDataExport"] is True


def test_a_session_holds_at_most_what_one_import_needs():
    from starlette.exceptions import HTTPException
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec

    from atlas.schema import TABLES
    from components.data import MAX_SESSION_UPLOAD_BYTES, CappedUploads

    uploads = CappedUploads("/_stcore/upload_file")
    for n in range(len(TABLES)):
        uploads.add_file("a", UploadedFileRec(f"f{n}", f"{n}.csv", "text/csv", b"x" * 10))
    with pytest.raises(HTTPException) as refused:
        uploads.add_file("a", UploadedFileRec("one-more", "x.csv", "text/csv", b"x"))
    assert refused.value.status_code == 413
    uploads.add_file("a", UploadedFileRec("f0", "0.csv", "text/csv", b"new"))  # replaced
    uploads.add_file("b", UploadedFileRec("other", "b.csv", "text/csv", b"y"))
    assert list(uploads.file_storage["a"]) == [f"f{n}" for n in range(len(TABLES))]
    assert uploads.file_storage["a"]["f0"].data == b"new"
    assert "other" in uploads.file_storage["b"]  # another session has its own allowance

    half = MAX_SESSION_UPLOAD_BYTES // 2 + 1
    uploads.add_file("c", UploadedFileRec("big1", "big1.xlsx", "x", b"z" * half))
    with pytest.raises(HTTPException):
        uploads.add_file("c", UploadedFileRec("big2", "big2.xlsx", "x", b"z" * half))
    assert list(uploads.file_storage["c"]) == ["big1"]  # nothing already held is dropped
    stats = sum(len(f.data) for s in uploads.file_storage.values() for f in s.values())
    assert uploads._total_bytes == stats  # the manager's own figures stay right
    assert uploads._file_count == len(TABLES) + 2


@contextlib.contextmanager
def _browser_session(url: str):
    """What a browser holds after opening the app: the XSRF cookie (set by any page of the
    server) and an open websocket session, once the first run of the app is over. Yields
    (session id the server gave it, XSRF token)."""
    import urllib.request
    from http.cookiejar import CookieJar

    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{url}/_stcore/health", timeout=10).read()
    token = next(c.value for c in jar if c.name == "_streamlit_xsrf")
    with connect(
        url.replace("http://", "ws://") + "/_stcore/stream",
        subprotocols=["streamlit", token],  # Streamlit passes the XSRF token this way
        additional_headers={"Origin": url, "Cookie": f"_streamlit_xsrf={token}"},
        open_timeout=30,
    ) as socket:
        run = BackMsg()
        run.rerun_script.query_string = ""
        socket.send(run.SerializeToString())
        session = ""
        while True:
            message = ForwardMsg()
            message.ParseFromString(socket.recv(timeout=120))
            kind = message.WhichOneof("type")
            if kind == "new_session":
                session = message.new_session.initialize.session_id
            if kind == "script_finished" and session:
                break
        yield session, token


def _put_file(url: str, session: str, token: str, file_id: str, data: bytes) -> int:
    """The request the file uploader sends: a multipart PUT with the XSRF header."""
    import requests

    response = requests.put(
        f"{url}/_stcore/upload_file/{session}/{file_id}",
        files={"file": (f"{file_id}.csv", data, "text/csv")},
        headers={"X-Xsrftoken": token},
        cookies={"_streamlit_xsrf": token},
        timeout=120,
    )
    return response.status_code


def test_the_served_app_refuses_uploads_beyond_its_limits(server):
    """On the process's served app (tests/conftest.py): refused uploads change no data."""
    import urllib.request

    from atlas.readers import MAX_FILE_BYTES
    from atlas.schema import TABLES

    logged = len(server.log.read_text())
    with _browser_session(server.url) as (session, token):
        put = functools.partial(_put_file, server.url, session, token)
        assert put("probe", b"id\n") == 204  # the protocol is right: a small file is taken
        assert put("huge", b"x" * (MAX_FILE_BYTES + 1)) == 413  # server.maxUploadSize
        assert _put_file(server.url, session, "", "no-token", b"id\n") == 403  # XSRF
        assert _put_file(server.url, "no-such-session", token, "x", b"id\n") == 400
        statuses = [put(f"file{n}", b"id\n") for n in range(len(TABLES) + 2)]
        # the probe plus one file per table fill the session's allowance; more are refused
        assert statuses == [204] * (len(TABLES) - 1) + [413] * 3
        assert put("probe", b"id,name\n") == 204  # replacing a file it holds still works
        with _browser_session(server.url) as (other, _):  # another visitor's allowance
            assert _put_file(server.url, other, token, "theirs", b"id\n") == 204
    with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=10) as answer:
        assert answer.status == 200  # and the server keeps answering
    assert "Hochladen abgelehnt" in server.log.read_text()[logged:]


# --- links ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "https://evil.example/login",
        "HTTP://evil.example",
        "www.evil.example",
        "WWW.Evil.example",
        "evil@example.org",
        "xmpp:evil@example.org",
        "Kreis https://evil.example/x, Lippe",
    ],
)
def test_escaped_text_holds_no_address_a_markdown_renderer_would_link(text):
    import re

    from atlas.text import escape_markdown

    escaped = escape_markdown(text)
    plain_text = escaped.replace("\\", "")  # what the reader sees, escapes resolved
    # remark-gfm's literal autolinks: scheme://, www., local@domain
    assert not re.search(r"(?i)(https?://|\bwww\.|[-.\w+]+@[-\w]+\.)", plain_text)
    assert plain_text.replace("\u2060", "") == text  # reads and prints as it was


@pytest.mark.parametrize(
    ("lang", "named"),
    [
        ("DE", "Die Daten in Datenordner „netz“ konnten nicht geladen werden"),
        ("EN", "The data in data folder “netz” could not be loaded"),
    ],
)
def test_an_unusable_data_folder_is_named_without_the_servers_path(
    monkeypatch, tmp_path, lang, named
):
    from tests.helpers import write_folder

    (tmp_path / "netz").mkdir()
    folder = write_folder(tmp_path / "netz", municipalities=None)  # a required file missing
    at = run_app(monkeypatch, folder, params={"lang": lang})
    assert not at.exception
    shown = plain(texts(at))
    assert named in shown
    assert str(tmp_path) not in shown
