"""Measures (Maßnahmen): the concrete things a project builds or runs, as one vocabulary.

Topics say what a project is about; measures say what it actually does: an urban data
platform, a citizen app, a digital twin, a LoRaWAN network, an on-demand bus. Real
cooperations form around the same measure (and most around the same product), and
around one member being ahead on exactly that measure, so the vocabulary is declared
once, here, like the table schemas: the `measures` table names a measure by its id, the
interface shows its label in the chosen language, and the synonyms map free text (a
project's keywords, an imported file's own words) onto it.

Synonym syntax (matched case-insensitively against normalised text):
- `word`   anywhere in the text ("sensor" finds "Parksensoren");
- `^word`  at the start of a word only ("^strategie" finds "Strategie", not
  "Datenstrategie");
- `=word`  as a whole word only ("=ki" finds "KI", never "Kirchheim").

Long on purpose: most of its lines are the vocabulary itself (62 measure types with
labels and synonyms), kept as one table like the schemas; the code is the short part at
the end.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Status of a measure in a project, in the order a measure passes through them.
MEASURE_STATUSES = ("geplant", "in Umsetzung", "in Betrieb", "abgeschlossen", "unbekannt")
MEASURE_STATUSES_EN = ("planned", "being implemented", "in operation", "completed", "unknown")
# How far along a status is, for "who is ahead": unknown says nothing.
STATUS_RANK = {"geplant": 1, "in Umsetzung": 2, "in Betrieb": 3, "abgeschlossen": 3}
STATUS_ALIASES = {
    "planned": "geplant",
    "geplant": "geplant",
    "in planung": "geplant",
    "planung": "geplant",
    "implementing": "in Umsetzung",
    "being implemented": "in Umsetzung",
    "in umsetzung": "in Umsetzung",
    "umsetzung": "in Umsetzung",
    "im aufbau": "in Umsetzung",
    "pilot": "in Umsetzung",
    "in operation": "in Betrieb",
    "operating": "in Betrieb",
    "in betrieb": "in Betrieb",
    "betrieb": "in Betrieb",
    "live": "in Betrieb",
    "completed": "abgeschlossen",
    "abgeschlossen": "abgeschlossen",
    "beendet": "abgeschlossen",
    "unknown": "unbekannt",
    "unbekannt": "unbekannt",
    "": "unbekannt",
}


@dataclass(frozen=True)
class MeasureType:
    id: str
    de: str
    en: str
    topic: str  # the topic (atlas.schema.TOPICS) the measure belongs to
    synonyms: tuple[str, ...] = ()


def _m(id_: str, de: str, en: str, topic: str, *synonyms: str) -> MeasureType:
    return MeasureType(id_, de, en, topic, synonyms)


_DATA = "Daten & Plattformen"
_MOB = "Mobilität"
_ENV = "Umwelt"
_ENERGY = "Energie & Klimaschutz"
_PART = "Beteiligung & Engagement"
_SKILLS = "Digitale Kompetenzen & Bildung"
_ADMIN = "Verwaltung"
_HEALTH = "Gesundheit & Pflege"
_RETAIL = "Handel & Innenstadt"
_ECON = "Wirtschaft & Arbeit"
_TOUR = "Tourismus & Kultur"
_RURAL = "Ländlicher Raum & Versorgung"
_SAFE = "Sicherheit"
_BUILD = "Bauen & Wohnen"

MEASURE_TYPES: tuple[MeasureType, ...] = (
    # data and platforms
    _m(
        "urban-data-platform",
        "Urbane Datenplattform",
        "Urban data platform",
        _DATA,
        "datenplattform",
        "datenraum",
        "iot-plattform",
        "smart-city-plattform",
        "plattformarchitektur",
        "=hub",
        "datenhub",
        "urban data platform",
        "civitas/core",
        "wissensallmende",
        "parthecloud",
        "datendrehscheibe",
        "dateninfrastruktur",
        "open digitalization platform",
    ),
    _m(
        "open-data-portal",
        "Open-Data-Portal",
        "Open data portal",
        _DATA,
        "open data",
        "open-data",
        "offene daten",
        "opendata",
        "smart public data",
        "datenportal",
    ),
    _m(
        "digital-twin",
        "Digitaler Zwilling",
        "Digital twin",
        _DATA,
        "digitaler zwilling",
        "digitalen zwilling",
        "digital twin",
        "city information model",
        "3d-stadtmodell",
        "3d-modell",
        "3d stadtmodell",
        "urban twin",
    ),
    _m(
        "data-strategy",
        "Datenstrategie & Data Governance",
        "Data strategy & governance",
        _DATA,
        "datenstrategie",
        "data governance",
        "datensouveränität",
        "datenmanagement",
        "datenökosystem",
        "datenkompetenz",
    ),
    _m(
        "dashboard",
        "Daten-Dashboard & Visualisierung",
        "Data dashboard & visualisation",
        _DATA,
        "dashboard",
        "cockpit",
        "datenvisualisierung",
        "visualisierung",
    ),
    _m(
        "lorawan",
        "LoRaWAN-Funknetz",
        "LoRaWAN network",
        _DATA,
        "lorawan",
        "=lora",
        "funknetz",
        "iot-netz",
        "iot-infrastruktur",
    ),
    _m(
        "iot-sensors",
        "Sensorik (IoT)",
        "Sensors (IoT)",
        _DATA,
        "sensor",
        "=iot",
        "internet der dinge",
    ),
    _m(
        "ai-applications",
        "KI-Anwendungen",
        "AI applications",
        _DATA,
        "=ki",
        "künstliche intelligenz",
        "=ai",
        "machine learning",
        "ki-",
    ),
    # environment and climate
    _m(
        "environmental-sensors",
        "Umwelt- und Luftmessnetz",
        "Environmental & air sensors",
        _ENV,
        "luftqualität",
        "umweltsensor",
        "raumluft",
        "klimamessnetz",
        "feinstaub",
        "umweltdaten",
        "klimadaten",
        "luftmess",
        "wetterstation",
    ),
    _m(
        "climate-adaptation",
        "Klimaanpassung & Hitzevorsorge",
        "Climate adaptation & heat",
        _ENV,
        "hitze",
        "klimaanpassung",
        "klimaresilienz",
        "schwammstadt",
        "anpassung an den klimawandel",
        "klimafolgen",
        "blau-grün",
    ),
    _m(
        "water-management",
        "Wasser- und Starkregenmanagement",
        "Water & heavy-rain management",
        _ENV,
        "wasser",
        "hochwasser",
        "starkregen",
        "pegel",
        "kanalnetz",
    ),
    _m(
        "tree-monitoring",
        "Baum- und Grünflächenmonitoring",
        "Tree & green-space monitoring",
        _ENV,
        "baum",
        "bäume",
        "bewässerung",
        "stadtgrün",
        "grünfläche",
        "stadtwald",
        "stadtpark",
        "pflanzengesundheit",
    ),
    _m(
        "smart-waste",
        "Smarte Abfallwirtschaft",
        "Smart waste management",
        _ENV,
        "smart waste",
        "mülleimer",
        "abfall",
        "füllstand",
        "müll",
    ),
    _m(
        "circular-economy",
        "Kreislaufwirtschaft & Ressourcen",
        "Circular economy",
        _ENV,
        "kreislaufwirtschaft",
        "ressourcen",
        "sharing-regal",
        "repair",
    ),
    # energy
    _m(
        "energy-management",
        "Energiemanagement & Energiedaten",
        "Energy management & data",
        _ENERGY,
        "energiedaten",
        "energiemanagement",
        "energieeinsparung",
        "energiemonitoring",
        "wärmeplanung",
        "smart meter",
        "energieverbrauch",
        "energieplattform",
        "energieplanung",
        "energie-atlas",
    ),
    _m(
        "climate-protection",
        "Klimaschutz & CO₂-Bilanz",
        "Climate protection & CO₂ accounting",
        _ENERGY,
        "klimaschutz",
        "co2",
        "co₂",
        "klimaneutral",
        "treibhausgas",
        "klimabilanz",
    ),
    _m(
        "smart-lighting",
        "Intelligente Straßenbeleuchtung",
        "Smart street lighting",
        _ENERGY,
        "beleuchtung",
        "lichtmanagement",
        "straßenlaterne",
        "straßenbeleuchtung",
    ),
    _m(
        "renewable-energy",
        "Erneuerbare Energien & Quartiersenergie",
        "Renewable & district energy",
        _ENERGY,
        "photovoltaik",
        "solar",
        "grüne energie",
        "erneuerbare",
        "nahwärme",
        "wasserstoff",
        "energiegemeinschaft",
        "virtuelles kraftwerk",
        "bürgerenergie",
    ),
    # mobility
    _m(
        "smart-parking",
        "Smartes Parken",
        "Smart parking",
        _MOB,
        "parksensor",
        "parkleitsystem",
        "parkraum",
        "smart parking",
        "smartes parken",
        "quartiersgarage",
        "parkplatz",
    ),
    _m(
        "traffic-management",
        "Verkehrssteuerung & Verkehrsdaten",
        "Traffic management & data",
        _MOB,
        "verkehrssteuerung",
        "ampel",
        "verkehrsfluss",
        "verkehrssensor",
        "verkehrsdaten",
        "verkehrslenkung",
        "grüne welle",
        "telraam",
        "verkehrszählung",
        "mobilitätsdaten",
        "smart traffic",
        "verkehrsmanagement",
    ),
    _m(
        "on-demand-transport",
        "On-Demand-Verkehr & Rufbus",
        "On-demand transport",
        _MOB,
        "on-demand",
        "on demand",
        "rufbus",
        "ridepooling",
        "ride-pooling",
        "shuttle",
        "erzmobil",
        "anrufsammeltaxi",
        "bürgerbus",
    ),
    _m(
        "autonomous-shuttle",
        "Autonomer Bus",
        "Autonomous shuttle",
        _MOB,
        "autonom",
        "a-bus",
        "selbstfahrend",
    ),
    _m(
        "sharing-mobility",
        "Sharing-Mobilität",
        "Shared mobility",
        _MOB,
        "carsharing",
        "car sharing",
        "car-sharing",
        "bikesharing",
        "bike sharing",
        "lastenrad",
        "e-scooter",
        "sharing",
    ),
    _m(
        "mobility-platform",
        "Mobilitätsplattform & -App",
        "Mobility platform & app",
        _MOB,
        "mobilitätsplattform",
        "mobilitäts-app",
        "mobilitätsapp",
        "multimodal",
        "multimobil",
        "=maas",
        "mobilstation",
        "mobilitätsstation",
        "mobility hub",
    ),
    _m(
        "public-transport-info",
        "ÖPNV-Echtzeitinformation",
        "Real-time public transport info",
        _MOB,
        "echtzeit",
        "fahrgastinformation",
        "busauskunft",
        "öpnv",
    ),
    _m(
        "e-mobility",
        "E-Mobilität & Ladeinfrastruktur",
        "E-mobility & charging",
        _MOB,
        "e-mobil",
        "elektromobil",
        "ladeinfrastruktur",
        "ladesäule",
        "ladestation",
    ),
    _m(
        "cycling",
        "Radverkehr",
        "Cycling",
        _MOB,
        "radverkehr",
        "fahrrad",
        "radfahr",
        "radweg",
        "radschnellweg",
    ),
    _m(
        "city-logistics",
        "Citylogistik & Lieferdienste",
        "City logistics & delivery",
        _MOB,
        "citylogistik",
        "city-logistik",
        "lieferservice",
        "lieferdienst",
        "paketstation",
        "logistik",
    ),
    _m(
        "accessible-routing",
        "Barrierefreie Wege & Routing",
        "Accessible routes & routing",
        _MOB,
        "barrierefrei",
        "mobilitätseingeschränkt",
        "routing",
        "blindenleit",
    ),
    # participation and community
    _m(
        "citizen-app",
        "Stadt- bzw. Bürger-App",
        "City or citizen app",
        _PART,
        "stadt-app",
        "bürger-app",
        "city-app",
        "dorf-app",
        "landkreis-app",
        "open smartcity app",
        "open smart city app",
        "=app",
        "-app",
        "partheapp",
        "fichtelapp",
        "eichenzellapp",
        "hagenow",
        "stadtportal",
        "stadtapp",
    ),
    _m(
        "participation-platform",
        "Digitale Beteiligungsplattform",
        "Digital participation platform",
        _PART,
        "beteiligungsplattform",
        "=consul",
        "=dipas",
        "mitwirk",
        "bürgerbeteiligung",
        "beteiligung",
        "partizipation",
        "mitmach",
    ),
    _m(
        "issue-reporting",
        "Mängelmelder",
        "Issue reporting",
        _PART,
        "mängelmelder",
        "schadensmelder",
        "mängel",
    ),
    _m(
        "engagement-platform",
        "Ehrenamts- und Nachbarschaftsplattform",
        "Volunteering & neighbourhood platform",
        _PART,
        "engagementplattform",
        "engagement-plattform",
        "ehrenamt",
        "nachbarschaft",
        "gemeinwohl",
    ),
    _m(
        "open-innovation",
        "Hackathons & Ideenwettbewerbe",
        "Hackathons & idea contests",
        _PART,
        "hackathon",
        "ideenwettbewerb",
        "open innovation",
        "challenge",
        "citizen science",
    ),
    _m(
        "living-lab",
        "Reallabor & Stadtlabor",
        "Living lab",
        _PART,
        "reallabor",
        "stadtlabor",
        "labor",
        "experimentierraum",
        "probier",
        "testfeld",
    ),
    _m(
        "public-displays",
        "Digitale Infostelen & Terminals",
        "Public displays & kiosks",
        _PART,
        "display",
        "infostele",
        "stele",
        "terminal",
        "infotafel",
        "anschlagtafel",
    ),
    # skills and education
    _m(
        "digital-skills",
        "Digitale Kompetenzen & Kurse",
        "Digital skills & courses",
        _SKILLS,
        "digitale kompetenz",
        "digitalkompetenz",
        "medienbildung",
        "medienkompetenz",
        "digitallotse",
        "digital-lotse",
        "einstiegskurs",
        "pc-kurs",
        "e-learning",
        "schulung",
        "weiterbildung",
        "digitale bildung",
        "digitale inklusion",
        "digitalbotschafter",
        "digital-botschafter",
        "digitalcoach",
        "digitale teilhabe",
        "digitaltreff",
    ),
    _m(
        "makerspace",
        "Makerspace & Digitalwerkstatt",
        "Makerspace & digital workshop",
        _SKILLS,
        "makerspace",
        "fablab",
        "fab lab",
        "digitalwerkstatt",
        "werkstatt",
        "smartcampus",
    ),
    _m(
        "schools-digital",
        "Digitale Schule & Bildungsinfrastruktur",
        "Digital schools & education infrastructure",
        _SKILLS,
        "schul-it",
        "=schule",
        "schulen",
        "bildungsinfrastruktur",
        "bildungspaket",
        "bildungsplattform",
    ),
    _m("library-digital", "Digitale Bibliothek", "Digital library", _SKILLS, "bibliothek"),
    # administration
    _m(
        "e-government",
        "Digitale Verwaltungsleistungen",
        "Digital public services",
        _ADMIN,
        "e-government",
        "online-behörde",
        "behördengänge",
        "bürgerbüro",
        "onlinezugang",
        "=ozg",
        "bürgerservice",
        "bürgerdienste",
        "verwaltungsdigitalisierung",
        "online-dienst",
        "digitales rathaus",
        "bürgerkonto",
        "bürger-id",
    ),
    _m(
        "process-automation",
        "Verwaltungsautomatisierung & Chatbots",
        "Process automation & chatbots",
        _ADMIN,
        "automatisierung",
        "chatbot",
        "sprachbot",
        "robotic process",
        "=rpa",
    ),
    _m(
        "digital-workplace",
        "Digitaler Arbeitsplatz & E-Akte",
        "Digital workplace & e-files",
        _ADMIN,
        "e-akte",
        "dokumentenmanagement",
        "digitaler arbeitsplatz",
    ),
    _m(
        "broadband",
        "Breitband & Glasfaser",
        "Broadband & fibre",
        _ADMIN,
        "glasfaser",
        "breitband",
        "mobilfunk",
        "=5g",
    ),
    _m("public-wifi", "Freies WLAN", "Public Wi-Fi", _ADMIN, "wlan", "wifi", "wi-fi"),
    # health and care
    _m(
        "telemedicine",
        "Telemedizin & digitale Gesundheit",
        "Telemedicine & digital health",
        _HEALTH,
        "telemedizin",
        "wartezimmer",
        "klinikum",
        "gesundheitsplattform",
        "arztpraxis",
        "e-health",
        "gesundheitskiosk",
    ),
    _m(
        "care-assistance",
        "Digitale Pflege & Assistenz im Alter",
        "Digital care & assisted living",
        _HEALTH,
        "pflege",
        "demenz",
        "tablettenspender",
        "assistenzsystem",
        "senioren",
        "ältere",
        "hausnotruf",
    ),
    # retail and economy
    _m(
        "local-marketplace",
        "Lokaler Online-Marktplatz",
        "Local online marketplace",
        _RETAIL,
        "marktplatz",
        "click & buy",
        "click&collect",
        "lohmarkt",
        "lokaler handel",
        "online-shop",
        "onlineshop",
    ),
    _m(
        "city-centre",
        "Innenstadt & Frequenzmessung",
        "Town centre & footfall",
        _RETAIL,
        "innenstadt",
        "passantenfrequenz",
        "frequenzmessung",
        "leerstand",
        "fußgängerzone",
        "city 2030",
        "ortskern",
    ),
    _m(
        "coworking",
        "Coworking & Dritter Ort",
        "Coworking & third places",
        _ECON,
        "coworking",
        "co-working",
        "dritter ort",
        "dritte orte",
        "bergstadtbüro",
    ),
    _m(
        "innovation-hub",
        "Gründer- und Innovationszentrum",
        "Start-up & innovation hub",
        _ECON,
        "innovationszentrum",
        "innovation hub",
        "gründerzentrum",
        "digitalzentrum",
        "innovation lab",
        "gründer",
        "startup",
        "start-up",
    ),
    _m(
        "business-support",
        "Digitale Wirtschaftsförderung",
        "Digital business support",
        _ECON,
        "wirtschaftsförderung",
        "standortmonitoring",
        "gewerbe",
        "fachkräfte",
    ),
    _m(
        "smart-farming",
        "Smart Farming & Landwirtschaft",
        "Smart farming",
        _ECON,
        "landwirtschaft",
        "smart farming",
        "agrar",
    ),
    # tourism and culture
    _m(
        "visitor-guidance",
        "Digitale Besucherlenkung",
        "Digital visitor guidance",
        _TOUR,
        "besucherleitsystem",
        "besuchsleitsystem",
        "besucherlenkung",
        "besucherstrom",
        "stadtleitsystem",
        "gästekarte",
        "tourismus",
    ),
    _m(
        "culture-digital",
        "Digitale Kultur & Welterbe",
        "Digital culture & heritage",
        _TOUR,
        "kultur",
        "theater",
        "museum",
        "welterbe",
        "augmented reality",
        "virtual reality",
    ),
    # rural areas
    _m(
        "smart-village",
        "Smart Village & Dorfentwicklung",
        "Smart village",
        _RURAL,
        "smart village",
        "dorf",
        "dörflich",
        "ländlich",
        "daseinsvorsorge",
        "nahversorgung",
        "dorfladen",
    ),
    _m(
        "inter-municipal",
        "Interkommunale Zusammenarbeit",
        "Inter-municipal cooperation",
        _RURAL,
        "interkommunal",
        "smart region",
        "region",
    ),
    # safety
    _m(
        "disaster-warning",
        "Katastrophenschutz & Frühwarnung",
        "Disaster protection & warning",
        _SAFE,
        "frühwarn",
        "katastrophenschutz",
        "warnsystem",
        "feuerwehr",
        "großschadensereign",
        "waldbrand",
        "bevölkerungsschutz",
        "drohne",
    ),
    # building and housing
    _m(
        "urban-planning",
        "Digitale Stadtplanung",
        "Digital urban planning",
        _BUILD,
        "stadtplanung",
        "bauleitplanung",
        "stadtentwicklung",
        "grundstück",
        "städtebau",
        "flächenmanagement",
    ),
    _m(
        "smart-district",
        "Smartes Quartier",
        "Smart district",
        _BUILD,
        "quartier",
        "stadtteil",
        "smart living",
        "wohnen",
    ),
    _m(
        "building-permits",
        "Digitale Bauverwaltung & BIM",
        "Digital building permits & BIM",
        _BUILD,
        "bauantrag",
        "=bim",
        "building information",
        "baugenehmigung",
    ),
    # strategy (every project has one; it says little about a partner, see RARE)
    _m(
        "smart-city-strategy",
        "Smart-City-Strategie",
        "Smart city strategy",
        _DATA,
        "^strategie",
        "digitalstrategie",
        "smart-city-strategie",
        "rahmenstrategie",
        "masterplan",
        "handlungsfeld",
    ),
)

MEASURE_IDS = tuple(m.id for m in MEASURE_TYPES)
BY_ID = {m.id: m for m in MEASURE_TYPES}

# Products and open-source solutions that several members use: two members on the same
# product can share code, configuration and lessons. Canonical name -> synonyms.
PRODUCTS: dict[str, tuple[str, ...]] = {
    "Open SmartCity App": ("open smartcity app", "open smart city app", "osca"),
    "CONSUL": ("=consul", "consul democracy"),
    "DIPAS": ("=dipas",),
    "Masterportal": ("masterportal",),
    "FIWARE": ("fiware",),
    "CIVITAS/CORE": ("civitas/core", "civitas core"),
    "Open SmartCity HUB": ("open smartcity hub",),
    "Telraam": ("telraam",),
    "Mitwirk-O-Mat": ("mitwirk-o-mat",),
    "Mängelmelder (Open311)": ("open311",),
    "Dorf.Funk": ("dorffunk", "dorf.funk"),
    "CKAN": ("=ckan",),
    "Grafana": ("grafana",),
    "ThingsBoard": ("thingsboard",),
    "The Things Network": ("the things network", "=ttn"),
}


def normalise(text: str) -> str:
    """Lower case, NFC, one space: the form synonyms are matched against."""
    text = unicodedata.normalize("NFC", str(text)).lower()
    return re.sub(r"\s+", " ", text).strip()


_LETTER = r"0-9a-zäöüß"


def _pattern(synonym: str) -> str:
    if synonym.startswith("="):
        return rf"(?<![{_LETTER}]){re.escape(synonym[1:])}(?![{_LETTER}])"
    if synonym.startswith("^"):
        return rf"(?<![{_LETTER}]){re.escape(synonym[1:])}"
    return re.escape(synonym)


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple(
        (m.id, re.compile("|".join(_pattern(s) for s in m.synonyms)))
        for m in MEASURE_TYPES
        if m.synonyms
    )


@lru_cache(maxsize=1)
def _compiled_products() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple(
        (name, re.compile("|".join(_pattern(s) for s in synonyms)))
        for name, synonyms in PRODUCTS.items()
    )


def measures_in(text: str) -> list[str]:
    """The measure ids whose synonyms occur in `text` (a keyword, a note), in vocabulary
    order. Free text can name several measures ("Sensorik & LoRaWAN")."""
    norm = normalise(text)
    if not norm:
        return []
    return [measure_id for measure_id, pattern in _compiled() if pattern.search(norm)]


def products_in(text: str) -> list[str]:
    """Canonical product names named in `text`."""
    norm = normalise(text)
    return [name for name, pattern in _compiled_products() if pattern.search(norm)]


@lru_cache(maxsize=1)
def _measure_names() -> dict[str, str]:
    """Every id and normalised label -> its measure's id (the first entry that has it)."""
    names: dict[str, str] = {}
    for m in MEASURE_TYPES:
        for name in (m.id, normalise(m.de), normalise(m.en)):
            names.setdefault(name, m.id)
    return names


