"""Geography of a network: boundaries, counts per state and district, points and links.

Boundaries are the bundled, simplified BKG VG250 files (© GeoBasis-DE / BKG (2016)),
brought to today's 400 districts by data/build/build_boundaries.py.
"""

from __future__ import annotations

import copy
import json
from functools import cache

import numpy as np
import pandas as pd

from atlas.network import BOUNDARY_DIR, Network
from atlas.schema import PHASES, TOPICS

GEO_DIR = BOUNDARY_DIR
TOPIC_ORDER = {topic: i for i, topic in enumerate(TOPICS)}
PHASE_RANK = {
    "Unbekannt": 0,
    "Strategie": 1,
    "Umsetzung": 2,
    "Verlängerung": 3,
    "Ende überschritten": 4,
    "Abgeschlossen": 5,
}
# District keys that changed since the 2016 boundaries the AGS codes come from.
DISTRICT_MERGES = {"03152": "03159", "03156": "03159", "16056": "16063"}


@cache
def _boundaries(name: str) -> dict:
    return json.loads((GEO_DIR / f"{name}.geojson").read_text(encoding="utf-8"))


def boundaries(level: str) -> dict:
    """A fresh copy of the states or districts GeoJSON (callers add properties to it)."""
    return copy.deepcopy(_boundaries(level))


def district_keys(munis: pd.DataFrame) -> pd.Series:
    """Each member's 5-digit district key: from its AGS, else from its district's name."""
    labels = district_labels()
    by_label = {label: key for key, label in labels.items()}
    keys = []
    for ags, district in zip(munis["ags"].fillna(""), munis["district"].fillna(""), strict=True):
        key = DISTRICT_MERGES.get(ags[:5], ags[:5]) if len(ags) >= 5 and ags[:5].isdigit() else None
        keys.append(key if key in labels else by_label.get(district))
    return pd.Series(keys, index=munis.index, dtype=object)


def district_labels() -> dict[str, str]:
    return {
        f["properties"]["ags"]: f["properties"]["label"]
        for f in _boundaries("districts")["features"]
    }


def located(municipalities: pd.DataFrame) -> pd.DataFrame:
    """The members that have coordinates: only they can be placed on the map."""
    return municipalities.dropna(subset=["lat", "lon"])


def member_points(view: Network) -> pd.DataFrame:
    """One row per member with coordinates: projects (count and sorted names), funding,
    leading phase, earliest cohort, topics. One pass over the projects: at 20,000
    projects, grouped lambdas would take a second."""
    munis = located(view.municipalities).reset_index(drop=True)
    at = {mid: i for i, mid in enumerate(munis["id"])}
    n = len(munis)
    count, funding, rank, cohort = (
        np.zeros(n, int),
        np.full(n, np.nan),
        np.zeros(n, int),
        np.full(n, np.nan),
    )
    topics, names = [set() for _ in range(n)], [[] for _ in range(n)]
    projects = view.projects
    for ids, name, phase, year, ts, money in zip(
        projects["municipality_ids"],
        projects["name"],
        projects["phase_now"].map(PHASE_RANK).fillna(0).astype(int),
        projects["cohort"].astype(float),
        projects["topics"],
        projects["funding_federal_eur"],
        strict=True,
    ):
        for mid in ids:
            i = at.get(mid)
            if i is None:
                continue
            count[i] += 1
            rank[i] = max(rank[i], phase)
            if not np.isnan(year):
                cohort[i] = year if np.isnan(cohort[i]) else min(cohort[i], year)
            if not np.isnan(money):
                funding[i] = money if np.isnan(funding[i]) else funding[i] + money
            topics[i].update(ts)
            names[i].append(name)
    phase_of = {r: p for p, r in PHASE_RANK.items()}
    points = munis.assign(
        projects=count,
        funding=funding,
        phase=[phase_of[r] for r in rank],
        cohort=cohort,
        topic_list=[sorted(t, key=lambda x: (TOPIC_ORDER.get(x, 99), x)) for t in topics],
        project_names=[sorted(n) for n in names],
    )
    return points


