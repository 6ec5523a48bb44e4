"""Sections of the map page: settings, the deck with selection, the legend, the panel for
a selected place, the table alternative and the PNG download; `map_section` puts them
together. Where the map looks (its size, the fitted view, the user's view) is
components/map_viewport.py."""

from __future__ import annotations

import pandas as pd
import plotly.io as pio
import streamlit as st

from atlas import fmt, geo
from atlas.filters import Filters
from atlas.network import Network
from atlas.profiles import projects_of
from atlas.text import escape_markdown, t
from components.asof import show_as_of
from components.data import view_inputs
from components.links import profile_url
from components.map_chart import drawn_deck, map_chart
from components.map_deck import (
    HOLLOW,
    PHASE_OUTLINES,
    basemap_style,
    build_deck,
    describe_areas,
    describe_links,
    describe_points,
    legend_markdown,
    point_colours,
    scale_svg,
    tip,
)
from components.map_labels import LABEL_PX
from components.map_viewport import (
    MAP_HEIGHT,
    named_view,
    take_reports,
    view_state,
)
from components.memo import shared
from components.page import lazy_expander
from components.payload import short_tips
from components.present import is_presenting
from components.static_map import static_map
from components.url_widgets import url_widget

MODES = ("points", "states", "districts")
COLOURS = ("phase", "cohort", "topic")
MEASURES = ("projects", "funding")


def choice(label_key: str, options: tuple, param: str, default: str, lang: str, column) -> str:
    """A drop-down whose value (an id, not its label) lives in the link: one line high,
    so settings, map and legend fit on a 1280x720 projector screen together."""
    with column:
        return url_widget(
            st.selectbox,
            t(label_key, lang),
            options,
            key=f"map_{param}",
            param=param,
            default=default,
            label_of=lambda o: t(f"{label_key}.{o}", lang),
        )


def settings(lang: str, place=None) -> tuple[str, str, str]:
    """The map's settings, one under the other in `place` (beside the map, so the map
    starts right under the page's title), or in a row above the map."""
    if place is None:
        left, middle, _ = st.columns([4, 4, 2])
    else:
        left = middle = place
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
    """The members with their tooltips, computed once per data, filters and language for
    every session (components.memo.shared): a click on the map, a panel button or a mode
    switch reruns the page with the same view, and at 11,000 members this is most of a
    run. The data version in view_inputs() tells a reload of the data apart."""
    return shared(
        "map_points", view_inputs(), lambda: describe_points(geo.member_points(view), lang)
    )


def map_layers(network, view, filters, mode, measure, lang) -> tuple:
    """(member points, areas, peak, links, partner organisations, faded partners) for the
    deck: members in points mode only; the area modes need just the counts per area.
    Links reach partners outside the filter (drawn faded); an organisation is shown when
    a shown link ends at it."""
    points = member_points(network, view, filters, lang) if mode == "points" else None
    areas, peak = geo.choropleth(view, mode, measure) if mode != "points" else (None, 0.0)
    if areas is not None:
        areas = describe_areas(areas, mode, measure, lang)
    links = describe_links(geo.links(view, network), lang)
    faded = geo.faded_partners(links)
    return points, areas, peak, links, organisation_points(network, links), faded


def organisation_points(network: Network, links: pd.DataFrame) -> pd.DataFrame:
    orgs = network.organisations.dropna(subset=["lat", "lon"])
    linked = set(links["a_id"]) | set(links["b_id"])
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


MAP_CSS = (
    f"<style>.atlas-map {{ height: max({MAP_HEIGHT}px, calc(100vh - 250px)) !important; }}"
    # the attribution's link told apart from its text by more than colour
    ".atlas-map .maplibregl-ctrl-attrib a { text-decoration: underline; }</style>"
)