def resolve_measure(value: str) -> str | None:
    """A cell's measure as an id: the id itself, or a label in either language; None
    when the value names no vocabulary entry exactly (never a guess)."""
    return _measure_names().get(normalise(value))


def resolve_status(value: str) -> str | None:
    """A cell's status in the vocabulary's words, or None when it is not one."""
    norm = normalise(value or "")
    if norm in STATUS_ALIASES:
        return STATUS_ALIASES[norm]
    for status in MEASURE_STATUSES:
        if norm == status.lower():
            return status
    return None


def suggest_measures(value: str, limit: int = 3) -> list[str]:
    """The vocabulary entries closest to an unknown measure name, as labels (German):
    entries whose synonyms occur in the text first, then the most similar labels and ids.
    Offered to whoever made the file; never applied on their behalf."""
    import difflib

    found = [BY_ID[m].de for m in measures_in(value)]
    names = {normalise(m.de): m.de for m in MEASURE_TYPES}
    names |= {normalise(m.en): m.de for m in MEASURE_TYPES}
    names |= {m.id: m.de for m in MEASURE_TYPES}
    close = difflib.get_close_matches(normalise(value), list(names), n=limit * 2, cutoff=0.5)
    for name in close:
        if names[name] not in found:
            found.append(names[name])
    return found[:limit]


