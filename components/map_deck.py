"""The map as a pydeck Deck: boundaries, choropleth or points, links, partner organisations.

Built without Streamlit running, so tests can look at the spec. Tooltips are plain text
(deck.gl sets them with innerText), so text from data can never become markup; each row
carries its whole tooltip in one `tip` column.
"""

from __future__ import annotations

import base64
import functools
import html
import json
import os
import weakref

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from atlas import fmt, geo
from atlas.schema import TOPICS
from atlas.status import PHASES_NOW
from atlas.text import escape_markdown, t
from components.payload import area_fill
from components.theme import GREY, OKABE_ITO, PHASE_COLOURS, SEQUENTIAL

# Served by the app itself, so no request leaves the machine. The boundaries go by URL
# too: the browser caches them, and a rerun does not send 1.7 MB of outlines again.
LOCAL_STYLE = "/app/static/map-style.json"
STATES_URL = "/app/static/geo/states.geojson"
DISTRICTS_URL = "/app/static/geo/districts.geojson"
INITIAL_VIEW = {"latitude": 51.2, "longitude": 10.4, "zoom": 5.0}
TOOLTIP = {
    "text": "{tip}",
    # centred under the pointer (CSS `translate` adds to the position deck.gl sets with
    # `transform`): a place near the map's right edge no longer has its tooltip cut off
    "style": {
        "fontSize": "15px",
        "maxWidth": "240px",
        "overflowWrap": "anywhere",
        "whiteSpace": "pre-line",
        "translate": "-50% 16px",
    },
}
ARC_COLOUR = "#D55E00"
# Link kinds told apart by colour and by dash and width, so they read in greyscale and
# never look like a phase: (colour, width in pixels, dash as [dash, gap] in line widths).
LINK_STYLES = {
    "joint": ("#000000", 5, [1, 0]),
    "cooperation": ("#D55E00", 3, [1, 0]),
    "visit": ("#CC79A7", 3, [4, 2]),
    "support": ("#5A5A5A", 3, [1, 1.5]),
    "suggestion": ("#8C8C8C", 2, [6, 3]),
}
# Phases by outline as well as colour: a finished project's dot has a thick black ring,
# an unknown phase is hollow (white with a grey ring), the others a thin dark outline.
PHASE_OUTLINES = {"Abgeschlossen": ("#000000", 3.0), "Unbekannt": (GREY, 3.0)}
HOLLOW = {"Unbekannt"}
LABEL_LIMIT = 45  # names at most: more would not be read from the back of a room
LABEL_SIZE = 15
# Okabe-Ito without black (the partner organisations' ring) for cohorts and topics
DISTINCT = tuple(c for c in OKABE_ITO if c != "#000000")
NONE_GREY = "#D0D0D0"
# The arcs rise above the ground, so with depth testing they would hide the partner rings
# and labels drawn after them; these draw over whatever was drawn before.
ON_TOP = {"depthCompare": "always"}
# Member dots are sized in metres, so they grow and shrink with the zoom (dense areas such
# as the Ruhr come apart when zoomed in), clamped to stay visible and never cover a city.
RADIUS_METRES = 7000
RADIUS_PIXELS = (4, 24)


class CompactDeck(pdk.Deck):
    """pydeck pretty-prints its JSON (indent=2), which triples what a map sends to the
    browser; the same spec without the whitespace. A deck is built once per view and
    never changed afterwards (the page remembers it between reruns), so its JSON is made
    once too: at 11,000 members that is most of a rerun's time."""

    def to_json(self) -> str:
        # kept beside the deck, not on it: pydeck serialises every attribute it carries
        if self not in _DECK_JSON:
            _DECK_JSON[self] = json.dumps(
                self,
                sort_keys=True,
                default=default_serialize,
                separators=(",", ":"),
                ensure_ascii=False,  # "·" and umlauts as UTF-8, not six-byte escapes
            )
        return _DECK_JSON[self]


