"""Where a project stands today: "Abgeschlossen" only with a source, a state of its own after
a planned end without one, the programme's extension offer, and the data's age."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from atlas.source import open_network
from atlas.status import (
    OVERDUE,
    as_of_texts,
    extension_offers,
    months_between,
    phase_label,
    staleness,
)
from tests.helpers import write_folder

PROJECTS = (
    "id,name,programme,cohort,municipality_ids,phase,start,end,source\n"
    "done,A,P,2020,lemgo,Abgeschlossen,2020-12,2025-09-19,https://example.org/ende\n"
    "past,B,P,2021,kalletal,Umsetzung,2022-01,2025-12,https://example.org/b\n"
    "past_no_phase,C,P,2020,hildesheim,,2021-01,2025-12,https://example.org/c\n"
    "running,D,P,2021,lemgo,Umsetzung,2022-01,2027-12,https://example.org/d\n"
    "dated,E,P,2019,kalletal,,2019-11,2026-10,https://example.org/e\n"
    "nothing,F,P,2021,hildesheim,,,,https://example.org/f\n"
)
PHASES = (
    "project_id,phase,start,end,source\n"
    "dated,Strategie,2019-11,2021-10,https://example.org/s\n"
    "dated,Umsetzung,2021-11,2026-10,https://example.org/u\n"
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (
            dt.date(2025, 6, 1),
            {
                "done": "Abgeschlossen",  # the source's statement stands, with or without end
                "past": "Umsetzung",
                "past_no_phase": "Unbekannt",
                "running": "Umsetzung",
                "dated": "Umsetzung",
                "nothing": "Unbekannt",
            },
        ),
        (
            dt.date(2026, 11, 30),
            {
                "done": "Abgeschlossen",  # a source says it ended
                "past": OVERDUE,  # planned end passed, no source on what followed
                "past_no_phase": OVERDUE,
                "running": "Umsetzung",
                "dated": OVERDUE,  # its dated phases ended with the runtime
                "nothing": "Unbekannt",
            },
        ),
    ],
)
def test_phase_today(tmp_path, day, expected):
    folder = write_folder(tmp_path, projects=PROJECTS, phases=PHASES)
    network = open_network(folder, day)
    assert network.problems == [] or all(p.severity == "warning" for p in network.problems)
    assert network.projects.set_index("id")["phase_now"].to_dict() == expected


def test_completed_only_where_a_source_says_so(tmp_path):
    network = open_network(write_folder(tmp_path, projects=PROJECTS), dt.date(2030, 1, 1))
    now = network.projects.set_index("id")["phase_now"]
    stated = network.projects.set_index("id")["phase"]
    assert set(now[now == "Abgeschlossen"].index) == set(stated[stated == "Abgeschlossen"].index)


META = pd.DataFrame(
    {
        "key": ["as_of", "extension_offer_2021", "extension_offer_2021_source", "licence"],
        "value": ["2025-09", "2028-03-31", "https://example.org/angebot", "x"],
    }
)


def test_extension_offer_is_read_from_meta():
    assert extension_offers(META) == {2021: ("2028-03-31", "https://example.org/angebot")}
    assert extension_offers(META.iloc[[0, 3]]) == {}


@pytest.mark.parametrize(
    ("cohort", "lang", "label"),
    [
        (
            2021,
            "de",
            "geplantes Ende überschritten (bis 09.2026) – Verlängerung bis 31.03.2028 angeboten",
        ),
        (2020, "de", "geplantes Ende überschritten (bis 09.2026)"),
        (None, "en", "planned end passed (until 2026-09)"),
        (2021, "en", "planned end passed (until 2026-09) – extension to 2028-03-31 offered"),
    ],
)
def test_overdue_label_names_the_planned_end_and_the_offer(cohort, lang, label):
    offers = extension_offers(META)
    assert phase_label(OVERDUE, "2026-09-30", cohort, lang, offers) == label


def test_other_phases_keep_their_plain_label():
    assert phase_label("Umsetzung", "2026-09", 2021, "en", extension_offers(META)) != ""
    assert "2028" not in phase_label("Umsetzung", "2026-09", 2021, "de", extension_offers(META))


@pytest.mark.parametrize(
    ("as_of", "day", "months"),
    [
        ("2025-09", dt.date(2026, 11, 30), 14),
        ("2025-09", dt.date(2026, 3, 31), None),  # 6 months: no note yet
        ("2025-09", dt.date(2026, 4, 1), 7),
        ("2025-09-15", dt.date(2025, 10, 1), None),
        ("2025", dt.date(2026, 1, 1), 12),
        ("", dt.date(2026, 1, 1), None),  # unknown as-of: said separately, not as "old"
        ("kein Datum", dt.date(2026, 1, 1), None),
    ],
)
def test_staleness(as_of, day, months):
    assert staleness(as_of, day) == months


def test_months_between():
    assert months_between(dt.date(2025, 9, 1), dt.date(2026, 11, 30)) == 14
    assert months_between(dt.date(2026, 1, 1), dt.date(2025, 12, 31)) == -1


def test_as_of_texts_warn_only_when_old():
    line, warning = as_of_texts("2025-09", dt.date(2026, 11, 30), "de")
    assert line == "Phasen berechnet für heute (30.11.2026) aus Daten mit Stand 09.2025."
    assert "14 Monate" in warning
    line, warning = as_of_texts("2025-09", dt.date(2026, 1, 15), "en")
    assert line == "Phases computed for today (2026-01-15) from data as of 2025-09."
    assert warning is None
    line, warning = as_of_texts("", dt.date(2026, 1, 15), "en")
    assert "not given" in line and warning is None


@pytest.mark.parametrize("page", ["overview", "map", "timeline", "profiles"])
@pytest.mark.parametrize(
    ("day", "warned"), [(dt.date(2026, 11, 30), True), (dt.date(2025, 12, 1), False)]
)
def test_pages_with_phases_for_today_name_the_data_date(monkeypatch, page, day, warned):
    """Bundled data as of 09.2025: every page that computes phases for today says so, and
    warns when today is more than six months later."""
    from tests.apptest import run_app

    monkeypatch.setattr("components.data.today", lambda: day)
    at = run_app(monkeypatch, page=page)
    assert not at.exception, at.exception
    captions = [c.value.replace("\\", "") for c in at.caption]  # markdown escapes removed
    expected = f"Phasen berechnet für heute ({day:%d.%m.%Y}) aus Daten mit Stand 09.2025."
    assert expected in captions
    stale = [w.value for w in at.warning if "Monate älter als heute" in w.value]
    assert bool(stale) == warned


def bundled_page_today(monkeypatch, page: str, params: dict):
    """A page run on the bundled data, as on 30.11.2026 (after the 2020 and 2021 cohorts'
    planned end)."""
    from tests.apptest import run_app

    monkeypatch.setattr("components.data.today", lambda: dt.date(2026, 11, 30))
    at = run_app(monkeypatch, page=page, params=params)
    assert not at.exception, at.exception
    return at


def test_a_profile_names_the_planned_end_passed_and_the_offer(monkeypatch):
    """(The filter on the state and the map's legend entry, in the browser:
    tests/test_browser_status.py, tests/test_browser_meeting_grade.py.)"""
    at = bundled_page_today(monkeypatch, "profiles", {"project": "mpsc-2021-bochum"})
    text = "geplantes Ende überschritten (bis 09.2026) – Verlängerung bis 31.03.2028"
    assert sum(text in m.value.replace("\\", "") for m in at.markdown) == 1


def test_the_chosen_cohorts_chart_has_the_planned_end_passed_as_a_phase(monkeypatch):
    from tests.apptest import drawn_charts

    at = bundled_page_today(monkeypatch, "timeline", {"cohort": "2020"})
    chart = drawn_charts(at)[1]
    assert chart["layout"]["title"]["text"] == "Staffel 2020: Projekte je Phase"
    assert "Geplantes Ende überschritten" in [trace.get("name") for trace in chart["data"]]


def test_exports_carry_the_phase_today_in_a_sheet_of_their_own(tmp_path):
    """Computed, so not in the exchange tables: a sheet beside them, formula-safe, with the
    day and the data date; the importer does not take it for a table."""
    import io

    from openpyxl import load_workbook

    from atlas.export import exchange_tables
    from atlas.importer import NOTES_SHEETS
    from atlas.spreadsheet import xlsx_bytes
    from atlas.status import PHASE_SHEET, phase_today_table

    projects = PROJECTS.replace("B,P,2021", "=HYPERLINK(1),P,2021")
    network = open_network(write_folder(tmp_path, projects=projects), dt.date(2026, 11, 30))
    table = phase_today_table(network.projects, META, "2025-09", dt.date(2026, 11, 30), "de")
    by_id = table.set_index("id")["Phase heute (berechnet)"]
    assert (
        by_id["past"]
        == "geplantes Ende überschritten (bis 12.2025) – Verlängerung bis 31.03.2028 angeboten"
    )
    assert by_id["past_no_phase"] == "geplantes Ende überschritten (bis 12.2025)"
    assert by_id["done"] == "Abgeschlossen"
    assert set(table["berechnet am"]) == {"2026-11-30"} and set(table["Datenstand"]) == {"2025-09"}
    book = load_workbook(io.BytesIO(xlsx_bytes(exchange_tables(network) | {PHASE_SHEET: table})))
    sheet = book[PHASE_SHEET]
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert not any(str(n).startswith("=") for n in names)  # neutralised, not a formula
    assert PHASE_SHEET in NOTES_SHEETS