def label(measure_id: str, lang: str = "de") -> str:
    """A measure's label in the interface language (the id itself when unknown)."""
    m = BY_ID.get(measure_id)
    if m is None:
        return measure_id
    return m.de if lang == "de" else m.en


def _split_keywords(text) -> list[str]:
    return [k.strip() for k in str(text or "").split(";") if k.strip()]


def project_measures(projects, measures):
    """One row per (project_id, measure) with status, since, product and source: the
    measures table's rows for the projects it covers; for every other project its keywords
    mapped onto the vocabulary through the synonyms (status unknown, the project's own
    page as source). Returns (frame, ids of the projects whose measures come from keywords)."""
    import pandas as pd

    columns = ["project_id", "measure", "status", "since", "product", "source"]
    frames = []
    covered: set = set()
    if measures is not None and len(measures):
        frame = measures.reindex(columns=columns).copy()
        for column in ("status", "since", "product", "source"):
            # a column the caller lacks comes back as float NaN: fill it as text
            frame[column] = frame[column].astype(object).fillna("").astype(str)
        frame["status"] = frame["status"].replace("", "unbekannt")
        frames.append(frame)
        covered = set(frame["project_id"])
    rest = projects[~projects["id"].isin(covered)]
    from_keywords = tuple(rest["id"]) if "keywords" in projects else ()
    rows = []
    if "keywords" in projects:
        url = rest["url"] if "url" in rest else pd.Series("", index=rest.index)
        cache: dict[str, tuple[list[str], list[str]]] = {}
        for pid, keywords, link in zip(rest["id"], rest["keywords"], url, strict=True):
            seen: set[str] = set()
            link_text = link if isinstance(link, str) and link.startswith("http") else ""
            for keyword in _split_keywords(keywords):
                if keyword not in cache:
                    cache[keyword] = (measures_in(keyword), products_in(keyword))
                found, products = cache[keyword]
                for measure in found:
                    if measure not in seen:
                        seen.add(measure)
                        product = products[0] if products else ""
                        rows.append((pid, measure, "unbekannt", "", product, link_text))
    frames.append(pd.DataFrame(rows, columns=columns))
    frame = pd.concat([f for f in frames if len(f)] or frames[-1:], ignore_index=True)
    return frame, from_keywords
