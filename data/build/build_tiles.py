"""Cut the boundaries the maps draw under their members into vector tiles.

The maps' own styles (static/map-style.json, static/map-style-areas.json) draw the
states (white land, dark outlines) and the borders between districts (thin grey lines).
As GeoJSON the browser had to read and tile both files in full before the first frame:
about a third of a second of a map page's first load in a browser without a graphics
card, as on a projector laptop. As tiles it reads only the few it shows, already cut.

Input: ``static/geo/states.geojson`` and ``static/geo/district-outlines.geojson`` (made by
build_boundaries.py and build_outlines.py). Run from the repository root::

    .venv/bin/python data/build/build_tiles.py

Output: ``static/geo/tiles/{z}/{x}/{y}.pbf`` for zoom 0 to MAX_ZOOM, every tile over
Germany's bounding box (an empty file where a tile holds nothing), in the Mapbox Vector
Tile format 2.1 with two layers: ``states`` (one polygon per state) and ``districts``
(the borders, as lines). Tiles are 512 pixels wide, as MapLibre's vector sources
assume; below MAX_ZOOM each tile's lines are simplified to a quarter pixel, at MAX_ZOOM
not at all (MapLibre enlarges those tiles when zoomed in further: what it then draws is
the GeoJSON itself, to 1/4096 of a tile). Attribution and licence as for the sources:
© GeoBasis-DE / BKG (2016), dl-de/by-2-0.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import box, shape

STATIC = Path(__file__).resolve().parents[2] / "static" / "geo"
SOURCES = {"states": STATIC / "states.geojson", "districts": STATIC / "district-outlines.geojson"}
TARGET = STATIC / "tiles"
MAX_ZOOM = 8
EXTENT = 4096  # tile units across a tile
TILE_PIXELS = 512
BUFFER = 8 * EXTENT // TILE_PIXELS  # eight pixels beyond the tile: joins are drawn whole
TOLERANCE = EXTENT / TILE_PIXELS / 4  # a quarter pixel, in tile units


def world(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator in units of the whole world (0..1, y downwards)."""
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return (lon + 180) / 360, (1 - y / math.pi) / 2


def tile_range(bounds: tuple[float, float, float, float], zoom: int) -> tuple[range, range]:
    """The tiles (x, y) at `zoom` that cover lon/lat `bounds`."""
    n = 2**zoom
    (x0, y1), (x1, y0) = world(bounds[0], bounds[1]), world(bounds[2], bounds[3])
    return range(int(x0 * n), int(x1 * n) + 1), range(int(y0 * n), int(y1 * n) + 1)


def to_tile(geometry, zoom: int, x: int, y: int):
    """`geometry` (lon/lat) in the tile units of tile (zoom, x, y)."""
    scale = 2**zoom * EXTENT

    def project(coords: np.ndarray) -> np.ndarray:
        lon, lat = coords[:, 0], coords[:, 1]
        wy = (1 - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / np.pi) / 2
        return np.column_stack(((lon + 180) / 360 * scale - x * EXTENT, wy * scale - y * EXTENT))

    return shapely.transform(geometry, project)


def zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 31)


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def integers(number: int, value: int) -> bytes:
    return varint(number << 3) + varint(value)


def _rounded(coords) -> list[tuple[int, int]]:
    points: list[tuple[int, int]] = []
    for px, py in coords:
        point = (round(px), round(py))
        if not points or points[-1] != point:
            points.append(point)
    return points


def _signed_area(ring: list[tuple[int, int]]) -> int:
    return sum(
        x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)
    )


def geometry_commands(parts: list[list[tuple[int, int]]], closed: bool) -> list[int]:
    """MoveTo, LineTo (and ClosePath for rings) over the parts, as deltas from the pen."""
    commands: list[int] = []
    pen = (0, 0)
    for part in parts:
        points = part[:-1] if closed else part  # a ring's last point repeats its first
        commands.append(1 | 1 << 3)  # MoveTo, one point
        commands += [zigzag(points[0][0] - pen[0]), zigzag(points[0][1] - pen[1])]
        pen = points[0]
        commands.append(2 | (len(points) - 1) << 3)  # LineTo
        for point in points[1:]:
            commands += [zigzag(point[0] - pen[0]), zigzag(point[1] - pen[1])]
            pen = point
        if closed:
            commands.append(7 | 1 << 3)  # ClosePath
    return commands


