"""Who should work with whom, and why: explainable partner suggestions between members.

A member's profile is built from its projects (a project with several participants counts
for each): the topics it works on, how far it is in each (the most advanced phase of its
projects with that topic), where it is, and what kind of place it is. A pair's score is a
weighted mean of four parts, each in [0, 1]:

- topics: shared topics weighted by rarity (IDF, log(N/df)): half the weighted overlap
  (shared / all topics of the two), half how much is shared at all (1 - exp(-shared
  weight)), so sharing a topic few members have says more than sharing Mobilität, which
  almost everyone has, even when that is all two members work on;
- phase: the share of shared topics in which one of the two is further along (one is
  implementing or done where the other is still in strategy), so it can pass on lessons;
- proximity: exp(-distance / 100 km): near enough to share services or meet easily;
- context: same size class and same settlement type (rural/urban), since rural places
  learn most from rural places.

Pairs that already work together (a joint project, a known cooperation, a shared meeting)
are marked as existing and never suggested. Candidates come from each member's spatial
neighbourhood and from its neighbours within each of its topics, not from all pairs.
The reasons are worded from the same numbers that made the score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from atlas.network import Network
from atlas.schema import TOPICS
from atlas.text import join_words, t

PHASE_LEVEL = {"Strategie": 1, "Umsetzung": 2, "Verlängerung": 3, "Abgeschlossen": 3}
LEVEL_PHASE = {1: "Strategie", 2: "Umsetzung", 3: "Abgeschlossen"}
DISTANCE_SCALE_KM = 100.0
EARTH_RADIUS_KM = 6371.0
RURAL_KINDS = {"Gemeinde", "Landkreis", "Verband"}
RURAL_SIZES = {"Kleinstadt/Landgemeinde", "Interkommunal/Landkreis"}
PARTS = ("topics", "phase", "proximity", "context")


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
    phase: np.ndarray  # (n, len(TOPICS)) int8: 0 unknown, 1 strategy, 2 implementation, 3 done
    lat: np.ndarray
    lon: np.ndarray
    size_class: np.ndarray
    rural: np.ndarray  # 1 rural, 0 urban, -1 unknown
    topic_weight: np.ndarray  # IDF weight per topic
    existing: set[tuple[int, int]]  # pairs (i < j) that already work together

    @property
    def n(self) -> int:
        return len(self.ids)


# --- profiles ---------------------------------------------------------------------------


def member_profiles(network: Network) -> Profiles:
    munis = network.municipalities.dropna(subset=["lat", "lon"]).reset_index(drop=True)
    index = {mid: i for i, mid in enumerate(munis["id"])}
    n, topic_index = len(munis), {topic: b for b, topic in enumerate(TOPICS)}
    bits = np.zeros(n, dtype=np.int64)
    phase = np.zeros((n, len(TOPICS)), dtype=np.int8)
    sizes: list[dict[str, int]] = [{} for _ in range(n)]
    projects = network.projects
    for ids, topics, level, size in zip(
        projects["municipality_ids"],
        projects["topics"],
        projects["phase_now"].map(PHASE_LEVEL).fillna(0).astype(int),
        projects["size_class"].fillna(""),
        strict=True,
    ):
        for mid in ids:
            i = index.get(mid)
            if i is None:
                continue
            if size:
                sizes[i][size] = sizes[i].get(size, 0) + 1
            for topic in topics:
                b = topic_index.get(topic)
                if b is not None:
                    bits[i] |= 1 << b
                    phase[i, b] = max(phase[i, b], level)
    size_class = np.array([max(s, key=s.get) if s else "" for s in sizes], dtype=object)
    return Profiles(
        ids=munis["id"].to_numpy(dtype=object),
        names=munis["name"].to_numpy(dtype=object),
        topic_bits=bits,
        phase=phase,
        lat=munis["lat"].to_numpy(dtype=float),
        lon=munis["lon"].to_numpy(dtype=float),
        size_class=size_class,
        rural=_rural(munis["kind"].to_numpy(dtype=object), size_class),
        topic_weight=_idf(bits, n),
        existing=existing_pairs(network, index),
    )


def _rural(kinds: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    rural = np.full(len(kinds), -1, dtype=np.int8)
    for i, (kind, size) in enumerate(zip(kinds, sizes, strict=True)):
        if size:
            rural[i] = 1 if size in RURAL_SIZES else 0
        elif kind:
            rural[i] = 1 if kind in RURAL_KINDS else 0
    return rural


def _idf(bits: np.ndarray, n: int) -> np.ndarray:
    """log(N / df) + 0.1: rare topics weigh most; a topic everyone has still counts a little."""
    df = np.array([np.count_nonzero(bits & (1 << b)) for b in range(len(TOPICS))], dtype=float)
    return np.where(df > 0, np.log(max(n, 1) / np.maximum(df, 1)) + 0.1, 0.0)


def existing_pairs(network: Network, index: dict[str, int]) -> set[tuple[int, int]]:
    """Member pairs already linked: joint projects, known cooperations (a project stands for
    its members, an organisation for no one), and meetings both attended."""
    members_of = dict(
        zip(network.projects["id"], network.projects["municipality_ids"], strict=True)
    )

    def as_members(node: str) -> list[int]:
        ids = members_of.get(node, (node,))
        return [index[m] for m in ids if m in index]

    pairs: set[tuple[int, int]] = set()

    def link(group: list[int]) -> None:
        for a in group:
            for b in group:
                if a < b:
                    pairs.add((a, b))

    for ids in network.projects["municipality_ids"]:
        link([index[m] for m in ids if m in index])
    for a, b in zip(network.cooperations["a_id"], network.cooperations["b_id"], strict=True):
        for x in as_members(a):
            for y in as_members(b):
                if x != y:
                    pairs.add((min(x, y), max(x, y)))
    for host, participants in zip(
        network.events["municipality_id"], network.events["participant_ids"], strict=True
    ):
        group = {m for node in participants for m in as_members(node)}
        if host in index and participants:
            group.add(index[host])
        link(sorted(group))
    return pairs


# --- candidates and scores --------------------------------------------------------------


def _xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on the unit sphere, so Euclidean neighbours are great-circle neighbours."""
    lat, lon = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def candidate_pairs(
    p: Profiles, k_near: int = 25, k_topic: int = 15
) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) with i < j: each member's nearest members, and its nearest members within each
    of its topics (for a rare topic that is everyone who has it, however far)."""
    if p.n < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    points = _xyz(p.lat, p.lon)
    everyone = np.arange(p.n)
    chunks = [_knn_pairs(cKDTree(points), points, everyone, k_near, p.n)]
    for b in range(len(TOPICS)):
        having = np.flatnonzero(p.topic_bits & (1 << b))
        if len(having) > 1:
            chunks.append(_knn_pairs(cKDTree(points[having]), points[having], having, k_topic, p.n))
    pairs = np.sort(np.concatenate(chunks))
    pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]  # unique, already sorted
    return pairs // p.n, pairs % p.n


def _knn_pairs(tree, points: np.ndarray, ids: np.ndarray, k: int, n: int) -> np.ndarray:
    """Pair keys i * n + j (i < j) for each point and its k nearest points in the tree."""
    k = min(k + 1, len(ids))
    _, neighbours = tree.query(points, k=k, workers=-1)
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
    same_size = (p.size_class[i] == p.size_class[j]) & (p.size_class[i] != "")
    same_type = (p.rural[i] == p.rural[j]) & (p.rural[i] >= 0)
    context = 0.5 * same_size + 0.5 * same_type
    parts = np.column_stack([topics, phase, proximity, context])
    w = weights.as_array()
    score = parts @ w / w.sum() if w.sum() > 0 else np.zeros(len(i))
    frame = pd.DataFrame(parts, columns=list(PARTS))
    frame.insert(0, "j", j)
    frame.insert(0, "i", i)
    frame["score"] = score
    frame["distance_km"] = distance
    frame["shared_bits"] = shared
    return frame


def topic_part(shared_weight, union_weight):
    """Half weighted overlap, half absolute amount of shared (rare) topics."""
    shared_weight = np.asarray(shared_weight, dtype=float)
    union_weight = np.asarray(union_weight, dtype=float)
    overlap = np.divide(
        shared_weight, union_weight, out=np.zeros(len(shared_weight)), where=union_weight > 0
    )
    return 0.5 * overlap + 0.5 * (1 - np.exp(-shared_weight))


def phase_part(phase_a: np.ndarray, phase_b: np.ndarray, shared: np.ndarray) -> np.ndarray:
    """Share of shared topics (with known phases on both sides) where one is further along."""
    bits = (shared[:, None] >> np.arange(phase_a.shape[1])) & 1
    known = bits.astype(bool) & (phase_a > 0) & (phase_b > 0)
    differs = known & (phase_a != phase_b)
    count = bits.sum(axis=1)
    return np.divide(differs.sum(axis=1), count, out=np.zeros(len(shared)), where=count > 0)


def mark_existing(p: Profiles, frame: pd.DataFrame) -> pd.DataFrame:
    keys = np.fromiter((a * p.n + b for a, b in p.existing), dtype=np.int64, count=len(p.existing))
    frame["existing"] = np.isin(frame["i"].to_numpy() * p.n + frame["j"].to_numpy(), keys)
    return frame


def top_k_per_member(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """Each member's k best partners (a pair appears once per side it is chosen from)."""
    both = pd.concat(
        [
            frame.rename(columns={"i": "member", "j": "partner"}),
            frame.rename(columns={"j": "member", "i": "partner"}),
        ],
        ignore_index=True,
    )
    both = both.sort_values(["member", "score"], ascending=[True, False], kind="stable")
    return both.groupby("member", sort=False).head(k).reset_index(drop=True)


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
    fresh = scored[~scored["existing"] & (scored["shared_bits"] > 0)]
    best = top_k_per_member(fresh, top_k)
    lo = np.minimum(best["member"].to_numpy(), best["partner"].to_numpy())
    hi = np.maximum(best["member"].to_numpy(), best["partner"].to_numpy())
    chosen = fresh[np.isin(fresh["i"].to_numpy() * p.n + fresh["j"].to_numpy(), lo * p.n + hi)]
    chosen = chosen.sort_values("score", ascending=False, kind="stable")
    if max_per_member:
        chosen = _spread(chosen, max_per_member)
    return _labelled(p, chosen)


