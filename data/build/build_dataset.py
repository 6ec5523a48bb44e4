"""Build the bundled network tables in data/ from the researched reference facts.

Run from the repository root, after build_boundaries.py::

    .venv/bin/python data/build/build_dataset.py [path/to/reference]

The reference directory defaults to ``../shared/reference`` relative to the
repository root. Inputs there: mpsc_projects.csv, mpsc_municipalities.csv,
mpsc_funding_phases.csv, mpsc_topics.csv, nst_network.csv. Inputs from this
repository: data/build/facts.csv (facts checked against public pages, each with the
page's full address; they complete or correct the reference), data/geo/municipalities_de.csv,
data/geo/verbaende_de.csv and static/geo/districts.geojson (BKG VG250 2016, see
build_boundaries.py).

Outputs (UTF-8 CSV, ";" inside list cells): data/municipalities.csv,
projects.csv, phases.csv, organisations.csv, cooperations.csv, events.csv.
data/SOURCES.md is maintained by hand next to them.

Rules (see SOURCES.md): facts only; unknown stays empty. Kind, district, AGS
and coordinates come from the BKG boundaries; population only where the
reference cites a source for it. Curated tables below transcribe dated facts
from the reference; each keeps the raw reference string it was read from, and
the build stops if that string no longer appears in the reference, so a changed
reference cannot silently go out of sync.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from pathlib import Path

from shapely.geometry import shape
from shapely.ops import unary_union

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
REPO_BOUNDARIES = REPO / "static" / "geo"  # served to the browser by the app
GEO = DATA / "geo"
DEFAULT_REFERENCE = REPO.parent / "shared" / "reference"

BKG = "BKG VG250 2016 (© GeoBasis-DE / BKG (2016), dl-de/by-2-0)"
MPSC = "Modellprojekte Smart Cities"
NST_PROGRAMME = "Niedersächsischer Städtetag – Klimaschutz durch Smart Cities"
NST_PROJECT_ID = "nst-klimaschutz-smart-cities"
NST_PROJECT_NAME = (
    "Unterstützung und Beschleunigung des kommunalen Klimaschutzes durch Smart Cities"
)
NST_SOURCE = (
    "https://con-nect.de/suche/nachricht/wennigsen-wird-zur-smart-city; "
    "http://player.stadtradio-goettingen.de/redaktion/nachrichtenarchiv/2021/januar_2021/"
    "projekt_zur_digitalisierung_als_beitrag_zum_kommunalen_klimaschutz_gestartet; "
    # The joint NST/MU press release on nst.de, address as the search index holds it.
    "https://www.nst.de/Aktuelles/Pressemitteilungen/Gemeinsame-Presseerkl%25C3%25A4rung-MU-NST-"
    "br-Nieders%25C3%25A4chsischer-Umwelt-und-Bauminister-Olaf-Lies-und-Nieders%25C3%25A4chsischer-"
    "St%25C3%25A4dtetag-begr%25C3%25BC%25C3%259Fen-die-F%25C3%25B6rderzusage-des-Bundes-"
    "f%25C3%25BCr-die-St%25C3%25A4dte-Einbeck-und-Hannover-als-smart-cities-.php"
    "?object=tx,2606.6&ModID=7&FID=2606.4488.1&NavID=2606.30&La=1"
)
# Public report of the contract (the reference named only its own research notes).
FRAUNHOFER_SOURCE = (
    "https://www.westfalen-blatt.de/OWL/Kreis-Lippe/Kalletal/"
    "4370007-Fraunhofer-unterstuetzt-Kalletal-und-Lemgo-Starker-Partner-fuer-Smart-Cities "
    "(Westfalen-Blatt, 02/2021)"
)
# KfW/BMWSB offered all 2021-cohort projects a cost-neutral extension to 31.03.2028.
OFFER_SOURCE = (
    "https://hildesheimer-presse.de/2024/12/13/"
    "modellprojekt-smart-city-laufzeitverlaengerung-bis-2028/"
)
# City & Bits on its support, with the NST, of the seven Lower Saxony model projects.
CITY_AND_BITS_SOURCE = (
    "https://cityandbits.de/2022/02/18/"
    "city-bits-unterstuetzt-mit-dem-niedersaechsischen-staedtetag-die-smart-city-modellkommunen-"
    "in-niedersachsen/ (City & Bits, 18.02.2022)"
)
# Einbeck's 2021 application "im Kooperationsverbund" with Hannover, Göttingen, Oldenburg.
EINBECK_SOURCE = (
    "https://einbeckaktuell.wpcomstaging.com/2021/03/05/einbeck-soll-smart-digital-werden/ "
    "(Einbeck aktuell, 05.03.2021)"
)
# The joint project of Kalletal and Lemgo, named when its funding was granted.
KALLETAL_LEMGO_SOURCE = (
    "https://www.owl-journal.de/digitalisierungsprojekt-von-kalletal-und-lemgo-wird-gefoerdert/ "
    "(OWL-Journal, 11/2020)"
)
# Iserlohn joined "5 für Südwestfalen" as sixth municipality in October 2020.
ISERLOHN_SOURCE = (
    "https://www.wp.de/region/sauer-und-siegerland/"
    "fortschritte-beim-projekt-smart-cities-suedwestfalen-id230945114.html (Westfalenpost, 2020)"
)
VISIT_URL = (
    "https://www.digital-interkommunal.de/pressemitteilungen/"
    "09-06-2022-niedersaechsische-smart-cities-zu-besuch-bei-digital-interkommunal/"
)

# The official cohort lists: a page that lists the cohort, plus the other citation.
COHORT_SOURCE = {
    "2019": "https://www.behoerden-spiegel.de/2019/09/09/die-smartesten-cities-2019/; "
    # Deutscher Städtetag, 10.07.2019 (the host is städtetag.de in its ASCII form).
    "http://xn--stdtetag-1za.de/fachinformationen/digitalisierung/090477/index.html",
    "2020": "https://www.smart-city-dialog.de/aktuelles/"
    "32-modellprojekte-smart-cities-fuer-die-zweite-staffel-ausgewaehlt; "
    "https://crisis-prevention.de/sicherheit/32-modellprojekte-smart-cities-ausgewaehlt.html",
    "2021": "https://dstgb.de/themen/digitalisierung/aktuelles/28-neue-modellprojekte-smart-cities; "
    "https://staedtetag.de/ueber-uns/aus-den-staedten/2021/"
    "modellprojekte-smart-cities-fuer-die-dritte-staffel-ausgewaehlt",
}
COHORT_DATE = {"2019": "2019-07-10", "2020": "2020-09-08", "2021": "2021-07-15"}
COHORT_COUNT = {"2019": 13, "2020": 32, "2021": 28}

SIZE_CLASS = {
    "Großstädte": "Großstadt",
    "Mittlere Städte / Mittelstädte": "Mittelstadt",
    "Kleinstädte und Landgemeinden": "Kleinstadt/Landgemeinde",
    "Interkommunale Kooperationen und Landkreise": "Interkommunal/Landkreis",
}

# Reference kinds -> schema KINDS (the original is kept in kind_detail).
KIND_MAP = {
    "Samtgemeinde": "Verband",
    "Verbandsgemeinde": "Verband",
    "Amt": "Verband",
    "Regionalverband": "Verband",
    "Gemeinde (Markt)": "Gemeinde",
    "kreisfreie Stadt (Stadtstaat)": "kreisfreie Stadt",
    "Stadt (Landeshauptstadt, regionsangehörig)": "Stadt",
}
VERBAND_PREFIXES = ("Verbandsgemeinde ", "Samtgemeinde ", "Amt ")

# Reference name -> BKG name where the spelling differs.
BKG_NAME = {
    "Kirchheim bei München": "Kirchheim b. München",
    "Landkreis Wunsiedel im Fichtelgebirge": "Landkreis Wunsiedel i. Fichtelgebirge",
}

# The reference lists municipalities in the order of the official cohort list;
# the first is the lead. Exception: digital.interkommunal, whose name and the
# project's own communication put Kalletal first ("Kalletal.Lemgo").
LEAD_OVERRIDE = {"digital.interkommunal Kalletal.Lemgo": "Kalletal"}

# A source error that must not be copied (smart-city-dialog CUT page).
REJECTED_FACTS = {("Leipzig", "Brandenburg", "11053")}

NST_MEMBERS = [
    "Bad Bentheim",
    "Einbeck",
    "Göttingen",
    "Hannover",
    "Langenhagen",
    "Lingen (Ems)",
    "Oldenburg (Oldb)",
    "Stade",
    "Wennigsen (Deister)",
]

# --- curated dated facts, transcribed from mpsc_funding_phases.csv ---------
# project name -> (start, end, note, raw reference string that supports it).
# Year-only ranges are written YYYY-01 / YYYY-12 and say so in the note.
RUNTIMES = {
    "Smart City Zwönitz": ("2019-11-01", "2026-12", "", "from 01.11.2019"),
    "Berlin lebenswert smart": ("2021-02", "2026-12", "", "Dec 2026"),
    "Jena digitalisiert, lernt und teilt": ("2020-09", "2027-08", "", "Sep 2020-Aug 2027"),
    "Smart Kassel": ("2021-04-01", "", "", "7 years from 01.04.2021"),
    "Smart City Lübeck": ("", "2028-12", "", "end of 2028"),
    "mind the gap – Smart Mönchengladbach": ("2021-01", "", "", "7 years from Jan 2021"),
    "Modellprojekt Smart City Paderborn": ("2021-01", "2025-12", "year", "5 years (2021-2025)"),
    "SmartBarleben": ("2020-11", "", "", "from Nov 2020"),
    "Smart City Hagenow": ("", "2025-09-19", "", "ended 19.09.2025"),
    "#Aalen-HeidenheimGemeinsamDigital": ("2021-01", "2027-12", "year", "2021-2027 (2+5)"),
    "Zukunftsschusterei": ("2021-01", "", "", "7 years from Jan 2021"),
    "Smart Region AUF": ("2020-11", "2027-01", "", "Jan 2027"),
    "Connected Urban Twins (CUT)": ("2021-01", "2025-12", "", "Jan 2021-Dec 2025"),
    "Smart Wendeler Land": ("2020-12", "2027-12", "", "from Dec 2020"),
    "digital.interkommunal Kalletal.Lemgo": ("2020-12-01", "2027-11", "", "01.12.2020"),
    "Smarte Region MYK10": ("", "2027-12", "", "end of 2027"),
    "Gütersloh digital – smarter leben": ("", "2026-12", "", "end of 2026"),
    "Smart City Bochum": ("2021-12", "2026-09", "", "Dec 2021-Sep 2026"),
    "Modellprojekt Smart City Dresden": ("2022-01", "2026-12", "", "Phase 1 Jan 2022"),
    "Smart City Halle (Saale)": ("", "2027-12-31", "", "extended to 31.12.2027"),
    "Restart: #HANnovativ": ("", "2026-12", "", "to 12/2026"),
    "HI 2030: Das resiliente Hildesheim der Zukunft": ("", "2026-12-31", "", "31.12.2026"),
    "Digitalisierung findet Stadt: MünsterZukunft gemeinsam machen": (
        "2022-01",
        "2026-12",
        "year",
        "2022-end of 2026",
    ),
    "REGENSBURG_NEXT": ("2022-01", "2026-12", "year", "2022-2026"),
    "Smart City Wuppertal": ("2022-01", "2026-12", "year", "Phase A 2022-Apr 2023"),
    "#stadt.land.smart": ("2022-01", "2026-12", "year", "2022-end of 2026"),
    "Die co-kreative Stadt": ("2021-10-01", "2027-09", "", "from 01.10.2021"),
    "Smart City Kempten": ("2022-01-01", "2026-12", "", "01.01.2022-end of 2026"),
    "Smart Green City Konstanz": ("2022-01", "2026-12", "year", "2022-2026"),
    "Smartes Gießener Land": ("", "2026-12", "", "to end of 2026"),
    "Hameln-Pyrmont goes Smart City": ("2022-01", "2027-12", "year", "2027 (after extension)"),
    "Smarte Nahversorgungsräume der Zukunft": ("2022-01", "2025-12", "year", "2022-2025"),
    "LAND L(i)EBEN – digital.gemeinsam.vorOrt": (
        "2022-01-01",
        "2026-12-31",
        "",
        "01.01.2022-31.12.2026",
    ),
    "SmartesLand Ilzer Land": ("2022-01", "2026-12", "year", "2022-2026 (1+4)"),
    "Smarte Grenzregion zwischen den Meeren": ("2022-01-01", "2026-12", "", "from 01.01.2022"),
}

# project name -> [(phase, start, end, precision, raw reference string)]
PHASE_PERIODS = {
    "Ulm4CleverCity": [("Strategie", "2020-01", "2021-12", "year", "2020-2021")],
    "Smart City Zwönitz": [("Strategie", "2019-11-01", "", "day (start only)", "01.11.2019")],
    "Berlin lebenswert smart": [
        ("Strategie", "2021-02", "2021-05", "month", "Phase I Feb-May 2021"),
        ("Strategie", "2021-08", "2022-05", "month", "Phase II Aug 2021-May 2022"),
        ("Umsetzung", "2022-01", "2026-12", "month", "Jan 2022-Dec 2026"),
    ],
    "Jena digitalisiert, lernt und teilt": [
        ("Strategie", "2020-09", "2023-03", "month", "Phase A Sep 2020-Mar 2023"),
        ("Umsetzung", "2022-09", "2027-08", "month", "Phase B Sep 2022-Aug 2027"),
    ],
    "Smart City Lübeck": [
        ("Strategie", "2021-01", "2022-12", "year", "2021/22"),
        ("Umsetzung", "2023-01", "2028-12", "year", "early 2023-end of 2028"),
    ],
    "sMArt roots": [
        ("Strategie", "2021-01", "2023-12", "year", "Phase A 2021-2023"),
        ("Umsetzung", "2023-01", "2027-12", "year", "Phase B 2023-2027"),
    ],
    "Modellprojekt Smart City Paderborn": [
        ("Umsetzung", "2021-01", "2025-12", "year", "2021-2025"),
    ],
    "Smart City Bamberg": [("Umsetzung", "2023-01", "2027-12", "year", "2023-2027")],
    "Zukunftsschusterei": [
        ("Strategie", "2021-01", "2023-06", "month", "extended by 6 months to June 2023"),
        ("Umsetzung", "2023-07", "", "month (start only)", "from July 2023"),
    ],
    "DOS 2030 – Digital Operating System Dortmund Schwerte": [
        ("Strategie", "2020-01", "2022-12", "year", "Phase 1 2020-2022"),
        ("Umsetzung", "2022-12", "2027-12", "year (start: end of 2022)", "end of 2022-2027"),
    ],
    "Smart Region AUF": [
        ("Strategie", "2020-11", "2022-10", "month", "Nov 2020-Oct 2022"),
        ("Umsetzung", "2022-02", "2027-01", "month", "Feb 2022-Jan 2027"),
    ],
    "Connected Urban Twins (CUT)": [
        ("Umsetzung", "2021-01", "2025-12", "month", "Jan 2021-Dec 2025"),
    ],
    "Smart Wendeler Land": [("Umsetzung", "2023-01", "2027-12", "month", "from Jan 2023")],
    "digital.interkommunal Kalletal.Lemgo": [
        ("Strategie", "2021-01", "2022-11", "month", "01.2021-11.2022"),
        ("Umsetzung", "2022-12", "2027-11", "month", "12.2022-11.2027"),
    ],
    "Modellprojekt Smart City Dresden": [
        ("Strategie", "2022-01", "2023-06", "month", "Phase 1 Jan 2022-Jun 2023"),
    ],
    "Smart City Halle (Saale)": [
        ("Verlängerung", "2027-01", "2027-12-31", "day", "extended to 31.12.2027"),
    ],
    "Smart City Wuppertal": [
        ("Strategie", "2022-01", "2023-04", "year (start) / month (end)", "Phase A 2022-Apr 2023"),
        ("Umsetzung", "2023-05", "2026-12", "month", "Phase B May 2023-end of 2026"),
    ],
    "Mission smarte Region Linz am Rhein": [
        ("Umsetzung", "2023-07-01", "", "day (start only)", "from 01.07.2023"),
    ],
    "Hameln-Pyrmont goes Smart City": [
        ("Strategie", "2022-01", "2022-12", "year", "2022"),
        ("Umsetzung", "2023-01", "2026-12", "year", "2023-2026"),
        ("Verlängerung", "2027-01", "2027-12", "year", "+1 year cost-neutral extension, 04/2025"),
    ],
    "Smarte Grenzregion zwischen den Meeren": [
        ("Strategie", "2022-01-01", "2023-06-30", "day", "to 30.06.2023"),
        (
            "Umsetzung",
            "2023-07-01",
            "2026-12",
            "day (start) / month (end)",
            "01.07.2023-end of 2026",
        ),
    ],
}

# Current phase as of the reference's latest snapshot (Sep 2025), only where a
# source states it or the dated phases imply it: project name -> (phase, why).
CURRENT_PHASE = {
    "Smart City Hagenow": ("Abgeschlossen", "beendet am 19.09.2025 (hagenow.de 22.09.2025)"),
    "Smart City Wolfsburg": ("Umsetzung", "Umsetzung seit Ende 2021 (wolfsburg.de FAQ)"),
    "Smart City Iserlohn": ("Umsetzung", "smart-city-dialog.de-Profil: Umsetzungsphase"),
    "Ulm4CleverCity": ("Umsetzung", "Strategie 2020–2021, Umsetzung bis 2026"),
    "Smart City Zwönitz": ("Umsetzung", "Strategie 11/2019–10/2021, Laufzeit bis 10/2026"),
    "SMARTCity Gera": ("Umsetzung", "Strategie 2019–2021/22, Umsetzung bis 2026"),
    "Berlin lebenswert smart": ("Umsetzung", "Umsetzung 01/2022–12/2026"),
    "Modellprojekt Smart City Paderborn": ("Umsetzung", "Umsetzungsprojekt 2021–2025"),
    "Gütersloh digital – smarter leben": (
        "Umsetzung",
        "Strategie 2023 genehmigt, Umsetzung bis Ende 2026",
    ),
    "Jena digitalisiert, lernt und teilt": ("Umsetzung", "Phase B 09/2022–08/2027"),
    "Smart Kassel": ("Umsetzung", "Start 04/2021, 2 Jahre Strategie, Umsetzung bis 2028"),
    "Smart City Lübeck": ("Umsetzung", "Umsetzung Anfang 2023–Ende 2028"),
    "sMArt roots": ("Umsetzung", "Phase B 2023–2027"),
    "mind the gap – Smart Mönchengladbach": ("Umsetzung", "Umsetzung ab Herbst (2022?) bis 2027"),
    "Smart City Bamberg": ("Umsetzung", "Umsetzung 2023–2027"),
    "#Aalen-HeidenheimGemeinsamDigital": ("Umsetzung", "2021–2027, 2 Jahre Strategie + 5 Jahre"),
    "Zukunftsschusterei": ("Umsetzung", "Umsetzung ab 07/2023"),
    "DOS 2030 – Digital Operating System Dortmund Schwerte": (
        "Umsetzung",
        "Phase 2 Ende 2022–2027",
    ),
    "Smart Region AUF": ("Umsetzung", "Umsetzung 02/2022–01/2027"),
    "Connected Urban Twins (CUT)": ("Umsetzung", "Umsetzung 01/2021–12/2025"),
    "Smarte KielRegion": ("Umsetzung", "Strategie 08/2023 genehmigt, 5 Jahre Umsetzung bis 2028"),
    "Smart Wendeler Land": ("Umsetzung", "Umsetzung seit 01/2023 bis Ende 2027"),
    "digital.interkommunal Kalletal.Lemgo": ("Umsetzung", "Umsetzung 12/2022–11/2027"),
    "Smart Region Osnabrück": ("Umsetzung", "Strategie bis Mitte 2023, danach 5 Jahre Umsetzung"),
    "Smart City Bochum": ("Umsetzung", "Strategie bis 2022, Laufzeit bis 09/2026"),
    "Modellprojekt Smart City Dresden": ("Umsetzung", "Strategie bis 06/2023, Laufzeit bis 2026"),
    "Smart City Halle (Saale)": ("Umsetzung", "Strategie bis 06/2023, Umsetzung bis Ende 2026"),
    "Restart: #HANnovativ": ("Umsetzung", "1 Jahr Strategie, Umsetzung bis 12/2026"),
    "HI 2030: Das resiliente Hildesheim der Zukunft": (
        "Umsetzung",
        "Strategie bis Mitte 2023, Ende 31.12.2026",
    ),
    "Smart City Potsdam – Innovativ. Grün. Gerecht.": (
        "Umsetzung",
        "Strategie ca. Sommer 2023 beschlossen, Laufzeit bis 2026",
    ),
    "REGENSBURG_NEXT": ("Umsetzung", "Phase A 1 Jahr + Phase B 4 Jahre, 2022–2026"),
    "Smart City Wuppertal": ("Umsetzung", "Phase B 05/2023–Ende 2026"),
    "#stadt.land.smart": ("Umsetzung", "1 Jahr Strategie, Laufzeit 2022–Ende 2026"),
    "Die co-kreative Stadt": ("Umsetzung", "Konzept 03/2023 beschlossen, Förderung bis 09/2027"),
    "Smart City Kempten": ("Umsetzung", "1,5 Jahre Strategie ab 01/2022, Laufzeit bis Ende 2026"),
    "Smart Green City Konstanz": (
        "Umsetzung",
        "Strategie am 29.06.2023 beschlossen, Laufzeit bis 2026",
    ),
    "Mission smarte Region Linz am Rhein": ("Umsetzung", "Umsetzung seit 01.07.2023 (1+4 Jahre)"),
    "Smartes Gießener Land": ("Umsetzung", "Strategie bis 06/2023, Laufzeit bis Ende 2026"),
    "Hameln-Pyrmont goes Smart City": ("Umsetzung", "Umsetzung 2023–2026 (+1 Jahr)"),
    "SmartesLand Ilzer Land": ("Umsetzung", "2022–2026, 1 Jahr Strategie + 4 Jahre Umsetzung"),
    "Smarte Grenzregion zwischen den Meeren": ("Umsetzung", "Umsetzung 01.07.2023–Ende 2026"),
}

# Project web sites where the reference names the project's own domain.
PROJECT_URL = {
    "Smart City Solingen": "solingen.digital",
    "Digitale Stadt Cottbus/Chóśebuz": "cottbus-digital.de",
    "Smart Green City Haßfurt": "smartcityhassfurt.de",
    "Smart City Zwönitz": "smartcity-zwoenitz.de",
    "Smart Cities: 5 für Südwestfalen": "smartcities-suedwestfalen.com",
    "herzlich digitale Stadt Kaiserslautern": "herzlich-digital.de",
    "Berlin lebenswert smart": "smart-city-berlin.de",
    "Jena digitalisiert, lernt und teilt": "smartcity.jena.de",
    "sMArt roots": "smartmannheim.de",
    "SMILE CITY Rostock": "smartesrostock.de",
    "SmartBarleben": "smart-barleben.de",
    "Smart City Eichenzell": "smartcity-eichenzell.de",
    "Zukunftsschusterei": "zukunftsschusterei.de",
    "EIFELKREIS VERBINDET": "eifelkreis-verbindet.de",
    "Smart Region AUF": "smartregion-auf.de",
    "Connected Urban Twins (CUT)": "connectedurbantwins.de",
    "hoferLand.digital": "hoferland.digital",
    "digital.interkommunal Kalletal.Lemgo": "digital-interkommunal.de",
    "Smarte KielRegion": "smarte-kielregion.de",
    "Smart City Halle (Saale)": "smartes.halle.de",
    "HI 2030: Das resiliente Hildesheim der Zukunft": "hi-zukunft.de",
    "Digitalisierung findet Stadt: MünsterZukunft gemeinsam machen": "smartcity.ms",
    "Smart City Potsdam – Innovativ. Grün. Gerecht.": "smartcity.potsdam.de",
    "Smart City Wuppertal": "smart.wuppertal.de",
    "Smart Green City Konstanz": "smart-green-city-konstanz.de",
    "Gemeinschaft stärken – Freiheit gewinnen": "smartcity.muehlhausen.de",
    "Mission smarte Region Linz am Rhein": "smarte-region-linz.de",
    "LAND L(i)EBEN – digital.gemeinsam.vorOrt": "land-lieben.de",
    "SmartesLand Ilzer Land": "ilzerland.bayern",
    "Smarte Grenzregion zwischen den Meeren": "smarte-grenzregion.de",
    "Smart City Darmstadt": "smartwater.darmstadt.de",
}

# Newer names and status facts reported in mpsc_topics_report.md / data_report.md.
PROJECT_NOTES = {
    "CUDA – Connected Urban Data Architecture": "seit 2022 kommuniziert als DATEN:RAUM:FREIBURG",
    "Smart City Darmstadt": "Projektname laut Stadt: Schlaues Wasser Darmstadt",
    "Smart City Wolfsburg": "Arbeitstitel der Bewerbung: Wolfsburg smart integriert",
    "Smarter, nachhaltiger Tourismus": (
        "Bewerbungstitel; kommuniziert als 'Das WIR wirkt. Smarte und nachhaltige "
        "Metropolregion Rhein-Neckar'; Mannheim nicht beteiligt (eigenes Modellprojekt)"
    ),
    "Smart Green City Konstanz": "12/2025 Programm vom Gemeinderat gekürzt (konstanz.de)",
    "SmartBarleben": "12/2023 erwog der Gemeinderat den Ausstieg; aktueller Stand unbekannt",
    "Smart City Iserlohn": "laut wp.de 10/2020 zusätzlich Partner von 5 für Südwestfalen",
    "Smart City Hagenow": (
        "abgeschlossen am 19.09.2025; Bundesförderung laut Hagenower Blätter 550.000 €"
    ),
    "digital.interkommunal Kalletal.Lemgo": (
        "federführend hier Kalletal (Projektname Kalletal.Lemgo); Referenzliste nennt Lemgo zuerst"
    ),
    "Connected Urban Twins (CUT)": "gemeinsames Projekt dreier Länder (HH, SN, BY)",
}

FUNDING_QUALIFIER = {"up to ~": "bis zu ca.", "up to ": "bis zu", "~": "ca."}
# Row notes in the reference that make both amounts unusable.
AMBIGUOUS_ROW = (
    "federal vs total unclear",
    "two values",
    "sources disagree",
    "unit (federal/total) not stated",
    "federal vs total not stated",
    "applied vs granted",
    "inconsistent",
)


# --- helpers -----------------------------------------------------------------


def slug(text: str) -> str:
    """Readable ascii id: lowercase, umlauts spelled out, other marks dropped."""
    text = text.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    print(f"{path.relative_to(REPO)}: {len(rows)} rows")


def split_list(cell: str) -> list[str]:
    return [x.strip() for x in cell.split(";") if x.strip()]


def short_source(project_source: str) -> str:
    """The project-specific part of a reference source cell."""
    part = project_source.split("||")[-1].strip()
    return part.removeprefix("name/partners:").strip()


def fmt_point(lat: float, lon: float) -> tuple[str, str]:
    return f"{lat:.5f}", f"{lon:.5f}"


# --- BKG lookups ---------------------------------------------------------------


class Bkg:
    """Name/state lookups into the derived BKG tables."""

    def __init__(self) -> None:
        self.municipalities: dict[tuple[str, str], list[dict]] = {}
        for row in read_csv(GEO / "municipalities_de.csv"):
            self.municipalities.setdefault((row["name"], row["state"]), []).append(row)
        self.verbaende = {
            (r["bez"], r["name"], r["state"]): r for r in read_csv(GEO / "verbaende_de.csv")
        }
        features = json.loads((REPO_BOUNDARIES / "districts.geojson").read_text(encoding="utf-8"))[
            "features"
        ]
        self.districts = {f["properties"]["label"]: f for f in features}

    def municipality(self, name: str, state: str) -> dict | None:
        hits = self.municipalities.get((BKG_NAME.get(name, name), state), [])
        if len(hits) > 1:
            raise SystemExit(f"ambiguous BKG municipality {name} ({state})")
        return hits[0] if hits else None

    def verband(self, name: str, state: str) -> dict | None:
        for prefix in VERBAND_PREFIXES:
            if name.startswith(prefix):
                return self.verbaende.get((prefix.strip(), name.removeprefix(prefix), state))
        return None

    def district(self, label: str) -> dict | None:
        return self.districts.get(BKG_NAME.get(label, label))

    def district_point(self, labels: list[str]) -> tuple[float, float]:
        geom = unary_union([shape(self.districts[x]["geometry"]) for x in labels])
        pt = geom.representative_point()
        return round(pt.y, 5), round(pt.x, 5)


# --- municipalities --------------------------------------------------------------


def match_place(ref: dict, bkg: Bkg) -> dict:
    """Kind, district, AGS and point of one reference place from BKG.

    Returns the fields for municipalities.csv plus a list of corrections."""
    name, state, ref_kind = ref["name"], ref["state"], ref["kind"]
    kind = KIND_MAP.get(ref_kind, ref_kind)
    out = {"kind_detail": ref_kind, "corrections": []}
    if kind == "Landkreis":
        feat = bkg.district(name)
        props = feat["properties"]
        if props["state"] != state:
            out["corrections"].append(f"state {state} -> {props['state']}")
        lat, lon = bkg.district_point([props["label"]])
        out.update(kind=kind, district=props["label"], ags=props["ags"], lat=lat, lon=lon)
        out["coord_source"] = f"{BKG}: representative point of district {props['ags']}"
    elif ref_kind == "Regionalverband":
        out.update(kind="Verband", district="", ags="")
        out.update(place_rhein_neckar(bkg))
    elif kind == "Verband":
        row = bkg.verband(name, state)
        out.update(kind=kind, district=row["district"], ags=row["rs"])
        out.update(lat=float(row["lat"]), lon=float(row["lon"]))
        out["coord_source"] = f"{BKG}: representative point of {row['bez']} {row['rs']}"
    else:
        row = bkg.municipality(name, state)
        if row is None:
            raise SystemExit(f"no BKG municipality for {name} ({state})")
        bkg_kind = row["kind"]
        if bkg_kind != kind:
            out["corrections"].append(f"kind {kind} -> {bkg_kind}")
        out.update(kind=bkg_kind, district=row["district"], ags=row["ags"])
        out.update(lat=float(row["lat"]), lon=float(row["lon"]))
        out["coord_source"] = f"{BKG}: representative point of municipality {row['ags']}"
    if ref.get("district") and out["district"] and ref["district"] != out["district"]:
        out["corrections"].append(f"district {ref['district']} -> {out['district']}")
    return out


def place_rhein_neckar(bkg: Bkg) -> dict:
    """The Verband Region Rhein-Neckar spans three states and has no BKG polygon;
    the reference names its seat (Mannheim) but not its member districts."""
    row = bkg.municipality("Mannheim", "Baden-Württemberg")
    return {
        "lat": float(row["lat"]),
        "lon": float(row["lon"]),
        "coord_source": (
            f"{BKG}: no single polygon (planning region across BW, RP, HE); placed at the "
            "representative point of Mannheim (Verband seat per reference)"
        ),
    }


def reference_places(reference: Path) -> list[dict]:
    """MPSC places plus NST members not already among them, in reference order."""
    places = []
    for row in read_csv(reference / "mpsc_municipalities.csv"):
        pop = row["population"].strip()
        if (row["name"], row["state"], pop) in REJECTED_FACTS:
            pop = ""
        places.append(
            {
                "name": row["name"],
                "state": row["state"].split(";")[0].strip(),
                "multi_state": ";" in row["state"],
                "kind": row["kind"],
                "district": row["district"],
                "population": pop,
                "population_source": row["population_source"] if pop else "",
                "first_project": row["used_in_projects"].split(":", 1)[-1].strip(),
            }
        )
    known = {p["name"] for p in places}
    for row in read_csv(reference / "nst_network.csv"):
        if row["municipalities"] in known:
            continue
        places.append(
            {
                "name": row["municipalities"],
                "state": row["state"],
                "multi_state": False,
                "kind": "",  # not in the reference: taken from BKG
                "district": "",
                "population": "",
                "population_source": "",
                "first_project": "",
            }
        )
    return places


def build_municipalities(reference: Path, bkg: Bkg, projects: list[dict]) -> list[dict]:
    by_name = {p["project_name"]: p for p in projects}
    rows, corrections = [], []
    for ref in reference_places(reference):
        if not ref["kind"]:  # NST member: kind follows BKG
            row = bkg.municipality(ref["name"], ref["state"])
            ref["kind"] = row["kind"]
        match = match_place(ref, bkg)
        notes = []
        if ref["multi_state"]:
            notes.append("Verbandsgebiet in Baden-Württemberg, Rheinland-Pfalz und Hessen")
        if match["corrections"]:
            notes.append("korrigiert nach BKG: " + "; ".join(match["corrections"]))
            corrections.append(f"{ref['name']}: " + "; ".join(match["corrections"]))
        ags = match["ags"]
        if ags[:5] in ("03152", "03156"):
            notes.append("AGS Stand 2016; Kreis seit 01.11.2016 Landkreis Göttingen (03159)")
        project = by_name.get(ref["first_project"])
        if project:
            cohort = project["cohort_year"]
            source = f"{COHORT_SOURCE[cohort]}; {short_source(project['source'])}"
        else:
            source = NST_SOURCE
        if project and ref["name"] in NST_MEMBERS:
            source += f"; {NST_SOURCE}"
        lat, lon = fmt_point(match["lat"], match["lon"])
        rows.append(
            {
                "id": slug(ref["name"]),
                "name": ref["name"],
                "kind": match["kind"],
                "state": ref["state"],
                "district": match["district"],
                "population": ref["population"],
                "lat": lat,
                "lon": lon,
                "ags": ags,
                "source": source,
                "kind_detail": match["kind_detail"],
                "population_source": ref["population_source"],
                "coord_source": match["coord_source"],
                "notes": "; ".join(notes),
            }
        )
    ids = [r["id"] for r in rows]
    if len(ids) != len(set(ids)):
        raise SystemExit("duplicate municipality ids")
    for line in corrections:
        print("  corrected:", line)
    return rows


# --- funding -----------------------------------------------------------------


AMOUNT = re.compile(r"^(up to ~|up to |~)?(\d+(?:\.\d+)?)(?: \(([^()]*)\))?$")
ALTERNATIVE = re.compile(r"^(?:[\w.-]+: )?~?(\d+(?:\.\d+)?)$")
OWN_SHARE = re.compile(r"own ~?(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?) own")


def de_number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def parse_amount(cell: str, label: str) -> tuple[float | None, list[str]]:
    """One funding cell (million EUR as text) -> (EUR or None, notes).

    Kept: plain numbers, "up to X" / "~X" (qualifier noted), details in
    parentheses (own share etc.), and a second figure within 10 % of the first.
    Left empty: "?", applied amounts, lower bounds (">X"), composite or changed
    figures ("+", "/", "->") and a second figure that differs by more."""
    cell = cell.strip()
    if not cell:
        return None, []
    if cell == "?":
        return None, [f"{label}: nicht gefunden"]
    lower_bound = re.match(r"^>(\d+(?:\.\d+)?)", cell)
    if lower_bound:
        return None, [
            f"{label}: nur Untergrenze, mehr als {de_number(float(lower_bound[1]))} Mio. €"
        ]
    m = AMOUNT.match(cell)
    if m and "applied" in cell:
        return None, [
            f"{label}: {de_number(float(m[2]))} Mio. € beantragt, Bewilligung nicht belegt"
        ]
    if not m and "+" in cell:
        return None, [f"{label}: nur je Phase angegeben, nicht addiert ({cell})"]
    if not m:
        return None, [f"{label}: nicht eindeutig ({cell})"]
    qualifier, number, detail = m.group(1), float(m.group(2)), m.group(3) or ""
    notes = []
    if qualifier:
        notes.append(f"{label}: {FUNDING_QUALIFIER[qualifier]} {de_number(number)} Mio. €")
    if detail == "max":
        notes.append(f"{label}: bis zu {de_number(number)} Mio. €")
    alt = ALTERNATIVE.match(detail)
    if alt:
        other = float(alt.group(1))
        if abs(other - number) > 0.1 * number:
            return None, [f"{label}: widersprüchliche Angaben ({cell})"]
        notes.append(f"{label}: andere Quelle nennt {de_number(other)} Mio. €")
    own = OWN_SHARE.search(detail)
    if own:
        notes.append(f"Eigenanteil {de_number(float(own[1] or own[2]))} Mio. €")
    if detail.startswith("orig."):
        notes.append(f"{label}: ursprünglich {de_number(float(detail.split()[-1]))} Mio. €")
    if detail.startswith("'"):
        notes.append(f"{label}: angegeben als {detail}")
    return round(number * 1_000_000), notes


def parse_funding(row: dict) -> tuple[str, str, str]:
    """(federal EUR, total EUR, funding_note) of one mpsc_funding_phases row."""
    federal_raw, total_raw = row["federal_funding_mio_eur"], row["total_volume_mio_eur"]
    if any(flag in row["notes"] for flag in AMBIGUOUS_ROW):
        note = "Bund/Gesamt unklar oder widersprüchlich; Rohangaben in Mio. €: "
        note += f"Bund {federal_raw or '–'}, gesamt {total_raw or '–'}"
        return "", "", note
    federal, notes = parse_amount(federal_raw, "Bund")
    total, total_notes = parse_amount(total_raw, "gesamt")
    notes += [n for n in total_notes if n not in notes]
    if row["funding_rate"]:
        notes.append(f"Förderquote {row['funding_rate']}")
    return (
        "" if federal is None else str(federal),
        "" if total is None else str(total),
        "; ".join(notes),
    )


# --- projects ----------------------------------------------------------------


FACTS = Path(__file__).resolve().parent / "facts.csv"
FACT_COLUMNS = ("project_id", "field", "value", "note", "source")
FACT_FIELDS = {
    "start",
    "end",
    "end_note",
    "phase",
    "phase_period",
    "funding_federal_eur",
    "funding_total_eur",
    "funding_note",
}
FULL_URL = re.compile(r"^https?://[^/\s]+\.[a-z]{2,}/\S+$", re.IGNORECASE)


def read_facts(path: Path = FACTS) -> dict[str, list[dict]]:
    """Facts checked against a public page, each with that page's full address (two
    pages that state the fact together: "URL; URL"): project id -> rows (field, value,
    note, source). They complete or correct the
    reference; a project's phase periods given here replace the reference's."""
    facts: dict[str, list[dict]] = {}
    for line, row in enumerate(read_csv(path), start=2):
        where = f"{path.name}, Zeile {line}"
        if None in row.values() or None in row:
            raise SystemExit(f"{where}: {len(FACT_COLUMNS)} Spalten erwartet ({FACT_COLUMNS})")
        if row["field"] not in FACT_FIELDS:
            raise SystemExit(f"{where}, Spalte field: unbekanntes Feld {row['field']!r}")
        if not all(FULL_URL.match(part) for part in row["source"].strip().split("; ")):
            raise SystemExit(f"{where}, Spalte source: keine vollständige URL {row['source']!r}")
        facts.setdefault(row["project_id"], []).append(row)
    return facts


def runtime_reason(f_row: dict) -> str:
    """Why a project has no end date: what the reference found instead (never a guess)."""
    runtime = f_row["runtime"].strip()
    if runtime:
        return f"kein Enddatum veröffentlicht gefunden; nur Laufzeit angegeben: {runtime}"
    return "kein Enddatum in den gesichteten Quellen gefunden"


def apply_facts(row: dict, phase_rows: list[dict], facts: list[dict]) -> list[dict]:
    """Complete one project row from its checked facts; returns its phase rows."""
    sources, notes, funding_notes = [], [], []
    periods = []
    for fact in facts:
        field, value, note, source = fact["field"], fact["value"], fact["note"], fact["source"]
        sources.append(source)
        if field in ("start", "end"):
            row[field] = value
            if field == "end":
                row["end_note"] = note
        elif field == "end_note":
            row["end_note"] = note
        elif field == "funding_note":  # why no amount is known, in place of the reference's
            row["funding_note"] = note
        elif field == "phase":
            row["phase"], row["phase_source"] = value, source
            notes.append(f"Phase laut Quelle: {note}")
        elif field == "phase_period":
            phase, start, end, precision = value.split("|")
            periods.append(
                {
                    "project_id": row["id"],
                    "phase": phase,
                    "start": start,
                    "end": end,
                    "source": source,
                    "precision": precision,
                }
            )
        else:
            row[field] = value
            funding_notes.append(note)
    if funding_notes:
        replaced = {
            "Bund:" if "funding_federal_eur" in {f["field"] for f in facts} else None,
            "gesamt:" if "funding_total_eur" in {f["field"] for f in facts} else None,
        }
        kept = [
            n
            for n in row["funding_note"].split("; ")
            if n
            and not any(r and n.startswith(r) for r in replaced)
            and not n.startswith(("Bund/Gesamt unklar", "Rohangaben"))
        ]
        row["funding_note"] = "; ".join(funding_notes + kept)
    if notes:
        old = [
            n
            for n in row["notes"].split("; ")
            if n and not n.startswith(("Phase Stand", "Phase laut"))
        ]
        row["notes"] = "; ".join(old + notes)
    cited = [part for source in sources for part in source.split("; ")]
    row["source"] = "; ".join(dict.fromkeys([*row["source"].split("; "), *cited]))
    return periods or phase_rows


# The month the research reflects (meta.csv as_of): a stated phase holds as of then.
AS_OF_MONTH = "2025-09"


def cite_dated_phase(row: dict, phase_rows: list[dict]) -> None:
    """A phase taken from the reference's notes that only names sites: where a dated phase
    of the same name covers the research month, cite the pages that date it instead."""
    if not row["phase"] or FULL_URL.match(row["phase_source"].split("; ")[0]):
        return
    covering = [
        p["source"]
        for p in phase_rows
        if p["phase"] == row["phase"]
        and p["start"][:7] <= AS_OF_MONTH
        and (not p["end"] or p["end"][:7] >= AS_OF_MONTH)
        and all(FULL_URL.match(part) for part in p["source"].split("; "))
    ]
    if covering:
        pages = [part for source in covering for part in source.split("; ")]
        row["phase_source"] = "; ".join(dict.fromkeys(pages))


def check_raw(project: str, raw: str, row: dict) -> None:
    """Stop if a curated fact's supporting string is missing from the reference."""
    if raw not in " ".join(row.values()):
        raise SystemExit(f"reference changed for {project}: {raw!r} not found")


