"""Preparing and recording a network meeting: who hosts, what each member brings and
starts, which pairs should talk, and the rows a recorded meeting adds to the data.

What a member does comes from the `measures` table (a measure, its status and since when,
per project); a network without one falls back to its projects' keywords mapped through
the vocabulary's synonyms (status unknown, and the project's phase stands in for "ahead",
which the reasons then say). Distances are straight lines between the members' points:
the page says so, because roads are longer.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from atlas.measures import BY_ID, MEASURE_TYPES, STATUS_RANK, project_measures
from atlas.measures import label as measure_label
from atlas.network import Network
from atlas.text import join_words, t

# a project's phase says something about its measures when their status is unknown
PHASE_RANK = {"Strategie": 1, "Umsetzung": 2, "Verlängerung": 2, "Abgeschlossen": 3}
AHEAD = 2  # "in Umsetzung" or further: far enough along to host and pass on lessons
FOLLOW_UP_KINDS = ("Besuch", "Gemeinsames Projekt", "Arbeitsgruppe", "Nachnutzung")
EARTH_RADIUS_KM = 6371.0
YEARS_AROUND_TODAY = 3
TRAVEL_SCALE_KM = 150.0  # a meeting recorded further from today than this is a typo


def member_measures(network: Network) -> pd.DataFrame:
    """One row per (member, measure): the most advanced status any of the member's
    projects has for it. Columns: member_id, measure, status, rank, since, source,
    project_id, basis ("measures" from the table, "keywords" from the fallback)."""
    columns = ["member_id", "measure", "status", "rank", "since", "source", "project_id", "basis"]
    per_project = _project_measures(network)
    if per_project.empty:
        return pd.DataFrame(columns=columns)
    projects = network.projects.set_index("id")
    members = projects["municipality_ids"].reindex(per_project["project_id"])
    rows = per_project.assign(member_id=members.to_numpy()).explode("member_id")
    rows = rows.dropna(subset=["member_id"])
    phase_rank = projects["phase_now"].map(PHASE_RANK).reindex(rows["project_id"]).to_numpy()
    status_rank = rows["status"].map(STATUS_RANK).to_numpy(dtype=float)
    from_phase = np.isnan(status_rank)
    rows = rows.assign(
        rank=np.where(from_phase, np.nan_to_num(phase_rank.astype(float)), status_rank),
        rank_from_phase=from_phase & (np.nan_to_num(phase_rank.astype(float)) > 0),
    )
    rows = rows.sort_values(["rank", "since"], ascending=[False, True], kind="stable")
    best = rows.drop_duplicates(["member_id", "measure"]).reset_index(drop=True)
    return best[[*columns, "rank_from_phase"]]


def _project_measures(network: Network) -> pd.DataFrame:
    frame, from_keywords = project_measures(network.projects, getattr(network, "measures", None))
    frame = frame[frame["measure"].isin(BY_ID)]
    basis = np.where(frame["project_id"].isin(set(from_keywords)), "keywords", "measures")
    return frame.assign(basis=basis)


def measures_for_focus(focus: tuple[str, ...]) -> tuple[str, ...]:
    """Measure ids for a focus of measure ids and topics ("topic:Mobilität")."""
    chosen = [f for f in focus if f in BY_ID]
    topics = {f.removeprefix("topic:") for f in focus if f.startswith("topic:")}
    chosen += [m.id for m in MEASURE_TYPES if m.topic in topics and m.id not in chosen]
    return tuple(chosen)


def distances_km(network: Network, origins: list[str], targets: list[str]) -> pd.DataFrame:
    """Straight-line km, origins as rows, targets as columns; NaN where a point is missing."""
    points = network.municipalities.set_index("id")[["lat", "lon"]]
    a = points.reindex(origins).to_numpy(dtype=float)
    b = points.reindex(targets).to_numpy(dtype=float)
    lat1, lon1 = np.radians(a[:, :1]), np.radians(a[:, 1:])
    lat2, lon2 = np.radians(b[:, 0])[None, :], np.radians(b[:, 1])[None, :]
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    return pd.DataFrame(km, index=origins, columns=targets)


@dataclass(frozen=True)
class Plan:
    participants: tuple[str, ...]
    focus: tuple[str, ...]  # measure ids (a topic focus is expanded by measures_for_focus)

    @property
    def is_ready(self) -> bool:
        """Hosts and an agenda need someone to meet and something to meet about."""
        return bool(self.participants) and bool(self.focus)


DAYS_AHEAD = 30  # a meeting is planned about a month ahead


def default_day(today: dt.date) -> dt.date:
    """The date a new plan starts with."""
    return today + dt.timedelta(days=DAYS_AHEAD)


def has_measures(network: Network) -> bool:
    """Whether the data has a measures table; without one, measures are read from the
    projects' keywords (and the page says so)."""
    measures = getattr(network, "measures", None)
    return measures is not None and not measures.empty


