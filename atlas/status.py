"""Where each project stands on a given day, from its dated phases (never guessed)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from atlas.schema import PHASES

UNKNOWN = "Unbekannt"
PHASE_ORDER = {phase: i for i, phase in enumerate(PHASES)}


def phase_on(projects: pd.DataFrame, phases: pd.DataFrame, day: dt.date) -> pd.Series:
    """Each project's phase on `day`, indexed like `projects`.

    A dated phase covering the day wins (the later-starting one if two overlap, e.g. an
    implementation phase that began before the strategy was formally closed); after the
    project's known end it is "Abgeschlossen"; otherwise the phase the source states;
    otherwise "Unbekannt".
    """
    today = pd.Timestamp(day)
    covering = phases[
        phases["start_dt"].notna()
        & (phases["start_dt"] <= today)
        & (phases["end_dt"].isna() | (phases["end_dt"] >= today))
    ]
    current = covering.sort_values("start_dt").groupby("project_id")["phase"].last()
    from_phases = projects["id"].map(current)
    ended = projects["end_dt"].notna() & (projects["end_dt"] < today)
    stated = projects["phase"].where(projects["phase"].notna() & (projects["phase"] != ""))
    result = from_phases.where(from_phases.notna(), stated.where(~ended, "Abgeschlossen"))
    return result.fillna(UNKNOWN).astype(str)


def with_current_phase(projects: pd.DataFrame, phases: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    projects = projects.copy()
    projects["phase_now"] = phase_on(projects, phases, day)
    return projects
