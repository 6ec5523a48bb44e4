"""How well the suggestions find real partners: leave-one-out on documented cooperations.

For every pair in benchmarks/ground_truth_cooperations.csv (both directions), everything
in the data that documents the cooperation is removed — the cooperation rows between the
two (a project stands for its members), every event both attended (the whole event), and
every cooperation row or event that cites the same page as these or as the ground-truth
row (for the 2022 visit: the Städtetag's row about initiating it too) — and the query
member's partners are ranked again. A pair inside one joint project cannot be left out
(the project is the link) and is skipped.

The lines of each table, all from the same run and the same queries:
- engine (CV by source, held-out): the honest figure. Weights are chosen by
  cross-validation, leaving out one source site at a time (pairs documented on one site —
  one partnership, one press release — stay together, so no weight is fitted to the pair
  it is judged on): for each site, weights are picked from a small grid on the pairs of
  all other sites and scored on that site's pairs; the held-out ranks are pooled.
- engine (defaults, not held out): the weights the app uses; they are what most folds
  chose, so they have seen every site.
- nearest by distance: the nearest members first.
- common partners in the data: only the number (weighted) of third parties both are
  linked to in the data — members, organisations, joint projects, events —, ties sharing
  their average place; "then nearest" breaks those ties by distance. What the engine adds
  beyond these lines is its own work.
- topic Jaccard, random (expected values): the weak baselines.

Tables: each pair left out on its own; stricter, every pair one source page documents
left out at once (the whole cooperation, so another partner of the same cooperation
cannot act as the shared partner; weights fitted again); the tighter kinds alone (taking
over a solution, a shared data platform, a joint project, a visit; the Netzwerk rows are
mostly regional networks expanded into all pairs) with the same ranks and no refit; per
kind of cooperation. Then the seed case: with the 2022 visit to Kalletal/Lemgo left out
(all its rows), where Kalletal and Lemgo rank for Wolfsburg, Hildesheim and Landkreis
Hameln-Pyrmont, with the reasons.

    python -m benchmarks.cooperation_quality
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pandas as pd

from atlas.cooperation import (
    DISTANCE_SCALE_KM,
    PARTS,
    Weights,
    mark_existing,
    member_profiles,
    partners_for,
    score_pairs,
    with_reasons,
)
from atlas.network import BUNDLED_DATA_DIR, Network
from atlas.source import open_network

GROUND_TRUTH = Path(__file__).resolve().parent / "ground_truth_cooperations.csv"
DAY = dt.date(2026, 11, 28)
SEEDS = ("wolfsburg", "hildesheim", "landkreis-hameln-pyrmont")
SEED_PARTNERS = ("kalletal", "lemgo")
# Proximity is held at 1 (the score is a weighted mean, only ratios count), so the other
# parts are weighed against it; the distance scale of the proximity part is chosen too.
GRID = {
    "measures": (0.0, 0.2, 0.4, 0.7, 1.0),
    "product": (0.0, 0.3, 0.6, 1.0),
    "direction": (0.0, 0.2),
    "proximity": (1.0,),
    "region": (0.0, 0.2, 0.4),
    "context": (0.0, 0.1),
    "topics": (0.0, 0.1),
    "phase": (0.0,),
    "partners": (0.0, 0.5, 1.0),
}
SCALES_KM = (30.0, 50.0, 100.0)
TIGHT_KINDS = ("Nachnutzung", "Gemeinsame Datenplattform", "Gemeinsames Projekt", "Besuch")


URL = re.compile(r"https?://[^\s;]+")


def urls(text) -> set[str]:
    """The page addresses a source cell cites (several are separated by ';')."""
    return {u.rstrip(").,") for u in URL.findall(text)} if isinstance(text, str) else set()


def without_link(network: Network, a: str, b: str, source: str = "") -> Network:
    """The network as if a and b had never met: every row that documents their cooperation
    is dropped — the cooperation rows between them (a project stands for its members), the
    events both attended (the whole event, every participant's link to it), and every
    cooperation row or event that cites the same page as one of these or as the
    ground-truth row (`source`): for the 2022 visit that is also the Städtetag's row about
    initiating it, so partners of partners cannot see the left-out visit."""
    members_of = dict(
        zip(network.projects["id"], network.projects["municipality_ids"], strict=True)
    )

    def covers(node, member) -> bool:
        return member in members_of.get(node, (node,))

    coops, events = network.cooperations, network.events
    link = np.array(
        [
            (covers(x, a) and covers(y, b)) or (covers(x, b) and covers(y, a))
            for x, y in zip(coops["a_id"], coops["b_id"], strict=True)
        ],
        dtype=bool,
    )

    def people(host, participants) -> set:
        found = {m for x in participants for m in members_of.get(x, (x,))}
        return found | ({host} if isinstance(host, str) else set())

    met = np.array(
        [
            {a, b} <= people(host, participants)
            for host, participants in zip(
                events["municipality_id"], events["participant_ids"], strict=True
            )
        ],
        dtype=bool,
    )
    pages = urls(source)
    for text in [*coops["source"][link], *events["source"][met]]:
        pages |= urls(text)
    link |= np.array([bool(urls(x) & pages) for x in coops["source"]], dtype=bool)
    met |= np.array([bool(urls(x) & pages) for x in events["source"]], dtype=bool)
    return network.with_tables(cooperations=coops[~link], events=events[~met])


@dataclass
class Query:
    member: str
    target: str
    fold: int
    kind: str
    parts: np.ndarray  # candidates x PARTS
    distance: np.ndarray
    jaccard: np.ndarray
    target_row: int


def _topics(network: Network, ids) -> dict:
    topics: dict[str, set] = {m: set() for m in ids}
    for ids_, ts in zip(
        network.projects["municipality_ids"], network.projects["topics"], strict=True
    ):
        for m in ids_:
            if m in topics:
                topics[m] |= set(ts)
    return topics


def build_query(net: Network, a: str, b: str, fold: int, kind: str = "") -> Query | None:
    """a's candidates in `net` (the network with the cooperation already left out), or None
    when a and b are still linked there (one joint project) or not both members."""
    p = member_profiles(net)
    where = {m: x for x, m in enumerate(p.ids)}
    if a not in where or b not in where:
        return None
    me = where[a]
    others = np.delete(np.arange(p.n), me)
    i, j = np.minimum(me, others), np.maximum(me, others)
    scored = mark_existing(p, score_pairs(p, i, j, Weights()))
    partner = np.where(scored["i"].to_numpy() == me, scored["j"], scored["i"])
    keep = ~scored["existing"].to_numpy()
    if where[b] not in set(partner[keep]):
        return None  # still linked (one joint project): nothing to leave out
    scored, partner = scored[keep], partner[keep]
    topics = _topics(net, p.ids)
    mine = topics[a]
    jaccard = np.array(
        [len(mine & topics[p.ids[x]]) / max(len(mine | topics[p.ids[x]]), 1) for x in partner]
    )
    return Query(
        a,
        b,
        fold,
        kind,
        scored[list(PARTS)].to_numpy(),
        scored["distance_km"].to_numpy(),
        jaccard,
        int(np.flatnonzero(partner == where[b])[0]),
    )


def rank_of(score: np.ndarray, target: int) -> float:
    """1-based rank of the target, ties sharing the average place."""
    above = np.count_nonzero(score > score[target])
    ties = np.count_nonzero(score == score[target]) - 1
    return 1 + above + ties / 2


def metrics(ranks: list[float]) -> dict:
    r = np.array(ranks, dtype=float)
    return {
        "recall@5": float(np.mean(r <= 5)),
        "recall@10": float(np.mean(r <= 10)),
        "MRR": float(np.mean(1 / r)),
    }


def engine_ranks(
    queries: list[Query], w: np.ndarray, scale: float = DISTANCE_SCALE_KM
) -> list[float]:
    return list(Stack(queries).ranks(w, scale))


class Stack:
    """All queries' candidates in one array, so a weighting is ranked in one pass."""

    def __init__(self, queries: list[Query]):
        self.n = len(queries)
        sizes = [len(q.distance) for q in queries]
        self.query = np.repeat(np.arange(self.n), sizes)
        self.target = np.r_[0, np.cumsum(sizes)[:-1]] + [q.target_row for q in queries]
        self.parts = np.vstack([q.parts for q in queries]) if queries else np.zeros((0, len(PARTS)))
        self.distance = np.concatenate([q.distance for q in queries]) if queries else np.zeros(0)
        self.near = PARTS.index("proximity")

    def at_scale(self, scale: float) -> np.ndarray:
        parts = self.parts.copy()
        parts[:, self.near] = np.exp(-self.distance / scale)
        return parts

    def ranks(self, w: np.ndarray, scale: float, parts: np.ndarray | None = None) -> np.ndarray:
        """1-based rank of each query's target, ties sharing the average place."""
        score = (self.at_scale(scale) if parts is None else parts) @ w
        at = score[self.target][self.query]
        above = np.bincount(self.query, weights=score > at, minlength=self.n)
        ties = np.bincount(self.query, weights=score == at, minlength=self.n) - 1
        return 1 + above + ties / 2


def random_metrics(queries: list[Query]) -> dict:
    """Expected values for a uniformly random order."""
    r5 = [min(5, len(q.distance)) / len(q.distance) for q in queries]
    r10 = [min(10, len(q.distance)) / len(q.distance) for q in queries]
    mrr = [np.mean(1 / np.arange(1, len(q.distance) + 1)) for q in queries]
    return {"recall@5": np.mean(r5), "recall@10": np.mean(r10), "MRR": float(np.mean(mrr))}


def fit(queries: list[Query]) -> tuple[np.ndarray, float]:
    """The grid weights and distance scale with the best recall@10 (then MRR) on these
    queries."""
    stack = Stack(queries)
    best, best_w = None, None
    for scale in SCALES_KM:
        parts = stack.at_scale(scale)
        for combo in itertools.product(*GRID.values()):
            w = np.array(combo)
            r = stack.ranks(w, scale, parts)
            key = (float(np.mean(r <= 10)), float(np.mean(1 / r)))
            if best is None or key > best:
                best, best_w = key, (w, scale)
    return best_w


def fit_folds(queries: list[Query]) -> dict[int, tuple[np.ndarray, float]]:
    """`fit` on every fold's training queries (all other folds), for all folds in one pass
    over the grid: a weighting ranks each query the same whichever fold is held out, so
    each fold's training figures are the totals minus its own. Picks what `fit` picks."""
    stack = Stack(queries)
    fold = np.array([q.fold for q in queries])
    folds = np.unique(fold)
    size = np.array([np.count_nonzero(fold != f) for f in folds], dtype=float)
    best: dict[int, tuple] = {}
    chosen: dict[int, tuple[np.ndarray, float]] = {}
    for scale in SCALES_KM:
        parts = stack.at_scale(scale)
        for combo in itertools.product(*GRID.values()):
            w = np.array(combo)
            r = stack.ranks(w, scale, parts)
            hits = np.bincount(fold, weights=r <= 10, minlength=folds.max() + 1)[folds]
            inverse = np.bincount(fold, weights=1 / r, minlength=folds.max() + 1)[folds]
            recall = (np.count_nonzero(r <= 10) - hits) / size
            mrr = (np.sum(1 / r) - inverse) / size
            for k, f in enumerate(folds.tolist()):
                key = (float(recall[k]), float(mrr[k]))
                if f not in best or key > best[f]:
                    best[f], chosen[f] = key, (w, scale)
    return chosen


def rank_then(primary: np.ndarray, secondary: np.ndarray, target: int) -> float:
    """1-based rank by `primary`, ties broken by `secondary`, remaining ties averaged."""
    p, s = primary[target], secondary[target]
    above = np.count_nonzero((primary > p) | ((primary == p) & (secondary > s)))
    ties = np.count_nonzero((primary == p) & (secondary == s)) - 1
    return 1 + above + ties / 2


HELD_OUT = "engine (CV by source, held-out)"
DEFAULTS = "engine (defaults, not held out)"


def all_ranks(queries: list[Query]) -> tuple[dict[str, np.ndarray], dict]:
    """Every method's rank of the real partner, per query, and the weights each fold chose."""
    default = np.array([getattr(Weights(), f.name) for f in fields(Weights)])
    chosen = fit_folds(queries)
    held_out = np.zeros(len(queries))
    for fold, (w, scale) in chosen.items():
        test = [x for x, q in enumerate(queries) if q.fold == fold]
        held_out[test] = engine_ranks([queries[x] for x in test], w, scale)
    common = PARTS.index("partners")
    ranks = {
        HELD_OUT: held_out,
        DEFAULTS: np.array(engine_ranks(queries, default)),
        "nearest by distance": np.array([rank_of(-q.distance, q.target_row) for q in queries]),
        "common partners in the data": np.array(
            [rank_of(q.parts[:, common], q.target_row) for q in queries]
        ),
        "common partners, then nearest": np.array(
            [rank_then(q.parts[:, common], -q.distance, q.target_row) for q in queries]
        ),
        "topic Jaccard": np.array([rank_of(q.jaccard, q.target_row) for q in queries]),
    }
    return ranks, chosen


def print_table(table: dict) -> None:
    print(f"{'method':32} {'recall@5':>9} {'recall@10':>10} {'MRR':>6}")
    for name, m in table.items():
        print(f"{name:32} {m['recall@5']:9.2f} {m['recall@10']:10.2f} {m['MRR']:6.2f}")


def print_results(queries: list[Query], ranks: dict, keep: np.ndarray | None = None) -> None:
    """The table of every method (on the queries `keep` marks) and the ratio to nearest."""
    keep = np.ones(len(queries), dtype=bool) if keep is None else keep
    table = {name: metrics(list(r[keep])) for name, r in ranks.items()}
    table["random (expected)"] = random_metrics(
        [q for q, k in zip(queries, keep, strict=True) if k]
    )
    print_table(table)
    near = table["nearest by distance"]["recall@10"]
    for name in (HELD_OUT, DEFAULTS):
        ratio = table[name]["recall@10"] / near if near else float("inf")
        print(f"{name}: recall@10 {ratio:.2f}x the nearest baseline")


def pair_queries(network: Network, truth: pd.DataFrame, fold_of: dict) -> tuple[list, int]:
    """Leave one pair out at a time (both directions), with everything documenting it."""
    queries, skipped = [], 0
    for row in truth.itertuples():
        net = without_link(network, row.a_id, row.b_id, row.source)
        for a, b in ((row.a_id, row.b_id), (row.b_id, row.a_id)):
            q = build_query(net, a, b, fold_of[row.source], row.kind)
            if q is None:
                skipped += 1
            else:
                queries.append(q)
    return queries, skipped


def page_queries(network: Network, truth: pd.DataFrame, fold_of: dict) -> list[Query]:
    """Stricter: leave out every pair one source page documents at once (the whole
    cooperation), so the other partners of the same cooperation cannot act as shared
    partners; then rank each of its pairs."""
    queries = []
    for source, rows in truth.groupby("source", sort=False):
        net = network
        for row in rows.itertuples():
            net = without_link(net, row.a_id, row.b_id, source)
        for row in rows.itertuples():
            for a, b in ((row.a_id, row.b_id), (row.b_id, row.a_id)):
                q = build_query(net, a, b, fold_of[source], row.kind)
                if q is not None:
                    queries.append(q)
    return queries


def main() -> None:
    network = open_network(BUNDLED_DATA_DIR, DAY)
    truth = pd.read_csv(GROUND_TRUTH, dtype=str).fillna("")
    sites = sorted({urlparse(s).netloc or s for s in truth["source"]})
    fold_of = {s: sites.index(urlparse(s).netloc or s) for s in truth["source"]}
    queries, skipped = pair_queries(network, truth, fold_of)
    ranks, chosen = all_ranks(queries)
    kinds = np.array([q.kind for q in queries])
    print(f"ground truth: {len(truth)} pairs, {len(queries)} queries, {skipped} skipped")
    print("each pair left out on its own (with every row that documents it)")
    print_results(queries, ranks)
    strict = page_queries(network, truth, fold_of)
    strict_ranks, _ = all_ranks(strict)
    print(
        f"\nstricter: every pair of the same source page left out at once ({len(strict)} "
        "queries, weights fitted again by source)"
    )
    print_results(strict, strict_ranks)
    tight = np.isin(kinds, TIGHT_KINDS)
    print(
        f"\nonly the tighter kinds ({', '.join(TIGHT_KINDS)}; {tight.sum()} of "
        f"{len(queries)} queries, each pair left out on its own, same ranks, no refit)"
    )
    print_results(queries, ranks, tight)
    print("\nrecall@10 per kind of cooperation (queries: both directions of each pair)")
    names = [HELD_OUT, DEFAULTS, "nearest by distance", "common partners in the data"]
    short = ("engine CV", "engine default", "nearest", "common partners")
    print(f"{'kind':28} {'queries':>7} " + " ".join(f"{n:>15}" for n in short))
    for kind in pd.Series(kinds).value_counts().index:
        at = kinds == kind
        cells = " ".join(f"{np.mean(ranks[n][at] <= 10):15.2f}" for n in names)
        print(f"{kind:28} {at.sum():7d} {cells}")
    for fold, (w, scale) in sorted(chosen.items()):
        fitted = ", ".join(f"{p}={x:g}" for p, x in zip(PARTS, w, strict=True))
        print(f"fitted without {sites[fold]}: {fitted}, distance scale {scale:g} km")
    print("\nseed case: the 2022 visit left out (all its rows), default weights")
    for member in SEEDS:
        net = network
        for partner in SEED_PARTNERS:
            row = truth[(truth["a_id"] == member) & (truth["b_id"] == partner)]
            net = without_link(net, member, partner, row["source"].iloc[0] if len(row) else "")
        ranked = with_reasons(partners_for(net, member, Weights(), limit=200), Weights())
        fresh = ranked[~ranked["existing"]].reset_index(drop=True)
        for partner in SEED_PARTNERS:
            hit = fresh.index[fresh["b_id"] == partner]
            if len(hit):
                print(f"{member} -> {partner}: rank {hit[0] + 1}: {fresh.at[hit[0], 'reason']}")
            else:
                print(f"{member} -> {partner}: not ranked")


if __name__ == "__main__":
    main()
