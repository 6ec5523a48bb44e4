"""Member profiles for the cooperation suggestions: what each member builds or runs (its
measures by status, its products), its topics and project phases, where it is, what kind
of place it is, and whom it already works with. All as arrays, one row per member."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from atlas.measures import MEASURE_IDS, STATUS_RANK, project_measures
from atlas.network import Network
from atlas.schema import TOPICS

# Phase codes keep Verlängerung, past the planned end and Abgeschlossen apart for the words;
# RANK compares them.
PHASE_CODE = {
    "Strategie": 1,
    "Umsetzung": 2,
    "Verlängerung": 3,
    "Ende überschritten": 4,
    "Abgeschlossen": 5,
}
CODE_PHASE = {code: phase for phase, code in PHASE_CODE.items()}
RANK = np.array([0, 1, 2, 3, 3, 3], dtype=np.int8)  # by code: unknown, S, U, V, past end, A
RURAL_KINDS = {"Gemeinde", "Landkreis", "Verband"}
REGIONAL_KINDS = {"Landkreis", "Verband"}
RURAL_SIZES = {"Kleinstadt/Landgemeinde", "Interkommunal/Landkreis"}
N_TOPICS = len(TOPICS)
N_MEASURES = len(MEASURE_IDS)  # 62: one bit each in an int64
MAX_PRODUCTS = 62
PRODUCT_BONUS = 1.0  # a shared product weighs its rarity plus this


@dataclass(frozen=True)
class Profiles:
    """One row per member, as arrays (index = position in `ids`)."""

    ids: np.ndarray
    names: np.ndarray
    topic_bits: np.ndarray  # int64 bitmask over TOPICS
    phase: np.ndarray  # (n, N_TOPICS) int8 phase codes, 0 = unknown / not working on it
    lat: np.ndarray
    lon: np.ndarray
    band: np.ndarray  # size band (a SIZE_CLASSES value) or ""
    rural: np.ndarray  # 1 rural, 0 urban, -1 unknown
    state: np.ndarray  # federal state or ""
    topic_weight: np.ndarray  # IDF weight per topic
    existing_i: np.ndarray  # pairs (i < j) that already work together
    existing_j: np.ndarray
    existing_joint: np.ndarray  # bool: the pair shares a joint project (one team)
    measure_bits: np.ndarray  # int64 bitmask over MEASURE_IDS
    operating_bits: np.ndarray  # measures in Betrieb or abgeschlossen
    building_bits: np.ndarray  # measures in Umsetzung
    planning_bits: np.ndarray  # measures geplant
    measure_weight: np.ndarray  # IDF weight per measure
    product_bits: np.ndarray  # int64 bitmask over `products`
    products: tuple[str, ...]
    product_weight: np.ndarray
    details: pd.DataFrame  # member (position), measure, status, since, product, source
    from_keywords: tuple  # projects whose measures come from their keywords (status unknown)
    # whom each member is linked to in the data (members and organisations alike):
    # sparse (n, len(partner_ids)) 0/1, the first n columns are the members themselves
    links: sparse.csr_matrix
    link_ids: np.ndarray
    link_names: np.ndarray
    link_weight: np.ndarray  # per party: 1 / log2(its number of links), 1 for two

    @property
    def n(self) -> int:
        return len(self.ids)


TOPIC_BIT = {topic: 1 << b for b, topic in enumerate(TOPICS)}


def topic_mask(topics) -> int:
    return sum(TOPIC_BIT.get(x, 0) for x in set(topics))


def member_profiles(network: Network) -> Profiles:
    munis = network.municipalities.dropna(subset=["lat", "lon"]).reset_index(drop=True)
    n = len(munis)
    index = pd.Index(munis["id"])
    projects = network.projects
    masks: dict[tuple, int] = {}
    for topics in projects["topics"]:
        if topics not in masks:
            masks[topics] = topic_mask(topics)
    proj_bits = np.array([masks[x] for x in projects["topics"]], dtype=np.int64)
    proj_code = projects["phase_now"].map(PHASE_CODE).fillna(0).to_numpy(dtype=np.int8)
    # one row per (project, member): a joint project counts for each participant
    # int64 even without projects (an empty object column maps to an object array)
    sizes = projects["municipality_ids"].map(len).to_numpy(dtype=np.int64)
    proj = np.repeat(np.arange(len(projects)), sizes)
    member = index.get_indexer([m for ids in projects["municipality_ids"] for m in ids])
    proj, member = proj[member >= 0], member[member >= 0]
    bits = np.zeros(n, dtype=np.int64)
    np.bitwise_or.at(bits, member, proj_bits[proj])
    phase = np.zeros((n, N_TOPICS), dtype=np.int8)
    for b in range(N_TOPICS):
        has = (proj_bits[proj] >> b) & 1 == 1
        np.maximum.at(phase[:, b], member[has], proj_code[proj[has]])
    own = sizes[proj] == 1  # a single-member project's size class describes that member
    band = size_bands(munis, member[own], projects["size_class"].to_numpy(dtype=object)[proj[own]])
    kinds = munis["kind"].fillna("").to_numpy(dtype=object)
    groups = link_groups(network)  # read once: existing links and partners of partners
    existing_i, existing_j, existing_joint = existing_pairs(network, index, groups)
    m = measure_profile(network, index)
    links = link_profile(network, index, groups)
    return Profiles(
        ids=munis["id"].to_numpy(dtype=object),
        names=munis["name"].to_numpy(dtype=object),
        topic_bits=bits,
        phase=phase,
        lat=munis["lat"].to_numpy(dtype=float),
        lon=munis["lon"].to_numpy(dtype=float),
        band=band,
        rural=settlement_type(kinds, band),
        state=munis["state"].fillna("").astype(str).to_numpy(dtype=object)
        if "state" in munis
        else np.full(n, "", dtype=object),
        topic_weight=_idf(bits, n),
        existing_i=existing_i,
        existing_j=existing_j,
        existing_joint=existing_joint,
        **m,
        **links,
    )


def measure_profile(network: Network, index: pd.Index) -> dict:
    """Each member's measures as bitmasks (any status, and by status), the products it
    uses, IDF weights, and the rows behind them for the reasons."""
    n = len(index)
    frame, from_keywords = project_measures(network.projects, network.measures)
    frame = frame[frame["measure"].isin(MEASURE_IDS)]
    members_of = dict(
        zip(network.projects["id"], network.projects["municipality_ids"], strict=True)
    )
    owners = frame["project_id"].map(lambda pid: members_of.get(pid, ()))
    sizes = owners.map(len).to_numpy()
    rows = frame.loc[frame.index.repeat(sizes)].reset_index(drop=True)
    rows["member"] = index.get_indexer([m for ids in owners for m in ids])
    rows = rows[rows["member"] >= 0].copy()
    rows["rank"] = rows["status"].map(STATUS_RANK).fillna(0).astype(int)
    # a member's best-known standing per measure (the most advanced of its projects)
    rows = rows.sort_values(["member", "measure", "rank", "since"], ascending=[1, 1, 0, 1])
    rows = rows.drop_duplicates(["member", "measure"]).reset_index(drop=True)
    bit = rows["measure"].map({m: b for b, m in enumerate(MEASURE_IDS)}).to_numpy(np.int64)
    member = rows["member"].to_numpy(np.int64)
    rank = rows["rank"].to_numpy()
    masks = {}
    for name, keep in (
        ("measure_bits", rank >= 0),
        ("operating_bits", rank == 3),
        ("building_bits", rank == 2),
        ("planning_bits", rank == 1),
    ):
        bits = np.zeros(n, dtype=np.int64)
        np.bitwise_or.at(bits, member[keep], np.left_shift(np.int64(1), bit[keep]))
        masks[name] = bits
    used = rows[rows["product"] != ""]
    counts = used.drop_duplicates(["member", "product"])["product"].value_counts()
    products = tuple(counts.index[:MAX_PRODUCTS])
    product_bits = np.zeros(n, dtype=np.int64)
    if products:
        known = used[used["product"].isin(products)]
        position = known["product"].map({x: b for b, x in enumerate(products)})
        np.bitwise_or.at(
            product_bits,
            known["member"].to_numpy(np.int64),
            np.left_shift(np.int64(1), position.to_numpy(np.int64)),
        )
    return {
        **masks,
        "measure_weight": _idf_bits(masks["measure_bits"], N_MEASURES, n),
        "product_bits": product_bits,
        "products": products,
        "product_weight": _idf_bits(product_bits, len(products), n) + PRODUCT_BONUS,
        "details": rows[
            ["member", "measure", "status", "since", "product", "source", "project_id"]
        ],
        "from_keywords": tuple(from_keywords),
    }


def _idf_bits(bits: np.ndarray, width: int, n: int) -> np.ndarray:
    """log(N / df) + 0.1 per bit; 0 for a bit no one has."""
    df = np.array([np.count_nonzero((bits >> b) & 1) for b in range(width)], dtype=float)
    return np.where(df > 0, np.log(max(n, 1) / np.maximum(df, 1)) + 0.1, 0.0)


def weighted_popcount(masks: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Sum of the weights of each mask's set bits, a byte at a time (64-bit masks)."""
    masks = np.asarray(masks, dtype=np.int64).view(np.uint64)
    padded = np.zeros(64)
    padded[: len(weights)] = weights
    total = np.zeros(masks.shape, dtype=float)
    byte_values = np.arange(256)
    for k in range(8):
        table = (((byte_values[:, None] >> np.arange(8)) & 1) * padded[8 * k : 8 * k + 8]).sum(1)
        total += table[((masks >> np.uint64(8 * k)) & np.uint64(255)).astype(np.int64)]
    return total