def build_projects(reference: Path, muni_ids: dict[str, str]) -> tuple[list, list]:
    projects = read_csv(reference / "mpsc_projects.csv")
    funding = {r["project_name"]: r for r in read_csv(reference / "mpsc_funding_phases.csv")}
    topics = {r["project_name"]: r for r in read_csv(reference / "mpsc_topics.csv")}
    facts = read_facts()
    rows, phase_rows = [], []
    for p in projects:
        name, cohort = p["project_name"], p["cohort_year"]
        members = split_list(p["municipalities"])
        lead = LEAD_OVERRIDE.get(name, members[0])
        pid = f"mpsc-{cohort}-{slug(lead)}"
        f_row, t_row = funding[name], topics[name]
        federal, total, funding_note = parse_funding(f_row)
        start, end, precision, raw = RUNTIMES.get(name, ("", "", "", ""))
        if raw:
            check_raw(name, raw, f_row)
        notes = [PROJECT_NOTES.get(name, "")]
        if precision == "year":
            notes.append("Laufzeit nur als Jahre angegeben (JJJJ-01 bis JJJJ-12)")
        phase, phase_why = CURRENT_PHASE.get(name, ("", ""))
        if phase:
            notes.append(f"Phase Stand 09/2025: {phase_why}")
        sources = [COHORT_SOURCE[cohort], short_source(p["source"])]
        if f_row["source"] not in ("not found", ""):
            sources.append(f_row["source"])
        row = {
            "id": pid,
            "name": name,
            "programme": MPSC,
            "cohort": cohort,
            "municipality_ids": ";".join(muni_ids[m] for m in members),
            "lead_municipality_id": muni_ids[lead],
            "size_class": SIZE_CLASS[p["bmi_category"]],
            "topics": t_row["topics"],
            "phase": phase,
            "start": start,
            "end": end,
            "funding_federal_eur": federal,
            "funding_total_eur": total,
            "url": f"https://{PROJECT_URL[name]}" if PROJECT_URL.get(name) else "",
            "source": "; ".join(dict.fromkeys(sources)),
            "keywords": t_row["keywords"],
            "name_confidence": p["name_confidence"],
            "funding_note": funding_note,
            "notes": "; ".join(n for n in notes if n),
            "topics_source": t_row["source"],
            "topics_confidence": t_row["confidence"],
            "end_note": "nur Jahr angegeben" if end and precision == "year" else "",
            "phase_source": f_row["source"] if phase else "",
        }
        own_phases = []
        for phase_name, p_start, p_end, p_precision, p_raw in PHASE_PERIODS.get(name, []):
            check_raw(name, p_raw, f_row)
            own_phases.append(
                {
                    "project_id": pid,
                    "phase": phase_name,
                    "start": p_start,
                    "end": p_end,
                    "source": f_row["source"],
                    "precision": p_precision,
                }
            )
        own_phases = apply_facts(row, own_phases, facts.pop(pid, []))
        cite_dated_phase(row, own_phases)
        if not row["end"] and not row["end_note"]:
            row["end_note"] = runtime_reason(f_row)
        rows.append(row)
        phase_rows.extend(own_phases)
    rows.append(nst_project(reference, muni_ids))
    if facts:
        raise SystemExit(f"facts.csv: unbekannte Projekte {sorted(facts)}")
    return rows, phase_rows


