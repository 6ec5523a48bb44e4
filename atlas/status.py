"""Where each project stands on a given day, from its dated phases (never guessed).

A project is "Abgeschlossen" only where a source says so (its stated phase). A project
whose planned end has passed without such a source is in a state of its own, OVERDUE
("geplantes Ende überschritten"): the data does not know whether it ended, was extended
or still runs.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from atlas.schema import PHASES

UNKNOWN = "Unbekannt"
DONE = "Abgeschlossen"
OVERDUE = "Ende überschritten"
# every value phase_now can take, in reading order (running, then past the end, then done)
PHASES_NOW = (*[p for p in PHASES if p != DONE], OVERDUE, DONE, UNKNOWN)
PHASE_ORDER = {phase: i for i, phase in enumerate(s for s in PHASES_NOW if s != UNKNOWN)}
# months after the data's as-of date from which a phase computed for today gets a warning
STALE_AFTER_MONTHS = 6


def phase_on(projects: pd.DataFrame, phases: pd.DataFrame, day: dt.date) -> pd.Series:
    """Each project's phase on `day`, indexed like `projects`.

    A dated phase covering the day wins (the later-starting one if two overlap, e.g. an
    implementation phase that began before the strategy was formally closed); after the
    project's known end it is "Abgeschlossen" if the source says so, else OVERDUE;
    otherwise the phase the source states; otherwise "Unbekannt".
    """
    today = pd.Timestamp(day)
    covering = phases[
        phases["start_dt"].notna()
        & phases["phase"].notna()
        & (phases["phase"] != "")  # an unnamed phase says nothing about the phase
        & (phases["start_dt"] <= today)
        & (phases["end_dt"].isna() | (phases["end_dt"] >= today))
    ]
    current = covering.sort_values("start_dt").groupby("project_id")["phase"].last()
    from_phases = projects["id"].map(current)
    ended = projects["end_dt"].notna() & (projects["end_dt"] < today)
    stated = projects["phase"].where(projects["phase"].notna() & (projects["phase"] != ""))
    after_end = stated.where(stated == DONE, OVERDUE)
    result = from_phases.where(from_phases.notna(), stated.where(~ended, after_end))
    return result.fillna(UNKNOWN).astype(str)


def phase_grid(
    projects: pd.DataFrame, phases: pd.DataFrame, days: pd.DatetimeIndex, stated_from=pd.NaT
) -> tuple[np.ndarray, list[str]]:
    """phase_on for many days at once: (grid, names), grid[i, d] is the index in `names`
    of projects.iloc[i]'s phase on days[d], -1 for "Unbekannt". `names` are PHASE_ORDER's
    phases, then any other phase the data names on one of the days, sorted.

    A source's stated phase is a statement as of `stated_from` (the data's date) and says
    nothing about the days before it, except that a project is "Abgeschlossen": before
    that day (or on every day, without one) only dated phases and known ends count. One
    pass over arrays instead of one phase_on per day (a hundred months of the bundled
    network: tens of milliseconds instead of seconds)."""
    n_days = len(days)
    when = _nanoseconds(days)[None, :]
    ids, unique_ids = pd.factorize(projects["id"])
    dated = phases[phases["start_dt"].notna()]
    dated = dated[dated["phase"].notna() & (dated["phase"] != "")]  # as in phase_on
    named = {str(p) for p in dated["phase"]} | {str(p) for p in projects["phase"].dropna()}
    extra = sorted(named - PHASE_ORDER.keys() - {UNKNOWN, ""})
    owner = pd.Index(unique_ids).get_indexer(dated["project_id"])
    dated, owner = dated[owner >= 0], owner[owner >= 0]
    names = [*PHASE_ORDER, *extra]
    code = {name: i for i, name in enumerate(names)} | {UNKNOWN: -1}
    none = -3  # no dated phase covers the day / no stated phase
    # the covering dated phase with the latest start wins (the later row on equal starts)
    start, end = _nanoseconds(dated["start_dt"]), _nanoseconds(dated["end_dt"], missing=_MAX)
    order = np.lexsort((start, owner))
    owner, start, end = owner[order], start[order], end[order]
    phase_code = np.array([code.get(str(p), -1) for p in dated["phase"].to_numpy()[order]])
    from_phases = np.full((len(unique_ids), n_days), none)
    if len(order):
        covers = (start[:, None] <= when) & (end[:, None] >= when)
        ranked = np.where(covers, np.arange(len(order))[:, None], -1)
        firsts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        latest = np.maximum.reduceat(ranked, firsts, axis=0)
        from_phases[owner[firsts]] = np.where(latest >= 0, phase_code[latest], none)
    from_phases = from_phases[ids]
    stated_now = projects["phase"].map(lambda p: code[str(p)] if pd.notna(p) and p != "" else none)
    stated_now = stated_now.to_numpy(dtype=int)[:, None]
    done = code[DONE]
    before = (
        when < _nanoseconds(pd.DatetimeIndex([stated_from]))[0] if pd.notna(stated_from) else True
    )
    stated = np.where(before & (stated_now != done), none, stated_now)
    ends = _nanoseconds(projects["end_dt"], missing=_MAX)[:, None]
    ended = ends < when
    after_end = np.where(stated == done, done, code[OVERDUE])
    otherwise = np.where(ended, after_end, np.where(stated == none, -1, stated))
    grid = np.where(from_phases != none, from_phases, otherwise)
    used = set(np.unique(grid).tolist())
    keep = [i for i, name in enumerate(names) if name in PHASE_ORDER or i in used]
    if len(keep) < len(names):  # other phases the data names, but on none of the days
        renumber = np.full(len(names) + 1, -1)
        renumber[keep] = np.arange(len(keep))
        grid = renumber[grid]  # -1 stays -1 (the last entry)
        names = [names[i] for i in keep]
    return grid, names


_MAX = np.iinfo(np.int64).max


def _nanoseconds(values, missing: int | None = None) -> np.ndarray:
    """Timestamps as int64 nanoseconds; NaT becomes `missing` (default: the smallest int)."""
    array = pd.DatetimeIndex(values).as_unit("ns").asi8.copy()
    if missing is not None:
        array[array == np.iinfo(np.int64).min] = missing
    return array


def with_current_phase(projects: pd.DataFrame, phases: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    projects = projects.copy()
    projects["phase_now"] = phase_on(projects, phases, day)
    return projects


def extension_offers(meta: pd.DataFrame) -> dict[int, tuple[str, str]]:
    """Programme-wide extension offers per cohort from meta rows
    `extension_offer_<cohort>` (ISO date) and `extension_offer_<cohort>_source`:
    {cohort: (until, source)}. An offer is not a grant: it never changes a phase."""
    if meta is None or meta.empty:
        return {}
    values = dict(zip(meta["key"].astype(str), meta["value"].fillna("").astype(str), strict=True))
    offers = {}
    for key, until in values.items():
        cohort = key.removeprefix("extension_offer_")
        if key.startswith("extension_offer_") and cohort.isdigit() and until:
            offers[int(cohort)] = (until, values.get(f"{key}_source", ""))
    return offers


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from `earlier` to `later` (negative if later is earlier)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def as_of_date(as_of: str) -> dt.date | None:
    """The data's as-of text (YYYY, YYYY-MM or YYYY-MM-DD) as the first day it stands for."""
    text = str(as_of or "").strip()
    for size, pattern in ((10, "%Y-%m-%d"), (7, "%Y-%m"), (4, "%Y")):
        try:
            return dt.datetime.strptime(text[:size], pattern).date()
        except ValueError:
            continue
    return None


