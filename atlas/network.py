"""A network: its typed tables plus the validation report, loaded from a folder or files.

`load_folder` reads, types and cross-checks every table and reports every problem
at once; a bad row is left out (and reported), a bad file never raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import pandas as pd

from atlas.coerce import coerce_table, empty_table
from atlas.measures import resolve_measure, resolve_status, suggest_measures
from atlas.problems import Problem, problem
from atlas.readers import read_folder
from atlas.schema import GERMANY_BBOX, TABLES

BUNDLED_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# Boundaries are static assets: the browser fetches them from the app itself (/app/static/geo)
BOUNDARY_DIR = Path(__file__).resolve().parent.parent / "static" / "geo"


@dataclass(frozen=True)
class Network:
    municipalities: pd.DataFrame
    projects: pd.DataFrame
    phases: pd.DataFrame
    organisations: pd.DataFrame
    cooperations: pd.DataFrame
    events: pd.DataFrame
    meta: pd.DataFrame
    views: pd.DataFrame
    problems: tuple[Problem, ...] = ()
    label: str = ""
    files: dict = field(default_factory=dict)
    # optional: what each project builds or runs (empty when the network has no such table)
    measures: pd.DataFrame = field(default_factory=lambda: empty_table(TABLES["measures"]))

    @property
    def usable(self) -> bool:
        """False when a required table could not be read at all."""
        return not any(p.severity == "fatal" and p.table in REQUIRED for p in self.problems)

    @cached_property
    def _meta_by_key(self) -> dict[str, str]:
        # the frame asks for title and date on every run; a boolean mask costs half a ms
        pairs = zip(self.meta["key"], self.meta["value"], strict=True)
        return {str(k): str(v) for k, v in reversed(list(pairs))}  # the first row wins

    def meta_value(self, key: str, default: str = "") -> str:
        return self._meta_by_key.get(key, default)

    @property
    def title(self) -> str:
        return self.meta_value("title", self.label)

    @property
    def as_of(self) -> str:
        return self.meta_value("as_of")

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def with_tables(self, **tables: pd.DataFrame) -> Network:
        return replace(self, **tables)


def in_set(values: pd.Series, known: set) -> pd.Series:
    """values.isin(known), several times faster for string columns of ids."""
    return values.map(known.__contains__).astype(bool)


REQUIRED = tuple(name for name, t in TABLES.items() if t.required_table)


def members(projects: pd.DataFrame) -> pd.DataFrame:
    """One row per (project_id, municipality_id): who takes part in what."""
    pairs = [
        (project, municipality)
        for project, ids in zip(projects["id"], projects["municipality_ids"], strict=True)
        for municipality in ids
    ]
    return pd.DataFrame(pairs, columns=["project_id", "municipality_id"], dtype=object)


def load_frames(raw: dict[str, pd.DataFrame], files: dict[str, str], label: str = "") -> Network:
    """Type and cross-check raw text tables (from files, a workbook or an upload)."""
    problems: list[Problem] = []
    typed: dict[str, pd.DataFrame] = {}
    for name, table in TABLES.items():
        file = files.get(name, f"{name}.csv")
        if name not in raw:
            # a file that exists but could not be read was reported by the reader already
            if table.required_table and name not in files:
                problems.append(
                    problem(file, name, None, None, None, "network.table_missing", "fatal")
                )
            typed[name] = empty_table(table)
            continue
        frame, found = _typed(table, raw[name], file)
        problems += found
        typed[name] = frame if frame is not None else empty_table(table)
    typed, cross = cross_check(typed, files)
    return Network(**typed, problems=tuple(problems + cross), label=label, files=dict(files))


def _typed(table, raw: pd.DataFrame, file: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """coerce_table, and if a table holds something it was not made for (a repeated column
    name from another source, say), a report naming file and column instead of an
    exception: loading never fails on the data, whatever the data is."""
    raw = raw.loc[:, ~raw.columns.duplicated()]  # the readers name repeated columns
    try:
        return coerce_table(table, raw, file)
    except Exception as exc:  # noqa: BLE001 - the report replaces the exception
        column = next((c for c in table.column_names if c in str(exc)), "")
        found = problem(
            file,
            table.name,
            None,
            column or None,
            None,
            "read.unreadable_table",
            "fatal",
            column=column or "?",
        )
        return None, [found]


def load_folder(folder: str | Path, label: str | None = None) -> Network:
    folder = Path(folder)
    raw, files, problems = read_folder(folder)
    network = load_frames(raw, files, label or str(folder))
    # file-level problems first: they explain the ones that follow
    return replace(network, problems=tuple(problems) + network.problems)


# --- cross-table checks -------------------------------------------------------------


def _keyed(frame, idx, files, table, column, value, key: str, **params) -> Problem:
    """A problem with its text's key (atlas/text_store.py): the report shows it in the
    interface language."""
    file = files.get(table, f"{table}.csv")
    return problem(file, table, int(frame.at[idx, "_line"]), column, value, key, **params)


def check_coordinates(frame: pd.DataFrame, table: str, files: dict) -> tuple[pd.DataFrame, list]:
    """Coordinates must lie in Germany; swapped lat/lon is named as such. Bad ones are cleared."""
    (lat_lo, lat_hi), (lon_lo, lon_hi) = GERMANY_BBOX["lat"], GERMANY_BBOX["lon"]
    lat, lon = frame["lat"], frame["lon"]
    known = lat.notna() & lon.notna()
    inside = lat.between(lat_lo, lat_hi) & lon.between(lon_lo, lon_hi)
    swapped = lon.between(lat_lo, lat_hi) & lat.between(lon_lo, lon_hi)
    problems = []
    for idx in frame.index[known & ~inside]:
        value = f"{lat[idx]}, {lon[idx]}"
        key = "network.coordinates_swapped" if swapped[idx] else "network.coordinates_outside"
        problems.append(_keyed(frame, idx, files, table, "lat/lon", value, key))
    frame = frame.copy()
    frame.loc[known & ~inside, ["lat", "lon"]] = float("nan")
    return frame, problems


def check_periods(frame: pd.DataFrame, table: str, files: dict) -> tuple[pd.DataFrame, list]:
    """An end before its start is reported and the end is not used."""
    bad = (
        frame["end_dt"].notna() & frame["start_dt"].notna() & (frame["end_dt"] < frame["start_dt"])
    )
    problems = [
        _keyed(
            frame,
            idx,
            files,
            table,
            "end",
            frame.at[idx, "end"],
            "network.end_before_start",
            start=frame.at[idx, "start"],
        )
        for idx in frame.index[bad]
    ]
    frame = frame.copy()
    frame.loc[bad, ["end", "end_dt"]] = [None, pd.NaT]
    return frame, problems


def check_ref(frame, table, column, known: set, files, drop_row: bool):
    values = frame[column]
    unknown = values.notna() & (values != "") & ~in_set(values, known)
    key = "network.unknown_id_row" if drop_row else "network.unknown_id"
    problems = [
        _keyed(frame, i, files, table, column, values[i], key) for i in frame.index[unknown]
    ]
    if drop_row:
        return frame[~unknown], problems
    frame = frame.copy()
    frame.loc[unknown, column] = None
    return frame, problems


def check_reflist(frame, table, column, known: set, files, required: bool):
    lists = frame[column]
    split = lists.map(
        lambda ids: (tuple(i for i in ids if i in known), tuple(i for i in ids if i not in known))
    )
    kept, unknown = split.map(lambda p: p[0]), split.map(lambda p: p[1])
    problems = [
        _keyed(frame, i, files, table, column, "; ".join(unknown[i]), "network.unknown_id")
        for i in frame.index[unknown.map(len) > 0]
    ]
    frame = frame.copy()
    frame[column] = kept
    if required:
        empty = kept.map(len) == 0
        problems += [
            _keyed(frame, i, files, table, column, "", "network.no_member")
            for i in frame.index[empty & (lists.map(len) > 0)]
        ]
        frame = frame[~empty]
    return frame, problems


def cross_check(t: dict[str, pd.DataFrame], files: dict) -> tuple[dict[str, pd.DataFrame], list]:
    problems: list[Problem] = []

    def run(name, result):
        t[name], found = result
        problems.extend(found)

    run("municipalities", check_coordinates(t["municipalities"], "municipalities", files))
    run("organisations", check_coordinates(t["organisations"], "organisations", files))
    muni_ids = set(t["municipalities"]["id"])
    run(
        "projects",
        check_reflist(t["projects"], "projects", "municipality_ids", muni_ids, files, True),
    )
    run(
        "projects",
        check_ref(t["projects"], "projects", "lead_municipality_id", muni_ids, files, False),
    )
    run("projects", check_periods(t["projects"], "projects", files))
    project_ids = set(t["projects"]["id"])
    run("phases", check_ref(t["phases"], "phases", "project_id", project_ids, files, True))
    run("phases", check_periods(t["phases"], "phases", files))
    nodes = muni_ids | project_ids | set(t["organisations"]["id"])
    for column in ("a_id", "b_id"):
        run(
            "cooperations", check_ref(t["cooperations"], "cooperations", column, nodes, files, True)
        )
    run("measures", check_ref(t["measures"], "measures", "project_id", project_ids, files, True))
    run("measures", check_measures(t["measures"], files))
    run("cooperations", check_cooperation_measures(t["cooperations"], files))
    run("events", check_ref(t["events"], "events", "municipality_id", muni_ids, files, False))
    run("events", check_reflist(t["events"], "events", "participant_ids", nodes, files, False))
    for name in t:
        t[name] = t[name].reset_index(drop=True)
    return t, problems


def _unknown_measure(frame, idx, files, table, value: str, ignored: bool) -> Problem:
    """An unknown measure, with the vocabulary's closest entries when there are any."""
    close = suggest_measures(value)
    key = "network.unknown_measure" + ("_guess" if close else "") + ("_ignored" if ignored else "")
    params = {"guess": ", ".join(close)} if close else {}
    severity = "warning" if ignored else "error"
    file = files.get(table, f"{table}.csv")
    line = int(frame.at[idx, "_line"])
    return problem(file, table, line, "measure", value, key, severity, **params)


