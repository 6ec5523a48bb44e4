"""The meeting page headless: plan the 2022 visit again from the Lower Saxony filter, see a
host with reasons and distances, and record a meeting as an editor (a viewer cannot)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from atlas.store import Actor, open_store
from components.data import database_url
from components.data_admin import ACTOR_KEY
from tests.apptest import run_app


def plan_visit(monkeypatch, focus=("urban-data-platform",)):
    at = run_app(monkeypatch, page="meeting", params={"state": "Niedersachsen"})
    assert not at.exception
    at.multiselect(key="meeting_focus").set_value(list(focus)).run()
    assert not at.exception
    return at


def test_the_filtered_members_are_the_participants_and_hosts_come_with_reasons(monkeypatch):
    at = plan_visit(monkeypatch)
    participants = next(m for m in at.multiselect if m.key.startswith("meeting_participants"))
    assert {"wolfsburg", "hildesheim", "landkreis-hameln-pyrmont"} <= set(participants.value)
    hosts = next(m.value for m in at.markdown if m.value.startswith("1. "))
    assert "Urbane Datenplattform" in hosts.split("\n")[0] and "Luftlinie" in hosts
    distances = at.dataframe[0].value
    assert distances.shape[0] == len(participants.value)
    assert "Wer mit wem sprechen sollte" in " ".join(m.value for m in at.markdown)
    assert any(b.label == "Kalendereintrag (.ics)" for b in at.get("download_button"))


def test_a_viewer_cannot_record(monkeypatch):
    at = plan_visit(monkeypatch)
    assert "Eintragen können nur angemeldete" in " ".join(i.value for i in at.info)
    assert not at.get("form")


def test_an_editor_records_a_meeting_and_it_is_in_the_data(monkeypatch):
    at = plan_visit(monkeypatch)
    at.session_state[ACTOR_KEY] = Actor("Anna", "editor")
    at.run()
    form_title = next(w for w in at.text_input if w.label == "Titel")
    form_title.set_value("Treffen in Niedersachsen")
    next(w for w in at.text_input if w.label.startswith("Quelle")).set_value(
        "https://example.org/protokoll"
    )
    host = at.selectbox(key="meeting_host").value
    guest = next(m for m in ("hildesheim", "wolfsburg") if m != host)
    at.multiselect(key="meeting_follow_up_pairs").set_value([f"{host}|{guest}"])
    next(b for b in at.button if b.label == "Treffen speichern").click().run()
    assert not at.exception
    saved_message = " ".join(s.value for s in at.success).replace("\\", "")
    assert "Gespeichert: Treffen in Niedersachsen mit 1 nächsten Schritt." in saved_message
    events = open_store(database_url()).rows("events")
    saved = events[events["title"] == "Treffen in Niedersachsen"].iloc[0]
    assert saved["kind"] == "Netzwerktreffen"
    assert "hildesheim" in saved["participant_ids"]
    coops = open_store(database_url()).rows("cooperations")
    follow_up = coops[coops["id"].str.startswith("treffen-")].iloc[0]
    assert follow_up["kind"] == "Besuch"
    assert (follow_up["a_id"], follow_up["b_id"]) == (host, guest)
    assert follow_up["date"] == saved["date"]
    history = open_store(database_url()).history(name="events")
    assert "Anna" in set(history["actor"])


def test_the_page_runs_in_english_without_a_filter(monkeypatch):
    at = run_app(monkeypatch, page="meeting", params={"lang": "EN"})
    assert not at.exception
    assert at.title[0].value == "Prepare a network meeting"
    assert "Please choose participants and a focus." in [i.value for i in at.info]
    assert isinstance(at.dataframe[-1].value, pd.DataFrame)  # who has never met whom


def test_a_working_group_can_be_the_participants(monkeypatch):
    at = run_app(monkeypatch, page="meeting", params={"state": "Niedersachsen"})
    at.radio(key="meeting_source").set_value("group").run()
    assert not at.exception
    group = at.selectbox(key="meeting_group")
    label = group.options[group.index]
    participants = next(m for m in at.multiselect if m.key.startswith("meeting_participants"))
    assert 3 <= len(participants.value) <= 6
    names = open_network(BUNDLED_DATA_DIR, dt.date.today()).municipalities.set_index("id")["name"]
    assert all(names[m] in label for m in participants.value), (label, participants.value)
