"""Who should work with whom, and why: explainable partner suggestions between members.

A member's profile is built from its projects (a project with several participants counts
for each): the topics it works on, how far it is in each (the most advanced `phase_now` of
its projects with that topic; Strategie < Umsetzung < Verlängerung = Abgeschlossen, an
unknown phase says nothing), where it is, and what kind of place it is. A pair's score is
a weighted mean of four parts, each in [0, 1]:

- topics: shared topics weighted by rarity (IDF, log(N/df)): half the weighted overlap
  (shared / all topics of the two), half how much is shared at all (1 - exp(-shared
  weight)), so sharing a topic few members have says more than sharing Mobilität, which
  almost everyone has, even when that is all two members work on;
- phase: the share of shared topics in which one of the two is further along (one is
  implementing or done where the other is still in strategy), so it can pass on lessons;
- proximity: exp(-distance / 100 km): near enough to share services or meet easily;
- context: half for the same size band (population band, else the size class of the
  member's own projects, else its kind), half for the same settlement type (rural or
  urban), since rural places learn most from rural places. A joint project's size class
  describes the project, not each partner, so it is not used for its members.

Pairs that already work together (a joint project, a known cooperation, a shared meeting)
are marked as existing and never suggested. Candidates come from each member's spatial
neighbourhood and from its neighbours within each of its topics, not from all pairs.
The reasons are worded from the same numbers that made the score.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from atlas.network import Network
from atlas.schema import TOPICS
from atlas.text import join_words, t

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
DISTANCE_SCALE_KM = 100.0
EARTH_RADIUS_KM = 6371.0
RURAL_KINDS = {"Gemeinde", "Landkreis", "Verband"}
REGIONAL_KINDS = {"Landkreis", "Verband"}
RURAL_SIZES = {"Kleinstadt/Landgemeinde", "Interkommunal/Landkreis"}
PARTS = ("topics", "phase", "proximity", "context")
N_TOPICS = len(TOPICS)


@dataclass(frozen=True)
class Weights:
    topics: float = 1.0
    phase: float = 0.6
    proximity: float = 0.6
    context: float = 0.4

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
    topic_weight: np.ndarray  # IDF weight per topic
    existing_i: np.ndarray  # pairs (i < j) that already work together
    existing_j: np.ndarray
    existing_joint: np.ndarray  # bool: the pair shares a joint project (one team)

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
    return Profiles(
        ids=munis["id"].to_numpy(dtype=object),
        names=munis["name"].to_numpy(dtype=object),
        topic_bits=bits,
        phase=phase,
        lat=munis["lat"].to_numpy(dtype=float),
        lon=munis["lon"].to_numpy(dtype=float),
        band=band,
        rural=settlement_type(kinds, band),
        topic_weight=_idf(bits, n),
        existing_i=existing_i,
        existing_j=existing_j,
        existing_joint=existing_joint,
    )


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
    - per topic: its k_topic nearest members that also work on that topic."""
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
    for b in range(N_TOPICS):
        having = np.flatnonzero(p.topic_bits & (1 << b))
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
    """The four parts, the weighted score and the distance for each pair (vectorised)."""
    shared, union = p.topic_bits[i] & p.topic_bits[j], p.topic_bits[i] | p.topic_bits[j]
    sums = _bit_sums(p.topic_weight)
    topics = topic_part(sums[shared], sums[union])
    phase = phase_part(p.phase[i], p.phase[j], shared)
    distance = haversine_km(p.lat[i], p.lon[i], p.lat[j], p.lon[j])
    proximity = np.exp(-distance / DISTANCE_SCALE_KM)
    context = context_part(p.band[i], p.band[j], p.rural[i], p.rural[j])
    parts = np.column_stack([topics, phase, proximity, context])
    frame = pd.DataFrame(parts, columns=list(PARTS))
    frame.insert(0, "j", j)
    frame.insert(0, "i", i)
    frame["score"] = weighted_score(parts, weights)
    frame["distance_km"] = distance
    frame["shared_bits"] = shared
    return frame


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
) -> pd.DataFrame:
    """New partnerships for the network's members: each member's top-k, without the
    pairs that already work together, best first, one row per pair. With
    `max_per_member`, a member appears at most that often, so a ranked list for a meeting
    reaches many members instead of repeating one popular partner."""
    p = member_profiles(network)
    i, j = candidate_pairs(p)
    scored = mark_existing(p, score_pairs(p, i, j, weights))
    fresh = scored[~scored["existing"] & (scored["shared_bits"] > 0)].reset_index(drop=True)
    chosen = fresh.iloc[top_k_per_member(fresh, top_k)]
    chosen = chosen.sort_values("score", ascending=False, kind="stable")
    if max_per_member:
        chosen = _spread(p, chosen, max_per_member)
    return _labelled(p, chosen)


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
        return _labelled(p, score_pairs(p, empty, empty, weights).assign(existing=False))
    me = int(where[0])
    others = np.delete(np.arange(p.n), me)
    i, j = np.minimum(me, others), np.maximum(me, others)
    scored = mark_existing(p, score_pairs(p, i, j, weights))
    scored = scored[scored["shared_bits"] > 0].sort_values("score", ascending=False, kind="stable")
    labelled = _labelled(p, scored.head(limit))
    flip = labelled["a_id"] != municipality_id
    for left, right in (("a_id", "b_id"), ("a_name", "b_name"), ("a_phase", "b_phase"), ("i", "j")):
        labelled.loc[flip, [left, right]] = labelled.loc[flip, [right, left]].to_numpy()
    return labelled


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


