"""Suggestions in words: which measures a pair shares with each side's status, who is
ahead, and the reason text made from the same numbers as the score (German and English)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from atlas.cooperation_profiles import (
    CODE_PHASE,
    N_MEASURES,
    PHASE_CODE,
    RANK,
    Profiles,
)
from atlas.cooperation_scoring import (
    Weights,
)
from atlas.measures import MEASURE_IDS, STATUS_RANK, label
from atlas.schema import TOPICS
from atlas.text import t


def _labelled(p: Profiles, frame: pd.DataFrame) -> pd.DataFrame:
    """Ids, names, shared topics (rarest first) and what the reasons mention."""
    i, j = frame["i"].to_numpy(dtype=int), frame["j"].to_numpy(dtype=int)
    out = frame.reset_index(drop=True).copy()
    out["a_id"], out["b_id"] = p.ids[i], p.ids[j]
    out["a_name"], out["b_name"] = p.names[i], p.names[j]
    rarity = np.argsort(-p.topic_weight, kind="stable")
    topics_of = {
        mask: tuple(TOPICS[b] for b in rarity if (mask >> b) & 1)
        for mask in set(out["shared_bits"])
    }
    out["shared_topics"] = out["shared_bits"].map(topics_of)
    out["a_phase"], out["b_phase"] = _leading_difference(
        p, i, j, out["shared_bits"].to_numpy(), rarity
    )
    same_band = (p.band[i] == p.band[j]) & (p.band[i] != "")
    out["same_band"] = np.where(same_band, p.band[i], "")
    same_type = (p.rural[i] == p.rural[j]) & (p.rural[i] >= 0)
    out["same_type"] = np.where(same_type, np.where(p.rural[i] == 1, "rural", "urban"), "")
    same_state = (p.state[i] == p.state[j]) & (p.state[i] != "")
    out["same_state"] = np.where(same_state, p.state[i], "")
    out["shared_partners"] = shared_partner_names(p, i, j, out["partners"].to_numpy() > 0)
    return out


def shared_partner_names(p: Profiles, i, j, where) -> list[tuple[str, ...]]:
    """The third parties both members of a pair are linked to in the data, the ones with
    the fewest links first (they say most), for the pairs `where` marks; () elsewhere."""
    found: list[tuple[str, ...]] = [()] * len(i)
    links = p.links
    for row in np.flatnonzero(where):
        a, b = int(i[row]), int(j[row])
        mine = links.indices[links.indptr[a] : links.indptr[a + 1]]
        theirs = links.indices[links.indptr[b] : links.indptr[b + 1]]
        common = np.intersect1d(mine, theirs)
        common = common[np.argsort(-p.link_weight[common], kind="stable")]
        found[row] = tuple(p.link_names[common])
    return found


def _leading_difference(p: Profiles, i, j, shared, rarity) -> tuple[list[str], list[str]]:
    """Both members' phases in the rarest shared topic where one is further ("" if none)."""
    pa, pb = p.phase[i][:, rarity], p.phase[j][:, rarity]
    bits = ((shared[:, None] >> rarity) & 1).astype(bool)
    ra, rb = RANK[pa], RANK[pb]
    differ = bits & (ra > 0) & (rb > 0) & (ra != rb)
    first = differ.argmax(axis=1)
    found = differ.any(axis=1)
    rows = np.arange(len(i))
    a = [CODE_PHASE[int(x)] if ok else "" for x, ok in zip(pa[rows, first], found, strict=True)]
    b = [CODE_PHASE[int(x)] if ok else "" for x, ok in zip(pb[rows, first], found, strict=True)]
    return a, b


