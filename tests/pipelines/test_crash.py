"""kill -9 during ingest, tokenise or publish, then a rerun: the database (and the site)
end as after one clean run, and the killed step is recorded as interrupted."""

from __future__ import annotations

import filecmp
import json
import os
import signal
import subprocess
import sys

import duckdb
import pytest
import yaml

from marketspeak.pipelines.demo import demo_sources

SUMMARY = """
SELECT (SELECT list(doc_id ORDER BY doc_id) FROM documents),
       (SELECT count(*) FROM tokens), (SELECT count(*) FROM term_hits),
       (SELECT list(url ORDER BY url) FROM document_urls),
       (SELECT list((doc_id, n_tokens, n_words) ORDER BY doc_id) FROM documents)
"""


def marketspeak(*args: str, crash: str | None = None) -> int:
    env = {k: v for k, v in os.environ.items() if k != "MARKETSPEAK_CRASH_AT"}
    if crash:
        env["MARKETSPEAK_CRASH_AT"] = crash
    done = subprocess.run(
        [sys.executable, "-m", "marketspeak.pipelines", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done.returncode


def summary(db) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(SUMMARY).fetchone()
    finally:
        con.close()


@pytest.fixture()
def sources_file(sample_site, tmp_path):
    path = tmp_path / "sources.yaml"
    sources = demo_sources(sample_site.manifest, sample_site.base_url)
    path.write_text(yaml.safe_dump({"sources": sources}))
    return path


@pytest.mark.parametrize("step", ["ingest", "tokenise"])
def test_a_step_killed_part_way_is_finished_by_the_next_run(crawled, sources_file, tmp_path, step):
    db = tmp_path / "killed.duckdb"
    args = ("crawl", "--sources", str(sources_file), "--db", str(db))
    assert marketspeak(*args, crash=step) == -signal.SIGKILL
    con = duckdb.connect(str(db), read_only=True)
    documents, tokens = con.execute(
        "SELECT count(*), (SELECT count(*) FROM tokens) FROM documents"
    ).fetchone()
    con.close()
    if step == "ingest":
        assert (documents, tokens) == (0, 0)  # the transaction died with the process
    else:
        assert documents == 227 and 0 < tokens  # the first batch stayed; the rest wait

    assert marketspeak(*args) == 0
    assert summary(db) == summary(crawled.db)
    con = duckdb.connect(str(db), read_only=True)
    steps = con.execute("SELECT step, status FROM runs ORDER BY started_at").fetchall()
    assert (step, "interrupted") in steps
    assert steps[-1][1] == "completed"


def test_a_publish_killed_part_way_leaves_whole_files_and_the_rerun_completes_it(crawled, tmp_path):
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    assert marketspeak("publish", "--db", str(crawled.db), "--out", str(clean)) == 0
    assert (
        marketspeak("publish", "--db", str(crawled.db), "--out", str(killed), crash="publish")
        == -signal.SIGKILL
    )
    # Every file a reader can find is whole: written under a temporary name, then renamed.
    written = [p for p in killed.rglob("*.json") if not p.name.startswith(".")]
    assert written and all(json.loads(p.read_text()) is not None for p in written)
    assert marketspeak("publish", "--db", str(crawled.db), "--out", str(killed)) == 0
    data = sorted(p.name for p in (clean / "data").iterdir())
    assert data == sorted(p.name for p in (killed / "data").iterdir() if not p.name.startswith("."))
    match, mismatch, errors = filecmp.cmpfiles(clean / "data", killed / "data", data, shallow=False)
    assert (mismatch, errors) == ([], [])
