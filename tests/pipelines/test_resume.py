"""A crawl killed with SIGKILL part-way resumes on the next run, and the database ends as
after one uninterrupted crawl."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb
import yaml

from marketspeak.pipelines.cli import main
from marketspeak.pipelines.demo_site.generate import sources_yaml
from marketspeak.pipelines.steps import PENDING, crawl_dir_for

SUMMARY = """
SELECT (SELECT list(doc_id ORDER BY doc_id) FROM documents),
       (SELECT count(*) FROM tokens),
       (SELECT count(*) FROM term_hits),
       (SELECT list(url ORDER BY url) FROM document_urls)
"""


def written_items(folder) -> int:
    return sum(f.read_bytes().count(b"\n") for f in folder.rglob("*.jsonl"))


def test_a_killed_crawl_resumes_and_ends_like_one_clean_run(crawled, sample_site, tmp_path):
    config = yaml.safe_load(sources_yaml(sample_site.manifest, sample_site.base_url))
    for source in config["sources"]:
        source.update(delay=0.02, concurrency=1)  # slow enough to be caught mid-way
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump(config))
    db = tmp_path / "resumed.duckdb"
    command = [
        sys.executable,
        "-m",
        "marketspeak.pipelines",
        "crawl",
        "--sources",
        str(sources),
        "--db",
        str(db),
    ]
    first = subprocess.Popen(
        command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    folder = crawl_dir_for(db)
    deadline = time.monotonic() + 120
    while written_items(folder) < 80 and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.1)
    assert first.poll() is None, "the crawl finished before it could be interrupted"
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert list(folder.glob(f"*/{PENDING}"))

    before = len(sample_site.requests)
    assert main(["crawl", "--sources", str(sources), "--db", str(db)]) == 0
    second = sample_site.requests[before:]
    assert not list(folder.glob(f"*/{PENDING}"))

    clean = duckdb.connect(str(crawled.db), read_only=True).execute(SUMMARY).fetchone()
    resumed = duckdb.connect(str(db), read_only=True)
    got = resumed.execute(SUMMARY).fetchone()
    assert got[:3] == clean[:3]
    assert got[3] == clean[3]
    # What the first run had stored was not downloaded again.
    assert sum(1 for r in second if r.status == 304) > 0
    runs = resumed.execute("SELECT count(*) FROM crawl_runs WHERE run_id LIKE 'interrupted-%'")
    assert runs.fetchone()[0] >= 1
