"""Every benchmark, one after another: `make bench` or `python -m benchmarks.run_all`."""

from __future__ import annotations

from benchmarks import cooperation, load, pages
from benchmarks import map as map_page


def main() -> None:
    load.main()
    pages.main([])
    map_page.main()
    cooperation.main()


if __name__ == "__main__":
    main()
