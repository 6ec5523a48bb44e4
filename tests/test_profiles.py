"""Profiles: pure helpers and the page, deep-linked by id; hostile text stays text."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from atlas.network import BUNDLED_DATA_DIR
from atlas.profiles import comparison, municipality_profile, project_profile, similar_projects
from atlas.source import open_network
from atlas.text import escape_markdown
from tests.apptest import open_expander, run_app
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
    at = open_expander(run_app(monkeypatch, params={"state": "Niedersachsen"}), "overview_projects")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Profil" in d.value.columns)
    assert len(table) == 8
    assert table["Profil"].str.startswith("profiles?project=").all()
    assert table["Bundesförderung (€)"].dropna().map(lambda v: isinstance(v, float)).all()
    # members outside the filter are named, never shown by id
    assert not table["Kommunen"].str.contains(r"\b[a-z]+-[a-z-]+\b", regex=True).any()
    assert table["Kommunen"].str.contains("Hameln-Pyrmont").any()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (None, []),
        (float("nan"), []),
        (
            "https://www.westfalen-blatt.de/OWL/a-b (Westfalen-Blatt, 02/2021)",
            [
                (
                    "westfalen-blatt.de (Westfalen-Blatt, 02/2021)",
                    "https://www.westfalen-blatt.de/OWL/a-b",
                )
            ],
        ),
        ("staedtetag.de PM 10.07.2019", [("staedtetag.de PM 10.07.2019", "")]),
        (
            "javascript:alert(1); data:text/html,x",
            [("javascript:alert(1)", ""), ("data:text/html,x", "")],
        ),
        (
            "https://a.example/x; https://a.example/x; b.example",
            [("a.example", "https://a.example/x"), ("b.example", "")],
        ),
        ("siehe (https://c.example/p).", [("c.example siehe", "https://c.example/p")]),
    ],
)
def test_a_source_cell_becomes_links_only_for_web_addresses(cell, expected):
    from atlas.profiles import sources

    assert [(s.text, s.url) for s in sources(cell)] == expected


def test_markdown_links_are_built_by_the_app_and_only_for_http():
    from atlas.profiles import Source
    from components.profile_sources import markdown_link

    assert markdown_link(Source("a.example", "https://a.example/x(1)")) == (
        "[a\\.example](https://a.example/x%281%29)"
    )
    assert markdown_link(Source("javascript:alert(1)", "")) == escape_markdown(
        "javascript:alert(1)"
    )
    hostile = markdown_link(Source("x](javascript:alert(1))", "javascript:alert(1)"))
    assert "](" not in hostile.replace("\\](", "")  # no link, the text escaped


def test_the_measures_of_a_project_come_from_the_measures_table(network):
    profile = project_profile(network, "mpsc-2020-kalletal")
    table = network.measures[network.measures["project_id"] == "mpsc-2020-kalletal"]
    assert sorted(profile.measures["measure"]) == sorted(table["measure"])
    statuses = profile.measures["status"].tolist()
    # running ones first
    assert statuses[: statuses.count("in Betrieb")] == ["in Betrieb"] * statuses.count("in Betrieb")
    # the municipality's profile lists its projects' measures
    assert set(municipality_profile(network, "kalletal").measures["measure"]) == set(
        table["measure"]
    )


def test_every_link_listed_has_its_partner_among_the_partners(network):
    """ "Partner: keine bekannt" never contradicts the links listed below it: the other
    side of every link (a project's members for a project) is a partner."""
    members_of = dict(
        zip(network.projects["id"], network.projects["municipality_ids"], strict=True)
    )
    for mid in network.municipalities["id"]:
        profile = municipality_profile(network, mid)
        own = {mid, *profile.projects["id"]}
        partners = set(profile.partners["id"])
        for a, b in zip(profile.links["a_id"], profile.links["b_id"], strict=True):
            for other in {a, b} - own:
                sides = set(members_of.get(other, ())) - {mid} or {other}
                assert sides <= partners, (mid, other)


@pytest.mark.parametrize(
    ("lang", "measure", "status", "heading"),
    [
        ("de", "Stadt- bzw. Bürger-App", "in Betrieb", "Quellen der Angaben"),
        ("en", "City or citizen app", "in operation", "Sources of the facts"),
    ],
)
def test_a_profile_shows_measures_and_the_sources_of_its_facts(
    monkeypatch, lang, measure, status, heading
):
    from atlas.measures import label
    from atlas.text import t

    assert label("citizen-app", lang) == measure
    params = {"municipality": "kalletal"} | ({"lang": "EN"} if lang == "en" else {})
    at = run_app(monkeypatch, page="profiles", params=params)
    assert not at.exception
    measures = next(d.value for d in at.dataframe if d.value.columns[0] in ("Maßnahme", "Measure"))
    row = measures[measures.iloc[:, 0] == measure].iloc[0]
    assert row.iloc[1] == status
    assert row[t("profiles.source", lang)].startswith("https://digital-interkommunal.de/")
    markdown = "\n".join(m.value for m in at.main.markdown)
    assert heading in markdown
    # the municipality's source is a link the reader can open
    assert "[smart\\-city\\-dialog\\.de](https://www.smart-city-dialog.de/" in markdown
    # every table of connections carries a source column
    connections = [
        d.value
        for d in at.dataframe
        if {"A", t("profiles.participants", lang)} & set(d.value.columns)
    ]
    assert len(connections) == 2  # links, meetings
    for table in connections:
        assert t("profiles.source", lang) in table.columns


def test_link_kinds_read_in_english_and_as_the_data_says_in_german(monkeypatch):
    at = run_app(monkeypatch, page="profiles", params={"municipality": "hildesheim", "lang": "EN"})
    assert not at.exception
    links = next(d.value for d in at.dataframe if "A" in d.value.columns)
    assert set(links["Kind"]) == {"Visit or meeting", "Support"}
    partners = next(d.value for d in at.dataframe if "via" in d.value.columns)
    assert set(partners["via"]) == {"Visit or meeting"}
    german = run_app(monkeypatch, page="profiles", params={"municipality": "hildesheim"})
    links = next(d.value for d in german.dataframe if "A" in d.value.columns)
    assert set(links["Art"]) == {"Besuch", "Unterstützung"}


def test_a_project_profile_shows_its_measures_and_the_sources_of_its_phases(monkeypatch):
    at = run_app(monkeypatch, page="profiles", params={"project": "mpsc-2020-kalletal"})
    assert not at.exception
    tables = {tuple(d.value.columns): d.value for d in at.dataframe}
    measures = next(v for c, v in tables.items() if c[0] == "Maßnahme")
    assert "Urbane Datenplattform" in set(measures["Maßnahme"])
    assert measures["Quelle"].notna().all()
    assert measures["Quelle"].str.match(r"https?://").all()
    phases = next(v for c, v in tables.items() if c[0] == "Phasen")
    # the phases cite two pages each: the first is the link, both sites are named
    assert (phases["Quelle"] == "https://digital-interkommunal.de/wissenswertes/").all()
    assert phases["Quellenangabe"].str.contains("digital-interkommunal.de").all()
    assert phases["Quellenangabe"].str.contains("owl-journal.de").all()
    markdown = "\n".join(m.value for m in at.main.markdown)
    assert "Quellen der Angaben" in markdown and "](https://" in markdown