# --- reasons ----------------------------------------------------------------------------


def reason(row, weights: Weights, lang: str = "de", max_topics: int = 3) -> str:
    """The suggestion's reasons in words, from the parts that made its score. A part whose
    weight is 0 gives no reason."""
    pieces = []
    if weights.topics > 0 and row["shared_topics"]:
        names = [t(f"topic.{x}", lang) for x in row["shared_topics"]]
        shown = ", ".join(names[:max_topics]) + (", …" if len(names) > max_topics else "")
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
    if weights.context > 0 and row["context"] > 0:
        kind = t(f"coop.type.{row['same_type']}", lang) if row["same_type"] else ""
        size = t(f"size.{row['same_band']}", lang) if row["same_band"] else ""
        key = "both" if kind and size else ("kind" if kind else "size")
        pieces.append(t(f"coop.reason.context_{key}", lang, kind=kind, size=size))
    return "; ".join(pieces)


def with_reasons(frame: pd.DataFrame, weights: Weights, lang: str = "de") -> pd.DataFrame:
    frame = frame.copy()
    frame["reason"] = [reason(row, weights, lang) for _, row in frame.iterrows()]
    return frame


# --- working groups ---------------------------------------------------------------------


def working_groups(
    network: Network,
    min_size: int = 3,
    max_size: int = 6,
    max_per_member: int = 2,
    max_groups: int = 12,
) -> pd.DataFrame:
    """Breakout groups for a meeting: around a topic, 3 to 6 members each, neighbours
    together (by distance), every member in at most `max_per_member` groups. Rarer topics first, since
    they are where members find each other least on their own."""
    p = member_profiles(network)
    used = np.zeros(p.n, dtype=int)
    rows = []
    for b in np.argsort(-p.topic_weight, kind="stable"):
        having = [x for x in np.flatnonzero(p.topic_bits & (1 << b)) if used[x] < max_per_member]
        if len(having) < min_size:
            continue
        if len(rows) >= max_groups:
            break
        for chunk in nearby_groups(p.lat[having], p.lon[having], max_size, min_size):
            chunk = np.array(having)[chunk]
            if len(rows) >= max_groups:
                break
            if len(chunk) < min_size:
                continue
            used[chunk] += 1
            phases = [CODE_PHASE.get(int(p.phase[x, b]), "Unbekannt") for x in chunk]
            rows.append(
                {
                    "topic": TOPICS[b],
                    "member_ids": tuple(p.ids[chunk]),
                    "members": tuple(p.names[chunk]),
                    "phases": tuple(phases),
                }
            )
    return pd.DataFrame(rows, columns=["topic", "member_ids", "members", "phases"])


REFINE_UP_TO = 120  # members of one topic (0.2 s to refine); above, the greedy groups stand


