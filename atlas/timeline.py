"""Where every project stands in time: phase bars, cohort counts by date, milestones.

Nothing is guessed: a project whose phases are not dated shows its known runtime as
"phase unknown"; a project with no dates at all is listed as such; the part of a runtime
after the last dated phase is shown as unknown too.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from atlas.network import Network, in_set
from atlas.schema import PHASES, STATES, TOPICS
from atlas.status import DONE, OVERDUE, UNKNOWN, phase_grid

GROUPINGS = ("state", "cohort", "municipality", "topic")
FAR_FUTURE = pd.Timestamp("2200-01-01")  # "no end known" when comparing dates
BAR_COLUMNS = ["project_id", "phase", "start", "end", "until", "kind"]
DAY = pd.Timedelta(days=1)


def phase_bars(network: Network, today: dt.date | None = None) -> pd.DataFrame:
    """One row per bar: project_id, phase, start, end, until (Timestamps), kind.

    kind is "phase" (a dated phase), "runtime" (part of the known runtime that no dated phase
    covers: phase unknown), "end_only" (only the project's end is known: no bar, a mark at
    the end) or "none" (no dates at all: listed, never drawn). `end` is NaT where the
    sources give no end; `until` is then where the bar stops: the day before the project's
    next phase, else today (never past the project's known end), never before the start.
    The chart marks such a bar as open-ended: its end is not invented. Without `today`,
    `until` stays NaT there and the chart draws to its own today.
    """
    day = pd.Timestamp(today) if today is not None else pd.NaT
    projects = network.projects
    phases = network.phases[
        network.phases["start_dt"].notna()
        & in_set(network.phases["project_id"], set(projects["id"]))
    ].sort_values(["project_id", "start_dt"], kind="stable")
    own = projects.set_index("id")
    pid = phases["project_id"]
    start, end = phases["start_dt"], phases["end_dt"]
    run_start = pid.map(own["start_dt"])
    run_end = pid.map(own["end_dt"])
    same = pid.eq(pid.shift(-1))
    next_start = phases["start_dt"].shift(-1).where(same)
    next_start = next_start.where(next_start > start)
    until = end.where(end.notna(), next_start - DAY)
    until = until.where(until.notna(), _open_until(start, run_end, day))
    dated = pd.DataFrame(
        {"project_id": pid, "phase": phases["phase"], "start": start, "end": end}
    ).assign(until=until, kind="phase")
    frames = [dated, _uncovered(dated, run_start, run_end)]
    rest = projects[~in_set(projects["id"], set(pid))]
    r_start, r_end = rest["start_dt"], rest["end_dt"]
    open_until = _open_until(r_start, r_end, day)
    kind = np.select([r_start.notna(), r_end.notna()], ["runtime", "end_only"], default="none")
    frames.append(
        pd.DataFrame(
            {
                "project_id": rest["id"],
                "phase": UNKNOWN,
                "start": r_start,
                "end": r_end,
                "until": r_end.where(r_end.notna() | r_start.isna(), open_until),
                "kind": kind,
            }
        )
    )
    frame = pd.concat([f for f in frames if len(f)], ignore_index=True)
    if frame.empty:
        return pd.DataFrame(columns=BAR_COLUMNS)
    for column in ("start", "end", "until"):
        frame[column] = pd.to_datetime(frame[column])
    return (
        frame[BAR_COLUMNS]
        .sort_values(["project_id", "start"], na_position="last", kind="stable")
        .reset_index(drop=True)
    )


def _open_until(start: pd.Series, run_end: pd.Series, day) -> pd.Series:
    """Where a bar without a known end stops: today, or the project's end if that is earlier;
    never before its start. NaT without a today."""
    if pd.isna(day):
        return pd.Series(pd.NaT, index=start.index, dtype="datetime64[us]")
    stop = run_end.where(run_end.notna() & (run_end < day), day)
    return stop.where(stop >= start, start)


def _uncovered(dated: pd.DataFrame, run_start: pd.Series, run_end: pd.Series) -> pd.DataFrame:
    """The stretches of a project's own runtime that none of its dated phases covers
    (before the first, between two, after the last): shown as phase unknown. What follows
    an open end (the last phase without an end, or one drawn to an unknown today) is not
    known to be a gap."""
    if dated.empty:
        return dated
    pid = dated["project_id"]
    first = ~pid.eq(pid.shift(1))
    last = ~pid.eq(pid.shift(-1))
    far = pd.Timestamp("2262-01-01")
    reach = (dated["until"] + DAY).fillna(far).astype("datetime64[us]")
    reach = reach.where(~(last & dated["end"].isna()), far)
    reached = reach.groupby(pid.to_numpy()).cummax()
    before = reached.groupby(pid.to_numpy()).shift(1)
    own_start = run_start.where(run_start.notna(), dated["start"])
    cursor = before.where(~first, own_start)
    cursor = cursor.where(~(before < own_start), own_start)
    inner = dated["start"] > cursor
    gaps = [
        pd.DataFrame(
            {
                "project_id": pid[inner],
                "start": cursor[inner],
                "end": dated["start"][inner] - DAY,
            }
        )
    ]
    tail = last & run_end.notna() & (run_end >= reached)
    gaps.append(
        pd.DataFrame({"project_id": pid[tail], "start": reached[tail], "end": run_end[tail]})
    )
    out = pd.concat(gaps, ignore_index=True)
    return out.assign(phase=UNKNOWN, until=out["end"], kind="runtime")


def group_labels(network: Network, by: str) -> pd.Series:
    """Each project's group (by project id): the lead's (or first participant's) state or
    name, the cohort, or its rarest topic in the network."""
    projects = network.projects.set_index("id")
    munis = network.municipalities.set_index("id")
    first = pd.Series(
        [
            lead or (ids[0] if ids else "")
            for lead, ids in zip(
                projects["lead_municipality_id"].fillna(""),
                projects["municipality_ids"],
                strict=True,
            )
        ],
        index=projects.index,
    )
    if by == "state":
        return first.map(munis["state"]).fillna("")
    if by == "municipality":
        return first.map(munis["name"]).fillna("")
    if by == "cohort":
        return projects["cohort"].map(lambda c: "" if pd.isna(c) else str(int(c)))
    counts = pd.Series([t for ts in projects["topics"] for t in ts]).value_counts().to_dict()
    rank = {t: (counts.get(t, 0), TOPICS.index(t) if t in TOPICS else 99) for t in counts}
    return projects["topics"].map(lambda ts: min(ts, key=rank.__getitem__) if ts else "")


def ordered_projects(network: Network, by: str, today: dt.date) -> pd.DataFrame:
    """Projects sorted by group, then the most relevant first within it: running ones before
    completed ones, the soonest end first. Columns: id, name, group."""
    labels = group_labels(network, by)
    projects = network.projects.assign(group=network.projects["id"].map(labels))
    done = projects["phase_now"].isin([DONE, OVERDUE])
    soon = projects["end_dt"].fillna(FAR_FUTURE)
    if by == "state":
        rank = projects["group"].map({s: i for i, s in enumerate(STATES)}).fillna(99)
    elif by == "topic":
        rank = projects["group"].map({t: i for i, t in enumerate(TOPICS)}).fillna(99)
    else:
        rank = projects["group"]
    projects = projects.assign(_rank=rank, _done=done, _soon=soon)
    projects = projects.sort_values(["_rank", "_done", "_soon", "name"], kind="stable")
    return projects[["id", "name", "group"]].reset_index(drop=True)


NOT_STARTED = -2  # in cohort_phase_counts' grid: the project had not begun; not counted


def _began(projects: pd.DataFrame, phases: pd.DataFrame) -> pd.Series:
    """When each project began, as far as the data says (see cohort_phase_counts)."""
    first = phases.groupby("project_id")["start_dt"].min().to_dict()
    cohort_year = pd.to_datetime(projects["cohort"].astype(int).astype(str) + "-01-01")
    first_phase = pd.to_datetime(
        pd.Series([first.get(i) for i in projects["id"]], index=projects.index, dtype=object)
    ).astype("datetime64[us]")
    cohort_year = cohort_year.astype("datetime64[us]")
    # a first dated phase may be a later one (Bamberg, 2020: implementation from 2023 only)
    earliest_known = cohort_year.where(~(first_phase < cohort_year), first_phase)
    return projects["start_dt"].astype("datetime64[us]").fillna(earliest_known)


def cohort_phase_counts(network: Network, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Per cohort and date: how many projects are in which phase (long table: cohort, date,
    phase, projects). Phases are read off the dated phases; a project past its known end
    counts as completed where its source says so, else as past its planned end; everything else is "Unbekannt" (never guessed). A project is not
    counted before it began: its start, else the 1 January of its cohort year (the year its
    projects were chosen), or its first dated phase if that is earlier."""
    projects = network.projects.dropna(subset=["cohort"])
    if projects.empty:
        return pd.DataFrame(columns=["cohort", "date", "phase", "projects"])
    when = dates.to_numpy()[None, :]
    phases = network.phases[network.phases["project_id"].isin(projects["id"])].dropna(
        subset=["start_dt"]
    )
    # one phase rule behind every page: each date's phase is atlas.status.phase_on's (as
    # phase_grid, tested against it), so the cohort sentence and the overview's phase
    # counts agree on today; the source's stated phase is a statement as of the data's
    # date and says nothing about the years before, which stay known from dated phases
    # (and known ends) only
    try:
        stated_from = pd.Timestamp(str(network.as_of))
    except (ValueError, TypeError):
        stated_from = pd.NaT
    grid, names = phase_grid(projects, phases, dates, stated_from)
    began = _began(projects, phases).to_numpy()[:, None]
    grid = np.where(when < began, NOT_STARTED, grid)
    codes = [*range(len(names)), -1]  # every phase, then "Unbekannt"
    cohorts = projects["cohort"].astype(int).to_numpy()
    years = sorted(set(cohorts.tolist()))
    counted = np.stack(
        [
            np.stack([(grid[cohorts == year] == c).sum(axis=0) for c in codes], axis=1)
            for year in years
        ]
    )  # cohort × date × phase
    shape = counted.shape
    return pd.DataFrame(
        {
            "cohort": np.repeat(years, shape[1] * shape[2]),
            "date": np.tile(np.repeat(dates.to_numpy(), shape[2]), shape[0]),
            "phase": np.tile([*names, UNKNOWN], shape[0] * shape[1]),
            "projects": counted.ravel().astype(int),
        }
    )


def count_on(counts: pd.DataFrame, cohort: int, date, phase: str) -> int:
    """How many of a cohort's projects were in a phase on a date (the nearest date before)."""
    sub = counts[
        (counts["cohort"] == cohort)
        & (counts["phase"] == phase)
        & (counts["date"] <= pd.Timestamp(date))
    ]
    return int(sub.sort_values("date")["projects"].iloc[-1]) if len(sub) else 0


def cohort_standing(counts: pd.DataFrame, cohort: int, day) -> tuple[pd.Timestamp, int, int] | None:
    """(last counted date on or before `day`, projects implementing then, projects counted
    then) for one cohort; None when nothing was counted by that day."""
    past = counts[(counts["cohort"] == cohort) & (counts["date"] <= pd.Timestamp(day))]
    if past.empty:
        return None
    latest = past[past["date"] == past["date"].max()]
    implementing = int(latest.loc[latest["phase"] == "Umsetzung", "projects"].sum())
    return latest["date"].iloc[0], implementing, int(latest["projects"].sum())


def milestones(network: Network, today: dt.date, months: int) -> pd.DataFrame:
    """Phase ends, project (funding) ends and starting extensions within the next months."""
    start, stop = pd.Timestamp(today), pd.Timestamp(today) + pd.DateOffset(months=months)
    names = network.projects.set_index("id")["name"]
    phases = network.phases
    rows = []
    ends = phases[phases["end_dt"].between(start, stop)]
    rows += [
        (e, p, names.get(p, p), "phase_end", ph)
        for e, p, ph in zip(ends["end_dt"], ends["project_id"], ends["phase"], strict=True)
    ]
    ext = phases[(phases["phase"] == "Verlängerung") & phases["start_dt"].between(start, stop)]
    rows += [
        (s, p, names.get(p, p), "extension", "Verlängerung")
        for s, p in zip(ext["start_dt"], ext["project_id"], strict=True)
    ]
    projects = network.projects[network.projects["end_dt"].between(start, stop)]
    rows += [
        (e, p, n, "project_end", "")
        for e, p, n in zip(projects["end_dt"], projects["id"], projects["name"], strict=True)
    ]
    frame = pd.DataFrame(rows, columns=["date", "project_id", "name", "what", "phase"])
    return frame.sort_values(["date", "name"], kind="stable").reset_index(drop=True)


def month_range(first: dt.date, last: dt.date, quarterly: bool = False) -> pd.DatetimeIndex:
    """Monthly dates; quarterly for large networks, where monthly steps add cost, not insight."""
    return pd.date_range(
        pd.Timestamp(first).replace(day=1), pd.Timestamp(last), freq="QS" if quarterly else "MS"
    )


QUARTERLY_FROM = 2000  # projects: above this, monthly steps add cost, not insight


def cohort_counts_between(network: Network, first: dt.date, last: dt.date) -> pd.DataFrame:
    """cohort_phase_counts from first to last, in steps that suit the network's size:
    monthly, quarterly for more than QUARTERLY_FROM projects."""
    quarterly = len(network.projects) > QUARTERLY_FROM
    return cohort_phase_counts(network, month_range(first, last, quarterly=quarterly))


__all__ = [
    "GROUPINGS",
    "PHASES",
    "cohort_counts_between",
    "cohort_phase_counts",
    "count_on",
    "milestones",
    "ordered_projects",
    "phase_bars",
]
