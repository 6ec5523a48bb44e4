"""The map's legend: symbols in exactly the map's colours, shapes and dashes, and the
choropleth's colour ramp (our own SVG; labels from data are escaped)."""

from __future__ import annotations

import base64
import html

from atlas.text import escape_markdown
from components.map_style import LINK_STYLES
from components.theme import GREY, SEQUENTIAL


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
