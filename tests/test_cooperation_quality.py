"""The evaluation's ranking: all queries ranked in one pass agree with one query at a time."""

from __future__ import annotations

import numpy as np
import pytest

from atlas.cooperation import PARTS
from benchmarks.cooperation_quality import Query, Stack, metrics, rank_of


def query(parts, distance, target) -> Query:
    parts = np.asarray(parts, dtype=float)
    return Query(
        "a", "b", 0, "Besuch", parts, np.asarray(distance, float), np.zeros(len(parts)), target
    )


def one_part(values, part: str) -> np.ndarray:
    parts = np.zeros((len(values), len(PARTS)))
    parts[:, PARTS.index(part)] = values
    return parts


@pytest.mark.parametrize(
    ("scores", "target", "expected"),
    [
        ([0.9, 0.5, 0.1], 0, 1.0),  # best
        ([0.9, 0.5, 0.1], 2, 3.0),  # worst
        ([0.5, 0.5, 0.1], 1, 1.5),  # a tie shares the average place
        ([0.5, 0.5, 0.5, 0.5], 3, 2.5),
    ],
)
def test_rank_of(scores, target, expected):
    assert rank_of(np.array(scores), target) == expected


def test_stacked_ranks_equal_one_query_at_a_time():
    rng = np.random.default_rng(0)
    queries = []
    for size, target in ((5, 0), (8, 7), (3, 1), (12, 4)):
        parts = rng.integers(0, 3, size=(size, len(PARTS))) / 2  # ties on purpose
        queries.append(query(parts, rng.uniform(5, 400, size), target))
    w = np.array([0.2, 1, 0, 1, 0.2, 0.1, 0.1, 0][: len(PARTS)])
    near = PARTS.index("proximity")
    for scale in (30.0, 100.0):
        expected = []
        for q in queries:
            parts = q.parts.copy()
            parts[:, near] = np.exp(-q.distance / scale)
            expected.append(rank_of(parts @ w, q.target_row))
        assert np.allclose(Stack(queries).ranks(w, scale), expected)


def test_proximity_alone_ranks_by_distance():
    """With only proximity weighted, the engine's rank is the nearest-members rank."""
    q = query(one_part([0, 0, 0, 0], "measures"), [50, 10, 200, 30], 3)
    w = np.zeros(len(PARTS))
    w[PARTS.index("proximity")] = 1
    assert Stack([q]).ranks(w, 30.0)[0] == rank_of(-q.distance, q.target_row) == 2


def test_metrics():
    m = metrics([1, 4, 10, 11])
    assert m["recall@5"] == 0.5 and m["recall@10"] == 0.75
    assert np.isclose(m["MRR"], np.mean([1, 1 / 4, 1 / 10, 1 / 11]))
