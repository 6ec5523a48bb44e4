"""Saved views: a page plus the link parameters (filters and settings) that make the view.

A slide show is a list of view ids in the link (?show=a,b,c&slide=1), so a presentation
can itself be shared, bookmarked and opened on the meeting room's computer.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
import zlib
from urllib.parse import parse_qs, urlencode

import pandas as pd

from atlas.text import t

# Parameters that belong to the viewer or to the slide show, never to a view.
NOT_PART_OF_A_VIEW = ("lang", "show", "slide", "auto", "views")
MAX_VIEWS_IN_A_LINK = 50
MAX_AUTO_SECONDS = 600


def views_table(views: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The saved views as the presentation page lists them: title, page (by the name the
    navigation gives it), link parameters and where each is kept, with headers and the
    "kept" value in the interface language."""
    kept = views["kept"].map(lambda k: t(f"present.kept.{k}", lang))
    page = views["page"].map(lambda p: page_name(p, lang))
    table = views.assign(kept=kept, page=page)[["title", "page", "params", "kept"]]
    return table.rename(columns={c: t(f"present.col_{c}", lang) for c in table.columns})


def page_name(path: str, lang: str) -> str:
    """A page's name in the navigation, from its path; a path the app does not have stays
    as it is (a view of a page gone)."""
    try:
        return t(f"nav.{path}", lang)
    except KeyError:
        return str(path)


def params_to_text(params: dict[str, list[str]]) -> str:
    """A stable query string: sorted keys, repeated keys kept, viewer settings dropped."""
    kept = {k: list(v) for k, v in sorted(params.items()) if k not in NOT_PART_OF_A_VIEW and v}
    return urlencode(kept, doseq=True)


def text_to_params(text: str | None) -> dict[str, list[str]]:
    if not text or (isinstance(text, float) and pd.isna(text)):
        return {}
    parsed = parse_qs(str(text), keep_blank_values=False)
    return {k: v for k, v in parsed.items() if k not in NOT_PART_OF_A_VIEW}


def slug(text: str) -> str:
    ascii_text = (
        unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore").decode()
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "ansicht"


VIEW_COLUMNS = ["id", "title", "page", "params", "position"]


def new_view(views: pd.DataFrame, title: str, page: str, params: dict[str, list[str]]) -> dict:
    """The row for a view saved now: an id made from the title (unique among `views`) and
    the next position, so it comes last in the show."""
    title = title.strip()[:120]
    base, existing = slug(title), set(views["id"])
    view_id, n = base, 2
    while view_id in existing:
        view_id, n = f"{base}-{n}", n + 1
    positions = pd.to_numeric(views["position"], errors="coerce")
    position = int(positions.max()) + 1 if positions.notna().any() else 1
    return {
        "id": view_id,
        "title": title,
        "page": page,
        "params": params_to_text(params),
        "position": position,
    }


def add_view(
    views: pd.DataFrame, title: str, page: str, params: dict[str, list[str]]
) -> pd.DataFrame:
    """The views with a new one appended."""
    row = new_view(views, title, page, params)
    return pd.concat([views, pd.DataFrame([row])], ignore_index=True)


def ordered(views: pd.DataFrame) -> pd.DataFrame:
    return views.sort_values(["position", "title"], na_position="last").reset_index(drop=True)


def split_by_page(views: pd.DataFrame, pages: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(views whose page the app has, views whose page it does not): a view saved on a
    page that is gone cannot be shown, but its title is still worth naming."""
    on_page = views["page"].isin(pages)
    return views[on_page], views[~on_page]


def parse_show(show: str | None, known_ids: set[str]) -> tuple[list[str], list[str]]:
    """(slide ids in order, ids that are unknown) from ?show=a,b,c."""
    ids = [i for i in (show or "").split(",") if i]
    return [i for i in ids if i in known_ids], [i for i in ids if i not in known_ids]


def link_shows_view(page: str, params: str | None, page_path: str, link_keys) -> bool:
    """Whether a slide's link shows its saved view: the view's page, and each of the view's
    settings in the link (a slide hides the controls that change them; the map's own moves
    change a value, never remove one)."""
    keys = set(link_keys)
    return page == page_path and all(key in keys for key in text_to_params(params))


def slide_index(text: str | None, count: int) -> int:
    """The slide number from the link, clamped to the show (0-based)."""
    try:
        index = int(text or 0)
    except ValueError:
        index = 0
    return max(0, min(index, count - 1)) if count else 0


def auto_seconds(text: str | None) -> int:
    try:
        seconds = int(text or 0)
    except ValueError:
        return 0
    return seconds if 5 <= seconds <= MAX_AUTO_SECONDS else 0


def views_token(rows: list[dict]) -> str:
    """Views (id, title, page, params) packed into one link parameter: compressed JSON in
    URL-safe base64. A show link carrying its views works on any computer, signed in or
    not, after a reload and on a restarted server, whatever is stored there."""
    packed = [[str(r["id"]), str(r["title"]), str(r["page"]), str(r["params"] or "")] for r in rows]
    raw = zlib.compress(json.dumps(packed, ensure_ascii=False).encode("utf-8"), 9)
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def token_views(token: str | None) -> list[dict]:
    """The views a link carries (see views_token); nothing for a damaged or foreign token.
    Everything from the link is checked like typed input: text only, lengths limited."""
    if not token:
        return []
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        packed = json.loads(zlib.decompress(raw, bufsize=1 << 16).decode("utf-8"))
    except (binascii.Error, ValueError, zlib.error, UnicodeDecodeError):
        return []
    if not isinstance(packed, list):
        return []
    rows = []
    for position, item in enumerate(packed[:MAX_VIEWS_IN_A_LINK], start=1):
        if not (
            isinstance(item, list) and len(item) == 4 and all(isinstance(x, str) for x in item)
        ):
            continue
        view_id, title, page, params = item
        if not re.fullmatch(r"[a-z0-9-]{1,60}", view_id) or not re.fullmatch(r"[a-z_]{1,30}", page):
            continue
        rows.append(
            {
                "id": view_id,
                "title": title[:120],
                "page": page,
                "params": params_to_text(text_to_params(params[:2000])),
                "position": position,
            }
        )
    return rows