_DECK_JSON: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def basemap_style(secrets: dict | None = None) -> str:
    """The local blank style, unless a tile basemap is configured (ATLAS_BASEMAP_STYLE in
    the environment or basemap.style in .streamlit/secrets.toml, with its key in the URL)."""
    configured = os.environ.get("ATLAS_BASEMAP_STYLE") or (
        (secrets or {}).get("basemap", {}) or {}
    ).get("style")
    return configured or LOCAL_STYLE


def rgb(hex_colour: str, alpha: int = 230) -> list[int]:
    hex_colour = hex_colour.lstrip("#")
    return [int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def tip(*lines: str) -> str:
    """A tooltip's text: its non-empty lines."""
    return "\n".join(line for line in lines if line)


def _shortened(items: list[str], limit: int, lang: str) -> str:
    shown = ", ".join(items[:limit])
    return shown + (
        f" {t('map.tip.more', lang, n=len(items) - limit)}" if len(items) > limit else ""
    )


def describe_points(points: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Each member's tooltip: name; kind and state; district; projects, leading phase and
    topics; the project names (a long list shortened). Labels are looked up once per
    value, not per member: at 11,000 members that halves the time."""
    label = functools.cache(lambda key: t(key, lang))
    template = t("map.tip.member", lang)
    tips = [
        tip(
            name,
            " · ".join(
                x
                for x in (
                    label(f"kind.{kind}") if kind else "",
                    label(f"state.{state}") if state else "",
                )
                if x
            ),
            district if district != name else "",
            template.format(
                projects=fmt.number(n, lang),
                phase=label(f"phase.{phase}"),
                topics=_shortened([label(f"topic.{x}") for x in topics], 3, lang) or "–",
            ),
            _shortened(names, 4, lang),
        )
        for name, kind, state, district, n, phase, topics, names in zip(
            points["name"].fillna("").astype(str).tolist(),
            points["kind"].fillna("").astype(str).tolist(),
            points["state"].fillna("").astype(str).tolist(),
            points["district"].fillna("").astype(str).tolist(),
            points["projects"].tolist(),
            points["phase"].tolist(),
            points["topic_list"],
            points["project_names"],
            strict=True,
        )
    ]
    return points.assign(tip=tips)


def describe_links(links: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A link's tooltip: who with whom, what kind of link, and when (German date). In
    German the data's own word for the kind ("Kooperationsverbund"), else the map's kind."""
    kinds = links["kind"].fillna("").astype(str)
    if lang != "de" and "category" in links:
        kinds = links["category"].map(lambda c: t(f"map.link.{c}", lang))
    tips = [
        tip(name, " · ".join(x for x in (kind, fmt.date(date, lang) if date else "") if x))
        for name, kind, date in zip(
            links["name"],
            kinds,
            links["date"].map(lambda d: d if isinstance(d, str) else ""),
            strict=True,
        )
    ]
    return links.assign(tip=tips)


def describe_areas(areas: dict, level: str, measure: str, lang: str) -> dict:
    """The choropleth's tooltip: the area's name, its level and state, and its value."""
    kind = t(f"map.kind.{level}", lang)
    for feature in areas["features"]:
        props = feature["properties"]
        value = props["value"]
        shown = fmt.euro(value, lang) if measure == "funding" else fmt.number(value, lang)
        props["tip"] = tip(
            props.get("label", props["name"]),
            " · ".join(x for x in (kind, props.get("state", "")) if x),
            f"{t(f'map.measure.{measure}', lang)}: {shown}",
        )
    return areas


def point_colours(points: pd.DataFrame, colour_by: str) -> tuple[list, dict[str, str]]:
    """Fill colour per point and the legend (value -> hex, in legend order) for phase,
    cohort or first topic. Seven distinct colours at most, so no two legend entries share
    one: the most frequent values get them, the rest are "…" (others, grey); "–" is none."""
    if colour_by == "cohort":
        values = points["cohort"].map(lambda c: "–" if pd.isna(c) else str(int(c)))
    elif colour_by == "topic":
        values = points["topic_list"].map(lambda ts: ts[0] if ts else "–")
    else:
        values = points["phase"]
    present = set(values)
    if colour_by == "phase":
        order = [p for p in PHASES_NOW if p in present]
        order += sorted(present - set(order))
        palette = {v: PHASE_COLOURS.get(v, GREY) for v in order}
    else:
        frequent = values[values != "–"].value_counts(sort=True)
        chosen = set(frequent.index[: len(DISTINCT)])

        def rank(v: str) -> tuple:
            return (TOPICS.index(v) if v in TOPICS else len(TOPICS), v)

        palette = {v: DISTINCT[i] for i, v in enumerate(sorted(chosen, key=rank))}
        if present - chosen - {"–"}:
            palette["…"] = GREY
        if "–" in present:
            palette["–"] = NONE_GREY
        values = values.map(lambda v: v if v in palette else "…")
    fill = {v: rgb(hex_colour) for v, hex_colour in palette.items()}
    if colour_by == "phase":  # hollow: told apart by shape, not only by its grey
        fill.update({v: rgb("#FFFFFF") for v in HOLLOW if v in fill})
    return [fill[v] for v in values], palette


def build_deck(
    points: pd.DataFrame | None,
    links: pd.DataFrame,
    organisations: pd.DataFrame,
    mode: str,
    colour_by: str,
    view: dict | None = None,
    style: str = LOCAL_STYLE,
    choropleth: dict | None = None,
    faded: pd.DataFrame | None = None,
) -> pdk.Deck:
    """mode: "points", "states" or "districts" (choropleth: `choropleth` is the coloured
    GeoJSON of that level). `faded`: partners outside the filter that a link ends at."""
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            DISTRICTS_URL,
            id="districts",
            stroked=True,
            filled=False,
            get_line_color=[150, 150, 150, 160],
            line_width_min_pixels=0.5,
            pickable=False,
        ),
        pdk.Layer(
            "GeoJsonLayer",
            STATES_URL,
            id="states",
            stroked=True,
            filled=mode == "points",
            get_fill_color=[255, 255, 255, 170],
            get_line_color=[70, 70, 70, 230],
            line_width_min_pixels=1.2,
            pickable=False,
        ),
    ]
    if mode in ("states", "districts") and choropleth is not None:
        # the outlines from the static file the browser already has, coloured per view
        fill, colours_changed = area_fill(choropleth, mode)
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                STATES_URL if mode == "states" else DISTRICTS_URL,
                id="areas",
                stroked=True,
                filled=True,
                get_fill_color=fill,
                update_triggers={"getFillColor": colours_changed},
                get_line_color=[60, 60, 60, 200],
                line_width_min_pixels=0.8,
                pickable=True,
                auto_highlight=True,
            )
        )
    if len(links):
        layers.append(link_layer(links))
    if mode == "points" and faded is not None and len(faded):
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                faded.assign(tip=faded["name"]),
                id="faded_partners",
                get_position=["lon", "lat"],
                get_fill_color=[255, 255, 255, 200],
                get_line_color=[110, 110, 110, 200],
                get_radius=5,
                radius_units='"pixels"',
                stroked=True,
                line_width_min_pixels=2,
                pickable=True,
            )
        )
    if mode == "points" and points is not None and len(points):
        fills, _ = point_colours(points, colour_by)
        outline, outline_width = member_outlines(points, colour_by)
        data = points.assign(
            fill=fills,
            line=outline,
            lw=outline_width,
            radius=(RADIUS_METRES * np.sqrt(points["projects"].clip(lower=1))).round().astype(int),
        )
        # only what the browser draws, shows or hands back on a click (id): at 11,000
        # members every column costs a few hundred kilobytes on every run
        columns = ["id", "lon", "lat", "fill", "line", "lw", "radius", "tip"]
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                data[columns],
                id="members",
                get_position=["lon", "lat"],
                get_fill_color="fill",
                get_radius="radius",
                # quoted: pydeck would take a bare string for a column name ("@@=meters")
                radius_units='"meters"',
                radius_min_pixels=RADIUS_PIXELS[0],
                radius_max_pixels=RADIUS_PIXELS[1],
                stroked=True,
                get_line_color="line",
                get_line_width="lw",
                line_width_units='"pixels"',
                pickable=True,
                auto_highlight=True,
            )
        )
    labels = name_labels(
        points if mode == "points" else None,
        faded if mode == "points" else None,
        organisations,
        (view or INITIAL_VIEW)["zoom"],
    )
    member_labels = labels[~labels["org"].astype(bool)].drop(columns="org")
    if len(member_labels):
        layers.append(
            pdk.Layer(
                "TextLayer",
                member_labels,
                id="member_labels",
                get_position=["lon", "lat"],
                get_text="name",
                get_size=LABEL_SIZE,
                get_color="colour",
                character_set='"auto"',
                font_family="'Source Sans, sans-serif'",
                font_weight=600,
                get_text_anchor='"start"',
                get_alignment_baseline='"center"',
                get_pixel_offset=[9, 0],
                background=True,
                get_background_color=[255, 255, 255, 200],
                background_padding=[3, 1],
                parameters=ON_TOP,
                pickable=False,
            )
        )
    org_labels = labels.loc[labels["org"].astype(bool), ["lon", "lat", "name"]]
    if len(organisations):
        # their own marker kind: a black diamond beside the place, never on a member's
        # dot (Fraunhofer IOSB-INA stands at Lemgo), named next to it
        layers.append(
            pdk.Layer(
                "TextLayer",
                organisations.assign(mark="\u25c6"),
                id="organisations",
                get_position=["lon", "lat"],
                get_text="mark",
                get_size=24,
                character_set='"auto"',
                font_family="'DejaVu Sans, Segoe UI Symbol, sans-serif'",
                get_color=[0, 0, 0, 255],
                get_text_anchor='"middle"',
                get_alignment_baseline='"center"',
                get_pixel_offset=ORG_OFFSET,
                outline_width=2,
                outline_color=[255, 255, 255, 255],
                font_settings={"sdf": True},
                parameters=ON_TOP,
                pickable=True,
            )
        )
        layers.append(
            pdk.Layer(
                "TextLayer",
                org_labels,
                id="organisation_labels",
                get_position=["lon", "lat"],
                get_text="name",
                get_size=LABEL_SIZE,
                character_set='"auto"',
                font_family="'Source Sans, sans-serif'",
                font_weight=600,
                get_color=[0, 0, 0, 255],
                get_text_anchor='"start"',
                get_alignment_baseline='"center"',
                get_pixel_offset=[ORG_OFFSET[0] + 12, ORG_OFFSET[1]],
                background=True,
                get_background_color=[255, 255, 255, 215],
                background_padding=[4, 2],
                parameters=ON_TOP,
                pickable=False,
            )
        )
    return CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(**(view or INITIAL_VIEW)),
        map_style=style,
        # a MapLibre style of our own: no CARTO basemap and no CARTO key in the spec
        map_provider="maplibre",
        tooltip=TOOLTIP,
    )


