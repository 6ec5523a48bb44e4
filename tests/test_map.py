"""The map: geography helpers and the deck spec the page sends (headless)."""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json

import numpy as np
import pandas as pd
import pytest

from atlas import geo
from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from components.browser_code import module_path
from components.map_deck import (
    INITIAL_VIEW,
    LOCAL_AREAS_STYLE,
    LOCAL_STYLE,
    basemap_style,
    build_deck,
    legend_markdown,
    point_colours,
    rgb,
)
from components.map_viewport import ASSUMED_SIZE, whole_country
from tests.apptest import drawn_map, features, marks, multiselect, open_expander, run_app
from tests.helpers import MUNIS, build_script, write_folder

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def network():
    return open_network(BUNDLED_DATA_DIR, dt.date(2026, 11, 28))


def layer(spec: dict, layer_id: str) -> dict:
    return next(item for item in spec["layers"] if item["id"] == layer_id)


def test_deck_has_points_links_and_a_local_style_with_the_boundaries(monkeypatch, network):
    at = run_app(monkeypatch, page="map")
    assert not at.exception
    spec = drawn_map(at)
    assert spec["style"] == LOCAL_STYLE
    assert "http" not in json.dumps(spec)  # nothing to fetch outside
    # the local style draws the outlines, so the map does not draw them again
    assert not set(spec["sources"]) & {"states", "districts"}
    assert (
        len(features(spec, "members"))
        == network.municipalities[["lat", "lon"]].notna().all(axis=1).sum()
    )
    visit = {row["tip"] for row in features(spec, "links")}
    assert any("Wolfsburg" in text and "Lemgo" in text for text in visit)
    diamonds = {mark["tip"].split("\n")[0] for mark in marks(spec, "organisation")}
    assert diamonds >= {"Fraunhofer IOSB-INA"}
    assert {mark["text"] for mark in marks(spec, "organisation")} == {"◆"}
    # the dots are sized in metres (grow with the zoom) within 4-24 pixels
    radius = layer(spec, "members")["paint"]["circle-radius"]
    assert radius[:5] == [
        "interpolate",
        ["exponential", 2],
        ["zoom"],
        0,
        ["max", 4, ["min", 24, ["*", ["get", "r0"], 1]]],
    ]


def local_style(url: str) -> dict:
    return json.loads((geo.GEO_DIR.parent / url.rsplit("/", 1)[1]).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("url", "land"), [(LOCAL_STYLE, True), (LOCAL_AREAS_STYLE, False)])
def test_local_styles_draw_the_boundaries_and_carry_the_attribution(url, land):
    """Offline styles that draw the state and district outlines from the app's own vector
    tiles (data/build/build_tiles.py), white land under the members only (a choropleth
    colours the land itself)."""
    build_tiles = build_script("build_tiles")
    style = local_style(url)
    assert "http" not in json.dumps(style)
    ((name, source),) = style["sources"].items()
    assert "GeoBasis-DE / BKG" in source["attribution"]
    assert any(item.get("source") == name for item in style["layers"])  # shown only if used
    assert source["tiles"] == ["/app/static/geo/tiles/{z}/{x}/{y}.pbf"]
    # the zooms and bounds the script cut the tiles for (rerun it after a change of either)
    assert source["maxzoom"] == build_tiles.MAX_ZOOM
    assert source["bounds"] == list(build_tiles.bounds(build_tiles.read_shapes()))
    # every tile the map may ask for (at the zooms and over the bounds it names) is there
    for zoom in range(source["minzoom"], source["maxzoom"] + 1):
        xs, ys = build_tiles.tile_range(source["bounds"], zoom)
        for x, y in itertools.product(xs, ys):
            assert (geo.GEO_DIR / "tiles" / str(zoom) / str(x) / f"{y}.pbf").is_file()
    drawn = {(item["source-layer"], item["type"]) for item in style["layers"] if "source" in item}
    assert {("states", "line"), ("districts", "line")} <= drawn
    assert (("states", "fill") in drawn) is land