def with_measures(p: Profiles, frame: pd.DataFrame) -> pd.DataFrame:
    """Per pair (oriented a = i, b = j) the shared measures, rarest first, each as
    (measure, a's status, a's since, b's status, b's since, product both use, source of
    the one ahead or else of a), and the measure on which one is furthest ahead."""
    frame = frame.copy()
    # position of each measure when listed rarest first
    place = np.empty(N_MEASURES, dtype=int)
    place[np.argsort(-p.measure_weight, kind="stable")] = np.arange(N_MEASURES)
    cached: dict[int, tuple[str, ...]] = {}

    def ids_of(mask: int) -> tuple[str, ...]:
        if mask not in cached:
            bits, rest = [], mask
            while rest:
                low = rest & -rest
                bits.append(low.bit_length() - 1)
                rest ^= low
            cached[mask] = tuple(MEASURE_IDS[b] for b in sorted(bits, key=place.__getitem__))
        return cached[mask]

    d = p.details
    detail = {
        (m, x): (status, since, product, source)
        for m, x, status, since, product, source in zip(
            d["member"].tolist(),
            d["measure"].to_numpy(dtype=object).tolist(),
            d["status"].to_numpy(dtype=object).tolist(),
            d["since"].to_numpy(dtype=object).tolist(),
            d["product"].to_numpy(dtype=object).tolist(),
            d["source"].to_numpy(dtype=object).tolist(),
            strict=True,
        )
    }
    none = ("unbekannt", "", "", "")
    rows, leads = [], []
    for a, b, mask in zip(
        frame["i"].tolist(), frame["j"].tolist(), frame["shared_measures"].tolist(), strict=True
    ):
        info, lead = [], ""
        for measure in ids_of(int(mask)):
            sa, ya, pa, qa = detail.get((a, measure), none)
            sb, yb, pb, qb = detail.get((b, measure), none)
            ra, rb = STATUS_RANK.get(sa, 0), STATUS_RANK.get(sb, 0)
            if not lead and ra and rb and ra != rb:
                lead = measure
            source = qb if rb > ra else (qa or qb)
            product = pa if pa and pa == pb else ""
            info.append((measure, sa, ya, sb, yb, product, source))
        rows.append(tuple(info))
        leads.append(lead)
    frame["measure_info"] = rows
    frame["lead_measure"] = leads
    return frame


def status_words(status: str, since: str, lang: str) -> str:
    """'in Betrieb seit 2023', 'geplant', 'Stand unbekannt'."""
    words = t(f"coop.status.{status}", lang)
    if since and status != "unbekannt":
        words += " " + t("coop.since", lang, year=str(since)[:4])
    return words


def measure_reason(
    row, lang: str, max_measures: int = 3, measures: bool = True, products: bool = True
) -> list[str]:
    """'Gemeinsame Maßnahmen: A, B; bei A ist X weiter (in Betrieb seit 2023), Y: geplant;
    beide nutzen DIPAS' — from the same measures and statuses that made the score."""
    info = row["measure_info"]
    if not info:
        return []
    pieces = []
    if measures:
        pieces += _shared_measures(row, info, lang, max_measures)
    used = sorted({m[5] for m in info if m[5]})
    if products and used:
        pieces.append(t("coop.reason.product", lang, product=", ".join(used)))
    return pieces


def _shared_measures(row, info, lang: str, max_measures: int) -> list[str]:
    """'gemeinsame Maßnahmen: A, B; bei A ist X weiter (…), Y: geplant'."""
    names = [label(m[0], lang) for m in info]
    shown = ", ".join(names[:max_measures])
    if len(names) > max_measures:
        shown = t("coop.more", lang, shown=shown, n=len(names) - max_measures)
    unknown = all(m[1] == "unbekannt" and m[3] == "unbekannt" for m in info)
    key = "coop.reason.measure_one" if len(names) == 1 else "coop.reason.measures"
    pieces = [t(key + ("_keywords" if unknown else ""), lang, measures=shown)]
    lead = row["lead_measure"]
    if lead:
        m = next(x for x in info if x[0] == lead)
        a_first = STATUS_RANK[m[1]] > STATUS_RANK[m[3]]
        ahead, behind = (
            (row["a_name"], row["b_name"]) if a_first else (row["b_name"], row["a_name"])
        )
        sa, sb = status_words(m[1], m[2], lang), status_words(m[3], m[4], lang)
        pieces.append(
            t(
                "coop.reason.ahead",
                lang,
                measure=label(lead, lang),
                ahead=ahead,
                ahead_status=sa if a_first else sb,
                behind=behind,
                behind_status=sb if a_first else sa,
            )
        )
    return pieces


