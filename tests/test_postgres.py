"""A shared PostgreSQL: two app processes on one database; an import saved through one is
seen by the other at its next page load. Uses ATLAS_TEST_POSTGRES_URL (set by .ci/run);
skipped locally without it, failed in CI without it. The store's own contract runs against
PostgreSQL in tests/test_store.py (parameter "postgres")."""

from __future__ import annotations

import pytest

from atlas.auth import hash_password
from tests.browser import assert_offline, browser_page, serve_app, wait_for_app
from tests.test_browser_data import PASSWORD, import_file, kpi
from tests.test_store import empty_postgres, postgres_url

pytestmark = pytest.mark.postgres


def test_postgres_is_configured_where_it_must_be():
    url = postgres_url()  # fails in CI without the server .ci/run starts
    assert url.startswith(("postgresql://", "postgres://"))


@pytest.mark.browser
def test_two_app_processes_share_one_postgres(tmp_path, output_dir):
    url = empty_postgres(postgres_url())
    env = {
        "DATABASE_URL": url,
        "ATLAS_EDITORS_PASSWORDS": f"Anna Beispiel={hash_password(PASSWORD)}",
    }
    with (
        serve_app(env) as first,
        serve_app(env) as second,
        browser_page() as (new_page, requests),
    ):
        reader = new_page()
        reader.goto(second.url)
        wait_for_app(reader)
        assert kpi(reader, "Projekte") == "74"  # seeded once, by whichever came first
        writer = new_page()
        writer.goto(f"{first.url}/data")
        wait_for_app(writer)
        import_file(writer, tmp_path)
        reader.reload()
        wait_for_app(reader)
        assert kpi(reader, "Projekte") == "75"
        reader.screenshot(path=output_dir / "postgres-second-process.png", full_page=False)
        assert_offline(requests)
