"""The map's names as the deck draws them: readable (one size in pixels, larger on a
slide), never overlapping at the opening zoom, and an organisation's name never over a
member's dot or name, also when zoomed in."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from atlas import geo
from atlas.filters import Filters, apply_filters
from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from components.map_deck import (
    build_deck,
    describe_links,
    describe_points,
    tip,
)
from components.map_labels import (
    LABEL_PX,
    MEMBER_OFFSET,
    ORG_LABEL_OFFSET,
    RADIUS_METRES,
    RADIUS_PIXELS,
    world_xy,
)
from components.map_view import organisation_points
from components.map_viewport import ASSUMED_SIZE, PADDING, whole_country

SIZES = {"page 1280": ((607, 470), False), "page 1920": ((1087, 830), False)}
SIZES |= {"slide 1280": ((875, 544), True), "slide 1920": ((1355, 904), True)}


@pytest.fixture(scope="module")
def niedersachsen():
    network = open_network(BUNDLED_DATA_DIR, dt.date(2026, 6, 1))
    view = apply_filters(network, Filters(states=("Niedersachsen",)))
    points = describe_points(geo.member_points(view), "de")
    links = describe_links(geo.links(view, network), "de")
    return network, view, points, links


def deck_layers(network, view, points, links, size, presenting, organisations=None) -> dict:
    faded = geo.faded_partners(links)
    orgs = organisation_points(network, links) if organisations is None else organisations
    where = geo.fit_view(geo.located(view.municipalities), *size, padding=PADDING)
    deck = build_deck(
        points, links, orgs, "points", "phase", view=where, faded=faded,
        label_px=LABEL_PX[presenting], map_size=size,
    )  # fmt: skip
    # each layer's data as a table (pydeck keeps it as records)
    tables = {
        layer.id: pd.DataFrame(layer.data) for layer in deck.layers if isinstance(layer.data, list)
    }
    return tables | {"zoom": where["zoom"]}


def boxes(data: pd.DataFrame, offset, anchor: str, zoom: float) -> np.ndarray:
    """Each name's box in screen pixels (left, right, top, bottom) at this zoom, as
    deck.gl lays it out: at its place, moved by its pixel offset (the layer's `offset` per
    name where it has one), starting there, ending there or centred on it (the layer's
    `anchor` per name where it has one), `px` high, about 0.55 of its height a character
    wide (plus the background's padding)."""
    x, y = world_xy(data["lat"].to_numpy(float), data["lon"].to_numpy(float))
    px = data["px"].to_numpy(float)
    width = 0.55 * px * data["name"].str.len().to_numpy() + 8
    if "offset" in data:  # one per name
        offset = np.array(data["offset"].tolist(), dtype=float).T
    anchors = data["anchor"].to_numpy() if "anchor" in data else np.full(len(data), anchor)
    shift = np.select([anchors == "end", anchors == "middle"], [width, width / 2], 0.0)
    left = x * 2**zoom + offset[0] - shift
    top = y * 2**zoom + offset[1] - 0.6 * px
    return np.column_stack([left, left + width, top, top + 1.2 * px])


def dots(members: pd.DataFrame, zoom: float) -> np.ndarray:
    """Each member's dot as a box in screen pixels, as large as deck.gl draws it here."""
    x, y = world_xy(members["lat"].to_numpy(float), members["lon"].to_numpy(float))
    metres_per_px = 40_075_016.686 * np.cos(np.radians(members["lat"])) / (512 * 2**zoom)
    radius = np.clip(members["radius"] / metres_per_px, *RADIUS_PIXELS).to_numpy()
    cx, cy = x * 2**zoom, y * 2**zoom
    return np.column_stack([cx - radius, cx + radius, cy - radius, cy + radius])


def overlapping(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairs (i, j) of boxes of a and b that overlap."""
    hit = (a[:, None, 0] < b[None, :, 1]) & (b[None, :, 0] < a[:, None, 1])
    hit &= (a[:, None, 2] < b[None, :, 3]) & (b[None, :, 2] < a[:, None, 3])
    return np.argwhere(hit)


@pytest.mark.parametrize("where", list(SIZES))
def test_names_are_readable_and_do_not_overlap_at_the_opening_zoom(niedersachsen, where):
    size, presenting = SIZES[where]
    layers = deck_layers(*niedersachsen, size, presenting)
    names = layers["member_labels"]
    assert (names["px"] >= (18 if presenting else 14)).all()
    assert {"Hannover", "Einbeck", "Osnabrück", "Göttingen"} <= set(names["name"])
    drawn = boxes(names, MEMBER_OFFSET, "start", layers["zoom"])
    assert [p for p in overlapping(drawn, drawn) if p[0] < p[1]] == []


def test_a_larger_map_names_more_members(niedersachsen):
    small = deck_layers(*niedersachsen, ASSUMED_SIZE[False], False)["member_labels"]
    large = deck_layers(*niedersachsen, (1087, 830), False)["member_labels"]
    assert set(small["name"]) < set(large["name"])


@pytest.mark.parametrize("where", list(SIZES))
@pytest.mark.parametrize("closer", [0, 1, 2, 4])
def test_an_organisations_name_never_covers_a_members_dot_or_name(niedersachsen, where, closer):
    """Zoomed in by hand (`closer` steps), the names keep their pixel offsets while the
    places part: the organisation's name still touches no dot and no name."""
    network, view, points, links = niedersachsen
    size, presenting = SIZES[where]
    # the Städtetag at Hannover, and an organisation at Göttingen's very place
    extra = points.loc[points["name"] == "Göttingen", ["lon", "lat"]].assign(
        name="Testverband Südniedersachsen", kind="Verband", tip=tip("Testverband", "Verband")
    )
    orgs = pd.concat([organisation_points(network, links), extra], ignore_index=True)
    layers = deck_layers(network, view, points, links, size, presenting, orgs)
    zoom = layers["zoom"] + closer
    org_names = layers["organisation_labels"]
    assert "Testverband Südniedersachsen" in set(org_names["name"])  # room beside Göttingen
    members = layers["members"]
    member_names = layers["member_labels"]
    own = boxes(org_names, ORG_LABEL_OFFSET, "end", zoom)
    assert len(overlapping(own, dots(members, zoom))) == 0
    assert len(overlapping(own, boxes(member_names, MEMBER_OFFSET, "start", zoom))) == 0


def test_an_organisations_name_is_left_out_where_it_would_cover_a_dot(niedersachsen):
    """The Städtetag stands beside Hannover with Langenhagen just above: at the page's
    opening zoom its name would lie on Langenhagen's dot, so only its diamond is drawn."""
    layers = deck_layers(*niedersachsen, ASSUMED_SIZE[False], False)
    assert "Niedersächsischer Städtetag" in set(layers["organisations"]["name"])
    assert "Niedersächsischer Städtetag" not in set(layers["organisation_labels"].get("name", []))


def test_dots_are_sized_as_the_deck_draws_them(niedersachsen):
    layers = deck_layers(*niedersachsen, ASSUMED_SIZE[False], False)
    members = layers["members"]
    assert (members["radius"] >= RADIUS_METRES).all()


@pytest.mark.parametrize("where", list(SIZES))
def test_no_name_is_cut_at_the_maps_edge(where):
    """The whole network fitted to the map: every name drawn lies wholly on the map; a
    long name by the edge (Landkreis Vorpommern-Greifswald, east of the others) that
    would run off it is left out, not cut."""
    size, presenting = SIZES[where]
    network = open_network(BUNDLED_DATA_DIR, dt.date(2026, 11, 30))
    points = geo.located(network.municipalities).assign(projects=1, tip="", phase="Umsetzung")
    view = whole_country(size)

    def drawn(map_size):
        deck = build_deck(
            points, pd.DataFrame(), pd.DataFrame(), "points", "phase", view=view,
            label_px=LABEL_PX[presenting], map_size=map_size,
        )  # fmt: skip
        return next(pd.DataFrame(x.data) for x in deck.layers if x.id == "member_labels")

    names = drawn(size)
    # each name's box on the screen: world pixels at the zoom, less the map's centre
    scale = 2 ** view["zoom"]
    cx, cy = world_xy(np.array([view["latitude"]]), np.array([view["longitude"]]))
    box = boxes(names, MEMBER_OFFSET, "start", view["zoom"])
    box[:, :2] += size[0] / 2 - cx[0] * scale
    box[:, 2:] += size[1] / 2 - cy[0] * scale
    assert len(names) > 5
    assert (box[:, 0] >= 0).all() and (box[:, 1] <= size[0]).all()
    assert (box[:, 2] >= 0).all() and (box[:, 3] <= size[1]).all()
    unbounded = drawn(None)
    assert set(names["name"]) <= set(unbounded["name"])
    if where == "page 1280":
        assert "Landkreis Vorpommern-Greifswald" in set(unbounded["name"])
        assert "Landkreis Vorpommern-Greifswald" not in set(names["name"])


@pytest.mark.parametrize("where", list(SIZES))
def test_zoomed_in_by_hand_more_places_are_named_and_none_overlap(niedersachsen, where):
    """The view the user zoomed to around a member that had no name where the map opened
    (three steps in): the names drawn for it include places that had no room at the
    opening zoom, keep their size, do not overlap and lie wholly on the map."""
    network, view, points, links = niedersachsen
    size, presenting = SIZES[where]
    opening = deck_layers(network, view, points, links, size, presenting)
    unnamed = points[~points["name"].isin(opening["member_labels"]["name"])]
    assert len(unnamed)  # the opening view cannot name all of Niedersachsen's members
    around = unnamed.iloc[0]
    closer = {"latitude": around["lat"], "longitude": around["lon"]}
    closer["zoom"] = opening["zoom"] + 3
    where_opened = geo.fit_view(geo.located(view.municipalities), *size, padding=PADDING)
    deck = build_deck(
        points, links, organisation_points(network, links), "points", "phase",
        view=where_opened, names_for=closer, faded=geo.faded_partners(links),
        label_px=LABEL_PX[presenting], map_size=size,
    )  # fmt: skip
    names = next(pd.DataFrame(x.data) for x in deck.layers if x.id == "member_labels")
    assert set(names["name"]) & set(unnamed["name"])  # newly named
    assert (names["px"] == LABEL_PX[presenting]).all()
    drawn = boxes(names, MEMBER_OFFSET, "start", closer["zoom"])
    assert [p for p in overlapping(drawn, drawn) if p[0] < p[1]] == []
    scale = 2 ** closer["zoom"]
    cx, cy = world_xy(np.array([closer["latitude"]]), np.array([closer["longitude"]]))
    drawn[:, :2] += size[0] / 2 - cx[0] * scale
    drawn[:, 2:] += size[1] / 2 - cy[0] * scale
    assert (drawn[:, 0] >= 0).all() and (drawn[:, 1] <= size[0]).all()
    assert (drawn[:, 2] >= 0).all() and (drawn[:, 3] <= size[1]).all()
    # the map itself still opens where it did: the user's view is the browser's
    assert deck.initial_view_state.zoom == pytest.approx(where_opened["zoom"])


def test_names_are_chosen_among_the_places_around_the_view():
    from components.map_labels import near_view

    places = pd.DataFrame(
        {"name": ["Mitte", "Rand", "Weit"], "lat": [52.0, 52.0, 52.0], "lon": [10.0, 10.6, 13.0]}
    )
    view = {"latitude": 52.0, "longitude": 10.0, "zoom": 9.0}  # 0.6° east: 437 px, 3°: 2,185
    kept = near_view(places, view, (800, 600))
    assert list(kept["name"]) == ["Mitte", "Rand"]
    assert list(near_view(places, {**view, "zoom": 5.0}, (800, 600))["name"]) == list(
        places["name"]
    )


@pytest.mark.parametrize(
    ("sent", "taken"),
    [
        (
            {"latitude": 52.3759123, "longitude": 9.7320456, "zoom": 9.123456},
            {"latitude": 52.376, "longitude": 9.732, "zoom": 9.12},
        ),
        (
            {"latitude": "52.1", "longitude": 9, "zoom": 8},
            {"latitude": 52.1, "longitude": 9.0, "zoom": 8.0},
        ),
        ({"latitude": 91, "longitude": 9, "zoom": 8}, None),
        ({"latitude": 52, "longitude": 181, "zoom": 8}, None),
        ({"latitude": 52, "longitude": 9, "zoom": 30}, None),
        ({"latitude": 52, "longitude": 9}, None),
        ({"latitude": "<b>x</b>", "longitude": 9, "zoom": 8}, None),
        ("52,9,8", None),
        (None, None),
    ],
)
def test_only_a_plausible_view_from_the_browser_is_taken(sent, taken):
    from components.map_viewport import reported_view

    assert reported_view(sent) == taken


@pytest.mark.parametrize("closer", [0, 3])
def test_a_members_name_starts_beside_its_dot(niedersachsen, closer):
    """Each member's name begins just beside its dot (right of it, or left, above or below
    where the right lies on another dot: test_a_members_name_lies_on_no_other_dot), as
    large as the dot is drawn at the zoom the names are for: on the dot it would be hard
    to read, far off it would seem to name another place."""
    network, view, points, links = niedersachsen
    size = SIZES["page 1920"][0]
    where = geo.fit_view(geo.located(view.municipalities), *size, padding=PADDING)
    hannover = points.loc[points["name"] == "Hannover"].iloc[0]
    named = {"latitude": hannover["lat"], "longitude": hannover["lon"]}
    named["zoom"] = where["zoom"] + closer
    deck = build_deck(
        points, links, organisation_points(network, links), "points", "phase",
        view=where, names_for=named, map_size=size,
    )  # fmt: skip
    names = next(pd.DataFrame(x.data) for x in deck.layers if x.id == "member_labels")
    members = points.set_index("name").loc[names["name"]]
    drawn = dots(
        members.assign(radius=members["projects"].clip(lower=1) ** 0.5 * RADIUS_METRES),
        named["zoom"],
    )
    dx = np.array([o[0] for o in names["offset"]])
    dy = np.array([o[1] for o in names["offset"]])
    radius = (drawn[:, 1] - drawn[:, 0]) / 2
    # the gap between the dot and the name: beside it (start or end) or above or below
    # it (centred; a name is 1.2 px high, half of it above its middle)
    side = names["anchor"].to_numpy() != "middle"
    gap = np.where(side, np.abs(dx), np.abs(dy) - 0.6 * names["px"].to_numpy(float)) - radius
    assert len(names)
    assert ((gap >= 3) & (gap <= 8)).all(), names.assign(gap=gap)[["name", "anchor", "offset"]]
    assert (dx[~side] == 0).all() and (dy[side] == 0).all()


def touching(box: np.ndarray, round_ones: np.ndarray) -> bool:
    """Whether a box (left, right, top, bottom) touches any of the dots given as boxes
    (`dots`): the point of the box nearest to a dot's centre lies inside the dot."""
    cx, cy = (round_ones[:, 0] + round_ones[:, 1]) / 2, (round_ones[:, 2] + round_ones[:, 3]) / 2
    radius = (round_ones[:, 1] - round_ones[:, 0]) / 2
    nx, ny = np.clip(cx, box[0], box[1]), np.clip(cy, box[2], box[3])
    return bool((np.hypot(cx - nx, cy - ny) < radius).any())


def sides(name: pd.Series, dot: np.ndarray) -> np.ndarray:
    """The four boxes (right, left, above, below) a name may take beside its dot (a box
    as `dots` gives it), in screen pixels, 5 pixels from the dot."""
    px = float(name["px"])
    width = 0.55 * px * len(name["name"]) + 8
    cx, cy = (dot[0] + dot[1]) / 2, (dot[2] + dot[3]) / 2
    radius, half = (dot[1] - dot[0]) / 2, 0.6 * px
    rise = radius + 5 + half
    return np.array(
        [
            [cx + radius + 5, cx + radius + 5 + width, cy - half, cy + half],
            [cx - radius - 5 - width, cx - radius - 5, cy - half, cy + half],
            [cx - width / 2, cx + width / 2, cy - rise - half, cy - rise + half],
            [cx - width / 2, cx + width / 2, cy + rise - half, cy + rise + half],
        ]
    )


@pytest.mark.parametrize("where", list(SIZES))
@pytest.mark.parametrize("closer", [0, 1])
def test_a_members_name_lies_on_no_other_dot_where_a_side_is_free(niedersachsen, where, closer):
    """Read from a projector, a name written over its neighbour's dot names the wrong
    place: each member's name stands right of its dot, or where that lies on another
    member's dot, on a side (left, above, below) that does not. Only where every side
    lies on a dot or on another name may a name lie on a dot (on a dense map a name is
    worth more than the dot it covers, whose tooltip still names it)."""
    network, view, points, links = niedersachsen
    size, presenting = SIZES[where]
    fitted = geo.fit_view(geo.located(view.municipalities), *size, padding=PADDING)
    named = fitted | {"zoom": fitted["zoom"] + closer}
    deck = build_deck(
        points, links, organisation_points(network, links), "points", "phase",
        view=fitted, names_for=named, map_size=size, label_px=LABEL_PX[presenting],
    )  # fmt: skip
    tables = {x.id: pd.DataFrame(x.data) for x in deck.layers if isinstance(x.data, list)}
    names, members = tables["member_labels"], tables["members"]
    zoom = named["zoom"]
    drawn, spots = boxes(names, MEMBER_OFFSET, "start", zoom), dots(members, zoom)
    assert [p for p in overlapping(drawn, drawn) if p[0] < p[1]] == []
    # a diamond is as much in the way as a dot (tables["organisations"]: place, offset)
    if len(tables.get("organisations", [])):
        diamonds = dots(tables["organisations"].assign(radius=0.0), zoom)
        shift = np.array(tables["organisations"]["offset"].tolist(), dtype=float)
        diamonds += np.column_stack([shift[:, 0], shift[:, 0], shift[:, 1], shift[:, 1]])
        diamonds += np.array([-8.0, 8.0, -8.0, 8.0])  # RADIUS_PIXELS[0] + 8 = 12 px half
        spots_and_diamonds = np.concatenate([spots, diamonds])
    else:
        spots_and_diamonds = spots
    # each member's dot by its place (the members' layer names none)
    places = zip(members["lon"], members["lat"], strict=True)
    own = {place: k for k, place in enumerate(places)}
    moved = 0
    for i, name in names.iterrows():
        k = own.get((name["lon"], name["lat"]))
        if k is None:  # a partner outside the filter: its own small dot
            continue
        others = np.delete(spots, k, axis=0)
        moved += name["anchor"] != "start"
        if not touching(drawn[i], others):
            continue
        # on a dot: every side it could take lies on a dot or on another name
        rest = np.delete(drawn, i, axis=0)
        blockers = np.delete(spots_and_diamonds, k, axis=0)
        for side in sides(name, spots[k]):
            assert touching(side, blockers) or len(overlapping(side[None, :], rest)), (
                name["name"],
                "lies on a dot though a side is free",
            )
    if where == "page 1920" and closer == 0:  # the map of the pictures: names did move
        assert moved >= 1


def test_a_name_moves_to_the_first_side_free_of_dots():
    """Table-driven, on a map of four members: Alpha's name goes right of its dot, else
    left, else above, else below; with every side on a dot it stays on the right."""
    from components.map_labels import name_labels

    def placed(neighbours: list[tuple[float, float]]) -> pd.Series:
        rows = [("Alpha", 52.0, 9.0, 9)] + [
            (f"N{k}", 52.0 + dlat, 9.0 + dlon, 1) for k, (dlat, dlon) in enumerate(neighbours)
        ]
        points = pd.DataFrame(rows, columns=["name", "lat", "lon", "projects"])
        points["population"] = 10_000
        labels = name_labels(points, None, None, zoom=9.0, px=15)
        return labels.set_index("name").loc["Alpha"]

    east, west = (0.0, 0.12), (0.0, -0.12)
    north, south = (0.045, 0.0), (-0.045, 0.0)
    assert placed([])["anchor"] == "start"
    assert placed([east])["anchor"] == "end"
    alpha = placed([east, west])
    assert alpha["anchor"] == "middle" and alpha["dy"] < 0  # above
    alpha = placed([east, west, north])
    assert alpha["anchor"] == "middle" and alpha["dy"] > 0  # below
    assert placed([east, west, north, south])["anchor"] == "start"


@pytest.mark.parametrize("where", list(SIZES))
def test_no_members_dot_covers_an_organisations_diamond(niedersachsen, where):
    """The dots and names are drawn over the diamonds, so a diamond stands where no dot
    and no name lies at the zoom the map opens at: on a 1920 slide the Städtetag's usual
    place, up and left of Hannover, is under Langenhagen's dot, up and right under its
    name, and it moves to the next free one."""
    size, presenting = SIZES[where]
    layers = deck_layers(*niedersachsen, size, presenting)
    diamonds, members = layers["organisations"], layers["members"]
    assert "Niedersächsischer Städtetag" in set(diamonds["name"])
    zoom = layers["zoom"]
    x, y = world_xy(diamonds["lat"].to_numpy(float), diamonds["lon"].to_numpy(float))
    offset = np.array(diamonds["offset"].tolist(), dtype=float)
    cx, cy = x * 2**zoom + offset[:, 0], y * 2**zoom + offset[:, 1]
    drawn = dots(members, zoom)  # boxes around the round dots
    mx, my = drawn[:, :2].mean(axis=1), drawn[:, 2:].mean(axis=1)
    radius = (drawn[:, 1] - drawn[:, 0]) / 2
    gap = np.hypot(cx[:, None] - mx[None, :], cy[:, None] - my[None, :]) - radius[None, :]
    assert (gap > 12).all()  # the diamond reaches 12 px from its centre
    own = np.column_stack([cx - 12, cx + 12, cy - 12, cy + 12])
    names = boxes(layers["member_labels"], MEMBER_OFFSET, "start", zoom)
    assert len(overlapping(own, names)) == 0  # nor does a member's name
