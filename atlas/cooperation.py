"""Who should work with whom, and why: explainable partner suggestions between members.

A member's profile is built from its projects (a project with several participants counts
for each): the concrete measures it builds or runs (the `measures` table; without one,
its projects' keywords mapped onto the measure vocabulary, status unknown), how far it is
with each (geplant < in Umsetzung < in Betrieb = abgeschlossen), the products it uses, its
topics and project phases, where it is and what kind of place it is. A pair's score is a
weighted mean of eight parts, each in [0, 1]:

- measures: shared measures weighted by rarity (IDF, log(N/df)) — half the weighted
  overlap, half how much is shared at all;
- product: the same product (two members on the same open-source solution can share
  code and lessons), by its rarity plus a bonus;
- direction: who is ahead on a shared measure (one runs it where the other plans it),
  weighted by the measure's rarity: the one ahead can pass on its lessons;
- proximity: exp(-distance / 30 km): near enough to share services or meet easily;
- region: the same federal state, whose associations and programmes run their own
  networks;
- context: half for the same size band, half for the same settlement type (rural or
  urban), since rural places learn most from rural places;
- topics: shared topics weighted by rarity, a weak fallback for members whose measures
  are not known;
- phase: the share of shared topics in which one member's project is further along.

Pairs that already work together (a joint project, a known cooperation, a shared meeting)
are marked as existing and never suggested; the finder lists them apart. Candidates come
from each member's spatial neighbourhood and from its neighbours within each of its
measures and topics, not from all pairs. The reasons are worded from the same numbers that
made the score.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from atlas.measures import MEASURE_IDS, STATUS_RANK, label, project_measures
from atlas.network import Network
from atlas.schema import TOPICS
from atlas.text import t

# Phase codes keep Verlängerung, past the planned end and Abgeschlossen apart for the words;
# RANK compares them.
PHASE_CODE = {
    "Strategie": 1,
    "Umsetzung": 2,
    "Verlängerung": 3,
    "Ende überschritten": 4,
    "Abgeschlossen": 5,
}
CODE_PHASE = {code: phase for phase, code in PHASE_CODE.items()}
RANK = np.array([0, 1, 2, 3, 3, 3], dtype=np.int8)  # by code: unknown, S, U, V, past end, A
DISTANCE_SCALE_KM = 30.0
EARTH_RADIUS_KM = 6371.0
RURAL_KINDS = {"Gemeinde", "Landkreis", "Verband"}
REGIONAL_KINDS = {"Landkreis", "Verband"}
RURAL_SIZES = {"Kleinstadt/Landgemeinde", "Interkommunal/Landkreis"}
PARTS = ("measures", "product", "direction", "proximity", "region", "context", "topics", "phase")
N_TOPICS = len(TOPICS)
N_MEASURES = len(MEASURE_IDS)  # 62: one bit each in an int64
MAX_PRODUCTS = 62
PRODUCT_BONUS = 1.0  # a shared product weighs its rarity plus this


@dataclass(frozen=True)
class Weights:
    """The defaults are what cross-validation on the documented cooperations chose in most
    folds (python -m benchmarks.cooperation_quality): proximity (30 km scale) and the same
    product first, the same federal state, then kind and size and topics a little. Shared
    measures get 0.2, not the 0 most folds chose: it ties on recall@10 and keeps the
    measures in the score and the reasons. Who is ahead and phase stay adjustable; a
    partner's head start on a shared measure is told in the reason whenever measures
    count."""

    measures: float = 0.2
    product: float = 1.0
    direction: float = 0.0
    proximity: float = 1.0
    region: float = 0.2
    context: float = 0.1
    topics: float = 0.1
    phase: float = 0.0

    def as_array(self) -> np.ndarray:
        return np.array([max(0.0, getattr(self, f.name)) for f in fields(self)], dtype=float)


@dataclass(frozen=True)
class Profiles:
    """One row per member, as arrays (index = position in `ids`)."""

    ids: np.ndarray
    names: np.ndarray
    topic_bits: np.ndarray  # int64 bitmask over TOPICS
    phase: np.ndarray  # (n, N_TOPICS) int8 phase codes, 0 = unknown / not working on it
    lat: np.ndarray
    lon: np.ndarray
    band: np.ndarray  # size band (a SIZE_CLASSES value) or ""
    rural: np.ndarray  # 1 rural, 0 urban, -1 unknown
    state: np.ndarray  # federal state or ""
    topic_weight: np.ndarray  # IDF weight per topic
    existing_i: np.ndarray  # pairs (i < j) that already work together
    existing_j: np.ndarray
    existing_joint: np.ndarray  # bool: the pair shares a joint project (one team)
    measure_bits: np.ndarray  # int64 bitmask over MEASURE_IDS
    operating_bits: np.ndarray  # measures in Betrieb or abgeschlossen
    building_bits: np.ndarray  # measures in Umsetzung
    planning_bits: np.ndarray  # measures geplant
    measure_weight: np.ndarray  # IDF weight per measure
    product_bits: np.ndarray  # int64 bitmask over `products`
    products: tuple[str, ...]
    product_weight: np.ndarray
    details: pd.DataFrame  # member (position), measure, status, since, product, source
    from_keywords: tuple  # projects whose measures come from their keywords (status unknown)

    @property
    def n(self) -> int:
        return len(self.ids)


# --- profiles ---------------------------------------------------------------------------


def topic_mask(topics) -> int:
    return sum(1 << TOPICS.index(x) for x in set(topics) if x in TOPICS)


def member_profiles(network: Network) -> Profiles:
    munis = network.municipalities.dropna(subset=["lat", "lon"]).reset_index(drop=True)
    n = len(munis)
    index = pd.Index(munis["id"])
    projects = network.projects
    masks: dict[tuple, int] = {}
    for topics in projects["topics"]:
        if topics not in masks:
            masks[topics] = topic_mask(topics)
    proj_bits = np.array([masks[x] for x in projects["topics"]], dtype=np.int64)
    proj_code = projects["phase_now"].map(PHASE_CODE).fillna(0).to_numpy(dtype=np.int8)
    # one row per (project, member): a joint project counts for each participant
    # int64 even without projects (an empty object column maps to an object array)
    sizes = projects["municipality_ids"].map(len).to_numpy(dtype=np.int64)
    proj = np.repeat(np.arange(len(projects)), sizes)
    member = index.get_indexer([m for ids in projects["municipality_ids"] for m in ids])
    proj, member = proj[member >= 0], member[member >= 0]
    bits = np.zeros(n, dtype=np.int64)
    np.bitwise_or.at(bits, member, proj_bits[proj])
    phase = np.zeros((n, N_TOPICS), dtype=np.int8)
    for b in range(N_TOPICS):
        has = (proj_bits[proj] >> b) & 1 == 1
        np.maximum.at(phase[:, b], member[has], proj_code[proj[has]])
    own = sizes[proj] == 1  # a single-member project's size class describes that member
    band = size_bands(munis, member[own], projects["size_class"].to_numpy(dtype=object)[proj[own]])
    kinds = munis["kind"].fillna("").to_numpy(dtype=object)
    existing_i, existing_j, existing_joint = existing_pairs(network, index)
    m = measure_profile(network, index)
    return Profiles(
        ids=munis["id"].to_numpy(dtype=object),
        names=munis["name"].to_numpy(dtype=object),
        topic_bits=bits,
        phase=phase,
        lat=munis["lat"].to_numpy(dtype=float),
        lon=munis["lon"].to_numpy(dtype=float),
        band=band,
        rural=settlement_type(kinds, band),
        state=munis["state"].fillna("").astype(str).to_numpy(dtype=object)
        if "state" in munis
        else np.full(n, "", dtype=object),
        topic_weight=_idf(bits, n),
        existing_i=existing_i,
        existing_j=existing_j,
        existing_joint=existing_joint,
        **m,
    )


def measure_profile(network: Network, index: pd.Index) -> dict:
    """Each member's measures as bitmasks (any status, and by status), the products it
    uses, IDF weights, and the rows behind them for the reasons."""
    n = len(index)
    frame, from_keywords = project_measures(network.projects, network.measures)
    frame = frame[frame["measure"].isin(MEASURE_IDS)]
    members_of = dict(
        zip(network.projects["id"], network.projects["municipality_ids"], strict=True)
    )
    owners = frame["project_id"].map(lambda pid: members_of.get(pid, ()))
    sizes = owners.map(len).to_numpy()
    rows = frame.loc[frame.index.repeat(sizes)].reset_index(drop=True)
    rows["member"] = index.get_indexer([m for ids in owners for m in ids])
    rows = rows[rows["member"] >= 0].copy()
    rows["rank"] = rows["status"].map(STATUS_RANK).fillna(0).astype(int)
    # a member's best-known standing per measure (the most advanced of its projects)
    rows = rows.sort_values(["member", "measure", "rank", "since"], ascending=[1, 1, 0, 1])
    rows = rows.drop_duplicates(["member", "measure"]).reset_index(drop=True)
    bit = rows["measure"].map({m: b for b, m in enumerate(MEASURE_IDS)}).to_numpy(np.int64)
    member = rows["member"].to_numpy(np.int64)
    rank = rows["rank"].to_numpy()
    masks = {}
    for name, keep in (
        ("measure_bits", rank >= 0),
        ("operating_bits", rank == 3),
        ("building_bits", rank == 2),
        ("planning_bits", rank == 1),
    ):
        bits = np.zeros(n, dtype=np.int64)
        np.bitwise_or.at(bits, member[keep], np.left_shift(np.int64(1), bit[keep]))
        masks[name] = bits
    used = rows[rows["product"] != ""]
    counts = used.drop_duplicates(["member", "product"])["product"].value_counts()
    products = tuple(counts.index[:MAX_PRODUCTS])
    product_bits = np.zeros(n, dtype=np.int64)
    if products:
        known = used[used["product"].isin(products)]
        position = known["product"].map({x: b for b, x in enumerate(products)})
        np.bitwise_or.at(
            product_bits,
            known["member"].to_numpy(np.int64),
            np.left_shift(np.int64(1), position.to_numpy(np.int64)),
        )
    return {
        **masks,
        "measure_weight": _idf_bits(masks["measure_bits"], N_MEASURES, n),
        "product_bits": product_bits,
        "products": products,
        "product_weight": _idf_bits(product_bits, len(products), n) + PRODUCT_BONUS,
        "details": rows[
            ["member", "measure", "status", "since", "product", "source", "project_id"]
        ],
        "from_keywords": tuple(from_keywords),
    }


def _idf_bits(bits: np.ndarray, width: int, n: int) -> np.ndarray:
    """log(N / df) + 0.1 per bit; 0 for a bit no one has."""
    df = np.array([np.count_nonzero((bits >> b) & 1) for b in range(width)], dtype=float)
    return np.where(df > 0, np.log(max(n, 1) / np.maximum(df, 1)) + 0.1, 0.0)


def weighted_popcount(masks: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Sum of the weights of each mask's set bits, a byte at a time (64-bit masks)."""
    masks = np.asarray(masks, dtype=np.int64).view(np.uint64)
    padded = np.zeros(64)
    padded[: len(weights)] = weights
    total = np.zeros(masks.shape, dtype=float)
    byte_values = np.arange(256)
    for k in range(8):
        table = (((byte_values[:, None] >> np.arange(8)) & 1) * padded[8 * k : 8 * k + 8]).sum(1)
        total += table[((masks >> np.uint64(8 * k)) & np.uint64(255)).astype(np.int64)]
    return total


