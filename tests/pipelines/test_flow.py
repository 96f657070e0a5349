"""The real Prefect flow, run against the served sample site in Prefect's test harness."""

from __future__ import annotations

import json

import duckdb
import pytest
from prefect.testing.utilities import prefect_test_harness

from marketspeak.pipelines.demo import demo_sources
from marketspeak.pipelines.demo_site.generate import planted_totals, set_aside_totals
from marketspeak.pipelines.flows import run_flow


def task_run_counts(name: str) -> list[int]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            task_run_filter=TaskRunFilter(name=TaskRunFilterName(any_=[name]))
        )
    return [run.run_count for run in runs]


@pytest.fixture(scope="module")
def harness():
    with prefect_test_harness(server_startup_timeout=180):
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
    assert result["sources"] == {name: "crawled" for name in result["sources"]}
    assert len(result["sources"]) == 3
    assert result["ingested"]["new_documents"] == 227
    assert result["snapshot"].endswith("flow.snapshot.duckdb")
    assert len(result["summary"]) == 3 and all("new document(s)" in s for s in result["summary"])
    assert result["headline"][-1]["period"] == "2024"
    assert result["tokenised"]["tokenised"]["documents"] == 227
    assert (out / "index.html").exists()
    con = duckdb.connect(str(db), read_only=True)
    planted = sum(planted_totals(sample_site.manifest).values())
    set_aside = sum(set_aside_totals(sample_site.manifest).values())
    assert con.execute("SELECT count(*) FROM term_hits").fetchone()[0] == planted + set_aside
    assert con.execute("SELECT count(*) FROM english_hits").fetchone()[0] == planted


def test_a_second_run_on_an_unchanged_site_adds_and_tokenises_nothing(
    harness, sample_site, tmp_path
):
    sources = demo_sources(sample_site.manifest, sample_site.base_url)
    db, out = str(tmp_path / "twice.duckdb"), str(tmp_path / "site")
    run_flow(sources, db, out)
    second = run_flow(sources, db, out)
    assert second["ingested"]["new_documents"] == 0
    assert second["tokenised"]["tokenised"]["documents"] == 0


def test_a_failing_source_is_retried_reported_and_does_not_stop_the_others(
    harness, sample_site, tmp_path, monkeypatch, capsys
):
    from marketspeak.pipelines import flows
    from marketspeak.pipelines.cli import EXIT_SOURCE_FAILED, main

    monkeypatch.setattr(
        flows, "crawl_source_task", flows.crawl_source_task.with_options(retry_delay_seconds=0)
    )
    sources = demo_sources(sample_site.manifest, sample_site.base_url)
    # An extension that does not exist makes the Scrapy process fail at start-up.
    broken = {**sources[0], "scrapy_settings": {"EXTENSIONS": {"no.such.Extension": 100}}}
    result = run_flow([broken, *sources[1:]], str(tmp_path / "f.duckdb"), str(tmp_path / "s"))
    assert result["sources"][broken["name"]].startswith("failed: crawl process exited")
    assert [result["sources"][s["name"]] for s in sources[1:]] == ["crawled", "crawled"]
    assert result["ingested"]["new_documents"] > 0
    assert max(task_run_counts(f"crawl-{broken['name']}")) == 3  # first try + 2 retries

    code = main(["status", "--db", str(tmp_path / "f.duckdb"), "--format", "json"])
    assert code == 0  # the broken source never got as far as a recorded crawl run
    status = json.loads(capsys.readouterr().out)
    assert {s["source"] for s in status["sources"]} == {s["name"] for s in sources}
    assert status["snapshot"].endswith("f.snapshot.duckdb")
    assert EXIT_SOURCE_FAILED == 4


def test_a_second_run_on_the_same_database_exits_3(harness, sample_site, tmp_path, capsys):
    import subprocess
    import sys

    import yaml

    from marketspeak.pipelines.cli import EXIT_LOCKED, main

    db = tmp_path / "busy.duckdb"
    sources = tmp_path / "sources.yaml"
    config = {"sources": demo_sources(sample_site.manifest, sample_site.base_url)}
    sources.write_text(yaml.safe_dump(config))
    hold = (
        "import sys, time\nfrom pipelines.lock import run_lock\n"
        "held = run_lock(sys.argv[1])\nheld.__enter__()\nprint('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    first = subprocess.Popen(
        [sys.executable, "-c", hold, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert first.stdout.readline().strip() == "ready"
        code = main(
            ["run", "--sources", str(sources), "--db", str(db), "--out", str(tmp_path / "site")]
        )
    finally:
        first.kill()
        first.wait()
    assert code == EXIT_LOCKED
    assert f"marketspeak: error: {db}: another marketspeak run holds the lock (pid {first.pid}" in (
        capsys.readouterr().err
    )
    assert not db.exists()
