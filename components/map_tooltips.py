"""The map's tooltips: plain text (deck.gl sets them with innerText), so text from data
can never become markup; each row carries its whole tooltip in one `tip` column."""

from __future__ import annotations

import functools

import pandas as pd

from atlas import fmt
from atlas.text import t

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
