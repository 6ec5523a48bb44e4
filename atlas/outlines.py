"""State outlines from the bundled BKG boundaries, as coordinate lists to draw offline.

Used for static (server-side) maps: the PDF handout and the map's PNG download.
© GeoBasis-DE / BKG (2016), dl-de/by-2-0.
"""

from __future__ import annotations

import json
from functools import cache

from atlas.network import BOUNDARY_DIR

STATES_FILE = BOUNDARY_DIR / "states.geojson"
ATTRIBUTION = "© GeoBasis-DE / BKG (2016)"
# Germany spans about 47–55° N: one degree of latitude is ~1.6 degrees of longitude there.
LAT_STRETCH = 1.6


@cache
def state_rings() -> tuple[tuple[str, tuple[float, ...], tuple[float, ...]], ...]:
    """(state, lons, lats) for each outer ring of each state polygon."""
    features = json.loads(STATES_FILE.read_text(encoding="utf-8"))["features"]
    rings = []
    for feature in features:
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        for polygon in polygons:
            outer = polygon[0]
            rings.append(
                (
                    feature["properties"]["name"],
                    tuple(p[0] for p in outer),
                    tuple(p[1] for p in outer),
                )
            )
    return tuple(rings)