def propose_hosts(network: Network, plan: Plan, limit: int = 5, lang: str = "de") -> pd.DataFrame:
    """Members ahead on the focus (in operation or implementing), ranked by how much of the
    focus they are ahead on and by the group's total straight-line travel to them. A host
    from outside the group counts its own trip as zero. Columns: member_id, name, ahead
    (measure ids), total_km, mean_km, max_km, score, reason."""
    columns = ["member_id", "name", "ahead", "total_km", "mean_km", "max_km", "score", "reason"]
    focus = measures_for_focus(plan.focus)
    held = member_measures(network)
    held = held[held["measure"].isin(focus) & (held["rank"] >= AHEAD)]
    if held.empty or not plan.participants:
        return pd.DataFrame(columns=columns)
    names = network.municipalities.set_index("id")["name"]
    candidates = list(dict.fromkeys(held["member_id"]))
    km = distances_km(network, list(plan.participants), candidates)
    rows = []
    for member in candidates:
        mine = held[held["member_id"] == member]
        trips = km[member].drop(index=member, errors="ignore").dropna()
        if trips.empty and len(plan.participants) > 1:
            continue  # no coordinates: no travel to weigh
        total = float(trips.sum())
        # a status a source states counts fully; a project phase standing in, half
        evidence = np.where(mine["rank_from_phase"], 0.5, 1.0)
        coverage = float(evidence.sum()) / max(len(focus), 1)
        operating = float((mine["rank"] >= 3).any())
        mean = total / max(len(trips), 1)
        # 150 km more on average weighs as much as the whole focus: a meeting is a day trip
        score = coverage + 0.25 * operating - mean / TRAVEL_SCALE_KM
        rows.append(
            (
                member,
                str(names.get(member, member)),
                tuple(mine["measure"]),
                total,
                mean,
                float(trips.max()) if len(trips) else 0.0,
                score,
                _host_reason(mine, names, member, total, mean, lang),
            )
        )
    frame = pd.DataFrame(rows, columns=columns)
    return (
        frame.sort_values(["score", "total_km"], ascending=[False, True])
        .head(limit)
        .reset_index(drop=True)
    )


def _host_reason(
    mine: pd.DataFrame, names, member: str, total: float, mean: float, lang: str
) -> str:
    travel = t("meeting.reason_travel", lang, total=_km(total, lang), mean=_km(mean, lang))
    return standing(str(names.get(member, member)), mine.head(4), lang) + "; " + travel


def standing(name: str, rows: pd.DataFrame, lang: str) -> str:
    """ "Lemgo betreibt A (seit 2023) und setzt B um": one clause per kind of evidence."""
    clauses = []
    for key, chosen in (
        (
            "meeting.clause_completed",
            (rows["status"] == "abgeschlossen") & ~rows["rank_from_phase"],
        ),
        ("meeting.clause_operates", (rows["status"] == "in Betrieb") & ~rows["rank_from_phase"]),
        ("meeting.clause_implements", (rows["rank"] == 2) & ~rows["rank_from_phase"]),
        ("meeting.clause_project", rows["rank_from_phase"]),
    ):
        labels = [_with_since(r, lang) for r in rows[chosen].itertuples()]
        if labels:
            clauses.append(t(key, lang, measures=join_words(labels, lang)))
    return f"{name} {join_words(clauses, lang)}"