def nearby_groups(
    lat: np.ndarray, lon: np.ndarray, max_size: int, min_size: int = 1
) -> Iterator[np.ndarray]:
    """Split places into as few groups of at most `max_size` as possible, sizes as even as
    possible, neighbours together. Greedy first: the place farthest from the others'
    centre starts a group and takes its nearest remaining places. The last groups of a
    greedy split collect what is left, far apart; so for a network of meeting size the
    groups are then improved by moving or swapping members between groups (sizes kept
    within min_size..max_size) while that shortens the distances within them. Yields positions into lat/lon, one group at a time (a large
    network stops after the dozen a meeting needs)."""
    n = len(lat)
    if n == 0:
        return
    greedy = _greedy_groups(lat, lon, max_size)
    if n > REFINE_UP_TO:
        yield from greedy
        return
    groups = list(greedy)
    smallest = min(len(g) for g in groups)
    yield from _improve_groups(groups, _distances_km(lat, lon), min(min_size, smallest), max_size)


def _greedy_groups(lat: np.ndarray, lon: np.ndarray, max_size: int) -> Iterator[np.ndarray]:
    n = len(lat)
    sizes = [len(c) for c in np.array_split(np.arange(n), math.ceil(n / max_size))]
    remaining = np.arange(n)
    for size in sizes:
        placed = remaining[np.isfinite(lat[remaining]) & np.isfinite(lon[remaining])]
        if len(placed) == 0:  # no coordinates left: the rest in their order
            chosen = remaining[:size]
        else:
            centre = lat[placed].mean(), lon[placed].mean()
            seed = placed[np.argmax(haversine_km(lat[placed], lon[placed], *centre))]
            distance = haversine_km(lat[remaining], lon[remaining], lat[seed], lon[seed])
            # a member without coordinates could be anywhere: it fills the group of the
            # place farthest out, so that neighbours elsewhere stay together
            distance = np.nan_to_num(distance, nan=0.0)
            chosen = remaining[np.argsort(distance, kind="stable")[:size]]
        yield np.sort(chosen)
        remaining = np.setdiff1d(remaining, chosen)


def _distances_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """All pairwise distances; 0 for a place without coordinates (it could be anywhere)."""
    d = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    return np.nan_to_num(d, nan=0.0)


def _group_spread(pair_sum: float, size: int) -> float:
    """A group's spread: each member's mean distance to the others, summed (so groups of
    different sizes compare fairly)."""
    return 2 * pair_sum / (size - 1) if size > 1 else 0.0


def _improve_groups(
    groups: list[np.ndarray], d: np.ndarray, min_size: int, max_size: int, rounds: int = 300
) -> list[np.ndarray]:
    """Move one member to another group, or swap two, while that lowers the total spread
    the most; group sizes stay within min_size..max_size."""
    groups = [list(g) for g in groups]
    for _ in range(rounds):
        best_change, best_step = -1e-6, None
        for g, first in enumerate(groups):
            to_first = d[np.ix_(first, first)].sum(axis=1)
            p_first = to_first.sum() / 2
            for h, second in enumerate(groups):
                if h == g:
                    continue
                to_second = d[np.ix_(first, second)].sum(axis=1)
                p_second = d[np.ix_(second, second)].sum() / 2
                before = _group_spread(p_first, len(first)) + _group_spread(p_second, len(second))
                if len(first) > min_size and len(second) < max_size:  # move a member over
                    after = [
                        _group_spread(p_first - to_first[i], len(first) - 1)
                        + _group_spread(p_second + to_second[i], len(second) + 1)
                        for i in range(len(first))
                    ]
                    i = int(np.argmin(after))
                    if after[i] - before < best_change:
                        best_change, best_step = after[i] - before, ("move", g, h, i, None)
                if h > g:  # swap a member of each
                    across = d[np.ix_(first, second)]
                    second_to_first = across.sum(axis=0)
                    second_to_second = d[np.ix_(second, second)].sum(axis=1)
                    new_first = p_first - to_first[:, None] + second_to_first[None, :] - across
                    new_second = p_second - second_to_second[None, :] + to_second[:, None] - across
                    after = 2 * new_first / max(len(first) - 1, 1) + 2 * new_second / max(
                        len(second) - 1, 1
                    )
                    i, j = np.unravel_index(np.argmin(after), after.shape)
                    if after[i, j] - before < best_change:
                        best_change, best_step = after[i, j] - before, ("swap", g, h, i, j)
        if best_step is None:
            break
        kind, g, h, i, j = best_step
        if kind == "move":
            groups[h].append(groups[g].pop(i))
        else:
            groups[g][i], groups[h][j] = groups[h][j], groups[g][i]
    return [np.sort(np.array(group)) for group in groups]