def test_a_tile_basemap_gets_the_boundaries_from_the_deck(network):
    """A configured basemap has no outlines of its own: the deck draws them over it."""
    points = geo.member_points(network).assign(tip="")
    empty = pd.DataFrame(columns=["lon", "lat", "name", "kind", "tip"])
    tiles = "https://tiles.example/style.json"
    spec = json.loads(
        build_deck(points, pd.DataFrame(), empty, "points", "phase", style=tiles).to_json()
    )
    assert spec["mapStyle"] == tiles
    assert layer(spec, "states")["data"].endswith("/static/geo/states.geojson")
    assert layer(spec, "districts")["data"].endswith("/static/geo/district-outlines.geojson")
    local = json.loads(build_deck(points, pd.DataFrame(), empty, "points", "phase").to_json())
    assert not {item["id"] for item in local["layers"]} & {"states", "districts"}


def test_tooltips_name_kind_state_projects_phase_topics(monkeypatch):
    at = run_app(monkeypatch, page="map")
    members = {row["id"]: row for row in features(drawn_map(at), "members")}
    lemgo = members["lemgo"]
    lines = lemgo["tip"].split("\n")
    assert lines[:3] == ["Lemgo", "Stadt · Nordrhein-Westfalen", "Kreis Lippe"]
    assert lines[3].startswith("Projekte: 1 · Phase: ") and "Themen: " in lines[3]
    assert "digital.interkommunal" in lines[4]
    visit = next(row for row in features(drawn_map(at), "links") if "2022" in row["tip"])
    assert "09.06.2022" in visit["tip"]  # German date


def test_filtering_by_state_changes_the_points(monkeypatch):
    at = run_app(monkeypatch, page="map", params={"state": "Niedersachsen"})
    members = features(drawn_map(at), "members")
    assert len(members) == 19
    assert all(row["tip"].split("\n")[1].endswith("· Niedersachsen") for row in members)
    everyone = features(drawn_map(run_app(monkeypatch, page="map")), "members")
    assert len(everyone) > len(members)


def test_the_view_fits_the_filtered_members_and_stays_while_they_do(monkeypatch):
    at = run_app(monkeypatch, page="map")
    germany = drawn_map(at)["view"]
    multiselect(at, "f_state").set_value(["Bayern"]).run()
    assert not at.exception
    fitted = drawn_map(at)["view"]
    assert fitted["zoom"] > germany["zoom"] and fitted["latitude"] < 50.5  # Bavaria
    assert len(features(drawn_map(at), "members")) < 30
    next(b for b in at.button if b.key == "map_whole").click().run()
    assert round(drawn_map(at)["view"]["zoom"], 2) == germany["zoom"]
    # a rerun with the same filters (a setting, a click) keeps where the user went
    at.run()
    assert round(drawn_map(at)["view"]["zoom"], 2) == germany["zoom"]
    next(b for b in at.button if b.key == "map_fit").click().run()
    again = drawn_map(at)["view"]
    assert abs(again["zoom"] - fitted["zoom"]) < 0.001
    # pressed again (after the user panned away): the view given must differ, or the
    # chart would not move
    next(b for b in at.button if b.key == "map_fit").click().run()
    assert drawn_map(at)["view"] != again


def test_a_link_to_a_region_opens_fitted_to_it(monkeypatch):
    at = run_app(monkeypatch, page="map", params={"state": "Niedersachsen"})
    opened = drawn_map(at)["view"]
    assert opened["zoom"] > 5.0 and opened["latitude"] > 51.5


def test_choropleth_of_districts(monkeypatch):
    at = run_app(monkeypatch, page="map", params={"mode": "districts", "state": "Niedersachsen"})
    # the outlines' style without the white land: the areas' colours are the land
    spec = drawn_map(at)
    assert spec["style"] == LOCAL_AREAS_STYLE
    # the 400 outlines come from the static file; the map colours the areas with a value
    assert spec["sources"]["areas"]["data"] == "/app/static/geo/districts.geojson"
    fill = layer(spec, "areas")["paint"]["fill-color"]
    assert fill[:2] == ["match", ["get", "ags"]]
    valued = {key for keys in fill[2:-1:2] for key in keys}
    assert "03241" in valued and "05766" not in valued  # Region Hannover, Kreis Lippe
    # the diamonds and links drawn over the areas are named beside them (the partners
    # outside the filter are drawn on the members' map only)
    legend = next(m.value for m in at.markdown if m.value.startswith("![]("))
    named = [line.split(") ", 1)[1] for line in legend.split("  \n")]
    assert named == ["Partnerorganisation", "Kooperation", "Besuch oder Treffen", "Unterstützung"]
    assert any(mark["kind"] == "organisation" for mark in spec["marks"])
    assert any(x["id"].startswith("links") for x in spec["layers"])


