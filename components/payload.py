"""Sending less to the browser: short tooltips and fewer names on a large map, and the
choropleth's boundaries as static files.

At 11,000 members the map's deck was 4.3 MB of JSON, two thirds of it tooltips; the
browser parses and converts all of it on every run before it draws a dot. What a tooltip
leaves out at that size, the panel beside the map shows for the member that is clicked.

The choropleth carried the outlines of its 400 districts (1.3 MB) in every deck, on every
run. Its layer now takes them from the static file the outline layer already loads
(/app/static/geo/..., fetched once and cached by the browser) and colours each area with a
deck.gl expression that looks its key up in the view's colours: a few kilobytes per run.
A tooltip is read from the feature itself, so the static files carry each area's `tip`
(`python -m components.payload` writes it after the boundaries are rebuilt).

Names: the browser draws every name it is sent on every frame, whatever the zoom (a name
waiting for its zoom is drawn a fraction of a pixel large). Without a graphics card the
2,500 names of an 11,000-member map (55,000 letters) cost more to draw than the members
themselves; above SHORT_TIPS_ABOVE members the map names those that have room up to a
state's view (zoom LABEL_ZOOM_AT_SCALE, about 800 at 11,000), the others by tooltip and
click. A map of a few hundred members keeps every name.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from atlas.network import BOUNDARY_DIR

# Above this many members a tooltip keeps its first lines (name; kind and state): a map of
# a few thousand dots is read by region and by click, not by hovering each dot.
SHORT_TIPS_ABOVE = 2_000
TIP_LINES = 2


def short_tips(points: pd.DataFrame | None, lines: int = TIP_LINES) -> pd.DataFrame | None:
    """`points` with each `tip` cut to its first `lines` lines when there are more than
    SHORT_TIPS_ABOVE of them; a new frame, the shared one stays as it is."""
    if points is None or len(points) <= SHORT_TIPS_ABOVE or "tip" not in points:
        return points
    cut = ["\n".join(tip.split("\n", lines)[:lines]) for tip in points["tip"].tolist()]
    return points.assign(tip=cut)


# Above SHORT_TIPS_ABOVE members, names that have room only beyond this zoom are not sent
# (5: Germany, 7: a state, 9: a district).
LABEL_ZOOM_AT_SCALE = 7.0


def labels_at_scale(labels: pd.DataFrame, members: int) -> pd.DataFrame:
    """The names the map is sent: all of them up to SHORT_TIPS_ABOVE members, else the
    partner organisations and the names that have room from LABEL_ZOOM_AT_SCALE on
    (`labels`: components.map_labels.name_labels, with `kind` and `min_zoom`)."""
    if members <= SHORT_TIPS_ABOVE:
        return labels
    kept = (labels["kind"] == "organisation") | (labels["min_zoom"] <= LABEL_ZOOM_AT_SCALE)
    return labels[kept].reset_index(drop=True)


# The property that names an area in the static files and in atlas.geo.choropleth.
AREA_KEY = {"states": "name", "districts": "ags"}


def area_fill(choropleth: dict, level: str) -> tuple[str, str]:
    """(fill accessor, update trigger) for a GeoJsonLayer drawing the static boundaries of
    `level` in the colours of `choropleth` (atlas.geo.choropleth's features: key, value,
    fill). The accessor is a deck.gl expression, one condition per colour:
    `properties.ags == "03241" || properties.ags == "03251" ? [r, g, b, a] : ... : [empty]`
    (deck.gl's expressions cannot index a list written in them, so no lookup table). The
    trigger changes with the colours, so deck.gl paints again after a filter change
    instead of keeping the old colours."""
    key = AREA_KEY[level]
    features = [f["properties"] for f in choropleth["features"]]
    empty = next((p["fill"] for p in features if not p["value"]), [255, 255, 255, 0])
    by_colour: dict[tuple, list[str]] = {}
    for p in features:
        if p["value"]:
            by_colour.setdefault(tuple(p["fill"]), []).append(p[key])
    expression = ""
    for colour, keys in by_colour.items():
        test = " || ".join(f"properties.{key} == {json.dumps(k, ensure_ascii=False)}" for k in keys)
        expression += f"{test} ? {json.dumps(list(colour))} : "
    expression += json.dumps(empty)
    return expression, hashlib.sha1(expression.encode()).hexdigest()[:16]


def area_tip(properties: dict) -> str:
    """An area's tooltip from its static properties: its name, and for a district its kind
    and state (official German names, the same in both languages)."""
    where = " · ".join(x for x in (properties.get("bez"), properties.get("state")) if x)
    return "\n".join(x for x in (properties.get("label") or properties["name"], where) if x)


def with_tips(collection: dict) -> dict:
    """The boundary collection with each feature's `tip` set from its properties."""
    for feature in collection["features"]:
        feature["properties"]["tip"] = area_tip(feature["properties"])
    return collection


def write_tips(folder: Path = BOUNDARY_DIR) -> None:
    """Add the tooltips to the static boundary files, written as data/build writes them."""
    for name in AREA_KEY:
        path = folder / f"{name}.geojson"
        collection = with_tips(json.loads(path.read_text(encoding="utf-8")))
        text = json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_tips()
