"""The map's names: members, partners outside the filter and partner organisations.

Every name gets the zoom from which it has room (`min_zoom`): the names are taken by
priority (members by number of projects, then the larger place; then the partner
organisations, so a long organisation name never costs a member its label; then partners
outside the filter), and each gets the lowest zoom at which it overlaps no name of higher
priority that shows there. The map draws the names that have room at its opening zoom,
all at one size readable from the back of a room (`LABEL_PX`, larger on a slide): fewer
names rather than tiny ones. (Names sized in metres, each reaching full size where it had
room, were drawn a few pixels high at the opening zoom; deck.gl's
CollisionFilterExtension would decide in the browser, but drew no name at all on
Streamlit's map.)

A member's name stands right of its dot; where that would lie on another member's dot
or a diamond, it stands left of it, above or below (beside_dots). An organisation's name
stands left of its diamond, which stands up and left of its place: a member at the same
place keeps its dot and its name (on the right) free. An organisation's name that would
still touch a member's dot or a name is left out; the diamond, the legend and the tooltip
name it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pydeck as pdk

LABEL_SIZE = 15
# the names' size in pixels: on the page (1280x720 and up) and on a slide, whose type is
# a quarter larger (components/present.py); never smaller, whatever the zoom
LABEL_PX = {False: LABEL_SIZE, True: 18}
# at most this many names are sent (the highest priorities): beyond that a dense country
# map gains nothing readable, and each name costs bytes on every run
LABEL_MAX = 2500
MIN_ZOOM, MAX_ZOOM = 3.0, 16.0  # a label that never has room is full size from MAX_ZOOM
EARTH_CIRCUMFERENCE_M = 40_075_016.686
MEMBER_OFFSET = [9, 0]  # right of a small dot (a partner outside the filter)
NAME_GAP = 5  # pixels between a member's dot and its name
# a member's dot: its area grows with its projects, in metres, never smaller or larger
# than these pixels (components/map_deck.member_layer draws it so)
RADIUS_METRES = 7000
RADIUS_PIXELS = (4, 24)
# one size in pixels, whatever the zoom: a name is either readable or not drawn
SIZING = {"get_size": "px", "size_units": '"pixels"'}
ORG_OFFSET = [-28, -28]  # up and left of the place, clear of a member's dot there (24 px at most)
ORG_LABEL_OFFSET = [ORG_OFFSET[0] - 12, ORG_OFFSET[1]]  # its name ends left of the diamond
# where else a diamond may stand when a member's dot or name lies where it would (they
# are drawn over it): up right, down left, down right, up, left, then a step further out
ORG_OFFSETS = [ORG_OFFSET, [28, -28], [-28, 28], [28, 28], [0, -36], [-36, 0]]
ORG_OFFSETS += [[-48, 0], [0, 48], [-40, -40], [-40, 40], [40, 40], [40, -40], [0, -52]]
DIAMOND_PX = 12  # half the diamond's size
DOT_PX = RADIUS_PIXELS[1]  # the largest a member's dot is drawn
# The arcs rise above the ground, so with depth testing they would hide the partner rings
# and labels drawn after them; these draw over whatever was drawn before.
ON_TOP = {"depthCompare": "always"}
LABEL_FONT = "'Source Sans, sans-serif'"

MEMBER, ORGANISATION, FADED = "member", "organisation", "faded"


def name_labels(
    points: pd.DataFrame | None,
    faded: pd.DataFrame | None,
    organisations: pd.DataFrame | None,
    zoom: float | None = None,
    px: float = LABEL_SIZE,
) -> pd.DataFrame:
    """The names the map shows (lon, lat, name, colour, kind, offset dx/dy and `anchor`),
    highest priority first, with the zoom from which each has room (`min_zoom`, for
    names `px` pixels high) and `px`. With `zoom` (the map's opening zoom): only those
    that have room there, and no organisation's name that touches a member's dot.
    (`size`: the size in metres that is `px` pixels at `min_zoom`.)"""
    frames = []
    if points is not None and len(points):
        population = pd.to_numeric(points.get("population"), errors="coerce").fillna(0)
        rank = points["projects"].astype(float).to_numpy() + population.to_numpy() / 1e8
        members = _labels(points, MEMBER, [20, 20, 20, 255], MEMBER_OFFSET).assign(rank=rank)
        if zoom is not None:  # each name just beside its dot, as large as it is drawn there
            radius = dot_pixels(points, zoom)
            members["dx"] = radius.round() + NAME_GAP
        frames.append(members)
    if organisations is not None and len(organisations):
        orgs = _labels(organisations, ORGANISATION, [0, 0, 0, 255], ORG_LABEL_OFFSET, "end")
        if "dx" in organisations:  # each name ends left of its own diamond
            orgs["dx"] = organisations["dx"].to_numpy(dtype=float) - 12
            orgs["dy"] = organisations["dy"].to_numpy(dtype=float)
        frames.append(orgs.assign(rank=0.5))
    if faded is not None and len(faded):
        frames.append(_labels(faded, FADED, [90, 90, 90, 255], MEMBER_OFFSET).assign(rank=-1.0))
    columns = ["lon", "lat", "name", "colour", "kind", "dx", "dy", "anchor", "min_zoom"]
    columns += ["size", "px"]
    if not frames:
        return pd.DataFrame(columns=columns)
    places = pd.concat(frames, ignore_index=True).dropna(subset=["lat", "lon"])
    places = places.sort_values(["rank", "name"], ascending=[False, True], kind="stable")
    places = places.head(LABEL_MAX).reset_index(drop=True)
    places["min_zoom"] = min_zooms(places, px)
    places["size"] = metres_at(places["lat"].to_numpy(dtype=float), places["min_zoom"].to_numpy())
    places["px"] = float(px)
    if zoom is not None:
        places = places[places["min_zoom"] <= zoom + 1e-9]
        members = points if points is not None else places.iloc[:0]
        places = places[~covers_a_dot(places, members, zoom, px)].reset_index(drop=True)
        places = beside_dots(places, members, organisations, zoom, px)
    return places[columns]


def place_diamonds(
    organisations: pd.DataFrame,
    members: pd.DataFrame | None,
    zoom: float,
    px: float = LABEL_SIZE,
) -> pd.DataFrame:
    """The organisations with the pixel offset of their diamond (`dx`, `dy`): the first
    of ORG_OFFSETS (nearest first) where neither a member's dot, as large as it is drawn at `zoom`, nor
    where its name (`px` high) would stand touches it: dots and names are drawn over the
    diamonds (the Städtetag's, up and left of Hannover, lay under Langenhagen's dot on a
    1920 slide, and up and right under its name). Else the first free of dots; where
    every spot is taken, the one with the most room."""
    if organisations is None or organisations.empty:
        return organisations
    offsets = np.array(ORG_OFFSETS, dtype=float)
    chosen = np.repeat(offsets[:1], len(organisations), axis=0)
    if members is not None and len(members):
        scale = 2.0**zoom
        ox, oy = world_xy(
            organisations["lat"].to_numpy(dtype=float), organisations["lon"].to_numpy(dtype=float)
        )
        mx, my = world_xy(
            members["lat"].to_numpy(dtype=float), members["lon"].to_numpy(dtype=float)
        )
        radius = dot_pixels(members, zoom) if "projects" in members else np.full(len(mx), DOT_PX)
        # each member's name box, from its place: right of its dot (name_labels)
        width = 0.55 * px * members["name"].astype(str).str.len().to_numpy() + 8
        name_left = radius.round() + NAME_GAP
        for i in range(len(organisations)):
            dx = ((mx - ox[i]) * scale)[None, :] - offsets[:, :1]  # member from each spot
            dy = ((my - oy[i]) * scale)[None, :] - offsets[:, 1:]
            room = (np.hypot(dx, dy) - radius[None, :] - DIAMOND_PX).min(axis=1)
            left, right = dx + name_left, dx + name_left + width
            on_name = (left < DIAMOND_PX) & (right > -DIAMOND_PX)
            on_name &= (dy - 0.6 * px < DIAMOND_PX) & (dy + 0.6 * px > -DIAMOND_PX)
            free = np.flatnonzero((room > 0) & ~on_name.any(axis=1))
            if not len(free):
                free = np.flatnonzero(room > 0)
            chosen[i] = offsets[free[0] if len(free) else int(np.argmax(room))]
    return organisations.assign(dx=chosen[:, 0], dy=chosen[:, 1])


def dot_metres(projects: pd.Series) -> np.ndarray:
    """A member's dot radius in metres: its area grows with its number of projects."""
    return (RADIUS_METRES * np.sqrt(projects.clip(lower=1).to_numpy(dtype=float))).round()


def dot_pixels(points: pd.DataFrame, zoom: float) -> np.ndarray:
    """Each member's dot radius in pixels at `zoom`, as deck.gl draws it."""
    lat = points["lat"].to_numpy(dtype=float)
    metres_per_pixel = EARTH_CIRCUMFERENCE_M * np.cos(np.radians(lat)) / (512 * 2.0**zoom)
    return np.clip(dot_metres(points["projects"]) / metres_per_pixel, *RADIUS_PIXELS)


def inside_map(labels: pd.DataFrame, view: dict, size: tuple[int, int]) -> pd.DataFrame:
    """The names that lie wholly on a map of `size` (width, height in pixels) opened at
    `view` (latitude, longitude, zoom): a name cut at the map's edge is left out, as one
    without room is (zoomed out or panned, the dot and its tooltip still name it)."""
    if labels.empty:
        return labels
    width, height = size
    scale = 2.0 ** float(view["zoom"])
    cx, cy = world_xy(np.array([float(view["latitude"])]), np.array([float(view["longitude"])]))
    x, y, left, right, top, bottom = label_boxes(labels, float(labels["px"].iloc[0]))
    sx = (x - cx[0]) * scale + width / 2  # each name's place on the map, in pixels
    sy = (y - cy[0]) * scale + height / 2
    keep = (sx + left >= 0) & (sx + right <= width) & (sy + top >= 0) & (sy + bottom <= height)
    return labels[keep].reset_index(drop=True)


def near_view(
    places: pd.DataFrame, view: dict, size: tuple[int, int], margin: float = 0.5
) -> pd.DataFrame:
    """The places on a map of `size` (width, height in pixels) at `view`, and those up to
    `margin` of its width and height beyond each edge (their names may reach in, or block
    one that would)."""
    if places is None or places.empty:
        return places
    width, height = size
    scale = 2.0 ** float(view["zoom"])
    cx, cy = world_xy(np.array([float(view["latitude"])]), np.array([float(view["longitude"])]))
    x, y = world_xy(places["lat"].to_numpy(dtype=float), places["lon"].to_numpy(dtype=float))
    reach_x, reach_y = width * (0.5 + margin), height * (0.5 + margin)
    keep = (np.abs((x - cx[0]) * scale) <= reach_x) & (np.abs((y - cy[0]) * scale) <= reach_y)
    return places[keep | np.isnan(x) | np.isnan(y)]


def covers_a_dot(places: pd.DataFrame, members: pd.DataFrame, zoom: float, px: float) -> np.ndarray:
    """Which organisations' names touch a member's dot at this zoom or closer in (a dot
    as large as it is ever drawn; zooming in only moves other places away, but the own
    place's dot stays where it is)."""
    hits = np.zeros(len(places), dtype=bool)
    orgs = np.flatnonzero((places["kind"] == ORGANISATION).to_numpy())
    if not len(orgs) or members is None or not len(members):
        return hits
    x, y, left, right, top, bottom = label_boxes(places.iloc[orgs], px)
    mx, my = world_xy(members["lat"].to_numpy(dtype=float), members["lon"].to_numpy(dtype=float))
    scale = 2.0**zoom
    for k, i in enumerate(orgs):
        dx = (mx - x[k]) * scale  # each dot's centre, in pixels from the name's place
        dy = (my - y[k]) * scale
        near = (dx + DOT_PX > left[k]) & (dx - DOT_PX < right[k])
        near &= (dy + DOT_PX > top[k]) & (dy - DOT_PX < bottom[k])
        hits[i] = bool(near.any())
    return hits


def beside_dots(
    places: pd.DataFrame,
    members: pd.DataFrame | None,
    organisations: pd.DataFrame | None,
    zoom: float,
    px: float,
) -> pd.DataFrame:
    """The names as drawn at `zoom`, highest priority first: a member's (or a partner's)
    name right of its dot, or where that would lie on another member's dot or an
    organisation's diamond: left of it, else above, else below (read from a projector, a
    name written over its neighbour's dot names the wrong place). Where every side lies
    on a dot, the first side clear of the names already placed (a name is worth more than
    the dot it covers: its tooltip still names that one); with no such side the name is
    not drawn at this zoom (zoomed in it has room). An organisation's name stays where it
    is, or is left out where it would lie on a name."""
    if places.empty:
        return places
    scale = 2.0**zoom
    x, y = world_xy(places["lat"].to_numpy(dtype=float), places["lon"].to_numpy(dtype=float))
    x, y = x * scale, y * scale
    width = 0.55 * px * places["name"].str.len().clip(lower=1).to_numpy() + 8
    half = px * 0.6
    # what a name must not lie on: the members' dots and the diamonds (centre x, y, radius)
    obstacles = [np.empty((0, 3))]
    if members is not None and len(members):
        mx, my = world_xy(
            members["lat"].to_numpy(dtype=float), members["lon"].to_numpy(dtype=float)
        )
        radius = dot_pixels(members, zoom) if "projects" in members else np.full(len(mx), DOT_PX)
        obstacles.append(np.column_stack([mx * scale, my * scale, radius]))
    if organisations is not None and len(organisations) and "dx" in organisations:
        ox, oy = world_xy(
            organisations["lat"].to_numpy(dtype=float), organisations["lon"].to_numpy(dtype=float)
        )
        obstacles.append(
            np.column_stack(
                [
                    ox * scale + organisations["dx"].to_numpy(dtype=float),
                    oy * scale + organisations["dy"].to_numpy(dtype=float),
                    np.full(len(ox), DIAMOND_PX),
                ]
            )
        )
    spots = np.concatenate(obstacles)
    spots = spots[np.argsort(spots[:, 0], kind="stable")]  # by x: a name's few found at once
    kinds = places["kind"].to_numpy()
    dx = places["dx"].to_numpy(dtype=float, copy=True)
    dy = places["dy"].to_numpy(dtype=float, copy=True)
    anchors = places["anchor"].to_numpy(dtype=object).copy()
    kept = np.zeros(len(places), dtype=bool)
    # the boxes (left, right, top, bottom) of the names placed, in pixels, and of those
    # placed elsewhere than given: the names as given overlap no other at this zoom
    # (min_zooms), so a name on its given side need only keep clear of the moved ones
    boxes = np.empty((len(places), 4))
    count, moved = 0, []
    for i in range(len(places)):
        if kinds[i] == ORGANISATION:
            sides = [(dx[i], dy[i], anchors[i])]
            near = spots[:0]
        else:  # its own dot's radius, from the gap its name keeps on the right
            gap = dx[i]
            down = gap + half  # its middle, NAME_GAP above or below the dot
            sides = [(gap, 0.0, "start"), (-gap, 0.0, "end")]
            sides += [(0.0, -down, "middle"), (0.0, down, "middle")]
            # the dots and diamonds any side could touch, but those at its own place
            across = gap + width[i] + DOT_PX
            near = spots[slice(*np.searchsorted(spots[:, 0], [x[i] - across, x[i] + across]))]
            off_x, off_y = np.abs(near[:, 0] - x[i]), np.abs(near[:, 1] - y[i])
            near = near[(off_y < gap + 2 * half + DOT_PX) & ((off_x > 0.5) | (off_y > 0.5))]
        chosen = None  # the first side clear of the names placed, and of dots if any is
        for k, (sx, sy, anchor) in enumerate(sides):
            left = x[i] + sx - {"start": 0, "end": width[i], "middle": width[i] / 2}[anchor]
            box = (left, left + width[i], y[i] + sy - half, y[i] + sy + half)
            if _overlaps(box, boxes[moved] if k == 0 else boxes[:count]):
                continue
            if chosen is None:
                chosen = (k, (sx, sy, anchor), box)
            if not _on_a_spot(box, near):
                chosen = (k, (sx, sy, anchor), box)
                break
        if chosen is not None:
            k, (dx[i], dy[i], anchors[i]), box = chosen
            kept[i] = True
            boxes[count] = box
            if k:
                moved.append(count)
            count += 1
    placed = places.assign(dx=dx, dy=dy, anchor=anchors)
    return placed[kept].reset_index(drop=True)


def _overlaps(box: tuple, others: np.ndarray) -> bool:
    """Whether the box overlaps any of the boxes (rows: left, right, top, bottom)."""
    if not len(others):
        return False
    hit = (others[:, 0] < box[1]) & (box[0] < others[:, 1])
    return bool((hit & (others[:, 2] < box[3]) & (box[2] < others[:, 3])).any())


def _on_a_spot(box: tuple, spots: np.ndarray) -> bool:
    """Whether the box touches any of the dots or diamonds (rows: centre x, y, radius): the
    point of the box nearest to a centre lies closer to it than the radius."""
    if not len(spots):
        return False
    cx, cy, r = spots[:, 0], spots[:, 1], spots[:, 2]
    nx, ny = np.clip(cx, box[0], box[1]), np.clip(cy, box[2], box[3])
    return bool((np.hypot(cx - nx, cy - ny) < r).any())


def world_xy(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Places on the zoom-0 world (512 px wide, as deck.gl's Web Mercator)."""
    lat = np.radians(np.clip(lat, -85, 85))
    x = (lon + 180) / 360 * 512
    y = (1 - np.log(np.tan(np.pi / 4 + lat / 2)) / np.pi) / 2 * 512
    return x, y


def label_boxes(places: pd.DataFrame, px: float = LABEL_SIZE) -> tuple[np.ndarray, ...]:
    """Each name's place on the zoom-0 world (512 px wide, as deck.gl) and its box in
    pixels relative to that place, for names `px` high: (x, y, left, right, top, bottom).
    A name anchored at its end (`anchor` "end") runs left from its offset."""
    x, y = world_xy(places["lat"].to_numpy(dtype=float), places["lon"].to_numpy(dtype=float))
    width = 0.55 * px * places["name"].str.len().clip(lower=1).to_numpy() + 8
    left = places["dx"].to_numpy(dtype=float)
    if "anchor" in places:
        anchor = places["anchor"].to_numpy()
        left = np.where(anchor == "end", left - width, left)
        left = np.where(anchor == "middle", left - width / 2, left)
    top = places["dy"].to_numpy(dtype=float) - px * 0.6
    return x, y, left, left + width, top, top + px * 1.2


def min_zooms(places: pd.DataFrame, px: float = LABEL_SIZE) -> np.ndarray:
    """For names in priority order: the lowest zoom from which each overlaps no name of
    higher priority that shows there. Boxes are fixed in pixels while distances double
    with each zoom step, so two names part from one zoom on (`_parting`); a name waits
    for every higher one it would meet after that higher one's own zoom. (Worked in
    scales, 2**zoom, and without numpy's error state per name: at 2,500 names this is a
    third of the time.)"""
    x, y, left, right, top, bottom = label_boxes(places, px)
    lowest, highest = 2.0**MIN_ZOOM, 2.0**MAX_ZOOM
    found = np.full(len(places), highest)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(len(places)):
            parted = np.minimum(
                _parting(
                    x[i] - x[:i], left[i] - left[:i], right[:i] - left[:i], right[i] - left[i]
                ),
                _parting(y[i] - y[:i], top[i] - top[:i], bottom[:i] - top[:i], bottom[i] - top[i]),
            )
            # a label once shown stays (it only grows), so it waits until it has parted
            # from every higher one that shows before that
            blocking = parted[parted > found[:i]]
            found[i] = min(max(lowest, blocking.max(initial=lowest)), highest)
    return np.log2(found)


def _parting(distance, offset, other_size, own_size) -> np.ndarray:
    """The scale (2**zoom) from which two intervals on one axis no longer overlap: the own
    one starts distance * scale + offset pixels after the other's start, the other is
    other_size long, the own one own_size; infinite when they never part."""
    # after the other one (distance > 0) or before it (distance < 0)
    scale = np.where(distance > 0, other_size - offset, own_size + offset) / np.abs(distance)
    same = distance == 0
    if same.any():
        apart = (offset >= other_size) | (offset <= -own_size)
        scale[same] = np.where(apart[same], 0.0, np.inf)
    return scale


def metres_at(lat: np.ndarray, zoom: np.ndarray) -> np.ndarray:
    """A label's size in metres that is LABEL_SIZE pixels at `zoom` (Web Mercator)."""
    metres_per_pixel = EARTH_CIRCUMFERENCE_M * np.cos(np.radians(lat)) / (512 * 2.0**zoom)
    return (LABEL_SIZE * metres_per_pixel).round(1)


def _labels(
    frame: pd.DataFrame, kind: str, colour: list[int], offset: list, anchor: str = "start"
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lon": frame["lon"].to_numpy(),
            "lat": frame["lat"].to_numpy(),
            "name": frame["name"].astype(str).to_numpy(),
            "colour": [colour] * len(frame),
            "kind": kind,
            "dx": float(offset[0]),
            "dy": float(offset[1]),
            "anchor": anchor,
        }
    )


def member_label_layer(labels: pd.DataFrame) -> pdk.Layer:
    """Names of members (dark) and of partners outside the filter (grey), beside the dot
    (right of it, unless that lies on another: beside_dots)."""
    # lowest priority first: a name drawn later lies on top
    columns = ["lon", "lat", "name", "colour", "px", "anchor"]
    data = labels.loc[labels["kind"] != ORGANISATION, columns]
    offsets = labels.loc[data.index, ["dx", "dy"]].to_numpy().tolist()
    data = data.assign(offset=offsets).iloc[::-1]
    return pdk.Layer(
        "TextLayer",
        data,
        id="member_labels",
        get_position=["lon", "lat"],
        get_text="name",
        get_color="colour",
        character_set='"auto"',
        font_family=LABEL_FONT,
        font_weight=600,
        get_text_anchor="anchor",
        get_alignment_baseline='"center"',
        get_pixel_offset="offset",
        background=True,
        get_background_color=[255, 255, 255, 200],
        background_padding=[3, 1],
        parameters=ON_TOP,
        pickable=False,
        **SIZING,
    )


def organisation_marker_layer(organisations: pd.DataFrame) -> pdk.Layer:
    """Partner organisations as their own marker kind: a black diamond beside the place,
    never on a member's dot (Fraunhofer IOSB-INA stands at Lemgo)."""
    data = organisations.assign(mark="\u25c6")
    if "dx" in data:  # where place_diamonds put each one
        data = data.assign(offset=data[["dx", "dy"]].to_numpy().tolist())
    else:
        data = data.assign(offset=[ORG_OFFSET] * len(data))
    return pdk.Layer(
        "TextLayer",
        data,
        id="organisations",
        get_position=["lon", "lat"],
        get_text="mark",
        get_size=24,
        character_set='"auto"',
        font_family="'DejaVu Sans, Segoe UI Symbol, sans-serif'",
        get_color=[0, 0, 0, 255],
        get_text_anchor='"middle"',
        get_alignment_baseline='"center"',
        get_pixel_offset="offset",
        outline_width=2,
        outline_color=[255, 255, 255, 255],
        font_settings={"sdf": True},
        parameters=ON_TOP,
        pickable=True,
    )


def organisation_label_layer(labels: pd.DataFrame) -> pdk.Layer:
    """The organisations' names left of their diamonds, away from the member at the
    same place (whose name stands right of its dot)."""
    data = labels.loc[labels["kind"] == ORGANISATION, ["lon", "lat", "name", "px"]]
    offsets = labels.loc[data.index, ["dx", "dy"]].to_numpy().tolist()
    data = data.assign(offset=offsets)
    return pdk.Layer(
        "TextLayer",
        data,
        id="organisation_labels",
        get_position=["lon", "lat"],
        get_text="name",
        character_set='"auto"',
        font_family=LABEL_FONT,
        font_weight=600,
        get_color=[0, 0, 0, 255],
        get_text_anchor='"end"',
        get_alignment_baseline='"center"',
        get_pixel_offset="offset",
        background=True,
        get_background_color=[255, 255, 255, 215],
        background_padding=[4, 2],
        parameters=ON_TOP,
        pickable=False,
        **SIZING,
    )