def test_hostile_name_is_escaped_in_the_tooltip(monkeypatch, tmp_path):
    folder = write_folder(
        tmp_path,
        municipalities=MUNIS.replace("Lemgo,Stadt", f'"{HOSTILE}",Stadt').replace(
            "Niedersachsen,Landkreis Hildesheim", f'Niedersachsen,"{HOSTILE}"'
        ),
        projects=(
            "id,name,programme,cohort,municipality_ids,lead_municipality_id,topics,phase\n"
            f'di,"{HOSTILE}",MPSC,2020,kalletal;lemgo,kalletal,Mobilität,Umsetzung\n'
        ),
        cooperations=f'id,a_id,b_id,kind,date,note,source\nc1,lemgo,hildesheim,"{HOSTILE}",,,t\n',
    )
    at = run_app(monkeypatch, folder, page="map")
    assert not at.exception
    spec = drawn_map(at)
    # the tooltips are plain text (the map sets them with textContent): the name shows as
    # itself and cannot become markup
    members = features(spec, "members")
    assert any(row["tip"].startswith(HOSTILE + "\n") for row in members)
    assert any(HOSTILE in row["tip"] for row in features(spec, "links"))
    code = module_path("map_chart.js").read_text(encoding="utf-8")
    assert "textContent = text" in code and "innerHTML" not in code
    # the table alternative (built when opened) shows it as plain text, the legend and
    # captions not at all
    assert HOSTILE in open_expander(at, "map_table").dataframe[0].value.to_string()
    assert all(HOSTILE not in m.value for m in at.markdown)


def test_legend_labels_are_escaped_and_in_the_map_colours():
    text = legend_markdown([(HOSTILE, "#E69F00", "dot"), ("Partner", "#000000", "ring")])
    assert HOSTILE not in text and "\\<img" in text
    first = text.split("  \n")[0]
    symbol = base64.b64decode(first.split("base64,")[1].split(")")[0]).decode()
    assert 'fill="#E69F00"' in symbol and symbol.startswith("<svg")


def test_no_two_legend_entries_share_a_colour(monkeypatch, network):
    points = geo.member_points(network)
    for colour_by in ("phase", "cohort", "topic"):
        fills, palette = point_colours(points, colour_by)
        assert len(set(palette.values())) == len(palette), colour_by
        # an unknown phase is drawn hollow (white, grey ring): told apart by shape too
        hollow = {tuple(rgb("#FFFFFF"))} if colour_by == "phase" else set()
        assert {tuple(f) for f in fills} <= {tuple(rgb(c)) for c in palette.values()} | hollow


def test_counts_per_area_count_a_project_once_per_area(network):
    by_state = geo.counts_by_area(network, "states", "projects")
    assert by_state["Niedersachsen"] == 8
    districts = geo.counts_by_area(network, "districts", "projects")
    # Kreis Lippe: digital.interkommunal (Kalletal + Lemgo) once, Detmold's project once
    assert districts["05766"] == 2


@pytest.mark.parametrize(
    ("level", "key", "member"),
    [("districts", "05766", "lemgo"), ("states", "Niedersachsen", "hildesheim")],
)
def test_a_clicked_area_lists_the_projects_it_is_coloured_by(network, level, key, member):
    projects = geo.projects_in_area(network, level, key)
    assert len(projects) == geo.counts_by_area(network, level, "projects")[key]
    assert projects["municipality_ids"].map(lambda ids: member in ids).any()


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


