"""Who should work with whom, and why: explainable partner suggestions between members.

A member's profile is built from its projects (a project with several participants counts
for each): the concrete measures it builds or runs (the `measures` table; without one,
its projects' keywords mapped onto the measure vocabulary, status unknown), how far it is
with each (geplant < in Umsetzung < in Betrieb = abgeschlossen), the products it uses, its
topics and project phases, where it is and what kind of place it is. A pair's score is a
weighted mean of nine parts, each in [0, 1]:

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
- phase: the share of shared topics in which one member's project is further along;
- partners: partners of partners — the third parties (members, organisations such as an
  association supporting several members) both are linked to in the data through
  cooperations, joint projects and events, each weighted 1 / log2(its links), so a partner
  of two counts 1 and an umbrella body linked to everyone little; 1 - exp(-sum).

Pairs that already work together (a joint project, a known cooperation, a shared meeting)
are marked as existing and never suggested; the finder lists them apart. Candidates come
from each member's spatial neighbourhood and from its nearest neighbours on each of its
products (also within its state), measures, its state, its partners' partners and, without
measures, its topics, not from all pairs (a network below 1,500 members is scored on all
pairs). The code is split by what it holds: profiles (atlas.cooperation_profiles), the
score (atlas.cooperation_scoring) and the words (atlas.cooperation_reasons); this module
keeps the entry points and re-exports the rest. The reasons are worded from the same numbers that
made the score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from atlas.cooperation_profiles import (  # noqa: F401 (re-exported: pages, benchmarks and meetings import them from here)
    CODE_PHASE,
    MAX_PRODUCTS,
    N_MEASURES,
    N_TOPICS,
    PHASE_CODE,
    PRODUCT_BONUS,
    RANK,
    REGIONAL_KINDS,
    RURAL_KINDS,
    RURAL_SIZES,
    Profiles,
    existing_links,
    existing_pairs,
    link_groups,
    link_profile,
    measure_profile,
    member_profiles,
    settlement_type,
    size_bands,
    topic_mask,
    weighted_popcount,
)
from atlas.cooperation_reasons import (  # noqa: F401 (re-exported: pages, benchmarks and meetings import them from here)
    _labelled,
    measure_list,
    measure_reason,
    reason,
    reason_source,
    status_words,
    with_measures,
    with_reasons,
)
from atlas.cooperation_scoring import (  # noqa: F401 (re-exported: pages, benchmarks and meetings import them from here)
    DISTANCE_SCALE_KM,
    EARTH_RADIUS_KM,
    PARTS,
    Weights,
    _related,
    ahead_bits,
    candidate_pairs,
    context_part,
    direction_part,
    haversine_km,
    mark_existing,
    measure_part,
    partner_part,
    phase_part,
    product_part,
    proximity_part,
    region_part,
    score_pairs,
    shared_link_weight,
    top_k_per_member,
    topic_part,
    weighted_score,
)
from atlas.network import Network

DEFAULT_WEIGHTS = Weights()


def suggestions(
    network: Network,
    weights: Weights = DEFAULT_WEIGHTS,
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


def best_pair_score(network: Network, weights: Weights = DEFAULT_WEIGHTS) -> float:
    """The highest score any new pair of the network reaches (0 without one). Scores are
    shown as a share of it: a weighted mean of nine parts rarely comes near 1, so the raw
    number reads as a poor fit even for the best pair there is."""
    p = member_profiles(network)
    i, j = candidate_pairs(p)
    scored = mark_existing(p, score_pairs(p, i, j, weights))
    fresh = scored["score"][~scored["existing"] & _related(scored)]
    return float(fresh.max()) if len(fresh) else 0.0


def relative_fit(scores, best: float) -> np.ndarray:
    """Scores in whole percent of `best` (100 % = as good as the network's best pair),
    at most 100 (a member scored against the whole network can beat the filtered best)."""
    scores = np.asarray(scores, dtype=float)
    if best <= 0:
        return np.zeros(len(scores), dtype=int)
    return np.clip(np.round(scores / best * 100), 0, 100).astype(int)


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
    network: Network, municipality_id: str, weights: Weights = DEFAULT_WEIGHTS, limit: int = 10
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
    network: Network, project_id: str, weights: Weights = DEFAULT_WEIGHTS, limit: int = 10
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
