"""Every user-facing text, in German and English, in one place.

`t(key, lang, **values)` looks a text up and fills its placeholders. Data values
(topics, phases, size classes, states) stay German in the tables; their labels are
looked up here as "topic.<value>", "phase.<value>", ... A test checks that both
languages have the same keys.
"""

from __future__ import annotations

import re

from atlas import (
    text_about,
    text_cooperation,
    text_data,
    text_map,
    text_meeting,
    text_plural,
    text_present,
    text_problems,
    text_profiles,
    text_status,
    text_store,
    text_timeline,
)
from atlas.schema import KINDS, PHASES, SIZE_CLASSES, STATES, TOPICS

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"

_TOPICS_EN = (
    "Mobility",
    "Energy & climate protection",
    "Environment",
    "Digital skills & education",
    "Participation & engagement",
    "Data & platforms",
    "Administration",
    "Health & care",
    "Retail & town centre",
    "Economy & work",
    "Tourism & culture",
    "Rural areas & services",
    "Safety & security",
    "Building & housing",
)
_PHASES_EN = ("Strategy", "Implementation", "Extension", "Completed")
_SIZES_EN = (
    "Large city",
    "Medium-sized town",
    "Small town/rural municipality",
    "Inter-municipal/district",
)
_STATES_EN = (
    "Baden-Württemberg",
    "Bavaria",
    "Berlin",
    "Brandenburg",
    "Bremen",
    "Hamburg",
    "Hesse",
    "Mecklenburg-Western Pomerania",
    "Lower Saxony",
    "North Rhine-Westphalia",
    "Rhineland-Palatinate",
    "Saarland",
    "Saxony",
    "Saxony-Anhalt",
    "Schleswig-Holstein",
    "Thuringia",
)

