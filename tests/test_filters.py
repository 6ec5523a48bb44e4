"""Filters select consistently across tables and describe themselves in words."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from atlas.filters import (
    FIELDS,
    Filters,
    apply_filters,
    counts_given,
    describe,
    option_counts,
)
from atlas.source import open_network
from tests.helpers import write_folder


@pytest.fixture()
def network(tmp_path):
    return open_network(write_folder(tmp_path), dt.date(2024, 6, 1))


@pytest.mark.parametrize(
    ("filters", "projects", "municipalities"),
    [
        (Filters(), ["di", "hi"], ["hildesheim", "kalletal", "lemgo"]),
        (Filters(states=("Niedersachsen",)), ["hi"], ["hildesheim"]),
        (Filters(states=("Nordrhein-Westfalen",)), ["di"], ["kalletal", "lemgo"]),
        (Filters(districts=("Kreis Lippe",)), ["di"], ["kalletal", "lemgo"]),
        (Filters(topics=("Sicherheit",)), ["hi"], ["hildesheim"]),
        (Filters(topics=("Mobilität",)), ["di", "hi"], ["hildesheim", "kalletal", "lemgo"]),
        (Filters(topics=("Mobilität",), states=("Niedersachsen",)), ["hi"], ["hildesheim"]),
        (Filters(cohorts=(2020,)), ["di"], ["kalletal", "lemgo"]),
        (Filters(size_classes=("Großstadt",)), ["hi"], ["hildesheim"]),
        (Filters(phases=("Umsetzung",)), ["di"], ["kalletal", "lemgo"]),
        (Filters(text="kalle"), ["di"], ["kalletal", "lemgo"]),  # member name finds the project
        (Filters(text="HI 20"), ["hi"], ["hildesheim"]),
        (Filters(states=("Bremen",)), [], []),
    ],
)
def test_apply_filters(network, filters, projects, municipalities):
    view = apply_filters(network, filters)
    assert sorted(view.projects["id"]) == projects
    assert sorted(view.municipalities["id"]) == municipalities


def test_project_counts_for_a_state_if_any_participant_lies_in_it(tmp_path):
    projects = (
        "id,name,programme,municipality_ids\ncut,Connected Urban Twins,MPSC,lemgo;hildesheim\n"
    )
    network = open_network(write_folder(tmp_path, projects=projects), dt.date(2024, 1, 1))
    view = apply_filters(network, Filters(states=("Niedersachsen",)))
    assert view.projects["id"].tolist() == ["cut"]
    assert view.municipalities["id"].tolist() == ["hildesheim"]  # only the state's member


def test_option_counts_carry_project_numbers(network):
    assert option_counts(network, "states") == [("Niedersachsen", 1), ("Nordrhein-Westfalen", 1)]
    assert option_counts(network, "topics") == [("Mobilität", 2), ("Umwelt", 1), ("Sicherheit", 1)]
    assert option_counts(network, "districts", ("Niedersachsen",)) == [("Landkreis Hildesheim", 1)]
    assert option_counts(network, "cohorts") == [(2020, 1), (2021, 1)]


@pytest.mark.parametrize(
    ("filters", "n", "lang", "text"),
    [
        (Filters(), 73, "de", "73 Projekte im ganzen Netzwerk"),
        (
            Filters(states=("Niedersachsen",), topics=("Mobilität",)),
            14,
            "de",
            "14 Projekte in Niedersachsen, Thema Mobilität",
        ),
        (
            Filters(states=("Bayern", "Hessen"), cohorts=(2021,)),
            1234,
            "de",
            "1.234 Projekte in Bayern und Hessen, Staffel 2021",
        ),
        (
            Filters(states=("Niedersachsen",), topics=("Mobilität",)),
            14,
            "en",
            "14 projects in Lower Saxony, topic Mobility",
        ),
        (Filters(text="Lemgo"), 1, "de", "1 Projekt im ganzen Netzwerk, Suche „Lemgo“"),
    ],
)
def test_describe(filters, n, lang, text):
    assert describe(filters, n, lang) == text


def test_option_counts_follow_the_other_filters(network):
    """Topics in Lower Saxony count its projects, not the network's; the states keep the
    counts they would have if chosen instead."""
    everywhere = dict(option_counts(network, "topics"))
    chosen = Filters(states=("Niedersachsen",), topics=("Sicherheit",))
    topics = counts_given(network, "topics", chosen)
    assert everywhere["Mobilität"] == 2 and topics["Mobilität"] == 1
    assert sum(topics.values()) < sum(everywhere.values())
    states = counts_given(network, "states", chosen)
    assert states == {"Niedersachsen": 1}  # only hi has Sicherheit


def test_option_counts_through_the_callers_filter_function(network):
    """The app hands in a filter function that shares its results between sessions: every
    field's counts come through it, one call each, and equal those of apply_filters."""
    asked = []

    def restrict(net, filters):
        asked.append(filters)
        return apply_filters(net, filters)

    chosen = Filters(states=("Niedersachsen",), topics=("Mobilität",))
    for field in FIELDS:
        assert counts_given(network, field, chosen, restrict=restrict) == counts_given(
            network, field, chosen
        )
    assert asked == [replace(chosen, **{field: ()}) for field in FIELDS]
    assert asked.count(chosen) == len(FIELDS) - 2  # the page's own view, for five fields


def test_the_sidebar_shows_the_counts_under_the_other_filters(monkeypatch):
    from tests.apptest import run_app

    at = run_app(monkeypatch, params={"state": "Niedersachsen"})
    topic = next(m for m in at.sidebar.multiselect if m.key == "f_topic")
    national = run_app(monkeypatch)
    everywhere = next(m for m in national.sidebar.multiselect if m.key == "f_topic")
    mobility = next(o for o in topic.options if o.startswith("Mobilität ("))
    national_mobility = next(o for o in everywhere.options if o.startswith("Mobilität ("))
    count = int(mobility.split("(")[1].rstrip(")"))
    assert 0 < count < int(national_mobility.split("(")[1].rstrip(")"))


def test_the_state_after_a_planned_end_is_a_filter_option(tmp_path):
    """Past their planned ends (11/2027, 12/2026) and no source says they ended: both are
    in the state of their own, selectable and described like any phase."""
    network = open_network(write_folder(tmp_path), dt.date(2028, 6, 1))
    options = dict(option_counts(network, "phases"))
    assert options == {"Ende überschritten": 2}
    view = apply_filters(network, Filters(phases=("Ende überschritten",)))
    assert sorted(view.projects["id"]) == ["di", "hi"]
    chosen = Filters(phases=("Ende überschritten",))
    assert "Geplantes Ende überschritten" in describe(chosen, 2, "de")
    assert "Planned end passed" in describe(chosen, 2, "en")
