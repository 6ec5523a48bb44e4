"""The map: geography helpers and the deck spec the page sends (headless)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from atlas import geo
from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from components.map_deck import LOCAL_STYLE, basemap_style
from tests.apptest import run_app
from tests.helpers import MUNIS, write_folder


@pytest.fixture(scope="module")
def network():
    return open_network(BUNDLED_DATA_DIR, dt.date(2026, 11, 28))


def deck_spec(at) -> dict:
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


def layer(spec: dict, layer_id: str) -> dict:
    return next(item for item in spec["layers"] if item["id"] == layer_id)


def test_deck_has_boundaries_points_links_and_a_local_style(monkeypatch, network):
    at = run_app(monkeypatch, page="map")
    assert not at.exception
    spec = deck_spec(at)
    assert spec["mapStyle"] == LOCAL_STYLE
    assert "http" not in json.dumps(spec) and "cartocdn" not in json.dumps(
        spec
    )  # nothing to fetch outside
    assert layer(spec, "states")["data"].endswith("/static/geo/states.geojson")
    assert layer(spec, "districts")["data"].endswith("/static/geo/districts.geojson")
    assert (
        len(layer(spec, "members")["data"])
        == network.municipalities[["lat", "lon"]].notna().all(axis=1).sum()
    )
    visit = {(row["name_html"]) for row in layer(spec, "links")["data"]}
    assert any("Wolfsburg" in text for text in visit)
    assert {row["name_plain"] for row in layer(spec, "organisations")["data"]} >= {
        "Fraunhofer IOSB-INA"
    }


def test_filtering_by_state_changes_the_points(monkeypatch):
    at = run_app(monkeypatch, page="map", params={"state": "Niedersachsen"})
    members = layer(deck_spec(at), "members")["data"]
    assert len(members) == 19
    assert all(row["state_html"] == "Niedersachsen" for row in members)


def test_choropleth_of_districts(monkeypatch):
    at = run_app(monkeypatch, page="map", params={"mode": "districts", "state": "Niedersachsen"})
    areas = layer(deck_spec(at), "areas")["data"]["features"]
    assert len(areas) == 400
    valued = {
        f["properties"]["label"]: f["properties"]["value"]
        for f in areas
        if f["properties"]["value"]
    }
    assert valued["Region Hannover"] >= 1 and "Kreis Lippe" not in valued


def test_hostile_name_is_escaped_in_the_tooltip(monkeypatch, tmp_path):
    hostile = "<img src=x onerror=alert(1)>"
    folder = write_folder(
        tmp_path, municipalities=MUNIS.replace("Lemgo,Stadt", f'"{hostile}",Stadt')
    )
    at = run_app(monkeypatch, folder, page="map")
    assert not at.exception
    names = [row["name_html"] for row in layer(deck_spec(at), "members")["data"]]
    assert "&lt;img src=x onerror=alert(1)&gt;" in names
    assert hostile not in json.dumps(deck_spec(at))


def test_counts_per_area_count_a_project_once_per_area(network):
    by_state = geo.counts_by_area(network, "states", "projects")
    assert by_state["Niedersachsen"] == 8
    districts = geo.counts_by_area(network, "districts", "projects")
    # Kreis Lippe: digital.interkommunal (Kalletal + Lemgo) once, Detmold's project once
    assert districts["05766"] == 2


def test_fit_view_frames_the_points(network):
    view = geo.fit_view(geo.member_points(network))
    assert 50 < view["latitude"] < 53 and 8 < view["longitude"] < 12 and 4.5 <= view["zoom"] <= 7


def test_basemap_can_be_configured(monkeypatch):
    monkeypatch.delenv("ATLAS_BASEMAP_STYLE", raising=False)
    assert basemap_style() == LOCAL_STYLE
    assert basemap_style(
        {"basemap": {"style": "https://tiles.example/style.json?key=k"}}
    ).startswith("https://tiles")
    monkeypatch.setenv("ATLAS_BASEMAP_STYLE", "https://other.example/style.json")
    assert basemap_style() == "https://other.example/style.json"


def test_table_alternative_lists_every_point(monkeypatch):
    at = run_app(monkeypatch, page="map", params={"state": "Niedersachsen"})
    assert len(at.dataframe[0].value) == 19