def size_bands(munis: pd.DataFrame, member: np.ndarray, own_sizes: np.ndarray) -> np.ndarray:
    """Each member's size band: districts and associations are regional; otherwise the
    population band when known, else the size class of its own (single-member) projects,
    else a Gemeinde (no town rights) counts as small."""
    n = len(munis)
    band = np.full(n, "", dtype=object)
    own = pd.DataFrame({"m": member, "size": own_sizes}).dropna()
    own = own[own["size"] != ""]
    if len(own):
        counts = own.groupby(["m", "size"]).size().reset_index(name="count")
        common = counts.sort_values(["m", "count"], ascending=[True, False], kind="stable")
        common = common.drop_duplicates("m")
        band[common["m"].to_numpy()] = common["size"].to_numpy(dtype=object)
    kind = munis["kind"].fillna("").to_numpy(dtype=object)
    band[(band == "") & (kind == "Gemeinde")] = "Kleinstadt/Landgemeinde"
    population = pd.to_numeric(munis["population"], errors="coerce").to_numpy(dtype=float)
    known = ~np.isnan(population)
    by_population = np.where(
        population < 20_000,
        "Kleinstadt/Landgemeinde",
        np.where(population < 100_000, "Mittelstadt", "Großstadt"),
    )
    band[known] = by_population[known]
    band[np.isin(kind, list(REGIONAL_KINDS))] = "Interkommunal/Landkreis"
    return band


