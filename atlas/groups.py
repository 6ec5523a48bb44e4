"""Working groups for a meeting, formed around shared measures.

Each group is named by its measure and mixes members who already run it with members who
are starting it, so the ones ahead can pass on what they learnt; 3 to 6 members, neighbours
together, every member in at most two groups. Measures that almost everyone has (a smart
city strategy) make no group; where the network's measures come from keywords (status
unknown), the project phases say who is further.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pandas as pd

from atlas.cooperation import CODE_PHASE, RANK, haversine_km, member_profiles
from atlas.measures import MEASURE_IDS, STATUS_RANK, label
from atlas.network import Network
from atlas.text import join_words, t

COMMON_SHARE = 0.4  # a measure more than this share of members has says little


def working_groups(
    network: Network,
    min_size: int = 3,
    max_size: int = 6,
    max_per_member: int = 2,
    max_groups: int = 12,
) -> pd.DataFrame:
    """Breakout groups around a measure: the measures with the best mix of members ahead
    and members starting first, then the rarer ones. Columns: measure, member_ids,
    members, statuses (each member's status of the measure), phases (of its projects),
    ahead (names of the members ahead; empty when no one is known to be further)."""
    p = member_profiles(network)
    columns = ["measure", "member_ids", "members", "statuses", "phases", "ahead"]
    if p.n == 0:
        return pd.DataFrame(columns=columns)
    keys = list(zip(p.details["member"], p.details["measure"], strict=True))
    status = dict(zip(keys, p.details["status"], strict=True))
    project = dict(zip(keys, p.details["project_id"], strict=True))
    best_phase = RANK[p.phase].max(axis=1) if p.phase.size else np.zeros(p.n, dtype=int)
    phase_code = p.phase.max(axis=1) if p.phase.size else np.zeros(p.n, dtype=int)

    def standing(x: int, measure: str) -> int:
        """How far a member is with a measure: its status, else its project's phase."""
        return STATUS_RANK.get(status.get((x, measure), "unbekannt"), 0) or int(best_phase[x])

    order = []
    for b, measure in enumerate(MEASURE_IDS):
        having = np.flatnonzero((p.measure_bits >> b) & 1)
        if len(having) < min_size or len(having) > max(COMMON_SHARE * p.n, 2 * max_size):
            continue
        levels = {standing(int(x), measure) for x in having}
        mixed = len(levels - {0}) > 1
        order.append((not mixed, -p.measure_weight[b] if len(having) >= 2 * min_size else 0, b))
    order.sort()
    used = np.zeros(p.n, dtype=int)
    rows = []
    # first the groups where some are known to be further than others, then the rest
    for need_mix in (True, False):
        for _, _, b in order:
            if len(rows) >= max_groups:
                break
            measure = MEASURE_IDS[b]
            having = [
                x for x in np.flatnonzero((p.measure_bits >> b) & 1) if used[x] < max_per_member
            ]
            if len(having) < min_size:
                continue
            for chunk in nearby_groups(p.lat[having], p.lon[having], max_size, min_size):
                chunk = np.array(having)[chunk]
                if len(rows) >= max_groups or len(chunk) < min_size:
                    continue
                if len({project[(int(x), measure)] for x in chunk}) == 1:
                    continue  # one joint project's members: they already work on it together
                levels = [standing(int(x), measure) for x in chunk]
                mixed = len(set(levels) - {0}) > 1
                if mixed != need_mix:
                    continue
                used[chunk] += 1
                top = max(levels) if mixed else -1  # the furthest, when some are further
                rows.append(
                    {
                        "measure": measure,
                        "member_ids": tuple(p.ids[chunk]),
                        "members": tuple(p.names[chunk]),
                        "statuses": tuple(
                            status.get((int(x), measure), "unbekannt") for x in chunk
                        ),
                        "phases": tuple(
                            CODE_PHASE.get(int(phase_code[x]), "Unbekannt") for x in chunk
                        ),
                        "ahead": tuple(
                            p.names[x] for x, lv in zip(chunk, levels, strict=True) if lv == top
                        ),
                    }
                )
    return pd.DataFrame(rows, columns=columns)


def describe_group(group, lang: str = "de") -> str:
    """'Urbane Datenplattform: A, B und C – weiter: A'."""
    if not group["ahead"]:
        return t(
            "coop.group_even",
            lang,
            measure=label(group["measure"], lang),
            members=join_words(group["members"], lang),
        )
    return t(
        "coop.group",
        lang,
        measure=label(group["measure"], lang),
        members=join_words(group["members"], lang),
        ahead=join_words(group["ahead"], lang),
    )


def group_mix(group, lang: str = "de") -> str:
    """Each member's standing: the measure's status where known, else its project's phase."""
    words = []
    for name, status, phase in zip(
        group["members"], group["statuses"], group["phases"], strict=True
    ):
        if status != "unbekannt":
            words.append(f"{name}: {t(f'coop.status.{status}', lang)}")
        elif phase == "Unbekannt":
            words.append(f"{name}: {t('coop.status.unbekannt', lang)}")
        else:
            words.append(
                t("coop.group_phase", lang, name=name, phase=t(f"coop.phase_in.{phase}", lang))
            )
    return "; ".join(words)


REFINE_UP_TO = 120  # members of one topic (0.2 s to refine); above, the greedy groups stand


def nearby_groups(
    lat: np.ndarray, lon: np.ndarray, max_size: int, min_size: int = 1
) -> Iterator[np.ndarray]:
    """Split places into as few groups of at most `max_size` as possible, sizes as even as
    possible, neighbours together. Greedy first: the place farthest from the others'
    centre starts a group and takes its nearest remaining places. The last groups of a
    greedy split collect what is left, far apart; so for a network of meeting size the
    groups are then improved by moving or swapping members between groups (sizes kept
    within min_size..max_size) while that shortens the distances within them. Yields positions into lat/lon, one group at a time (a large
    network stops after the dozen a meeting needs)."""
    n = len(lat)
    if n == 0:
        return
    greedy = _greedy_groups(lat, lon, max_size)
    if n > REFINE_UP_TO:
        yield from greedy
        return
    groups = list(greedy)
    smallest = min(len(g) for g in groups)
    yield from _improve_groups(groups, _distances_km(lat, lon), min(min_size, smallest), max_size)


def _greedy_groups(lat: np.ndarray, lon: np.ndarray, max_size: int) -> Iterator[np.ndarray]:
    n = len(lat)
    sizes = [len(c) for c in np.array_split(np.arange(n), math.ceil(n / max_size))]
    remaining = np.arange(n)
    for size in sizes:
        placed = remaining[np.isfinite(lat[remaining]) & np.isfinite(lon[remaining])]
        if len(placed) == 0:  # no coordinates left: the rest in their order
            chosen = remaining[:size]
        else:
            centre = lat[placed].mean(), lon[placed].mean()
            seed = placed[np.argmax(haversine_km(lat[placed], lon[placed], *centre))]
            distance = haversine_km(lat[remaining], lon[remaining], lat[seed], lon[seed])
            # a member without coordinates could be anywhere: it fills the group of the
            # place farthest out, so that neighbours elsewhere stay together
            distance = np.nan_to_num(distance, nan=0.0)
            chosen = remaining[np.argsort(distance, kind="stable")[:size]]
        yield np.sort(chosen)
        remaining = np.setdiff1d(remaining, chosen)


def _distances_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """All pairwise distances; 0 for a place without coordinates (it could be anywhere)."""
    d = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    return np.nan_to_num(d, nan=0.0)


def _group_spread(pair_sum: float, size: int) -> float:
    """A group's spread: each member's mean distance to the others, summed (so groups of
    different sizes compare fairly)."""
    return 2 * pair_sum / (size - 1) if size > 1 else 0.0


def _improve_groups(
    groups: list[np.ndarray], d: np.ndarray, min_size: int, max_size: int, rounds: int = 300
) -> list[np.ndarray]:
    """Move one member to another group, or swap two, while that lowers the total spread
    the most; group sizes stay within min_size..max_size."""
    groups = [list(g) for g in groups]
    for _ in range(rounds):
        best_change, best_step = -1e-6, None
        for g, first in enumerate(groups):
            to_first = d[np.ix_(first, first)].sum(axis=1)
            p_first = to_first.sum() / 2
            for h, second in enumerate(groups):
                if h == g:
                    continue
                to_second = d[np.ix_(first, second)].sum(axis=1)
                p_second = d[np.ix_(second, second)].sum() / 2
                before = _group_spread(p_first, len(first)) + _group_spread(p_second, len(second))
                if len(first) > min_size and len(second) < max_size:  # move a member over
                    after = [
                        _group_spread(p_first - to_first[i], len(first) - 1)
                        + _group_spread(p_second + to_second[i], len(second) + 1)
                        for i in range(len(first))
                    ]
                    i = int(np.argmin(after))
                    if after[i] - before < best_change:
                        best_change, best_step = after[i] - before, ("move", g, h, i, None)
                if h > g:  # swap a member of each
                    across = d[np.ix_(first, second)]
                    second_to_first = across.sum(axis=0)
                    second_to_second = d[np.ix_(second, second)].sum(axis=1)
                    new_first = p_first - to_first[:, None] + second_to_first[None, :] - across
                    new_second = p_second - second_to_second[None, :] + to_second[:, None] - across
                    after = 2 * new_first / max(len(first) - 1, 1) + 2 * new_second / max(
                        len(second) - 1, 1
                    )
                    i, j = np.unravel_index(np.argmin(after), after.shape)
                    if after[i, j] - before < best_change:
                        best_change, best_step = after[i, j] - before, ("swap", g, h, i, j)
        if best_step is None:
            break
        kind, g, h, i, j = best_step
        if kind == "move":
            groups[h].append(groups[g].pop(i))
        else:
            groups[g][i], groups[h][j] = groups[h][j], groups[g][i]
    return [np.sort(np.array(group)) for group in groups]
