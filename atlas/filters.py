"""One `Filters` value that every page applies the same way, and describes itself in words."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import pandas as pd

from atlas.fmt import number
from atlas.network import Network, in_set, members
from atlas.schema import SIZE_CLASSES, TOPICS
from atlas.text import join_words, t

# Which filter field selects which column: (field, column, match). A member or project
# is kept when the column's value is one of the chosen (topics: any of its topics is).
REGION_CRITERIA = (("states", "state", "isin"), ("districts", "district", "isin"))
PROJECT_CRITERIA = (
    ("programmes", "programme", "isin"),
    ("cohorts", "cohort", "isin"),
    ("phases", "phase_now", "isin"),
    ("topics", "topics", "any"),
    ("size_classes", "size_class", "isin"),
)


@dataclass(frozen=True)
class Filters:
    states: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    cohorts: tuple[int, ...] = ()
    phases: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    size_classes: tuple[str, ...] = ()
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    @property
    def has_project_criteria(self) -> bool:
        """Criteria that only projects have: with them, members without a match drop out."""
        return any(getattr(self, field) for field, _, _ in PROJECT_CRITERIA)


def _any_in(lists: pd.Series, wanted: tuple) -> pd.Series:
    wanted = set(wanted)
    return lists.map(lambda items: not wanted.isdisjoint(items))


def _mask(frame: pd.DataFrame, f: Filters, criteria) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for field, column, match in criteria:
        chosen = getattr(f, field)
        if chosen:
            mask &= _any_in(frame[column], chosen) if match == "any" else frame[column].isin(chosen)
    return mask


def region_mask(municipalities: pd.DataFrame, f: Filters) -> pd.Series:
    """Members in the chosen states and districts."""
    return _mask(municipalities, f, REGION_CRITERIA)


def text_mask(frame: pd.DataFrame, columns: list[str], text: str) -> pd.Series:
    needle = text.strip().lower()
    mask = pd.Series(False, index=frame.index)
    for column in columns:
        values = frame[column]
        if values.map(lambda v: isinstance(v, tuple)).any():
            values = values.map(lambda v: " ".join(v) if isinstance(v, tuple) else v)
        mask |= values.fillna("").astype(str).str.lower().str.contains(needle, regex=False)
    return mask


def project_mask(projects: pd.DataFrame, f: Filters) -> pd.Series:
    """Projects that meet every project criterion (programme, cohort, phase, topic, size)."""
    return _mask(projects, f, PROJECT_CRITERIA)


def apply_filters(network: Network, f: Filters) -> Network:
    """The network reduced to what the filters select, consistently across tables.

    A project matches a region if any participant lies in it; the members shown are the
    region's participants of the matching projects (or every member of the region when
    no project criterion is set). Free text matches project names and keywords as well as
    member names.
    """
    if f.is_empty:
        return network
    munis, projects = network.municipalities, network.projects
    member_lists = projects["municipality_ids"]
    in_region = region_mask(munis, f)
    keep_projects = project_mask(projects, f)
    if f.states or f.districts:
        region_ids = set(munis.loc[in_region, "id"])
        keep_projects &= member_lists.map(region_ids.isdisjoint) == False  # noqa: E712
    keep_munis = in_region.copy()
    if f.text:
        text_cols = [c for c in ("name", "keywords") if c in projects]
        name_hit = set(munis.loc[text_mask(munis, ["name"], f.text), "id"])
        by_member = member_lists.map(name_hit.isdisjoint) == False  # noqa: E712
        keep_projects &= text_mask(projects, text_cols, f.text) | by_member
    if f.has_project_criteria or f.text:
        participating = set().union(*member_lists[keep_projects])
        keep_munis &= in_set(munis["id"], participating)
        if f.text and not f.has_project_criteria:
            keep_munis |= in_region & in_set(munis["id"], name_hit)
    return _restrict(network, munis[keep_munis], projects[keep_projects])


def _restrict(network: Network, munis: pd.DataFrame, projects: pd.DataFrame) -> Network:
    muni_ids, project_ids = set(munis["id"]), set(projects["id"])
    members_ = muni_ids | project_ids
    nodes = members_ | set(network.organisations["id"])
    coops = network.cooperations
    both_known = in_set(coops["a_id"], nodes) & in_set(coops["b_id"], nodes)
    touches_member = in_set(coops["a_id"], members_) | in_set(coops["b_id"], members_)
    events = network.events
    at_member = in_set(events["municipality_id"], muni_ids)
    with_member = events["participant_ids"].map(members_.isdisjoint) == False  # noqa: E712
    phases = network.phases
    return network.with_tables(
        municipalities=munis.reset_index(drop=True),
        projects=projects.reset_index(drop=True),
        phases=phases[in_set(phases["project_id"], project_ids)].reset_index(drop=True),
        cooperations=coops[both_known & touches_member].reset_index(drop=True),
        events=events[at_member | with_member].reset_index(drop=True),
    )


def describe(f: Filters, n_projects: int, lang: str = "de") -> str:
    """E.g. "14 Projekte in Niedersachsen, Thema Mobilität"."""
    key = "describe.project_one" if n_projects == 1 else "describe.projects"
    head = t(key, lang, n=number(n_projects, lang))
    parts = []
    region = list(f.districts) or [t(f"state.{s}", lang) for s in f.states]
    if region:
        parts.append(t("describe.in", lang, where=join_words(region, lang)))
    else:
        parts.append(t("describe.everywhere", lang))
    if f.programmes:
        parts.append(t("describe.programme", lang, what=join_words(f.programmes, lang)))
    if f.cohorts:
        parts.append(t("describe.cohort", lang, what=join_words([str(c) for c in f.cohorts], lang)))
    if f.phases:
        labels = [t(f"phase.{p}", lang) for p in f.phases]
        parts.append(t("describe.phase", lang, what=join_words(labels, lang)))
    if f.topics:
        labels = [t(f"topic.{x}", lang) for x in f.topics]
        key = "describe.topic" if len(labels) == 1 else "describe.topics"
        parts.append(t(key, lang, what=join_words(labels, lang)))
    if f.size_classes:
        labels = [t(f"size.{s}", lang) for s in f.size_classes]
        parts.append(t("describe.size", lang, what=join_words(labels, lang)))
    if f.text:
        parts.append(t("describe.text", lang, what=f.text))
    return head + " " + parts[0] + "".join(", " + p for p in parts[1:])


# --- options for the filter widgets ---------------------------------------------------

FIELDS = ("states", "districts", "programmes", "cohorts", "phases", "topics", "size_classes")


def option_counts(network: Network, field: str, states: tuple[str, ...] = ()) -> list[tuple]:
    """(value, number of projects) for each value a filter can take, in a natural order.

    Districts are limited to the chosen states, so the list stays short.
    """
    from atlas import summary  # local: summary imports network, not filters

    if field == "states":
        table = summary.projects_by_state(network)
        return list(zip(table["state"], table["projects"], strict=True))
    if field == "districts":
        return _district_counts(network, states)
    if field == "phases":
        table = summary.projects_by_phase(network)
        return list(zip(table["phase"], table["projects"], strict=True))
    if field == "topics":
        counts = summary.project_topics(network)["topic"].value_counts()
        return [(x, int(counts[x])) for x in TOPICS if x in counts.index]
    if field == "size_classes":
        counts = network.projects["size_class"].value_counts()
        return [(s, int(counts[s])) for s in SIZE_CLASSES if s in counts.index]
    column = {"programmes": "programme", "cohorts": "cohort"}[field]
    counts = network.projects[column].dropna().value_counts()
    counts = counts[counts.index != ""]
    return [(v.item() if hasattr(v, "item") else v, int(n)) for v, n in sorted(counts.items())]


def counts_given(network: Network, field: str, f: Filters, restrict=None) -> dict:
    """{option: number of projects} for one filter among what the *other* filters select:
    with Niedersachsen chosen, a topic's count is its projects in Niedersachsen, not in
    the whole network. The field's own choice is left out, so its other options keep
    the counts they would have if chosen instead. `restrict(network, filters)` does what
    apply_filters does (the app hands in one that shares its results: for all fields but
    the chosen ones, the other filters are the page's own)."""
    others = replace(f, **{field: ()})
    subset = (restrict or apply_filters)(network, others)
    return dict(option_counts(subset, field, f.states if field == "districts" else ()))


def _district_counts(network: Network, states: tuple[str, ...]) -> list[tuple]:
    munis = network.municipalities
    if states:
        munis = munis[munis["state"].isin(states)]
    munis = munis[munis["district"].fillna("") != ""]
    long = members(network.projects).merge(
        munis[["id", "district"]], left_on="municipality_id", right_on="id"
    )
    counts = long.drop_duplicates(["project_id", "district"])["district"].value_counts()
    districts = sorted(set(munis["district"]))
    return [(d, int(counts.get(d, 0))) for d in districts]
