"""The app's own browser code for `st.components.v2`: each module is a static file
(static/js/), fetched once and kept by the browser, not sent inline with every element
on every run (Streamlit repeats a component's inline code in each element it sends: five
charts on a page were 25 kB of the same code per run)."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

import streamlit as st

STATIC = Path(__file__).resolve().parent.parent / "static"


def module_path(name: str) -> Path:
    return STATIC / "js" / name


@functools.cache
def static_url(relative: str) -> str:
    """The address of static/`relative` as the browser asks for it, with the file's content
    hash: a new release is fetched anew by browsers and proxies that keep static files
    (deploy/ keeps them a day), an unchanged file comes from their cache."""
    version = hashlib.sha256((STATIC / relative).read_bytes()).hexdigest()[:12]
    return f"/app/static/{relative}?v={version}"


def module_loader(name: str) -> str:
    """A component's inline code: imports static/js/`name` and hands it the component's
    arguments, from its address with the content hash (static_url)."""
    url = json.dumps(static_url(f"js/{name}"))
    return (
        f"const code = import(new URL({url}, window.location.origin).href);\n"
        "export default (component) => code.then((module) => module.default(component));\n"
    )


@functools.cache
def page_component(name: str, module: str):
    """The `st.components.v2` component `name`, drawn by static/js/`module`, registered
    once per process. In the page itself, not a shadow root: the libraries' stylesheets
    (MapLibre's, plotly.js's hover labels and mode bar) and the page's rules reach it."""
    return st.components.v2.component(name, js=module_loader(module), isolate_styles=False)
