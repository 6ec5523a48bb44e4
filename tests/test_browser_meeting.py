"""The meeting page in Debian chromium: a coordinator plans the 2022 visit again (the
Lower Saxony members, focus strategy and digital skills), sees Kalletal or Lemgo proposed
as host with a reason, records the meeting and a follow-up, and finds them again on the
profile, Stade's partner finder and the map's links; nothing leaves localhost."""

from __future__ import annotations

import datetime as dt

import pytest

from atlas.filters import Filters, apply_filters
from atlas.geo import links
from atlas.store import open_store, sqlite_url
from tests.browser import (
    assert_accessible,
    assert_offline,
    browser_page,
    click_until,
    serve_app,
    wait_for_app,
)
from tests.test_browser_data import editor_env, sign_in

pytestmark = pytest.mark.browser


def choose(page, label: str, option: str) -> None:
    """Type into a Streamlit multiselect or selectbox and take the option."""
    box = page.locator('[data-testid="stMain"]').get_by_label(label, exact=False).first
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option).first.click()
    page.keyboard.press("Escape")
    wait_for_app(page)


def test_plan_and_record_the_visit_to_kalletal_lemgo(tmp_path, output_dir):
    with serve_app(env=editor_env(tmp_path / "atlas.db")) as app, browser_page() as (new, requests):
        page = new()
        page.goto(app.url + "/data?state=Niedersachsen")
        wait_for_app(page)
        sign_in(page)
        nav = page.locator('[data-testid="stSidebarNav"]')
        click_until(
            page,
            nav.get_by_text("Treffen", exact=True),
            when="() => location.pathname.endsWith('/meeting')",
        )
        wait_for_app(page)
        assert_accessible(page)  # as an editor sees it: with the form to record
        choose(page, "Schwerpunkt", "Smart-City-Strategie")
        choose(page, "Schwerpunkt", "Digitale Kompetenzen & Kurse")
        heading = page.get_by_role("heading", name="Vorgeschlagene Gastgeber")
        heading.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.screenshot(path=output_dir / "meeting-hosts.png")
        hosts = page.locator('[data-testid="stMain"] ol').first
        host_text = hosts.inner_text()
        assert "Kalletal" in host_text or "Lemgo" in host_text
        assert "Luftlinie" in host_text
        host = "Kalletal" if "Kalletal" in host_text else "Lemgo"
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Gastgeber").first
        click_until(page, box, f"{host} hat")  # the list opens with the proposals
        page.keyboard.type(host)
        page.keyboard.press("Enter")
        wait_for_app(page)
        assert box.locator("input").first.input_value() == host
        page.get_by_text("Wer mit wem sprechen sollte").wait_for()
        main = page.locator('[data-testid="stMain"]')
        main.get_by_label("Titel", exact=True).fill(
            "Niedersächsische Smart Cities zu Besuch (erneut)"
        )
        main.get_by_label("Quelle", exact=False).fill("https://example.org/protokoll")
        # Stade (an NST town) had no link to Kalletal or Lemgo before this meeting
        choose(page, "Vereinbarte nächste Schritte", f"{host} – Stade")
        page.get_by_text("Treffen eintragen").scroll_into_view_if_needed()
        page.screenshot(path=output_dir / "meeting-record.png")
        click_until(
            page,
            page.get_by_role("button", name="Treffen speichern"),
            "Gespeichert: Niedersächsische Smart Cities zu Besuch (erneut) mit 1",
        )
        wait_for_app(page)
        page.screenshot(path=output_dir / "meeting-saved.png")
        store = open_store(sqlite_url(tmp_path / "atlas.db"))
        events = store.rows("events").set_index("title")
        meeting = events.loc["Niedersächsische Smart Cities zu Besuch (erneut)"]
        assert meeting["municipality_id"] == host.lower()
        coops = store.rows("cooperations")
        follow_up = coops[coops["id"].str.startswith("treffen-")].iloc[0]
        assert (follow_up["a_id"], follow_up["b_id"]) == (host.lower(), "stade")
        assert follow_up["kind"] == "Besuch"
        # on the map: the follow-up is a link between the host and Stade
        network = store.load_network(dt.date.today())
        lines = links(apply_filters(network, Filters(states=("Niedersachsen",))), network)
        pairs = set(zip(lines["a_id"], lines["b_id"], strict=True))
        assert (host.lower(), "stade") in pairs or ("stade", host.lower()) in pairs
        # in Stade's partner finder the host is now "bereits verbunden"
        page.goto(app.url + "/cooperation?partner=stade")
        wait_for_app(page)
        page.get_by_role("heading", name="Bereits verbunden").wait_for()
        linked = page.locator('[data-testid="stDataFrame"]').filter(has_text=host)
        linked.first.wait_for(state="attached")
        linked.first.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        page.screenshot(path=output_dir / "meeting-finder-linked.png")
        # the meeting and its follow-up on Stade's profile
        page.goto(app.url + "/profiles?municipality=stade")
        wait_for_app(page)
        events = page.locator('[data-testid="stDataFrame"]').filter(has_text="zu Besuch (erneut)")
        events.first.wait_for(state="attached")
        events.first.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        page.screenshot(path=output_dir / "meeting-profile.png")
        assert_offline(requests)
