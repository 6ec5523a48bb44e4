"""The bundled dataset is complete, consistent and places everything inside Germany."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from shapely.geometry import Point, mapping, shape

from atlas.coverage import SOURCE_TABLES, data_coverage, has_full_url, is_url_like
from atlas.network import BOUNDARY_DIR, BUNDLED_DATA_DIR, load_folder, members
from atlas.schema import TOPICS
from atlas.source import open_network
from atlas.status import extension_offers
from tests.helpers import build_script

GEO = BOUNDARY_DIR


@pytest.fixture(scope="module")
def network():
    return load_folder(BUNDLED_DATA_DIR)


def test_loads_without_any_problem(network):
    assert network.usable
    assert [str(p) for p in network.problems] == []


def test_73_model_projects_in_three_cohorts(network):
    mpsc = network.projects[network.projects["programme"] == "Modellprojekte Smart Cities"]
    assert len(mpsc) == 73
    assert mpsc["cohort"].value_counts().sort_index().to_dict() == {2019: 13, 2020: 32, 2021: 28}


def test_the_lower_saxony_network_project(network):
    nst = network.projects[network.projects["programme"].str.contains("Städtetag")]
    assert len(nst) == 1
    members_ = set(nst.iloc[0]["municipality_ids"])
    assert len(members_) == 9
    names = set(network.municipalities.set_index("id").loc[list(members_), "name"])
    assert {"Einbeck", "Hannover", "Wennigsen (Deister)", "Lingen (Ems)"} <= names


def test_every_reference_resolves(network):
    muni_ids = set(network.municipalities["id"])
    project_ids = set(network.projects["id"])
    nodes = muni_ids | project_ids | set(network.organisations["id"])
    assert set(members(network.projects)["municipality_id"]) <= muni_ids
    leads = set(network.projects["lead_municipality_id"].dropna()) - {""}
    assert leads <= muni_ids
    assert set(network.phases["project_id"]) <= project_ids
    assert set(network.cooperations["a_id"]) | set(network.cooperations["b_id"]) <= nodes
    for ids in network.events["participant_ids"]:
        assert set(ids) <= nodes


def test_every_municipality_lies_inside_its_state(network):
    states = json.loads((GEO / "states.geojson").read_text())
    polygons = {f["properties"]["name"]: shape(f["geometry"]) for f in states["features"]}
    outside = [
        row.name
        for row in network.municipalities.itertuples()
        if not polygons[row.state].buffer(0.01).contains(Point(row.lon, row.lat))
    ]
    assert network.municipalities[["lat", "lon"]].notna().all().all()
    assert outside == []


@pytest.fixture(scope="module")
def build_outlines():
    return build_script("build_outlines")


def square(x: int, y: int) -> dict:
    ring = [[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.mark.parametrize(
    ("states", "inner"),
    [
        ("AA", [[(1, 0), (1, 1)]]),  # two districts of one state: the border between them
        ("AB", []),  # a state border: the states' own lines draw it
        ("AAA", [[(1, 0), (1, 1)], [(2, 0), (2, 1)]]),
        ("AAB", [[(1, 0), (1, 1)]]),
    ],
)
def test_district_outlines_are_the_borders_inside_a_state_once(build_outlines, states, inner):
    features = [
        {"properties": {"state": state}, "geometry": square(x, 0)} for x, state in enumerate(states)
    ]
    lines = build_outlines.district_outlines(features)
    drawn = sorted(sorted(tuple(map(int, xy)) for xy in line.coords) for line in lines.geoms)
    assert drawn == sorted(sorted(line) for line in inner)


def test_the_district_outlines_file_is_derived_from_the_district_polygons(build_outlines):
    """The maps draw static/geo/district-outlines.geojson: it must hold what
    data/build/build_outlines.py makes of today's districts.geojson (rerun it after a
    change of the polygons)."""
    polygons = json.loads((GEO / "districts.geojson").read_text())["features"]
    outlines = json.loads((GEO / "district-outlines.geojson").read_text())
    [feature] = outlines["features"]
    assert feature["properties"] == {}
    written = build_script("build_boundaries")  # rounded as the script writes it

    outlines_now = build_outlines.district_outlines(polygons)
    assert feature["geometry"] == written.round_geometry(mapping(outlines_now), written.DECIMALS)
    assert "GeoBasis-DE / BKG" in outlines["attribution"]


def test_the_map_tiles_are_cut_from_todays_boundary_files(tmp_path):
    """The maps' styles draw static/geo/tiles: they must hold what
    data/build/build_tiles.py cuts from today's states.geojson and district-outlines.geojson
    (rerun it after a change of either), every tile the styles may ask for."""
    build_tiles = build_script("build_tiles")
    build_tiles.build(tmp_path)
    made = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*.pbf")}
    bundled = {p.relative_to(GEO / "tiles"): p.read_bytes() for p in (GEO / "tiles").rglob("*.pbf")}
    assert made.keys() == bundled.keys()
    assert [name for name in made if made[name] != bundled[name]] == []


# The examples of the vector tile format's specification (2.1, section 4.3.5): a line
# (2,2) (2,10) (10,10) and a polygon (3,6) (8,12) (20,34), as MoveTo, LineTo, ClosePath
# with zigzag-encoded steps
@pytest.mark.parametrize(
    ("parts", "closed", "commands"),
    [
        ([[(2, 2), (2, 10), (10, 10)]], False, [9, 4, 4, 18, 0, 16, 16, 0]),
        ([[(3, 6), (8, 12), (20, 34), (3, 6)]], True, [9, 6, 12, 18, 10, 12, 24, 44, 15]),
        (
            [[(0, 0), (10, 0), (10, 10)], [(1, 1), (3, 5)]],
            False,
            [9, 0, 0, 18, 20, 0, 0, 20, 9, 17, 17, 10, 4, 8],
        ),
    ],
)
def test_tile_geometry_is_encoded_as_the_format_specifies(parts, closed, commands):
    assert build_script("build_tiles").geometry_commands(parts, closed) == commands


def test_tile_polygons_have_outer_rings_clockwise_and_holes_the_other_way():
    """As the format asks (positive area on a screen whose y grows downwards), whatever
    the ring order the source had."""
    import shapely

    build_tiles = build_script("build_tiles")
    outer = [(0, 0), (0, 100), (100, 100), (100, 0), (0, 0)]  # anticlockwise on screen
    hole = [(10, 10), (20, 10), (20, 20), (10, 20), (10, 10)]  # clockwise on screen
    rings = build_tiles.polygon_parts(shapely.Polygon(outer, [hole]))
    areas = [build_tiles._signed_area(ring) for ring in rings]
    assert areas[0] > 0 and areas[1] < 0


def test_todays_400_districts():
    districts = json.loads((GEO / "districts.geojson").read_text())["features"]
    assert len(districts) == 400
    by_ags = {f["properties"]["ags"]: f["properties"] for f in districts}
    assert "03159" in by_ags and "03152" not in by_ags and "03156" not in by_ags  # Göttingen 2016
    assert "16056" not in by_ags and "16063" in by_ags  # Eisenach in the Wartburgkreis 2021


def test_topics_use_the_fixed_vocabulary(network):
    used = {topic for topics in network.projects["topics"] for topic in topics}
    assert used <= set(TOPICS)
    assert (network.projects["topics"].map(len) > 0).all()


@pytest.mark.parametrize(
    ("project_id", "phase", "start", "end"),
    [
        ("mpsc-2020-kalletal", "Strategie", "2021-01", "2022-11"),
        ("mpsc-2020-kalletal", "Umsetzung", "2022-12", "2027-11"),
    ],
)
def test_digital_interkommunal_phases(network, project_id, phase, start, end):
    phases = network.phases[
        (network.phases["project_id"] == project_id) & (network.phases["phase"] == phase)
    ]
    assert phases[["start", "end"]].values.tolist() == [[start, end]]


def test_the_2022_visit_in_lemgo(network):
    visit = network.events[network.events["date"] == "2022-06-09"]
    assert len(visit) == 1
    participants = set(visit.iloc[0]["participant_ids"])
    assert {
        "wolfsburg",
        "hildesheim",
        "landkreis-hameln-pyrmont",
        "kalletal",
        "lemgo",
    } <= participants
    assert visit.iloc[0]["municipality_id"] == "lemgo"


def test_known_source_error_not_copied(network):
    leipzig = network.municipalities[network.municipalities["name"] == "Leipzig"].iloc[0]
    assert leipzig["state"] == "Sachsen"
    assert leipzig["population"] is pd.NA or leipzig["population"] != 11053


def test_phase_today_is_derived_from_dates():
    projects = open_network(BUNDLED_DATA_DIR, dt.date(2022, 6, 9)).projects.set_index("id")
    assert projects.at["mpsc-2020-kalletal", "phase_now"] == "Strategie"
    later = open_network(BUNDLED_DATA_DIR, dt.date(2023, 6, 1)).projects.set_index("id")
    assert later.at["mpsc-2020-kalletal", "phase_now"] == "Umsetzung"


# --- data truth: every fact keeps a source, nothing inferred is shown as fact ---------

BUILD = BUNDLED_DATA_DIR / "build"


def test_no_row_without_a_url_like_source(network):
    missing = [
        (name, row)
        for name in SOURCE_TABLES
        for row, source in enumerate(network.table(name)["source"], start=2)
        if not is_url_like(source)
    ]
    assert missing == []


def test_every_row_cites_a_full_page_address(network):
    """A page a reader can open (scheme, host and path), not only a domain or a name, in
    every row of every table (see data/SOURCES.md); the coverage figure agrees."""
    without = [
        (name, row, source)
        for name in SOURCE_TABLES
        for row, source in enumerate(network.table(name)["source"], start=2)
        if not has_full_url(source)
    ]
    assert without == []
    coverage = data_coverage(network).set_index("key")
    known, total = coverage.loc["source_url", ["known", "total"]]
    assert known == total == sum(len(network.table(name)) for name in SOURCE_TABLES)


@pytest.mark.parametrize("name", ["phases", "organisations", "cooperations", "events"])
def test_every_citation_in_the_curated_tables_is_a_page(network, name):
    """Phases, organisations, links and events cite only pages: each part of a
    "URL; URL" source opens (the cohort lists and the NST project included)."""
    parts = [
        part
        for source in network.table(name)["source"]
        for part in str(source).split("; ")
        if part.strip()
    ]
    assert parts
    assert [part for part in parts if not has_full_url(part)] == []


def test_cohort_lists_cite_pages_in_every_project(network):
    """The cohort list behind each federal project is cited by page, not as
    'staedtetag.de PM' or 'crisis-prevention.de'."""
    federal = network.projects[network.projects["programme"] == "Modellprojekte Smart Cities"]
    assert len(federal) == 73
    for source in federal["source"]:
        parts = source.split("; ")
        assert has_full_url(parts[0]) and has_full_url(parts[1]), source
        assert "staedtetag.de PM" not in source and "; crisis-prevention.de" not in source


@pytest.mark.parametrize(
    "source",
    ["wp.de 2020", "cityandbits.de 18.02.2022", "https://connectedurbantwins.de/", "MdB Schraps"],
)
def test_a_domain_or_a_name_is_not_a_full_page_address(source):
    assert not has_full_url(source)


def test_gera_end_from_the_programme_page_with_the_conflict_named(network):
    """smart-city-dialog.de (programme) says 'bis 2026'; the city gives seven years from
    07/2019 and the 2019 plan 2021-2025: the programme page wins, the note names the rest."""
    row = network.projects.set_index("id").loc["mpsc-2019-gera"]
    assert row["end"] == "2026-12"
    assert "smart-city-dialog.de" in row["end_note"]
    assert "widersprechen" in row["end_note"]
    assert "unser.gera.de" in row["end_note"] and "2021–2025" in row["end_note"]
    phases = network.phases[network.phases["project_id"] == "mpsc-2019-gera"]
    assert phases["source"].map(has_full_url).all()
    assert phases["end"].max() == "2026-12"


def test_completed_only_with_a_source(network):
    projects = network.projects
    done = projects[projects["phase"] == "Abgeschlossen"]
    assert len(done) >= 1  # Hagenow, finished 19.09.2025
    assert done["phase_source"].map(is_url_like).all()
    done_phases = network.phases[network.phases["phase"] == "Abgeschlossen"]
    assert done_phases["source"].map(is_url_like).all()
    # and on any day, "Abgeschlossen" comes only from those statements
    later = open_network(BUNDLED_DATA_DIR, dt.date(2035, 1, 1)).projects
    assert set(later.loc[later["phase_now"] == "Abgeschlossen", "id"]) == set(done["id"])


def test_every_stated_phase_has_a_source(network):
    stated = network.projects[network.projects["phase"].fillna("") != ""]
    assert stated["phase_source"].map(is_url_like).all()


def test_every_project_has_an_end_or_a_reason(network):
    projects = network.projects
    without = projects[projects["end"].isna() & projects["end_note"].fillna("").eq("")]
    assert without["id"].tolist() == []
    # a reason says why, it is not an end in disguise
    reasons = projects.loc[projects["end"].isna(), "end_note"]
    assert reasons.str.contains("kein Enddatum").all()


def test_zwoenitz_phases_as_its_own_site_and_the_press_say(network):
    """Strategy 11/2019-10/2021 (two years from 01.11.2019, smartcity-zwoenitz.de), project
    end 10/2026 (blick.de): no more "Strategie" in 2025."""
    rows = network.phases[network.phases["project_id"] == "mpsc-2019-zwoenitz"]
    assert rows[["phase", "start", "end"]].values.tolist() == [
        ["Strategie", "2019-11-01", "2021-10"]
    ]
    project = network.projects.set_index("id").loc["mpsc-2019-zwoenitz"]
    assert project["end"] == "2026-10"

    def phase(day):
        now = open_network(BUNDLED_DATA_DIR, day).projects.set_index("id")
        return now.at["mpsc-2019-zwoenitz", "phase_now"]

    assert phase(dt.date(2021, 5, 1)) == "Strategie"
    assert phase(dt.date(2025, 6, 1)) == "Umsetzung"
    assert phase(dt.date(2026, 11, 30)) == "Ende überschritten"


def test_facts_carry_full_addresses_and_are_in_the_tables(network):
    """data/build/facts.csv (the checked facts the build applies) and data/*.csv agree."""
    facts = pd.read_csv(BUILD / "facts.csv", dtype=str, keep_default_na=False)
    pages = facts["source"].str.split("; ").explode()
    assert pages.map(has_full_url).all()
    projects = pd.read_csv(BUNDLED_DATA_DIR / "projects.csv", dtype=str, keep_default_na=False)
    projects = projects.set_index("id")
    for fact in facts.itertuples():
        row = projects.loc[fact.project_id]
        for page in fact.source.split("; "):  # one page, or two that state it together
            assert page in row["source"], (fact.project_id, page)
        if fact.field in ("start", "end", "phase", "funding_federal_eur", "funding_total_eur"):
            assert row[fact.field] == fact.value, (fact.project_id, fact.field)
        if fact.field == "phase_period":
            phase, start, end, _ = fact.value.split("|")
            mine = network.phases[network.phases["project_id"] == fact.project_id]
            assert [phase, start, end] in mine[["phase", "start", "end"]].fillna("").values.tolist()


# Starts shown without a checked fact of their own (data/SOURCES.md): Aalen-Heidenheim's
# 2021 conflicts with the city's "Strategiephase (2020-2022)" (both are in the data),
# Barleben's November 2020 is stated only on the project's home page, and the NST
# project's January 2021 is cited by the NST pages in its row.
STARTS_WITHOUT_A_FACT = {"mpsc-2020-aalen", "mpsc-2020-barleben", "nst-klimaschutz-smart-cities"}


@pytest.mark.parametrize("field", ["funding_federal_eur", "funding_total_eur", "start", "end"])
def test_amounts_and_dates_cite_the_page_that_states_them(network, field):
    """Each shown amount, start or end comes from a checked fact with its page (for a date,
    also a dated phase starting or ending then), not only from the reference's
    site-level citation; the listed starts are the exceptions."""
    facts = pd.read_csv(BUILD / "facts.csv", dtype=str, keep_default_na=False)
    traced = set(facts.loc[facts["field"] == field, "project_id"])
    if field in ("start", "end"):
        phases = network.phases.dropna(subset=[field])
        dates = network.projects.set_index("id")[field].dropna()
        traced |= {
            pid
            for pid, date in dates.items()
            if any(
                str(d).startswith(date) or date.startswith(str(d))
                for d in phases.loc[phases["project_id"] == pid, field]
            )
        }
    shown = set(network.projects.loc[network.projects[field].notna(), "id"])
    assert shown - traced == (STARTS_WITHOUT_A_FACT if field == "start" else set())


@pytest.mark.parametrize(
    ("project_id", "federal", "note"),
    [
        ("mpsc-2021-detmold", 5_600_000, "5,6 Mio."),
        ("mpsc-2020-iserlohn", 1_700_000, "rund 1,7"),
        ("mpsc-2021-ringelai", 9_000_000, "bis zu 9"),  # Ilzer Land: the nuance is kept
    ],
)
def test_published_funding_is_in(network, project_id, federal, note):
    row = network.projects.set_index("id").loc[project_id]
    assert row["funding_federal_eur"] == federal
    assert note in row["funding_note"]


def test_suederbrarup_total_with_its_funding_rate(network):
    row = network.projects.set_index("id").loc["mpsc-2019-amt-suederbrarup"]
    assert row["funding_total_eur"] == 6_700_000
    assert pd.isna(row["funding_federal_eur"])  # the federal share was not published
    assert "90 %" in row["funding_note"]


@pytest.mark.parametrize(
    "project_id",
    [
        "mpsc-2019-brandis",
        "mpsc-2021-landkreis-vorpommern-greifswald",
        "mpsc-2021-muehlhausen-thueringen",
        "mpsc-2021-guben",
        "mpsc-2021-oberhausen",
        "mpsc-2020-eichenzell",
        "mpsc-2019-cottbus",
        "mpsc-2019-hassfurt",
        "mpsc-2021-muenster",
        "mpsc-2019-wolfsburg",
    ],
)
def test_published_phases_are_in(network, project_id):
    row = network.projects.set_index("id").loc[project_id]
    assert row["phase"] == "Umsetzung"
    assert has_full_url(row["phase_source"])


def test_the_2021_extension_offer_is_a_programme_fact(network):
    offers = extension_offers(network.meta)
    assert offers[2021][0] == "2028-03-31"
    assert has_full_url(offers[2021][1])
    assert set(offers) == {2021}  # offered to the third cohort only


def test_fraunhofer_partnership_cites_a_public_report(network):
    link = network.cooperations[network.cooperations["a_id"] == "fraunhofer-iosb-ina"]
    assert link["source"].str.contains("westfalen-blatt.de").all()
    assert link["source"].map(has_full_url).all()


def test_about_page_shows_the_coverage_figures(monkeypatch):
    from tests.apptest import run_app

    at = run_app(monkeypatch, page="about")
    assert not at.exception, at.exception
    table = next(df.value for df in at.dataframe if "Angabe" in df.value.columns)
    network = open_network(BUNDLED_DATA_DIR, dt.date.today())
    expected = data_coverage(network)
    assert table["bekannt"].tolist() == expected["known"].tolist()
    assert table["von"].tolist() == expected["total"].tolist()
    assert "Projekte mit Enddatum" in table["Angabe"].tolist()
    # the data's own licence line, said as the data's (the app's line above says the same
    # of the bundled data in its words)
    texts = [m.value.replace("\\", "") for m in at.markdown]
    assert "Die geladenen Daten nennen als Lizenz: Fakten aus öffentlichen Quellen" in "\n".join(
        texts
    )


@pytest.mark.parametrize(
    ("licence", "said"),
    [
        ("CC BY 4.0", "Die geladenen Daten nennen als Lizenz: CC BY 4.0"),
        ("", "Die geladenen Daten nennen keine Lizenz."),
        ("   ", "Die geladenen Daten nennen keine Lizenz."),
    ],
)
def test_the_about_page_says_the_licence_line_is_the_datas(licence, said):
    from types import SimpleNamespace

    from components.about import licence_text

    network = SimpleNamespace(
        meta_value=lambda key, default="": licence if key == "licence" else ""
    )
    assert licence_text(network, "de") == said


@pytest.mark.parametrize(
    ("project_id", "phase", "start", "end"),
    [
        ("mpsc-2020-kassel", "Umsetzung", "2023-04-01", "2028-03-31"),  # Phase B
        ("mpsc-2021-kreis-schleswig-flensburg", "Strategie", "2022-01-01", "2023-06-30"),
        ("mpsc-2020-berlin", "Umsetzung", "2022-01", "2026-12"),  # Phase III
        ("mpsc-2021-regensburg", "Strategie", "2022-01", "2023-06"),
    ],
)
def test_published_phase_periods_are_in(network, project_id, phase, start, end):
    rows = network.phases[network.phases["project_id"] == project_id]
    assert [phase, start, end] in rows[["phase", "start", "end"]].fillna("").values.tolist()
    assert rows["source"].map(has_full_url).all()


def test_funding_keeps_its_hedge_or_says_why_it_is_unknown(network):
    projects = network.projects.set_index("id")
    rhein_neckar = projects.loc["mpsc-2021-verband-region-rhein-neckar"]
    assert rhein_neckar["funding_total_eur"] == 17_000_000
    assert pd.isna(rhein_neckar["funding_federal_eur"])  # a share, never turned into an amount
    assert "bis zu 17" in rhein_neckar["funding_note"] and "65 %" in rhein_neckar["funding_note"]
    greifswald = projects.loc["mpsc-2021-landkreis-vorpommern-greifswald"]
    assert pd.isna(greifswald["funding_total_eur"]) and pd.isna(greifswald["funding_federal_eur"])
    assert "keine Fördersumme veröffentlicht" in greifswald["funding_note"]


def test_conflicting_or_changed_funding_follows_the_source_rules(network):
    projects = network.projects.set_index("id")
    # A figure that changed over time: the latest the source states, the earlier ones named.
    konstanz = projects.loc["mpsc-2021-konstanz"]
    assert konstanz["funding_federal_eur"] == 6_000_000
    assert konstanz["funding_total_eur"] == 9_100_000
    assert "16.12.2025" in konstanz["funding_note"] and "11,4" in konstanz["funding_note"]
    # The programme page ranks above the press: its figure is recorded, the others named.
    fichtelgebirge = projects.loc["mpsc-2019-landkreis-wunsiedel-im-fichtelgebirge"]
    assert fichtelgebirge["funding_federal_eur"] == 15_000_000
    assert "voraussichtlich rund 15" in fichtelgebirge["funding_note"]
    assert "über 10 Mio." in fichtelgebirge["funding_note"]
    # Sources of equal rank that differ: no amount, both figures quoted.
    wuerzburg = projects.loc["mpsc-2021-wuerzburg"]
    assert pd.isna(wuerzburg["funding_federal_eur"]) and pd.isna(wuerzburg["funding_total_eur"])
    assert "16 Mio." in wuerzburg["funding_note"] and "10 Mio." in wuerzburg["funding_note"]


# A stated phase that no page names: the reference derived it from a dated strategy phase
# that ended before the as-of date and a runtime that goes on (data/SOURCES.md).
PHASE_IMPLIED_BY_DATES = {
    "mpsc-2019-zwoenitz": "Strategie 11/2019-10/2021, Laufzeit bis 10/2026",
    "mpsc-2021-wuerzburg": "einjährige Strategiephase 2022, Laufzeit bis Ende 2026",
    "mpsc-2021-landkreis-giessen": "Strategie bis 06/2023, Laufzeit bis Ende 2026",
}


def test_every_stated_phase_cites_a_page_or_is_implied_by_dated_phases(network):
    stated = network.projects[network.projects["phase"].fillna("") != ""]
    without = set(stated.loc[~stated["phase_source"].map(has_full_url), "id"])
    assert without == set(PHASE_IMPLIED_BY_DATES)
    as_of = pd.Timestamp(network.as_of)
    for project_id in without:
        strategy = network.phases[
            (network.phases["project_id"] == project_id) & (network.phases["phase"] == "Strategie")
        ]
        assert (strategy["end_dt"] < as_of).all() and len(strategy) == 1
        assert strategy["source"].map(has_full_url).all()
        project = network.projects.set_index("id").loc[project_id]
        assert project["end_dt"] > as_of
