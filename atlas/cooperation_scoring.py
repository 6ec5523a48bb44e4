"""The cooperation score: candidate pairs, the nine parts of a pair's score (each in
[0, 1]) and their weighted mean, existing links marked, each member's best k."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree

from atlas.cooperation_profiles import (
    N_MEASURES,
    N_TOPICS,
    RANK,
    Profiles,
    weighted_popcount,
)

DISTANCE_SCALE_KM = 30.0
EARTH_RADIUS_KM = 6371.0
PARTS = (
    "measures",
    "product",
    "direction",
    "proximity",
    "region",
    "context",
    "topics",
    "phase",
    "partners",
)
MAX_SHARED_LINKS = 50  # a party linked to more members gives no candidates (it still scores)


@dataclass(frozen=True)
class Weights:
    """The defaults are what cross-validation on the documented cooperations chose in most
    folds (python -m benchmarks.cooperation_quality): proximity (30 km scale) and the same
    product first, the same federal state, then kind and size and topics a little. Shared
    measures get 0.2, not the 0 most folds chose: it ties on recall@10 and keeps the
    measures in the score and the reasons. Shared partners get 0.1, not the 0 every fold
    chose: with every row about the left-out cooperation removed, the few links the data
    holds add nothing beyond proximity, and 0.1 ties with 0 while the reason still names a
    shared partner. Who is ahead and phase stay adjustable; a partner's head start on a
    shared measure is told in the reason whenever measures count."""

    measures: float = 0.2
    product: float = 1.0
    direction: float = 0.0
    proximity: float = 1.0
    region: float = 0.2
    context: float = 0.1
    topics: float = 0.1
    phase: float = 0.0
    partners: float = 0.1

    def as_array(self) -> np.ndarray:
        return np.array([max(0.0, getattr(self, f.name)) for f in fields(self)], dtype=float)


def _xyz_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on the earth's sphere in km, so Euclidean neighbours are great-circle ones."""
    lat, lon = np.radians(lat), np.radians(lon)
    return EARTH_RADIUS_KM * np.column_stack(
        [np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)]
    )


def candidate_pairs(
    p: Profiles, k_near: int = 20, k_topic: int = 10, exact_below: int = 1500
) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) with i < j. A small network (fewer than `exact_below` members) is scored
    on every pair, which is exact and still fast. A large one only where a pair can score
    well, from neighbourhoods in three dimensions (each a k-d tree query, no all-pairs
    matrix):
    - where: each member's k_near nearest members (proximity weighs most);
    - per product: its 3 * k_topic nearest members on the same product (the second-strongest
      part, and what lets a far member rank high), and its k_topic nearest on the same
      product in its own federal state;
    - per state: its k_topic nearest members in its own federal state;
    - per measure: its k_topic nearest members with the same measure;
    - per topic, for members without known measures: its k_topic nearest members that
      also work on that topic;
    - partners of partners: every pair linked to the same third party in the data
      (parties with at most MAX_SHARED_LINKS links, so an umbrella body adds none)."""
    if p.n < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if p.n < exact_below:
        i, j = np.triu_indices(p.n, k=1)
        return i.astype(np.int64), j.astype(np.int64)
    points = _xyz_km(p.lat, p.lon)
    chunks = [_knn_pairs(points, np.arange(p.n), k_near, p.n)]
    groups = [
        (p.product_bits, len(p.products), None, 3 * k_topic),
        (p.measure_bits, N_MEASURES, None, k_topic),
        # per topic only for members whose measures are unknown: topics are their fallback
        (p.topic_bits, N_TOPICS, p.measure_bits == 0, k_topic),
    ]
    for bits, width, among, k in groups:
        for b in range(width):
            has = ((bits >> b) & 1).astype(bool)
            having = np.flatnonzero(has if among is None else has & among)
            if len(having) > 1:
                chunks.append(_knn_pairs(points[having], having, k, p.n))
    # in the same state, and on the same product in the same state: the region part
    state = pd.factorize(p.state)[0]
    everyone = np.arange(p.n)
    by_product = [np.flatnonzero((p.product_bits >> b) & 1) for b in range(len(p.products))]
    for having in [everyone, *by_product]:
        order = having[np.argsort(state[having], kind="stable")]
        cuts = np.flatnonzero(np.diff(state[order])) + 1
        for group in np.split(order, cuts):
            if len(group) > 1:
                chunks.append(_knn_pairs(points[group], group, k_topic, p.n))
    chunks.append(_shared_link_pairs(p))
    pairs = np.sort(np.concatenate(chunks))
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]  # unique
    return pairs // p.n, pairs % p.n


def _shared_link_pairs(p: Profiles) -> np.ndarray:
    """Pair keys i * n + j (i < j) of members linked to the same third party."""
    links = p.links
    small = np.asarray(links.sum(axis=0)).ravel() <= MAX_SHARED_LINKS
    links = links[:, np.flatnonzero(small)]
    if links.nnz == 0:
        return np.empty(0, dtype=np.int64)
    both = sparse.triu(links @ links.T, k=1).tocoo()
    return both.row.astype(np.int64) * p.n + both.col


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
    """The nine parts, the weighted score and the distance for each pair (vectorised)."""
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
    partners = partner_part(shared_link_weight(p, i, j))
    parts = np.column_stack(
        [measures, product, direction, proximity, region, context, topics, phase, partners]
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


def shared_link_weight(p: Profiles, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """For each pair, the weights of the third parties both are linked to in the data (a
    member or an organisation; the pair's own link is no third party), summed."""
    total = np.zeros(len(i))
    degree = np.diff(p.links.indptr)
    both = np.flatnonzero((degree[i] > 0) & (degree[j] > 0)) if len(i) else np.empty(0, int)
    if len(both):
        common = p.links[i[both]].multiply(p.links[j[both]])
        total[both] = np.asarray(common @ p.link_weight).ravel()
    return total


def partner_part(shared_weight) -> np.ndarray:
    """Partners of partners: 1 - exp(-w), so one shared partner of two already counts
    0.63 and an umbrella body linked to sixteen members 0.22."""
    return 1 - np.exp(-np.asarray(shared_weight, dtype=float))


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
