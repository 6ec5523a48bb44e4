"""The PDF handout is made on the server (kaleido + Debian chromium), has the expected
pages, and its pages render to images that are not blank."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from atlas.filters import Filters, apply_filters
from atlas.network import BUNDLED_DATA_DIR
from atlas.source import open_network
from components.handout import handout_figures, render_pdf, wrap
from components.static_map import static_map


@pytest.fixture(scope="module")
def network():
    return open_network(BUNDLED_DATA_DIR, dt.date(2026, 11, 28))


@pytest.fixture(scope="module")
def warmed():
    """The renderer as the present page starts it when it opens (in the background), twice
    (a second page opened meanwhile): {"primed": the sessions primed, "used": the session
    the module's handout was then made with}."""
    import threading

    from components import pdf_pages

    if shutil.which("chromium") is None and not os.environ.get("CI"):
        pytest.skip("chromium not installed (apt-get install chromium)")
    pdf_pages.close_session()
    primed = []
    original = pdf_pages._prime
    pdf_pages._prime = lambda session: (original(session), primed.append(session))
    started = {"primed": primed, "used": None}
    try:
        pdf_pages.warm_up()
        pdf_pages.warm_up()  # starts no second one
        for _ in range(600):  # until the background start holds the lock or is done
            if pdf_pages._LOCK.locked() or pdf_pages._session is not None:
                break
            threading.Event().wait(0.1)
        yield started
    finally:
        pdf_pages._prime = original


@pytest.fixture(scope="module")
def handout(network, warmed):
    """The handout for Lower Saxony, made once the warm-up has started the renderer."""
    from components import pdf_pages

    filters = Filters(states=("Niedersachsen",))
    view = apply_filters(network, filters)
    pdf = render_pdf(handout_figures(network, view, filters, "de", dt.date(2026, 11, 28)))
    warmed["used"] = pdf_pages._session
    return pdf


def test_handout_has_the_expected_pages(handout):
    reader = PdfReader(io.BytesIO(handout))
    assert len(reader.pages) == 7  # title, states, map, phases, timeline, suggestions, sources
    first = reader.pages[0].extract_text()
    assert "8 Projekte in Niedersachsen" in first and "28.11.2026" in first
    assert "GeoBasis-DE" in reader.pages[2].extract_text()
    assert "Hannover" in reader.pages[5].extract_text()  # the suggestions name members
    assert "Quellen" in reader.pages[-1].extract_text()


def test_handout_pages_render(handout, output_dir):
    document = pdfium.PdfDocument(handout)
    try:
        for index in (0, 2, 4, 5):
            image = document[index].render(scale=1.5).to_pil().convert("L")
            image.save(output_dir / f"handout-page-{index + 1}.png")
            dark = image.point(lambda v: 255 if v < 128 else 0).histogram()[255]
            assert dark > 500, f"page {index + 1} looks blank"
    finally:
        document.close()


def test_static_map_escapes_hostile_names(network):
    hostile = network.municipalities.assign(name="<a href='http://x'>böse</a>")
    figure = static_map(network.with_tables(municipalities=hostile), "Karte", "de")
    labels = [text for trace in figure.data[1:] for text in trace.text]
    assert all("<a" not in label and "&lt;a" in label for label in labels)


def test_long_titles_wrap():
    assert wrap("a " * 50, 20).count("<br>") >= 4


def test_every_page_carries_filters_date_and_its_number(network):
    filters = Filters(states=("Niedersachsen",))
    view = apply_filters(network, filters)
    figures = handout_figures(network, view, filters, "de", dt.date(2026, 11, 28))
    for number, figure in enumerate(figures, start=1):
        texts = [a.text for a in figure.layout.annotations]
        assert f"Seite {number} von {len(figures)}" in texts
        assert any("8 Projekte in Niedersachsen · 28.11.2026" in text for text in texts)
    # one bar (one state) keeps a bar's height at the top instead of filling the page
    states = figures[1]
    assert states.layout.yaxis.domain[0] > 0.5


def test_the_handout_map_names_its_members_without_overlap(network):
    view = apply_filters(network, Filters(states=("Niedersachsen",)))
    figure = static_map(view, "Karte", "de")
    names = [name for trace in figure.data if trace.mode == "text" for name in trace.text]
    assert {"Wolfsburg", "Hildesheim", "Göttingen"} <= set(names)
    assert len(names) >= 12


def test_every_handout_reuses_one_chromium(handout):
    """Starting kaleido's Chromium was most of a handout's time: the process keeps one."""
    import plotly.graph_objects as go

    from components import pdf_pages

    session = pdf_pages._session
    assert session is not None  # the module's handout started it
    first = render_pdf([go.Figure()])
    second = render_pdf([go.Figure(), go.Figure()])
    assert pdf_pages._session is session
    assert len(PdfReader(io.BytesIO(first)).pages) == 1
    assert len(PdfReader(io.BytesIO(second)).pages) == 2


def test_a_failed_render_closes_the_session_and_the_next_one_starts_anew(handout, monkeypatch):
    """A browser that failed (crashed, timed out) is not kept waiting for the next user."""
    import plotly.graph_objects as go

    from components import pdf_pages

    broken = pdf_pages._session

    def fail(specs):
        raise TimeoutError("the browser did not answer")

    monkeypatch.setattr(broken, "write", fail)
    with pytest.raises(TimeoutError):
        render_pdf([go.Figure()])
    assert pdf_pages._session is None  # closed, not kept
    assert len(PdfReader(io.BytesIO(render_pdf([go.Figure()]))).pages) == 1
    assert pdf_pages._session not in (None, broken)


def test_the_warm_up_starts_and_primes_the_renderer_that_the_handout_then_uses(warmed, handout):
    """The present page starts the renderer when it opens; the handout made afterwards
    waited for it and used it, instead of starting another (the module's handout)."""
    assert len(warmed["primed"]) == 1
    assert warmed["used"] is warmed["primed"][0]