def size_bands(munis: pd.DataFrame, member: np.ndarray, own_sizes: np.ndarray) -> np.ndarray:
    """Each member's size band: districts and associations are regional; otherwise the
    population band when known, else the size class of its own (single-member) projects,
    else a Gemeinde (no town rights) counts as small."""
    n = len(munis)
    band = np.full(n, "", dtype=object)
    own = pd.DataFrame({"m": member, "size": own_sizes}).dropna()
    own = own[own["size"] != ""]
    if len(own):
        counts = own.groupby(["m", "size"]).size().reset_index(name="count")
        common = counts.sort_values(["m", "count"], ascending=[True, False], kind="stable")
        common = common.drop_duplicates("m")
        band[common["m"].to_numpy()] = common["size"].to_numpy(dtype=object)
    kind = munis["kind"].fillna("").to_numpy(dtype=object)
    band[(band == "") & (kind == "Gemeinde")] = "Kleinstadt/Landgemeinde"
    population = pd.to_numeric(munis["population"], errors="coerce").to_numpy(dtype=float)
    known = ~np.isnan(population)
    by_population = np.where(
        population < 20_000,
        "Kleinstadt/Landgemeinde",
        np.where(population < 100_000, "Mittelstadt", "Großstadt"),
    )
    band[known] = by_population[known]
    band[np.isin(kind, list(REGIONAL_KINDS))] = "Interkommunal/Landkreis"
    return band