def settlement_type(kinds: np.ndarray, band: np.ndarray) -> np.ndarray:
    """1 rural, 0 urban, -1 unknown: rural kinds are rural; a town by its size band."""
    rural = np.full(len(kinds), -1, dtype=np.int8)
    known = band != ""
    rural[known] = np.isin(band[known], list(RURAL_SIZES))
    rural[kinds == "kreisfreie Stadt"] = 0
    rural[np.isin(kinds, list(RURAL_KINDS))] = 1
    return rural


def _idf(bits: np.ndarray, n: int) -> np.ndarray:
    """log(N / df) + 0.1: rare topics weigh most; a topic everyone has still counts a little."""
    df = np.array([np.count_nonzero(bits & (1 << b)) for b in range(N_TOPICS)], dtype=float)
    return np.where(df > 0, np.log(max(n, 1) / np.maximum(df, 1)) + 0.1, 0.0)


def link_groups(network: Network) -> tuple[list[list[str]], int]:
    """Who is linked with whom in the data, as groups of node ids that all know each other:
    joint projects (their members), known cooperations (a project stands for its members,
    an organisation for itself) and events (participants and host). Returns the groups and
    how many of them, at the front, are joint projects."""
    members_of = dict(
        zip(network.projects["id"], network.projects["municipality_ids"], strict=True)
    )

    def as_members(nodes) -> list[str]:
        return [m for node in nodes for m in members_of.get(node, (node,))]

    groups = [list(ids) for ids in network.projects["municipality_ids"] if len(ids) > 1]
    n_joint = len(groups)
    groups += [
        as_members([a]) + as_members([b])
        for a, b in zip(network.cooperations["a_id"], network.cooperations["b_id"], strict=True)
    ]
    groups += [
        as_members(participants) + ([host] if participants and isinstance(host, str) else [])
        for host, participants in zip(
            network.events["municipality_id"], network.events["participant_ids"], strict=True
        )
    ]
    return groups, n_joint