def staleness(as_of: str, day: dt.date) -> int | None:
    """Months from the data's as-of date to `day` if more than STALE_AFTER_MONTHS, else None
    (also None when the as-of date is unknown; that is said separately)."""
    start = as_of_date(as_of)
    if start is None:
        return None
    months = months_between(start, day)
    return months if months > STALE_AFTER_MONTHS else None


def phase_label(phase: str, end, cohort, lang: str, offers: dict | None = None) -> str:
    """A project's phase in words. Past its planned end without a source saying it ended:
    "geplantes Ende überschritten (bis 09/2026)", plus the programme's extension offer for
    its cohort where there is one (an offer, not a grant)."""
    from atlas import fmt
    from atlas.text import t

    if phase != OVERDUE:
        return t(f"phase.{phase}", lang)
    label = t("status.overdue_until", lang, end=fmt.date(str(end or "")[:7], lang))
    try:
        offer = (offers or {}).get(int(cohort))
    except (TypeError, ValueError):
        offer = None
    if offer:
        label += " – " + t("status.offer", lang, until=fmt.date(offer[0], lang))
    return label


def as_of_texts(as_of: str, day: dt.date, lang: str, short: bool = False) -> tuple[str, str | None]:
    """The sentence every page shows where it computes a phase for `day`, and a warning
    when `day` is more than STALE_AFTER_MONTHS after the data's as-of date (else None);
    `short`: the warning's first sentence only (a slide's one-line footer)."""
    from atlas import fmt
    from atlas.text import t

    today_text = fmt.date(day.isoformat(), lang)
    if as_of_date(as_of) is None:
        return t("asof.unknown", lang, today=today_text), None
    line = t("asof.line", lang, today=today_text, asof=fmt.date(str(as_of).strip(), lang))
    months = staleness(as_of, day)
    key = "asof.stale_short" if short else "asof.stale"
    return line, (t(key, lang, months=months) if months else None)


PHASE_SHEET = "phasen_heute"  # computed: exported beside the tables, ignored on import


def phase_today_table(
    projects: pd.DataFrame, meta: pd.DataFrame, as_of: str, day: dt.date, lang: str
) -> pd.DataFrame:
    """Each project's phase on `day` in words, for exports: computed, so it travels in a
    sheet of its own next to the exchange tables, with the day and the data's as-of date."""
    from atlas.text import t

    offers = extension_offers(meta)
    labels = [
        phase_label(p, e, c, lang, offers)
        for p, e, c in zip(projects["phase_now"], projects["end"], projects["cohort"], strict=True)
    ]
    return pd.DataFrame(
        {
            t("export.col_id", lang): projects["id"].to_numpy(),
            t("export.col_name", lang): projects["name"].to_numpy(),
            t("export.col_phase_today", lang): labels,
            t("export.col_end", lang): projects["end"].fillna("").to_numpy(),
            t("export.col_source", lang): projects.get(
                "phase_source", pd.Series("", index=projects.index)
            )
            .fillna("")
            .to_numpy(),
            t("export.col_day", lang): day.isoformat(),
            t("export.col_as_of", lang): as_of or "",
        }
    )
