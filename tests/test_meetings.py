"""Meeting planning: hosts ahead on the focus and near the group, the agenda's pairs, the
calendar entry, and the rows a recorded meeting adds (or why it cannot be recorded)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest

from atlas.meetings import (
    FollowUp,
    MeetingError,
    Plan,
    agenda,
    agenda_lines,
    calendar_entry,
    default_day,
    distances_km,
    has_measures,
    measures_for_focus,
    meeting_rows,
    member_measures,
    propose_hosts,
)

TODAY = dt.date(2026, 11, 30)


def small_network(measures: list[tuple] | None = None, keywords: dict | None = None):
    """Lemgo and Kalletal share a project; Hildesheim, Wolfsburg and Göttingen have their
    own; Görlitz is far away in the east."""
    munis = pd.DataFrame(
        [
            ("lemgo", "Lemgo", 52.03, 8.90),
            ("kalletal", "Kalletal", 52.12, 8.95),
            ("hildesheim", "Hildesheim", 52.15, 9.95),
            ("wolfsburg", "Wolfsburg", 52.42, 10.78),
            ("goettingen", "Göttingen", 51.53, 9.93),
            ("goerlitz", "Görlitz", 51.15, 14.99),
        ],
        columns=["id", "name", "lat", "lon"],
    )
    projects = pd.DataFrame(
        [
            ("di", ("kalletal", "lemgo"), "Umsetzung"),
            ("hi", ("hildesheim",), "Strategie"),
            ("wob", ("wolfsburg",), "Umsetzung"),
            ("goe", ("goettingen",), "Strategie"),
            ("gr", ("goerlitz",), "Umsetzung"),
        ],
        columns=["id", "municipality_ids", "phase_now"],
    )
    projects["source"] = "https://example.org/projekt"
    projects["keywords"] = [(keywords or {}).get(i, "") for i in projects["id"]]
    table = pd.DataFrame(
        measures or [], columns=["project_id", "measure", "status", "since", "source"]
    )
    return SimpleNamespace(
        municipalities=munis,
        projects=projects,
        measures=table,
        events=pd.DataFrame(columns=["id"]),
        cooperations=pd.DataFrame(columns=["id"]),
        organisations=pd.DataFrame(columns=["id"]),
    )


SEED = [
    ("di", "digital-skills", "in Betrieb", "2023", "https://example.org/di"),
    ("di", "urban-data-platform", "in Betrieb", "2023-05", "https://example.org/di"),
    ("hi", "digital-skills", "geplant", "", "https://example.org/hi"),
    ("hi", "urban-data-platform", "geplant", "", "https://example.org/hi"),
    ("wob", "urban-data-platform", "in Umsetzung", "2022", "https://example.org/wob"),
    ("goe", "digital-skills", "geplant", "", "https://example.org/goe"),
    ("gr", "digital-skills", "in Betrieb", "2021", "https://example.org/gr"),
]


def test_a_joint_projects_measures_count_for_each_member_at_their_best_status():
    held = member_measures(small_network(SEED)).set_index(["member_id", "measure"])
    assert held.loc[("lemgo", "digital-skills"), "status"] == "in Betrieb"
    assert held.loc[("kalletal", "urban-data-platform"), "since"] == "2023-05"
    assert held.loc[("hildesheim", "digital-skills"), "rank"] == 1
    assert not held["rank_from_phase"].any()


def test_without_a_measures_table_keywords_map_to_measures_and_the_phase_stands_in():
    network = small_network(
        keywords={"di": "Digitallotsen;Urbane Datenplattform", "hi": "Datenplattform"}
    )
    held = member_measures(network).set_index(["member_id", "measure"])
    assert set(held.loc["lemgo"].index) == {"digital-skills", "urban-data-platform"}
    assert held.loc[("lemgo", "digital-skills"), "status"] == "unbekannt"
    assert held.loc[("lemgo", "digital-skills"), "rank_from_phase"]
    assert held.loc[("hildesheim", "urban-data-platform"), "rank"] == 1  # its project: Strategie


def test_topics_in_the_focus_expand_to_their_measures():
    focus = measures_for_focus(("topic:Digitale Kompetenzen & Bildung", "telemedicine"))
    assert "telemedicine" in focus and "digital-skills" in focus and "makerspace" in focus


def test_the_host_is_ahead_on_the_focus_and_near_the_group():
    plan = Plan(("wolfsburg", "hildesheim", "goettingen"), ("digital-skills",))
    hosts = propose_hosts(small_network(SEED), plan)
    # Görlitz runs it too, but is far from everyone; Hildesheim and Göttingen only plan it
    assert list(hosts["member_id"][:2]) in (["lemgo", "kalletal"], ["kalletal", "lemgo"])
    assert hosts["member_id"].iloc[-1] == "goerlitz"
    assert "hildesheim" not in set(hosts["member_id"])
    reason = hosts["reason"].iloc[0]
    assert "betreibt Digitale Kompetenzen & Kurse (seit 2023)" in reason
    assert "Luftlinie" in reason
    english = propose_hosts(small_network(SEED), plan, lang="en")["reason"].iloc[0]
    assert "operates Digital skills & courses (since 2023)" in english
    assert "straight line" in english


def test_a_host_from_the_group_does_not_travel():
    plan = Plan(("wolfsburg", "hildesheim"), ("urban-data-platform",))
    hosts = propose_hosts(small_network(SEED), plan).set_index("member_id")
    assert hosts.loc["wolfsburg", "total_km"] == pytest.approx(
        distances_km(small_network(SEED), ["hildesheim"], ["wolfsburg"]).iloc[0, 0]
    )


def test_no_host_without_anyone_ahead_or_without_participants():
    assert propose_hosts(small_network(SEED), Plan(("wolfsburg",), ("telemedicine",))).empty
    assert propose_hosts(small_network(SEED), Plan((), ("digital-skills",))).empty


def test_straight_line_distance():
    km = distances_km(small_network(), ["lemgo"], ["hildesheim", "goerlitz"])
    assert 65 < km.loc["lemgo", "hildesheim"] < 75
    assert 420 < km.loc["lemgo", "goerlitz"] < 450


def test_the_agenda_says_what_each_brings_and_starts_and_who_should_talk():
    plan = Plan(("wolfsburg", "hildesheim"), ("urban-data-platform",))
    result = agenda(small_network(SEED), plan, host="lemgo")
    members = result["members"].set_index("member_id")
    assert members.loc["lemgo", "brings"] == [
        "Urbane Datenplattform (seit 2023-05)",
        "Digitale Kompetenzen & Kurse (seit 2023)",
    ]  # the focus first
    assert members.loc["hildesheim", "starts"] == [
        "Urbane Datenplattform",
        "Digitale Kompetenzen & Kurse",
    ]
    pairs = result["pairs"]
    first = pairs.iloc[0]
    assert (first["a_id"], first["b_id"], first["measure"]) == (
        "lemgo",
        "hildesheim",
        "urban-data-platform",
    )
    assert (
        first["reason"]
        == "Lemgo ist bei Urbane Datenplattform weiter als Hildesheim (seit 2023-05)"
    )
    assert not ((pairs["a_id"] == "hildesheim") & (pairs["b_id"] == "lemgo")).any()
    lines = agenda_lines(result)
    assert lines[0].startswith("Wolfsburg – bringt mit: nichts bekannt; fängt an: Urbane")


def test_the_calendar_entry_is_a_valid_all_day_event_at_the_host():
    from icalendar import Calendar

    data = calendar_entry("Treffen bei Lemgo", dt.date(2027, 3, 4), "Lemgo", ["a", "b"], "x@atlas")
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Treffen bei Lemgo"
    assert event.decoded("DTSTART") == dt.date(2027, 3, 4)
    assert str(event["LOCATION"]) == "Lemgo"
    assert "a\nb" in str(event["DESCRIPTION"])


def test_a_recorded_meeting_adds_an_event_and_its_follow_ups():
    network = small_network(SEED)
    event, coops = meeting_rows(
        network,
        dt.date(2026, 6, 9),
        "lemgo",
        ("wolfsburg", "hildesheim", "lemgo"),
        ("digital-skills",),
        (FollowUp("hildesheim", "lemgo", "Gemeinsames Projekt", "digital-skills"),),
        "Besuch in Lemgo",
        "https://example.org/pm",
        TODAY,
    )
    assert event["municipality_id"] == "lemgo"
    assert event["participant_ids"] == "wolfsburg;hildesheim;lemgo"
    assert event["kind"] == "Netzwerktreffen"
    assert coops == [
        {
            "id": "treffen-2026-06-09-lemgo-hildesheim-lemgo",
            "a_id": "hildesheim",
            "b_id": "lemgo",
            "kind": "Gemeinsames Projekt",
            "date": "2026-06-09",
            "note": "vereinbart beim Treffen „Besuch in Lemgo“",
            "source": "https://example.org/pm",
            "measure": "digital-skills",
        }
    ]


@pytest.mark.parametrize(
    ("day", "host", "participants", "follow_ups", "message"),
    [
        (dt.date(2026, 6, 9), "lemgo", (), (), "Keine Teilnehmenden"),
        (
            dt.date(2026, 6, 9),
            "lemgo",
            ("lemgo", "atlantis"),
            (),
            "Unbekannte Mitglieder: atlantis",
        ),
        (
            dt.date(2026, 6, 9),
            "goerlitz",
            ("lemgo", "wolfsburg"),
            (),
            "gehört nicht zu den Teilnehmenden",
        ),
        (dt.date(2099, 1, 1), "lemgo", ("lemgo", "wolfsburg"), (), "mehr als 3 Jahre"),
        (dt.date(1990, 1, 1), "lemgo", ("lemgo", "wolfsburg"), (), "mehr als 3 Jahre"),
        (
            dt.date(2026, 6, 9),
            "lemgo",
            ("lemgo", "wolfsburg"),
            (FollowUp("lemgo", "goerlitz", "Besuch"),),
            "beide müssen verschiedene Teilnehmende sein",
        ),
        (
            dt.date(2026, 6, 9),
            "lemgo",
            ("lemgo", "wolfsburg"),
            (FollowUp("lemgo", "wolfsburg", "Kaffee", "nix"),),
            "Unbekannte Art",
        ),
    ],
)
def test_a_meeting_that_cannot_have_happened_is_refused_with_its_reason(
    day, host, participants, follow_ups, message
):
    network = small_network(SEED)
    with pytest.raises(MeetingError) as refused:
        meeting_rows(network, day, host, participants, (), follow_ups, "T", "", TODAY)
    assert any(message in m for m in refused.value.messages), refused.value.messages


def test_the_agenda_pdf_is_one_page_with_the_names_as_text():
    import io
    import os
    import shutil

    from pypdf import PdfReader

    from components.meeting import agenda_pdf

    if shutil.which("chromium") is None and not os.environ.get("CI"):
        pytest.skip("chromium not installed (apt-get install chromium)")
    plan = Plan(("wolfsburg", "hildesheim"), ("urban-data-platform",))
    lines = agenda_lines(agenda(small_network(SEED), plan, host="lemgo"))
    reader = PdfReader(io.BytesIO(agenda_pdf("Treffen bei <Lemgo>", lines)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Treffen bei <Lemgo>" in text  # escaped for plotly, shown as itself
    assert "Lemgo ist bei Urbane Datenplattform weiter als Hildesheim" in text


def test_a_recorded_meeting_turns_a_suggestion_into_an_existing_link(copy_of_bundled):
    """What the store writes for a meeting, loaded as the app loads it: the pair that was
    the top suggestion is now marked as linked and no longer suggested."""
    import csv

    from atlas.cooperation import partners_for
    from atlas.network import BUNDLED_DATA_DIR
    from atlas.source import open_network

    before = open_network(BUNDLED_DATA_DIR, TODAY)
    ranked = partners_for(before, "hildesheim")
    partner = ranked[~ranked["existing"]].iloc[0]["b_id"]
    event, coops = meeting_rows(
        before,
        dt.date(2026, 6, 9),
        "hildesheim",
        ("hildesheim", partner),
        ("urban-data-platform",),
        (FollowUp("hildesheim", partner, "Besuch", "urban-data-platform"),),
        "Austausch",
        "https://example.org/protokoll",
        TODAY,
    )
    events_csv = copy_of_bundled / "events.csv"
    with open(events_csv, encoding="utf-8") as f:
        header = next(csv.reader(f))
    with open(events_csv, "a", newline="", encoding="utf-8") as f:
        csv.writer(f).writerow([event.get(c, "") for c in header])
    after = open_network(copy_of_bundled, TODAY)
    linked = partners_for(after, "hildesheim").set_index("b_id")
    assert bool(linked.loc[partner, "existing"])
    assert partner not in set(linked[~linked["existing"]].index)


@pytest.mark.parametrize(
    ("participants", "focus", "ready"),
    [(("a", "b"), ("m1",), True), ((), ("m1",), False), (("a",), (), False), ((), (), False)],
)
def test_a_plan_is_ready_with_participants_and_a_focus(participants, focus, ready):
    assert Plan(participants, focus).is_ready is ready


@pytest.mark.parametrize(
    ("today", "day"),
    [(dt.date(2026, 1, 1), dt.date(2026, 1, 31)), (dt.date(2026, 12, 15), dt.date(2027, 1, 14))],
)
def test_a_new_plan_starts_a_month_ahead(today, day):
    assert default_day(today) == day


@pytest.mark.parametrize(
    ("measures", "known"),
    [(None, False), (pd.DataFrame(), False), (pd.DataFrame({"id": ["m1"]}), True)],
)
def test_measures_are_known_only_from_a_table_with_rows(measures, known):
    assert has_measures(SimpleNamespace(measures=measures)) is known
    assert has_measures(SimpleNamespace()) is False
