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


def latest_by(keys: pd.Series, times: pd.Series) -> pd.Series:
    """The latest ISO time per key. Sorting beats groupby().max() on text by far."""
    frame = pd.DataFrame({"key": keys.to_numpy(), "at": times.fillna("").astype(str).to_numpy()})
    frame = frame[frame["at"] != ""].sort_values("at").drop_duplicates("key", keep="last")
    return frame.set_index("key")["at"]


def last_updated(ids: pd.Series, links: pd.DataFrame, updates: dict | None) -> pd.Series:
    if not updates:
        return pd.Series("", index=ids.index, dtype=object)

    def latest(name: str) -> pd.Series:
        frame = updates.get(name)
        if frame is None or frame.empty:
            return pd.Series(dtype=object)
        return latest_by(frame["key"], frame["at"])

    own = ids.map(latest("municipalities")).fillna("")
    project_at = links["project_id"].map(latest("projects"))
    latest_project = ids.map(latest_by(links["municipality_id"], project_at)).fillna("")
    return own.where(own >= latest_project, latest_project).astype(object)


def members_without(coverage: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Members with no projects, and members whose projects have no topics."""
    return {
        "no_projects": coverage[coverage["projects"] == 0],
        "no_topics": coverage[(coverage["projects"] > 0) & (coverage["with_topics"] == 0)],
    }
