"""How well a suggestion fits, as people read it: in percent of the network's best new
pair, so the best partner there is reads 100 % rather than a third."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from atlas.cooperation import Weights, best_pair_score, partners_for, relative_fit, suggestions
from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from tests.apptest import run_app


@pytest.mark.parametrize(
    ("scores", "best", "expected"),
    [
        ([0.33, 0.165, 0.0], 0.33, [100, 50, 0]),  # the best pair reads 100 %
        ([0.2, 0.1], 0.4, [50, 25]),
        ([0.5], 0.4, [100]),  # scored beyond the filtered network: never above 100
        ([0.3, 0.1], 0.0, [0, 0]),  # no pair at all: nothing to compare with
        ([0.1234], 0.3, [41]),  # whole percent
    ],
)
def test_relative_fit(scores, best, expected):
    assert relative_fit(scores, best).tolist() == expected


@pytest.fixture(scope="module")
def bundled():
    return open_network(BUNDLED_DATA_DIR, dt.date(2026, 11, 28))


@pytest.mark.parametrize("weights", [Weights(), Weights(proximity=0, product=0, measures=1)])
def test_best_pair_is_the_top_suggestion(bundled, weights):
    ranked = suggestions(bundled, weights, top_k=1)
    best = best_pair_score(bundled, weights)
    assert np.isclose(best, ranked["score"].max())
    assert 0 < best < 1  # a weighted mean of nine parts: the raw best is far from 100 %


def test_finder_shows_the_fit_in_percent_of_the_best_pair(monkeypatch, bundled):
    at = run_app(monkeypatch, page="cooperation", params={"partner": "wolfsburg"})
    assert not at.exception
    fit = at.dataframe[0].value["Passung"]
    ranked = partners_for(bundled, "wolfsburg", limit=15)
    ranked = ranked[~ranked["existing"]]
    expected = relative_fit(ranked["score"], best_pair_score(bundled, Weights()))
    assert fit.tolist() == expected.tolist()
    assert fit.iloc[0] > 50 and fit.between(0, 100).all()  # the best partner reads well
    # the three sentences above the table carry the same numbers
    sentences = "\n".join(m.value for m in at.markdown)
    assert f"({fit.iloc[0]} %)" in sentences


def test_network_list_starts_at_100_percent(monkeypatch):
    at = run_app(monkeypatch, page="cooperation", params={"view": "network", "lang": "EN"})
    assert not at.exception
    fit = at.dataframe[0].value["Match"]
    assert fit.iloc[0] == 100 and fit.between(0, 100).all()


@pytest.mark.parametrize(
    ("lang", "words"),
    [("DE", "100 % hat das am besten passende neue Paar"), ("EN", "100 % is the best")],
)
def test_how_suggestions_are_made_explains_the_percent(monkeypatch, lang, words):
    at = run_app(monkeypatch, page="cooperation", params={"lang": lang})
    assert any(words in m.value for m in at.markdown)
