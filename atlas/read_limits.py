"""The limits a file is measured against before it is read, and how a refusal is said.

A file is measured first: size, rows, columns, cells, the unpacked size of a workbook and
its declared dimensions, and the processor time spent. Above a limit it is refused with a
message naming the limit, so a crafted file costs little memory and time and the server
keeps answering everyone else. The readers (atlas.read_csv, atlas.read_xlsx) read the
limits from this module at the moment they check, so a test can lower one in one place.
"""

from __future__ import annotations

import time

from atlas.problems import Problem, problem

# Far above any real network (the largest planned has about 20,000 projects), far below
# what hurts the server.
MAX_FILE_BYTES = 40 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELLS = 2_000_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a workbook's XML, all parts together
MAX_SECONDS = 20.0
MAX_CELL_CHARS = 100_000  # below the csv module's own limit (128 KB), which it raises on
HEADER_SEARCH_ROWS = 10  # a title block above the header is at most this long


class Refused(Exception):
    """A file (or the rest of it) is not read; `problems` say why."""

    def __init__(self, *problems: Problem):
        super().__init__(problems[0].expected if problems else "")
        self.problems = list(problems)


def fatal(file: str, table: str, key: str, row: int | None = None, **params) -> Problem:
    """A problem that stops the file (or the rest of it) from being read."""
    return problem(file, table, row, None, None, key, "fatal", **params)


def over_limit(file: str, table: str, key: str, n, limit) -> Problem:
    """A count (`n` rows, columns, cells) above its `limit`."""
    return fatal(file, table, key, n=n, limit=limit)


def too_large(size: int, file: str, table: str) -> Problem:
    """A file of `size` bytes above MAX_FILE_BYTES, named in whole megabytes."""
    limit = MAX_FILE_BYTES // 1024 // 1024
    value = f"{size / 1024 / 1024:.0f} MB"
    return problem(file, table, None, None, value, "read.too_large", "fatal", limit=limit)


def check_size(size: int, file: str, table: str) -> None:
    """Refuse a file above MAX_FILE_BYTES before it is held in memory."""
    if size > MAX_FILE_BYTES:
        raise Refused(too_large(size, file, table))


class Deadline:
    """Processor time this thread spends on one file: what the file costs, whatever else
    the machine (or the server's other sessions) is doing meanwhile."""

    def __init__(self, file: str, table: str):
        self.file, self.table = file, table
        self.end = time.thread_time() + MAX_SECONDS

    def check(self) -> None:
        if time.thread_time() > self.end:
            raise Refused(fatal(self.file, self.table, "read.too_slow", limit=f"{MAX_SECONDS:g}"))
