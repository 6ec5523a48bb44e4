"""Coverage and freshness: what is missing per member, and when it was last updated."""

from __future__ import annotations

import re

import pandas as pd

from atlas.network import Network, members

# fields a complete member profile has (required ones are always there)
MEMBER_FIELDS = ("district", "population", "ags", "source")


def member_coverage(
    network: Network, updates: dict[str, pd.DataFrame] | None = None
) -> pd.DataFrame:
    """One row per municipality: missing fields, number of projects, whether any project
    has topics, and the latest change to the member or one of its projects.

    `updates`: {"municipalities": key/at frame, "projects": key/at frame}, as
    Store.last_updates returns them (at: ISO time text, which sorts like time)."""
    munis = network.municipalities
    links = members(network.projects)
    topics = network.projects.set_index("id")["topics"].map(len) > 0
    links["has_topics"] = links["project_id"].map(topics).fillna(False).astype(bool)
    per_member = links.groupby("municipality_id").agg(
        projects=("project_id", "nunique"), with_topics=("has_topics", "sum")
    )
    missing = pd.Series([[] for _ in range(len(munis))], index=munis.index, dtype=object)
    for field in MEMBER_FIELDS:
        empty = munis[field].isna() | (munis[field].astype(str).str.strip() == "")
        for idx in munis.index[empty]:
            missing[idx].append(field)
    out = pd.DataFrame(
        {
            "id": munis["id"],
            "name": munis["name"],
            "state": munis["state"],
            "missing": missing.map(", ".join),
            "projects": munis["id"].map(per_member["projects"]).fillna(0).astype(int),
            "with_topics": munis["id"].map(per_member["with_topics"]).fillna(0).astype(int),
        }
    )
    out["last_updated"] = last_updated(munis["id"], links, updates)
    return out


def as_times(values: pd.Series) -> pd.Series:
    """Change times as UTC timestamps. The store writes ISO text in UTC; a database filled
    by another tool may hold times without a zone (taken as UTC) or words ("gestern"),
    which count as unknown (NaT) instead of sorting as text or failing."""
    text = (
        values.astype(object)
        .where(values.notna(), None)
        .map(lambda v: None if v is None or str(v).strip() == "" else str(v).strip())
    )
    times = pd.to_datetime(text, errors="coerce", utc=True, format="ISO8601")
    return times if times.dt.tz is not None else times.dt.tz_localize("UTC")  # all empty


def latest_by(keys: pd.Series, times: pd.Series) -> pd.Series:
    """The latest time per key (unknown times left out). Sorting beats groupby().max()."""
    at = as_times(times.reset_index(drop=True))
    frame = pd.DataFrame({"key": keys.reset_index(drop=True), "at": at})
    frame = frame.dropna(subset=["at"]).sort_values("at").drop_duplicates("key", keep="last")
    return frame.set_index("key")["at"]


def last_updated(ids: pd.Series, links: pd.DataFrame, updates: dict | None) -> pd.Series:
    """The latest change to each member or one of its projects (UTC timestamp, NaT when
    unknown)."""
    if not updates:
        return pd.Series(pd.NaT, index=ids.index, dtype="datetime64[ns, UTC]")

    def latest(name: str) -> pd.Series:
        frame = updates.get(name)
        if frame is None or frame.empty:
            return pd.Series(dtype="datetime64[ns, UTC]")
        return latest_by(frame["key"], frame["at"])

    own = _lookup(ids, latest("municipalities"))
    latest_project = _lookup(
        ids, latest_by(links["municipality_id"], _lookup(links["project_id"], latest("projects")))
    )
    return pd.concat([own, latest_project], axis=1).max(axis=1).astype("datetime64[ns, UTC]")


def _lookup(keys: pd.Series, table: pd.Series) -> pd.Series:
    """table[key] for each key, NaT where there is none (Series.map fails on an empty
    table of timestamps)."""
    found = as_times(table).reindex(keys.to_numpy())
    return pd.Series(found.to_numpy(), index=keys.index, dtype="datetime64[ns, UTC]")


def members_without(coverage: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Members with no projects, and members whose projects have no topics."""
    return {
        "no_projects": coverage[coverage["projects"] == 0],
        "no_topics": coverage[(coverage["projects"] > 0) & (coverage["with_topics"] == 0)],
    }


# --- how complete the facts are (the dataset, not one member) -------------------------

# A full source address: a page a reader can open (scheme, host and a path), not a domain.
FULL_URL = re.compile(r"https?://[^\s/;|]+\.[a-z]{2,}/[^\s;|]*[^\s;|/.,)]", re.IGNORECASE)
# At least a host name (e.g. "wp.de 2020"): the weakest citation still accepted as a source.
URL_LIKE = re.compile(r"(?:https?://)?(?:[\w-]+\.)+(?:[a-z]{2,}|xn--[\w-]+)\b", re.IGNORECASE)
SOURCE_TABLES = ("municipalities", "projects", "phases", "organisations", "cooperations", "events")
COVERAGE_KEYS = ("end", "end_or_reason", "funding", "dated_phases", "phase_known", "source_url")


def has_full_url(source) -> bool:
    return bool(FULL_URL.search(str(source or "")))


def is_url_like(source) -> bool:
    return bool(URL_LIKE.search(str(source or "")))


def _filled(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(False, index=frame.index)
    values = frame[column]
    return values.notna() & (values.astype(str).str.strip() != "") & (values.astype(str) != "nan")


def data_coverage(network: Network) -> pd.DataFrame:
    """How many projects have each published fact, and how many rows cite a full source
    URL: one row per COVERAGE_KEYS entry with known and total. "phase_known" needs the
    projects' phase for a day (atlas.status.with_current_phase)."""
    projects = network.projects
    total = len(projects)
    dated = set(network.phases.loc[network.phases["start_dt"].notna(), "project_id"])
    funding = _filled(projects, "funding_federal_eur") | _filled(projects, "funding_total_eur")
    phase_now = projects.get("phase_now", pd.Series("Unbekannt", index=projects.index))
    rows_total = rows_with_url = 0
    for name in SOURCE_TABLES:
        frame = network.table(name)
        if "source" not in frame.columns:
            continue
        rows_total += len(frame)
        rows_with_url += int(frame["source"].map(has_full_url).sum())
    counts = {
        "end": (int(_filled(projects, "end").sum()), total),
        "end_or_reason": (
            int((_filled(projects, "end") | _filled(projects, "end_note")).sum()),
            total,
        ),
        "funding": (int(funding.sum()), total),
        "dated_phases": (int(projects["id"].isin(dated).sum()), total),
        "phase_known": (int((phase_now != "Unbekannt").sum()), total),
        "source_url": (rows_with_url, rows_total),
    }
    return pd.DataFrame(
        [(key, *counts[key]) for key in COVERAGE_KEYS], columns=["key", "known", "total"]
    )