def legend(
    mode: str,
    colour: str,
    measure: str,
    points: pd.DataFrame | None,
    peak: float,
    lang: str,
    organisations: int = 0,
    links: pd.DataFrame | None = None,
    faded: int = 0,
) -> None:
    """Beside the map, so it is on screen with it: the colours (an image in exactly the
    map's colours), the organisations' diamonds and the links drawn over them, what size
    means, and the boundaries' attribution."""
    marks = []  # drawn in either mode; partners outside the filter on the points only
    if organisations:
        marks.append((t("map.legend.organisation", lang), "#000000", "diamond"))
    if faded and mode == "points":
        marks.append((t("map.legend.faded", lang), "#6E6E6E", "faded"))
    kinds = [k for k in geo.LINK_KINDS if links is not None and (links["category"] == k).any()]
    marks += [(t(f"map.link.{k}", lang), "", f"link:{k}") for k in kinds]
    if mode == "points":
        _, palette = point_colours(points, colour)
        entries = [
            (_label(colour, value, lang), hex_colour, _phase_shape(colour, value))
            for value, hex_colour in palette.items()
        ]
        st.markdown(f"**{t(f'map.colour.{colour}', lang)}**")
        st.markdown(legend_markdown(entries + marks))
        st.caption(t("map.legend_points", lang))
    else:
        peak_text = fmt.euro(peak, lang) if measure == "funding" else fmt.number(peak, lang)
        st.markdown(f"**{t(f'map.measure.{measure}', lang)}**")
        st.image(scale_svg(fmt.number(0, lang), peak_text), width="stretch")
        if marks:
            st.markdown(legend_markdown(marks))
        # a slide hides the table below the map
        st.caption(t("map.legend_areas_slide" if is_presenting() else "map.legend_areas", lang))
    st.caption(t("map.attribution", lang))


def _phase_shape(colour: str, value: str) -> str:
    if colour != "phase":
        return "dot"
    if value in HOLLOW:
        return "hollow"
    return "thick" if value in PHASE_OUTLINES else "dot"


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
                    t("map.col.kind", lang): [
                        t(f"kind.{k}", lang) if k else "" for k in points["kind"].fillna("")
                    ],
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
                        t("map.col.kind", lang): [
                            t(f"map.link.{k}", lang) for k in links["category"]
                        ],
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
    "MAP_CSS",
    "MAP_HEIGHT",
    "build_deck",
    "legend",
    "map_section",
    "png_download",
    "selected_panel",
    "settings",
    "table_alternative",
]


def configured_style() -> str:
    """The base map's style: the local blank one unless the environment or the secrets
    name a tile basemap."""
    return basemap_style(dict(st.secrets) if st.secrets.load_if_toml_exists() else None)


def map_section(network: Network, view: Network, filters: Filters, lang: str) -> None:
    """The map beside its panel (top to bottom: settings, legend, the view's buttons, the
    selection), then the table alternative. A slide shows the map and its legend only."""
    # the map takes the screen's height below the title (at least MAP_HEIGHT): on a 1080p
    # projector all of Germany fits; our own static CSS, no data in it
    st.html(MAP_CSS)
    chart, panel = st.columns([3, 1])
    settings_box, legend_box, buttons_box, selection_box = (panel.container() for _ in range(4))
    chart_box = chart.container()
    mode, colour, measure = settings(lang, settings_box)
    inputs = (view_inputs(), mode, measure)
    points, areas, peak, links, orgs, faded = shared(
        "map_layers", inputs, lambda: map_layers(network, view, filters, mode, measure, lang)
    )
    presenting = is_presenting()
    # the size the map reported, else the one assumed: the view is fitted to it from the
    # first run (a map of another size reports its size and shows its base only until it
    # is drawn for it)
    size = take_reports(st.session_state.get("map"), presenting)
    with buttons_box:
        where = view_state(geo.located(view.municipalities), filters, lang, size, presenting)
    named = named_view() or where
    style = configured_style()
    drawn = shared(
        "map_drawn",
        (inputs, colour, where, named, style, presenting, size),
        lambda: drawn_deck(
            build_deck(
                short_tips(points),
                links,
                orgs,
                mode,
                colour,
                view=where,
                names_for=named,
                style=style,
                choropleth=areas,
                faded=faded,
                label_px=LABEL_PX[presenting],
                map_size=size,
            )
        ),
    )
    with chart_box:
        state = map_chart(
            drawn,
            key="map",
            height=MAP_HEIGHT,
            alt=t(
                "map.alt",
                lang,
                members=len(view.municipalities),
                links=len(links),
                orgs=len(orgs),
            ),
            size=size,
        )
    state = {"selection": (state or {}).get("selection") or {}}
    if not presenting:
        with selection_box:
            selected_panel(network, state, mode, lang)
            png_download(view, lang)
    with legend_box:
        legend(
            mode,
            colour,
            measure,
            points,
            peak,
            lang,
            organisations=len(orgs),
            links=links,
            faded=len(faded),
        )
        show_as_of(network, lang)
    if not presenting:
        table_alternative(points, areas, links, orgs, mode, measure, lang)
