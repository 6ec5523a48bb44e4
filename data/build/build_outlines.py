"""Derive the district outlines the maps draw from static/geo/districts.geojson.

The maps draw the districts' outlines as thin grey lines under the states' darker ones.
The polygon file holds every border twice (once for each district beside it), the
state borders and coast once more under the states' lines, and each district's
properties; the browser reads and tiles all of it before the map is drawn. This file
holds only the borders between two districts of one state, each once, as lines without
properties: about a third of the size, drawn the same. The polygon file stays for the
districts' choropleth, which colours and names them.

Run from the repository root, after build_boundaries.py (no other input)::

    .venv/bin/python data/build/build_outlines.py

Output: ``static/geo/district-outlines.geojson``, one MultiLineString. Attribution and
licence as for its source: © GeoBasis-DE / BKG (2016), dl-de/by-2-0.
"""

from __future__ import annotations

import json
from collections import defaultdict

import shapely
from build_boundaries import REPO, STATIC, write_geojson  # the script beside this one
from shapely.geometry import shape

SOURCE = STATIC / "districts.geojson"
TARGET = STATIC / "district-outlines.geojson"


def district_outlines(features: list[dict]) -> shapely.MultiLineString:
    """The borders between two districts of the same state, each once. Neighbours in the
    polygon file share identical edges (coverage simplification), so per state the union
    of its districts' boundaries holds each edge once, and taking away the boundary of the
    state's whole area leaves the inner borders; they are joined into as few lines as the
    borders' junctions allow."""
    by_state: dict[str, list] = defaultdict(list)
    for feature in features:
        by_state[feature["properties"]["state"]].append(shape(feature["geometry"]))
    inner = [
        shapely.union_all([district.boundary for district in districts]).difference(
            shapely.union_all(districts).boundary
        )
        for districts in by_state.values()
    ]
    lines = shapely.line_merge(shapely.union_all(inner))
    if isinstance(lines, shapely.LineString):
        lines = shapely.MultiLineString([lines])
    return lines


def main() -> None:
    source = json.loads(SOURCE.read_text(encoding="utf-8"))
    outlines = district_outlines(source["features"])
    write_geojson(TARGET, [({}, outlines)])  # rounded and attributed as the polygon file
    print(f"{TARGET.relative_to(REPO)}: {len(outlines.geoms)} lines, {TARGET.stat().st_size} bytes")


if __name__ == "__main__":
    main()
