"""The map's names: members, partners outside the filter and partner organisations.

Every name goes to the map with the zoom from which it has room (`min_zoom`): the names
are taken by priority (members by number of projects, then the larger place; then the
partner organisations, so a long organisation name never costs a member its label; then
partners outside the filter), and each gets the lowest zoom at which it overlaps no name
of higher priority that shows there. The label is sized in metres so that it reaches its
full size exactly at that zoom (and stays there, `sizeMaxPixels`): zoomed out it shrinks
instead of covering another name; zoomed in by hand every member is named in turn, all
once there is room. (A choice made on the server for the opening zoom stayed the same
when zoomed in; deck.gl's CollisionFilterExtension would decide in the browser, but drew
no name at all on Streamlit's map.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pydeck as pdk

LABEL_SIZE = 15
# at most this many names are sent (the highest priorities): beyond that a dense country
# map gains nothing readable, and each name costs bytes on every run
LABEL_MAX = 2500
MIN_ZOOM, MAX_ZOOM = 3.0, 16.0  # a label that never has room is full size from MAX_ZOOM
EARTH_CIRCUMFERENCE_M = 40_075_016.686
MEMBER_OFFSET = [9, 0]  # right of the dot
# names grow with the zoom up to their full size, which they reach where they have room
SIZING = {
    "get_size": "size",
    "size_units": '"meters"',
    "size_max_pixels": LABEL_SIZE,
}
ORG_OFFSET = [-14, -18]  # up and left of the place: the member's dot stays visible
# The arcs rise above the ground, so with depth testing they would hide the partner rings
# and labels drawn after them; these draw over whatever was drawn before.
ON_TOP = {"depthCompare": "always"}
LABEL_FONT = "'Source Sans, sans-serif'"

MEMBER, ORGANISATION, FADED = "member", "organisation", "faded"


def name_labels(
    points: pd.DataFrame | None,
    faded: pd.DataFrame | None,
    organisations: pd.DataFrame | None,
) -> pd.DataFrame:
    """Every name the map may show (lon, lat, name, colour, kind), highest priority first,
    with the zoom from which it has room (`min_zoom`) and its size in metres (`size`)."""
    frames = []
    if points is not None and len(points):
        population = pd.to_numeric(points.get("population"), errors="coerce").fillna(0)
        rank = points["projects"].astype(float).to_numpy() + population.to_numpy() / 1e8
        frames.append(_labels(points, MEMBER, [20, 20, 20, 255], MEMBER_OFFSET).assign(rank=rank))
    if organisations is not None and len(organisations):
        offset = [ORG_OFFSET[0] + 12, ORG_OFFSET[1]]
        frames.append(_labels(organisations, ORGANISATION, [0, 0, 0, 255], offset).assign(rank=0.5))
    if faded is not None and len(faded):
        frames.append(_labels(faded, FADED, [90, 90, 90, 255], MEMBER_OFFSET).assign(rank=-1.0))
    columns = ["lon", "lat", "name", "colour", "kind", "dx", "dy", "min_zoom", "size"]
    if not frames:
        return pd.DataFrame(columns=columns)
    places = pd.concat(frames, ignore_index=True).dropna(subset=["lat", "lon"])
    places = places.sort_values(["rank", "name"], ascending=[False, True], kind="stable")
    places = places.head(LABEL_MAX).reset_index(drop=True)
    places["min_zoom"] = min_zooms(places)
    places["size"] = metres_at(places["lat"].to_numpy(dtype=float), places["min_zoom"].to_numpy())
    return places[columns]


def label_boxes(places: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """Each name's place on the zoom-0 world (512 px wide, as deck.gl) and its box in
    pixels relative to that place: (x, y, left, right, top, bottom)."""
    lat = np.radians(places["lat"].to_numpy(dtype=float).clip(-85, 85))
    x = (places["lon"].to_numpy(dtype=float) + 180) / 360 * 512
    y = (1 - np.log(np.tan(np.pi / 4 + lat / 2)) / np.pi) / 2 * 512
    width = 0.55 * LABEL_SIZE * places["name"].str.len().clip(lower=1).to_numpy() + 8
    left = places["dx"].to_numpy(dtype=float)
    top = places["dy"].to_numpy(dtype=float) - LABEL_SIZE * 0.6
    return x, y, left, left + width, top, top + LABEL_SIZE * 1.2


def min_zooms(places: pd.DataFrame) -> np.ndarray:
    """For names in priority order: the lowest zoom from which each overlaps no name of
    higher priority that shows there. Boxes are fixed in pixels while distances double
    with each zoom step, so two names part from one zoom on (`_parting`); a name waits
    for every higher one it would meet after that higher one's own zoom. (Worked in
    scales, 2**zoom, and without numpy's error state per name: at 2,500 names this is a
    third of the time.)"""
    x, y, left, right, top, bottom = label_boxes(places)
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


def _labels(frame: pd.DataFrame, kind: str, colour: list[int], offset: list) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lon": frame["lon"].to_numpy(),
            "lat": frame["lat"].to_numpy(),
            "name": frame["name"].astype(str).to_numpy(),
            "colour": [colour] * len(frame),
            "kind": kind,
            "dx": float(offset[0]),
            "dy": float(offset[1]),
        }
    )


def member_label_layer(labels: pd.DataFrame) -> pdk.Layer:
    """Names of members (dark) and of partners outside the filter (grey), right of the dot."""
    # lowest priority first: a name drawn later lies on top
    data = labels.loc[labels["kind"] != ORGANISATION, ["lon", "lat", "name", "colour", "size"]]
    data = data.iloc[::-1]
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
        get_text_anchor='"start"',
        get_alignment_baseline='"center"',
        get_pixel_offset=MEMBER_OFFSET,
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
    return pdk.Layer(
        "TextLayer",
        organisations.assign(mark="\u25c6"),
        id="organisations",
        get_position=["lon", "lat"],
        get_text="mark",
        get_size=24,
        character_set='"auto"',
        font_family="'DejaVu Sans, Segoe UI Symbol, sans-serif'",
        get_color=[0, 0, 0, 255],
        get_text_anchor='"middle"',
        get_alignment_baseline='"center"',
        get_pixel_offset=ORG_OFFSET,
        outline_width=2,
        outline_color=[255, 255, 255, 255],
        font_settings={"sdf": True},
        parameters=ON_TOP,
        pickable=True,
    )


def organisation_label_layer(labels: pd.DataFrame) -> pdk.Layer:
    """The organisations' names beside their diamonds."""
    data = labels.loc[labels["kind"] == ORGANISATION, ["lon", "lat", "name", "size"]]
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
        get_text_anchor='"start"',
        get_alignment_baseline='"center"',
        get_pixel_offset=[ORG_OFFSET[0] + 12, ORG_OFFSET[1]],
        background=True,
        get_background_color=[255, 255, 255, 215],
        background_padding=[4, 2],
        parameters=ON_TOP,
        pickable=False,
        **SIZING,
    )
