"""Cooperation suggestions: small hand-made networks where the right answer is obvious,
properties of the score, agreement with the plain all-pairs version, and the real data."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from atlas.cooperation import (
    PARTS,
    Weights,
    candidate_pairs,
    member_profiles,
    partner_part,
    partners_for,
    product_part,
    proximity_part,
    reason,
    region_part,
    score_pairs,
    suggestions,
    with_reasons,
)
from atlas.filters import Filters, apply_filters
from atlas.groups import describe_group, nearby_groups, working_groups
from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from benchmarks.cooperation_reference import all_pairs_reference, reference_top_k

HEADER_M = "id,name,kind,state,district,population,lat,lon,ags,source\n"
HEADER_P = "id,name,programme,cohort,municipality_ids,lead_municipality_id,size_class,topics,phase,start,end,funding_federal_eur,funding_total_eur,url,source\n"


def network_from(
    tmp_path,
    munis: list[str],
    projects: list[str],
    coops: list[str] = (),
    measures=(),
    organisations=(),
    events=(),
):
    (tmp_path / "municipalities.csv").write_text(HEADER_M + "\n".join(munis) + "\n")
    if organisations:
        (tmp_path / "organisations.csv").write_text(
            "id,name,kind,lat,lon,source,notes\n" + "\n".join(organisations) + "\n"
        )
    if events:
        (tmp_path / "events.csv").write_text(
            "id,date,title,kind,municipality_id,participant_ids,source,notes\n"
            + "\n".join(events)
            + "\n"
        )
    (tmp_path / "projects.csv").write_text(HEADER_P + "\n".join(projects) + "\n")
    if coops:
        (tmp_path / "cooperations.csv").write_text(
            "id,a_id,b_id,kind,date,note,source\n" + "\n".join(coops) + "\n"
        )
    if measures:
        (tmp_path / "measures.csv").write_text(
            "project_id,measure,status,since,product,source,note\n" + "\n".join(measures) + "\n"
        )
    network = open_network(tmp_path, dt.date(2024, 6, 1))
    assert network.usable, network.problems
    return network


def place(mid, lat=52.0, lon=9.0, kind="Stadt"):
    return f"{mid},{mid.title()},{kind},Niedersachsen,,,{lat},{lon},,t"


def project(pid, members, topics, phase="Umsetzung", size="Mittelstadt"):
    return f"{pid},{pid},P,2020,{members},,{size},{topics},{phase},,,,,,t"


COMMON = "Mobilität;Beteiligung & Engagement"
# every part of the score counting, so that every part's reason shows
ALL_ON = Weights(
    measures=1,
    product=0.5,
    direction=0.5,
    proximity=0.6,
    region=0.2,
    context=0.3,
    topics=0.1,
    phase=0.2,
    partners=0.4,
)


@pytest.fixture()
def rare_vs_common(tmp_path):
    """a and b share the rare topic Sicherheit; c and d share only what everyone has."""
    munis = [
        place("a", 52.0, 9.0),
        place("b", 52.0, 9.5),
        place("c", 52.5, 9.0),
        place("d", 52.5, 9.5),
    ]
    munis += [place(f"x{i}", 53.0, 8.0 + i * 0.3) for i in range(6)]
    projects = [
        project("pa", "a", f"{COMMON};Sicherheit"),
        project("pb", "b", f"{COMMON};Sicherheit"),
        project("pc", "c", COMMON),
        project("pd", "d", COMMON),
    ] + [project(f"px{i}", f"x{i}", COMMON) for i in range(6)]
    return network_from(tmp_path, munis, projects)


def pair_score(frame: pd.DataFrame, a: str, b: str) -> pd.Series:
    hit = frame[
        ((frame["a_id"] == a) & (frame["b_id"] == b))
        | ((frame["a_id"] == b) & (frame["b_id"] == a))
    ]
    assert len(hit) == 1, f"{a}-{b} not among the pairs"
    return hit.iloc[0]


def test_rare_shared_topic_beats_common_one(rare_vs_common):
    only_topics = Weights(measures=0, direction=0, topics=1, phase=0, proximity=0, context=0)
    ranked = suggestions(rare_vs_common, only_topics)
    assert pair_score(ranked, "a", "b")["score"] > pair_score(ranked, "c", "d")["score"]
    assert {ranked.iloc[0]["a_id"], ranked.iloc[0]["b_id"]} == {"a", "b"}


def test_known_link_is_not_suggested(tmp_path):
    munis = [place("a"), place("b", lon=9.1), place("c", lon=9.2)]
    projects = [
        project("pa", "a", "Sicherheit"),
        project("pb", "b", "Sicherheit"),
        project("pc", "c", "Sicherheit"),
    ]
    network = network_from(tmp_path, munis, projects, ["k1,a,b,Besuch,2023-05,,t"])
    ranked = suggestions(network)
    pairs = {frozenset(p) for p in zip(ranked["a_id"], ranked["b_id"], strict=True)}
    assert frozenset({"a", "b"}) not in pairs
    assert frozenset({"a", "c"}) in pairs
    finder = partners_for(network, "a")
    assert finder.set_index("b_id").at["b", "existing"]  # shown as existing, not hidden


def test_joint_project_counts_as_existing(tmp_path):
    munis = [place("kalletal"), place("lemgo", lon=9.1), place("far", lat=48.0, lon=11.0)]
    projects = [
        project("di", "kalletal;lemgo", "Gesundheit & Pflege"),
        project("pf", "far", "Gesundheit & Pflege"),
    ]
    ranked = suggestions(network_from(tmp_path, munis, projects))
    assert {frozenset(p) for p in zip(ranked["a_id"], ranked["b_id"], strict=True)} == {
        frozenset({"kalletal", "far"}),
        frozenset({"lemgo", "far"}),
    }


def test_phase_head_start_is_named(tmp_path):
    munis = [place("lemgo"), place("hildesheim", lon=9.9)]
    projects = [
        project("p1", "lemgo", "Mobilität;Umwelt", phase="Umsetzung"),
        project("p2", "hildesheim", "Mobilität;Umwelt", phase="Strategie"),
    ]
    network = network_from(tmp_path, munis, projects)
    row = with_reasons(suggestions(network, ALL_ON), ALL_ON).iloc[0]
    assert row["phase"] == 1.0
    expected = "das Projekt von Lemgo ist in der Umsetzung, das von Hildesheim noch in der"
    assert expected in row["reason"]  # phase words describe the project, not the city
    assert "2 gemeinsame Themen (" in row["reason"]
    assert row["reason"].endswith("km") or "km;" in row["reason"]


@pytest.mark.parametrize("part", PARTS)
def test_weight_zero_removes_that_reason(tmp_path, part):
    munis = [place("lemgo", kind="Gemeinde"), place("hildesheim", lon=9.9, kind="Gemeinde")]
    projects = [
        project(
            "p1", "lemgo", "Mobilität;Umwelt", phase="Umsetzung", size="Kleinstadt/Landgemeinde"
        ),
        project(
            "p2",
            "hildesheim",
            "Mobilität;Umwelt",
            phase="Strategie",
            size="Kleinstadt/Landgemeinde",
        ),
    ]
    measures = [
        "p1,lorawan,in Betrieb,2021,ChirpStack,https://a.example,",
        "p2,lorawan,geplant,,ChirpStack,,",
    ]
    org = ["nst,Niedersächsischer Städtetag,Verband,,,t,"]
    coops = ["k1,nst,lemgo,Unterstützung,2022,,t", "k2,nst,hildesheim,Unterstützung,2022,,t"]
    network = network_from(
        tmp_path, munis, projects, coops=coops, measures=measures, organisations=org
    )
    words = {
        "product": "beide nutzen ChirpStack",
        "region": "beide in Niedersachsen",
        "measures": "gemeinsame Maßnahme: LoRaWAN",
        "direction": "ist Lemgo weiter",
        "topics": "gemeinsame Themen",
        "phase": "Strategiephase",
        "proximity": " km",
        "context": "beide ländlich",
        "partners": "beide arbeiten mit demselben Partner zusammen: Niedersächsischer Städtetag",
    }
    if part == "topics":  # topics are named only where no measure is shared
        (tmp_path / "plain").mkdir()
        network = network_from(tmp_path / "plain", munis, projects, coops=coops, organisations=org)
        words["measures"] = "Maßnahme"
    full = reason(suggestions(network, ALL_ON).iloc[0], ALL_ON, "de")
    assert words[part] in full
    without = Weights(**{**ALL_ON.__dict__, part: 0})
    if part in ("measures", "direction"):  # both are told in one piece: both weights off
        without = Weights(**{**ALL_ON.__dict__, "measures": 0, "direction": 0})
    assert words[part] not in reason(suggestions(network, without).iloc[0], without, "de")


@pytest.fixture(scope="module")
def bundled():
    return open_network(BUNDLED_DATA_DIR, dt.date(2026, 11, 28))


def test_score_properties_on_real_data(bundled):
    p = member_profiles(bundled)
    i, j = candidate_pairs(p)
    forward = score_pairs(p, i, j, Weights())
    backward = score_pairs(p, j, i, Weights())
    assert np.allclose(forward["score"], backward["score"])  # symmetric
    assert forward[list(PARTS) + ["score"]].to_numpy().min() >= 0
    assert forward[list(PARTS) + ["score"]].to_numpy().max() <= 1
    shared = forward["shared_bits"] > 0
    assert (forward.loc[~shared, "topics"] == 0).all() and (forward.loc[shared, "topics"] > 0).all()


def test_reasons_agree_with_parts(bundled):
    ranked = with_reasons(suggestions(bundled, ALL_ON), ALL_ON)
    for row in ranked.itertuples():
        if row.measure_info:
            assert "gemeinsame Maßnahme" in row.reason
            assert "gemeinsame Themen" not in row.reason and "gemeinsames Thema" not in row.reason
        else:
            assert "gemeinsame" in row.reason
        assert (" weiter (" in row.reason) == bool(row.lead_measure)
        assert ("das Projekt von" in row.reason) == (row.phase > 0 and bool(row.a_phase))
        assert f"{round(row.distance_km)} km" in row.reason


def test_fast_engine_agrees_with_all_pairs_reference(bundled):
    p = member_profiles(bundled)
    reference = all_pairs_reference(bundled).set_index(["i", "j"])
    i, j = candidate_pairs(p)
    fast = score_pairs(p, i, j, Weights()).set_index(["i", "j"])
    joined = fast.merge(reference, left_index=True, right_index=True, suffixes=("", "_ref"))
    assert len(joined) == len(fast)
    for column in (*PARTS, "score", "distance_km"):
        assert np.allclose(joined[column], joined[f"{column}_ref"]), column


@pytest.mark.parametrize(
    "weights", [Weights(), ALL_ON, Weights(measures=0.3, topics=1, phase=0, proximity=0.2)]
)
def test_fast_top_k_equals_all_pairs_top_k(bundled, weights):
    """On the bundled network (138 members), candidates from neighbourhood and topics find
    exactly the top-5 that scoring every pair finds."""
    fast = suggestions(bundled, weights, top_k=5)
    p = member_profiles(bundled)
    index = {m: x for x, m in enumerate(p.ids)}
    got = {
        (min(index[a], index[b]), max(index[a], index[b]))
        for a, b in zip(fast["a_id"], fast["b_id"], strict=True)
    }
    assert got == reference_top_k(all_pairs_reference(bundled, weights), 5)


def test_joint_project_size_class_is_not_a_partners_size(bundled):
    """Osnabrück (city) shares an 'Interkommunal/Landkreis' project with rural partners;
    that does not make it similar to a rural district."""
    finder = partners_for(bundled, "osnabrueck", limit=200).set_index("b_id")
    assert finder.at["landkreis-hameln-pyrmont", "context"] == 0
    assert finder.at["wolfsburg", "context"] == 1  # both large cities


def test_extension_and_completion_rank_equal_but_are_named_apart(tmp_path):
    munis = [place("a"), place("b", lon=9.1), place("c", lon=9.2)]
    projects = [
        project("pa", "a", "Sicherheit", phase="Verlängerung"),
        project("pb", "b", "Sicherheit", phase="Abgeschlossen"),
        project("pc", "c", "Sicherheit", phase="Strategie"),
    ]
    network = network_from(tmp_path, munis, projects)
    finder = with_reasons(partners_for(network, "a", ALL_ON), ALL_ON).set_index("b_id")
    assert finder.at["b", "phase"] == 0  # neither is ahead
    assert finder.at["c", "phase"] == 1
    expected = "das Projekt von A ist in der Verlängerung, das von C noch in der Strategiephase"
    assert expected in finder.at["c", "reason"]


def test_unknown_phase_contributes_nothing(tmp_path):
    munis = [place("a"), place("b", lon=9.1)]
    projects = [
        project("pa", "a", "Sicherheit", phase=""),
        project("pb", "b", "Sicherheit", phase="Strategie"),
    ]
    row = suggestions(network_from(tmp_path, munis, projects)).iloc[0]
    assert row["phase"] == 0 and row["a_phase"] == ""


def test_one_introduction_per_team_in_the_ranked_list(tmp_path):
    """t1 and t2 run a joint project; both fit x. The meeting list introduces x to one of
    them, not to both (the other meets x through its partner)."""
    munis = [place("t1"), place("t2", lon=9.05), place("x", lon=9.1)]
    projects = [
        project("team", "t1;t2", "Sicherheit"),
        project("px", "x", "Sicherheit"),
    ]
    network = network_from(tmp_path, munis, projects)
    assert len(suggestions(network)) == 2
    assert len(suggestions(network, max_per_member=3)) == 1


def test_lemgo_finder_lists_peers_with_reasons(bundled):
    finder = with_reasons(partners_for(bundled, "lemgo"), Weights())
    assert (finder["a_id"] == "lemgo").all()
    assert finder.set_index("b_id").at["kalletal", "existing"]
    fresh = finder[~finder["existing"]]
    assert len(fresh) == 10 and fresh["reason"].str.contains("gemeinsame Maßnahme").all()


def test_lower_saxony_members_appear_for_each_other(bundled):
    view = apply_filters(bundled, Filters(states=("Niedersachsen",)))
    ranked = suggestions(view)
    members = set(view.municipalities["id"])
    assert set(ranked["a_id"]) | set(ranked["b_id"]) <= members
    assert pair_score(ranked, "hannover", "hildesheim")["score"] > 0


def test_working_groups_have_three_to_six_members_at_most_twice_each(bundled):
    groups = working_groups(bundled, max_groups=30)
    assert len(groups) > 0
    assert groups["member_ids"].map(len).between(3, 6).all()
    counts = pd.Series([m for ids in groups["member_ids"] for m in ids]).value_counts()
    assert counts.max() <= 2


# Three places in the Rhineland and three in Saxony, all at about 51° N: sorted north to
# south they interleave (Görlitz, Dresden, Köln, Chemnitz, Aachen, Bonn).
RHINELAND_AND_SAXONY = {
    "aachen": (50.776, 6.084),
    "koeln": (50.938, 6.960),
    "bonn": (50.734, 7.099),
    "dresden": (51.050, 13.738),
    "goerlitz": (51.153, 14.987),
    "chemnitz": (50.833, 12.925),
}


def coordinates(places: dict) -> tuple[list[str], np.ndarray, np.ndarray]:
    ids = list(places)
    return ids, np.array([places[i][0] for i in ids]), np.array([places[i][1] for i in ids])


@pytest.mark.parametrize(
    ("places", "max_size", "expected"),
    [
        (
            RHINELAND_AND_SAXONY,
            3,
            [{"aachen", "koeln", "bonn"}, {"dresden", "goerlitz", "chemnitz"}],
        ),
        (RHINELAND_AND_SAXONY, 6, [set(RHINELAND_AND_SAXONY)]),
        ({"kiel": (54.32, 10.14), "muenchen": (48.14, 11.58)}, 1, [{"kiel"}, {"muenchen"}]),
        ({}, 3, []),
    ],
)
def test_nearby_groups_keep_neighbours_together(places, max_size, expected):
    ids, lat, lon = coordinates(places)
    groups = [{ids[x] for x in group} for group in nearby_groups(lat, lon, max_size)]
    assert sorted(groups, key=sorted) == sorted(expected, key=sorted)


def test_a_member_without_coordinates_joins_the_outlying_place():
    lat = np.array([50.776, np.nan, 50.938, 51.050])
    lon = np.array([6.084, np.nan, 6.960, 13.738])
    groups = nearby_groups(lat, lon, 2)
    assert sorted(map(sorted, map(list, groups))) == [[0, 2], [1, 3]]


def test_working_groups_on_a_topic_split_east_and_west(tmp_path):
    munis = [place(i, lat, lon) for i, (lat, lon) in RHINELAND_AND_SAXONY.items()]
    projects = [project(f"p_{i}", i, "Sicherheit") for i in RHINELAND_AND_SAXONY]
    # one runs its warning system in each region, the others plan one
    measures = [
        f"p_{i},disaster-warning,{'in Betrieb' if i in ('koeln', 'dresden') else 'geplant'},,,,"
        for i in RHINELAND_AND_SAXONY
    ]
    network = network_from(tmp_path, munis, projects, measures=measures)
    groups = working_groups(network, max_size=3)
    assert {frozenset(ids) for ids in groups["member_ids"]} == {
        frozenset({"aachen", "koeln", "bonn"}),
        frozenset({"dresden", "goerlitz", "chemnitz"}),
    }


NORTH = {
    "flensburg": (54.78, 9.44),
    "schleswig": (54.52, 9.56),
    "husum": (54.48, 9.05),
    "kiel": (54.32, 10.14),
}
SOUTH = {
    "aalen": (48.84, 10.09),
    "heidenheim": (48.68, 10.15),
    "ulm": (48.40, 9.99),
    "augsburg": (48.37, 10.90),
    "memmingen": (47.99, 10.18),
    "kempten": (47.73, 10.31),
}
EAST = {
    "cottbus": (51.76, 14.33),
    "guben": (51.95, 14.72),
    "potsdam": (52.39, 13.07),
    "frankfurt-oder": (52.34, 14.55),
    "berlin": (52.52, 13.40),
}


def test_groups_follow_the_clusters_even_when_their_sizes_differ():
    """Fifteen places in clusters of 4, 6 and 5: equal thirds would split the south and
    send one southern town to the north or east; the groups are the clusters."""
    places = NORTH | SOUTH | EAST
    ids, lat, lon = coordinates(places)
    groups = {frozenset(ids[x] for x in g) for g in nearby_groups(lat, lon, 6, min_size=3)}
    assert groups == {frozenset(NORTH), frozenset(SOUTH), frozenset(EAST)}


# --- measures: score, direction, reasons --------------------------------------------------


def three_places(tmp_path, measures, topics="Mobilität"):
    munis = [place("a"), place("b", lon=9.3), place("c", lon=9.6)]
    projects = [project(f"p{x}", x, topics) for x in "abc"]
    return network_from(tmp_path, munis, projects, measures=measures)


@pytest.mark.parametrize(
    ("status_a", "status_b", "ahead"),
    [
        ("in Betrieb", "geplant", "a"),
        ("abgeschlossen", "in Umsetzung", "a"),
        ("in Umsetzung", "geplant", "a"),
        ("geplant", "in Betrieb", "b"),
        ("in Betrieb", "abgeschlossen", None),  # both done: no one is ahead
        ("geplant", "geplant", None),
        ("unbekannt", "geplant", None),  # unknown says nothing
    ],
)
def test_direction_who_is_ahead(tmp_path, status_a, status_b, ahead):
    network = three_places(
        tmp_path,
        [f"pa,digital-twin,{status_a},2022,,https://a.example,", f"pb,digital-twin,{status_b},,,,"],
    )
    row = with_reasons(partners_for(network, "a"), Weights()).set_index("b_id").loc["b"]
    assert (row["direction"] > 0) == (ahead is not None)
    if ahead:
        first, second = ("A", "B") if ahead == "a" else ("B", "A")
        assert f"bei Digitaler Zwilling ist {first} weiter" in row["reason"]
        assert f"{second}: {status_b if ahead == 'a' else status_a}" in row["reason"]
    else:
        assert "weiter" not in row["reason"]


def test_rare_measure_weighs_more_and_same_product_most(tmp_path):
    """a shares a rare measure with b, a common one with c; the same product beats both."""
    munis = [place(x, lon=9 + k * 0.01) for k, x in enumerate(["a", "b", "c", "d", "e", "f"])]
    projects = [project(f"p{x}", x, "Mobilität") for x in "abcdef"]
    measures = [f"p{x},citizen-app,geplant,,,," for x in "acdef"]  # common
    measures += ["pa,digital-twin,geplant,,,,", "pb,digital-twin,geplant,,,,"]  # rare
    network = network_from(tmp_path, munis, projects, measures=measures)
    finder = partners_for(network, "a").set_index("b_id")
    assert finder.at["b", "measures"] > finder.at["c", "measures"]
    with_product = measures + ["pa,lorawan,geplant,,FIWARE,,", "pd,lorawan,geplant,,FIWARE,,"]
    network = network_from(tmp_path, munis, projects, measures=with_product)
    finder = with_reasons(partners_for(network, "a"), Weights()).set_index("b_id")
    assert finder.at["d", "measures"] > finder.at["b", "measures"]
    assert "beide nutzen FIWARE" in finder.at["d", "reason"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "de",
            "gemeinsame Maßnahme: Urbane Datenplattform; bei Urbane Datenplattform ist A weiter "
            "(in Betrieb seit 2023), B: geplant",
        ),
        (
            "en",
            "shared measure: Urban data platform; on Urban data platform A is ahead "
            "(in operation since 2023), B: planned",
        ),
    ],
)
def test_reason_names_measure_and_who_is_ahead(tmp_path, lang, expected):
    network = three_places(
        tmp_path,
        [
            "pa,urban-data-platform,in Betrieb,2023-04,,https://a.example/udp,",
            "pb,Urbane Datenplattform,planned,,,,",  # label and English status resolve
        ],
    )
    row = with_reasons(partners_for(network, "b"), Weights(), lang).set_index("b_id").loc["a"]
    assert row["reason"].startswith(expected.replace("A is ahead", "A is ahead"))
    assert row["source"] == "https://a.example/udp"  # the source of the one ahead


def test_keywords_stand_in_for_a_missing_measures_table(tmp_path):
    header = HEADER_P.strip() + ",keywords\n"
    munis = [place("a"), place("b", lon=9.3), place("c", lon=9.6)]
    rows = [
        project("pa", "a", "Mobilität") + ",Rufbus on demand;Open SmartCity App",
        project("pb", "b", "Mobilität") + ",Ridepooling im Landkreis",
        project("pc", "c", "Mobilität") + ",Stadtwald",
    ]
    (tmp_path / "municipalities.csv").write_text(HEADER_M + "\n".join(munis) + "\n")
    (tmp_path / "projects.csv").write_text(header + "\n".join(rows) + "\n")
    network = open_network(tmp_path, dt.date(2024, 6, 1))
    p = member_profiles(network)
    assert set(p.from_keywords) == {"pa", "pb", "pc"}
    finder = with_reasons(partners_for(network, "a"), Weights()).set_index("b_id")
    assert "laut Stichworten: On-Demand-Verkehr & Rufbus" in finder.at["b", "reason"]
    assert "Stand unbekannt / Stand unbekannt" in finder.at["b", "measures_text"]


def test_measures_file_problems_are_reported_and_nothing_else_lost(tmp_path):
    munis = [place("a"), place("b", lon=9.3)]
    projects = [project("pa", "a", "Mobilität"), project("pb", "b", "Mobilität")]
    measures = [
        "pa,lorawan,in Betrieb,2021,,,",
        "pa,Datenplatform,geplant,,,,",  # typo: suggestion, row left out
        "pb,digital-twin,fertig,,,,",  # bad status: counted as unknown
        "px,digital-twin,geplant,,,,",  # unknown project
        "pb,lorawan,geplant,2022-13,,,",  # bad date
    ]
    network = network_from(tmp_path, munis, projects, measures=measures)
    found = {(p.row, p.column): p for p in network.problems if p.table == "measures"}
    assert "Urbane Datenplattform" in found[(3, "measure")].expected
    assert found[(3, "measure")].value == "Datenplatform"
    assert found[(4, "status")].value == "fertig"
    assert found[(5, "project_id")].value == "px"
    assert found[(6, "since")].value == "2022-13"
    assert all(p.file == "measures.csv" for p in found.values())
    kept = set(zip(network.measures["project_id"], network.measures["measure"], strict=True))
    assert kept == {("pa", "lorawan"), ("pb", "digital-twin"), ("pb", "lorawan")}
    status = network.measures.set_index(["project_id", "measure"])["status"]
    assert status[("pb", "digital-twin")] == "unbekannt"


def test_groups_are_named_by_measure_and_mix_ahead_with_starters(tmp_path):
    munis = [place(x, lon=9 + k * 0.05) for k, x in enumerate("abcd")]
    projects = [project(f"p{x}", x, "Mobilität") for x in "abcd"]
    measures = ["pa,on-demand-transport,in Betrieb,2021,,,"]
    measures += [f"p{x},on-demand-transport,geplant,,,," for x in "bcd"]
    groups = working_groups(network_from(tmp_path, munis, projects, measures=measures))
    assert len(groups) == 1
    group = groups.iloc[0]
    assert group["measure"] == "on-demand-transport" and group["ahead"] == ("A",)
    assert describe_group(group, "de").startswith("On-Demand-Verkehr & Rufbus: A, B, C und D")
    assert describe_group(group, "en").endswith("ahead: A")


def test_lower_saxony_groups_are_not_all_energy(bundled):
    view = apply_filters(bundled, Filters(states=("Niedersachsen",)))
    groups = working_groups(view)
    assert len(groups) >= 2
    assert groups["measure"].nunique() >= 2
    assert "climate-protection" not in set(groups["measure"])  # nearly everyone has it
    assert groups["member_ids"].map(len).between(3, 6).all()


def test_empty_network_has_no_suggestions_or_groups(tmp_path):
    network = network_from(tmp_path, [place("a")], [project("pa", "a", "Mobilität")])
    assert suggestions(network).empty
    assert working_groups(network).empty
    assert partners_for(network, "nobody").empty


def test_a_database_from_before_measures_is_upgraded(tmp_path):
    """An existing database gets the measures table and the cooperations' measure column;
    its rows stay, and a measure can be stored on an old cooperation."""
    from sqlalchemy import create_engine, inspect, text

    from atlas.schema import TABLES
    from atlas.store import Store, engine_url, sqlite_url

    url = sqlite_url(tmp_path / "old.db")
    engine = create_engine(engine_url(url))
    old = [c for c in TABLES["cooperations"].column_names if c != "measure"]
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE atlas_meta (key VARCHAR(100) PRIMARY KEY, value TEXT)"))
        conn.execute(text("INSERT INTO atlas_meta VALUES ('schema_version', '1')"))
        columns = ", ".join(f'"{c}" TEXT' for c in old)
        conn.execute(
            text(
                "CREATE TABLE data_cooperations (_row INTEGER PRIMARY KEY, _pos INTEGER NOT NULL, "
                f"_ver INTEGER NOT NULL, _at VARCHAR(32), _by VARCHAR(200), {columns})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO data_cooperations (_pos, _ver, id, a_id, b_id, kind) "
                "VALUES (0, 1, 'k1', 'lemgo', 'kalletal', 'Besuch')"
            )
        )
    engine.dispose()
    store = Store(url)
    try:
        store.ensure_schema()
        check = create_engine(engine_url(url))
        names = {c["name"] for c in inspect(check).get_columns("data_cooperations")}
        assert "measure" in names
        assert "data_measures" in inspect(check).get_table_names()
        check.dispose()
        rows = store.rows("cooperations")
        assert list(rows["id"]) == ["k1"] and rows["measure"].fillna("").tolist() == [""]
        assert store.rows("measures").empty
    finally:
        store.close()


def test_measures_upload_with_german_headers_is_checked_before_import():
    """'Maßnahmen.csv' with German headers: a typo gets the closest vocabulary entries as
    a suggestion, an unknown project is named; the report blocks nothing silently."""
    from atlas.importer import Upload, normalise_table, plan_import
    from atlas.readers import read_folder
    from atlas.schema import TABLES

    raw, _, _ = read_folder(BUNDLED_DATA_DIR)
    current = {name: normalise_table(TABLES[name], frame) for name, frame in raw.items()}
    text = (
        "Projekt;Maßnahme;Stand;Seit;Produkt;Quelle\n"
        "mpsc-2021-hildesheim;Digitaler Zwilling;in Betrieb;2024;;https://x.example\n"
        "mpsc-2021-hildesheim;Datenplatform;geplant;;;\n"
        "atlantis;lorawan;geplant;;;\n"
    )
    plan = plan_import([Upload("Maßnahmen.csv", text.encode())], current, 1, True)
    assert "measures" in plan.tables
    found = {(p.row, p.column): p for p in plan.problems if p.table == "measures"}
    assert "Urbane Datenplattform" in found[(3, "measure")].expected
    assert found[(4, "project_id")].value == "atlantis"
    assert plan.blocking  # nothing is imported half: the file goes back with its report


@pytest.mark.parametrize(
    ("part", "args", "expected"),
    [
        # the same product: rarity plus bonus; one shared product counts most of the part
        (product_part, ([0.0, 1.0, 3.0],), [0.0, 1 - np.exp(-1), 1 - np.exp(-3)]),
        # proximity on a 30 km scale: 1 next door, 1/e at 30 km, falling with distance
        (proximity_part, ([0.0, 30.0, 90.0],), [1.0, np.exp(-1), np.exp(-3)]),
        # the same federal state; an unknown state is never "the same"
        (
            region_part,
            (["Niedersachsen", "Niedersachsen", ""], ["Niedersachsen", "Bayern", ""]),
            [1.0, 0.0, 0.0],
        ),
    ],
)
def test_new_score_parts(part, args, expected):
    assert np.allclose(part(*args), expected)


def test_proximity_keeps_the_distance_order_where_all_else_ties(tmp_path):
    munis = [place("a")] + [place(x, lon=9 + k * 0.4) for k, x in enumerate("bcd", start=1)]
    projects = [project(f"p{x}", x, "Mobilität") for x in "abcd"]
    measures = [f"p{x},citizen-app,geplant,,,," for x in "abcd"]
    network = network_from(tmp_path, munis, projects, measures=measures)
    finder = partners_for(network, "a")
    assert list(finder["b_id"]) == ["b", "c", "d"]
    assert finder["score"].is_monotonic_decreasing and finder["score"].nunique() == 3


@pytest.mark.parametrize(
    ("lang", "product", "region"),
    [
        ("de", "beide nutzen ChirpStack", "beide in Niedersachsen"),
        ("en", "both use ChirpStack", "both in Lower Saxony"),
    ],
)
def test_reason_names_the_product_and_the_state(tmp_path, lang, product, region):
    network = three_places(
        tmp_path,
        ["pa,lorawan,in Betrieb,2021,ChirpStack,,", "pb,lorawan,geplant,,ChirpStack,,"],
    )
    row = with_reasons(partners_for(network, "a"), Weights(), lang).set_index("b_id").loc["b"]
    assert product in row["reason"] and region in row["reason"]
    assert row["product"] > 0 and row["region"] == 1
    far = with_reasons(partners_for(network, "a"), Weights(product=0, region=0), lang)
    assert product not in far.set_index("b_id").at["b", "reason"]
    assert region not in far.set_index("b_id").at["b", "reason"]


def test_candidate_neighbourhoods_find_the_all_pairs_top_k_on_bundled_data(bundled):
    """The path a large network takes (k-d tree neighbourhoods by place, product, measure,
    state) finds nearly every pair of the all-pairs top 5 on the bundled data."""
    p = member_profiles(bundled)
    i, j = candidate_pairs(p, exact_below=0)
    assert len(i) < p.n * (p.n - 1) / 2 / 2  # far fewer pairs than all
    best = reference_top_k(all_pairs_reference(bundled), 5)
    found = set(zip(i.tolist(), j.tolist(), strict=True))
    assert len(best & found) / len(best) >= 0.99


@pytest.mark.parametrize(
    ("weight", "expected"),
    [(0.0, 0.0), (1.0, 1 - np.exp(-1)), (0.25, 1 - np.exp(-0.25)), (10.0, 1 - np.exp(-10))],
)
def test_partner_part(weight, expected):
    assert np.isclose(partner_part([weight])[0], expected)


# a and b never met; what links each of them to third parties decides what they share
PARTNER_CASES = [
    # (case, cooperations, events, projects beyond one per member, shared third parties)
    ("organisation", ["k1,a,org,Besuch,,,t", "k2,org,b,Besuch,,,t"], [], [], ["Städtetag"]),
    ("member", ["k1,a,c,Besuch,,,t", "k2,b,c,Besuch,,,t"], [], [], ["C"]),
    ("joint project", ["k1,b,c,Besuch,,,t"], [], ["pj,pj,P,2020,a;c,,,Mobilität,,,,,,,t"], ["C"]),
    ("event", ["k1,b,c,Besuch,,,t"], ["e1,2022-06-09,Treffen,Besuch,c,a;org,t,"], [], ["C"]),
    (
        "two parties",
        ["k1,a,c,Besuch,,,t", "k2,b,c,Besuch,,,t", "k3,a,org,Besuch,,,t", "k4,org,b,Besuch,,,t"],
        [],
        [],
        ["C", "Städtetag"],
    ),
    ("one side only", ["k1,a,org,Besuch,,,t", "k2,c,org,Besuch,,,t"], [], [], []),
    ("each other only", ["k1,a,b,Besuch,,,t"], [], [], []),
]


@pytest.mark.parametrize(
    ("case", "coops", "events", "joint", "shared"),
    PARTNER_CASES,
    ids=[c[0] for c in PARTNER_CASES],
)
def test_partners_of_partners(tmp_path, case, coops, events, joint, shared):
    munis = [place("a"), place("b", lon=9.1), place("c", lat=53.0), place("d", lat=54.0)]
    projects = [project(f"p{m}", m, "Mobilität") for m in "abcd"] + joint
    org = ["org,Städtetag,Verband,,,t,"]
    network = network_from(tmp_path, munis, projects, coops, organisations=org, events=events)
    only = Weights(**{part: 0.0 for part in PARTS} | {"partners": 1.0})
    row = with_reasons(partners_for(network, "a", only, limit=5), only).set_index("b_id").loc["b"]
    assert sorted(row["shared_partners"]) == sorted(shared)
    assert (row["partners"] > 0) == bool(shared)
    assert np.isclose(row["score"], row["partners"])  # the only part weighted
    if not shared:
        assert "Partner" not in row["reason"]
        return
    de = "demselben Partner" if len(shared) == 1 else "denselben Partnern"
    assert f"beide arbeiten mit {de} zusammen: " in row["reason"]
    en = with_reasons(partners_for(network, "a", only, limit=5), only, "en")
    reason_en = en.set_index("b_id").at["b", "reason"]
    assert reason_en.startswith("both work with ")
    for name in shared:
        assert name in row["reason"] and name in reason_en


def test_a_partner_of_two_weighs_more_than_an_umbrella_body(tmp_path):
    """a and b share a partner only the two of them have; c and d share an association
    that every member is linked to: the first pair shares more."""
    munis = [place(m, lon=9.0 + k * 0.1) for k, m in enumerate("abcdefg")]
    projects = [project(f"p{m}", m, "Mobilität") for m in "abcdefg"]
    coops = ["k1,a,x,Besuch,,,t", "k2,b,x,Besuch,,,t"]
    coops += [f"u{m},verband,{m},Unterstützung,,,t" for m in "cdefg"]
    org = ["x,Hochschule X,Forschung,,,t,", "verband,Verband V,Verband,,,t,"]
    network = network_from(tmp_path, munis, projects, coops, organisations=org)
    ranked = partners_for(network, "a", limit=10).set_index("b_id")
    other = partners_for(network, "c", limit=10).set_index("b_id")
    assert ranked.at["b", "partners"] > other.at["d", "partners"] > 0


def test_partners_of_partners_find_far_candidates_in_a_large_network(tmp_path):
    """Above the all-pairs size, two members far apart that share a partner are still
    among the candidates, and the part agrees with the plain all-pairs version."""
    p = member_profiles(
        network_from(
            tmp_path,
            [place("a", 48.0, 8.0), place("b", 54.0, 13.0)]
            + [place(f"m{k}", 50 + k % 7 * 0.1, 9 + k // 7 * 0.1) for k in range(40)],
            [project("pa", "a", "Mobilität"), project("pb", "b", "Mobilität")],
            ["k1,a,org,Besuch,,,t", "k2,b,org,Besuch,,,t"],
            organisations=["org,Städtetag,Verband,,,t,"],
        )
    )
    i, j = candidate_pairs(p, k_near=2, k_topic=1, exact_below=0)
    a, b = sorted(np.flatnonzero(np.isin(p.ids, ["a", "b"])))
    assert (a, b) in set(zip(i.tolist(), j.tolist(), strict=True))
    scored = score_pairs(p, np.array([a]), np.array([b]), Weights())
    assert np.isclose(scored["partners"].iloc[0], partner_part([1.0])[0])