def nst_project(reference: Path, muni_ids: dict[str, str]) -> dict:
    members = [r["municipalities"] for r in read_csv(reference / "nst_network.csv")]
    assert members == NST_MEMBERS, members
    return {
        "id": NST_PROJECT_ID,
        "name": NST_PROJECT_NAME,
        "programme": NST_PROGRAMME,
        "cohort": "",
        "municipality_ids": ";".join(muni_ids[m] for m in members),
        "lead_municipality_id": "",
        "size_class": "",
        "topics": "Energie & Klimaschutz",
        "phase": "",
        "start": "2021-01",
        "end": "",
        "url": "",
        "source": NST_SOURCE,
        "keywords": "Klimaschutz;Bewerbungsunterstützung MPSC 2021",
        "name_confidence": "",
        "funding_note": "gefördert vom Niedersächsischen Umweltministerium (MU); Betrag unbekannt",
        "notes": (
            "Projekt des Niedersächsischen Städtetags (kein MPSC-Projekt); 9 von 16 "
            "interessierten Kommunen ausgewählt; Thema nur aus dem Projekttitel"
        ),
        "topics_source": "Projekttitel",
        "topics_confidence": "",
        "end_note": "kein Enddatum veröffentlicht gefunden; laut Stadtradio Göttingen (01/2021) "
        "Maßnahmen 'über einen Zeitraum von knapp fünf Jahren'",
        "phase_source": "",
    }