def counts_by_area(view: Network, level: str, measure: str) -> dict[str, float]:
    """Projects (or known federal funding) per state name or district key. A project counts
    once in each area it has a participant in."""
    munis = view.municipalities
    areas = munis["state"] if level == "states" else district_keys(munis)
    area_of = dict(zip(munis["id"], areas, strict=True))
    totals: dict[str, float] = {}
    for ids, money in zip(
        view.projects["municipality_ids"], view.projects["funding_federal_eur"], strict=True
    ):
        value = 1.0 if measure != "funding" else money
        if value != value:  # unknown funding adds nothing
            continue
        for area in {area_of.get(m) for m in ids} - {None}:
            totals[area] = totals.get(area, 0.0) + value
    return totals


def sequential_colour(values: pd.Series | np.ndarray, peak: float) -> list[list[int]]:
    """Light to dark blue by value (0..peak), readable in greyscale too; 0 stays near white."""
    stops = np.array(
        [[247, 251, 255], [198, 219, 239], [107, 174, 214], [33, 113, 181], [8, 48, 107]],
        dtype=float,
    )
    share = np.clip(
        np.asarray(values, dtype=float) / peak if peak else 0 * np.asarray(values, dtype=float),
        0,
        1,
    )
    position = share * (len(stops) - 1)
    low = np.floor(position).astype(int).clip(0, len(stops) - 2)
    mix = (position - low)[:, None]
    rgb = stops[low] * (1 - mix) + stops[low + 1] * mix
    return [[int(r), int(g), int(b), 200] for r, g, b in rgb]


