"""Counts and sums the overview shows; each returns a small DataFrame ready to chart."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from atlas import fmt
from atlas.network import Network, in_set
from atlas.schema import STATES, TOPICS
from atlas.status import PHASES_NOW
from atlas.text import t


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


def _states_per_project(network: Network) -> list[set[str]]:
    """For each project (in table order), the states it has a participant in."""
    state_of = dict(zip(network.municipalities["id"], network.municipalities["state"], strict=True))
    return [
        {state_of[m] for m in ids if m in state_of} for ids in network.projects["municipality_ids"]
    ]


def project_states(network: Network) -> pd.DataFrame:
    """(project_id, state) for every state a project has a participant in."""
    pairs = [
        (project, state)
        for project, states in zip(
            network.projects["id"], _states_per_project(network), strict=True
        )
        for state in sorted(states)
    ]
    return pd.DataFrame(pairs, columns=["project_id", "state"], dtype=object)


def projects_by_state(network: Network) -> pd.DataFrame:
    """Projects per state; a project spanning states counts in each of them."""
    counts = Counter(state for states in _states_per_project(network) for state in states)
    order = [s for s in STATES if s in counts] + sorted(set(counts) - set(STATES))
    return pd.DataFrame({"state": order, "projects": [counts[s] for s in order]})


def projects_by_cohort(network: Network) -> pd.DataFrame:
    cohorts = network.projects["cohort"].astype("object").where(network.projects["cohort"].notna())
    counts = cohorts.value_counts(dropna=False)
    rows = [(c, int(n)) for c, n in counts.items()]
    rows.sort(key=lambda r: (pd.isna(r[0]), r[0] if not pd.isna(r[0]) else 0))
    return pd.DataFrame(rows, columns=["cohort", "projects"])


def projects_by_phase(network: Network) -> pd.DataFrame:
    counts = network.projects["phase_now"].value_counts()
    order = [p for p in PHASES_NOW if p in counts.index]
    return pd.DataFrame({"phase": order, "projects": [int(counts[p]) for p in order]})


def project_topics(network: Network) -> pd.DataFrame:
    """(project_id, topic) long table."""
    pairs = [
        (project, topic)
        for project, topics in zip(network.projects["id"], network.projects["topics"], strict=True)
        for topic in topics
    ]
    return pd.DataFrame(pairs, columns=["project_id", "topic"], dtype=object)


def projects_by_topic(network: Network) -> pd.DataFrame:
    counts = Counter(topic for topics in network.projects["topics"] for topic in topics)
    order = sorted(counts, key=lambda x: (-counts[x], TOPICS.index(x) if x in TOPICS else 99))
    return pd.DataFrame({"topic": order, "projects": [counts[x] for x in order]})


def state_topic_matrix(network: Network) -> pd.DataFrame:
    """Rows: states, columns: topics, cells: number of projects (a project counts in each
    state it has a participant in)."""
    counts = Counter(
        (state, topic)
        for states, topics in zip(
            _states_per_project(network), network.projects["topics"], strict=True
        )
        for state in states
        for topic in topics
    )
    if not counts:
        return pd.DataFrame()
    rows = [s for s in STATES if any((s, x) in counts for x in TOPICS)]
    cols = [x for x in TOPICS if any((s, x) in counts for s in rows)]
    return pd.DataFrame([[counts[(s, x)] for x in cols] for s in rows], index=rows, columns=cols)


def coverage(network: Network) -> dict[str, int]:
    projects = network.projects
    return {
        "projects": len(projects),
        "with_topics": int((projects["topics"].map(len) > 0).sum()),
        "with_funding": int(projects["funding_federal_eur"].notna().sum()),
        "with_phases": int(in_set(projects["id"], set(network.phases["project_id"])).sum()),
    }


def counts_text(network: Network, lang: str) -> str:
    """The whole network in one sentence: projects, members, known links and meetings."""
    return t(
        "about.counts",
        lang,
        projects=fmt.number(len(network.projects), lang),
        municipalities=fmt.number(len(network.municipalities), lang),
        links=fmt.number(len(network.cooperations), lang),
        events=fmt.number(len(network.events), lang),
    )