ORG_OFFSET = [-14, -18]  # up and left of the place: the member's dot stays visible


def member_outlines(points: pd.DataFrame, colour_by: str) -> tuple[list, list]:
    """Outline colour and width per member: in phase colours, by phase as well (thick
    black ring when finished, grey ring when unknown), so two phases never differ by
    colour alone; a thin dark outline otherwise."""
    thin = (rgb("#1E1E1E", 220), 1.0)
    if colour_by != "phase":
        return [thin[0]] * len(points), [thin[1]] * len(points)
    styles = {p: (rgb(c, 255), w) for p, (c, w) in PHASE_OUTLINES.items()}
    chosen = [styles.get(p, thin) for p in points["phase"]]
    return [c for c, _ in chosen], [w for _, w in chosen]


def name_labels(
    points: pd.DataFrame | None,
    faded: pd.DataFrame | None,
    organisations: pd.DataFrame | None,
    zoom: float,
) -> pd.DataFrame:
    """The member names the map shows at this zoom, none overlapping another or an
    organisation's label (atlas.geo.label_choice): all when few, else those with most
    projects; then faded partners outside the filter in grey where room is left."""
    frames = []
    if organisations is not None and len(organisations):
        frames.append(
            pd.DataFrame(
                {
                    "lon": organisations["lon"],
                    "lat": organisations["lat"],
                    "name": organisations["name"].astype(str),
                    # after every member with a project: a partner's long name must not
                    # cost the places their labels (the diamond and tooltip stay)
                    "priority": 0.5,
                    "dx": ORG_OFFSET[0] + 12,
                    "dy": ORG_OFFSET[1],
                    "colour": [[0, 0, 0, 255]] * len(organisations),
                    "org": True,
                }
            )
        )
    if points is not None and len(points):
        frames.append(
            pd.DataFrame(
                {
                    "lon": points["lon"],
                    "lat": points["lat"],
                    "name": points["name"].astype(str),
                    # most projects first; among equals the larger place
                    "priority": points["projects"].astype(float)
                    + pd.to_numeric(points.get("population"), errors="coerce").fillna(0) / 1e8,
                    "dx": 0.0,
                    "dy": 0.0,
                    "colour": [[20, 20, 20, 255]] * len(points),
                    "org": False,
                }
            )
        )
    if faded is not None and len(faded):
        frames.append(
            pd.DataFrame(
                {
                    "lon": faded["lon"],
                    "lat": faded["lat"],
                    "name": faded["name"].astype(str),
                    "priority": -1.0,
                    "dx": 0.0,
                    "dy": 0.0,
                    "colour": [[90, 90, 90, 255]] * len(faded),
                    "org": False,
                }
            )
        )
    columns = ["lon", "lat", "name", "priority", "colour", "org"]
    if not frames:
        return pd.DataFrame(columns=columns)
    places = pd.concat(frames, ignore_index=True).dropna(subset=["lat", "lon"])
    chosen = geo.label_choice(
        places,
        zoom,
        limit=LABEL_LIMIT + (0 if organisations is None else len(organisations)),
        font_px=LABEL_SIZE,
        weight="priority",
    )
    return places.loc[chosen, columns].reset_index(drop=True)


