"""Sections of the map page: settings, the deck with selection, the legend, the panel for
a selected place, the table alternative and the PNG download."""

from __future__ import annotations

import pandas as pd
import plotly.io as pio
import streamlit as st

from atlas import fmt, geo
from atlas.filters import Filters
from atlas.network import Network
from atlas.profiles import projects_of
from atlas.text import escape_markdown, t
from components.links import profile_url
from components.map_deck import (
    ARC_COLOUR,
    INITIAL_VIEW,
    build_deck,
    describe_areas,
    describe_links,
    describe_points,
    legend_markdown,
    point_colours,
    scale_svg,
    tip,
)
from components.page import lazy_expander
from components.static_map import static_map
from components.url_widgets import url_widget

MODES = ("points", "states", "districts")
COLOURS = ("phase", "cohort", "topic")
MEASURES = ("projects", "funding")


def choice(label_key: str, options: tuple, param: str, default: str, lang: str, column) -> str:
    """A segmented control whose value (an id, not its label) lives in the link."""
    with column:
        return url_widget(
            st.segmented_control,
            t(label_key, lang),
            options,
            key=f"map_{param}",
            param=param,
            default=default,
            label_of=lambda o: t(f"{label_key}.{o}", lang),
        )


def settings(lang: str) -> tuple[str, str, str]:
    left, middle, right = st.columns([4, 4, 2])
    mode = choice("map.mode", MODES, "mode", "points", lang, left)
    colour = (
        choice("map.colour", COLOURS, "colour", "phase", lang, middle)
        if mode == "points"
        else "phase"
    )
    measure = (
        choice("map.measure", MEASURES, "measure", "projects", lang, middle)
        if mode != "points"
        else "projects"
    )
    return mode, colour, measure


def member_points(network: Network, view: Network, filters: Filters, lang: str) -> pd.DataFrame:
    """The members with their tooltips, computed once per data, filters and language in
    this session: a click on the map, a panel button or a mode switch reruns the page
    with the same view, and at 11,000 members this is most of a run. The memo holds the
    network itself, so a reload of the data (a new object) is never mistaken for it."""
    memo = st.session_state.get("_map_points")
    if memo and memo[0] is network and memo[1] == filters and memo[2] == lang:
        return memo[3]
    points = describe_points(geo.member_points(view), lang)
    st.session_state["_map_points"] = (network, filters, lang, points)
    return points


def map_layers(network, view, filters, mode, measure, lang) -> tuple:
    """(member points, areas, peak, links, partner organisations) for the deck: members in
    points mode only; the area modes need just the counts per area."""
    points = member_points(network, view, filters, lang) if mode == "points" else None
    areas, peak = geo.choropleth(view, mode, measure) if mode != "points" else (None, 0.0)
    if areas is not None:
        areas = describe_areas(areas, mode, measure, lang)
    links = describe_links(geo.links(view), lang)
    return points, areas, peak, links, organisation_points(view)


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
            "name": orgs["name"],
            "kind": orgs["kind"].fillna(""),
            "tip": [tip(n, k) for n, k in zip(orgs["name"], orgs["kind"].fillna(""), strict=True)],
        }
    )


def view_state(points: pd.DataFrame, filters: Filters, lang: str) -> dict:
    """Germany, or the data's extent: kept in the session, so changing a filter never makes
    the map jump. A link that opens the map on a region (?state=...) starts fitted to it,
    and so does every slide; after that only the buttons move the map."""
    # each slide of a slide show is a view of its own and starts from its own filters
    origin = (st.query_params.get("show"), st.query_params.get("slide"))
    if "map_view" not in st.session_state or st.session_state.get("map_view_origin") != origin:
        st.session_state["map_view"] = (
            geo.fit_view(points) if filters.states or filters.districts else INITIAL_VIEW
        )
        st.session_state["map_view_origin"] = origin
    if st.button(t("map.fit", lang), key="map_fit", width="stretch"):
        _move_to(geo.fit_view(points))
    if st.button(t("map.reset_view", lang), key="map_whole", width="stretch"):
        _move_to(INITIAL_VIEW)
    return st.session_state["map_view"]


def _move_to(target: dict) -> None:
    """The chart moves only when the view it is given differs from the last one; the user
    may have panned since, so a press of the same button must still differ: a zoom step
    too small to see, alternating, makes sure it does."""
    presses = st.session_state.get("map_view_presses", 0) + 1
    st.session_state["map_view_presses"] = presses
    st.session_state["map_view"] = {**target, "zoom": target["zoom"] + (presses % 2) * 1e-4}


def legend(
    mode: str,
    colour: str,
    measure: str,
    points: pd.DataFrame | None,
    peak: float,
    lang: str,
    organisations: int = 0,
    links: int = 0,
) -> None:
    """Beside the map, so it is on screen with it: the colours (an image in exactly the
    map's colours), what size means, and the boundaries' attribution."""
    if mode == "points":
        _, palette = point_colours(points, colour)
        entries = [
            (_label(colour, value, lang), hex_colour, "dot")
            for value, hex_colour in palette.items()
        ]
        if organisations:
            entries.append((t("map.legend.organisation", lang), "#000000", "ring"))
        if links:
            entries.append((t("map.legend.link", lang), ARC_COLOUR, "arc"))
        st.markdown(f"**{t(f'map.colour.{colour}', lang)}**")
        st.markdown(legend_markdown(entries))
        st.caption(t("map.legend_points", lang))
    else:
        peak_text = fmt.euro(peak, lang) if measure == "funding" else fmt.number(peak, lang)
        st.markdown(f"**{t(f'map.measure.{measure}', lang)}**")
        st.image(scale_svg(fmt.number(0, lang), peak_text), width="stretch")
        st.caption(t("map.legend_areas", lang))
    st.caption(t("map.attribution", lang))


