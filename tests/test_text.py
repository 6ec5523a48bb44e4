"""Texts exist in both languages; numbers and dates read as people expect."""

from __future__ import annotations

import pytest

from atlas import fmt
from atlas.text import TEXTS, escape_markdown, join_words, t


def test_every_key_exists_in_every_language():
    de, en = set(TEXTS["de"]), set(TEXTS["en"])
    assert de - en == set(), f"missing in English: {sorted(de - en)}"
    assert en - de == set(), f"missing in German: {sorted(en - de)}"


def test_placeholders_match_between_languages():
    import string

    def fields(text):
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    mismatched = [k for k in TEXTS["de"] if fields(TEXTS["de"][k]) != fields(TEXTS["en"][k])]
    assert mismatched == []


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (1234567, "de", "1.234.567 €"),
        (1234567, "en", "€1,234,567"),
        (None, "de", "–"),
        (float("nan"), "de", "–"),
    ],
)
def test_euro(value, lang, text):
    assert fmt.euro(value, lang) == text


@pytest.mark.parametrize(
    ("iso", "lang", "text"),
    [
        ("2022-06-09", "de", "09.06.2022"),
        ("2022-11", "de", "11.2022"),
        ("2027", "de", "2027"),
        ("2022-06-09", "en", "2022-06-09"),
        (None, "de", "–"),
    ],
)
def test_date(iso, lang, text):
    assert fmt.date(iso, lang) == text


def test_millions_and_numbers():
    assert fmt.euro_millions(412_345_678, "de") == "412,3 Mio. €"
    assert fmt.number(11000, "de") == "11.000"


def test_join_words():
    assert join_words(["A"]) == "A"
    assert join_words(["A", "B", "C"]) == "A, B und C"
    assert join_words(["A", "B"], "en") == "A and B"


def test_value_labels_fall_back_to_the_value():
    assert t("topic.Mobilität", "en") == "Mobility"
    assert t("topic.Quantencomputing", "en") == "Quantencomputing"
    with pytest.raises(KeyError):
        t("no.such.key")


def test_escape_markdown_neutralises_links_images_and_html():
    hostile = "![x](http://evil.example/a.png) <img src=x onerror=alert(1)> **bold** :red[x]"
    escaped = escape_markdown(hostile)
    for raw in ("![", "](", "**", ":red["):
        assert raw not in escaped
    assert "\\<img" in escaped and "\\!\\[x\\]\\(" in escaped


def test_schema_doc_is_generated_from_the_schema():
    from atlas.network import BUNDLED_DATA_DIR
    from atlas.schema_doc import markdown

    committed = (BUNDLED_DATA_DIR / "SCHEMA.md").read_text(encoding="utf-8")
    assert committed == markdown(), "run: python -m atlas.schema_doc > data/SCHEMA.md"


def test_no_key_is_defined_in_two_text_tables():
    from atlas.text import defined_twice

    assert defined_twice() == {}


def test_defined_twice_names_the_tables_of_a_repeated_key():
    from atlas.text import defined_twice

    tables = (
        ("a", {"de": {"x.title": "A", "x.only": "B"}, "en": {"x.title": "A", "x.only": "B"}}),
        ("b", {"de": {"x.title": "C"}, "en": {"x.title": "C"}}),
    )
    assert defined_twice(tables) == {"x.title": ["a", "b"]}


# Streamlit calls whose first argument or these keywords are read by a user
UI_CALLS = {
    "title", "header", "subheader", "markdown", "caption", "write", "text", "info", "warning",
    "error", "success", "toast", "button", "download_button", "link_button", "page_link",
    "expander", "tabs", "selectbox", "multiselect", "radio", "segmented_control", "pills",
    "slider", "select_slider", "number_input", "text_input", "text_area", "checkbox",
    "toggle", "file_uploader", "metric", "form_submit_button", "popover", "date_input",
}  # fmt: skip
UI_KEYWORDS = {"help", "label", "placeholder", "caption"}
LOGGERS = {"LOG", "log", "logger", "logging"}


def _words(node) -> list[str]:
    """Literal text in a string or f-string that a reader would see as words."""
    import ast
    import re

    parts = [node] if isinstance(node, ast.Constant) else getattr(node, "values", [])
    found = []
    for part in parts:
        text = part.value if isinstance(part, ast.Constant) else None
        if isinstance(text, str) and re.search(r"[A-Za-zÄÖÜäöüß]{3,}", text):
            found.append(text)
    return found


