"""Colours that people with colour-vision deficiency can tell apart (Okabe & Ito)."""

from __future__ import annotations

import base64
from pathlib import Path

OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
PRIMARY = OKABE_ITO[0]
GREY = "#8C8C8C"

PHASE_COLOURS = {
    "Strategie": "#E69F00",
    "Umsetzung": "#0072B2",
    "Verlängerung": "#56B4E9",
    # past the planned end, no source on what followed: vermillion, hatched "-" in charts
    "Ende überschritten": "#D55E00",
    "Abgeschlossen": "#009E73",
    "Unbekannt": GREY,
}

# Sequential scale for counts (light to dark blue), readable in greyscale too.
SEQUENTIAL = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]

FONT_SIZE = 15  # legible on a projector at 1280x720
PRESENTATION_FONT_SIZE = 20  # slides: readable from the back of a room
# Streamlit serves Source Sans itself, so charts match the page without a font download
FONT_FAMILY = '"Source Sans", sans-serif'


def colour_for(index: int) -> str:
    return OKABE_ITO[index % len(OKABE_ITO)]


# The page icon as a data URL, read once per server process: given as a file path,
# Streamlit reads and registers the file again on every run of every session. Local either
# way, so the browser fetches no favicon from the internet.
PAGE_ICON = "data:image/png;base64," + base64.b64encode(
    (Path(__file__).parent.parent / "static" / "icon.png").read_bytes()
).decode("ascii")