def settlement_type(kinds: np.ndarray, band: np.ndarray) -> np.ndarray:
    """1 rural, 0 urban, -1 unknown: rural kinds are rural; a town by its size band."""
    rural = np.full(len(kinds), -1, dtype=np.int8)
    known = band != ""
    rural[known] = np.isin(band[known], list(RURAL_SIZES))
    rural[kinds == "kreisfreie Stadt"] = 0
    rural[np.isin(kinds, list(RURAL_KINDS))] = 1
    return rural


def _idf(bits: np.ndarray, n: int) -> np.ndarray:
    """log(N / df) + 0.1: rare topics weigh most; a topic everyone has still counts a little."""
    df = np.array([np.count_nonzero(bits & (1 << b)) for b in range(N_TOPICS)], dtype=float)
    return np.where(df > 0, np.log(max(n, 1) / np.maximum(df, 1)) + 0.1, 0.0)


def existing_pairs(network: Network, index: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Member pairs already linked: joint projects, known cooperations (a project stands for
    its members, an organisation for no one), and meetings both attended. As (i, j), i < j,
    and whether the pair shares a joint project."""
    members_of = dict(
        zip(network.projects["id"], network.projects["municipality_ids"], strict=True)
    )

    def as_members(nodes) -> list[str]:
        return [m for node in nodes for m in members_of.get(node, (node,))]

    groups = [ids for ids in network.projects["municipality_ids"] if len(ids) > 1]
    n_joint = len(groups)
    groups += [
        as_members([a]) + as_members([b])
        for a, b in zip(network.cooperations["a_id"], network.cooperations["b_id"], strict=True)
    ]
    groups += [
        as_members(participants) + ([host] if participants and isinstance(host, str) else [])
        for host, participants in zip(
            network.events["municipality_id"], network.events["participant_ids"], strict=True
        )
    ]
    if not any(len(g) > 1 for g in groups):
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0, dtype=bool)
    long = pd.DataFrame(
        {
            "g": np.repeat(np.arange(len(groups)), [len(g) for g in groups]),
            "m": index.get_indexer([m for g in groups for m in g]),
        }
    )
    long = long[long["m"] >= 0].drop_duplicates()
    pairs = long.merge(long, on="g")
    pairs = pairs[pairs["m_x"] < pairs["m_y"]]
    pairs = pairs.assign(joint=pairs["g"] < n_joint).sort_values("joint", ascending=False)
    pairs = pairs.drop_duplicates(["m_x", "m_y"])  # keeps the joint-project row if any
    return (
        pairs["m_x"].to_numpy(dtype=np.int64),
        pairs["m_y"].to_numpy(dtype=np.int64),
        pairs["joint"].to_numpy(dtype=bool),
    )


# --- candidates and scores --------------------------------------------------------------


def _xyz_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on the earth's sphere in km, so Euclidean neighbours are great-circle ones."""
    lat, lon = np.radians(lat), np.radians(lon)
    return EARTH_RADIUS_KM * np.column_stack(
        [np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)]
    )