def link_profile(network: Network, index: pd.Index, groups=None) -> dict:
    """Each member's links to other parties in the data (members and organisations such
    as an association that supports several members), as a sparse member x party matrix:
    two members linked to the same third party are partners of partners. A party's weight
    falls with its number of links (Adamic-Adar), so an association linked to everyone
    says less than a partner of two."""
    n = len(index)
    groups, _ = groups or link_groups(network)
    groups = [[x for x in g if isinstance(x, str) and x] for g in groups]
    groups = [g for g in groups if len(set(g)) > 1]
    others = sorted({x for g in groups for x in g} - set(index))
    ids = np.array([*index, *others], dtype=object)
    node = pd.Index(ids)
    names = dict(zip(network.municipalities["id"], network.municipalities["name"], strict=True))
    names |= dict(zip(network.organisations["id"], network.organisations["name"], strict=True))
    labels = np.array([names.get(x, x) for x in ids], dtype=object)
    if not groups:
        empty = sparse.csr_matrix((n, len(ids)), dtype=np.float64)
        return {
            "links": empty,
            "link_ids": ids,
            "link_names": labels,
            "link_weight": np.zeros(len(ids)),
        }
    long = pd.DataFrame(
        {
            "g": np.repeat(np.arange(len(groups)), [len(g) for g in groups]),
            "x": node.get_indexer([x for g in groups for x in g]),
        }
    ).drop_duplicates()
    # group x node incidence; node x node links = incidence' incidence without the diagonal
    incidence = sparse.csr_matrix(
        (np.ones(len(long)), (long["g"].to_numpy(), long["x"].to_numpy())),
        shape=(len(groups), len(ids)),
    )
    linked = (incidence.T @ incidence).tocsr()
    linked = (linked - sparse.diags(linked.diagonal())).tocsr()  # no one is their own partner
    linked.eliminate_zeros()
    linked.data[:] = 1.0
    degree = np.asarray(linked.sum(axis=0)).ravel()
    weight = np.where(degree > 1, 1 / np.log2(np.maximum(degree, 2)), 0.0)
    return {"links": linked[:n], "link_ids": ids, "link_names": labels, "link_weight": weight}


def existing_pairs(
    network: Network, index: pd.Index, groups=None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Member pairs already linked: joint projects, known cooperations (a project stands for
    its members, an organisation for no one), and meetings both attended. As (i, j), i < j,
    and whether the pair shares a joint project. `groups`: link_groups(network), if read."""
    groups, n_joint = groups or link_groups(network)
    if not any(len(g) > 1 for g in groups):
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0, dtype=bool)
    long = pd.DataFrame(
        {
            "g": np.repeat(np.arange(len(groups)), [len(g) for g in groups]),
            "m": index.get_indexer([m for g in groups for m in g]),
        }
    )
    long = long[long["m"] >= 0].drop_duplicates()
    pairs = long.merge(long, on="g")
    pairs = pairs[pairs["m_x"] < pairs["m_y"]]
    pairs = pairs.assign(joint=pairs["g"] < n_joint).sort_values("joint", ascending=False)
    pairs = pairs.drop_duplicates(["m_x", "m_y"])  # keeps the joint-project row if any
    return (
        pairs["m_x"].to_numpy(dtype=np.int64),
        pairs["m_y"].to_numpy(dtype=np.int64),
        pairs["joint"].to_numpy(dtype=bool),
    )


def existing_links(network: Network, member_id: str) -> pd.DataFrame:
    """How a member is already linked to others: joint projects, known cooperations (a
    project stands for its members) and meetings both attended, with kind and source.
    Columns: b_id, kind, what, date, source."""
    projects = network.projects
    members_of = dict(zip(projects["id"], projects["municipality_ids"], strict=True))
    rows = []
    for name, ids, url in zip(
        projects["name"], projects["municipality_ids"], projects["url"], strict=True
    ):
        if member_id in ids:
            link = url if isinstance(url, str) else ""
            rows += [(m, "joint", name, "", link) for m in ids if m != member_id]
    coops = network.cooperations
    for a, b, kind, date, source in zip(
        coops["a_id"], coops["b_id"], coops["kind"], coops["date"], coops["source"], strict=True
    ):
        left, right = members_of.get(a, (a,)), members_of.get(b, (b,))
        for one, other in ((left, right), (right, left)):
            if member_id in one:
                rows += [(m, "cooperation", kind or "", date or "", source or "") for m in other]
    events = network.events
    for title, date, host, participants, source in zip(
        events["title"],
        events["date"],
        events["municipality_id"],
        events["participant_ids"],
        events["source"],
        strict=True,
    ):
        people = [m for x in participants for m in members_of.get(x, (x,))]
        if participants and isinstance(host, str):
            people.append(host)
        if member_id in people:
            rows += [(m, "meeting", title, date or "", source or "") for m in set(people)]
    known = set(network.municipalities["id"])
    frame = pd.DataFrame(rows, columns=["b_id", "kind", "what", "date", "source"])
    frame = frame[frame["b_id"].isin(known - {member_id})]
    return frame.drop_duplicates().reset_index(drop=True)
