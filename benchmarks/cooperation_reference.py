"""The cooperation score over every pair, written plainly with pandas: the check for the
fast engine's candidate neighbourhoods (tests) and the baseline of benchmarks.cooperation.
Quadratic: only for a few thousand members."""

from __future__ import annotations

import numpy as np
import pandas as pd

from atlas.cooperation import (
    N_TOPICS,
    PARTS,
    Weights,
    ahead_bits,
    direction_part,
    haversine_km,
    measure_part,
    member_profiles,
    partner_part,
    phase_part,
    product_part,
    proximity_part,
    region_part,
    topic_part,
    weighted_popcount,
    weighted_score,
)
from atlas.network import Network


def all_pairs_reference(network: Network, weights: Weights | None = None) -> pd.DataFrame:
    """The same score over every pair, written plainly with pandas (for the benchmark and to
    check the fast engine). Quadratic: only for a few thousand members."""
    weights = weights or Weights()
    p = member_profiles(network)
    members = pd.DataFrame(
        {
            "m": range(p.n),
            "bits": p.topic_bits,
            "lat": p.lat,
            "lon": p.lon,
            "band": p.band,
            "rural": p.rural,
            "state": p.state,
        }
    )
    pairs = members.merge(members, how="cross", suffixes=("_a", "_b"))
    pairs = pairs[pairs["m_a"] < pairs["m_b"]].reset_index(drop=True)
    w_topic = p.topic_weight
    shared = pairs["bits_a"] & pairs["bits_b"]
    union = pairs["bits_a"] | pairs["bits_b"]

    def weighted(mask: pd.Series) -> np.ndarray:
        bits = mask.to_numpy()
        return sum(((bits >> b) & 1) * w_topic[b] for b in range(N_TOPICS))

    pairs["topics"] = topic_part(weighted(shared), weighted(union))
    pairs["phase"] = phase_part(p.phase[pairs["m_a"]], p.phase[pairs["m_b"]], shared.to_numpy())
    pairs["distance_km"] = haversine_km(
        pairs["lat_a"], pairs["lon_a"], pairs["lat_b"], pairs["lon_b"]
    )
    pairs["proximity"] = proximity_part(pairs["distance_km"])
    pairs["region"] = region_part(pairs["state_a"], pairs["state_b"])
    same_band = (pairs["band_a"] == pairs["band_b"]) & (pairs["band_a"] != "")
    same_type = (pairs["rural_a"] == pairs["rural_b"]) & (pairs["rural_a"] >= 0)
    pairs["context"] = 0.5 * same_band + 0.5 * same_type
    a, b = pairs["m_a"].to_numpy(), pairs["m_b"].to_numpy()
    shared_m = p.measure_bits[a] & p.measure_bits[b]
    pairs["measures"] = measure_part(
        weighted_popcount(shared_m, p.measure_weight),
        weighted_popcount(p.measure_bits[a] | p.measure_bits[b], p.measure_weight),
    )
    pairs["product"] = product_part(
        weighted_popcount(p.product_bits[a] & p.product_bits[b], p.product_weight)
    )
    ahead = ahead_bits(p, a, b) | ahead_bits(p, b, a)
    pairs["direction"] = direction_part(weighted_popcount(ahead, p.measure_weight))
    # partners of partners, plainly: a dense member x party matrix, weighted inner products
    dense = p.links.toarray()
    pairs["partners"] = partner_part((dense * p.link_weight @ dense.T)[a, b])
    pairs["shared_measures"] = shared_m
    pairs["score"] = weighted_score(pairs[list(PARTS)].to_numpy(), weights)
    pairs["shared_bits"] = shared
    keys = set(zip(p.existing_i.tolist(), p.existing_j.tolist(), strict=True))
    pairs["existing"] = [(a, b) in keys for a, b in zip(pairs["m_a"], pairs["m_b"], strict=True)]
    return pairs.rename(columns={"m_a": "i", "m_b": "j"})[
        ["i", "j", *PARTS, "score", "distance_km", "shared_bits", "shared_measures", "existing"]
    ]


def reference_top_k(reference: pd.DataFrame, k: int) -> set[tuple[int, int]]:
    """Each member's k best new partners from the all-pairs table, as (i, j) pairs."""
    related = (reference["shared_bits"] > 0) | (reference["shared_measures"] != 0)
    fresh = reference[~reference["existing"] & related]
    both = pd.concat(
        [
            fresh.assign(member=fresh["i"], partner=fresh["j"]),
            fresh.assign(member=fresh["j"], partner=fresh["i"]),
        ]
    )
    best = (
        both.sort_values(
            ["member", "score", "i", "j"], ascending=[True, False, True, True], kind="stable"
        )
        .groupby("member")
        .head(k)
    )
    return set(zip(best["i"], best["j"], strict=True))