def _user_facing_literals(path) -> list[str]:
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in UI_CALLS:
            continue
        receiver = node.func.value
        if isinstance(receiver, ast.Name) and receiver.id in LOGGERS:
            continue  # the server's log, not the page
        read = node.args[:1] + [k.value for k in node.keywords if k.arg in UI_KEYWORDS]
        for arg in read:
            found += [f"{path.name}:{node.lineno}: {text!r}" for text in _words(arg)]
    return found


def test_pages_and_components_take_their_texts_from_the_tables():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    files = [root / "app.py", *sorted((root / "pages").glob("*.py"))]
    files += sorted((root / "components").glob("*.py"))
    found = [literal for path in files for literal in _user_facing_literals(path)]
    assert found == []


def test_the_literal_check_finds_a_literal_label(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('st.button("Speichern")\nst.caption(f"Stand {day}")\nst.title(t("x", lang))\n')
    page.write_text(page.read_text() + 'LOG.error("Datenbank nicht erreichbar: %s", url)\n')
    assert _user_facing_literals(page) == ["page.py:1: 'Speichern'", "page.py:2: 'Stand '"]


# the data layer: its Problems carry a text key, so the report speaks the interface language
DATA_LAYER = (
    "atlas/network.py",
    "atlas/store.py",
    "atlas/database.py",
    "atlas/changes.py",
    "components/data.py",
)


def _unkeyed_problems(path) -> list[str]:
    """Problem(...) built in place without a `key`: its `expected` is a fixed text in one
    language (atlas.problems.problem and Problem(..., key=...) give both)."""
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        # a stored problem rebuilt with Problem(**fields) brings its key along
        keyed = len(node.args) >= 8 or any(k.arg in ("key", None) for k in node.keywords)
        if name == "Problem" and not keyed:
            found.append(f"{path.name}:{node.lineno}")
    return found


def test_the_data_layer_gives_every_message_a_key():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    files = [root / name for name in DATA_LAYER if (root / name).exists()]
    assert len(files) >= 3
    found = [place for path in files for place in _unkeyed_problems(path)]
    assert found == []


def test_the_problem_check_finds_a_message_without_a_key(tmp_path):
    module = tmp_path / "store.py"
    module.write_text(
        'a = Problem("x.csv", "", None, None, None, "Datenbank weg", "fatal")\n'
        'b = problem("x.csv", "", None, None, None, "store.unreachable", "fatal")\n'
        'c = Problem("x.csv", "", 1, None, None, "", "error", key="read.empty")\n'
    )
    assert _unkeyed_problems(module) == ["store.py:1"]


@pytest.mark.parametrize(
    ("key", "params", "english"),
    [
        ("store.unreachable", {}, "Database not reachable"),
        ("network.unknown_status", {}, "counted as unknown"),
        ("network.unknown_measure_guess", {"guess": "x"}, "did you mean: x?"),
    ],
)
def test_data_layer_messages_read_in_english(key, params, english):
    from atlas.problems import problem

    found = problem("measures.csv", "measures", 2, "status", "?", key, **params)
    assert english in found.message("en")
    assert english not in found.message("de")


def test_measure_checks_report_in_the_interface_language(tmp_path):
    from atlas.network import load_folder
    from atlas.problems import skipped
    from tests.helpers import write_folder

    measures = (
        "project_id,measure,status,since,product,source,note\n"
        "di,Parkplatzsensorik,geplant,,,,\n"
        "hi,issue-reporting,halb fertig,,,,\n"
    )
    network = load_folder(write_folder(tmp_path, measures=measures))
    by_column = {p.column: p for p in network.problems if p.file == "measures.csv"}

    unknown, status = by_column["measure"], by_column["status"]
    assert (unknown.row, unknown.value, status.row, status.value) == (
        2,
        "Parkplatzsensorik",
        3,
        "halb fertig",
    )
    assert "did you mean: Sensorik (IoT), Smartes Parken?" in unknown.message("en")
    assert "(row left out)" in unknown.message("en")
    assert "meinten Sie" in unknown.message("de")
    assert "counted as unknown" in status.message("en")
    assert [(p.file, p.row) for p in skipped(network.problems)] == [("measures.csv", 2)]