def _label(colour: str, value: str, lang: str) -> str:
    if value == "–":
        return t("map.legend.none", lang)
    if value == "…":
        return t("map.legend.other", lang)
    if colour == "phase":
        return t(f"phase.{value}", lang)
    if colour == "topic":
        return t(f"topic.{value}", lang)
    return value


def selected_panel(network: Network, state, mode: str, lang: str) -> None:
    """What was clicked: a member (points mode) or an area (area modes), its projects as
    links to their profiles, and one button that makes it the region filter. A selection
    left over from another mode or older data is ignored."""
    objects = (state or {}).get("selection", {}).get("objects", {}) if state else {}
    member = (objects.get("members") or [None])[0] if mode == "points" else None
    area = (objects.get("areas") or [None])[0] if mode != "points" else None
    munis = network.municipalities.set_index("id")
    if member and member.get("id") in munis.index:
        record = munis.loc[member["id"]]
        st.markdown(f"**{escape_markdown(t('map.selected', lang, name=record['name']))}**")
        where = " · ".join(str(x) for x in (record["kind"], record["state"]) if x and x == x)
        st.caption(escape_markdown(where))
        _project_links(projects_of(network, member["id"]).sort_values("name"), lang)
        st.link_button(t("profiles.open", lang), profile_url("municipality", member["id"]))
        if record["state"]:
            st.button(
                t("map.apply_region", lang),
                on_click=_apply_region,
                args=(record["state"], record["district"] or None),
                key="apply_region",
            )
    elif area:
        props = area.get("properties", {})
        name = props.get("label") or props.get("name")
        st.markdown(f"**{escape_markdown(t('map.selected', lang, name=name))}**")
        key = props.get("ags") if mode == "districts" else props.get("name")
        _project_links(geo.projects_in_area(network, mode, key), lang)
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


def _project_links(projects: pd.DataFrame, lang: str, limit: int = 12) -> None:
    """The projects as links to their profiles; a long list is cut, the rest counted."""
    if projects.empty:
        st.caption(t("map.no_projects", lang))
        return
    lines = [
        f"- [{escape_markdown(row.name)}]({profile_url('project', row.id)})"
        for row in projects.head(limit).itertuples()
    ]
    if len(projects) > limit:
        lines.append(f"- {t('map.more_projects', lang, n=fmt.number(len(projects) - limit, lang))}")
    st.markdown("\n".join(lines))


def _apply_region(state: str, district: str | None) -> None:
    # a callback runs before the sidebar is drawn, so the filter widgets can take it
    st.session_state["f_state"] = [state]
    st.session_state["f_district"] = [district] if district else []


def table_alternative(
    points: pd.DataFrame | None,
    areas: dict | None,
    links: pd.DataFrame,
    organisations: pd.DataFrame,
    mode: str,
    measure: str,
    lang: str,
) -> None:
    """What the map shows, as tables: members (or areas), then links and partners."""

    def tables() -> None:
        if mode == "points":
            table = pd.DataFrame(
                {
                    t("map.col.name", lang): points["name"],
                    t("map.col.kind", lang): points["kind"],
                    t("map.col.state", lang): points["state"],
                    t("map.col.district", lang): points["district"],
                    t("map.col.projects", lang): points["projects"],
                    t("map.col.phase", lang): [t(f"phase.{p}", lang) for p in points["phase"]],
                    t("map.col.topics", lang): [
                        ", ".join(t(f"topic.{x}", lang) for x in ts) for ts in points["topic_list"]
                    ],
                }
            ).sort_values([t("map.col.state", lang), t("map.col.name", lang)])
        else:
            features = areas["features"] if areas else []
            value = t(f"map.measure.{measure}", lang)
            table = pd.DataFrame(
                {
                    t(f"map.kind.{mode}", lang): [
                        f["properties"].get("label", f["properties"]["name"]) for f in features
                    ],
                    t("map.col.state", lang): [
                        f["properties"].get("state", f["properties"]["name"]) for f in features
                    ],
                    value: [f["properties"]["value"] for f in features],
                }
            ).sort_values(value, ascending=False)
        st.dataframe(table, hide_index=True, width="stretch")
        if len(links):
            st.markdown(f"**{t('map.legend.link', lang)}**")
            st.dataframe(
                pd.DataFrame(
                    {
                        t("map.col.between", lang): links["name"],
                        t("map.col.kind", lang): links["kind"],
                        t("map.col.date", lang): [fmt.date(d, lang) for d in links["date"]],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
        if len(organisations):
            st.markdown(f"**{t('map.legend.organisation', lang)}**")
            st.dataframe(
                pd.DataFrame(
                    {
                        t("map.col.name", lang): organisations["name"],
                        t("map.col.kind", lang): organisations["kind"],
                    }
                ),
                hide_index=True,
                width="stretch",
            )

    lazy_expander(t("map.table", lang), "map_table", tables)


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