def reason(row, weights: Weights, lang: str = "de", max_topics: int = 3) -> str:
    """The suggestion's reasons in words, from the parts that made its score. A part whose
    weight is 0 gives no reason; topics are named only when no measure is shared."""
    pieces = []
    pieces += measure_reason(
        row,
        lang,
        measures=weights.measures > 0 or weights.direction > 0,
        products=weights.product > 0 and row["product"] > 0,
    )
    if weights.partners > 0 and row["shared_partners"]:
        names = list(row["shared_partners"])
        shown = ", ".join(names[:max_topics])
        if len(names) > max_topics:
            shown = t("coop.more", lang, shown=shown, n=len(names) - max_topics)
        key = "coop.reason.partner_one" if len(names) == 1 else "coop.reason.partners"
        pieces.append(t(key, lang, partners=shown))
    if weights.topics > 0 and row["shared_topics"] and not row["measure_info"]:
        names = [t(f"topic.{x}", lang) for x in row["shared_topics"]]
        shown = ", ".join(names[:max_topics])
        if len(names) > max_topics:
            shown = t("coop.more", lang, shown=shown, n=len(names) - max_topics)
        key = "coop.reason.topic_one" if len(names) == 1 else "coop.reason.topics"
        pieces.append(t(key, lang, n=len(names), topics=shown))
    if weights.phase > 0 and row["phase"] > 0 and row["a_phase"]:
        a_first = PHASE_CODE[row["a_phase"]] > PHASE_CODE[row["b_phase"]]
        ahead, behind = ("a", "b") if a_first else ("b", "a")
        pieces.append(
            t(
                "coop.reason.phase",
                lang,
                ahead=row[f"{ahead}_name"],
                ahead_phase=t(f"coop.phase_in.{row[f'{ahead}_phase']}", lang),
                behind=row[f"{behind}_name"],
                behind_phase=t(f"coop.phase_in.{row[f'{behind}_phase']}", lang),
            )
        )
    if weights.proximity > 0:
        pieces.append(t("coop.reason.distance", lang, km=round(float(row["distance_km"]))))
    if weights.region > 0 and row["same_state"]:
        state = t(f"state.{row['same_state']}", lang)
        pieces.append(t("coop.reason.region", lang, state=state))
    if weights.context > 0 and row["context"] > 0:
        kind = t(f"coop.type.{row['same_type']}", lang) if row["same_type"] else ""
        size = t(f"size.{row['same_band']}", lang) if row["same_band"] else ""
        key = "both" if kind and size else ("kind" if kind else "size")
        pieces.append(t(f"coop.reason.context_{key}", lang, kind=kind, size=size))
    return "; ".join(pieces)


def measure_list(info, lang: str) -> str:
    """Every shared measure with both sides' status, for tables and exports (never cut)."""
    return "; ".join(
        f"{label(m[0], lang)} ({status_words(m[1], m[2], lang)} / {status_words(m[3], m[4], lang)})"
        for m in info
    )


def reason_source(row) -> str:
    """The source behind the reason: of the measure one is ahead on, else the rarest."""
    info = row["measure_info"]
    if not info:
        return ""
    lead = row["lead_measure"]
    m = next((x for x in info if x[0] == lead), info[0])
    return m[6] if str(m[6]).startswith("http") else ""


def with_reasons(frame: pd.DataFrame, weights: Weights, lang: str = "de") -> pd.DataFrame:
    frame = frame.copy()
    rows = frame.to_dict("records")
    frame["reason"] = [reason(row, weights, lang) for row in rows]
    frame["measures_text"] = [measure_list(row["measure_info"], lang) for row in rows]
    frame["source"] = [reason_source(row) for row in rows]
    return frame