# --- organisations, cooperations, events --------------------------------------


def build_organisations(munis: dict[str, dict]) -> list[dict]:
    lemgo, hannover = munis["lemgo"], munis["hannover"]
    return [
        {
            "id": "fraunhofer-iosb-ina",
            "name": "Fraunhofer IOSB-INA",
            "kind": "Forschung",
            "lat": lemgo["lat"],
            "lon": lemgo["lon"],
            "source": FRAUNHOFER_SOURCE,
            "notes": "Standort Lemgo; Punkt = BKG-Repräsentativpunkt der Stadt Lemgo",
        },
        {
            "id": "nst",
            "name": "Niedersächsischer Städtetag",
            "kind": "Verband",
            "lat": hannover["lat"],
            "lon": hannover["lon"],
            "source": NST_SOURCE,
            "notes": "Sitz Hannover; Punkt = BKG-Repräsentativpunkt der Stadt Hannover",
        },
        {
            "id": "city-and-bits",
            "name": "City & Bits",
            "kind": "",
            "source": CITY_AND_BITS_SOURCE,
            "notes": "unterstützte 2022 mit dem NST die niedersächsischen Modellprojekte; ohne Ort",
        },
        {
            "id": "mu-niedersachsen",
            "name": "Niedersächsisches Umweltministerium (MU)",
            "kind": "Ministerium",
            "source": NST_SOURCE,
            "notes": "Fördergeber des NST-Projekts; ohne Ort",
        },
        {
            "id": "kfw",
            "name": "KfW",
            "kind": "Förderbank",
            "source": OFFER_SOURCE,
            "notes": "Förderbank, wickelt die Modellprojekte Smart Cities ab; ohne Ort",
        },
        {
            "id": "bmwsb",
            "name": "Bundesministerium für Wohnen, Stadtentwicklung und Bauwesen (BMWSB)",
            "kind": "Ministerium",
            "source": OFFER_SOURCE,
            "notes": "Programm bis 2021 beim BMI, seit 2022 beim BMWSB; ohne Ort",
        },
    ]


