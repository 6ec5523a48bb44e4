"""The bundled dataset is complete, consistent and places everything inside Germany."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from shapely.geometry import Point, shape

from atlas.network import BOUNDARY_DIR, BUNDLED_DATA_DIR, load_folder, members
from atlas.schema import TOPICS
from atlas.source import open_network

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
