"""Who may change data: password hashes (standard library only) and role resolution.

A password hash looks like `scrypt$16384$8$1$<salt hex>$<hash hex>` (or
`pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>`). Make one with

    .venv/bin/python -m atlas.auth

and put it in ATLAS_EDITOR_PASSWORD_HASH (environment) or in .streamlit/secrets.toml.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import os
import sys

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


def parse_editors(value) -> frozenset[str]:
    """Editor e-mail addresses from a list or a comma/semicolon-separated string."""
    if not value:
        return frozenset()
    items = (
        value
        if isinstance(value, list | tuple | set | frozenset)
        else str(value).replace(";", ",").split(",")
    )
    return frozenset(str(i).strip().lower() for i in items if str(i).strip())


def role_for(identity: str | None, editors: frozenset[str] = frozenset()) -> str:
    """The role of a signed-in identity. Nobody signed in: viewer. With an editor list, only
    those on it edit; without one, everyone the identity provider lets in edits (the
    provider decides who can sign in at all)."""
    if not identity or not identity.strip():
        return VIEWER
    if editors and identity.strip().lower() not in editors:
        return VIEWER
    return EDITOR


def main() -> None:
    first = getpass.getpass("Passwort für Bearbeiter: ")
    if len(first) < 10:
        sys.exit("Bitte mindestens 10 Zeichen.")
    if getpass.getpass("Noch einmal: ") != first:
        sys.exit("Die Eingaben stimmen nicht überein.")
    print(hash_password(first))


if __name__ == "__main__":
    main()