def test_table_alternative_lists_every_point_link_and_partner(monkeypatch):
    at = run_app(monkeypatch, page="map", params={"state": "Niedersachsen"})
    assert len(at.dataframe) == 0  # closed: built only when someone opens it
    open_expander(at, "map_table")
    members, links, partners = (frame.value for frame in at.dataframe[:3])
    assert len(members) == 19
    assert len(links) == len(features(drawn_map(at), "links"))
    # a partner shows when a shown link ends at it: the Städtetag supports Lower Saxony's
    # projects; Fraunhofer's links all lie in North Rhine-Westphalia
    assert set(partners["Name"]) == {"Niedersächsischer Städtetag"}


def test_map_on_a_small_synthetic_network(monkeypatch, small_synth_dir):
    at = run_app(monkeypatch, small_synth_dir, page="map")
    assert not at.exception
    members = features(drawn_map(at), "members")
    assert 0 < len(members) <= 300
    at = run_app(monkeypatch, small_synth_dir, page="map", params={"mode": "states"})
    assert not at.exception
    assert layer(drawn_map(at), "areas")["paint"]["fill-color"][:2] == ["match", ["get", "name"]]


def test_every_slide_starts_from_its_own_view(monkeypatch):
    """Slide 1 fits the map to Lower Saxony; slide 2, a view without a region, starts from
    the whole country (fitted to the slide's map) instead of keeping the previous slide's
    map."""
    at = run_app(monkeypatch, page="map")
    at.session_state["session_views"] = [
        {
            "id": "kreise",
            "title": "Kreise",
            "page": "map",
            "params": "mode=districts",
            "position": 9,
        }
    ]
    show = "niedersachsen-karte,kreise"
    for key, value in {"show": show, "slide": "0", "state": "Niedersachsen"}.items():
        at.query_params[key] = value
    at.run()
    fitted = drawn_map(at)["view"]
    assert fitted["zoom"] > INITIAL_VIEW["zoom"] and 51.5 < fitted["latitude"] < 53.5
    del at.query_params["state"]
    at.query_params["slide"] = "1"
    at.query_params["mode"] = "districts"
    at.run()
    assert not at.exception
    whole = whole_country(ASSUMED_SIZE[True])  # Germany fitted to the slide's map
    assert drawn_map(at)["view"]["zoom"] == pytest.approx(whole["zoom"])
    # the legend points to no table: a slide does not show it
    assert "Dunkler: mehr." in [c.value for c in at.caption]
    assert not any("Tabelle" in c.value for c in at.caption)


def test_the_names_with_room_at_the_opening_zoom_are_drawn_at_a_readable_size(monkeypatch):
    """The names that have room where the map opens go to the map, each at one size in
    pixels readable from the back of a room: fewer names rather than tiny ones."""
    at = run_app(monkeypatch, page="map", params={"state": "Niedersachsen"})
    spec = drawn_map(at)
    names = {mark["text"] for mark in marks(spec, "name")}
    members = {row["tip"].split("\n")[0] for row in features(spec, "members")}
    assert len(names & members) >= len(members) // 2 and "Lemgo" in names  # outside the filter
    assert all(mark["px"] >= 14 for mark in marks(spec, "name"))


def test_names_do_not_overlap_at_the_opening_zoom_and_all_show_when_zoomed_in(network):
    from atlas.filters import Filters, apply_filters
    from components.map_labels import label_boxes, name_labels

    view = apply_filters(network, Filters(states=("Niedersachsen",)))
    points = geo.member_points(view)
    labels = name_labels(points, None, view.organisations).set_index("name")
    zoom = geo.fit_view(points)["zoom"]
    shown = labels[labels["min_zoom"] <= zoom]
    assert len(shown) >= len(points) // 2
    x, y, left, right, top, bottom = label_boxes(shown.reset_index())
    scale = 2**zoom
    for i in range(len(shown)):
        for j in range(i):
            apart_x = (x[i] - x[j]) * scale + left[i] >= right[j] or (
                (x[j] - x[i]) * scale + left[j] >= right[i]
            )
            apart_y = (y[i] - y[j]) * scale + top[i] >= bottom[j] or (
                (y[j] - y[i]) * scale + top[j] >= bottom[i]
            )
            assert apart_x or apart_y, (shown.index[i], shown.index[j])
    # zoomed in a few steps by hand, every member is named
    assert (labels.loc[labels["kind"] == "member", "min_zoom"] <= 9).all()
    # the busiest first; an organisation's long name never costs a member its label
    assert labels.at["Einbeck", "min_zoom"] == labels["min_zoom"].min()
    assert labels.at["Wolfsburg", "min_zoom"] < labels.at["Niedersächsischer Städtetag", "min_zoom"]
    # full size (15 px) exactly from its own zoom
    metres_per_pixel = (
        40_075_016.686 * np.cos(np.radians(labels["lat"])) / (512 * 2 ** labels["min_zoom"])
    )
    assert np.allclose(labels["size"] / metres_per_pixel, 15, atol=0.01)


