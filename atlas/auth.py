"""Who may change data: named editor accounts with password hashes (standard library
only), a limit on sign-in attempts, which OIDC identities are editors, and the check every
write in atlas.store makes (`require_editor`).

A password hash looks like `scrypt$16384$8$1$<salt hex>$<hash hex>` (or
`pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>`). Make one with

    .venv/bin/python -m atlas.auth

Each editor has an account: a name (it is what the history records) and a hash, in
ATLAS_EDITORS_PASSWORDS ("Name=scrypt$…; Other Name=scrypt$…") or the secrets table
[editor_passwords]. The older single ATLAS_EDITOR_PASSWORD_HASH counts only together with
ATLAS_EDITOR_NAME, as one account of that name.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from atlas.database import StoreError

EDITOR, VIEWER = "editor", "viewer"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str | None) -> bool:
    """True only for the right password; a missing or malformed hash never matches."""
    if not password or not stored:
        return False
    parts = stored.strip().split("$")
    try:
        if parts[0] == "scrypt" and len(parts) == 6:
            n, r, p = (int(x) for x in parts[1:4])
            salt, expected = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
            digest = hashlib.scrypt(
                password.encode(), salt=salt, n=n, r=r, p=p, dklen=len(expected), maxmem=2**26
            )
        elif parts[0] == "pbkdf2_sha256" and len(parts) == 4:
            iterations = int(parts[1])
            salt, expected = bytes.fromhex(parts[2]), bytes.fromhex(parts[3])
            digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
        else:
            return False
    except (ValueError, OverflowError):
        return False
    return hmac.compare_digest(digest, expected)


def parse_accounts(value) -> dict[str, str]:
    """Editor accounts {name: hash} from a secrets table ({name: hash}) or a text
    "Name=hash; Name=hash" (semicolons or new lines between accounts; a hash holds neither
    "=" nor ";"). Entries without a name or a hash are left out."""
    if not value:
        return {}
    if isinstance(value, Mapping):
        pairs = [(str(k), str(v)) for k, v in value.items()]
    else:
        entries = str(value).replace("\n", ";").split(";")
        pairs = [entry.rpartition("=")[::2] for entry in entries if "=" in entry]
    accounts = {}
    for name, stored in pairs:
        name, stored = " ".join(name.split()), stored.strip()
        if name and stored:
            accounts[name] = stored
    return accounts


def editor_accounts(accounts, legacy_hash: str = "", legacy_name: str = "") -> dict[str, str]:
    """The accounts configured, plus the older single hash if it has been given a name
    (a shared password without a name would put nobody's name in the history)."""
    result = parse_accounts(accounts)
    name = " ".join(str(legacy_name or "").split())
    if legacy_hash and legacy_hash.strip() and name:
        result.setdefault(name, legacy_hash.strip())
    return result


# a hash to check unknown names against, so a wrong name costs as long as a wrong password
_DUMMY_HASH = "scrypt$16384$8$1$" + "00" * 16 + "$" + "00" * 32


def verify_account(accounts: Mapping[str, str], name: str, password: str) -> str | None:
    """The account's own name when name (any case and spacing) and password match, else
    None. Unknown names are checked against a dummy hash: the answer takes as long."""
    wanted = " ".join(str(name or "").split()).casefold()
    match = next((n for n in accounts if n.casefold() == wanted), None) if wanted else None
    ok = check_password(password, accounts[match] if match else _DUMMY_HASH)
    return match if ok and match else None


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0


@dataclass
class SignInThrottle:
    """Sign-in attempts, limited per client address and per process. After `free`
    failures from one address, each further attempt must wait `base` seconds, doubling
    with every failure up to `cap`; the same holds for the whole process after
    `process_free` failures (many addresses guessing together). A success clears its
    address; `forget` seconds without a failure clear the rest."""

    free: int = 3
    process_free: int = 20
    base: float = 2.0
    cap: float = 300.0
    forget: float = 3600.0
    clock: Callable[[], float] = time.monotonic
    _clients: dict[str, _Failures] = field(default_factory=dict)
    _process: _Failures = field(default_factory=_Failures)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _delay(self, failures: _Failures, free: int, now: float) -> float:
        if failures.count < free:
            return 0.0
        wait = min(self.cap, self.base * 2 ** (failures.count - free))
        return max(0.0, failures.last + wait - now)

    def wait(self, client: str) -> float:
        """Seconds until `client` may try again (0: now)."""
        now = self.clock()
        with self._lock:
            self._expire(now)
            mine = self._clients.get(client, _Failures())
            return max(
                self._delay(mine, self.free, now),
                self._delay(self._process, self.process_free, now),
            )

    def failed(self, client: str) -> int:
        """Record a failure; returns the client's number of failures."""
        now = self.clock()
        with self._lock:
            mine = self._clients.setdefault(client, _Failures())
            mine.count, mine.last = mine.count + 1, now
            self._process.count, self._process.last = self._process.count + 1, now
            return mine.count

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)

    def reset(self) -> None:
        with self._lock:
            self._clients.clear()
            self._process = _Failures()

    def _expire(self, now: float) -> None:
        for client in [c for c, f in self._clients.items() if now - f.last > self.forget]:
            del self._clients[client]
        if now - self._process.last > self.forget:
            self._process = _Failures()


