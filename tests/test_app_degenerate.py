"""Every page runs on any network that loads: only headers, every optional value missing,
text in numeric columns, no usable coordinates, text where dates belong. A page may say
there is nothing to show; it never shows a traceback."""

from __future__ import annotations

import datetime as dt

import pytest

from atlas.source import open_network
from tests.apptest import run_app
from tests.helpers import write_folder

# every page, and the views of a page that compute something else from the data
DAY = dt.date(2026, 1, 1)
PAGES = {
    "overview": {},
    "map": {},
    "map_states": {"mode": "states"},
    "map_districts": {"mode": "districts", "colour": "topic"},
    "timeline": {},
    "timeline_topic": {"group": "topic"},
    "cooperation": {},
    "cooperation_partner": {"partner": "a"},
    "cooperation_project": {"partner": "p1"},
    "cooperation_network": {"view": "network"},
    "cooperation_groups": {"view": "groups"},
    "profiles": {},
    "profiles_member": {"municipality": "a"},
    "profiles_project": {"project": "p1"},
    "profiles_compare": {"compare": ["a", "b"]},
    "meeting": {},
    "data": {},
    "present": {},
    "about": {},
}

MUNI_HEADER = "id,name,kind,state,district,population,lat,lon,ags,source\n"
PROJECT_HEADER = (
    "id,name,programme,cohort,municipality_ids,lead_municipality_id,size_class,topics,phase,"
    "start,end,funding_federal_eur,funding_total_eur,url,source\n"
)

NETWORKS = {
    # a folder with only the header lines: the network loads, with nobody in it
    "only_headers": {"municipalities": MUNI_HEADER, "projects": PROJECT_HEADER},
    # only the required columns, every optional value missing
    "required_only": {
        "municipalities": "id,name,kind,state,lat,lon\n"
        "a,Alpha,Stadt,Niedersachsen,52.1,9.9\n"
        "b,Beta,Gemeinde,Niedersachsen,52.3,9.7\n",
        "projects": "id,name,programme,municipality_ids\np1,Eins,MPSC,a\np2,Zwei,MPSC,\n",
    },
    # text where numbers belong (as a formula without a cached value reads)
    "text_in_numbers": {
        "municipalities": MUNI_HEADER
        + "a,Alpha,Stadt,Niedersachsen,,=SUMME(A1),52.1,9.9,,\n"
        + "b,Beta,Gemeinde,Niedersachsen,,viele,52.3,9.7,,\n",
        "projects": PROJECT_HEADER
        + "p1,Eins,MPSC,zwanzig,a;b,a,,Mobilität,,bald,irgendwann,=A1*2,viel,,\n",
    },
    # nobody has coordinates the map or the cooperation page can use
    "no_coordinates": {
        "municipalities": MUNI_HEADER
        + "a,Alpha,Stadt,Niedersachsen,,100,,,,\n"
        + "b,Beta,Gemeinde,Niedersachsen,,200,abc,xyz,,\n",
        "projects": PROJECT_HEADER + "p1,Eins,MPSC,2020,a;b,a,,Mobilität,,2020-01,2024-12,,,,\n",
    },
}


def formulas_without_values(folder):
    """A workbook as a script (not Excel) writes it: formulas, but no cached results."""
    from openpyxl import Workbook

    book = Workbook()
    munis = book.active
    munis.title = "municipalities"
    munis.append(["id", "name", "kind", "state", "population", "lat", "lon"])
    munis.append(["a", "Alpha", "Stadt", "Niedersachsen", "=1000*2", "=52+0.1", 9.9])
    munis.append(["b", "Beta", "Gemeinde", "Niedersachsen", "=SUM(E2:E2)", 52.3, 9.7])
    projects = book.create_sheet("projects")
    projects.append(["id", "name", "programme", "cohort", "municipality_ids", "topics"])
    projects.append(["p1", "Eins", "MPSC", "=2019+1", "a;b", "Mobilität"])
    projects.append(["p2", "=A2", "MPSC", 2021, "a", "Umwelt"])
    book.save(folder / "netz.xlsx")
    return folder