def candidate_pairs(
    p: Profiles, k_near: int = 20, k_topic: int = 10, k_profile: int = 20, exact_below: int = 1500
) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) with i < j. A small network (fewer than `exact_below` members) is scored
    on every pair, which is exact and still fast. A large one from neighbourhoods:
    - where: each member's k_near nearest members (proximity);
    - what and where at once: its k_profile nearest in a joint space of IDF-weighted topic
      vectors (members sharing rare topics are close) and place;
    - per measure: its k_topic nearest members with the same measure;
    - per topic, for members without known measures: its k_topic nearest members that
      also work on that topic."""
    if p.n < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if p.n < exact_below:
        i, j = np.triu_indices(p.n, k=1)
        return i.astype(np.int64), j.astype(np.int64)
    points = _xyz_km(p.lat, p.lon)
    topics = _topic_vectors(p)
    everyone = np.arange(p.n)
    chunks = [
        _knn_pairs(points, everyone, k_near, p.n),
        _knn_pairs(np.hstack([topics, points / (2 * DISTANCE_SCALE_KM)]), everyone, k_profile, p.n),
    ]
    # per topic only for members whose measures are unknown: topics are their fallback
    no_measures = p.measure_bits == 0
    for b in range(N_TOPICS):
        having = np.flatnonzero((p.topic_bits & (1 << b)).astype(bool) & no_measures)
        if len(having) > 1:
            chunks.append(_knn_pairs(points[having], having, k_topic, p.n))
    for b in range(N_MEASURES):  # members with the same measure, nearest first
        having = np.flatnonzero((p.measure_bits >> b) & 1)
        if len(having) > 1:
            chunks.append(_knn_pairs(points[having], having, k_topic, p.n))
    pairs = np.sort(np.concatenate(chunks))
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]  # unique
    return pairs // p.n, pairs % p.n


def _topic_vectors(p: Profiles) -> np.ndarray:
    """Unit vectors of IDF-weighted topics: close when the weighted overlap is large."""
    has = (p.topic_bits[:, None] >> np.arange(N_TOPICS)) & 1
    vectors = has * p.topic_weight
    norm = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norm, out=np.zeros_like(vectors), where=norm > 0)


def _knn_pairs(points: np.ndarray, ids: np.ndarray, k: int, n: int) -> np.ndarray:
    """Pair keys i * n + j (i < j) for each point and its k nearest points."""
    k = min(k + 1, len(ids))
    _, neighbours = cKDTree(points).query(points, k=k)  # one thread: the machine is shared
    neighbours = np.asarray(neighbours).reshape(len(ids), -1)
    a = np.repeat(ids, neighbours.shape[1])
    b = ids[neighbours.ravel()]
    keep = a != b
    lo, hi = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    return lo.astype(np.int64) * n + hi


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def _bit_sums(weights: np.ndarray) -> np.ndarray:
    """Weighted popcount for every topic mask: the sum of the weights of its bits."""
    masks = np.arange(1 << len(weights))
    sums = np.zeros(len(masks))
    for b, w in enumerate(weights):
        sums += ((masks >> b) & 1) * w
    return sums


def score_pairs(p: Profiles, i: np.ndarray, j: np.ndarray, weights: Weights) -> pd.DataFrame:
    """The six parts, the weighted score and the distance for each pair (vectorised)."""
    shared, union = p.topic_bits[i] & p.topic_bits[j], p.topic_bits[i] | p.topic_bits[j]
    sums = _bit_sums(p.topic_weight)
    topics = topic_part(sums[shared], sums[union])
    phase = phase_part(p.phase[i], p.phase[j], shared)
    shared_m = p.measure_bits[i] & p.measure_bits[j]
    union_m = p.measure_bits[i] | p.measure_bits[j]
    shared_p = p.product_bits[i] & p.product_bits[j]
    measures = measure_part(
        weighted_popcount(shared_m, p.measure_weight),
        weighted_popcount(union_m, p.measure_weight),
    )
    product = product_part(weighted_popcount(shared_p, p.product_weight))
    ahead = ahead_bits(p, i, j) | ahead_bits(p, j, i)
    direction = direction_part(weighted_popcount(ahead, p.measure_weight))
    distance = haversine_km(p.lat[i], p.lon[i], p.lat[j], p.lon[j])
    proximity = proximity_part(distance)
    region = region_part(p.state[i], p.state[j])
    context = context_part(p.band[i], p.band[j], p.rural[i], p.rural[j])
    parts = np.column_stack(
        [measures, product, direction, proximity, region, context, topics, phase]
    )
    frame = pd.DataFrame(parts, columns=list(PARTS))
    frame.insert(0, "j", j)
    frame.insert(0, "i", i)
    frame["score"] = weighted_score(parts, weights)
    frame["distance_km"] = distance
    frame["shared_bits"] = shared
    frame["shared_measures"] = shared_m
    frame["shared_products"] = shared_p
    return frame


def ahead_bits(p: Profiles, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Measures on which i is further than j (both known): running where j builds or
    plans it, or building where j plans it."""
    return (p.operating_bits[i] & (p.building_bits[j] | p.planning_bits[j])) | (
        p.building_bits[i] & p.planning_bits[j]
    )


