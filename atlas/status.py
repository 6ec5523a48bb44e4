"""Where each project stands on a given day, from its dated phases (never guessed).

A project is "Abgeschlossen" only where a source says so (its stated phase). A project
whose planned end has passed without such a source is in a state of its own, OVERDUE
("geplantes Ende überschritten"): the data does not know whether it ended, was extended
or still runs.
"""

from __future__ import annotations

import datetime as dt

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


def as_of_texts(as_of: str, day: dt.date, lang: str) -> tuple[str, str | None]:
    """The sentence every page shows where it computes a phase for `day`, and a warning
    when `day` is more than STALE_AFTER_MONTHS after the data's as-of date (else None)."""
    from atlas import fmt
    from atlas.text import t

    today_text = fmt.date(day.isoformat(), lang)
    if as_of_date(as_of) is None:
        return t("asof.unknown", lang, today=today_text), None
    line = t("asof.line", lang, today=today_text, asof=fmt.date(str(as_of).strip(), lang))
    months = staleness(as_of, day)
    return line, (t("asof.stale", lang, months=months) if months else None)


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
