"""Loading the network once per data version and day (cached), and the current view.

The data lives in a database (atlas.database, atlas.store): DATABASE_URL (environment or
secrets) for a shared PostgreSQL, else an SQLite file outside the repository (ATLAS_DB_PATH,
default ~/.local/share/netzwerkatlas/atlas.db), seeded on first start from data_dir().
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import replace
from pathlib import Path

import streamlit as st
from starlette.exceptions import HTTPException
from streamlit.runtime import Runtime
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

from atlas.database import DATABASE_LABEL, default_db_path, describe_url, sqlite_url
from atlas.filters import Filters, apply_filters, option_counts
from atlas.network import BUNDLED_DATA_DIR, Network, load_frames
from atlas.problems import problem
from atlas.readers import MAX_FILE_BYTES
from atlas.schema import TABLES
from atlas.source import data_dir
from atlas.store import Store, open_store
from atlas.text import DEFAULT_LANGUAGE, LANGUAGES, t
from components.filter_state import current_filters
from components.memo import shared
from components.page import show_unusable
from components.pages_folder import ensure_frame
from components.url_widgets import url_widget

MEMO_KEY = "_network_memo"
LOG = logging.getLogger("atlas")
# what one session may keep uploaded at once: an import of every table is a few MB
MAX_SESSION_UPLOAD_BYTES = 2 * MAX_FILE_BYTES


def secret(name: str, default=None):
    """A value from .streamlit/secrets.toml; none configured is not an error."""
    try:
        return st.secrets.get(name, default)
    except Exception:  # no secrets file at all
        return default


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip() or str(secret("DATABASE_URL", "") or "")
    if url.strip():
        return url.strip()
    path = os.environ.get("ATLAS_DB_PATH", "").strip()
    folder = data_dir()
    return sqlite_url(path or default_db_path(folder, folder == BUNDLED_DATA_DIR))


def current_store() -> Store:
    return open_store(database_url())


def folder_label(folder, lang: str = DEFAULT_LANGUAGE) -> str:
    """The data folder as every visitor may see it: its name, not the server's path."""
    if folder == BUNDLED_DATA_DIR:
        return t("store.folder_bundled", lang)
    return t("store.folder_named", lang, name=Path(folder).name)


@st.cache_data(show_spinner=False, max_entries=4)
def _cached_network(url: str, version: int, day: str) -> Network:
    return open_store(url).load_network(dt.date.fromisoformat(day))


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_option_counts(url: str, version: int, day: str, field: str, states: tuple) -> list:
    # the options only depend on the loaded network, never on the other filters
    return option_counts(_cached_network(url, version, day), field, states)


def today() -> dt.date:
    return dt.date.today()


def unreachable(url: str, exc: Exception) -> Network:
    """A database that cannot be opened: shown as a report, not a traceback. The banner
    reaches every visitor, so it names no host, user, database or file (a driver's error
    text does); the server's log gets them, with the password masked."""
    LOG.error("Datenbank nicht erreichbar: %s (%s: %s)", describe_url(url), type(exc).__name__, exc)
    found = problem(DATABASE_LABEL, "", None, None, None, "store.unreachable", "fatal")
    network = load_frames({}, {}, DATABASE_LABEL)
    return replace(network, problems=(found, *network.problems))


# the databases this server has checked for tables the app gained after their seed
NEW_TABLES_CHECKED: set[str] = set()


def fill_new_tables(store: Store, url: str) -> bool:
    """Tables the database never had, filled from the data folder (Store.seed_new_tables);
    whether any was. A folder that fails here costs only the new table: the stored data
    is shown as it is, the server's log says why, and the database is not reported as
    unreachable."""
    folder = data_dir()
    try:
        return bool(store.seed_new_tables(folder, folder_label(folder)))
    except Exception as exc:
        LOG.warning(
            "Neue Tabellen aus %s nicht übernommen (%s): %s",
            folder_label(folder),
            describe_url(url),
            f"{type(exc).__name__}: {exc}",
        )
        return False


def data_key(lang: str = DEFAULT_LANGUAGE) -> tuple[str, int, str] | Network:
    """(database, data version, day) for the caches; seeds an empty database first. An
    unusable seed folder or an unreachable database comes back as a Network to report."""
    url = database_url()
    try:
        store = open_store(url)
        seeded, version = store.state()
        if not seeded:
            folder = data_dir()
            # the history names the seed in German, like every recorded name
            unusable = store.seed_from_folder(folder, folder_label(folder))
            if unusable is not None:
                return replace(unusable, label=folder_label(folder, lang))
            seeded, version = store.state()
        elif url not in NEW_TABLES_CHECKED:  # once per server and database
            NEW_TABLES_CHECKED.add(url)
            if fill_new_tables(store, url):
                seeded, version = store.state()
    except Exception as exc:  # connection refused, bad URL, locked file, ...
        return unreachable(url, exc)
    return url, version, today().isoformat()


