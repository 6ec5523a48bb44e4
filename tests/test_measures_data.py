"""The researched measures (data/measures.csv) and the ground truth of real cooperations
(benchmarks/ground_truth_cooperations.csv) are well-formed and every row has a source a
reader can open."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from atlas.measures import MEASURE_IDS, MEASURE_STATUSES, PRODUCTS
from atlas.network import BUNDLED_DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
MEASURES = BUNDLED_DATA_DIR / "measures.csv"
GROUND_TRUTH = ROOT / "benchmarks" / "ground_truth_cooperations.csv"

# A page, not a domain: scheme, host with a dot, and a path or query after it.
URL = re.compile(r"^https?://[^/\s]+\.[^/\s]+/[^\s]*[^\s/]+[^\s]*$")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def measures() -> pd.DataFrame:
    return _read(MEASURES)


@pytest.fixture(scope="module")
def ground_truth() -> pd.DataFrame:
    return _read(GROUND_TRUTH)


@pytest.fixture(scope="module")
def project_ids() -> set[str]:
    return set(_read(BUNDLED_DATA_DIR / "projects.csv")["id"])


@pytest.fixture(scope="module")
def municipality_ids() -> set[str]:
    return set(_read(BUNDLED_DATA_DIR / "municipalities.csv")["id"])


def _valid_date(value: str) -> bool:
    if not DATE.match(value):
        return False
    parts = [int(p) for p in value.split("-")]
    try:
        pd.Timestamp(
            year=parts[0],
            month=parts[1] if len(parts) > 1 else 1,
            day=parts[2] if len(parts) > 2 else 1,
        )
    except ValueError:
        return False
    return 1990 <= parts[0] <= 2030


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://www.kommune21.de/meldung_40376_Smart+City+wird+sichtbar.html", True),
        ("https://solingen.digital/blog/entwicklungspartnerschaft-open-smart-city-app", True),
        ("https://digital-interkommunal.de/wissenswertes/", True),
        ("https://digital-interkommunal.de/", False),
        ("https://digital-interkommunal.de", False),
        ("digital-interkommunal.de/wissenswertes", False),
        ("MdB Schraps", False),
        ("", False),
    ],
)
def test_the_source_rule_tells_a_page_from_a_domain(value, expected):
    assert bool(URL.match(value)) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023", True),
        ("2023-06", True),
        ("2023-06-27", True),
        ("2023-13", False),
        ("2023-02-30", False),
        ("06/2023", False),
        ("1899", False),
    ],
)
def test_the_date_rule(value, expected):
    assert _valid_date(value) is expected


def test_columns(measures):
    assert list(measures.columns) == [
        "project_id",
        "measure",
        "status",
        "since",
        "product",
        "source",
        "note",
    ]


def test_every_row_names_a_bundled_project(measures, project_ids):
    assert set(measures["project_id"]) - project_ids == set()


def test_every_measure_is_a_vocabulary_id(measures):
    assert set(measures["measure"]) - set(MEASURE_IDS) == set()


def test_every_status_is_one_of_the_vocabulary(measures):
    assert set(measures["status"]) - set(MEASURE_STATUSES) == set()


def test_since_is_empty_or_a_valid_date(measures):
    bad = [v for v in measures["since"] if v and not _valid_date(v)]
    assert bad == []


def test_since_only_where_a_status_is_known(measures):
    # a date says when the stated status began; an unknown status has no such date
    assert measures[(measures["status"] == "unbekannt") & (measures["since"] != "")].empty


def test_every_row_cites_a_page(measures):
    bad = measures.loc[~measures["source"].str.match(URL), "source"].tolist()
    assert bad == []


def test_products_use_the_canonical_names_where_one_fits(measures):
    lowered = {name.lower(): name for name in PRODUCTS}
    named = measures.loc[measures["product"] != "", "product"]
    assert [p for p in named if p.lower() in lowered and p not in PRODUCTS] == []


def test_no_project_lists_a_measure_twice(measures):
    dupes = measures[measures.duplicated(["project_id", "measure"], keep=False)]
    assert dupes.empty, dupes[["project_id", "measure"]].values.tolist()


def test_every_project_has_at_least_three_measures(measures, project_ids):
    counts = measures["project_id"].value_counts()
    assert {p: int(counts.get(p, 0)) for p in project_ids if counts.get(p, 0) < 3} == {}


def test_on_average_at_least_five_measures_per_project(measures, project_ids):
    assert len(measures) / len(project_ids) >= 5


def test_notes_are_short(measures):
    # facts carry over, sentences do not: a note is a few words in the source's terms
    assert [n for n in measures["note"] if len(n) > 120] == []


def test_ground_truth_columns(ground_truth):
    assert list(ground_truth.columns) == [
        "a_id",
        "b_id",
        "kind",
        "date",
        "measure",
        "source",
        "note",
    ]


def test_ground_truth_names_bundled_municipalities(ground_truth, municipality_ids):
    named = set(ground_truth["a_id"]) | set(ground_truth["b_id"])
    assert named - municipality_ids == set()


def test_ground_truth_has_no_self_pairs_and_no_duplicates(ground_truth):
    assert (ground_truth["a_id"] != ground_truth["b_id"]).all()
    pairs = ground_truth.apply(lambda r: (frozenset((r["a_id"], r["b_id"])), r["kind"]), axis=1)
    assert not pairs.duplicated().any(), ground_truth[pairs.duplicated(keep=False)]


def test_ground_truth_rows_cite_a_page(ground_truth):
    assert ground_truth.loc[~ground_truth["source"].str.match(URL), "source"].tolist() == []


def test_ground_truth_dates_and_measures(ground_truth):
    assert [d for d in ground_truth["date"] if d and not _valid_date(d)] == []
    assert set(ground_truth["measure"]) - set(MEASURE_IDS) - {""} == set()


def test_ground_truth_keeps_the_2022_visit(ground_truth):
    visit = ground_truth[ground_truth["date"] == "2022-06-09"]
    visitors = set(visit["a_id"])
    assert {"wolfsburg", "hildesheim", "landkreis-hameln-pyrmont"} <= visitors
    assert set(visit["b_id"]) <= {"kalletal", "lemgo"}