def phase_mix(group: pd.Series, lang: str = "de") -> str:
    """'2 in der Umsetzung, 1 noch in der Strategiephase'."""
    counts = pd.Series(group["phases"]).value_counts()
    return ", ".join(f"{n} {t(f'coop.phase_in.{phase}', lang)}" for phase, n in counts.items())


def describe_group(group: pd.Series, lang: str = "de") -> str:
    return t(
        "coop.group",
        lang,
        topic=t(f"topic.{group['topic']}", lang),
        members=join_words(group["members"], lang),
        mix=phase_mix(group, lang),
    )


# --- reference: all pairs in plain pandas -----------------------------------------------


def all_pairs_reference(network: Network, weights: Weights = Weights()) -> pd.DataFrame:
    """The same score over every pair, written plainly with pandas (for the benchmark and to
    check the fast engine). Quadratic: only for a few thousand members."""
    p = member_profiles(network)
    members = pd.DataFrame(
        {
            "m": range(p.n),
            "bits": p.topic_bits,
            "lat": p.lat,
            "lon": p.lon,
            "band": p.band,
            "rural": p.rural,
        }
    )
    pairs = members.merge(members, how="cross", suffixes=("_a", "_b"))
    pairs = pairs[pairs["m_a"] < pairs["m_b"]].reset_index(drop=True)
    w_topic = p.topic_weight
    shared = pairs["bits_a"] & pairs["bits_b"]
    union = pairs["bits_a"] | pairs["bits_b"]

    def weighted(mask: pd.Series) -> np.ndarray:
        bits = mask.to_numpy()
        return sum(((bits >> b) & 1) * w_topic[b] for b in range(N_TOPICS))

    pairs["topics"] = topic_part(weighted(shared), weighted(union))
    pairs["phase"] = phase_part(p.phase[pairs["m_a"]], p.phase[pairs["m_b"]], shared.to_numpy())
    pairs["distance_km"] = haversine_km(
        pairs["lat_a"], pairs["lon_a"], pairs["lat_b"], pairs["lon_b"]
    )
    pairs["proximity"] = np.exp(-pairs["distance_km"] / DISTANCE_SCALE_KM)
    same_band = (pairs["band_a"] == pairs["band_b"]) & (pairs["band_a"] != "")
    same_type = (pairs["rural_a"] == pairs["rural_b"]) & (pairs["rural_a"] >= 0)
    pairs["context"] = 0.5 * same_band + 0.5 * same_type
    pairs["score"] = weighted_score(pairs[list(PARTS)].to_numpy(), weights)
    pairs["shared_bits"] = shared
    keys = set(zip(p.existing_i.tolist(), p.existing_j.tolist(), strict=True))
    pairs["existing"] = [(a, b) in keys for a, b in zip(pairs["m_a"], pairs["m_b"], strict=True)]
    return pairs.rename(columns={"m_a": "i", "m_b": "j"})[
        ["i", "j", *PARTS, "score", "distance_km", "shared_bits", "existing"]
    ]


def reference_top_k(reference: pd.DataFrame, k: int) -> set[tuple[int, int]]:
    """Each member's k best new partners from the all-pairs table, as (i, j) pairs."""
    fresh = reference[~reference["existing"] & (reference["shared_bits"] > 0)]
    both = pd.concat(
        [
            fresh.assign(member=fresh["i"], partner=fresh["j"]),
            fresh.assign(member=fresh["j"], partner=fresh["i"]),
        ]
    )
    best = (
        both.sort_values(
            ["member", "score", "i", "j"], ascending=[True, False, True, True], kind="stable"
        )
        .groupby("member")
        .head(k)
    )
    return set(zip(best["i"], best["j"], strict=True))
