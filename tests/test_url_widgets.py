"""components.url_widgets: a widget's id lives in the link, not its label."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from atlas.text import t


def _app():
    import streamlit as st

    from components.url_widgets import ignored_in_link, url_widget

    labels = {"points": "Punkte", "states": "Länder"}
    mode = url_widget(
        st.segmented_control,
        "Ansicht",
        list(labels),
        key="map_mode",
        param="mode",
        default="points",
        label_of=labels.get,
    )
    st.write(f"mode={mode}")
    for value in ignored_in_link("mode"):
        st.warning(value)
    url_widget(st.slider, "Gewicht", 0.0, 1.0, value=0.5, key="w_near")


def _run(params: dict) -> AppTest:
    at = AppTest.from_function(_app)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_a_link_opens_the_option_it_names_by_id():
    at = _run({"mode": "states"})
    assert at.markdown[0].value == "mode=states"
    assert at.query_params["mode"] == "states"  # the id, never the label "Länder"


def test_the_default_stays_out_of_the_link_and_a_choice_goes_in():
    at = _run({})
    assert at.markdown[0].value == "mode=points" and "mode" not in at.query_params
    at.button_group(key="map_mode").set_value("states").run()
    assert at.query_params["mode"] == "states"


def test_an_unknown_id_is_reported_and_dropped():
    at = _run({"mode": "nowhere"})
    assert at.markdown[0].value == "mode=points"
    assert [w.value for w in at.warning] == ["nowhere"]
    assert "mode" not in at.query_params


def test_numbers_use_streamlits_binding_with_the_key_as_parameter():
    at = _run({"w_near": "0.8"})
    assert at.slider(key="w_near").value == 0.8


@pytest.mark.parametrize("lang", ["DE", "EN"])
def test_a_data_section_link_names_the_section_by_id_in_either_language(monkeypatch, lang):
    from tests.apptest import metric_values, run_app

    at = run_app(monkeypatch, page="data", params={"section": "coverage", "lang": lang})
    assert not at.exception
    assert at.button_group(key="section").value == "coverage"
    assert t("data.cov_complete", lang.lower()) in metric_values(at)
    assert at.query_params["section"] == "coverage"


def test_the_language_switch_shows_german_when_the_link_names_none(monkeypatch):
    """A bound widget keeps its default: the switch marks DE as chosen, not nothing."""
    from tests.apptest import run_app

    at = run_app(monkeypatch)
    switch = next(w for w in at.get("button_group") if w.key == "lang")
    assert switch.value == "DE"
