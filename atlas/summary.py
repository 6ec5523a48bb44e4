"""Counts and sums the overview shows; each returns a small DataFrame ready to chart."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from atlas.network import Network, members
from atlas.schema import PHASES, STATES, TOPICS
from atlas.status import UNKNOWN


@dataclass(frozen=True)
class Kpis:
    municipalities: int
    projects: int
    states: int
    funding_federal_eur: float
    funding_known: int  # projects whose federal funding is known


def kpis(network: Network) -> Kpis:
    funding = network.projects["funding_federal_eur"]
    return Kpis(
        municipalities=len(network.municipalities),
        projects=len(network.projects),
        states=network.municipalities["state"].nunique(),
        funding_federal_eur=float(funding.sum(skipna=True)),
        funding_known=int(funding.notna().sum()),
    )


def project_states(network: Network) -> pd.DataFrame:
    """(project_id, state) for every state a project has a participant in."""
    long = members(network.projects)
    states = network.municipalities.set_index("id")["state"]
    long["state"] = long["municipality_id"].map(states)
    return long.dropna(subset=["state"])[["project_id", "state"]].drop_duplicates()


def projects_by_state(network: Network) -> pd.DataFrame:
    """Projects per state; a project spanning states counts in each of them."""
    counts = project_states(network)["state"].value_counts()
    order = [s for s in STATES if s in counts.index] + sorted(set(counts.index) - set(STATES))
    return pd.DataFrame({"state": order, "projects": [int(counts[s]) for s in order]})


def projects_by_cohort(network: Network) -> pd.DataFrame:
    cohorts = network.projects["cohort"].astype("object").where(network.projects["cohort"].notna())
    counts = cohorts.value_counts(dropna=False)
    rows = [(c, int(n)) for c, n in counts.items()]
    rows.sort(key=lambda r: (pd.isna(r[0]), r[0] if not pd.isna(r[0]) else 0))
    return pd.DataFrame(rows, columns=["cohort", "projects"])


def projects_by_phase(network: Network) -> pd.DataFrame:
    counts = network.projects["phase_now"].value_counts()
    order = [p for p in (*PHASES, UNKNOWN) if p in counts.index]
    return pd.DataFrame({"phase": order, "projects": [int(counts[p]) for p in order]})


def project_topics(network: Network) -> pd.DataFrame:
    """(project_id, topic) long table."""
    long = network.projects[["id", "topics"]].explode("topics").dropna(subset=["topics"])
    return long.rename(columns={"id": "project_id", "topics": "topic"})


def projects_by_topic(network: Network) -> pd.DataFrame:
    counts = project_topics(network)["topic"].value_counts()
    order = sorted(counts.index, key=lambda x: (-counts[x], TOPICS.index(x) if x in TOPICS else 99))
    return pd.DataFrame({"topic": order, "projects": [int(counts[x]) for x in order]})


def state_topic_matrix(network: Network) -> pd.DataFrame:
    """Rows: states, columns: topics, cells: number of projects (a project counts in each
    state it has a participant in)."""
    pairs = project_states(network).merge(project_topics(network), on="project_id")
    if pairs.empty:
        return pd.DataFrame()
    matrix = pd.crosstab(pairs["state"], pairs["topic"])
    rows = [s for s in STATES if s in matrix.index]
    cols = [x for x in TOPICS if x in matrix.columns]
    return matrix.loc[rows, cols]


def coverage(network: Network) -> dict[str, int]:
    projects = network.projects
    return {
        "projects": len(projects),
        "with_topics": int((projects["topics"].map(len) > 0).sum()),
        "with_funding": int(projects["funding_federal_eur"].notna().sum()),
        "with_phases": int(projects["id"].isin(network.phases["project_id"]).sum()),
    }
