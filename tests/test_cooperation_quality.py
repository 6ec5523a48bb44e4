"""The evaluation's ranking: all queries ranked in one pass agree with one query at a time."""

from __future__ import annotations

import numpy as np
import pytest

from atlas.cooperation import PARTS
from benchmarks import cooperation_quality as quality
from benchmarks.cooperation_quality import (
    Query,
    Stack,
    fit,
    fit_folds,
    metrics,
    rank_of,
    rank_then,
    without_link,
)


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
    w = np.array([0.2, 1, 0, 1, 0.2, 0.1, 0.1, 0, 0.5][: len(PARTS)])
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


def test_fitting_all_folds_in_one_pass_picks_what_each_fold_fit_picks(monkeypatch):
    monkeypatch.setattr(
        quality,
        "GRID",
        {p: (0.0, 0.5, 1.0) if p in ("measures", "partners", "region") else (1.0,) for p in PARTS},
    )
    monkeypatch.setattr(quality, "SCALES_KM", (30.0, 100.0))
    rng = np.random.default_rng(1)
    queries = []
    for k in range(24):
        size = int(rng.integers(4, 30))
        parts = rng.integers(0, 4, size=(size, len(PARTS))) / 3
        q = query(parts, rng.uniform(5, 400, size), int(rng.integers(0, size)))
        q.fold = k % 4
        queries.append(q)
    chosen = fit_folds(queries)
    assert sorted(chosen) == [0, 1, 2, 3]
    for fold, (w, scale) in chosen.items():
        expected_w, expected_scale = fit([q for q in queries if q.fold != fold])
        assert np.array_equal(w, expected_w) and scale == expected_scale


@pytest.mark.parametrize(
    ("primary", "secondary", "target", "expected"),
    [
        ([1, 0, 0, 0], [0, 3, 2, 1], 0, 1.0),  # the primary decides first
        ([1, 0, 0, 0], [0, 3, 2, 1], 2, 3.0),  # then the secondary among equals
        ([0, 0, 0], [1, 1, 0], 1, 1.5),  # equal in both: the average place
    ],
)
def test_rank_then(primary, secondary, target, expected):
    assert rank_then(np.array(primary), np.array(secondary), target) == expected


VISIT = (
    "https://www.digital-interkommunal.de/pressemitteilungen/"
    "09-06-2022-niedersaechsische-smart-cities-zu-besuch-bei-digital-interkommunal/"
)


def test_leaving_out_the_visit_removes_every_row_that_documents_it():
    """Hildesheim and Lemgo left out: the whole 2022 visit goes (the event, the visitors'
    rows and the Städtetag's row about initiating it), other rows stay."""
    import datetime as dt

    from atlas.cooperation import member_profiles
    from atlas.network import BUNDLED_DATA_DIR
    from atlas.source import open_network

    network = open_network(BUNDLED_DATA_DIR, dt.date(2026, 11, 28))
    net = without_link(network, "hildesheim", "lemgo", VISIT)
    assert not net.cooperations["source"].str.contains("digital-interkommunal").any()
    assert not (net.events["id"] == "besuch-digital-interkommunal-2022-06").any()
    removed = set(network.cooperations["id"]) - set(net.cooperations["id"])
    assert "besuch-nst-mpsc-2020-kalletal" in removed
    assert "unterstuetzung-nst-mpsc-2021-hildesheim" not in removed  # another cooperation
    assert len(network.events) - len(net.events) == 1
    p = member_profiles(net)
    h, lemgo = (int(np.flatnonzero(p.ids == m)[0]) for m in ("hildesheim", "lemgo"))
    mine = set(p.links.indices[p.links.indptr[h] : p.links.indptr[h + 1]])
    theirs = set(p.links.indices[p.links.indptr[lemgo] : p.links.indptr[lemgo + 1]])
    assert not mine & theirs  # nothing left that both are linked to
