"""Presentation mode: saved views as slides, shown full screen with large type.

A slide show lives in the link: ?show=<view ids>&slide=<n>[&auto=<seconds>]. The frame
(app.py) hides the sidebar and Streamlit's chrome and puts a slide bar above the page;
previous/next work by buttons and by the arrow keys.
"""

from __future__ import annotations

import io
import time

import pandas as pd
import streamlit as st

from atlas import fmt
from atlas.network import Network
from atlas.spreadsheet import csv_bytes
from atlas.store import EditSet, StoreError
from atlas.text import escape_markdown, t
from atlas.views import (
    VIEW_COLUMNS,
    auto_seconds,
    link_shows_view,
    new_view,
    ordered,
    params_to_text,
    parse_show,
    slide_index,
    split_by_page,
    text_to_params,
    token_views,
    views_table,
    views_token,
)
from components.asof import show_as_of
from components.memo import remembered

# Large type and high contrast for the back of a meeting room; no sidebar, no toolbar.
# (Our own static CSS; no text from data goes into it.)
PRESENTATION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] {
  display: none !important;
}
html { font-size: 20px; }
[data-testid="stMainBlockContainer"] { padding: 1rem 2.5rem 2rem 2.5rem !important; max-width: 100% !important; }
[data-testid="stMain"] { color: #000000; }
[data-testid="stMetricValue"] { font-weight: 700; }
/* a slide shows the content only: the page's controls, expanders and buttons are
   hidden (they still hold the view's settings); the slide bar keeps its own */
[data-testid="stMain"] [data-testid="stElementContainer"]:has(
  [data-testid="stButton"], [data-testid="stDownloadButton"], [data-testid="stLinkButton"],
  [data-testid="stSelectbox"], [data-testid="stMultiSelect"], [data-testid="stButtonGroup"],
  [data-testid="stRadio"], [data-testid="stSlider"], [data-testid="stCheckbox"],
  [data-testid="stNumberInput"], [data-testid="stTextInput"], [data-testid="stPopover"],
  [data-testid="stExpander"]
), [data-testid="stMain"] [data-testid="stExpander"] { display: none !important; }
[data-testid="stMain"] .st-key-slide_bar [data-testid="stElementContainer"]:has(
  [data-testid="stButton"]) { display: flex !important; }
/* the data's as-of date, small, at the foot of every slide */
.st-key-slide_footer {
  position: fixed; left: 0; right: 0; bottom: 0; z-index: 999; width: 100% !important;
  background: #FFFFFF; border-top: 1px solid #D0D0D0; padding: 0.1rem 2.5rem;
  align-items: flex-end;
}
.st-key-slide_footer [data-testid="stCaptionContainer"] { font-size: 0.7rem; color: #333333; }
[data-testid="stMainBlockContainer"] { padding-bottom: 2.5rem !important; }
/* the overview's charts in three columns where each has room for its labels beside its
   bars (1920 pixels wide); on a narrower screen the third wraps below the other two */
.st-key-slide_charts [data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
.st-key-slide_charts [data-testid="stColumn"] { min-width: 500px; }
/* the map fills the slide's height, down to the footer with the as-of date */
[data-testid="stMain"] .atlas-map {
  height: calc(100vh - 10rem) !important; min-height: 20rem;
}
/* a presenter clicks into the slide and then uses the arrow keys: Streamlit would frame
   the whole slide with the main area's keyboard-focus ring, and show a heading's link
   icon under the pointer; the buttons keep their own focus rings */
[data-testid="stMain"]:focus-visible::before { box-shadow: none !important; }
[data-testid="stMain"] [data-testid="stHeaderActionElements"] { display: none !important; }
/* the remote's keys: buttons the slide does not show, without the gap of their place */
[data-testid="stLayoutWrapper"]:has(> .st-key-slide_remote) { display: none !important; }
</style>
"""


def remember_pages(pages: list, default_path: str) -> dict:
    """The frame's pages by URL path, for moving between slides (set by app.py each run).
    Streamlit reports the default page's path as "", so it is named explicitly."""
    by_path = {page.url_path or default_path: page for page in pages}
    st.session_state["_pages_by_path"] = by_path
    return by_path


def registered_paths() -> list[str]:
    return list(st.session_state.get("_pages_by_path", {}))


def start_show(network: Network, ids: list[str], auto: int, lang: str) -> None:
    if auto:
        st.query_params["auto"] = str(auto)
    # the show's views go into its link: it then works on any computer and server
    st.query_params["views"] = show_token(network, ids)
    go_to_slide(network, ids, 0, st.session_state["_pages_by_path"], lang, auto)


def show_token(network: Network, ids: list[str]) -> str:
    views = saved_views(network).set_index("id")
    return views_token([{"id": i, **views.loc[i].to_dict()} for i in ids if i in views.index])


SESSION_VIEWS = "session_views"  # views saved by a viewer: this session and this browser
COOKIE = "atlas_views"  # a viewer's views in the browser, so a reload does not lose them


def browser_views() -> list[dict]:
    """A viewer's own views, read once per session from the browser's cookie (written when
    they saved one): they survive a reload and a server restart in that browser."""
    if SESSION_VIEWS not in st.session_state:
        try:
            token = st.context.cookies.get(COOKIE)
        except Exception:  # no browser (AppTest, scripts): nothing kept
            token = None
        st.session_state[SESSION_VIEWS] = token_views(token if isinstance(token, str) else None)
    return st.session_state[SESSION_VIEWS]


def remember_in_browser(rows: list[dict]) -> None:
    """Write the viewer's views into a cookie for this site (a year). The script holds
    only the URL-safe token, never text from the data as markup.

    It runs in the page itself, before the "saved" message shows: written from an iframe
    (components.html), the cookie came only once the iframe had loaded, so a page opened
    right after the message could miss the view just saved."""
    token = views_token(rows)
    st.html(
        f"<script>document.cookie = '{COOKIE}={token}; path=/; max-age=31536000; "
        "SameSite=Lax';</script>",
        unsafe_allow_javascript=True,
    )


def saved_views(network: Network) -> pd.DataFrame:
    """Views stored with the data, then those saved in this session, in show order; the
    column `kept` says which is which ("data" or "session"). Asked for several times a run
    (the frame, the slide bar, the page): built once per data version and session list."""
    from components.data import view_inputs

    session = list(browser_views())
    token = st.query_params.get("views")
    inputs = (view_inputs()[0], session, token)
    return remembered(
        "saved_views", inputs, lambda: _saved_views(network, session, token_views(token))
    )


def _saved_views(
    network: Network, session_rows: list[dict], link_rows: list[dict] = ()
) -> pd.DataFrame:
    """Stored views, then this viewer's, then those a show link carries (its own copy of
    a view wins over a stored view of the same id: it is what the presenter prepared)."""
    link = pd.DataFrame(list(link_rows), columns=VIEW_COLUMNS).assign(kept="link")
    stored = network.views[VIEW_COLUMNS].assign(kept="data")
    stored = stored[~stored["id"].isin(link["id"])]
    session = pd.DataFrame(session_rows, columns=VIEW_COLUMNS)
    session = session[~session["id"].isin(stored["id"]) & ~session["id"].isin(link["id"])]
    parts = [stored, session.assign(kept="session"), link]
    views = (
        pd.concat([p for p in parts if len(p)], ignore_index=True)
        if len(link) or len(session)
        else stored
    )
    return ordered(views)


def current_view_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def store_view(row: dict, lang: str) -> tuple[str, str]:
    """Save a view with the data when an editor is signed in (everyone then sees it, and it
    goes into every export); otherwise, or when the store refuses, keep it for this session,
    so nothing the user typed is lost. Returns (st message function name, message)."""
    from components.data import current_store
    from components.data_admin import current_actor

    title = row["title"]
    actor = current_actor()
    if actor is not None:
        text_row = {column: str(value) for column, value in row.items()}
        try:
            current_store().save_edits(EditSet("views", added=[text_row]), actor)
        except StoreError as exc:
            keep_for_session(row)
            return "warning", t("present.save_failed", lang, error=exc.text(lang)[:300])
        return "success", t("present.saved_stored", lang, title=title)
    keep_for_session(row)
    return "info", t("present.saved_session", lang, title=title)


def keep_for_session(row: dict) -> None:
    rows = [*browser_views(), row]
    st.session_state[SESSION_VIEWS] = rows
    remember_in_browser(rows)


def save_view_form(network: Network, page_path: str, lang: str) -> None:
    """Sidebar: save what is on screen (page, filters, settings) under a title."""
    with st.sidebar.expander(t("present.save_header", lang)):
        title = st.text_input(t("present.save_title", lang), key="save_view_title", max_chars=120)
        if st.button(
            t("present.save_button", lang), key="save_view_button", disabled=not title.strip()
        ):
            row = new_view(saved_views(network), title, page_path, current_view_params())
            kind, message = store_view(row, lang)
            getattr(st, kind)(escape_markdown(message))


def is_presenting() -> bool:
    return "show" in st.query_params


def presentation_request(network: Network) -> tuple[list[str], list[str]] | None:
    """(slide ids, unknown ids) when the link asks for a slide show, else None."""
    if "show" not in st.query_params:
        return None
    return parse_show(st.query_params.get("show"), set(saved_views(network)["id"]))


def slide_link(
    view: pd.Series, ids: list[str], index: int, auto: int, lang: str, show: str | None = None
) -> dict:
    params = text_to_params(view["params"])
    params.update({"show": show or ",".join(ids), "slide": str(index)})
    if st.query_params.get("views"):
        params["views"] = st.query_params.get("views")
    if auto:
        params["auto"] = str(auto)
    # the language stays by itself: its switch is bound to the link, and setting a bound
    # parameter here stopped an English show at its second slide
    return params


def go_to_slide(
    network: Network,
    ids: list[str],
    index: int,
    pages: dict,
    lang: str,
    auto: int | None = None,
    show: str | None = None,
) -> None:
    """To slide `index` of the show; `show`: the link's own list of views instead of the
    known ones (its unknown ones are then named above the slide)."""
    views = saved_views(network).set_index("id")
    view = views.loc[ids[index]]
    auto = auto_seconds(st.query_params.get("auto")) if auto is None else auto
    params = slide_link(view, ids, index, auto, lang, show)
    st.switch_page(pages[view["page"]], query_params=params)


def presentation_bar(
    network: Network, ids: list[str], pages: dict, page_path: str, lang: str
) -> None:
    """Title, filter-independent counter and navigation above the slide. A link that opens
    a slide on another page than its view's, or without its settings (written by hand, cut
    short), goes to the view's page with them: else the title names what is not shown."""
    st.html(PRESENTATION_CSS)
    index = slide_index(st.query_params.get("slide"), len(ids))
    view = saved_views(network).set_index("id").loc[ids[index]]
    # checked once as the slide is reached: the page may then leave a setting at its
    # default out of the link, and a rerun must not send the slide round again
    arrival = (st.query_params.get("show"), index)
    if st.session_state.get("_slide_checked") != arrival:
        st.session_state["_slide_checked"] = arrival
        shown = link_shows_view(view["page"], view["params"], page_path, st.query_params.keys())
        if view["page"] in pages and not shown:  # the note above the slide names unknown views
            go_to_slide(network, ids, index, pages, lang, show=st.query_params.get("show"))
    bar = st.container(key="slide_bar")
    title, back, counter, forward, leave = bar.columns([6, 2, 1, 2, 2], vertical_alignment="center")
    title.markdown(f"### {escape_markdown(view['title'])}")
    counter.markdown(f"**{index + 1} / {len(ids)}**")
    if back.button(
        t("present.back", lang),
        key="slide_prev",
        shortcut="Left",
        help=t("present.prev", lang),
        disabled=index == 0,
    ):
        go_to_slide(network, ids, index - 1, pages, lang)
    last = index == len(ids) - 1
    if forward.button(
        t("present.forward", lang),
        key="slide_next",
        shortcut="Right",
        help=t("present.next", lang),
        disabled=last,
    ):
        go_to_slide(network, ids, index + 1, pages, lang)
    if leave.button(
        t("present.end", lang), key="slide_exit", shortcut="Esc", help=t("present.exit", lang)
    ):
        st.switch_page(pages["present"])  # the language switch keeps the language
    # a presenter's remote sends Page Up and Page Down: the same moves by buttons the slide
    # does not show (a button has one shortcut)
    remote = st.container(key="slide_remote")
    for step, key, shortcut, off in (
        (-1, "prev", "PageUp", index == 0),
        (1, "next", "PageDown", last),
    ):
        label = t("present.back" if step < 0 else "present.forward", lang)
        if remote.button(label, key=f"slide_{key}_remote", shortcut=shortcut, disabled=off):
            go_to_slide(network, ids, index + step, pages, lang)
    slide_footer(network, lang)
    auto = auto_seconds(st.query_params.get("auto"))
    if auto and not last:
        _advance_after(auto, network, ids, index, pages, lang)


def slide_footer(network: Network, lang: str) -> None:
    """The data's as-of date at the foot of the slide, and in bold that the data is old
    where it is: a slide shows phases for today, and the room should see from which data
    they come."""
    from atlas.status import as_of_texts
    from components.data import today

    line, warning = as_of_texts(network.as_of, today(), lang, short=True)
    text = escape_markdown(line) + (f" **{escape_markdown(warning)}**" if warning else "")
    st.container(key="slide_footer").caption(text)


def _advance_after(seconds: int, network, ids, index, pages, lang) -> None:
    """Auto-advance: a fragment that wakes every `seconds` and moves on once the slide has
    been shown that long (other reruns of the page do not count as time passing twice)."""
    slide = (tuple(ids), index)
    started = st.session_state.get("_slide_started")
    if not started or started[0] != slide:
        st.session_state["_slide_started"] = (slide, time.monotonic())

    @st.fragment(run_every=seconds)
    def tick():
        shown_since = st.session_state["_slide_started"][1]
        if time.monotonic() - shown_since >= seconds - 0.5:
            go_to_slide(network, ids, index + 1, pages, lang)

    tick()


def views_section(network: Network, lang: str) -> None:
    """The saved views that can be shown (those of pages gone are named in a caption),
    the choice of slides and the start of the show; stops the page when there are none."""
    views = saved_views(network)
    available, missing = split_by_page(views, registered_paths())
    if available.empty:
        st.info(t("present.none", lang))
        st.stop()
    if not missing.empty:
        st.caption(
            escape_markdown(t("present.unavailable", lang, titles=", ".join(missing["title"])))
        )

    st.subheader(t("present.views", lang))
    st.dataframe(views_table(available, lang), hide_index=True, width="stretch")
    titles = dict(zip(available["id"], available["title"], strict=True))
    chosen = st.multiselect(
        t("present.choose", lang),
        list(titles),
        default=list(titles),
        format_func=titles.get,
        placeholder=t("widget.choose_many", lang),
        key="show_views",
    )
    auto = st.number_input(
        t("present.auto", lang), min_value=0, max_value=600, value=0, step=5, key="show_auto"
    )
    if st.button(t("present.start", lang), type="primary", disabled=not chosen, shortcut="Enter"):
        start_show(network, chosen, int(auto), lang)
    st.download_button(t("present.download_views", lang), views_csv(views), "views.csv", "text/csv")


def handout_section(network: Network, view: Network, filters, lang: str) -> None:
    """The handout: the data's as-of date (its phases are computed for today), the button
    that makes the PDF, then its download, or a note when no Chromium renders it."""
    from components.handout import ChromeMissing  # the PDF renderer loads when used

    st.subheader(t("present.handout", lang))
    show_as_of(network, lang)
    prepare_handout()
    if not st.button(t("present.handout_make", lang), key="make_handout"):
        return
    try:
        pdf, pages, seconds = make_handout(network, view, filters, lang)
    except ChromeMissing:
        st.error(t("present.handout_no_chrome", lang))
        return
    st.success(t("present.handout_ready", lang, pages=pages, seconds=seconds))
    st.download_button(
        t("present.handout_download", lang), pdf, "netzwerkatlas-handout.pdf", "application/pdf"
    )


def prepare_handout() -> None:
    """Have the PDF renderer's Chromium started while the page is read, so making the
    handout waits only for the pages (only with a browser connected: tests and scripts
    start none)."""
    from components.pdf_pages import warm_up

    try:
        connected = bool(st.context.headers.get("Host"))
    except Exception:  # no browser (AppTest, scripts)
        connected = False
    if connected:
        warm_up()


def make_handout(network: Network, view: Network, filters, lang: str) -> tuple[bytes, int, str]:
    """(pdf, pages, seconds as text) for the current view."""
    from pypdf import PdfReader

    from components.data import today
    from components.handout import handout_figures, render_pdf

    started = time.monotonic()
    pdf = render_pdf(handout_figures(network, view, filters, lang, today()))
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    return pdf, pages, fmt.number(time.monotonic() - started, lang, decimals=1)


def views_csv(views: pd.DataFrame) -> bytes:
    """views.csv for the data folder, through the one formula-safe writer: a title typed
    as =... cannot run in the spreadsheet it is opened in, and reads back as typed."""
    return csv_bytes(views[VIEW_COLUMNS])


__all__ = [
    "params_to_text",
    "presentation_bar",
    "presentation_request",
    "save_view_form",
    "saved_views",
]