def measure_part(shared_weight, union_weight) -> np.ndarray:
    """Half the weighted overlap of measures, half how much (rare) is shared at all."""
    shared_weight = np.asarray(shared_weight, dtype=float)
    union_weight = np.asarray(union_weight, dtype=float)
    overlap = np.divide(
        shared_weight, union_weight, out=np.zeros(len(shared_weight)), where=union_weight > 0
    )
    return 0.5 * overlap + 0.5 * (1 - np.exp(-shared_weight / 3))


def product_part(product_weight) -> np.ndarray:
    """The same product (an open-source solution, a platform): its rarity plus a bonus,
    so one shared product already counts most of the part."""
    return 1 - np.exp(-np.asarray(product_weight, dtype=float))


def proximity_part(distance_km) -> np.ndarray:
    """exp(-distance / 30 km): 1 next door, 0.37 at 30 km, 0.04 at 100 km. Strictly
    falling, so where everything else ties the nearer member ranks first."""
    return np.exp(-np.asarray(distance_km, dtype=float) / DISTANCE_SCALE_KM)


def region_part(state_a, state_b) -> np.ndarray:
    """1 in the same federal state: the state's associations and programmes run their own
    networks of model projects and smart-city members."""
    state_a, state_b = np.asarray(state_a, dtype=object), np.asarray(state_b, dtype=object)
    return ((state_a == state_b) & (state_a != "")).astype(float)


def direction_part(ahead_weight) -> np.ndarray:
    """How much one member is ahead of the other on shared measures, rare ones most."""
    return 1 - np.exp(-np.asarray(ahead_weight, dtype=float) / 2)


def weighted_score(parts: np.ndarray, weights: Weights) -> np.ndarray:
    w = weights.as_array()
    return parts @ w / w.sum() if w.sum() > 0 else np.zeros(len(parts))


def topic_part(shared_weight, union_weight):
    """Half weighted overlap, half absolute amount of shared (rare) topics."""
    shared_weight = np.asarray(shared_weight, dtype=float)
    union_weight = np.asarray(union_weight, dtype=float)
    overlap = np.divide(
        shared_weight, union_weight, out=np.zeros(len(shared_weight)), where=union_weight > 0
    )
    return 0.5 * overlap + 0.5 * (1 - np.exp(-shared_weight))


def phase_part(phase_a: np.ndarray, phase_b: np.ndarray, shared: np.ndarray) -> np.ndarray:
    """Share of shared topics where one is further along (both phases known)."""
    bits = ((np.asarray(shared)[:, None] >> np.arange(phase_a.shape[1])) & 1).astype(bool)
    rank_a, rank_b = RANK[phase_a], RANK[phase_b]
    differs = bits & (rank_a > 0) & (rank_b > 0) & (rank_a != rank_b)
    count = bits.sum(axis=1)
    return np.divide(differs.sum(axis=1), count, out=np.zeros(len(bits)), where=count > 0)


def context_part(band_a, band_b, rural_a, rural_b) -> np.ndarray:
    same_band = (band_a == band_b) & (band_a != "")
    same_type = (rural_a == rural_b) & (rural_a >= 0)
    return 0.5 * same_band + 0.5 * same_type


def _related(scored: pd.DataFrame) -> pd.Series:
    """A suggestion needs something in common: a measure, or at least a topic."""
    return (scored["shared_measures"] != 0) | (scored["shared_bits"] > 0)


def mark_existing(p: Profiles, frame: pd.DataFrame) -> pd.DataFrame:
    keys = p.existing_i * p.n + p.existing_j
    frame["existing"] = np.isin(frame["i"].to_numpy() * p.n + frame["j"].to_numpy(), keys)
    return frame


def top_k_per_member(frame: pd.DataFrame, k: int) -> np.ndarray:
    """Row positions of the pairs among each member's k best (either side)."""
    i, j, score = frame["i"].to_numpy(), frame["j"].to_numpy(), frame["score"].to_numpy()
    member = np.concatenate([i, j])
    row = np.tile(np.arange(len(frame)), 2)
    order = np.lexsort((row, -np.tile(score, 2), member))  # by member, best first, stable
    member, row = member[order], row[order]
    starts = np.flatnonzero(np.r_[True, member[1:] != member[:-1]])
    rank = np.arange(len(member)) - np.repeat(starts, np.diff(np.r_[starts, len(member)]))
    return np.unique(row[rank < k])