def curve(a: tuple[float, float], b: tuple[float, float], steps: int = 16) -> list:
    """A gentle arc from a to b (lon, lat) as a path, bent to one side by a fifth of its
    length: links between the same places in both directions do not cover each other."""
    (x0, y0), (x1, y1) = a, b
    mx, my = (x0 + x1) / 2 - (y1 - y0) * 0.2, (y0 + y1) / 2 + (x1 - x0) * 0.2
    out = []
    for i in range(steps + 1):
        s = i / steps
        out.append(
            [
                round((1 - s) ** 2 * x0 + 2 * (1 - s) * s * mx + s**2 * x1, 5),
                round((1 - s) ** 2 * y0 + 2 * (1 - s) * s * my + s**2 * y1, 5),
            ]
        )
    return out


def link_layer(links: pd.DataFrame) -> pdk.Layer:
    """The links as curved paths, coloured, wide and dashed by kind (LINK_STYLES)."""
    kinds = (
        links["category"] if "category" in links else pd.Series("cooperation", index=links.index)
    )
    styles = [LINK_STYLES.get(k, LINK_STYLES["cooperation"]) for k in kinds]
    data = pd.DataFrame(
        {
            "path": [
                curve((fo, fa), (to, ta))
                for fo, fa, to, ta in zip(
                    links["from_lon"],
                    links["from_lat"],
                    links["to_lon"],
                    links["to_lat"],
                    strict=True,
                )
            ],
            "colour": [rgb(c, 235) for c, _, _ in styles],
            "width": [w for _, w, _ in styles],
            "dash": [d for _, _, d in styles],
            "kind": list(kinds),
            "tip": links["tip"],
        }
    )
    return pdk.Layer(
        "PathLayer",
        data,
        id="links",
        get_path="path",
        get_color="colour",
        get_width="width",
        width_units='"pixels"',
        cap_rounded=True,
        extensions=[{"@@type": "PathStyleExtension", "dash": True}],
        get_dash_array="dash",
        dash_justified=True,
        pickable=True,
        auto_highlight=True,
        parameters=ON_TOP,
    )


