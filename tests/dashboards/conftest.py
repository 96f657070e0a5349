"""The chart site published once from the crawled sample site, for chart and browser tests."""

from __future__ import annotations

import duckdb
import pytest

from dashboards.site import build_site


@pytest.fixture(scope="session")
def published(crawled, tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    con = duckdb.connect(str(crawled.db), read_only=True)
    files = build_site(con, out, "year", "market@1.0.0 relational@1.0.0")
    con.close()
    return out, files
