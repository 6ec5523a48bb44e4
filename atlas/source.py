"""Where the app's data comes from: the bundled folder, or ATLAS_DATA_DIR."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from atlas.network import BUNDLED_DATA_DIR, Network, load_folder
from atlas.status import with_current_phase


def data_dir() -> Path:
    configured = os.environ.get("ATLAS_DATA_DIR", "").strip()
    return Path(configured).expanduser().resolve() if configured else BUNDLED_DATA_DIR


def open_network(folder: str | Path, day: dt.date) -> Network:
    """Load, validate and date a network: each project gets its phase on `day`."""
    folder = Path(folder)
    label = "mitgelieferte Daten (data/)" if folder == BUNDLED_DATA_DIR else str(folder)
    network = load_folder(folder, label)
    projects = with_current_phase(network.projects, network.phases, day)
    return network.with_tables(projects=projects)
