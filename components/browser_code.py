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

STATIC_JS = Path(__file__).resolve().parent.parent / "static" / "js"


def module_path(name: str) -> Path:
    return STATIC_JS / name


def module_loader(name: str) -> str:
    """A component's inline code: imports static/js/`name` and hands it the component's
    arguments. The URL carries the file's content hash, so a new release is fetched anew
    by browsers and proxies that keep static files (deploy/ keeps them a day)."""
    version = hashlib.sha256(module_path(name).read_bytes()).hexdigest()[:12]
    url = json.dumps(f"/app/static/js/{name}?v={version}")
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