def choropleth(view: Network, level: str, measure: str) -> tuple[dict, float]:
    """The boundaries with value and fill colour per area. New features and properties
    around the cached, shared geometries: a deep copy of 400 districts took longer than
    the rest of the map."""
    shared = _boundaries(level)
    values = counts_by_area(view, level, measure)
    key_of = (lambda p: p["name"]) if level == "states" else (lambda p: p["ags"])
    peak = max(values.values(), default=0.0)
    area_values = [values.get(key_of(f["properties"]), 0.0) for f in shared["features"]]
    colours = sequential_colour(np.array(area_values), peak)
    features = [
        {
            "type": "Feature",
            "geometry": feature["geometry"],  # never changed by callers
            "properties": {**feature["properties"], "value": value, "fill": colour},
        }
        for feature, value, colour in zip(shared["features"], area_values, colours, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}, peak


# What kind of link a cooperation or event is, in five kinds the map tells apart by colour
# and by dash and width: the data's own words vary ("Kooperationsverbund", "Besuch").
LINK_KINDS = ("joint", "cooperation", "visit", "support", "suggestion")
_KIND_WORDS = (
    ("joint", ("gemeinsam", "joint")),
    ("suggestion", ("vorschlag", "empfehl", "suggest")),
    ("visit", ("besuch", "treffen", "veranstaltung", "workshop", "konferenz", "visit", "meeting")),
    (
        "support",
        ("unterstütz", "förder", "träger", "partner", "begleit", "berat", "support", "fund"),
    ),
)


def link_kind(kind: str, event: bool = False) -> str:
    """One of LINK_KINDS for a cooperation's or event's kind; an event is at least a meeting."""
    words = (kind or "").lower()
    for name, stems in _KIND_WORDS:
        if any(stem in words for stem in stems):
            return name
    return "visit" if event else "cooperation"


def links(view: Network, network: Network | None = None) -> pd.DataFrame:
    """Known cooperations and meeting participations as lines between coordinates. A project
    stands at its lead (or first) member; an organisation at its own point.

    With the whole `network` given, a link from a member of the view to a partner outside
    it stays: the partner's end is marked faded (`from_faded`/`to_faded`), so a filter to
    one state still shows who its members work with elsewhere."""
    whole = network if network is not None else view
    shown = set(view.municipalities["id"]) | set(view.projects["id"])
    coops = whole.cooperations
    events = whole.events
    coops = coops[coops["a_id"].isin(shown) | coops["b_id"].isin(shown)]
    pairs = [
        (row.a_id, row.b_id, row.kind or "", row.date or "", link_kind(row.kind or ""))
        for row in coops.itertuples()
    ]
    for row in events.itertuples():
        host = row.municipality_id
        if not isinstance(host, str) or not host:
            continue
        for other in row.participant_ids:
            if other != host and (other in shown or host in shown):
                kind = row.kind or ""
                pairs.append((other, host, kind, row.date or "", link_kind(kind, event=True)))
    needed = {a for a, *_ in pairs} | {b for _, b, *_ in pairs}
    projects = whole.projects[whole.projects["id"].isin(needed)]
    anchors = {
        pid: lead or (ids[0] if ids else "")
        for pid, lead, ids in zip(
            projects["id"],
            projects["lead_municipality_id"].fillna(""),
            projects["municipality_ids"],
            strict=True,
        )
    }
    needed |= set(anchors.values())
    # id -> (lat, lon, name, the municipality it stands at or "")
    points: dict[str, tuple[float, float, str, str]] = {}
    for table, at_muni in ((whole.municipalities, True), (whole.organisations, False)):
        rows = table[table["id"].isin(needed)].dropna(subset=["lat", "lon"])
        points.update(
            {
                i: (la, lo, na, i if at_muni else "")
                for i, la, lo, na in zip(
                    rows["id"], rows["lat"], rows["lon"], rows["name"], strict=True
                )
            }
        )
    names = dict(zip(projects["id"], projects["name"], strict=True))
    for pid, anchor in anchors.items():
        if anchor in points:
            points.setdefault(pid, (*points[anchor][:2], names[pid], anchor))
    view_munis = set(view.municipalities["id"])

    def faded(node: str) -> bool:
        place = points[node][3]
        return bool(place) and place not in view_munis

    rows = [
        (a, b, kind, date, category, faded(a), faded(b))
        for a, b, kind, date, category in pairs
        if a in points and b in points and points[a][:2] != points[b][:2]
    ]
    frame = pd.DataFrame(
        rows, columns=["a_id", "b_id", "kind", "date", "category", "from_faded", "to_faded"]
    )
    frame["from_lat"] = [points[a][0] for a in frame["a_id"]]
    frame["from_lon"] = [points[a][1] for a in frame["a_id"]]
    frame["to_lat"] = [points[b][0] for b in frame["b_id"]]
    frame["to_lon"] = [points[b][1] for b in frame["b_id"]]
    # one line per pair of places and kind: a visit recorded as an event and as a
    # cooperation is one visit
    ends = [
        tuple(sorted([(fa, fo), (ta, to)]))
        for fa, fo, ta, to in zip(
            frame["from_lat"], frame["from_lon"], frame["to_lat"], frame["to_lon"], strict=True
        )
    ]
    frame = frame[~pd.Series(list(zip(ends, frame["category"], strict=True))).duplicated()]
    frame = frame.reset_index(drop=True)
    frame["name"] = [
        f"{points[a][2]} – {points[b][2]}"
        for a, b in zip(frame["a_id"], frame["b_id"], strict=True)
    ]
    frame["from_place"] = [_place_name(points, a, whole) for a in frame["a_id"]]
    frame["to_place"] = [_place_name(points, b, whole) for b in frame["b_id"]]
    return frame


def _place_name(points: dict, node: str, network: Network) -> str:
    place = points[node][3]
    if not place or place == node:
        return points[node][2]
    return points.get(place, points[node])[2]


def faded_partners(links: pd.DataFrame) -> pd.DataFrame:
    """The places outside the view that a shown link ends at: drawn faded, named."""
    ends = [
        (frame_lat, frame_lon, place)
        for side in ("from", "to")
        for frame_lat, frame_lon, place, is_faded in zip(
            links[f"{side}_lat"],
            links[f"{side}_lon"],
            links[f"{side}_place"],
            links[f"{side}_faded"],
            strict=True,
        )
        if is_faded
    ]
    return (
        pd.DataFrame(ends, columns=["lat", "lon", "name"]).drop_duplicates().reset_index(drop=True)
    )


def label_choice(
    points: pd.DataFrame,
    zoom: float,
    limit: int = 40,
    font_px: float = 15,
    weight: str = "projects",
) -> pd.Series:
    """Which places get a name label at this zoom without two labels overlapping: the
    ones with the highest `weight` first (then by name, so the choice is stable), each
    label a box to the right of its dot at about 0.55 font sizes a character, moved by the
    optional pixel columns dx/dy; at most `limit`. A boolean Series on points' index.
    With few members all fit, so all are named; the fewer fit, the more the largest win."""
    if points.empty:
        return pd.Series(False, index=points.index, dtype=bool)
    world = 512 * 2**zoom
    lat = np.radians(points["lat"].to_numpy(dtype=float).clip(-85, 85))
    x = (points["lon"].to_numpy(dtype=float) + 180) / 360 * world
    y = (1 - np.log(np.tan(np.pi / 4 + lat / 2)) / np.pi) / 2 * world
    x = x + (points["dx"].to_numpy(dtype=float) if "dx" in points else 0)
    y = y + (points["dy"].to_numpy(dtype=float) if "dy" in points else 0)
    names = points["name"].fillna("").astype(str).to_numpy()
    weights = points[weight].to_numpy(dtype=float)
    order = sorted(range(len(points)), key=lambda i: (-weights[i], names[i]))
    boxes: list[tuple[float, float, float, float]] = []
    chosen = np.zeros(len(points), dtype=bool)
    for i in order:
        if len(boxes) >= limit:
            break
        width = 0.55 * font_px * max(len(names[i]), 1) + 8
        box = (x[i] + 6, y[i] - font_px * 0.6, x[i] + 6 + width, y[i] + font_px * 0.6)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
            continue
        boxes.append(box)
        chosen[i] = True
    return pd.Series(chosen, index=points.index)


def projects_in_area(network: Network, level: str, key: str) -> pd.DataFrame:
    """The projects with a member in a state (key: its name) or district (key: its 5-digit
    key): what a click on an area of the map lists."""
    munis = network.municipalities
    areas = munis["state"] if level == "states" else district_keys(munis)
    inside = set(munis.loc[areas == key, "id"])
    mask = network.projects["municipality_ids"].map(lambda ids: not inside.isdisjoint(ids))
    return network.projects[mask].sort_values("name")


def fit_view(
    points: pd.DataFrame,
    width: int = 560,
    height: int = 560,
    padding: tuple[float, float, float, float] | None = None,
) -> dict:
    """Centre and zoom (Web Mercator, 512-pixel world as deck.gl) that show every point
    within a map of width x height pixels, with a margin; Germany when none. `padding`
    (left, right, top, bottom, in pixels) is the room kept free at each edge, for the
    dots and the names beside them; without it a quarter of the map is kept free."""
    if points.empty:
        return {"latitude": 51.2, "longitude": 10.4, "zoom": 5.0}
    lat = points["lat"].to_numpy(dtype=float).clip(-85, 85)
    lon = points["lon"].to_numpy(dtype=float)
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))  # Mercator, in radians
    lon_span = max(lon.max() - lon.min(), 0.2)
    y_span = max(y.max() - y.min(), 0.2 * np.pi / 180)
    if padding is None:
        margin = 0.75  # of the map, so dots and labels at the edge stay inside
        left = right = width * (1 - margin) / 2
        top = bottom = height * (1 - margin) / 2
    else:
        left, right, top, bottom = padding
    inner_w, inner_h = max(width - left - right, 40), max(height - top - bottom, 40)
    zoom = float(
        np.clip(
            min(
                np.log2(inner_w * 360 / (512 * lon_span)),
                np.log2(inner_h * 2 * np.pi / (512 * y_span)),
            ),
            4.5,
            11,
        )
    )
    # the points' box sits in the free area between the paddings: the centre moves by
    # half the difference of opposite paddings, in world units at this zoom
    scale = 512 * 2**zoom
    centre_lon = (lon.max() + lon.min()) / 2 + (right - left) / 2 * 360 / scale
    centre_y = (y.max() + y.min()) / 2 - (bottom - top) / 2 * 2 * np.pi / scale
    return {
        "latitude": round(float(np.degrees(2 * np.arctan(np.exp(centre_y)) - np.pi / 2)), 5),
        "longitude": round(float(centre_lon), 5),
        "zoom": round(zoom, 2),
    }


__all__ = [
    "PHASES",
    "boundaries",
    "choropleth",
    "counts_by_area",
    "fit_view",
    "faded_partners",
    "label_choice",
    "link_kind",
    "links",
    "member_points",
    "projects_in_area",
]
