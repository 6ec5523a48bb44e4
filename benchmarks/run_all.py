"""Every benchmark, one after another: `make bench` or `python -m benchmarks.run_all`."""

from __future__ import annotations

from benchmarks import cooperation, import_bench, load, pages, timeline
from benchmarks import map as map_page


def main() -> None:
    load.main()
    pages.main([])
    map_page.main()
    timeline.main([])
    cooperation.main()
    import_bench.main()


if __name__ == "__main__":
    main()
