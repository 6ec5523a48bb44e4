"""The map's names: members, partners outside the filter and partner organisations.

Which names show is decided in the browser at every zoom, by deck.gl's collision filter:
all labels go to the map with a priority, and of two that would overlap only the one with
the higher priority is drawn. So a map of Germany names the busiest members without
overlaps, and zooming in by hand names more and more of them, all once there is room
(a choice made on the server for the opening zoom stayed the same when zoomed in).
Priority: members by number of projects (then the larger place), then the partner
organisations (a long organisation name never costs a member its label), then partners
outside the filter.
"""

from __future__ import annotations

import pandas as pd
import pydeck as pdk

LABEL_SIZE = 15
# at most this many names are sent (the highest priorities): beyond that a dense country
# map gains nothing readable, and each name costs bytes on every run
LABEL_MAX = 2500
# every label layer in one group: names of members and organisations never overlap
COLLISION = {
    "extensions": [{"@@type": "CollisionFilterExtension"}],
    "collision_group": '"names"',
    "get_collision_priority": "priority",
    # a little air around each name when deciding what overlaps
    "collision_test_props": {"sizeScale": 1.15},
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
    """Every name the map may show (lon, lat, name, colour, kind) with its collision
    priority, an integer from 1000 (shown first) down to -1000, as deck.gl takes it."""
    frames = []
    if points is not None and len(points):
        population = pd.to_numeric(points.get("population"), errors="coerce").fillna(0)
        frames.append(
            _labels(points, MEMBER, [20, 20, 20, 255])
            # most projects first; among equals the larger place; an organisation comes
            # after every member with a project
            .assign(rank=points["projects"].astype(float).to_numpy() + population.to_numpy() / 1e8)
        )
    if organisations is not None and len(organisations):
        frames.append(_labels(organisations, ORGANISATION, [0, 0, 0, 255]).assign(rank=0.5))
    if faded is not None and len(faded):
        frames.append(_labels(faded, FADED, [90, 90, 90, 255]).assign(rank=-1.0))
    columns = ["lon", "lat", "name", "colour", "kind", "priority"]
    if not frames:
        return pd.DataFrame(columns=columns)
    places = pd.concat(frames, ignore_index=True).dropna(subset=["lat", "lon"])
    places = places.sort_values(["rank", "name"], ascending=[False, True], kind="stable")
    places = places.head(LABEL_MAX).reset_index(drop=True)
    step = 2000 / max(len(places) - 1, 1)
    places["priority"] = [round(1000 - i * step) for i in range(len(places))]
    return places[columns]


def _labels(frame: pd.DataFrame, kind: str, colour: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lon": frame["lon"].to_numpy(),
            "lat": frame["lat"].to_numpy(),
            "name": frame["name"].astype(str).to_numpy(),
            "colour": [colour] * len(frame),
            "kind": kind,
        }
    )


def member_label_layer(labels: pd.DataFrame) -> pdk.Layer:
    """Names of members (dark) and of partners outside the filter (grey), right of the dot."""
    data = labels.loc[labels["kind"] != ORGANISATION, ["lon", "lat", "name", "colour", "priority"]]
    return pdk.Layer(
        "TextLayer",
        data,
        id="member_labels",
        get_position=["lon", "lat"],
        get_text="name",
        get_size=LABEL_SIZE,
        get_color="colour",
        character_set='"auto"',
        font_family=LABEL_FONT,
        font_weight=600,
        get_text_anchor='"start"',
        get_alignment_baseline='"center"',
        get_pixel_offset=[9, 0],
        background=True,
        get_background_color=[255, 255, 255, 200],
        background_padding=[3, 1],
        parameters=ON_TOP,
        pickable=False,
        **COLLISION,
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
    data = labels.loc[labels["kind"] == ORGANISATION, ["lon", "lat", "name", "priority"]]
    return pdk.Layer(
        "TextLayer",
        data,
        id="organisation_labels",
        get_position=["lon", "lat"],
        get_text="name",
        get_size=LABEL_SIZE,
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
        **COLLISION,
    )