def check_measures(frame: pd.DataFrame, files: dict) -> tuple[pd.DataFrame, list]:
    """Measures named by id or label become ids; an unknown name is reported with the
    closest vocabulary entries and its row left out (never guessed). A status that is
    not one of the vocabulary's is reported and counts as unknown."""
    problems = []
    frame = frame.copy()
    ids = frame["measure"].map(lambda v: resolve_measure(v) if isinstance(v, str) else None)
    for idx in frame.index[ids.isna()]:
        value = frame.at[idx, "measure"]
        problems.append(_unknown_measure(frame, idx, files, "measures", value, ignored=False))
    status_text = frame["status"].fillna("").astype(str)
    status = status_text.map(resolve_status)
    for idx in frame.index[status.isna()]:
        file = files.get("measures", "measures.csv")
        line = int(frame.at[idx, "_line"])
        found = problem(
            file, "measures", line, "status", status_text[idx], "network.unknown_status", "warning"
        )
        problems.append(found)
    frame["measure"] = ids
    frame["status"] = status.fillna("unbekannt")
    frame["product"] = frame["product"].fillna("").astype(str)
    return frame[ids.notna()], problems


def check_cooperation_measures(frame: pd.DataFrame, files: dict) -> tuple[pd.DataFrame, list]:
    """A cooperation's optional measure as an id; an unknown one is reported and cleared."""
    if "measure" not in frame:
        return frame, []
    frame = frame.copy()
    text = frame["measure"].fillna("").astype(str)
    ids = text.map(lambda v: resolve_measure(v) if v else "")
    problems = [
        _unknown_measure(frame, idx, files, "cooperations", text[idx], ignored=True)
        for idx in frame.index[ids.isna()]
    ]
    frame["measure"] = ids.fillna("")
    return frame, problems
