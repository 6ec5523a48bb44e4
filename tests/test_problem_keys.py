"""Every message the readers and the importer give is a text key with German and English
texts (atlas.text_problems), so the English interface shows English: no Problem is built
there from a literal, and every key they name exists in both languages."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from atlas.importer import (
    Upload,
    cell_problems,
    place_municipalities,
    plan_import,
    read_uploads,
)
from atlas.readers import read_folder
from atlas.text import TEXTS
from tests.helpers import MUNIS, PROJECTS, write_folder, xlsx

ATLAS = Path(__file__).resolve().parent.parent / "atlas"
# the modules that read files and plan imports
MODULES = [
    "readers",
    "read_limits",
    "headers",
    "read_csv",
    "read_xlsx",
    "importer",
    "uploads",
    "places",
    "diff",
]
KEY = re.compile(r"(read|import|place|outcome)\.[a-z_]+(\.[a-z_]+)*")


def calls(module: str) -> list[ast.Call]:
    return [node for node in ast.walk(tree(module)) if isinstance(node, ast.Call)]


def called_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


@pytest.mark.parametrize("module", MODULES)
def test_no_problem_is_built_from_a_literal(module):
    """Problem(...) takes its text as it is; problem(...) takes a key and both languages."""
    direct = [c.lineno for c in calls(module) if called_name(c) == "Problem"]
    assert direct == [], f"atlas/{module}.py builds Problem(...) without a key at lines {direct}"


def tree(module: str) -> ast.Module:
    return ast.parse((ATLAS / f"{module}.py").read_text(encoding="utf-8"))


@pytest.mark.parametrize("module", MODULES)
def test_every_key_a_module_names_has_both_languages(module):
    """Every text that looks like a key ("read.empty", also one put together from a
    prefix such as f"place.filled.{how}") is in both languages."""
    nodes = list(ast.walk(tree(module)))
    keys = {
        n.value
        for n in nodes
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and KEY.fullmatch(n.value)
    }
    prefixes = {
        n.values[0].value
        for n in nodes
        if isinstance(n, ast.JoinedStr)
        and isinstance(n.values[0], ast.Constant)
        and KEY.match(n.values[0].value)
    }
    assert keys or module in ("diff", "importer"), f"no keys found in atlas/{module}.py"
    for lang in ("de", "en"):
        missing = sorted(k for k in keys if k not in TEXTS[lang])
        assert missing == [], f"{module}: {missing} missing in {lang}"
        for prefix in prefixes:
            assert any(k.startswith(prefix) for k in TEXTS[lang]), (module, prefix, lang)


HEADER = "id,name,programme,municipality_ids\n"
# (case, uploaded files): each gives file-level messages that were German literals once
UPLOADS = [
    ("no file", []),
    ("unknown table", [("notizen.csv", b"a,b\n1,2\n")]),
    ("old Excel", [("projects.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)]),
    (
        "table twice",
        [("projects.csv", (HEADER + "p1,A,MPSC,lemgo\n").encode())] * 2,
    ),
    ("text too long", [("projects.csv", (HEADER + f"p1,{'x' * 6000},MPSC,lemgo\n").encode())]),
    ("no sheet recognised", [("book.xlsx", xlsx(Notizen=pd.DataFrame({"a": [1]})))]),
    (
        "sheet unknown, sheet missing",
        [
            (
                "book.xlsx",
                xlsx(
                    projects=pd.read_csv(io.StringIO(PROJECTS), dtype=str),
                    Notizen=pd.DataFrame({"a": [1]}),
                ),
            )
        ],
    ),
]


@pytest.mark.parametrize(("case", "files"), UPLOADS, ids=[u[0] for u in UPLOADS])
def test_upload_messages_read_in_english(case, files):
    uploads = [Upload(name, data) for name, data in files]
    frames, names, problems = read_uploads(uploads)
    problems += [p for t, f in frames.items() for p in cell_problems(t, f, names[t])]
    if not uploads:  # the plan says so; the rest of its report is the network's
        problems = [p for p in plan_import(uploads, {}).problems if p.file == ""]
    assert problems, case
    for p in problems:
        assert p.key, (case, p.expected)
        assert p.message("de") == p.expected
        assert p.message("en") != p.message("de"), (case, p.key)


def test_placing_messages_read_in_english():
    munis = pd.read_csv(io.StringIO(MUNIS), dtype=str, keep_default_na=False)
    munis.loc[0, ["lat", "lon"]] = ""  # Lemgo: found by its AGS
    munis.loc[1, ["lat", "lon", "ags"]] = ""  # Kalletal: found by its name
    munis.loc[2, ["lat", "lon", "ags", "name"]] = ["", "", "", "Atlantis"]  # not found
    _, notes, _ = place_municipalities(munis, "municipalities.csv")
    assert [n.key for n in notes] == ["place.filled.ags", "place.filled.name", "place.not_found"]
    assert notes[0].message("en").startswith("Coordinates filled in by municipality key")
    assert "05766040" in notes[0].message("en")
    assert "Gemeindeschlüssel" in notes[0].message("de")


def test_a_missing_folder_is_named_in_english(tmp_path):
    _, _, problems = read_folder(tmp_path / "nowhere")
    (problem,) = problems
    assert problem.message("en") == "Data folder not found"
    assert problem.expected == "Datenordner nicht gefunden"


def test_every_folder_message_has_a_key(tmp_path):
    """A folder with many kinds of trouble: every message from reading it has a key."""
    projects = PROJECTS.replace("HI 2030", "HI, 2030") + "\u202eevil,x,MPSC,lemgo\n"
    folder = write_folder(tmp_path, projects="Projektliste 2024\n" + projects)
    _, _, problems = read_folder(folder)
    assert {p.key for p in problems} >= {"read.title_rows", "read.extra_fields"}
    assert all(p.key for p in problems)
