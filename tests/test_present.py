"""Saved views and the slide show: pure helpers and the app, headless."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from atlas.export import exchange_tables
from atlas.store import Actor, Store, StoreError
from atlas.text import t
from atlas.views import (
    add_view,
    auto_seconds,
    link_shows_view,
    params_to_text,
    parse_show,
    slide_index,
    split_by_page,
    text_to_params,
    token_views,
    views_table,
    views_token,
)
from components.data import current_store
from components.data_admin import ACTOR_KEY
from tests.apptest import run_app

EMPTY = pd.DataFrame(columns=["id", "title", "page", "params", "position"])


def test_params_round_trip_without_viewer_settings():
    params = {
        "topic": ["Mobilität", "Umwelt"],
        "state": ["Niedersachsen"],
        "lang": ["EN"],
        "slide": ["2"],
    }
    text = params_to_text(params)
    assert text == "state=Niedersachsen&topic=Mobilit%C3%A4t&topic=Umwelt"
    assert text_to_params(text) == {"state": ["Niedersachsen"], "topic": ["Mobilität", "Umwelt"]}


def test_add_view_makes_unique_ids_and_keeps_order():
    views = add_view(EMPTY, "Niedersachsen: Karte", "karte", {"state": ["Niedersachsen"]})
    views = add_view(views, "Niedersachsen: Karte", "karte", {})
    assert views["id"].tolist() == ["niedersachsen-karte", "niedersachsen-karte-2"]
    assert views["position"].tolist() == [1, 2]


@pytest.mark.parametrize(
    ("show", "slides", "unknown"),
    [("a,b", ["a", "b"], []), ("a,zz,b", ["a", "b"], ["zz"]), ("", [], []), (None, [], [])],
)
def test_parse_show(show, slides, unknown):
    assert parse_show(show, {"a", "b"}) == (slides, unknown)


@pytest.mark.parametrize(
    ("text", "count", "index"), [("1", 3, 1), ("9", 3, 2), ("-1", 3, 0), ("x", 3, 0), (None, 0, 0)]
)
def test_slide_index_is_clamped(text, count, index):
    assert slide_index(text, count) == index


@pytest.mark.parametrize(
    ("text", "seconds"), [("30", 30), ("2", 0), ("100000", 0), ("abc", 0), (None, 0)]
)
def test_auto_seconds(text, seconds):
    assert auto_seconds(text) == seconds


def save_view(at, title: str):
    at.sidebar.text_input(key="save_view_title").input(title).run()
    next(b for b in at.sidebar.button if b.key == "save_view_button").click().run()
    assert not at.exception
    return at


def plain(markdown: str) -> str:
    return markdown.replace("\\", "")  # the app escapes Markdown in every message


def view_rows(at) -> dict[str, str]:
    """Present page: {title: where it is kept} from the table of saved views."""
    at.switch_page("pages/present.py")
    at.run()
    table = at.dataframe[0].value
    return dict(zip(table["Titel"], table["Gespeichert"], strict=True))


def test_saving_a_view_and_opening_it_restores_page_and_filters(monkeypatch):
    at = run_app(monkeypatch, params={"state": "Bayern", "cohort": "2021"})
    save_view(at, "Bayern 2021")
    assert "Gespeichert für diese Sitzung: Bayern 2021" in plain(at.sidebar.info[0].value)
    at.switch_page("pages/present.py")
    at.run()
    chooser = next(m for m in at.multiselect if m.key == "show_views")
    chooser.set_value(["bayern-2021"]).run()
    next(b for b in at.button if b.label == "Präsentation starten").click().run()
    assert not at.exception
    assert at.query_params["state"] == "Bayern" and at.query_params["cohort"] == "2021"
    assert at.query_params["show"] == "bayern-2021"
    assert at.markdown[0].value == "### Bayern 2021"
    assert "in Bayern, Staffel 2021" in at.markdown[2].value


def test_an_editor_saves_a_view_with_the_data_for_everyone(monkeypatch):
    at = run_app(monkeypatch, page="map", params={"state": "Niedersachsen"})
    at.session_state[ACTOR_KEY] = Actor("Anna", "editor")
    save_view(at, "Niedersachsen: Karte")
    assert "Gespeichert mit den Daten: Niedersachsen: Karte." in plain(at.sidebar.success[0].value)
    # a colleague opening the dashboard later (a new session) finds it, stored with the data
    colleague = run_app(monkeypatch)
    assert view_rows(colleague)["Niedersachsen: Karte"] == "mit den Daten"
    stored = current_store().rows("views").set_index("id")
    assert stored.at["niedersachsen-karte", "page"] == "map"
    assert stored.at["niedersachsen-karte", "params"] == "state=Niedersachsen"
    # ... and it travels with every export of the data
    exported = exchange_tables(current_store().load_network(dt.date.today()))["views"]
    assert "niedersachsen-karte" in set(exported["id"])


def test_a_viewers_view_stays_in_the_session_and_is_not_lost(monkeypatch):
    at = run_app(monkeypatch, params={"topic": "Mobilität"})
    save_view(at, "Mobilität")
    assert view_rows(at)["Mobilität"] == "nur diese Sitzung"
    assert "Mobilität" not in view_rows(run_app(monkeypatch))  # other sessions: not there


def test_a_refused_save_keeps_the_view_for_the_session(monkeypatch):
    def refuse(*args, **kwargs):
        raise StoreError("store.stale_concurrent")

    monkeypatch.setattr(Store, "save_edits", refuse)
    at = run_app(monkeypatch)
    at.session_state[ACTOR_KEY] = Actor("Anna", "editor")
    save_view(at, "Überblick")
    assert "gleichzeitig geändert" in at.sidebar.warning[0].value
    assert view_rows(at)["Überblick"] == "nur diese Sitzung"


def test_slide_show_advances_and_goes_back(monkeypatch):
    at = run_app(
        monkeypatch,
        params={
            "show": "niedersachsen-ueberblick,lemgo-profil",
            "slide": "0",
            "state": "Niedersachsen",
        },
    )
    assert not at.exception
    assert at.markdown[1].value == "**1 / 2**"
    next(b for b in at.button if b.key == "slide_next").click().run()
    assert at.markdown[1].value == "**2 / 2**"
    assert at.query_params["municipality"] == "lemgo"
    next(b for b in at.button if b.key == "slide_prev").click().run()
    assert at.markdown[1].value == "**1 / 2**"
    assert at.query_params["state"] == "Niedersachsen"


def test_unknown_view_in_link_is_skipped_with_a_note(monkeypatch):
    at = run_app(monkeypatch, params={"show": "gibt-es-nicht,lemgo-profil"})
    assert not at.exception
    assert "gibt\\-es\\-nicht" in at.warning[0].value
    assert at.markdown[1].value == "**1 / 1**"


def test_handout_button_makes_a_pdf(monkeypatch):
    import shutil

    if shutil.which("chromium") is None:
        pytest.skip("chromium not installed")
    at = run_app(monkeypatch, page="present", params={"state": "Niedersachsen"})
    next(b for b in at.button if b.key == "make_handout").click().run(timeout=120)
    assert not at.exception
    assert "7 Seiten" in at.success[0].value
    assert any(b.label == "Handout herunterladen" for b in at.get("download_button"))


def test_views_travel_in_the_link_and_a_damaged_token_carries_none():
    rows = [
        {"id": "mobil", "title": "Mobilität <b>", "page": "map", "params": "topic=Mobilit%C3%A4t"},
        {"id": "lemgo", "title": "Lemgo", "page": "profiles", "params": "municipality=lemgo"},
    ]
    back = token_views(views_token(rows))
    assert [(r["id"], r["title"], r["page"], r["params"]) for r in back] == [
        (r["id"], r["title"], r["page"], r["params"]) for r in rows
    ]
    assert [r["position"] for r in back] == [1, 2]
    assert token_views("not-a-token") == [] and token_views(None) == []
    # an id or page that could not have been saved is dropped, not trusted
    odd = views_token([{"id": "../x", "title": "x", "page": "map", "params": ""}])
    assert token_views(odd) == []


def test_a_show_link_carries_its_views_to_a_fresh_session(monkeypatch):
    """A viewer (not signed in) saves a view and starts the show; the link alone, opened
    in another session (another computer, or after a server restart), shows the slide."""
    at = run_app(monkeypatch, params={"topic": "Mobilität"})
    save_view(at, "Nur Mobilität")
    at.switch_page("pages/present.py")
    at.run()
    next(m for m in at.multiselect if m.key == "show_views").set_value(["nur-mobilitat"]).run()
    next(b for b in at.button if b.label == "Präsentation starten").click().run()
    assert not at.exception
    link = {key: at.query_params[key] for key in at.query_params}
    assert link["show"] == "nur-mobilitat" and link["views"]
    elsewhere = run_app(monkeypatch, params=link)
    assert not elsewhere.exception
    assert not [w for w in elsewhere.warning if "übersprungen" in w.value]  # none skipped
    assert elsewhere.markdown[0].value == "### Nur Mobilität"
    assert elsewhere.markdown[1].value == "**1 / 1**"


def test_a_partner_view_saved_and_presented_in_the_same_session_shows_the_partner(monkeypatch):
    at = run_app(monkeypatch, page="cooperation", params={"partner": "lemgo"})
    assert next(s for s in at.selectbox if s.key == "coop_partner").value == "lemgo"
    save_view(at, "Partner Lemgo")
    at.switch_page("pages/present.py")
    at.run()
    next(m for m in at.multiselect if m.key == "show_views").set_value(["partner-lemgo"]).run()
    next(b for b in at.button if b.label == "Präsentation starten").click().run()
    assert not at.exception
    # the slide's partner is chosen again (it showed "Choose an option" and no table)
    assert next(s for s in at.selectbox if s.key == "coop_partner").value == "lemgo"
    assert len(at.dataframe) >= 1


@pytest.mark.parametrize("lang", ["de", "en"])
def test_views_table_speaks_the_interface_language(lang):
    views = pd.DataFrame(
        {
            "id": ["a", "b"],
            "title": ["Niedersachsen", "Karte"],
            "page": ["map", "overview"],
            "params": ["state=Niedersachsen", ""],
            "kept": ["session", "data"],
            "position": [1, 2],
        }
    )
    table = views_table(views, lang)
    parts = ("title", "page", "params", "kept")
    assert list(table.columns) == [t(f"present.col_{part}", lang) for part in parts]
    assert table.iloc[:, 0].tolist() == ["Niedersachsen", "Karte"]
    # the page by its name in the navigation, not its path
    assert table.iloc[:, 1].tolist() == [t("nav.map", lang), t("nav.overview", lang)]
    assert views_table(views.assign(page="gone"), lang).iloc[0, 1] == "gone"
    assert table.iloc[:, 3].tolist() == [
        t("present.kept.session", lang),
        t("present.kept.data", lang),
    ]


@pytest.mark.parametrize(
    ("lang", "words"), [("de", "aus Daten mit Stand 09.2025"), ("en", "from data as of 2025-09")]
)
def test_every_slide_shows_the_datas_as_of_date_in_its_footer(monkeypatch, lang, words):
    params = {"show": "niedersachsen-ueberblick,lemgo-profil", "slide": "0"}
    monkeypatch.setattr("components.data.today", lambda: dt.date(2026, 11, 30))
    at = run_app(monkeypatch, params=params | ({"lang": "EN"} if lang == "en" else {}))
    for slide in range(2):
        if slide:
            next(b for b in at.button if b.key == "slide_next").click().run()
        assert not at.exception
        captions = [c.value.replace("\\", "") for c in at.caption]
        # once, in the slide's footer, with the bundled data's age (older than six months
        # after 09.2025); not again above the slide's content
        footer = [c for c in captions if words in c]
        assert len(footer) == 1, captions
        assert (
            "Monate älter als heute." if lang == "de" else "months older than today."
        ) in footer[0]
        assert not at.warning


@pytest.mark.parametrize(
    ("page_path", "link", "shown"),
    [
        ("timeline", ["cohort", "show", "slide"], True),
        ("overview", ["cohort", "show", "slide"], False),  # another page
        ("timeline", ["show", "slide"], False),  # the view's filter cut off the link
        ("timeline", ["cohort", "group", "show"], True),  # more is fine: the map's moves
    ],
)
def test_a_slides_link_shows_its_view_on_its_page_with_its_settings(page_path, link, shown):
    assert link_shows_view("timeline", "cohort=2021", page_path, link) is shown
    assert link_shows_view("map", "", "map", ["show"])  # a view without settings


def test_a_slide_opened_on_another_page_goes_to_its_views_page_and_filter(monkeypatch):
    """A link written by hand, /?show=…&slide=2, showed the overview of the whole network
    under the title of the third view, the timeline of cohort 2021."""
    show = "niedersachsen-ueberblick,niedersachsen-karte,kohorte-2021-zeitachse"
    at = run_app(monkeypatch, params={"show": show, "slide": "2"})
    assert not at.exception
    assert at.query_params["cohort"] == "2021"
    assert at.markdown[0].value == "### Kohorte 2021\\: Zeitachse"
    assert any("Staffel 2021" in m.value for m in at.markdown)
    assert "timeline_group" in [w.key for w in at.get("segmented_control")]
    # a view whose setting the page then leaves out of the link (its default): a rerun
    # stays on the slide
    views = "default-group,kohorte-2021-zeitachse"
    token = views_token(
        [{"id": "default-group", "title": "Nach Land", "page": "timeline", "params": "group=state"}]
    )
    import components.present

    switches = []
    switch = components.present.go_to_slide
    monkeypatch.setattr(
        components.present, "go_to_slide", lambda *a, **k: switches.append(1) or switch(*a, **k)
    )
    at = run_app(monkeypatch, page="timeline", params={"show": views, "views": token})
    assert not at.exception and len(switches) == 1  # to the view's setting
    assert "group" not in at.query_params  # the default, left out by the page
    at.run()
    assert not at.exception and at.markdown[0].value == "### Nach Land"
    assert len(switches) == 1


def test_the_presentation_page_shows_the_as_of_date_for_the_handout(monkeypatch):
    at = run_app(monkeypatch, page="present")
    assert not at.exception
    assert any("Daten mit Stand 09.2025" in c.value.replace("\\", "") for c in at.caption)


@pytest.mark.parametrize(
    ("pages", "available", "missing"),
    [
        (["map", "overview"], ["a", "b"], []),
        (["map"], ["a"], ["b"]),
        ([], [], ["a", "b"]),
    ],
)
def test_split_by_page_names_the_views_of_pages_gone(pages, available, missing):
    views = pd.DataFrame({"id": ["a", "b"], "page": ["map", "overview"]})
    shown, gone = split_by_page(views, pages)
    assert (shown["id"].tolist(), gone["id"].tolist()) == (available, missing)
