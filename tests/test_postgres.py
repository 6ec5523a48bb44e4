"""A shared PostgreSQL is configured where it must be: ATLAS_TEST_POSTGRES_URL (set by
.ci/run); skipped locally without it, failed in CI without it. The store's own contract
runs against PostgreSQL in tests/test_store.py (parameter "postgres"); two app processes
on one PostgreSQL, an edit saved through one and seen through the other, in
tests/test_browser_serve.py (behind nginx, as deploy/ serves them)."""

from __future__ import annotations

import pytest

from tests.test_store import postgres_url

pytestmark = pytest.mark.postgres


def test_postgres_is_configured_where_it_must_be():
    url = postgres_url()  # fails in CI without the server .ci/run starts
    assert url.startswith(("postgresql://", "postgres://"))
