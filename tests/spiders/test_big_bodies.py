"""A 100 MB page, with and without a Content-Length, is refused part-way by a real crawl
with the shipped limits (50 MB), recorded as too-large, and the crawl's memory stays
bounded. Slow: `make test-slow`."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

from tests.spiders.fixture_http import FixtureHandler, running

pytestmark = pytest.mark.slow
CHUNK = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>\n"  # 1 MiB
PAGES = {"/big/sized.html": True, "/big/streamed.html": False}  # path -> sends Content-Length

CRAWL = """
import json, resource, sys
from pathlib import Path
from marketspeak.pipelines import steps
source = json.loads(sys.argv[1])
db = Path(sys.argv[2])
steps.ingest(db, steps.crawl([source], db), [source])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
"""


class BigHandler(FixtureHandler):
    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/big/":
            links = "".join(f'<a href="{p}">{p}</a> ' for p in PAGES)
            return self.send(200, f"<html><body>{links}</body></html>".encode())
        if self.path not in PAGES:
            return self.send(404, b"no")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if PAGES[self.path]:
            self.send_header("Content-Length", str(100 * len(CHUNK)))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        try:
            for _ in range(100):
                self.wfile.write(CHUNK)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler hung up once it had enough: what we want


def test_a_100_mb_page_is_refused_and_memory_stays_bounded(tmp_path):
    with running(BigHandler) as (base,):
        source = {
            "name": "big",
            "kind": "other",
            "start_urls": [f"{base}/big/"],
            "documents": [r"/big/.+\\.html$"],
            "delay": 0,
        }
        db = tmp_path / "big.duckdb"
        done = subprocess.run(
            [sys.executable, "-c", CRAWL, json.dumps(source), str(db)],
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    peak_mb = int(done.stdout.strip().splitlines()[-1])
    con = duckdb.connect(str(db), read_only=True)
    outcome = con.execute(
        "SELECT url, error FROM fetch_log WHERE url LIKE '%/big/%.html' ORDER BY url"
    ).fetchall()
    assert [error for _, error in outcome] == ["too-large", "too-large"], outcome
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    assert peak_mb < 400, f"the crawl process peaked at {peak_mb} MB"
