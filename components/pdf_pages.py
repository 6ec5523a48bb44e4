"""Plotly figures to PDF pages through one Chromium that stays open.

Starting kaleido's Chromium costs seconds (most of a handout's time when every handout
started its own); the figures themselves take a fraction of a second each. So the process
keeps one kaleido session on a background event loop, started on the first request and
reused by every later one; all figures of a request go to it as one batch. Requests are
served one at a time (a lock), and a session that failed is closed, so the next request
starts a fresh one instead of waiting on a broken browser. MathJax is off: kaleido would
otherwise fetch it from a CDN, and nothing the app does may need the internet.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import tempfile
import threading
from pathlib import Path

import plotly.graph_objects as go

RENDER_TIMEOUT_S = 180  # a whole batch; a stuck browser is closed after this
TABS = 2  # a handout's pages render two at a time


class _Session:
    """One kaleido (one Chromium) on its own event loop thread."""

    def __init__(self) -> None:
        import kaleido

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        try:
            self.kaleido = kaleido.Kaleido(n=TABS, mathjax=False)
            self._run(self.kaleido.open())
        except BaseException:
            self._stop_loop()
            raise

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(RENDER_TIMEOUT_S)

    def write(self, specs: list[dict]) -> None:
        self._run(self.kaleido.write_fig_from_object(specs, cancel_on_error=True))

    def close(self) -> None:
        with contextlib.suppress(Exception):  # a broken browser is left to the OS
            self._run(self.kaleido.close())
        self._stop_loop()

    def _stop_loop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


_LOCK = threading.Lock()
_session: _Session | None = None


def close_session() -> None:
    """Close the shared Chromium (at exit, after a failure, or in a benchmark)."""
    global _session
    with _LOCK:
        if _session is not None:
            _session.close()
            _session = None


atexit.register(close_session)


def warm_up() -> None:
    """Start the shared Chromium in the background, so the first handout does not wait
    for it (called when the page that offers the handout opens; does nothing when a
    session is open or starting, or when there is no Chromium)."""
    if _session is not None or _LOCK.locked():
        return

    def start() -> None:
        global _session
        with _LOCK:
            if _session is None:
                with contextlib.suppress(Exception):  # the request will report it
                    _session = _Session()
                    _prime(_session)

    threading.Thread(target=start, daemon=True).start()


def _prime(session: _Session) -> None:
    """One empty page in each tab: a tab's first page pays for compiling plotly.js's
    drawing code and loading the fonts, which the warm-up does before anyone waits."""
    with tempfile.TemporaryDirectory() as tmp:
        opts = {"format": "pdf", "width": 400, "height": 300}
        session.write(
            [
                {"fig": go.Figure(), "path": Path(tmp) / f"{i}.pdf", "opts": opts}
                for i in range(TABS)
            ]
        )


def write_pdf_pages(figures: list[go.Figure], width: int, height: int) -> list[bytes]:
    """Each figure as a one-page PDF of width x height CSS pixels, in order."""
    global _session
    with _LOCK, tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f"page-{i:02d}.pdf" for i in range(len(figures))]
        specs = [
            {"fig": fig, "path": path, "opts": {"format": "pdf", "width": width, "height": height}}
            for fig, path in zip(figures, paths, strict=True)
        ]
        try:
            if _session is None:
                _session = _Session()
            _session.write(specs)
        except BaseException:
            if _session is not None:
                _session.close()
                _session = None
            raise
        return [path.read_bytes() for path in paths]