THROTTLE = SignInThrottle()  # one per server process
LOG = logging.getLogger("atlas.auth")


def log_failure(name: str, client: str, failures: int) -> None:
    """A failed sign-in in the server's log: the name tried (quoted, cut short) and the
    address, never the password."""
    LOG.warning(
        "Anmeldung fehlgeschlagen: Name %r von %s (%d. Fehlversuch dieser Adresse)",
        str(name)[:80],
        client,
        failures,
    )


def parse_editors(value) -> frozenset[str]:
    """Who may edit after an OIDC sign-in, from a list or a comma/semicolon-separated
    string: e-mail addresses (compared in lower case) and `sub:<subject>` entries (the
    provider's stable user id, compared exactly)."""
    if not value:
        return frozenset()
    items = (
        value
        if isinstance(value, list | tuple | set | frozenset)
        else str(value).replace(";", ",").split(",")
    )
    entries = (str(i).strip() for i in items)
    return frozenset(e if e.startswith("sub:") else e.lower() for e in entries if e)


def _verified(value) -> bool:
    # JSON true; some providers send the text "true"
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def oidc_identity(claims: Mapping, editors: frozenset[str]) -> str | None:
    """The editor an OIDC sign-in is, or None. Only an e-mail address the provider has
    verified (`email_verified`) or the `sub` claim counts, and only if ATLAS_EDITORS names
    it; a display name never does (anyone can choose one). Without ATLAS_EDITORS nobody
    edits."""
    if not editors or not claims.get("is_logged_in", True):
        return None
    email = str(claims.get("email") or "").strip()
    if email and _verified(claims.get("email_verified")) and email.lower() in editors:
        return email.lower()
    subject = str(claims.get("sub") or "").strip()
    if subject and f"sub:{subject}" in editors:
        return f"sub:{subject}"
    return None


def role_for(identity: str | None, editors: frozenset[str] = frozenset()) -> str:
    """The role of an identity: editor only if the editor list names it (no list, no
    editors)."""
    if not identity or not identity.strip() or not editors:
        return VIEWER
    wanted = identity.strip()
    return (
        EDITOR if (wanted if wanted.startswith("sub:") else wanted.lower()) in editors else VIEWER
    )


@dataclass(frozen=True)
class Actor:
    """Who writes: a display name and a role ("editor" may write, "viewer" may not)."""

    name: str
    role: str = VIEWER


class NotAllowed(StoreError, PermissionError):
    """A write by someone who is not a signed-in editor."""


def require_editor(actor: Actor | None) -> Actor:
    """The actor, if it may write; else NotAllowed (every write path of the store asks)."""
    if actor is None or actor.role != EDITOR or not actor.name.strip():
        raise NotAllowed("store.not_allowed")
    return actor


def main() -> None:
    first = getpass.getpass("Passwort für Bearbeiter: ")
    if len(first) < 10:
        sys.exit("Bitte mindestens 10 Zeichen.")
    if getpass.getpass("Noch einmal: ") != first:
        sys.exit("Die Eingaben stimmen nicht überein.")
    name = input("Name des Kontos (erscheint im Verlauf, leer lassen für nur den Hash): ").strip()
    print(f"{name}={hash_password(first)}" if name else hash_password(first))


if __name__ == "__main__":
    main()
