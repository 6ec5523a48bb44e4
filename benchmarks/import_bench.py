"""Import of a 20,000-project file: preview (read, place, validate, diff) and apply (one
transaction), on SQLite and, when ATLAS_TEST_POSTGRES_URL is set, on PostgreSQL.

    .venv/bin/python -m benchmarks.import_bench

Case "new": the synthetic network's municipalities (11,000), projects (20,000) and phases
are added to a store holding the bundled data (merge mode: 31,000+ inserts).
Case "update": the same projects file again with 1 % of the rows changed (replace mode).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from atlas.auth import Actor
from atlas.database import METADATA, engine_url
from atlas.importer import Upload, plan_import
from atlas.network import BUNDLED_DATA_DIR
from atlas.store import Store
from benchmarks.common import row, synthetic_network

EDITOR = Actor("Benchmark", "editor")
REPEAT = 3


def fresh_store(url: str | None) -> Store:
    if url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='atlas-bench-db-')) / 'atlas.db'}"
    else:
        from sqlalchemy import create_engine

        engine = create_engine(engine_url(url))
        METADATA.drop_all(engine)
        engine.dispose()
    store = Store(url)
    store.seed_from_folder(BUNDLED_DATA_DIR)
    return store


def uploads(folder: Path, names: tuple[str, ...]) -> list[Upload]:
    return [Upload(f"{n}.csv", (folder / f"{n}.csv").read_bytes()) for n in names]


def changed_projects(folder: Path) -> list[Upload]:
    projects = pd.read_csv(folder / "projects.csv", dtype=str, keep_default_na=False)
    projects.loc[projects.index % 100 == 0, "name"] += " (geändert)"
    return [Upload("projects.csv", projects.to_csv(index=False).encode())]


def measure(url: str | None, folder: Path) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {
        k: [] for k in ("preview new", "apply new", "preview update", "apply update", "load")
    }
    for _ in range(REPEAT):
        store = fresh_store(url)
        files = uploads(folder, ("municipalities", "projects", "phases"))
        start = time.perf_counter()
        plan = plan_import(files, store.raw_tables(), store.data_version(), merge=True)
        times["preview new"].append(time.perf_counter() - start)
        assert plan.ok, plan.blocking[:3]
        start = time.perf_counter()
        counts = store.apply_import(plan, EDITOR)
        times["apply new"].append(time.perf_counter() - start)
        assert counts["added"] >= 31_000, counts
        start = time.perf_counter()
        plan = plan_import(
            changed_projects(folder), store.raw_tables(), store.data_version(), merge=True
        )
        times["preview update"].append(time.perf_counter() - start)
        assert plan.ok and sum(len(d.changed) for d in plan.diffs.values()) == 200
        start = time.perf_counter()
        store.apply_import(plan, EDITOR)
        times["apply update"].append(time.perf_counter() - start)
        start = time.perf_counter()
        network = store.load_network(dt.date.today())
        times["load"].append(time.perf_counter() - start)
        assert len(network.projects) == 20_074
        store.engine.dispose()
        store.writer.dispose()
    return times


def main() -> None:
    folder = synthetic_network(11_000, 20_000)
    size = (folder / "projects.csv").stat().st_size / 1024 / 1024
    print(f"projects.csv: 20,000 rows, {size:.1f} MB; median of {REPEAT} runs")
    backends = [("SQLite", None)]
    pg = os.environ.get("ATLAS_TEST_POSTGRES_URL") or os.environ.get("DATABASE_URL")
    if pg:
        backends.append(("PostgreSQL", pg))
    for label, url in backends:
        for what, values in measure(url, folder).items():
            print(row(f"{label}: {what}", f"{statistics.median(values):.2f} s"))


if __name__ == "__main__":
    main()
