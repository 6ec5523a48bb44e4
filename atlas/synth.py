"""Synthetic networks in the exchange format, for benchmarks and scale tests.

Clearly synthetic: every name starts with "Synth", the programmes are called
"Synthetisches Programm", and meta.csv says so. Places are laid on the real German
municipalities (bundled list) so that maps and distances behave like real ones.

    python -m atlas.synth --municipalities 11000 --projects 20000 --out DIR
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from atlas.measures import MEASURE_IDS, MEASURE_STATUSES, PRODUCTS
from atlas.network import BUNDLED_DATA_DIR
from atlas.schema import PHASES, SIZE_CLASSES, TOPICS

GEO_LIST = BUNDLED_DATA_DIR / "geo" / "municipalities_de.csv"
# Some topics are far more common than others, as in the real programme.
TOPIC_WEIGHTS = np.array([14, 9, 8, 7, 13, 9, 7, 6, 5, 6, 5, 5, 3, 6], dtype=float)


def _places(n: int, rng: np.random.Generator) -> pd.DataFrame:
    geo = pd.read_csv(GEO_LIST, dtype={"ags": str}, keep_default_na=False)
    picks = rng.choice(len(geo), size=n, replace=n > len(geo))
    return geo.iloc[picks].reset_index(drop=True)


def municipalities(n: int, rng: np.random.Generator) -> pd.DataFrame:
    places = _places(n, rng)
    kinds = rng.choice(
        ["Gemeinde", "Stadt", "kreisfreie Stadt", "Landkreis"], n, p=[0.6, 0.3, 0.05, 0.05]
    )
    return pd.DataFrame(
        {
            "id": [f"synth-m{i:05d}" for i in range(n)],
            "name": [f"Synth {name} {i:05d}" for i, name in enumerate(places["name"])],
            "kind": kinds,
            "state": places["state"],
            "district": places["district"],
            "population": rng.lognormal(9, 1.3, n).astype(int) + 100,
            "lat": places["lat"],
            "lon": places["lon"],
            "ags": "",
            "source": "synthetisch",
        }
    )


def _nearby(groups: dict, districts: np.ndarray, rng, size: int, anchor: int) -> list[int]:
    """A lead plus partners drawn from its own district, as joint projects are."""
    same = groups[districts[anchor]]
    others = rng.choice(same, size=min(size - 1, len(same)), replace=False) if size > 1 else []
    return [anchor] + [int(o) for o in others if o != anchor]


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def projects(
    n: int, munis: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    weights = TOPIC_WEIGHTS / TOPIC_WEIGHTS.sum()
    cohorts = rng.integers(2019, 2026, n)
    sizes = rng.choice([1, 2, 3, 5], n, p=[0.8, 0.1, 0.07, 0.03])
    leads = rng.integers(0, len(munis), n)
    # months counted from year 0, so that adding months is integer arithmetic
    start = cohorts * 12 + rng.integers(0, 12, n)
    split = start + rng.integers(10, 30, n)
    end = split + rng.integers(36, 61, n)
    rows, phase_rows = [], []
    ids = munis["id"].to_numpy()
    districts = munis["district"].to_numpy()
    groups = {d: np.flatnonzero(districts == d) for d in set(districts)}
    for i in range(n):
        members = _nearby(groups, districts, rng, int(sizes[i]), int(leads[i]))
        topics = rng.choice(len(TOPICS), size=rng.integers(2, 9), replace=False, p=weights)
        pid = f"synth-p{i:05d}"
        rows.append(
            {
                "id": pid,
                "name": f"Synth-Projekt {i:05d}",
                "programme": f"Synthetisches Programm {'AB'[i % 2]}",
                "cohort": int(cohorts[i]),
                "municipality_ids": ";".join(ids[m] for m in members),
                "lead_municipality_id": ids[members[0]],
                "size_class": SIZE_CLASSES[int(rng.integers(0, 4))],
                "topics": ";".join(TOPICS[x] for x in sorted(topics)),
                "phase": "",
                "start": _month(start[i]),
                "end": _month(end[i] - 1),
                "funding_federal_eur": round(float(rng.uniform(0.5, 15)) * 1e6, -3)
                if i % 3
                else "",
                "funding_total_eur": "",
                "url": "",
                "source": "synthetisch",
            }
        )
        phase_rows.append((pid, PHASES[0], _month(start[i]), _month(split[i] - 1)))
        phase_rows.append((pid, PHASES[1], _month(split[i]), _month(end[i] - 1)))
    phases = pd.DataFrame(phase_rows, columns=["project_id", "phase", "start", "end"])
    phases["source"] = "synthetisch"
    return pd.DataFrame(rows), phases


def measures(projects: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """3 to 8 measures per project, some far more common than others (as in the real
    programme), with a status, a year for most and a product for some."""
    n = len(projects)
    counts = rng.integers(3, 9, n)
    popularity = 1 / np.arange(1, len(MEASURE_IDS) + 1) ** 0.8
    popularity /= popularity.sum()
    picks = [rng.choice(len(MEASURE_IDS), k, replace=False, p=popularity) for k in counts]
    rows = len(np.concatenate(picks))
    products = np.array(["", *PRODUCTS], dtype=object)
    product_p = np.r_[0.85, np.full(len(PRODUCTS), 0.15 / len(PRODUCTS))]
    years = rng.integers(2019, 2027, rows).astype(str)
    return pd.DataFrame(
        {
            "project_id": np.repeat(projects["id"].to_numpy(), counts),
            "measure": np.array(MEASURE_IDS, dtype=object)[np.concatenate(picks)],
            "status": rng.choice(MEASURE_STATUSES, rows, p=[0.3, 0.25, 0.25, 0.1, 0.1]),
            "since": np.where(rng.random(rows) < 0.7, years, ""),
            "product": rng.choice(products, rows, p=product_p),
            "source": "synthetisch",
            "note": "",
        }
    )


def write_network(out: Path, n_municipalities: int, n_projects: int, seed: int = 7) -> Path:
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    munis = municipalities(n_municipalities, rng)
    projs, phases = projects(n_projects, munis, rng)
    munis.to_csv(out / "municipalities.csv", index=False)
    projs.to_csv(out / "projects.csv", index=False)
    phases.to_csv(out / "phases.csv", index=False)
    measures(projs, rng).to_csv(out / "measures.csv", index=False)
    pairs = rng.integers(0, n_municipalities, (max(1, n_municipalities // 20), 2))
    coops = pd.DataFrame(
        {
            "id": [f"synth-c{i:05d}" for i in range(len(pairs))],
            "a_id": munis["id"].to_numpy()[pairs[:, 0]],
            "b_id": munis["id"].to_numpy()[pairs[:, 1]],
            "kind": "Besuch",
            "date": "2023-05",
            "note": "synthetisch",
            "source": "synthetisch",
        }
    )
    coops[coops["a_id"] != coops["b_id"]].to_csv(out / "cooperations.csv", index=False)
    meta = pd.DataFrame(
        {
            "key": ["title", "as_of", "licence"],
            "value": ["SYNTHETISCHES Netzwerk (keine echten Daten)", "2026-01", "synthetisch"],
        }
    )
    meta.to_csv(out / "meta.csv", index=False)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=11000)
    parser.add_argument("--projects", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    write_network(args.out, args.municipalities, args.projects, args.seed)
    print(f"synthetic network written to {args.out}")


if __name__ == "__main__":
    main()