_COMMON: dict[str, dict[str, str]] = {
    "de": {
        "app.title": "Netzwerkatlas",
        "language.switch": "Sprache / Language",
        "app.tagline": "Überblick über die Mitglieder eines Smart-City-Netzwerks",
        "nav.overview": "Überblick",
        "nav.map": "Karte",
        "nav.timeline": "Zeitachse",
        "nav.cooperation": "Kooperation",
        "nav.profiles": "Profile",
        "nav.data": "Daten",
        "nav.present": "Präsentation",
        "filters.header": "Filter",
        "filters.state": "Bundesland",
        "filters.district": "Kreis",
        "filters.programme": "Programm",
        "filters.cohort": "Staffel",
        "filters.phase": "Phase",
        "filters.topic": "Thema",
        "filters.size_class": "Größenklasse",
        "filters.text": "Suche",
        "filters.text_help": "Sucht in Projekt- und Kommunennamen und Schlagworten",
        "filters.reset": "Filter zurücksetzen",
        "filters.invalid_url": "Nicht erkannte Werte im Link wurden ignoriert: {values}",
        "filters.placeholder": "Alle",
        "widget.choose": "Bitte auswählen",
        "widget.choose_many": "Eine oder mehrere auswählen",
        "describe.projects": "{n} Projekte",
        "describe.project_one": "{n} Projekt",
        "describe.in": "in {where}",
        "describe.everywhere": "im ganzen Netzwerk",
        "describe.programme": "Programm {what}",
        "describe.cohort": "Staffel {what}",
        "describe.phase": "Phase {what}",
        "describe.topic": "Thema {what}",
        "describe.topics": "Themen {what}",
        "describe.size": "Größenklasse {what}",
        "describe.text": "Suche „{what}“",
        "words.and": "und",
        "words.or": "oder",
        "kpi.municipalities": "Kommunen",
        "kpi.projects": "Projekte",
        "kpi.states": "Bundesländer",
        "kpi.funding": "Bundesförderung",
        "kpi.funding_help": "Summe der bekannten Bundesförderung; bekannt für {known} von {total} Projekten",
        "kpi.funding_cover": "für {known} von {total} Projekten",
        "chart.by_state": "Projekte nach Bundesland",
        "chart.by_cohort": "Projekte nach Staffel",
        "chart.by_phase": "Projekte nach aktueller Phase",
        "chart.by_topic": "Projekte nach Thema",
        "chart.state_topic": "Bundesland × Thema (Anzahl Projekte)",
        "chart.projects": "Projekte",
        "chart.count": "Anzahl",
        "chart.state": "Bundesland",
        "chart.cohort": "Staffel",
        "chart.phase": "Phase",
        "chart.topic": "Thema",
        "chart.no_cohort": "ohne Staffel",
        "chart.table": "Als Tabelle",
        "chart.alt_bar": "Balkendiagramm „{title}“: {summary}",
        "chart.alt_matrix": "Matrix „{title}“ mit {rows} Zeilen und {cols} Spalten; höchster Wert {max} ({row}, {col})",
        "chart.fullscreen": "Vollbild",
        "chart.file": "netzwerkatlas-{name}",
        "empty.filtered": "Keine Projekte passen zu diesen Filtern. Filter lockern oder zurücksetzen.",
        "error.data_unusable": "Die Daten in {label} konnten nicht geladen werden. Bitte die folgenden Probleme beheben:",
        "error.data_problems": "{n} Hinweise zur Datenqualität",
        "error.report_columns": "Schwere, Datei, Zeile, Spalte, Wert, Erwartet",
        "severity.fatal": "nicht lesbar",
        "severity.error": "ausgelassen",
        "severity.warning": "Hinweis",
        "phase.Unbekannt": "Unbekannt",
        "page.overview.title": "Überblick",
        "overview.projects": "Projekte",
        "overview.projects_help": "Zum Sortieren auf eine Spaltenüberschrift klicken; → öffnet das Profil.",
        "overview.projects_all": "Alle {n} Projekte als Tabelle",
        "overview.col.name": "Projekt",
        "overview.col.members": "Kommunen",
        "overview.col.cohort": "Staffel",
        "overview.col.phase": "Phase",
        "overview.col.funding": "Bundesförderung (€)",
        "overview.col.profile": "Profil",
        "unknown": "unbekannt",
    },
    "en": {
        "app.title": "Network Atlas",
        "language.switch": "Sprache / Language",
        "app.tagline": "An overview of the members of a smart-city network",
        "nav.overview": "Overview",
        "nav.map": "Map",
        "nav.timeline": "Timeline",
        "nav.cooperation": "Cooperation",
        "nav.profiles": "Profiles",
        "nav.data": "Data",
        "nav.present": "Presentation",
        "filters.header": "Filters",
        "filters.state": "State",
        "filters.district": "District",
        "filters.programme": "Programme",
        "filters.cohort": "Cohort",
        "filters.phase": "Phase",
        "filters.topic": "Topic",
        "filters.size_class": "Size class",
        "filters.text": "Search",
        "filters.text_help": "Searches project and municipality names and keywords",
        "filters.reset": "Reset filters",
        "filters.invalid_url": "Unrecognised values in the link were ignored: {values}",
        "filters.placeholder": "All",
        "widget.choose": "Please choose",
        "widget.choose_many": "Choose one or more",
        "describe.projects": "{n} projects",
        "describe.project_one": "{n} project",
        "describe.in": "in {where}",
        "describe.everywhere": "in the whole network",
        "describe.programme": "programme {what}",
        "describe.cohort": "cohort {what}",
        "describe.phase": "phase {what}",
        "describe.topic": "topic {what}",
        "describe.topics": "topics {what}",
        "describe.size": "size class {what}",
        "describe.text": "search “{what}”",
        "words.and": "and",
        "words.or": "or",
        "kpi.municipalities": "Municipalities",
        "kpi.projects": "Projects",
        "kpi.states": "States",
        "kpi.funding": "Federal funding",
        "kpi.funding_help": "Sum of known federal funding; known for {known} of {total} projects",
        "kpi.funding_cover": "for {known} of {total} projects",
        "chart.by_state": "Projects by state",
        "chart.by_cohort": "Projects by cohort",
        "chart.by_phase": "Projects by current phase",
        "chart.by_topic": "Projects by topic",
        "chart.state_topic": "State × topic (number of projects)",
        "chart.projects": "Projects",
        "chart.count": "Count",
        "chart.state": "State",
        "chart.cohort": "Cohort",
        "chart.phase": "Phase",
        "chart.topic": "Topic",
        "chart.no_cohort": "no cohort",
        "chart.table": "As a table",
        "chart.alt_bar": "Bar chart “{title}”: {summary}",
        "chart.alt_matrix": "Matrix “{title}” with {rows} rows and {cols} columns; highest value {max} ({row}, {col})",
        "chart.fullscreen": "Full screen",
        "chart.file": "network-atlas-{name}",
        "empty.filtered": "No projects match these filters. Loosen or reset the filters.",
        "error.data_unusable": "The data in {label} could not be loaded. Please fix these problems:",
        "error.data_problems": "{n} notes on data quality",
        "error.report_columns": "Severity, file, line, column, value, expected",
        "severity.fatal": "unreadable",
        "severity.error": "left out",
        "severity.warning": "note",
        "phase.Unbekannt": "Unknown",
        "page.overview.title": "Overview",
        "overview.projects": "Projects",
        "overview.projects_help": "Click a column heading to sort; → opens the profile.",
        "overview.projects_all": "All {n} projects as a table",
        "overview.col.name": "Project",
        "overview.col.members": "Municipalities",
        "overview.col.cohort": "Cohort",
        "overview.col.phase": "Phase",
        "overview.col.funding": "Federal funding (€)",
        "overview.col.profile": "Profile",
        "unknown": "unknown",
    },
}


