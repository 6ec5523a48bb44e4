"""Counts in sentences agree with their words, in German and English."""

from __future__ import annotations

import re
import string

import pytest

from atlas.text import _AGREE, PLURAL_FORMS, TEXTS, agree, t, t_n


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def counts_in(form: str) -> set[str]:
    return {m[1] for m in _AGREE.finditer(form)}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_form_belongs_to_a_text_and_names_its_placeholders(lang):
    for key, form in PLURAL_FORMS[lang].items():
        assert key in TEXTS[lang], key
        base = TEXTS[lang][key]
        assert counts_in(form) <= placeholders(base), key
        assert placeholders(agree(form, {})) == placeholders(base), key


def plain_plural(text: str) -> str:
    """The text area modules write with "Problem(e)", "change(s)": read as plural."""
    return re.sub(r"\((e|en|n|s)\)", r"\1", text)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_with_every_count_two_a_form_reads_as_the_plain_text(lang):
    """The plain text in the area's module and its form cannot drift apart."""
    for key, form in PLURAL_FORMS[lang].items():
        values = {name: f"<{name}>" for name in placeholders(TEXTS[lang][key])}
        values |= dict.fromkeys(counts_in(form), 2)
        plain = plain_plural(TEXTS[lang][key]).format(**values)
        assert agree(form, values).format(**values) == plain, key


@pytest.mark.parametrize(
    ("lang", "n", "text"),
    [
        ("de", 0, "Am 01.01.2024 waren 0 von 5 Projekten der Staffel 2020 in der Umsetzung."),
        ("de", 1, "Am 01.01.2024 war 1 von 5 Projekten der Staffel 2020 in der Umsetzung."),
        ("de", 2, "Am 01.01.2024 waren 2 von 5 Projekten der Staffel 2020 in der Umsetzung."),
        ("en", 0, "On 01.01.2024, 0 of the 5 projects of cohort 2020 were implementing."),
        ("en", 1, "On 01.01.2024, 1 of the 5 projects of cohort 2020 was implementing."),
        ("en", 2, "On 01.01.2024, 2 of the 5 projects of cohort 2020 were implementing."),
    ],
)
def test_the_cohort_sentence_agrees_with_its_count(lang, n, text):
    assert t_n("timeline.cohort_sentence", n, lang, date="01.01.2024", total=5, cohort=2020) == text


@pytest.mark.parametrize(
    ("key", "lang", "values", "texts"),
    [
        ("describe.projects", "de", {}, ("0 Projekte", "1 Projekt", "2 Projekte")),
        ("describe.projects", "en", {}, ("0 projects", "1 project", "2 projects")),
        (
            "data.import_blocked",
            "de",
            {},
            tuple(
                f"Nicht übernommen: {x} zuerst in der Datei behoben werden. Es wurde nichts "
                "geändert."
                for x in ("0 Probleme müssen", "1 Problem muss", "2 Probleme müssen")
            ),
        ),
        (
            "data.import_removes",
            "en",
            {"table": "projects"},
            tuple(
                f"{x} missing from the file and would be removed (to avoid this, switch on "
                "“Only add”)."
                for x in (
                    "0 rows of “projects” are",
                    "1 row of “projects” is",
                    "2 rows of “projects” are",
                )
            ),
        ),
        (
            "coop.reason.topics",
            "de",
            {"topics": "Umwelt"},
            (
                "0 gemeinsame Themen (Umwelt)",
                "1 gemeinsames Thema (Umwelt)",
                "2 gemeinsame Themen (Umwelt)",
            ),
        ),
        (
            "error.data_problems",
            "en",
            {},
            ("0 notes on data quality", "1 note on data quality", "2 notes on data quality"),
        ),
        (
            "data.restore_button_later",
            "de",
            {},
            (
                "Zurücknehmen, auch die 0 späteren Änderungen",
                "Zurücknehmen, auch die spätere Änderung",
                "Zurücknehmen, auch die 2 späteren Änderungen",
            ),
        ),
    ],
)
def test_sentences_with_one_count_agree_for_zero_one_and_two(key, lang, values, texts):
    assert tuple(t_n(key, n, lang, **values) for n in (0, 1, 2)) == texts


@pytest.mark.parametrize(
    ("lang", "counts", "text"),
    [
        ("de", (1, 1, 0, 1), "1 Projekt, 1 Kommune, 0 bekannte Verbindungen, 1 Treffen."),
        ("de", (2, 0, 1, 2), "2 Projekte, 0 Kommunen, 1 bekannte Verbindung, 2 Treffen."),
        ("en", (1, 2, 1, 0), "1 project, 2 municipalities, 1 known link, 0 meetings."),
        ("en", (0, 1, 2, 1), "0 projects, 1 municipality, 2 known links, 1 meeting."),
    ],
)
def test_each_count_of_a_sentence_agrees_on_its_own(lang, counts, text):
    names = ("projects", "municipalities", "links", "events")
    assert t("about.counts", lang, **dict(zip(names, counts, strict=True))) == text


@pytest.mark.parametrize(
    ("total", "de", "en"),
    [
        (1, "für 1 von 1 Projekt", "for 1 of 1 project"),
        (3, "für 1 von 3 Projekten", "for 1 of 3 projects"),
    ],
)
def test_the_whole_a_count_is_taken_from_agrees_too(total, de, en):
    assert t("kpi.funding_cover", "de", known=1, total=total) == de
    assert t("kpi.funding_cover", "en", known=1, total=total) == en


def test_a_count_given_as_formatted_text_agrees_too():
    assert t_n("describe.projects", "1", "de") == "1 Projekt"
    assert t_n("describe.projects", "1.234", "de") == "1.234 Projekte"