NI_MPSC = [  # Lower Saxony MPSC projects supported by NST and City & Bits in 2022
    "mpsc-2021-einbeck",
    "mpsc-2021-hannover",
    "mpsc-2021-hildesheim",
    "mpsc-2021-geestland",
    "mpsc-2019-wolfsburg",
    "mpsc-2020-osnabrueck",
    "mpsc-2021-landkreis-hameln-pyrmont",
]
DI = "mpsc-2020-kalletal"  # digital.interkommunal


def build_cooperations() -> list[dict]:
    visit_src = f"{VISIT_URL} (Pressemitteilung 09.06.2022)"
    rows = [
        (
            "kalletal",
            "lemgo",
            "Gemeinsames Projekt",
            "",
            "digital.interkommunal (MPSC 2020)",
            KALLETAL_LEMGO_SOURCE,
        ),
        (
            "fraunhofer-iosb-ina",
            DI,
            "Wissenschaftspartner",
            "2021-02",
            "wissenschaftliche Begleitung der Strategiephase",
            FRAUNHOFER_SOURCE,
        ),
    ]
    for visitor in ("wolfsburg", "hildesheim", "landkreis-hameln-pyrmont"):
        rows.append(
            (
                visitor,
                DI,
                "Besuch",
                "2022-06-09",
                "Besuch in Lemgo; Datum = Pressemitteilung",
                visit_src,
            )
        )
    rows.append(("nst", DI, "Besuch", "2022-06-09", "Besuch vom NST initiiert", visit_src))
    for partner in ("hannover", "goettingen", "oldenburg-oldb"):
        rows.append(
            (
                "einbeck",
                partner,
                "Kooperationsverbund",
                "2021",
                "Einbecks MPSC-Bewerbung 2021 im Kooperationsverbund",
                EINBECK_SOURCE,
            )
        )
    for project in NI_MPSC:
        rows.append(
            (
                "nst",
                project,
                "Unterstützung",
                "2022-02-18",
                "gemeinsam mit City & Bits",
                CITY_AND_BITS_SOURCE,
            )
        )
    rows.append(
        (
            "mu-niedersachsen",
            NST_PROJECT_ID,
            "Förderung",
            "2021-01",
            "Förderung durch das Land",
            NST_SOURCE,
        )
    )
    rows.append(("nst", NST_PROJECT_ID, "Projektträger", "2021-01", "", NST_SOURCE))
    rows.append(
        (
            "iserlohn",
            "mpsc-2019-arnsberg",
            "Kooperation",
            "2020-10",
            "Iserlohn als sechster Partner von 5 für Südwestfalen",
            ISERLOHN_SOURCE,
        )
    )
    out = []
    for a, b, kind, date, note, source in rows:
        out.append(
            {
                "id": f"{slug(kind)}-{a}-{b}",
                "a_id": a,
                "b_id": b,
                "kind": kind,
                "date": date,
                "note": note,
                "source": source,
            }
        )
    return out