def _labels(values: tuple[str, ...], english: tuple[str, ...], prefix: str) -> dict:
    return {
        "de": {f"{prefix}.{value}": value for value in values},
        "en": {f"{prefix}.{value}": en for value, en in zip(values, english, strict=True)},
    }


# The text tables: this module's common texts, one module per area (each page keeps its
# texts in its own module, so pages grow independently) and the labels of data values.
TEXT_MODULES = (
    text_about,
    text_map,
    text_timeline,
    text_cooperation,
    text_profiles,
    text_present,
    text_data,
    text_status,
    text_meeting,
    text_problems,  # the data report's texts, shared by every page
    text_store,
)
TABLES: tuple[tuple[str, dict[str, dict[str, str]]], ...] = (
    ("atlas.text", _COMMON),
    *((m.__name__, {"de": m.DE, "en": m.EN}) for m in TEXT_MODULES),
    ("atlas.text (topic labels)", _labels(TOPICS, _TOPICS_EN, "topic")),
    ("atlas.text (phase labels)", _labels(PHASES, _PHASES_EN, "phase")),
    ("atlas.text (size labels)", _labels(SIZE_CLASSES, _SIZES_EN, "size")),
    ("atlas.text (state labels)", _labels(STATES, _STATES_EN, "state")),
    (
        "atlas.text (kind labels)",
        _labels(
            KINDS, ("Municipality", "Town", "Independent city", "District", "Association"), "kind"
        ),
    ),
)


def defined_twice(tables=TABLES) -> dict[str, list[str]]:
    """Keys that more than one table defines (for any language), with the tables: the
    later table would silently win."""
    where: dict[str, list[str]] = {}
    for name, table in tables:
        for key in set().union(*(texts.keys() for texts in table.values())):
            where.setdefault(key, []).append(name)
    return {key: names for key, names in where.items() if len(names) > 1}


TEXTS: dict[str, dict[str, str]] = {
    lang: {key: text for _, table in TABLES for key, text in table[lang].items()}
    for lang in LANGUAGES
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    """The text for `key`; an unknown value label (e.g. a new topic) falls back to the value."""
    table = TEXTS.get(lang, TEXTS[DEFAULT_LANGUAGE])
    if key not in table:
        prefix, _, rest = key.partition(".")
        if prefix in ("topic", "phase", "size", "state", "kind") and rest:
            return rest
        raise KeyError(f"no text for {key!r} in {lang!r}")
    text = table[key]
    if values and key in PLURAL_FORMS.get(lang, ()):  # words agreeing with the counts
        text = agree(PLURAL_FORMS[lang][key], values)
    return text.format(**values) if values else text


def t_n(key: str, n, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    """`t` for a sentence about a count `n`: "1 Projekt", "2 Projekte" (any other counts
    the sentence names agree too)."""
    return t(key, lang, n=n, **values)


# Sentences with counts, in forms whose words agree with them (atlas/text_plural.py)
PLURAL_FORMS = {"de": text_plural.DE, "en": text_plural.EN}
# {count|singular|plural}; an alternative may itself hold a placeholder such as {n}
_AGREE = re.compile(r"\{(\w+)\|((?:[^{}|]|\{\w+\})*)\|((?:[^{}|]|\{\w+\})*)\}")


def is_one(count) -> bool:
    """Whether a count reads as exactly one (German and English: singular only for 1)."""
    try:
        return float(str(count).strip()) == 1
    except ValueError:
        return False


def agree(text: str, values: dict) -> str:
    """The text with each {count|singular|plural} replaced by the form its count needs."""
    return _AGREE.sub(lambda m: m[2] if is_one(values.get(m[1])) else m[3], text)


def join_words(items, lang: str = DEFAULT_LANGUAGE, word: str = "and") -> str:
    """'A', 'A und B', 'A, B und C'."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {t('words.' + word, lang)} " + items[-1]


_MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~$:"
_MARKDOWN_ESCAPES = str.maketrans({c: "\\" + c for c in _MARKDOWN_SPECIAL})


# Streamlit's markdown (remark-gfm) turns bare "https://…", "www.…" and "name@host.tld" into
# links after escapes are resolved, so escaping alone does not stop them. An invisible word
# joiner (U+2060) inside each pattern does: the text reads and prints the same.
_JOIN = "\u2060"
_AUTOLINKS = re.compile(r"(?i)(?<=:)(?=//)|(?<=\bwww)(?=\.)|(?=@)")


def escape_markdown(text) -> str:
    """Text from data or a URL, safe to place inside Streamlit markdown: no links,
    images, HTML or formatting can be smuggled in, and nothing that looks like a web or
    mail address becomes a link."""
    return _AUTOLINKS.sub(_JOIN, str(text)).translate(_MARKDOWN_ESCAPES)


def plot_text(text) -> str:
    """Text from data for plotly labels and hovers, which read a subset of HTML (<a>, <b>,
    <br>): escaped, so a hostile name shows as itself and links nothing."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