def degenerate_folder(tmp_path, network):
    if network == "formulas_without_values":
        return formulas_without_values(tmp_path)
    return write_folder(tmp_path, **NETWORKS[network])


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """Each network's folder, written once for the module: the app only reads it, and its
    first test leaves a seeded database that the next tests start from a copy of
    (tests/apptest.py: seeded_once); every test still gets a database of its own."""
    made = {}

    def folder(network):
        if network not in made:
            made[network] = degenerate_folder(tmp_path_factory.mktemp(network), network)
        return made[network]

    return folder


@pytest.mark.parametrize("network", [*NETWORKS, "formulas_without_values"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_a_degenerate_network(monkeypatch, folders, network, page):
    folder = folders(network)
    at = run_app(monkeypatch, folder, page=page.split("_")[0], params=PAGES[page])
    assert not at.exception, [e.value for e in at.exception]
    assert at.title  # the page drew its header, not only the frame
    if page == "data":  # its second section for everyone
        at.button_group(key="section").set_value("coverage").run()
        assert not at.exception, [e.value for e in at.exception]
        assert any(
            "projects" in d.value.columns or "Projekte" in d.value.columns for d in at.dataframe
        )


def test_coverage_with_change_times_that_are_no_iso_times(monkeypatch, tmp_path):
    """A database filled by another tool: times without a zone, words, nothing. The
    coverage table shows what it can instead of failing."""
    import sqlite3

    from components.data import database_url

    (tmp_path / "data").mkdir()
    folder = write_folder(tmp_path / "data")
    at = run_app(monkeypatch, folder, page="data")
    at.button_group(key="section").set_value("coverage").run()
    assert not at.exception
    path = database_url().split("///", 1)[1]
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE data_municipalities SET _at = 'gestern' WHERE id = 'lemgo'")
        conn.execute(
            "UPDATE data_municipalities SET _at = '2024-05-01 10:00' WHERE id = 'kalletal'"
        )
        conn.execute("UPDATE data_projects SET _at = NULL")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if "zuletzt geändert" in d.value.columns)
    shown = dict(zip(table["Kennung"], table["zuletzt geändert"], strict=True))
    assert shown["kalletal"] == "01.05.2024 12:00"  # no zone: UTC, as the store writes
    assert shown["lemgo"] == ""  # a word is no time: unknown, not sorted in as text


def test_member_profiles_of_a_network_without_projects(tmp_path):
    from atlas.cooperation import member_profiles, suggestions
    from atlas.groups import working_groups

    network = open_network(write_folder(tmp_path, **NETWORKS["only_headers"]), DAY)
    assert member_profiles(network).n == 0
    assert suggestions(network, max_per_member=2).empty
    assert working_groups(network).empty


def test_suggestions_where_no_pair_is_new_keep_their_columns(tmp_path):
    from atlas.cooperation import suggestions

    # the only two members already share a project: nothing new to suggest
    network = open_network(write_folder(tmp_path, **NETWORKS["text_in_numbers"]), DAY)
    ranked = suggestions(network, max_per_member=2)
    assert ranked.empty and {"a_id", "b_id", "score"} <= set(ranked.columns)


@pytest.mark.parametrize("network", ["only_headers", "text_in_numbers"])
def test_editor_sections_run_on_a_degenerate_network(monkeypatch, tmp_path, network):
    from atlas.auth import hash_password
    from tests.test_app_data import PASSWORD, section, sign_in

    monkeypatch.setenv("ATLAS_EDITORS_PASSWORDS", f"Anna Beispiel={hash_password(PASSWORD)}")
    at = sign_in(run_app(monkeypatch, degenerate_folder(tmp_path, network), page="data"))
    for name in ("import", "history", "edit"):
        section(at, name)
    for table in ("municipalities", "projects", "events"):
        at.selectbox(key="edit_table").set_value(table).run()
        assert not at.exception, [e.value for e in at.exception]
        assert len(at.data_editor) == 1