def _spread(ranked: pd.DataFrame, limit: int) -> pd.DataFrame:
    seen: dict[int, int] = {}
    keep = []
    for a, b in zip(ranked["i"], ranked["j"], strict=True):
        ok = seen.get(a, 0) < limit and seen.get(b, 0) < limit
        keep.append(ok)
        if ok:
            seen[a], seen[b] = seen.get(a, 0) + 1, seen.get(b, 0) + 1
    return ranked[keep]


def partners_for(
    network: Network, municipality_id: str, weights: Weights = Weights(), limit: int = 10
) -> pd.DataFrame:
    """Ranked partners for one member, scored against every other member (existing links
    included and marked, so the finder can show them apart)."""
    p = member_profiles(network)
    where = np.flatnonzero(p.ids == municipality_id)
    if len(where) == 0:
        return _labelled(
            p, score_pairs(p, np.empty(0, int), np.empty(0, int), weights).assign(existing=False)
        )
    me = int(where[0])
    others = np.array([x for x in range(p.n) if x != me], dtype=np.int64)
    i, j = np.minimum(me, others), np.maximum(me, others)
    scored = mark_existing(p, score_pairs(p, i, j, weights))
    scored = scored[scored["shared_bits"] > 0].sort_values("score", ascending=False, kind="stable")
    labelled = _labelled(p, scored.head(limit))
    # orient each row from the chosen member's side
    flip = labelled["a_id"] != municipality_id
    for left, right in (("a_id", "b_id"), ("a_name", "b_name"), ("a_phase", "b_phase")):
        labelled.loc[flip, [left, right]] = labelled.loc[flip, [right, left]].to_numpy()
    return labelled


