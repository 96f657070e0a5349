"""The real Prefect flow, run against the served sample site in Prefect's test harness."""

from __future__ import annotations

import duckdb
import pytest
from prefect.testing.utilities import prefect_test_harness

from pipelines.demo import demo_sources
from pipelines.flows import run_flow


@pytest.fixture(scope="module")
def harness():
    with prefect_test_harness(server_startup_timeout=90):
        yield


def test_the_flow_crawls_stores_tokenises_and_publishes(harness, sample_site, tmp_path):
    db, out = tmp_path / "flow.duckdb", tmp_path / "site"
    state = run_flow(
        demo_sources(sample_site.manifest, sample_site.base_url),
        str(db),
        str(out),
        return_state=True,
    )
    assert state.is_completed()
    result = state.result()
    assert result["ingested"]["new_documents"] == 227
    assert result["tokenised"]["tokenised"]["documents"] == 227
    assert (out / "index.html").exists()
    con = duckdb.connect(str(db), read_only=True)
    planted = sum(sum(d["planted"].values()) for d in sample_site.manifest["documents"])
    assert con.execute("SELECT count(*) FROM term_hits").fetchone()[0] == planted


def test_a_second_run_on_an_unchanged_site_adds_and_tokenises_nothing(
    harness, sample_site, tmp_path
):
    sources = demo_sources(sample_site.manifest, sample_site.base_url)
    db, out = str(tmp_path / "twice.duckdb"), str(tmp_path / "site")
    run_flow(sources, db, out)
    second = run_flow(sources, db, out)
    assert second["ingested"]["new_documents"] == 0
    assert second["tokenised"]["tokenised"]["documents"] == 0
