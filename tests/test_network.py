"""atlas.network's cross-table checks: their report speaks the interface language."""

from __future__ import annotations

import datetime as dt

from atlas.source import open_network
from tests.helpers import MUNIS, PROJECTS, write_folder


def test_cross_table_problems_read_in_both_languages(tmp_path):
    munis = MUNIS.replace("52.03,8.90", "8.90,52.03")  # Lemgo's lat/lon swapped
    projects = PROJECTS.replace("kalletal;lemgo,kalletal", "kalletal;atlantis,kalletal")
    network = open_network(
        write_folder(tmp_path, municipalities=munis, projects=projects), dt.date(2024, 1, 1)
    )
    by_column = {p.column: p for p in network.problems}
    swapped, unknown = by_column["lat/lon"], by_column["municipality_ids"]
    assert swapped.message("de") == swapped.expected
    assert "vertauscht" in swapped.message("de") and "swapped" in swapped.message("en")
    assert unknown.value == "atlantis"
    assert "unbekannte Kennung" in unknown.message("de")
    assert unknown.message("en") == "unknown id (reference ignored)"
