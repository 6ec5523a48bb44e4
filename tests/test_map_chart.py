"""What the browser is sent to draw with MapLibre (components/map_chart.maplibre_spec),
from the deck spec build_deck makes: every member, link, partner, area colour and name
carried over, nothing else added."""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest

from atlas import geo
from atlas.filters import Filters, apply_filters
from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from components.map_chart import area_colours, maplibre_spec, member_radius, rgba
from components.map_deck import LOCAL_AREAS_STYLE, LOCAL_STYLE, build_deck, describe_links
from components.map_view import organisation_points
from components.payload import area_fill
from tests.apptest import features, marks


@pytest.fixture(scope="module")
def niedersachsen():
    network = open_network(BUNDLED_DATA_DIR, dt.date(2026, 6, 1))
    view = apply_filters(network, Filters(states=("Niedersachsen",)))
    points = geo.member_points(view).assign(tip=lambda d: d["name"] + "\n…")
    links = describe_links(geo.links(view, network), "de")
    return network, points, links


def deck_spec(deck) -> dict:
    return json.loads(deck.to_json())


def deck_layer(spec: dict, layer_id: str) -> dict:
    return next(layer for layer in spec["layers"] if layer["id"] == layer_id)


@pytest.mark.parametrize(
    ("colour", "css"),
    [
        ([0, 114, 178], "rgba(0,114,178,1.0)"),
        ([0, 114, 178, 230], "rgba(0,114,178,0.902)"),
        ((255, 255, 255, 0), "rgba(255,255,255,0.0)"),
    ],
)
def test_colours_become_css(colour, css):
    assert rgba(colour) == css


def test_every_member_link_partner_and_name_is_carried_over(niedersachsen):
    network, points, links = niedersachsen
    orgs = organisation_points(network, links)
    faded = geo.faded_partners(links)
    spec = deck_spec(build_deck(points, links, orgs, "points", "phase", faded=faded))
    drawn = maplibre_spec(spec)
    assert drawn["style"] == LOCAL_STYLE and drawn["view"] == spec["initialViewState"]

    members = deck_layer(spec, "members")["data"]
    sent = features(drawn, "members")
    assert [row["id"] for row in sent] == [row["id"] for row in members]
    for deck_row, row in zip(members, sent, strict=True):
        assert (row["lon"], row["lat"], row["tip"]) == (
            deck_row["lon"],
            deck_row["lat"],
            deck_row["tip"],
        )
        assert row["fill"] == rgba(deck_row["fill"]) and row["lw"] == deck_row["lw"]
        # the dot's radius in pixels at zoom 0: its metres over the metres a pixel spans
        per_pixel = 40_075_016.686 * math.cos(math.radians(row["lat"])) / 512
        assert row["r0"] == pytest.approx(deck_row["radius"] / per_pixel)

    deck_links = deck_layer(spec, "links")["data"]
    assert [row["tip"] for row in features(drawn, "links")] == [r["tip"] for r in deck_links]
    assert [row["path"] for row in features(drawn, "links")] == [r["path"] for r in deck_links]
    # one line layer per dash pattern, each drawing the links with that pattern
    patterns = {tuple(row["dash"]) for row in deck_links}
    line_layers = [layer for layer in drawn["layers"] if layer["source"] == "links"]
    assert len(line_layers) == len(patterns)
    for layer in line_layers:
        dash = layer["paint"].get("line-dasharray")
        assert dash is None or tuple(dash) in patterns

    assert {row["tip"] for row in features(drawn, "faded_partners")} == set(faded["name"])
    diamonds = marks(drawn, "organisation")
    assert [m["tip"] for m in diamonds] == [
        r["tip"] for r in deck_layer(spec, "organisations")["data"]
    ]
    names = [m["text"] for m in marks(drawn, "name")]
    deck_names = [
        row["name"]
        for layer_id in ("organisation_labels", "member_labels")
        for row in deck_layer(spec, layer_id)["data"]
    ]
    assert names == deck_names
    # each name placed as the deck places it: beside its dot on the side it was given
    sides = {"start": "left", "end": "right", "middle": "center"}
    deck_sides = [sides[row["anchor"]] for row in deck_layer(spec, "member_labels")["data"]]
    own = [m["anchor"] for m in marks(drawn, "name")][-len(deck_sides) :]
    assert own == deck_sides
    # what a hover or a click can pick: everything but the areas' outlines
    assert set(drawn["pickable"]) == {layer["id"] for layer in drawn["layers"]}