def build_events() -> list[dict]:
    visit = {
        "id": "besuch-digital-interkommunal-2022-06",
        "date": "2022-06-09",
        "title": "Niedersächsische Smart Cities zu Besuch bei digital.interkommunal",
        "kind": "Besuch",
        "municipality_id": "lemgo",
        "participant_ids": "wolfsburg;hildesheim;landkreis-hameln-pyrmont;kalletal;lemgo;nst;"
        "fraunhofer-iosb-ina",
        "source": VISIT_URL,
        "notes": "Datum der Pressemitteilung; der Besuch fand kurz davor statt",
    }
    rows = [visit]
    for cohort, date in COHORT_DATE.items():
        rows.append(
            {
                "id": f"mpsc-staffel-{cohort}",
                "date": date,
                "title": f"Auswahl der Modellprojekte Smart Cities {cohort} "
                f"({COHORT_COUNT[cohort]} Projekte)",
                "kind": "Programm",
                "source": COHORT_SOURCE[cohort],
            }
        )
    rows.append(
        {
            "id": "nst-projektstart-2021-01",
            "date": "2021-01",
            "title": f"Start des NST-Projekts „{NST_PROJECT_NAME}“",
            "kind": "Programm",
            "participant_ids": "nst;mu-niedersachsen;" + ";".join(slug(m) for m in NST_MEMBERS),
            "source": NST_SOURCE,
        }
    )
    rows.append(
        {
            "id": "mpsc-verlaengerungsangebot-2024-12",
            "date": "2024-12-13",
            "title": "KfW/BMWSB bieten der Staffel 2021 kostenneutrale Verlängerung "
            "bis 31.03.2028 an",
            "kind": "Programm",
            "participant_ids": "kfw;bmwsb",
            "source": OFFER_SOURCE,
        }
    )
    return rows