def symbol_svg(colour: str, shape: str) -> str:
    """A legend symbol in exactly the map's colour: "dot" (member), "ring" (partner
    organisation) or "arc" (link)."""
    if shape.startswith("link:"):
        colour, width, dash = LINK_STYLES.get(shape[5:], LINK_STYLES["cooperation"])
        pattern = f' stroke-dasharray="{dash[0] * width:g} {dash[1] * width:g}"' if dash[1] else ""
        mark = (
            f'<path d="M1 16 Q11 2 21 16" fill="none" stroke="{colour}" '
            f'stroke-width="{width}"{pattern}/>'
        )
    elif shape == "arc":
        mark = f'<path d="M3 17 Q11 -1 19 17" fill="none" stroke="{colour}" stroke-width="3"/>'
    elif shape == "ring":
        mark = '<circle cx="11" cy="11" r="7" fill="#FFFFFF" stroke="#000000" stroke-width="3"/>'
    elif shape == "diamond":
        mark = '<path d="M11 1 L21 11 L11 21 L1 11 Z" fill="#000000"/>'
    elif shape == "faded":
        mark = '<circle cx="11" cy="11" r="5" fill="#FFFFFF" stroke="#6E6E6E" stroke-width="2"/>'
    elif shape in ("hollow", "thick"):
        line = GREY if shape == "hollow" else "#000000"
        fill = "#FFFFFF" if shape == "hollow" else colour
        mark = f'<circle cx="11" cy="11" r="7.5" fill="{fill}" stroke="{line}" stroke-width="3"/>'
    else:
        mark = f'<circle cx="11" cy="11" r="8" fill="{colour}" stroke="#1E1E1E" stroke-width="1"/>'
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="22" height="22" viewBox="0 0 22 22">'
        f"{mark}</svg>"
    )