def line_parts(geometry) -> list[list[tuple[int, int]]]:
    parts = []
    for line in shapely.get_parts(geometry):
        if isinstance(line, shapely.LineString):
            points = _rounded(line.coords)
            if len(points) >= 2:
                parts.append(points)
    return parts


def polygon_parts(geometry) -> list[list[tuple[int, int]]]:
    """Each polygon's outer ring with positive area (clockwise on the screen, as the
    format asks), then its holes with negative area."""
    parts = []
    for polygon in shapely.get_parts(geometry):
        if not isinstance(polygon, shapely.Polygon):
            continue
        rings = [_rounded(polygon.exterior.coords)]
        rings += [_rounded(hole.coords) for hole in polygon.interiors]
        for n, ring in enumerate(rings):
            if len(ring) < 4 or _signed_area(ring) == 0:
                if n == 0:
                    break  # an outer ring too small to draw: its holes go with it
                continue
            if (_signed_area(ring) > 0) != (n == 0):
                ring.reverse()
            parts.append(ring)
    return parts


def feature(parts: list[list[tuple[int, int]]], polygon: bool) -> bytes:
    kind = 3 if polygon else 2
    commands = b"".join(varint(c) for c in geometry_commands(parts, closed=polygon))
    return integers(3, kind) + field(4, commands)


def layer(name: str, features: list[bytes]) -> bytes:
    body = integers(15, 2) + field(1, name.encode())
    body += b"".join(field(2, f) for f in features)
    return field(3, body + integers(5, EXTENT))


def tile(shapes: dict[str, list], zoom: int, x: int, y: int) -> bytes:
    """One tile's bytes: each layer's shapes cut to the tile (with its buffer)."""
    clip = box(-BUFFER, -BUFFER, EXTENT + BUFFER, EXTENT + BUFFER)
    out = b""
    for name, geometries in shapes.items():
        polygon = name == "states"
        features = []
        for geometry in geometries:
            cut = to_tile(geometry, zoom, x, y).intersection(clip)
            if cut.is_empty:
                continue
            if zoom < MAX_ZOOM:
                cut = shapely.simplify(cut, TOLERANCE, preserve_topology=polygon)
            parts = polygon_parts(cut) if polygon else line_parts(cut)
            if parts:
                features.append(feature(parts, polygon))
        if features:
            out += layer(name, features)
    return out


def read_shapes() -> dict[str, list]:
    return {
        name: [
            shape(f["geometry"]) for f in json.loads(path.read_text(encoding="utf-8"))["features"]
        ]
        for name, path in SOURCES.items()
    }


def bounds(shapes: dict[str, list]) -> tuple[float, float, float, float]:
    return tuple(shapely.total_bounds([g for gs in shapes.values() for g in gs]).tolist())


def build(target: Path) -> int:
    """Every tile into `target` (emptied first); how many."""
    shapes = read_shapes()
    area = bounds(shapes)
    shutil.rmtree(target, ignore_errors=True)
    count = 0
    for zoom in range(MAX_ZOOM + 1):
        xs, ys = tile_range(area, zoom)
        for x in xs:
            folder = target / str(zoom) / str(x)
            folder.mkdir(parents=True, exist_ok=True)
            for y in ys:
                envelope = box(*_lonlat_box(zoom, x, y))
                near = {n: [g for g in gs if g.intersects(envelope)] for n, gs in shapes.items()}
                (folder / f"{y}.pbf").write_bytes(tile(near, zoom, x, y))
                count += 1
    return count


def _lonlat_box(zoom: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The tile with its buffer, in lon/lat."""
    n = 2**zoom
    pad = BUFFER / EXTENT

    def lon(wx):
        return wx / n * 360 - 180

    def lat(wy):
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * wy / n))))

    return lon(x - pad), lat(y + 1 + pad), lon(x + 1 + pad), lat(y - pad)


def main() -> None:
    count = build(TARGET)
    size = sum(p.stat().st_size for p in TARGET.rglob("*.pbf"))
    print(f"{TARGET}: {count} tiles, {size} bytes; bounds {bounds(read_shapes())}")


if __name__ == "__main__":
    main()
