"""atlas.summary: what the overview counts, on a hand-made network where the answer is
plain to see (two projects, three municipalities in two states)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest

from atlas import summary
from atlas.filters import Filters, apply_filters
from atlas.source import open_network
from tests.helpers import write_folder


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    folder = write_folder(tmp_path_factory.mktemp("summary"))
    return open_network(folder, dt.date(2024, 1, 1))


def test_kpis(network):
    k = summary.kpis(network)
    assert (k.municipalities, k.projects, k.states) == (3, 2, 2)
    assert (k.funding_federal_eur, k.funding_known) == (5_300_000 + 15_750_000, 2)


def test_a_project_counts_once_in_each_state_it_reaches(network):
    by_state = summary.projects_by_state(network)
    assert dict(zip(by_state["state"], by_state["projects"], strict=True)) == {
        "Niedersachsen": 1,
        "Nordrhein-Westfalen": 1,  # digital.interkommunal: two members, one state
    }


def test_cohorts_in_order(network):
    assert summary.projects_by_cohort(network).values.tolist() == [[2020, 1], [2021, 1]]


def test_topics_by_frequency_then_schema_order(network):
    by_topic = summary.projects_by_topic(network)
    assert by_topic["topic"].iloc[0] == "Mobilität" and by_topic["projects"].iloc[0] == 2
    assert set(by_topic["topic"]) == {"Mobilität", "Umwelt", "Sicherheit"}


def test_state_topic_matrix(network):
    matrix = summary.state_topic_matrix(network)
    assert matrix.loc["Niedersachsen", "Mobilität"] == 1
    assert matrix.loc["Nordrhein-Westfalen", "Umwelt"] == 1
    assert matrix.loc["Niedersachsen", "Umwelt"] == 0


def test_phase_counts_use_the_phase_on_the_day(network):
    by_phase = summary.projects_by_phase(network)
    assert by_phase["projects"].sum() == 2
    assert set(by_phase["phase"]) == set(network.projects["phase_now"])


def test_coverage_and_an_empty_view(network):
    assert summary.coverage(network) == {
        "projects": 2,
        "with_topics": 2,
        "with_funding": 2,
        "with_phases": 0,
    }
    empty = apply_filters(network, Filters(text="kein-treffer-xyz"))
    assert summary.kpis(empty).projects == 0
    assert summary.state_topic_matrix(empty).empty


@pytest.mark.parametrize(
    ("lang", "sizes", "text"),
    [
        ("de", (1234, 2, 0, 1), "1.234 Projekte, 2 Kommunen, 0 bekannte Verbindungen, 1 Treffen."),
        ("en", (1234, 2, 0, 1), "1,234 projects, 2 municipalities, 0 known links, 1 meeting."),
    ],
)
def test_the_counts_sentence_formats_numbers_for_the_language(lang, sizes, text):
    projects, municipalities, links, events = (pd.DataFrame(index=range(n)) for n in sizes)
    network = SimpleNamespace(
        projects=projects, municipalities=municipalities, cooperations=links, events=events
    )
    assert summary.counts_text(network, lang) == text
