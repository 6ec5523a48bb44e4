"""Sections of the map page: settings, the deck with selection, the legend, the panel for
a selected place, the table alternative and the PNG download."""

from __future__ import annotations

import html

import pandas as pd
import plotly.io as pio
import streamlit as st

from atlas import fmt, geo
from atlas.network import Network
from atlas.profiles import projects_of
from atlas.text import escape_markdown, t
from components.links import profile_url
from components.map_deck import build_deck, point_colours
from components.static_map import static_map
from components.url_state import seed_from_url, write_to_url

MODES = ("points", "states", "districts")
COLOURS = ("phase", "cohort", "topic")
MEASURES = ("projects", "funding")


def choice(label_key: str, options: tuple, param: str, default: str, lang: str, column) -> str:
    """A segmented control whose value (an id, not its label) lives in the link."""
    key = f"map_{param}"
    seed_from_url(param, key, set(options))
    st.session_state.setdefault(key, default)
    with column:
        value = (
            st.segmented_control(
                t(label_key, lang),
                options,
                format_func=lambda o: t(f"{label_key}.{o}", lang),
                key=key,
            )
            or default
        )
    write_to_url(param, value if value != default else None)
    return value


def settings(lang: str) -> tuple[str, str, str]:
    left, middle, right = st.columns([4, 3, 3])
    mode = choice("map.mode", MODES, "mode", "points", lang, left)
    colour = (
        choice("map.colour", COLOURS, "colour", "phase", lang, middle)
        if mode == "points"
        else "phase"
    )
    measure = (
        choice("map.measure", MEASURES, "measure", "projects", lang, right)
        if mode != "points"
        else "projects"
    )
    return mode, colour, measure


def organisation_points(view: Network) -> pd.DataFrame:
    orgs = view.organisations.dropna(subset=["lat", "lon"])
    linked = (
        set(view.cooperations["a_id"])
        | set(view.cooperations["b_id"])
        | {p for ids in view.events["participant_ids"] for p in ids}
    )
    orgs = orgs[orgs["id"].isin(linked)]
    return pd.DataFrame(
        {
            "lon": orgs["lon"],
            "lat": orgs["lat"],
            "name_plain": orgs["name"],
            "name_html": orgs["name"].map(html.escape),
            "kind_html": orgs["kind"].fillna("").map(html.escape),
            "state_html": "",
            "district_html": "",
            "project_names_html": "",
        }
    )


def view_state(points: pd.DataFrame, lang: str) -> dict:
    """Germany, or the data's extent after "zoom to data": kept in the session, so changing
    a filter never makes the map jump."""
    fit, whole = st.columns([1, 1])
    if fit.button(t("map.fit", lang), key="map_fit"):
        st.session_state["map_view"] = geo.fit_view(points)
    if whole.button(t("map.reset_view", lang), key="map_whole"):
        st.session_state["map_view"] = None
    return st.session_state.get("map_view") or {"latitude": 51.2, "longitude": 10.4, "zoom": 5.0}


def legend(
    mode: str, colour: str, measure: str, points: pd.DataFrame, peak: float, lang: str
) -> None:
    if mode == "points":
        _, palette = point_colours(points, colour)
        swatches = " ".join(
            f":{_swatch(hex_colour)}[■] {escape_markdown(t(f'phase.{label}', lang) if colour == 'phase' else (t(f'topic.{label}', lang) if colour == 'topic' else label))}"
            for label, hex_colour in palette.items()
        )
        st.markdown(swatches)
        st.caption(t("map.legend_points", lang))
    else:
        peak_text = fmt.euro(peak, lang) if measure == "funding" else fmt.number(peak, lang)
        st.caption(
            escape_markdown(
                t(
                    "map.legend_areas",
                    lang,
                    measure=t(f"map.measure.{measure}", lang),
                    peak=peak_text,
                )
            )
        )
    st.caption(t("map.attribution", lang))


def _swatch(hex_colour: str) -> str:
    """Streamlit's named colours nearest to our palette (markdown cannot take hex codes)."""
    return {
        "#E69F00": "orange",
        "#0072B2": "blue",
        "#56B4E9": "blue",
        "#009E73": "green",
        "#CC79A7": "violet",
        "#D55E00": "red",
        "#F0E442": "orange",
        "#000000": "gray",
    }.get(hex_colour, "gray")


def selected_panel(network: Network, state, mode: str, lang: str) -> None:
    objects = (state or {}).get("selection", {}).get("objects", {}) if state else {}
    member = (objects.get("members") or [None])[0]
    area = (objects.get("areas") or [None])[0]
    if member:
        record = network.municipalities.set_index("id").loc[member["id"]]
        st.markdown(f"**{escape_markdown(t('map.selected', lang, name=record['name']))}**")
        projects = projects_of(network, member["id"])
        for row in projects.itertuples():
            st.markdown(f"- [{escape_markdown(row.name)}]({profile_url('project', row.id)})")
        st.link_button(t("profiles.open", lang), profile_url("municipality", member["id"]))
        if record["district"]:
            st.button(
                t("map.apply_region", lang),
                on_click=_apply_region,
                args=(record["state"], record["district"]),
                key="apply_region",
            )
    elif area:
        props = area.get("properties", {})
        name = props.get("label") or props.get("name")
        st.markdown(f"**{escape_markdown(t('map.selected', lang, name=name))}**")
        state_name = props.get("state") or props.get("name")
        district = props.get("label") if mode == "districts" else None
        st.button(
            t("map.apply_region", lang),
            on_click=_apply_region,
            args=(state_name, district),
            key="apply_region",
        )
    else:
        st.caption(t("map.select_hint", lang))


def _apply_region(state: str, district: str | None) -> None:
    # a callback runs before the sidebar is drawn, so the filter widgets can take it
    st.session_state["f_state"] = [state]
    st.session_state["f_district"] = [district] if district else []


def table_alternative(points: pd.DataFrame, areas: dict | None, mode: str, lang: str) -> None:
    with st.expander(t("map.table", lang)):
        if mode == "points":
            table = pd.DataFrame(
                {
                    t("map.col.name", lang): points["name"],
                    t("map.col.kind", lang): points["kind"],
                    t("map.col.state", lang): points["state"],
                    t("map.col.district", lang): points["district"],
                    t("map.col.projects", lang): points["projects"],
                    t("map.col.phase", lang): [t(f"phase.{p}", lang) for p in points["phase"]],
                }
            )
        else:
            features = areas["features"] if areas else []
            table = pd.DataFrame(
                {
                    t("map.col.name", lang): [
                        f["properties"].get("label", f["properties"]["name"]) for f in features
                    ],
                    t("map.col.value", lang): [f["properties"]["value"] for f in features],
                }
            ).sort_values(t("map.col.value", lang), ascending=False)
        st.dataframe(table, hide_index=True, width="stretch")


def png_download(view: Network, lang: str) -> None:
    """A static rendering of the map (plotly + kaleido on the server), for slides and mails."""
    if st.button(t("map.png_make", lang), key="map_png"):
        figure = static_map(view, t("map.png_title", lang), lang)
        png = pio.to_image(figure, format="png", width=900, height=1040)
        st.download_button(
            t("map.png_download", lang),
            png,
            "netzwerkatlas-karte.png",
            "image/png",
            key="map_png_download",
        )


__all__ = [
    "build_deck",
    "legend",
    "png_download",
    "selected_panel",
    "settings",
    "table_alternative",
    "view_state",
]
