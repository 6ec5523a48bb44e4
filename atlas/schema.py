"""Table schemas declared once, as data: the exchange format.

The same declarations drive reading and validation (atlas.headers, atlas.coerce,
atlas.network), the database tables (atlas.store), the import templates and exports
(atlas.export) and the format's documentation (atlas.schema_doc -> data/SCHEMA.md). Column
names are the exchange format other networks deliver, so they never change; tables may
carry extra columns, which are kept as text. The bundled data's own extra columns (notes,
sources and confidence of single values, see data/SOURCES.md) are declared per table as
`extras`, so that loading them is not reported as an unknown column.

Above 400 lines on purpose: it is the whole format in one place (vocabularies, the nine
tables, the German header and phase names offices use); split, a reader of the format
would have to put it together again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

STATES = (
    "Baden-Württemberg",
    "Bayern",
    "Berlin",
    "Brandenburg",
    "Bremen",
    "Hamburg",
    "Hessen",
    "Mecklenburg-Vorpommern",
    "Niedersachsen",
    "Nordrhein-Westfalen",
    "Rheinland-Pfalz",
    "Saarland",
    "Sachsen",
    "Sachsen-Anhalt",
    "Schleswig-Holstein",
    "Thüringen",
)

# Fields of action: one fixed vocabulary, so that topics can be compared
# across projects and networks.
TOPICS = (
    "Mobilität",
    "Energie & Klimaschutz",
    "Umwelt",
    "Digitale Kompetenzen & Bildung",
    "Beteiligung & Engagement",
    "Daten & Plattformen",
    "Verwaltung",
    "Gesundheit & Pflege",
    "Handel & Innenstadt",
    "Wirtschaft & Arbeit",
    "Tourismus & Kultur",
    "Ländlicher Raum & Versorgung",
    "Sicherheit",
    "Bauen & Wohnen",
)

# Phases in the order a project passes through them.
PHASES = ("Strategie", "Umsetzung", "Verlängerung", "Abgeschlossen")

KINDS = ("Gemeinde", "Stadt", "kreisfreie Stadt", "Landkreis", "Verband")

# The MPSC programme's size classes (other programmes may leave this empty).
SIZE_CLASSES = (
    "Großstadt",
    "Mittelstadt",
    "Kleinstadt/Landgemeinde",
    "Interkommunal/Landkreis",
)

# Germany's bounding box with a small margin: coordinates outside are an error
# (typically lat/lon swapped, or a point abroad).
GERMANY_BBOX = {"lat": (47.2, 55.1), "lon": (5.8, 15.1)}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "id", "text", "int", "float", "date", "list", "ref", "reflist"
    required: bool = False
    allowed: tuple[str, ...] | None = None
    description: str = ""
    # for "ref"/"reflist": the table(s) the ids must exist in
    refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    description: str = ""
    required_table: bool = True
    id_column: str | None = "id"
    checks: tuple[str, ...] = field(default=())
    # documented extra columns: read as text, not part of the exchange format
    extras: tuple[Column, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def extra_names(self) -> list[str]:
        return [c.name for c in self.extras]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


# Columns several tables share, declared once
_ID = Column("id", "id", True, description="Eindeutige Kennung")
_LAT = Column("lat", "float", description="Breitengrad (WGS84)")
_LON = Column("lon", "float", description="Längengrad (WGS84)")
_PROJECT = Column("project_id", "ref", True, description="Projekt", refs=("projects",))
_SOURCE = Column("source", "text", description="Quelle")
_NOTES = Column("notes", "text", description="Anmerkungen")
_NOTE = Column("note", "text", description="Bemerkung")
_DATE = Column("date", "date", description="Datum")


MUNICIPALITIES = Table(
    "municipalities",
    (
        Column("id", "id", True, description="Eindeutige Kennung (z. B. lemgo)"),
        Column("name", "text", True, description="Name der Kommune"),
        Column("kind", "text", True, KINDS, "Art der Gebietskörperschaft"),
        Column("state", "text", True, STATES, "Bundesland"),
        Column("district", "text", description="Landkreis/Kreis bzw. kreisfreie Stadt"),
        Column("population", "int", description="Einwohnerzahl"),
        replace(_LAT, required=True),
        replace(_LON, required=True),
        Column("ags", "text", description="Amtlicher Gemeinde- bzw. Kreisschlüssel"),
        _SOURCE,
    ),
    "Mitgliedskommunen und Kreise des Netzwerks",
    checks=("coordinates_in_germany",),
    extras=(
        Column("kind_detail", "text", description="Art laut Referenz (z. B. Samtgemeinde)"),
        Column("population_source", "text", description="Quelle der Einwohnerzahl"),
        Column("coord_source", "text", description="Quelle der Koordinaten"),
        _NOTES,
    ),
)

PROJECTS = Table(
    "projects",
    (
        _ID,
        Column("name", "text", True, description="Projektname"),
        Column("programme", "text", True, description="Förderprogramm oder Netzwerk"),
        Column("cohort", "int", description="Staffel/Jahrgang (z. B. 2020)"),
        Column(
            "municipality_ids",
            "reflist",
            True,
            description="Beteiligte Kommunen (Kennungen, mit ; getrennt)",
            refs=("municipalities",),
        ),
        Column(
            "lead_municipality_id",
            "ref",
            description="Federführende Kommune",
            refs=("municipalities",),
        ),
        Column("size_class", "text", allowed=SIZE_CLASSES, description="Größenklasse"),
        Column("topics", "list", allowed=TOPICS, description="Handlungsfelder (mit ; getrennt)"),
        Column("phase", "text", allowed=PHASES, description="Aktuelle Phase laut Quelle"),
        Column("start", "date", description="Beginn (JJJJ-MM-TT oder JJJJ-MM)"),
        Column("end", "date", description="Ende (JJJJ-MM-TT oder JJJJ-MM)"),
        Column("funding_federal_eur", "float", description="Bundesförderung in Euro"),
        Column("funding_total_eur", "float", description="Gesamtvolumen in Euro"),
        Column("url", "text", description="Projektseite"),
        _SOURCE,
    ),
    "Projekte der Mitglieder",
    checks=("end_after_start",),
    extras=(
        Column("keywords", "text", description="Stichworte der Quelle zu Maßnahmen"),
        Column("name_confidence", "text", description="Sicherheit des Projektnamens"),
        Column("funding_note", "text", description="Hinweis zur Förderung"),
        _NOTES,
        Column("topics_source", "text", description="Quelle der Handlungsfelder"),
        Column("topics_confidence", "text", description="Sicherheit der Handlungsfelder"),
        Column("end_note", "text", description="Hinweis zum Ende"),
        Column("phase_source", "text", description="Quelle zur Phase"),
    ),
)

PHASES_TABLE = Table(
    "phases",
    (
        _PROJECT,
        Column("phase", "text", True, PHASES, "Phase"),
        Column("start", "date", description="Beginn der Phase"),
        Column("end", "date", description="Ende der Phase"),
        _SOURCE,
    ),
    "Phasen der Projekte mit Zeitraum",
    required_table=False,
    id_column=None,
    checks=("end_after_start",),
    extras=(Column("precision", "text", description="Genauigkeit der Daten laut Quelle"),),
)

ORGANISATIONS = Table(
    "organisations",
    (
        _ID,
        Column("name", "text", True, description="Name"),
        Column("kind", "text", description="Art (z. B. Forschung, Verband)"),
        _LAT,
        _LON,
        _SOURCE,
    ),
    "Partnerorganisationen (Forschung, Verbände, ...)",
    required_table=False,
    checks=("coordinates_in_germany",),
    extras=(_NOTES,),
)

_ANY_NODE = ("municipalities", "projects", "organisations")

COOPERATIONS = Table(
    "cooperations",
    (
        _ID,
        Column("a_id", "ref", True, description="Partner A", refs=_ANY_NODE),
        Column("b_id", "ref", True, description="Partner B", refs=_ANY_NODE),
        Column("kind", "text", description="Art (Besuch, Gemeinsames Projekt, ...)"),
        _DATE,
        _NOTE,
        _SOURCE,
        Column("measure", "text", description="Maßnahme, um die es geht (Kennung oder Name)"),
    ),
    "Bekannte Verbindungen (gemeinsame Projekte, Besuche, Partnerschaften)",
    required_table=False,
)

EVENTS = Table(
    "events",
    (
        _ID,
        Column("date", "date", True, description="Datum"),
        Column("title", "text", True, description="Titel"),
        Column("kind", "text", description="Art (Besuch, Netzwerktreffen, ...)"),
        Column("municipality_id", "ref", description="Ort (Kommune)", refs=("municipalities",)),
        Column("participant_ids", "reflist", description="Teilnehmende", refs=_ANY_NODE),
        _SOURCE,
    ),
    "Netzwerktreffen und Besuche",
    required_table=False,
    extras=(_NOTES,),
)

MEASURES = Table(
    "measures",
    (
        _PROJECT,
        Column(
            "measure",
            "text",
            True,
            description="Maßnahme: Kennung oder Name aus dem Maßnahmen-Verzeichnis (atlas/measures.py)",
        ),
        Column(
            "status",
            "text",
            description="Stand: geplant, in Umsetzung, in Betrieb, abgeschlossen oder unbekannt",
        ),
        Column(
            "since", "date", description="Seit wann dieser Stand gilt (JJJJ, JJJJ-MM, JJJJ-MM-TT)"
        ),
        Column("product", "text", description="Produkt bzw. Lösung (z. B. DIPAS, Masterportal)"),
        Column("source", "text", description="Quelle (Adresse)"),
        _NOTE,
    ),
    "Maßnahmen der Projekte mit Stand und Quelle",
    required_table=False,
    id_column=None,
)

META = Table(
    "meta",
    (
        Column(
            "key",
            "id",
            True,
            description="Schlüssel: title, as_of, licence; optional extension_offer_<Staffel> "
            "(Datum eines Verlängerungsangebots) und extension_offer_<Staffel>_source",
        ),
        Column("value", "text", description="Wert"),
    ),
    "Angaben zum Datensatz (Titel, Stand, Lizenz)",
    required_table=False,
    id_column="key",
)

VIEWS = Table(
    "views",
    (
        _ID,
        Column("title", "text", True, description="Titel der Ansicht (z. B. Niedersachsen: Karte)"),
        Column("page", "text", True, description="Seite (URL-Pfad, z. B. karte)"),
        Column("params", "text", description="Filter und Einstellungen als URL-Parameter"),
        Column("position", "int", description="Reihenfolge in der Präsentation"),
    ),
    "Gespeicherte Ansichten für Präsentationen",
    required_table=False,
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        MUNICIPALITIES,
        PROJECTS,
        PHASES_TABLE,
        ORGANISATIONS,
        COOPERATIONS,
        EVENTS,
        MEASURES,
        META,
        VIEWS,
    )
}

# Separators accepted in list cells; ";" is written, "|" is also read.
LIST_SEPARATORS = (";", "|")

# Column headers German offices actually send, mapped to the exchange format.
# Matched case-insensitively after trimming; applies to every table.
HEADER_ALIASES = {
    "kennung": "id",
    "name": "name",
    "bezeichnung": "name",
    "art": "kind",
    "typ": "kind",
    "bundesland": "state",
    "land": "state",
    "landkreis": "district",
    "kreis": "district",
    "einwohner": "population",
    "einwohnerzahl": "population",
    "breitengrad": "lat",
    "breite": "lat",
    "latitude": "lat",
    "längengrad": "lon",
    "laengengrad": "lon",
    "länge": "lon",
    "longitude": "lon",
    "lng": "lon",
    "gemeindeschlüssel": "ags",
    "gemeindeschluessel": "ags",
    "amtlicher gemeindeschlüssel": "ags",
    "quelle": "source",
    "programm": "programme",
    "förderprogramm": "programme",
    "staffel": "cohort",
    "kohorte": "cohort",
    "kommunen": "municipality_ids",
    "beteiligte kommunen": "municipality_ids",
    "federführende kommune": "lead_municipality_id",
    "größenklasse": "size_class",
    "themen": "topics",
    "handlungsfelder": "topics",
    "phase": "phase",
    "beginn": "start",
    "start": "start",
    "ende": "end",
    "bundesförderung": "funding_federal_eur",
    "gesamtvolumen": "funding_total_eur",
    "webseite": "url",
    "projekt": "project_id",
    "datum": "date",
    "titel": "title",
    "bemerkung": "note",
    "ort": "municipality_id",
    "teilnehmende": "participant_ids",
    "maßnahme": "measure",
    "massnahme": "measure",
    "status": "status",
    "stand": "status",
    "seit": "since",
    "produkt": "product",
    "lösung": "product",
    # what office spreadsheets call the columns (German exports, MPSC lists, Excel forms)
    "id": "id",
    "nr": "id",
    "nr.": "id",
    "lfd. nr.": "id",
    "projekt-id": "id",
    "projektname": "name",
    "projekttitel": "name",
    "gemeindename": "name",
    "name der kommune": "name",
    "kommunenname": "name",
    "ags": "ags",
    "gemeindekennziffer": "ags",
    "kreisschlüssel": "ags",
    "einw.": "population",
    "bevölkerung": "population",
    "lat": "lat",
    "lon": "lon",
    "breitengrad (wgs84)": "lat",
    "längengrad (wgs84)": "lon",
    "gebietskörperschaft": "kind",
    "art der kommune": "kind",
    "kreis/kreisfreie stadt": "district",
    "förderstaffel": "cohort",
    "jahrgang": "cohort",
    "federführung": "lead_municipality_id",
    "federführend": "lead_municipality_id",
    "projektbeginn": "start",
    "projektende": "end",
    "laufzeit von": "start",
    "laufzeit bis": "end",
    "fördersumme bund": "funding_federal_eur",
    "bundesmittel": "funding_federal_eur",
    "fördermittel bund": "funding_federal_eur",
    "gesamtkosten": "funding_total_eur",
    "gesamtbudget": "funding_total_eur",
    "homepage": "url",
    "website": "url",
    "link": "url",
    "projektphase": "phase",
    "thema": "topics",
    "themenfelder": "topics",
}

# Phase names other networks use, mapped onto PHASES.
PHASE_ALIASES = {
    "strategy": "Strategie",
    "strategiephase": "Strategie",
    "phase a": "Strategie",
    "implementation": "Umsetzung",
    "umsetzungsphase": "Umsetzung",
    "phase b": "Umsetzung",
    "extension": "Verlängerung",
    "verlaengerung": "Verlängerung",
    "completed": "Abgeschlossen",
    "abgeschlossen": "Abgeschlossen",
    "done": "Abgeschlossen",
}