def test_label_choice_names_all_when_few_and_never_overlaps(network):
    points = geo.member_points(network)
    few = points[points["state"] == "Niedersachsen"]
    assert geo.label_choice(few, zoom=9).all()  # zoomed in: all names fit
    chosen = geo.label_choice(points, zoom=5, limit=30)
    assert 5 <= chosen.sum() <= 30
    # the member with most projects is always named
    assert chosen[points["projects"].idxmax()]


def test_links_to_partners_outside_the_filter_reach_the_faded_partner(monkeypatch):
    at = run_app(monkeypatch, page="map", params={"state": "Niedersachsen"})
    spec = drawn_map(at)
    visits = [row for row in features(spec, "links") if "Wolfsburg" in row["tip"]]
    assert any("Lemgo" in row["tip"] for row in visits)  # Lemgo is in NRW
    faded = {row["tip"] for row in features(spec, "faded_partners")}
    assert "Lemgo" in faded and "Wolfsburg" not in faded


def test_link_kinds_differ_in_colour_and_in_dash_or_width(monkeypatch):
    at = run_app(monkeypatch, page="map")
    spec = drawn_map(at)
    dashes = {
        item["filter"][2]: item["paint"].get("line-dasharray")
        for item in spec["layers"]
        if item["id"].startswith("links_")
    }
    rows = features(spec, "links")
    style = {row["kind"]: (row["colour"], row["width"], str(dashes[row["dash"]])) for row in rows}
    assert {"joint", "cooperation", "visit", "support"} <= set(style)
    for a in style:
        for b in style:
            if a != b:
                assert style[a][0] != style[b][0]
                assert style[a][1:] != style[b][1:], (a, b)
    assert geo.link_kind("Gemeinsames Projekt") == "joint"
    assert geo.link_kind("Besuch") == "visit" and geo.link_kind("", event=True) == "visit"
    assert geo.link_kind("Unterstützung") == "support"
    assert geo.link_kind("Kooperationsverbund") == "cooperation"


def test_an_organisation_is_its_own_marker_beside_the_member_it_shares_a_place_with(monkeypatch):
    at = run_app(monkeypatch, page="map")
    spec = drawn_map(at)
    fraunhofer = next(m for m in marks(spec, "organisation") if m["tip"].startswith("Fraunhofer"))
    # members are drawn and picked as before: the diamond sits beside Lemgo, not on it
    lemgo = next(row for row in features(spec, "members") if row["tip"].startswith("Lemgo\n"))
    assert (fraunhofer["lon"], fraunhofer["lat"]) == (lemgo["lon"], lemgo["lat"])
    assert (fraunhofer["dx"], fraunhofer["dy"]) != (0, 0)


@pytest.mark.parametrize(
    ("lat", "lon", "kept"),
    [
        ([52.0, 48.0], [9.0, 11.0], ["a", "b"]),
        ([52.0, None], [9.0, 11.0], ["a"]),
        ([None, 48.0], [9.0, None], []),
    ],
)
def test_only_members_with_coordinates_are_located(lat, lon, kept):
    munis = pd.DataFrame({"id": ["a", "b"], "lat": lat, "lon": lon})
    assert geo.located(munis)["id"].tolist() == kept


