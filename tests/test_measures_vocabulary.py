"""The measure vocabulary: well-formed, and free text maps onto it without guessing."""

import pytest

from atlas.measures import (
    BY_ID,
    MEASURE_IDS,
    MEASURE_TYPES,
    measures_in,
    products_in,
    resolve_measure,
    resolve_status,
)
from atlas.schema import TOPICS


def test_vocabulary_is_well_formed():
    assert 40 <= len(MEASURE_TYPES) <= 80
    assert len(set(MEASURE_IDS)) == len(MEASURE_IDS)
    assert len({m.de for m in MEASURE_TYPES}) == len(MEASURE_TYPES)
    assert len({m.en for m in MEASURE_TYPES}) == len(MEASURE_TYPES)
    for measure in MEASURE_TYPES:
        assert measure.topic in TOPICS, measure.id
        assert measure.synonyms, measure.id


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        ("Urbane Datenplattform (Open SmartCity HUB)", {"urban-data-platform"}, set()),
        ("Digitaler Zwilling (3D)", {"digital-twin"}, set()),
        ("Sensorik & LoRaWAN", {"lorawan", "iot-sensors"}, set()),
        ("ERZmobil (Rufbus/On-Demand)", {"on-demand-transport"}, set()),
        ("Bürgerbeteiligungsplattform CONSUL", {"participation-platform"}, set()),
        ("Digital-Lotsen (Senioren)", {"digital-skills"}, set()),
        ("Städtebau Kirchheim 2030", {"urban-planning"}, {"ai-applications"}),
        (
            "KI-Standortmonitoring/Business-Chatbot",
            {"ai-applications", "process-automation"},
            set(),
        ),
        ("Datenstrategie", {"data-strategy"}, {"smart-city-strategy"}),
        ("Smart-City-Strategie", {"smart-city-strategy"}, set()),
        ("", set(), set(MEASURE_IDS)),
    ],
)
def test_free_text_maps_onto_measures(text, expected, absent):
    found = set(measures_in(text))
    assert expected <= found
    assert not (absent & found)


def test_products_are_named_by_their_canonical_name():
    assert products_in("Open Smart City App (Dortmund-App)") == ["Open SmartCity App"]
    assert products_in("Beteiligung mit CONSUL und DIPAS") == ["CONSUL", "DIPAS"]
    assert products_in("Consultation") == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("urban-data-platform", "urban-data-platform"),
        ("Urbane Datenplattform", "urban-data-platform"),
        ("urban data platform", "urban-data-platform"),
        ("Datenplattformen für alle", None),  # free text is never resolved by guessing
    ],
)
def test_resolve_measure_is_exact(value, expected):
    assert resolve_measure(value) == expected
    if expected:
        assert BY_ID[expected].id == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("in Betrieb", "in Betrieb"), ("Planned", "geplant"), ("", "unbekannt"), ("bald", None)],
)
def test_resolve_status(value, expected):
    assert resolve_status(value) == expected
