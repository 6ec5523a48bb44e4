"""Every page in English: no German interface text when English is chosen.

The German texts are the app's own (atlas.text: every DE entry whose English differs), so
the test knows exactly what a German leftover looks like; names from the data (Göttingen,
project titles) are not interface text and may stay German.
"""

from __future__ import annotations

import json
import re

import pytest

from atlas.text import TEXTS
from tests.apptest import drawn_charts, drawn_maps, features, run_app

PAGES = (
    "overview",
    "map",
    "timeline",
    "cooperation",
    "profiles",
    "meeting",
    "data",
    "present",
    "about",
)


def german_phrases() -> set[str]:
    """German interface texts (their fixed parts, without placeholders) that differ from
    every English text and are long enough not to be a name or a number."""
    english = set(TEXTS["en"].values())
    found = set()
    for key, text in TEXTS["de"].items():
        if text in english or text == TEXTS["en"].get(key):
            continue
        for part in re.split(r"\{[^}]*\}|\n", text):
            part = part.strip(" .:,;()–-*#")
            if len(part) >= 8 and " " in part and part not in "\n".join(english):
                found.add(part)
    return found


def shown_text(at) -> str:
    """What a person sees of the page: texts, labels, options, chart titles and axes."""
    pieces = []
    for kind in (
        "markdown",
        "caption",
        "title",
        "header",
        "subheader",
        "info",
        "warning",
        "success",
        "error",
        "metric",
        "button",
        "selectbox",
        "multiselect",
        "radio",
        "toggle",
        "text_input",
        "expander",
        "tabs",
        "number_input",
        "checkbox",
    ):
        for element in getattr(at, kind, []):
            for attribute in ("value", "label", "body", "help", "placeholder"):
                value = getattr(element, attribute, None)
                if isinstance(value, str):
                    pieces.append(value)
            options = getattr(element, "options", None)
            if options:
                pieces.extend(str(o) for o in options)
    for spec in drawn_charts(at):
        pieces.append(json.dumps(spec.get("layout", {}), ensure_ascii=False))
        pieces.extend(
            json.dumps(
                {k: v for k, v in trace.items() if k in ("name", "hovertemplate")},
                ensure_ascii=False,
            )
            for trace in spec.get("data", [])
        )
    for spec in drawn_maps(at):  # the map's tooltips
        for source in spec["sources"]:
            if isinstance(spec["sources"][source].get("data"), dict):
                pieces.extend(str(row.get("tip", "")) for row in features(spec, source))
        pieces.extend(str(mark.get("tip") or "") for mark in spec["marks"])
    return "\n".join(pieces).replace("\\", "")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_in_english_has_no_german_interface_text(monkeypatch, page):
    at = run_app(monkeypatch, page=page, params={"lang": "EN"})
    assert not at.exception
    text = shown_text(at)
    assert text.strip()
    leftovers = sorted(p for p in german_phrases() if p in text)
    assert leftovers == [], f"{page}: German text in English: {leftovers[:10]}"


def test_data_labels_are_translated_on_the_map(monkeypatch):
    at = run_app(monkeypatch, page="map", params={"lang": "EN"})
    text = shown_text(at)
    assert "Independent city" in text and "kreisfreie Stadt" not in text


def test_the_check_would_find_german_text(monkeypatch):
    at = run_app(monkeypatch, page="overview")  # German: the phrases must be found
    assert any(p in shown_text(at) for p in german_phrases())


@pytest.mark.parametrize("lang", ["DE", "EN"])
@pytest.mark.parametrize("page", PAGES)
def test_an_empty_choice_says_so_in_the_interface_language(monkeypatch, page, lang):
    """A drop-down without a choice shows a hint in the page's language: Streamlit's own
    ("Choose an option", "Choose options") is English on a German page."""
    at = run_app(monkeypatch, page=page, params={"lang": lang})
    assert not at.exception
    hints = {"DE": {"Bitte auswählen", "Eine oder mehrere auswählen", "Alle"}}
    hints["EN"] = {"Please choose", "Choose one or more", "All"}
    boxes = [*at.multiselect, *(box for box in at.selectbox if box.index is None)]
    assert {
        box.label: box.proto.placeholder
        for box in boxes
        if box.proto.placeholder not in hints[lang]
    } == {}
