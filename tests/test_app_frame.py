"""The frame and the overview page, headless: bundled data, large synthetic data, broken data;
filters set by widget and by URL change the numbers shown."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from components.theme import PAGE_ICON
from tests.apptest import drawn_charts, metric_values, multiselect, run_app

ROOT = Path(__file__).resolve().parent.parent


def test_overview_on_bundled_data(monkeypatch):
    at = run_app(monkeypatch)
    assert not at.exception
    metrics = metric_values(at)
    assert metrics["Projekte"] == "74"  # 73 model projects + the NST network project
    assert at.markdown[0].value.startswith("**74 Projekte im ganzen Netzwerk")
    assert len(drawn_charts(at)) == 5


def test_filter_by_widget_changes_numbers(monkeypatch):
    at = run_app(monkeypatch)
    multiselect(at, "f_state").set_value(["Niedersachsen"]).run()
    assert not at.exception
    metrics = metric_values(at)
    assert metrics["Bundesländer"] == "1"
    assert int(metrics["Projekte"]) == 8  # 7 model projects + the NST project
    assert at.query_params["state"] == "Niedersachsen"
    assert "in Niedersachsen" in at.markdown[0].value


def test_filter_by_url(monkeypatch):
    at = run_app(monkeypatch, params={"state": "Niedersachsen", "topic": "Mobilität"})
    assert not at.exception
    assert multiselect(at, "f_state").value == ["Niedersachsen"]
    assert multiselect(at, "f_topic").value == ["Mobilität"]
    n = int(metric_values(at)["Projekte"])
    assert 0 < n < 8
    assert at.markdown[0].value.startswith(f"**{n} Projekte in Niedersachsen, Thema Mobilität")


def test_invalid_url_values_are_ignored_with_a_note(monkeypatch):
    at = run_app(monkeypatch, params={"state": ["Atlantis", "Bayern"], "cohort": "zwei"})
    assert not at.exception
    assert multiselect(at, "f_state").value == ["Bayern"]
    note = at.sidebar.warning[0].value
    assert "Atlantis" in note and "zwei" in note
    assert at.query_params["state"] == "Bayern"  # the link is corrected


def test_reset_clears_filters_and_url(monkeypatch):
    at = run_app(monkeypatch, params={"state": "Bayern", "q": "smart"})
    at.sidebar.button[0].click().run()
    assert multiselect(at, "f_state").value == []
    assert "state" not in at.query_params and "q" not in at.query_params
    assert metric_values(at)["Projekte"] == "74"


def test_empty_result_shows_a_message_not_an_empty_chart(monkeypatch):
    at = run_app(monkeypatch, params={"q": "kein-treffer-xyz"})
    assert not at.exception
    assert "Keine Projekte" in at.info[0].value
    assert len(drawn_charts(at)) == 0


@pytest.mark.parametrize("broken", ["missing_folder", "empty_projects"])
def test_invalid_data_folder_shows_the_report(monkeypatch, tmp_path, broken, copy_of_bundled):
    folder = tmp_path / "nowhere"
    if broken == "empty_projects":
        folder = copy_of_bundled
        (folder / "projects.csv").write_text("")
    at = run_app(monkeypatch, folder)
    assert not at.exception
    assert "konnten nicht geladen werden" in at.error[0].value
    report = at.dataframe[0].value
    assert len(report) >= 1
    assert set(report.columns) >= {"file", "row", "column", "value", "expected"}


def test_language_switch_lives_in_the_link(monkeypatch):
    at = run_app(monkeypatch, params={"lang": "EN", "state": "Niedersachsen"})
    assert not at.exception
    assert metric_values(at)["Projects"] == "8"
    assert at.markdown[0].value.startswith("**8 projects in Lower Saxony")
    assert at.query_params["lang"] == "EN"
    at.sidebar.button_group[0].set_value("DE").run()
    assert "Projekte" in metric_values(at)  # (the URL update itself is the browser's job)


def test_page_icon_is_the_local_icon_inline():
    # a data URL: the browser asks no server for the favicon, not even ours on each run
    prefix, encoded = PAGE_ICON.split(",", 1)
    assert prefix == "data:image/png;base64"
    assert base64.b64decode(encoded) == (ROOT / "static" / "icon.png").read_bytes()