def test_a_large_map_is_sent_the_names_that_have_room_up_to_a_states_view():
    """Above SHORT_TIPS_ABOVE members only the names that show from a state's view on are
    sent (the browser draws every name it gets, however small); a small map keeps all."""
    from components.map_labels import name_labels
    from components.payload import LABEL_ZOOM_AT_SCALE, SHORT_TIPS_ABOVE, labels_at_scale

    rng = np.random.default_rng(1)
    n = SHORT_TIPS_ABOVE + 300  # all named: below map_labels.LABEL_MAX
    points = pd.DataFrame(
        {
            "lon": rng.uniform(6.0, 15.0, n),
            "lat": rng.uniform(47.5, 55.0, n),
            "name": [f"Ort {i}" for i in range(n)],
            "projects": rng.integers(1, 6, n),
            "population": rng.integers(1_000, 100_000, n),
        }
    )
    organisations = pd.DataFrame(
        {"lon": [8.9], "lat": [52.0], "name": ["Institut mit langem Namen"], "kind": ["x"]}
    )
    labels = name_labels(points, None, organisations)
    sent = labels_at_scale(labels, len(points))
    wanted = labels[(labels["min_zoom"] <= LABEL_ZOOM_AT_SCALE) | (labels["kind"] != "member")]
    assert set(sent["name"]) == set(wanted["name"])
    assert 0 < (sent["kind"] == "member").sum() < (labels["kind"] == "member").sum()
    assert "Institut mit langem Namen" in set(sent["name"])
    assert labels_at_scale(labels, SHORT_TIPS_ABOVE) is labels
    # what the deck is sent
    deck = build_deck(
        points.assign(tip=points["name"], phase="Umsetzung", id=points["name"]),
        pd.DataFrame(),
        organisations.assign(tip=""),
        "points",
        "phase",
    )
    spec = json.loads(deck.to_json())
    # of those, the deck draws the names that have room where the map opens
    opening = name_labels(points, None, organisations, zoom=INITIAL_VIEW["zoom"])
    drawn = {row["name"] for row in layer(spec, "member_labels")["data"]}
    assert drawn == set(opening.loc[opening["kind"] == "member", "name"])
    assert 0 < len(drawn) <= (sent["kind"] == "member").sum()
    assert drawn <= set(sent["name"])


def test_the_map_is_fitted_for_the_size_the_browser_reports(monkeypatch):
    """The first run fits the view for the size assumed (1280x720's), so the map is drawn at
    once; a map of another size reports its own (and shows only its base until then) and
    is drawn again, fitted to it."""
    at = run_app(monkeypatch, page="map")
    assert not at.exception
    first = drawn_map(at)
    assert first["size"] == {"width": ASSUMED_SIZE[False][0], "height": ASSUMED_SIZE[False][1]}
    assert features(first, "members") and first["marks"]
    assert "Phase" in [m.value.strip("*") for m in at.markdown]  # the legend
    at.session_state["map"] = {"size": {"width": 1087, "height": 830}}  # a 1920x1080 screen
    at.run()
    drawn = drawn_map(at)
    assert drawn["size"] == {"width": 1087, "height": 830}
    assert drawn["view"]["zoom"] > first["view"]["zoom"]
    assert drawn["view"]["zoom"] == pytest.approx(whole_country((1087, 830))["zoom"])
    # a size no map has is not taken
    at.session_state["map"] = {"size": {"width": 99_999, "height": -1}}
    at.run()
    assert drawn_map(at)["size"] == {"width": 1087, "height": 830}


def test_a_slide_is_fitted_for_its_own_size(monkeypatch):
    """The page's map measured, a map slide is still fitted for a slide's map (larger,
    below the slide's bar) until the slide's map reports its size: not the page's."""
    at = run_app(monkeypatch, page="map")
    at.session_state["map"] = {"size": {"width": 1087, "height": 830}}
    at.run()
    for key, value in {"show": "niedersachsen-karte", "slide": "0"}.items():
        at.query_params[key] = value
    at.query_params["state"] = "Niedersachsen"
    at.run()
    assert not at.exception
    size = ASSUMED_SIZE[True]
    assert drawn_map(at)["size"] == {"width": size[0], "height": size[1]}
