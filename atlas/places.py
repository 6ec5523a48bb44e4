"""Placing municipalities on the map: coordinates (and state, district, kind, AGS where
empty) from the bundled list of German municipalities, by Gemeindeschlüssel or exact name.

Never guessed: a name that fits several municipalities is listed for the user to choose,
and every coordinate filled in is named, with the municipality it was taken from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from atlas.problems import Problem, problem

GAZETTEER = Path(__file__).resolve().parent.parent / "data" / "geo" / "municipalities_de.csv"
FILLED_IN = ("ags", "state", "district", "kind")  # taken from the list where empty


@lru_cache(maxsize=1)
def gazetteer() -> pd.DataFrame:
    """The bundled list of German municipalities (AGS, name, district, state, lat, lon)."""
    return pd.read_csv(GAZETTEER, dtype=str, keep_default_na=False)


@dataclass(frozen=True)
class Ambiguity:
    line: int
    name: str
    candidates: tuple[tuple[str, str], ...]  # (ags, "Name (Kreis, Land)")


def _ags(text: str) -> str:
    digits = re.sub(r"\D", "", str(text))
    return digits.zfill(8) if 0 < len(digits) <= 8 else digits


def place_municipalities(
    frame: pd.DataFrame, file: str, choices: dict[int, str] | None = None
) -> tuple[pd.DataFrame, list[Problem], list[Ambiguity]]:
    """Fill missing coordinates (and state, district, kind, AGS where empty) from the
    bundled list: by Gemeindeschlüssel, else by exact name (within the state if given).
    A name with several matches is listed for the user; `choices` maps a line to the
    chosen AGS. Never guessed."""
    need = _blank(frame, "lat") | _blank(frame, "lon")
    if not need.any():
        return frame, [], []
    frame = frame.copy()
    for column in ("lat", "lon", "name", *FILLED_IN):
        frame[column] = frame[column].fillna("").astype(str) if column in frame else ""
    places = gazetteer()
    by_ags = places.set_index("ags")
    by_name = places.assign(key=places["name"].str.lower()).groupby("key")
    choices = choices or {}
    notes: list[Problem] = []
    ambiguous: list[Ambiguity] = []
    lines = frame["_line"] if "_line" in frame else pd.Series(frame.index + 2, index=frame.index)
    for idx in frame.index[need]:
        line, name = int(lines[idx]), frame.at[idx, "name"].strip()
        at = {"file": file, "table": "municipalities", "row": line, "value": name}
        if line in choices:
            match, how = choices[line], "chosen"
        else:
            match, how, candidates = _match(frame.loc[idx], by_ags, by_name)
            if candidates:
                ambiguous.append(Ambiguity(line, name, candidates))
                n = len(candidates)
                notes.append(problem(**at, column="name", key="place.ambiguous", n=n))
                continue
        if match is None or match not in by_ags.index:
            notes.append(problem(**at, column="lat/lon", key="place.not_found"))
            continue
        place = by_ags.loc[match]
        _fill(frame, idx, match, place, overwrite_ags=how != "name")
        notes.append(
            problem(
                **at,
                column="lat/lon",
                key=f"place.filled.{how}",
                severity="warning",
                place=place["name"],
                district=place["district"],
                ags=match,
            )
        )
    return frame, notes, ambiguous


def _blank(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(True, index=frame.index)
    return frame[column].fillna("").astype(str).str.strip() == ""


def _match(row: pd.Series, by_ags: pd.DataFrame, by_name):
    """(ags, how it was found, candidates): by the row's Gemeindeschlüssel, else by its
    exact name (within its state if given); several candidates when the name is ambiguous."""
    ags = _ags(row["ags"]) if row["ags"].strip() else ""
    name = row["name"].strip().lower()
    if ags and ags in by_ags.index:
        return ags, "ags", ()
    if name not in by_name.groups:
        return None, "", ()
    found = by_name.get_group(name)
    state = row["state"].strip()
    if state and (found["state"] == state).any():
        found = found[found["state"] == state]
    if len(found) == 1:
        return found["ags"].iloc[0], "name", ()
    candidates = tuple((r.ags, f"{r.name} ({r.district}, {r.state})") for r in found.itertuples())
    return None, "", candidates


def _fill(frame: pd.DataFrame, idx, match: str, place: pd.Series, overwrite_ags: bool) -> None:
    """Coordinates from the list; AGS, state, district and kind where empty (and the AGS
    also when it was the key: one that lost its leading 0 gets it back)."""
    frame.at[idx, "lat"], frame.at[idx, "lon"] = place["lat"], place["lon"]
    values = {"ags": match, "state": place["state"], "district": place["district"]}
    values["kind"] = place["kind"]
    for column in FILLED_IN:
        if not frame.at[idx, column].strip() or (column == "ags" and overwrite_ags):
            frame.at[idx, column] = values[column]