@pytest.mark.parametrize("zoom", [0, 3, 4.63, 6, 8.5, 12, 20])
def test_a_dot_grows_with_the_zoom_between_4_and_24_pixels(zoom):
    stops = member_radius((4, 24))
    assert stops[:3] == ["interpolate", ["exponential", 2], ["zoom"]]
    pairs = list(zip(stops[3::2], stops[4::2], strict=True))

    def radius(r0: float, z: int) -> float:
        expression = dict(pairs)[z]
        return max(expression[1], min(expression[2][1], r0 * 2**z))

    below = max(z for z, _ in pairs if z <= zoom)
    for r0 in (0.001, 0.02, 0.3, 5.0):  # a few metres to a whole region at zoom 0
        at = radius(r0, below)
        assert 4 <= at <= 24
        assert at == min(24, max(4, r0 * 2**below))


@pytest.mark.parametrize(("level", "key"), [("districts", "ags"), ("states", "name")])
def test_the_areas_are_coloured_as_the_deck_colours_them(niedersachsen, level, key):
    network, _, _ = niedersachsen
    choropleth, _ = geo.choropleth(network, level, "projects")
    expression, _ = area_fill(choropleth, level)
    found, match, empty = area_colours("@@=" + expression)
    assert found == key
    coloured = {
        k: colour for keys, colour in zip(match[::2], match[1::2], strict=True) for k in keys
    }
    valued = [f["properties"] for f in choropleth["features"] if f["properties"]["value"]]
    assert valued and len(coloured) == len(valued)
    for properties in valued:
        assert coloured[properties[key]] == rgba(properties["fill"])


@pytest.mark.parametrize(
    ("expression", "key", "match", "empty"),
    [
        ("@@=[255, 255, 255, 0]", "name", [], "rgba(255,255,255,0.0)"),
        (
            'properties.ags == "03241" || properties.ags == "03251" ? [1, 2, 3, 255] : '
            "[9, 9, 9, 0]",
            "ags",
            [["03241", "03251"], "rgba(1,2,3,1.0)"],
            "rgba(9,9,9,0.0)",
        ),
        (  # a name with quotes and " : " in it stays one name
            'properties.name == "A \\" : B" ? [1, 1, 1, 255] : [0, 0, 0, 0]',
            "name",
            [['A " : B'], "rgba(1,1,1,1.0)"],
            "rgba(0,0,0,0.0)",
        ),
    ],
)
def test_the_decks_area_expression_becomes_a_match(expression, key, match, empty):
    assert area_colours(expression) == (key, match, empty)


def test_an_areas_map_draws_the_static_outlines_over_the_style_without_land(niedersachsen):
    network, _, links = niedersachsen
    choropleth, _ = geo.choropleth(network, "districts", "projects")
    none = pd.DataFrame(columns=["lon", "lat", "name", "kind", "tip"])
    drawn = maplibre_spec(
        deck_spec(build_deck(None, links, none, "districts", "phase", choropleth=choropleth))
    )
    assert drawn["style"] == LOCAL_AREAS_STYLE
    assert drawn["sources"]["areas"]["data"] == "/app/static/geo/districts.geojson"
    assert drawn["sources"]["areas"]["promoteId"] == "ags"
    assert [layer["id"] for layer in drawn["layers"]][:2] == ["areas", "areas_outline"]
    assert "areas_outline" not in drawn["pickable"]


def test_over_a_tile_basemap_the_map_draws_the_apps_outlines(niedersachsen):
    """A tile basemap has no district or state outlines: the map draws the app's own
    boundary files over it (states filled white on the members' map), never picked."""
    _, points, links = niedersachsen
    tiles = "https://tiles.example/style.json"
    none = pd.DataFrame(columns=["lon", "lat", "name", "kind", "tip"])
    drawn = maplibre_spec(
        deck_spec(build_deck(points, links, none, "points", "phase", style=tiles))
    )
    assert drawn["style"] == tiles
    assert drawn["sources"]["districts"]["data"].endswith("/static/geo/district-outlines.geojson")
    assert drawn["sources"]["states"]["data"].endswith("/static/geo/states.geojson")
    ids = [layer["id"] for layer in drawn["layers"]]
    assert ids[:4] == ["districts_outline", "states_fill", "states_outline", "links_0"]
    assert not {"districts_outline", "states_fill", "states_outline"} & set(drawn["pickable"])
    assert "members" in drawn["pickable"]