def legend_markdown(entries: list[tuple[str, str, str]]) -> str:
    """The points legend, one (label, hex colour, shape) a line: the symbol as an inline
    image (markdown has no hex colours), the label as escaped text, so it wraps, reads
    aloud and matches the page's font."""
    lines = []
    for label, colour, shape in entries:
        data = base64.b64encode(symbol_svg(colour, shape).encode()).decode()
        lines.append(f"![](data:image/svg+xml;base64,{data}) {escape_markdown(label)}")
    return "  \n".join(lines)


def scale_svg(low: str, high: str) -> str:
    """The choropleth's colour ramp from 0 to the highest value, labelled at both ends."""
    stops = "".join(
        f'<stop offset="{i / (len(SEQUENTIAL) - 1):.2f}" stop-color="{c}"/>'
        for i, c in enumerate(SEQUENTIAL)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="270" height="56" viewBox="0 0 270 56">'
        f'<defs><linearGradient id="ramp">{stops}</linearGradient></defs>'
        '<rect x="2" y="2" width="266" height="22" fill="url(#ramp)" stroke="#3C3C3C"/>'
        f'<text x="2" y="46" font-family="sans-serif" font-size="16" fill="#1E1E1E">'
        f"{html.escape(low)}</text>"
        f'<text x="268" y="46" text-anchor="end" font-family="sans-serif" font-size="16" '
        f'fill="#1E1E1E">{html.escape(high)}</text></svg>'
    )