def _labelled(p: Profiles, frame: pd.DataFrame) -> pd.DataFrame:
    """Ids, names, shared topics (rarest first) and the phases the reasons mention."""
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
    return out


def _leading_difference(p: Profiles, i, j, shared, rarity) -> tuple[list[str], list[str]]:
    """Both members' phases in the rarest shared topic where they differ ("" if none)."""
    pa, pb = p.phase[i][:, rarity], p.phase[j][:, rarity]
    bits = ((shared[:, None] >> rarity) & 1).astype(bool)
    differ = bits & (pa > 0) & (pb > 0) & (pa != pb)
    first = differ.argmax(axis=1)
    found = differ.any(axis=1)
    rows = np.arange(len(i))
    a = [LEVEL_PHASE[int(x)] if ok else "" for x, ok in zip(pa[rows, first], found, strict=True)]
    b = [LEVEL_PHASE[int(x)] if ok else "" for x, ok in zip(pb[rows, first], found, strict=True)]
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
        ahead_first = PHASE_LEVEL[row["a_phase"]] > PHASE_LEVEL[row["b_phase"]]
        ahead, behind = ("a", "b") if ahead_first else ("b", "a")
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
        pieces.append(
            t(
                "coop.reason.context_full" if row["context"] >= 1 else "coop.reason.context_half",
                lang,
            )
        )
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
    together, every member in at most `max_per_member` groups. Rarer topics first, since
    they are where members find each other least on their own."""
    p = member_profiles(network)
    used = np.zeros(p.n, dtype=int)
    rows = []
    for b in np.argsort(-p.topic_weight, kind="stable"):
        having = [x for x in np.flatnonzero(p.topic_bits & (1 << b)) if used[x] < max_per_member]
        if len(having) < min_size:
            continue
        having.sort(
            key=lambda x: (round(p.lat[x], 1), p.lon[x])
        )  # north to south: neighbours together
        n_groups = math.ceil(len(having) / max_size)
        for chunk in np.array_split(np.array(having), n_groups):
            if len(chunk) < min_size or len(rows) >= max_groups:
                continue
            used[chunk] += 1
            phases = [LEVEL_PHASE.get(int(p.phase[x, b]), "Unbekannt") for x in chunk]
            rows.append(
                {
                    "topic": TOPICS[b],
                    "member_ids": tuple(p.ids[chunk]),
                    "members": tuple(p.names[chunk]),
                    "phases": tuple(phases),
                }
            )
    return pd.DataFrame(rows, columns=["topic", "member_ids", "members", "phases"])


def describe_group(group: pd.Series, lang: str = "de") -> str:
    counts = pd.Series(group["phases"]).value_counts()
    mix = [f"{n} {t(f'coop.phase_in.{phase}', lang)}" for phase, n in counts.items()]
    return t(
        "coop.group",
        lang,
        topic=t(f"topic.{group['topic']}", lang),
        members=join_words(group["members"], lang),
        mix=", ".join(mix),
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
            "size": p.size_class,
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
        return sum(((bits >> b) & 1) * w_topic[b] for b in range(len(TOPICS)))

    pairs["topics"] = topic_part(weighted(shared), weighted(union))
    pairs["phase"] = phase_part(p.phase[pairs["m_a"]], p.phase[pairs["m_b"]], shared.to_numpy())
    pairs["distance_km"] = haversine_km(
        pairs["lat_a"], pairs["lon_a"], pairs["lat_b"], pairs["lon_b"]
    )
    pairs["proximity"] = np.exp(-pairs["distance_km"] / DISTANCE_SCALE_KM)
    same_size = (pairs["size_a"] == pairs["size_b"]) & (pairs["size_a"] != "")
    same_type = (pairs["rural_a"] == pairs["rural_b"]) & (pairs["rural_a"] >= 0)
    pairs["context"] = 0.5 * same_size + 0.5 * same_type
    w = weights.as_array()
    pairs["score"] = pairs[list(PARTS)].to_numpy() @ w / w.sum()
    return pairs.rename(columns={"m_a": "i", "m_b": "j"})[
        ["i", "j", *PARTS, "score", "distance_km"]
    ]


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
        [partners_for(network, m, weights, limit=limit + len(own)) for m in own], ignore_index=True
    )
    ranked = ranked[~ranked["b_id"].isin(own)].sort_values("score", ascending=False, kind="stable")
    return ranked.drop_duplicates("b_id").head(limit).reset_index(drop=True)