# --- main ----------------------------------------------------------------------


def main(argv: list[str]) -> None:
    reference = Path(argv[1]) if len(argv) > 1 else DEFAULT_REFERENCE
    bkg = Bkg()
    projects_ref = read_csv(reference / "mpsc_projects.csv")
    munis = build_municipalities(reference, bkg, projects_ref)
    muni_ids = {m["name"]: m["id"] for m in munis}
    projects, phases = build_projects(reference, muni_ids)
    organisations = build_organisations({m["id"]: m for m in munis})
    cooperations = build_cooperations()
    events = build_events()

    write_csv(
        DATA / "municipalities.csv",
        munis,
        [
            "id",
            "name",
            "kind",
            "state",
            "district",
            "population",
            "lat",
            "lon",
            "ags",
            "source",
            "kind_detail",
            "population_source",
            "coord_source",
            "notes",
        ],
    )
    write_csv(
        DATA / "projects.csv",
        projects,
        [
            "id",
            "name",
            "programme",
            "cohort",
            "municipality_ids",
            "lead_municipality_id",
            "size_class",
            "topics",
            "phase",
            "start",
            "end",
            "funding_federal_eur",
            "funding_total_eur",
            "url",
            "source",
            "keywords",
            "name_confidence",
            "funding_note",
            "notes",
            "topics_source",
            "topics_confidence",
            "end_note",
            "phase_source",
        ],
    )
    write_csv(
        DATA / "phases.csv", phases, ["project_id", "phase", "start", "end", "source", "precision"]
    )
    write_csv(
        DATA / "organisations.csv",
        organisations,
        ["id", "name", "kind", "lat", "lon", "source", "notes"],
    )
    write_csv(
        DATA / "cooperations.csv",
        cooperations,
        ["id", "a_id", "b_id", "kind", "date", "note", "source"],
    )
    write_csv(
        DATA / "events.csv",
        events,
        ["id", "date", "title", "kind", "municipality_id", "participant_ids", "source", "notes"],
    )


if __name__ == "__main__":
    main(sys.argv)