def suggestions(
    network: Network,
    weights: Weights = Weights(),
    top_k: int = 5,
    max_per_member: int | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """New partnerships for the network's members: each member's top-k, without the
    pairs that already work together, best first, one row per pair. With
    `max_per_member`, a member appears at most that often, so a ranked list for a meeting
    reaches many members instead of repeating one popular partner."""
    p = member_profiles(network)
    i, j = candidate_pairs(p)
    scored = mark_existing(p, score_pairs(p, i, j, weights))
    fresh = scored[~scored["existing"] & _related(scored)].reset_index(drop=True)
    chosen = fresh.iloc[top_k_per_member(fresh, top_k)]
    chosen = chosen.sort_values("score", ascending=False, kind="stable")
    if max_per_member:
        chosen = _spread(p, chosen, max_per_member)
    if limit is not None:  # the best `limit` rows only, e.g. what a page shows
        chosen = chosen.head(limit)
    return with_measures(p, _labelled(p, chosen))


def _spread(p: Profiles, ranked: pd.DataFrame, limit: int) -> pd.DataFrame:
    """At most `limit` rows per member, and one introduction per team: once a is suggested
    to b, b's partners in a joint project are not suggested to a again (they would meet a
    through b anyway)."""
    linked: dict[int, set[int]] = {}
    team_i, team_j = p.existing_i[p.existing_joint], p.existing_j[p.existing_joint]
    for x, y in zip(team_i.tolist(), team_j.tolist(), strict=True):
        linked.setdefault(x, set()).add(y)
        linked.setdefault(y, set()).add(x)
    seen: dict[int, int] = {}
    met: dict[int, set[int]] = {}
    keep = []
    for a, b in zip(ranked["i"].tolist(), ranked["j"].tolist(), strict=True):
        ok = seen.get(a, 0) < limit and seen.get(b, 0) < limit
        ok = ok and b not in met.get(a, set()) and a not in met.get(b, set())
        keep.append(ok)
        if ok:
            seen[a], seen[b] = seen.get(a, 0) + 1, seen.get(b, 0) + 1
            met.setdefault(a, set()).update(linked.get(b, set()) | {b})
            met.setdefault(b, set()).update(linked.get(a, set()) | {a})
    return ranked[np.array(keep, dtype=bool)]  # a plain empty list would select columns


def partners_for(
    network: Network, municipality_id: str, weights: Weights = Weights(), limit: int = 10
) -> pd.DataFrame:
    """Ranked partners for one member, scored against every other member (existing links
    included and marked, so the finder can show them apart), oriented from its side."""
    p = member_profiles(network)
    where = np.flatnonzero(p.ids == municipality_id)
    if len(where) == 0:
        empty = np.empty(0, dtype=np.int64)
        frame = score_pairs(p, empty, empty, weights).assign(existing=False)
        return with_measures(p, _labelled(p, frame))
    me = int(where[0])
    others = np.delete(np.arange(p.n), me)
    i, j = np.minimum(me, others), np.maximum(me, others)
    scored = mark_existing(p, score_pairs(p, i, j, weights))
    scored = scored.sort_values("score", ascending=False, kind="stable")
    # the best new partners, and every existing link (listed apart, never ranked among them)
    fresh = scored[~scored["existing"] & _related(scored)].head(limit)
    labelled = _labelled(p, pd.concat([fresh, scored[scored["existing"]]]))
    flip = labelled["a_id"] != municipality_id
    for left, right in (("a_id", "b_id"), ("a_name", "b_name"), ("a_phase", "b_phase"), ("i", "j")):
        labelled.loc[flip, [left, right]] = labelled.loc[flip, [right, left]].to_numpy()
    return with_measures(p, labelled)


def partners_for_project(
    network: Network, project_id: str, weights: Weights = Weights(), limit: int = 10
) -> pd.DataFrame:
    """Ranked partners for a project: the best partners of any of its members, without the
    members themselves, each partner once (from the member it fits best)."""
    row = network.projects[network.projects["id"] == project_id]
    if row.empty:
        return partners_for(network, "", weights, limit)
    own = set(row.iloc[0]["municipality_ids"])
    ranked = pd.concat(
        [partners_for(network, m, weights, limit=limit + len(own)) for m in sorted(own)],
        ignore_index=True,
    )
    ranked = ranked[~ranked["b_id"].isin(own)].sort_values("score", ascending=False, kind="stable")
    return ranked.drop_duplicates("b_id").head(limit).reset_index(drop=True)


def _labelled(p: Profiles, frame: pd.DataFrame) -> pd.DataFrame:
    """Ids, names, shared topics (rarest first) and what the reasons mention."""
    i, j = frame["i"].to_numpy(dtype=int), frame["j"].to_numpy(dtype=int)
    out = frame.reset_index(drop=True).copy()
    out["a_id"], out["b_id"] = p.ids[i], p.ids[j]
    out["a_name"], out["b_name"] = p.names[i], p.names[j]
    rarity = np.argsort(-p.topic_weight, kind="stable")
    topics_of = {
        mask: tuple(TOPICS[b] for b in rarity if (mask >> b) & 1)
        for mask in set(out["shared_bits"])
    }
    out["shared_topics"] = out["shared_bits"].map(topics_of)
    out["a_phase"], out["b_phase"] = _leading_difference(
        p, i, j, out["shared_bits"].to_numpy(), rarity
    )
    same_band = (p.band[i] == p.band[j]) & (p.band[i] != "")
    out["same_band"] = np.where(same_band, p.band[i], "")
    same_type = (p.rural[i] == p.rural[j]) & (p.rural[i] >= 0)
    out["same_type"] = np.where(same_type, np.where(p.rural[i] == 1, "rural", "urban"), "")
    same_state = (p.state[i] == p.state[j]) & (p.state[i] != "")
    out["same_state"] = np.where(same_state, p.state[i], "")
    return out


def _leading_difference(p: Profiles, i, j, shared, rarity) -> tuple[list[str], list[str]]:
    """Both members' phases in the rarest shared topic where one is further ("" if none)."""
    pa, pb = p.phase[i][:, rarity], p.phase[j][:, rarity]
    bits = ((shared[:, None] >> rarity) & 1).astype(bool)
    ra, rb = RANK[pa], RANK[pb]
    differ = bits & (ra > 0) & (rb > 0) & (ra != rb)
    first = differ.argmax(axis=1)
    found = differ.any(axis=1)
    rows = np.arange(len(i))
    a = [CODE_PHASE[int(x)] if ok else "" for x, ok in zip(pa[rows, first], found, strict=True)]
    b = [CODE_PHASE[int(x)] if ok else "" for x, ok in zip(pb[rows, first], found, strict=True)]
    return a, b


def with_measures(p: Profiles, frame: pd.DataFrame) -> pd.DataFrame:
    """Per pair (oriented a = i, b = j) the shared measures, rarest first, each as
    (measure, a's status, a's since, b's status, b's since, product both use, source of
    the one ahead or else of a), and the measure on which one is furthest ahead."""
    frame = frame.copy()
    # position of each measure when listed rarest first
    place = np.empty(N_MEASURES, dtype=int)
    place[np.argsort(-p.measure_weight, kind="stable")] = np.arange(N_MEASURES)
    cached: dict[int, tuple[str, ...]] = {}

    def ids_of(mask: int) -> tuple[str, ...]:
        if mask not in cached:
            bits, rest = [], mask
            while rest:
                low = rest & -rest
                bits.append(low.bit_length() - 1)
                rest ^= low
            cached[mask] = tuple(MEASURE_IDS[b] for b in sorted(bits, key=place.__getitem__))
        return cached[mask]

    d = p.details
    detail = {
        (m, x): (status, since, product, source)
        for m, x, status, since, product, source in zip(
            d["member"].tolist(),
            d["measure"].to_numpy(dtype=object).tolist(),
            d["status"].to_numpy(dtype=object).tolist(),
            d["since"].to_numpy(dtype=object).tolist(),
            d["product"].to_numpy(dtype=object).tolist(),
            d["source"].to_numpy(dtype=object).tolist(),
            strict=True,
        )
    }
    none = ("unbekannt", "", "", "")
    rows, leads = [], []
    for a, b, mask in zip(
        frame["i"].tolist(), frame["j"].tolist(), frame["shared_measures"].tolist(), strict=True
    ):
        info, lead = [], ""
        for measure in ids_of(int(mask)):
            sa, ya, pa, qa = detail.get((a, measure), none)
            sb, yb, pb, qb = detail.get((b, measure), none)
            ra, rb = STATUS_RANK.get(sa, 0), STATUS_RANK.get(sb, 0)
            if not lead and ra and rb and ra != rb:
                lead = measure
            source = qb if rb > ra else (qa or qb)
            product = pa if pa and pa == pb else ""
            info.append((measure, sa, ya, sb, yb, product, source))
        rows.append(tuple(info))
        leads.append(lead)
    frame["measure_info"] = rows
    frame["lead_measure"] = leads
    return frame


def existing_links(network: Network, member_id: str) -> pd.DataFrame:
    """How a member is already linked to others: joint projects, known cooperations (a
    project stands for its members) and meetings both attended, with kind and source.
    Columns: b_id, kind, what, date, source."""
    projects = network.projects
    members_of = dict(zip(projects["id"], projects["municipality_ids"], strict=True))
    rows = []
    for name, ids, url in zip(
        projects["name"], projects["municipality_ids"], projects["url"], strict=True
    ):
        if member_id in ids:
            link = url if isinstance(url, str) else ""
            rows += [(m, "joint", name, "", link) for m in ids if m != member_id]
    coops = network.cooperations
    for a, b, kind, date, source in zip(
        coops["a_id"], coops["b_id"], coops["kind"], coops["date"], coops["source"], strict=True
    ):
        left, right = members_of.get(a, (a,)), members_of.get(b, (b,))
        for one, other in ((left, right), (right, left)):
            if member_id in one:
                rows += [(m, "cooperation", kind or "", date or "", source or "") for m in other]
    events = network.events
    for title, date, host, participants, source in zip(
        events["title"],
        events["date"],
        events["municipality_id"],
        events["participant_ids"],
        events["source"],
        strict=True,
    ):
        people = [m for x in participants for m in members_of.get(x, (x,))]
        if participants and isinstance(host, str):
            people.append(host)
        if member_id in people:
            rows += [(m, "meeting", title, date or "", source or "") for m in set(people)]
    known = set(network.municipalities["id"])
    frame = pd.DataFrame(rows, columns=["b_id", "kind", "what", "date", "source"])
    frame = frame[frame["b_id"].isin(known - {member_id})]
    return frame.drop_duplicates().reset_index(drop=True)


# --- reasons ----------------------------------------------------------------------------


def status_words(status: str, since: str, lang: str) -> str:
    """'in Betrieb seit 2023', 'geplant', 'Stand unbekannt'."""
    words = t(f"coop.status.{status}", lang)
    if since and status != "unbekannt":
        words += " " + t("coop.since", lang, year=str(since)[:4])
    return words


def measure_reason(
    row, lang: str, max_measures: int = 3, measures: bool = True, products: bool = True
) -> list[str]:
    """'Gemeinsame Maßnahmen: A, B; bei A ist X weiter (in Betrieb seit 2023), Y: geplant;
    beide nutzen DIPAS' — from the same measures and statuses that made the score."""
    info = row["measure_info"]
    if not info:
        return []
    pieces = []
    if measures:
        pieces += _shared_measures(row, info, lang, max_measures)
    used = sorted({m[5] for m in info if m[5]})
    if products and used:
        pieces.append(t("coop.reason.product", lang, product=", ".join(used)))
    return pieces


def _shared_measures(row, info, lang: str, max_measures: int) -> list[str]:
    """'gemeinsame Maßnahmen: A, B; bei A ist X weiter (…), Y: geplant'."""
    names = [label(m[0], lang) for m in info]
    shown = ", ".join(names[:max_measures])
    if len(names) > max_measures:
        shown = t("coop.more", lang, shown=shown, n=len(names) - max_measures)
    unknown = all(m[1] == "unbekannt" and m[3] == "unbekannt" for m in info)
    key = "coop.reason.measure_one" if len(names) == 1 else "coop.reason.measures"
    pieces = [t(key + ("_keywords" if unknown else ""), lang, measures=shown)]
    lead = row["lead_measure"]
    if lead:
        m = next(x for x in info if x[0] == lead)
        a_first = STATUS_RANK[m[1]] > STATUS_RANK[m[3]]
        ahead, behind = (
            (row["a_name"], row["b_name"]) if a_first else (row["b_name"], row["a_name"])
        )
        sa, sb = status_words(m[1], m[2], lang), status_words(m[3], m[4], lang)
        pieces.append(
            t(
                "coop.reason.ahead",
                lang,
                measure=label(lead, lang),
                ahead=ahead,
                ahead_status=sa if a_first else sb,
                behind=behind,
                behind_status=sb if a_first else sa,
            )
        )
    return pieces


def reason(row, weights: Weights, lang: str = "de", max_topics: int = 3) -> str:
    """The suggestion's reasons in words, from the parts that made its score. A part whose
    weight is 0 gives no reason; topics are named only when no measure is shared."""
    pieces = []
    pieces += measure_reason(
        row,
        lang,
        measures=weights.measures > 0 or weights.direction > 0,
        products=weights.product > 0 and row["product"] > 0,
    )
    if weights.topics > 0 and row["shared_topics"] and not row["measure_info"]:
        names = [t(f"topic.{x}", lang) for x in row["shared_topics"]]
        shown = ", ".join(names[:max_topics])
        if len(names) > max_topics:
            shown = t("coop.more", lang, shown=shown, n=len(names) - max_topics)
        key = "coop.reason.topic_one" if len(names) == 1 else "coop.reason.topics"
        pieces.append(t(key, lang, n=len(names), topics=shown))
    if weights.phase > 0 and row["phase"] > 0 and row["a_phase"]:
        a_first = PHASE_CODE[row["a_phase"]] > PHASE_CODE[row["b_phase"]]
        ahead, behind = ("a", "b") if a_first else ("b", "a")
        pieces.append(
            t(
                "coop.reason.phase",
                lang,
                ahead=row[f"{ahead}_name"],
                ahead_phase=t(f"coop.phase_in.{row[f'{ahead}_phase']}", lang),
                behind=row[f"{behind}_name"],
                behind_phase=t(f"coop.phase_in.{row[f'{behind}_phase']}", lang),
            )
        )
    if weights.proximity > 0:
        pieces.append(t("coop.reason.distance", lang, km=round(float(row["distance_km"]))))
    if weights.region > 0 and row["same_state"]:
        state = t(f"state.{row['same_state']}", lang)
        pieces.append(t("coop.reason.region", lang, state=state))
    if weights.context > 0 and row["context"] > 0:
        kind = t(f"coop.type.{row['same_type']}", lang) if row["same_type"] else ""
        size = t(f"size.{row['same_band']}", lang) if row["same_band"] else ""
        key = "both" if kind and size else ("kind" if kind else "size")
        pieces.append(t(f"coop.reason.context_{key}", lang, kind=kind, size=size))
    return "; ".join(pieces)


def measure_list(info, lang: str) -> str:
    """Every shared measure with both sides' status, for tables and exports (never cut)."""
    return "; ".join(
        f"{label(m[0], lang)} ({status_words(m[1], m[2], lang)} / {status_words(m[3], m[4], lang)})"
        for m in info
    )


def reason_source(row) -> str:
    """The source behind the reason: of the measure one is ahead on, else the rarest."""
    info = row["measure_info"]
    if not info:
        return ""
    lead = row["lead_measure"]
    m = next((x for x in info if x[0] == lead), info[0])
    return m[6] if str(m[6]).startswith("http") else ""


def with_reasons(frame: pd.DataFrame, weights: Weights, lang: str = "de") -> pd.DataFrame:
    frame = frame.copy()
    rows = frame.to_dict("records")
    frame["reason"] = [reason(row, weights, lang) for row in rows]
    frame["measures_text"] = [measure_list(row["measure_info"], lang) for row in rows]
    frame["source"] = [reason_source(row) for row in rows]
    return frame
