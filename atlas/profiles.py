"""What a profile shows about one municipality or project, as plain tables."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pandas as pd

from atlas.network import Network, members

PHASE_COLUMNS = ["phase", "start", "end"]


MEASURE_COLUMNS = ["project_id", "measure", "status", "since", "product", "source", "note"]
# what is running comes first, then what is under way, planned, done, unknown
MEASURE_ORDER = {"in Betrieb": 0, "in Umsetzung": 1, "geplant": 2, "abgeschlossen": 3}

# which column holds the source of which facts (the columns a table may lack are skipped)
MUNICIPALITY_SOURCES = {
    "facts": "source",  # kind, state, district, programmes
    "population": "population_source",
    "location": "coord_source",
}
PROJECT_SOURCES = {
    "facts": "source",  # programme, cohort, funding, runtime, topics
    "phase": "phase_source",
}

_URL = re.compile(r"https?://[^\s<>\"'\[\]{}|\\^`]+", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """One part of a source cell: `url` is a plain http(s) address or "" (then the part
    is only named, e.g. "staedtetag.de PM 10.07.2019")."""

    text: str
    url: str = ""


def sources(cell) -> list[Source]:
    """A source cell ("https://…; staedtetag.de PM 10.07.2019") as its parts, in order and
    without repeats. A part with an http(s) address links it, named by its site and the
    words beside it ("westfalen-blatt.de (Westfalen-Blatt, 02/2021)"); any other part stays
    text. Nothing else (javascript:, data:, bare domains) ever becomes a link."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)) or cell is pd.NA:
        return []
    found: list[Source] = []
    for part in re.split(r"\s*;\s*", str(cell).strip()):
        if not part:
            continue
        match = _URL.search(part)
        if match is None:
            source = Source(part)
        else:
            url = match.group(0).rstrip(".,)")
            host = urlsplit(url).hostname or url
            rest = part[: match.start()] + part[match.start() + len(url) :]
            rest = re.sub(r"\(\s*\)", "", rest).strip(" ,.;")
            site = host.removeprefix("www.")
            source = Source(f"{site} {rest}" if rest else site, url)
        if source not in found:
            found.append(source)
    return found


def fact_sources(record: pd.Series, columns: dict[str, str]) -> dict[str, list[Source]]:
    """For each group of facts a profile shows, the sources its record names."""
    return {
        group: sources(record.get(column))
        for group, column in columns.items()
        if sources(record.get(column))
    }


@dataclass(frozen=True)
class MunicipalityProfile:
    record: pd.Series
    projects: pd.DataFrame  # id, name, programme, cohort, phase_now, start, end, topics
    topics: list[tuple[str, int]]  # topic, number of its projects
    links: pd.DataFrame  # known cooperations touching it or its projects
    events: pd.DataFrame  # meetings it hosted or took part in
    partners: pd.DataFrame  # id, name, via (joint project or cooperation)
    measures: pd.DataFrame = None  # MEASURE_COLUMNS + project name, of all its projects


@dataclass(frozen=True)
class ProjectProfile:
    record: pd.Series
    participants: pd.DataFrame  # id, name, kind, state, district
    phases: pd.DataFrame  # phase, start, end, source
    links: pd.DataFrame
    events: pd.DataFrame
    measures: pd.DataFrame = None  # MEASURE_COLUMNS + project name


def measures_of(network: Network, project_ids) -> pd.DataFrame:
    """The measures table's rows of these projects (what they build or run, how far, since
    when, with which product, from which source): running ones first, then by name of
    the project. Projects without rows there have none listed."""
    table = network.measures
    if table is None or table.empty:
        return pd.DataFrame(columns=[*MEASURE_COLUMNS, "project"])
    rows = table[table["project_id"].isin(set(project_ids))].reindex(columns=MEASURE_COLUMNS)
    for column in ("status", "since", "product", "source", "note"):
        rows[column] = rows[column].astype(object).fillna("").astype(str)
    rows["status"] = rows["status"].replace("", "unbekannt")
    project_names = dict(zip(network.projects["id"], network.projects["name"], strict=True))
    rows["project"] = rows["project_id"].map(project_names)
    rows["_order"] = rows["status"].map(MEASURE_ORDER).fillna(len(MEASURE_ORDER))
    return (
        rows.sort_values(["project", "_order", "measure"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


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
        measures=measures_of(network, project_ids),
    )


def partners_of(network, municipality_id, projects, links) -> pd.DataFrame:
    """Who it already works with: co-participants of its projects and the other side of
    every known link. A link to a project counts for the project's members (a visit to
    "digital.interkommunal" is one to Kalletal and Lemgo), so every link listed below the
    partners has its partner among them."""
    label = names(network)
    members_of = dict(
        zip(network.projects["id"], network.projects["municipality_ids"], strict=True)
    )
    rows = []
    for project in projects.itertuples():
        for other in project.municipality_ids:
            if other != municipality_id:
                rows.append((other, label.get(other, other), project.name))
    own = {municipality_id} | set(projects["id"])
    for link in links.itertuples():
        for other in (link.a_id, link.b_id):
            if other in own:
                continue
            via = _text(link.kind) or _text(link.note)
            sides = [m for m in members_of.get(other, ()) if m != municipality_id]
            for side in sides or [other]:
                rows.append((side, label.get(side, side), via))
    frame = pd.DataFrame(rows, columns=["id", "name", "via"])
    return frame.groupby(["id", "name"], as_index=False)["via"].agg(
        lambda v: "; ".join(sorted(set(v)))
    )


def _text(value) -> str:
    return (
        ""
        if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))
        else str(value)
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
        measures=measures_of(network, [project_id]),
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
