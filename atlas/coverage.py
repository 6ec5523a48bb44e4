"""Coverage and freshness: what is missing per member, and when it was last updated."""

from __future__ import annotations

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
