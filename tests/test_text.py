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