def _with_since(row, lang: str) -> str:
    label = measure_label(row.measure, lang)
    if row.since and not row.rank_from_phase:
        return f"{label} ({t('meeting.since', lang, since=row.since)})"
    return label


def _km(value: float, lang: str) -> str:
    from atlas.fmt import number

    return number(round(value), lang)


def agenda(network: Network, plan: Plan, host: str | None, lang: str = "de") -> dict:
    """What each participant brings (measures in operation, with since) and starts
    (planned or being implemented), and the pairs that should talk: one is ahead of the
    other on a measure both have, the focus first. Returns {"members": DataFrame(member_id,
    name, brings, starts), "pairs": DataFrame(a_id, b_id, a_name, b_name, measure, reason)}."""
    who = list(dict.fromkeys([*plan.participants, *([host] if host else [])]))
    names = network.municipalities.set_index("id")["name"]
    held = member_measures(network)
    held = held[held["member_id"].isin(who)]
    focus = set(measures_for_focus(plan.focus))
    rows = []
    for member in who:
        mine = held[held["member_id"] == member]
        order = mine.assign(f=~mine["measure"].isin(focus)).sort_values(["f", "measure"])
        brings = [
            _with_since(r, lang) for r in order.itertuples() if r.rank >= 3 or r.rank_from_phase
        ]
        starts = [
            measure_label(r.measure, lang)
            for r in order.itertuples()
            if r.status in ("geplant", "in Umsetzung") or (r.rank_from_phase and r.rank < 2)
        ]
        rows.append((member, str(names.get(member, member)), brings, starts))
    members = pd.DataFrame(rows, columns=["member_id", "name", "brings", "starts"])
    return {"members": members, "pairs": talking_pairs(held, names, focus, lang)}


def talking_pairs(
    held: pd.DataFrame, names, focus: set, lang: str, limit: int = 12
) -> pd.DataFrame:
    """Pairs where one member is ahead of the other on a shared measure, focus first,
    then by how far apart they are on it."""
    columns = ["a_id", "b_id", "a_name", "b_name", "measure", "reason"]
    by_measure = held[held["rank"] > 0].groupby("measure")
    found = []
    for measure, group in by_measure:
        ranks = dict(zip(group["member_id"], group["rank"], strict=True))
        since = dict(zip(group["member_id"], group["since"], strict=True))
        for a, b in itertools.permutations(ranks, 2):
            if ranks[a] > ranks[b]:
                found.append(
                    (measure in focus, ranks[a] - ranks[b], measure, a, b, since.get(a, ""))
                )
    found.sort(key=lambda x: (not x[0], -x[1], x[2], x[3], x[4]))
    rows, seen = [], set()
    for _, _, measure, a, b, since in found:
        if (a, b) in seen or (b, a) in seen:
            continue
        seen.add((a, b))
        a_name, b_name = str(names.get(a, a)), str(names.get(b, b))
        label = measure_label(measure, lang)
        ahead = t("meeting.pair_reason", lang, a=a_name, b=b_name, measure=label)
        if since:
            ahead += f" ({t('meeting.since', lang, since=since)})"
        rows.append((a, b, a_name, b_name, measure, ahead))
        if len(rows) >= limit:
            break
    return pd.DataFrame(rows, columns=columns)


def agenda_lines(result: dict, lang: str = "de") -> list[str]:
    """The agenda as plain lines, for the PDF and the calendar entry."""
    lines = []
    for row in result["members"].itertuples():
        brings = ", ".join(row.brings) or t("meeting.nothing_known", lang)
        starts = ", ".join(row.starts) or t("meeting.nothing_known", lang)
        lines.append(t("meeting.line_member", lang, name=row.name, brings=brings, starts=starts))
    if len(result["pairs"]):
        lines.append(t("meeting.pairs_header", lang))
        lines += [f"– {reason}" for reason in result["pairs"]["reason"]]
    return lines


