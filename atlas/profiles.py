"""What a profile shows about one municipality or project, as plain tables."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from atlas.network import Network, members

PHASE_COLUMNS = ["phase", "start", "end"]


@dataclass(frozen=True)
class MunicipalityProfile:
    record: pd.Series
    projects: pd.DataFrame  # id, name, programme, cohort, phase_now, start, end, topics
    topics: list[tuple[str, int]]  # topic, number of its projects
    links: pd.DataFrame  # known cooperations touching it or its projects
    events: pd.DataFrame  # meetings it hosted or took part in
    partners: pd.DataFrame  # id, name, via (joint project or cooperation)


@dataclass(frozen=True)
class ProjectProfile:
    record: pd.Series
    participants: pd.DataFrame  # id, name, kind, state, district
    phases: pd.DataFrame  # phase, start, end, source
    links: pd.DataFrame
    events: pd.DataFrame


def find(frame: pd.DataFrame, item_id: str) -> pd.Series | None:
    rows = frame[frame["id"] == item_id]
    return None if rows.empty else rows.iloc[0]


def projects_of(network: Network, municipality_id: str) -> pd.DataFrame:
    mask = network.projects["municipality_ids"].map(lambda ids: municipality_id in ids)
    return network.projects[mask]


def _links_touching(network: Network, ids: set[str]) -> pd.DataFrame:
    coops = network.cooperations
    return coops[coops["a_id"].isin(ids) | coops["b_id"].isin(ids)]


def _events_touching(network: Network, ids: set[str]) -> pd.DataFrame:
    events = network.events
    mask = events["municipality_id"].isin(ids) | events["participant_ids"].map(
        lambda p: not ids.isdisjoint(p)
    )
    return events[mask].sort_values("date")


def names(network: Network) -> dict[str, str]:
    """Display name for any id: municipality, project or organisation."""
    lookup = {}
    for table in (network.organisations, network.projects, network.municipalities):
        lookup.update(zip(table["id"], table["name"], strict=True))
    return lookup


def municipality_profile(network: Network, municipality_id: str) -> MunicipalityProfile | None:
    record = find(network.municipalities, municipality_id)
    if record is None:
        return None
    projects = projects_of(network, municipality_id)
    project_ids = set(projects["id"])
    topic_counts = pd.Series([t for ts in projects["topics"] for t in ts]).value_counts()
    links = _links_touching(network, {municipality_id} | project_ids)
    return MunicipalityProfile(
        record=record,
        projects=projects,
        topics=[(str(t), int(n)) for t, n in topic_counts.items()],
        links=links,
        events=_events_touching(network, {municipality_id} | project_ids),
        partners=partners_of(network, municipality_id, projects, links),
    )


def partners_of(network, municipality_id, projects, links) -> pd.DataFrame:
    """Who it already works with: co-participants of its projects and known links."""
    label = names(network)
    rows = []
    for project in projects.itertuples():
        for other in project.municipality_ids:
            if other != municipality_id:
                rows.append((other, label.get(other, other), project.name))
    own = {municipality_id} | set(projects["id"])
    for link in links.itertuples():
        for other in (link.a_id, link.b_id):
            if other not in own:
                rows.append((other, label.get(other, other), link.kind or link.note))
    frame = pd.DataFrame(rows, columns=["id", "name", "via"])
    return frame.groupby(["id", "name"], as_index=False)["via"].agg(
        lambda v: "; ".join(sorted(set(v)))
    )


def project_profile(network: Network, project_id: str) -> ProjectProfile | None:
    record = find(network.projects, project_id)
    if record is None:
        return None
    ids = list(record["municipality_ids"])
    munis = network.municipalities.set_index("id")
    participants = munis.loc[
        [i for i in ids if i in munis.index], ["name", "kind", "state", "district"]
    ]
    phases = network.phases[network.phases["project_id"] == project_id].sort_values("start")
    return ProjectProfile(
        record=record,
        participants=participants.reset_index(),
        phases=phases[[*PHASE_COLUMNS, "source"]],
        links=_links_touching(network, {project_id}),
        events=_events_touching(network, {project_id, *ids}),
    )


def similar_projects(network: Network, project_id: str, limit: int = 5) -> pd.DataFrame:
    """Projects sharing the most topics and keywords, rare topics weighing more.

    Score = sum over shared topics of log(N / projects with that topic), so two projects
    both working on a topic few others have are more alike than two sharing Mobilität.
    """
    import math

    projects = network.projects
    record = find(projects, project_id)
    if record is None or not record["topics"]:
        return pd.DataFrame(columns=["id", "name", "shared", "score"])
    frequency = pd.Series([t for ts in projects["topics"] for t in ts]).value_counts()
    weight = {t: math.log(len(projects) / n) + 0.1 for t, n in frequency.items()}
    mine = set(record["topics"])
    rows = []
    for other in projects.itertuples():
        if other.id == project_id:
            continue
        shared = mine & set(other.topics)
        if shared:
            score = sum(weight[t] for t in shared)
            rows.append((other.id, other.name, sorted(shared, key=lambda t: -weight[t]), score))
    frame = pd.DataFrame(rows, columns=["id", "name", "shared", "score"])
    return frame.sort_values(["score", "name"], ascending=[False, True]).head(limit)


def comparison(network: Network, municipality_ids: list[str]) -> pd.DataFrame:
    """One column per municipality: kind, state, projects, phases, topics, known funding."""
    long = members(network.projects)
    columns = {}
    for mid in municipality_ids:
        record = find(network.municipalities, mid)
        if record is None:
            continue
        projects = network.projects[
            network.projects["id"].isin(long.loc[long["municipality_id"] == mid, "project_id"])
        ]
        columns[record["name"]] = {
            "kind": record["kind"],
            "state": record["state"],
            "district": record["district"],
            "population": record["population"],
            "projects": len(projects),
            "phases": "; ".join(sorted(set(projects["phase_now"]))),
            "topics": "; ".join(sorted({t for ts in projects["topics"] for t in ts})),
            # a joint project's funding is the project's, not each member's: counted as
            # own only for projects of one member, joint ones apart
            "funding_federal_eur": projects.loc[
                projects["municipality_ids"].map(len) <= 1, "funding_federal_eur"
            ].sum(min_count=1),
            "funding_joint_eur": projects.loc[
                projects["municipality_ids"].map(len) > 1, "funding_federal_eur"
            ].sum(min_count=1),
            "start": projects["start"].dropna().min() if projects["start"].notna().any() else None,
            "end": projects["end"].dropna().max() if projects["end"].notna().any() else None,
        }
    return pd.DataFrame(columns)
