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
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "static" / "geo" / "districts.geojson"
TARGET = REPO / "static" / "geo" / "district-outlines.geojson"
DECIMALS = 4  # as the polygon file: about 10 m


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


def rounded(geometry: dict) -> dict:
    return {
        "type": geometry["type"],
        "coordinates": [
            [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in line]
            for line in geometry["coordinates"]
        ],
    }


def main() -> None:
    source = json.loads(SOURCE.read_text(encoding="utf-8"))
    outlines = district_outlines(source["features"])
    collection = {
        "type": "FeatureCollection",
        "attribution": source.get("attribution"),
        "features": [{"type": "Feature", "properties": {}, "geometry": rounded(mapping(outlines))}],
    }
    TARGET.write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    print(f"{TARGET.relative_to(REPO)}: {len(outlines.geoms)} lines, {TARGET.stat().st_size} bytes")


if __name__ == "__main__":
    main()