def calendar_entry(title: str, day: dt.date, place: str, lines: list[str], uid: str) -> bytes:
    """An .ics file with one all-day event at the host's place."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Netzwerkatlas//DE")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", uid)
    event.add("summary", title)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("location", place)
    event.add("description", "\n".join(lines))
    calendar.add_component(event)
    return calendar.to_ical()


@dataclass(frozen=True)
class FollowUp:
    a_id: str
    b_id: str
    kind: str
    measure: str = ""


class MeetingError(ValueError):
    """A meeting that cannot be recorded, with every reason (already in the UI language)."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def meeting_rows(
    network: Network,
    day: dt.date,
    host: str,
    participants: tuple[str, ...],
    focus: tuple[str, ...],
    follow_ups: tuple[FollowUp, ...],
    title: str,
    source: str,
    today: dt.date,
    lang: str = "de",
) -> tuple[dict, list[dict]]:
    """The events row and the cooperations rows a recorded meeting adds; MeetingError
    naming every problem when the input is not a meeting that can have happened."""
    known = set(network.municipalities["id"]) | set(network.organisations["id"])
    problems = []
    if not participants:
        problems.append(t("meeting.error_no_participants", lang))
    unknown = [p for p in (*participants, host) if p and p not in known]
    if unknown:
        problems.append(t("meeting.error_unknown", lang, ids=", ".join(sorted(set(unknown)))))
    if not host:
        problems.append(t("meeting.error_no_host", lang))
    elif host not in participants:
        problems.append(t("meeting.error_host_outside", lang, host=host))
    if abs((day - today).days) > 365 * YEARS_AROUND_TODAY:
        problems.append(
            t("meeting.error_date", lang, date=day.isoformat(), years=YEARS_AROUND_TODAY)
        )
    if not title.strip():
        problems.append(t("meeting.error_title", lang))
    for f in follow_ups:
        if f.a_id not in participants or f.b_id not in participants or f.a_id == f.b_id:
            problems.append(t("meeting.error_follow_up_members", lang, a=f.a_id, b=f.b_id))
        if f.kind not in FOLLOW_UP_KINDS:
            problems.append(t("meeting.error_follow_up_kind", lang, kind=f.kind))
        if f.measure and f.measure not in BY_ID:
            problems.append(t("meeting.error_measure", lang, measure=f.measure))
    if problems:
        raise MeetingError(problems)
    stem = f"treffen-{day.isoformat()}-{host}"
    event = {
        "id": _free_id(stem, set(network.events["id"])),
        "date": day.isoformat(),
        "title": title.strip(),
        "kind": "Netzwerktreffen",
        "municipality_id": host,
        "participant_ids": ";".join(participants),
        "source": source.strip(),
        "focus": ";".join(focus),
    }
    taken = set(network.cooperations["id"])
    rows = []
    for f in follow_ups:
        row_id = _free_id(f"{stem}-{f.a_id}-{f.b_id}", taken)
        taken.add(row_id)
        rows.append(
            {
                "id": row_id,
                "a_id": f.a_id,
                "b_id": f.b_id,
                "kind": f.kind,
                "date": day.isoformat(),
                "note": t("meeting.follow_up_note", lang, title=title.strip()),
                "source": source.strip(),
                "measure": f.measure,
            }
        )
    return event, rows


def _free_id(stem: str, taken: set) -> str:
    if stem not in taken:
        return stem
    return next(f"{stem}-{n}" for n in itertools.count(2) if f"{stem}-{n}" not in taken)


def never_met(network: Network, members: list[str], scored: pd.DataFrame) -> pd.DataFrame:
    """Pairs among `members` with no shared event, cooperation or joint project, from a
    scored frame of suggestions (a_id, b_id, score, ...), best first."""
    inside = scored["a_id"].isin(members) & scored["b_id"].isin(members)
    return scored[inside].sort_values("score", ascending=False).reset_index(drop=True)