def filter_options(field: str, states: tuple = ()) -> list[tuple]:
    """(value, number of projects) for a filter widget, computed once per data and day."""
    memo = st.session_state.get(MEMO_KEY)
    key = memo[0] if memo else data_key()
    if isinstance(key, Network):
        return []
    # one copy for every session: st.cache_data hashes its arguments and unpickles its
    # value on every call, which for seven filters costs more than the rest of the sidebar
    return shared(
        f"options_{field}", (key, states), lambda: _cached_option_counts(*key, field, states)
    )


class CappedUploads(MemoryUploadedFileManager):
    """Streamlit's upload store, holding per session at most what one import needs: one
    file per table, MAX_SESSION_UPLOAD_BYTES together. The upload endpoint takes files for
    any session, uploader on screen or not; a file beyond the cap is refused (HTTP 413,
    the answer Streamlit gives a file above server.maxUploadSize), so what one session
    holds never grows past it and nothing it already holds is dropped. The same file id
    again replaces the file, as in Streamlit's store."""

    max_files = len(TABLES)
    max_bytes = MAX_SESSION_UPLOAD_BYTES

    def add_file(self, session_id, file) -> None:
        with self._lock:  # check and add at once: parallel uploads cannot pass together
            kept = self.file_storage[session_id]
            others = [f for key, f in kept.items() if key != file.file_id]
            held = sum(len(f.data) for f in others)
            if len(others) >= self.max_files or held + len(file.data) > self.max_bytes:
                LOG.warning(
                    "Hochladen abgelehnt: Sitzung hält %d Datei(en), %d Bytes (höchstens %d, %d)",
                    len(others),
                    held,
                    self.max_files,
                    self.max_bytes,
                )
                raise HTTPException(status_code=413, detail="Upload limit of this session")
            old = kept.get(file.file_id)
            if old is None:
                self._file_count += 1
            else:
                self._total_bytes -= len(old.data)
            kept[file.file_id] = file
            self._total_bytes += len(file.data)


def limit_uploads() -> None:
    """Put the cap on this server's upload store (once; a test without a server has none)."""
    if not Runtime.exists():
        return
    manager = Runtime.instance().uploaded_file_mgr
    if type(manager) is MemoryUploadedFileManager:
        manager.__class__ = CappedUploads


def load_network(read_version: bool = True) -> Network:
    """The network for this session. st.cache_data hands out a fresh copy on every call
    (unpickling 20,000 projects costs a quarter of a second), so the process keeps one copy
    for all sessions (components.memo.shared: nothing changes a loaded network) and each
    session holds on to it for as long as the data version and the day stay the same. The frame reads
    the version at the start of every run (one small query), so an edit saved anywhere is
    seen at once; the page, later in the same run, passes read_version=False."""
    memo = st.session_state.get(MEMO_KEY)
    if not read_version and memo is not None:
        return memo[1]
    limit_uploads()
    key = data_key(language())
    if isinstance(key, Network):
        st.session_state.pop(MEMO_KEY, None)
        return key
    memo = st.session_state.get(MEMO_KEY)
    if memo is None or memo[0] != key:
        memo = (key, shared("network", key, lambda: _cached_network(*key)))
        st.session_state[MEMO_KEY] = memo
    return memo[1]


LANG_KEY = "lang"  # widget key and URL parameter (?lang=EN)


def language() -> str:
    """ "de" or "en": the switch's value, or the link's before the switch has run."""
    value = st.session_state.get(LANG_KEY) or st.query_params.get(LANG_KEY) or DEFAULT_LANGUAGE
    value = str(value).lower()
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def language_switch() -> str:
    """German by default, English by a switch that lives in the link."""
    url_widget(
        st.sidebar.segmented_control,
        t("language.switch", language()),  # the same in both: found in either language
        [code.upper() for code in LANGUAGES],
        key=LANG_KEY,
        default=DEFAULT_LANGUAGE.upper(),
    )
    return language()


def current_view() -> tuple[Network, Network, Filters]:
    """(whole network, filtered network, filters). Filtering stays out of st.cache_data
    (every filter combination would be a cache entry); the shared cache keeps the recent
    ones for every session (a room looking at the same region filters once)."""
    ensure_frame()  # every page gets here first: see components.pages_folder
    network = load_network(read_version=False)  # app.py read it at the start of this run
    if not network.usable:  # also guards a page run on its own, without the frame
        show_unusable(network, language())
        st.stop()
    filters = current_filters()
    return network, filtered(network, filters), filters


def filtered(network: Network, filters: Filters) -> Network:
    """The network reduced to `filters`, once per data version and filters for every
    session (the pages' view and the sidebar's counts under the other filters)."""
    memo = st.session_state.get(MEMO_KEY)
    data = memo[0] if memo else None
    return shared("view", (data, filters), lambda: apply_filters(network, filters))


def view_inputs() -> tuple:
    """What a page's content is computed from: the data (database, version, day), the
    filters and the language. Equal inputs give equal summaries and figures."""
    memo = st.session_state.get(MEMO_KEY)
    return (memo[0] if memo else None, current_filters(), language())
