"""Profiles: pure helpers and the page, deep-linked by id; hostile text stays text."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from atlas.network import BUNDLED_DATA_DIR
from atlas.profiles import comparison, municipality_profile, project_profile, similar_projects
from atlas.source import open_network
from atlas.text import escape_markdown
from tests.apptest import run_app
from tests.helpers import MUNIS, write_folder


@pytest.fixture(scope="module")
def network():
    return open_network(BUNDLED_DATA_DIR, dt.date(2026, 11, 28))


def test_lemgo_profile_lists_its_project_partners_and_the_visit(network):
    profile = municipality_profile(network, "lemgo")
    assert profile.projects["id"].tolist() == ["mpsc-2020-kalletal"]
    partner_ids = set(profile.partners["id"])
    assert {"kalletal", "wolfsburg", "hildesheim", "landkreis-hameln-pyrmont"} <= partner_ids
    assert "2022-06-09" in profile.events["date"].tolist()


def test_project_profile_has_participants_and_dated_phases(network):
    profile = project_profile(network, "mpsc-2020-kalletal")
    assert set(profile.participants["id"]) == {"kalletal", "lemgo"}
    assert profile.phases[["phase", "start", "end"]].values.tolist() == [
        ["Strategie", "2021-01", "2022-11"],
        ["Umsetzung", "2022-12", "2027-11"],
    ]


def test_unknown_ids_give_none(network):
    assert municipality_profile(network, "atlantis") is None
    assert project_profile(network, "nope") is None


def test_similar_projects_prefer_rare_shared_topics(network):
    similar = similar_projects(network, "mpsc-2020-kalletal", limit=5)
    assert len(similar) == 5
    assert "mpsc-2020-kalletal" not in similar["id"].tolist()
    assert similar["score"].is_monotonic_decreasing
    # a shared rare topic outweighs the near-universal Mobilität
    assert all(shared[0] != "Mobilität" for shared in similar["shared"])


def test_comparison_has_one_column_per_municipality(network):
    table = comparison(network, ["lemgo", "kalletal", "hildesheim"])
    assert list(table.columns) == ["Lemgo", "Kalletal", "Hildesheim"]
    assert table.at["projects", "Lemgo"] == 1
    assert table.at["state", "Hildesheim"] == "Niedersachsen"


def test_page_deep_link_to_a_municipality(monkeypatch):
    at = run_app(monkeypatch, page="profiles", params={"municipality": "lemgo"})
    assert not at.exception
    assert [h.value for h in at.main.header] == ["Lemgo"]
    assert at.query_params["municipality"] == "lemgo"


def test_page_deep_link_to_a_project(monkeypatch):
    at = run_app(monkeypatch, page="profiles", params={"project": "mpsc-2020-kalletal"})
    assert not at.exception
    assert at.main.header[0].value == escape_markdown("digital.interkommunal Kalletal.Lemgo")
    subheaders = [s.value for s in at.subheader]
    assert "Phasen" in subheaders and "Ähnliche Projekte" in subheaders


def test_page_compare(monkeypatch):
    at = run_app(monkeypatch, page="profiles", params={"compare": ["lemgo", "kalletal"]})
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["Lemgo", "Kalletal"]


def test_unknown_id_in_link_is_named_not_an_exception(monkeypatch):
    at = run_app(monkeypatch, page="profiles", params={"municipality": "<b>atlantis</b>"})
    assert not at.exception
    warning = at.warning[0].value
    assert "atlantis" in warning and "<b>" not in warning  # shown as text, escaped


def test_hostile_name_is_escaped(monkeypatch, tmp_path):
    hostile = "<img src=x onerror=alert(1)>"
    folder = write_folder(
        tmp_path, municipalities=MUNIS.replace("Lemgo,Stadt", f'"{hostile}",Stadt')
    )
    at = run_app(monkeypatch, folder, page="profiles", params={"municipality": "lemgo"})
    assert not at.exception
    header = at.main.header[0].value
    assert "\\<img" in header and "<img" not in header.replace("\\<img", "")


def test_a_joint_projects_funding_is_shown_as_joint_not_in_full_for_each(network):
    table = comparison(network, ["lemgo", "kalletal"])
    # digital.interkommunal is Kalletal's and Lemgo's together: joint, not own twice
    for member in ("Lemgo", "Kalletal"):
        assert table.at["funding_joint_eur", member] > 0
    assert table.at["funding_joint_eur", "Lemgo"] == table.at["funding_joint_eur", "Kalletal"]
    assert pd.isna(table.at["funding_federal_eur", "Kalletal"])


def test_the_comparison_page_names_the_joint_row(monkeypatch):
    at = run_app(monkeypatch, page="profiles", params={"compare": ["lemgo", "kalletal"]})
    rows = list(at.dataframe[0].value.index)
    assert "Bundesförderung gemeinsamer Projekte (nicht aufgeteilt)" in rows


@pytest.mark.parametrize(
    ("start", "end", "lang", "text"),
    [
        (None, None, "de", "unbekannt"),
        ("2021-01", None, "de", "01.2021 – unbekannt"),
        (None, "2027", "en", "unknown – 2027"),
        ("2021-01", "2027-11", "de", "01.2021 – 11.2027"),
    ],
)
def test_an_unknown_period_reads_unknown(start, end, lang, text):
    from components.profile import period

    assert period(start, end, lang) == text


def test_the_overview_lists_projects_sortable_with_profile_links(monkeypatch):
    at = run_app(monkeypatch, params={"state": "Niedersachsen"})
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Profil" in d.value.columns)
    assert len(table) == 8
    assert table["Profil"].str.startswith("profiles?project=").all()
    assert table["Bundesförderung (€)"].dropna().map(lambda v: isinstance(v, float)).all()
    # members outside the filter are named, never shown by id
    assert not table["Kommunen"].str.contains(r"\b[a-z]+-[a-z-]+\b", regex=True).any()
    assert table["Kommunen"].str.contains("Hameln-Pyrmont").any()
