"""Crawl and recrawl speed against `scrapy bench` run on the same machine in the same run.

Crawl: pages/s with extraction on, over a site rendered from the PM transcripts and served
on 127.0.0.1, politeness delays off (for the benchmark only). Target: at least 0.5 of
`scrapy bench`'s pages/s. Recrawl of the unchanged site (conditional requests, 304s):
target at most 0.05 of the first crawl's time.

    python -m bench.crawl [--pages 1000] [--quick]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import ROOT, pm_source, report, timed, transcripts, write_site
from pipelines import steps
from pipelines.demo_site.server import serve_site


def scrapy_bench() -> float:
    """Pages per second `scrapy bench` reaches here (its own server on localhost)."""
    done = subprocess.run([sys.executable, "-m", "scrapy", "bench", "-s", "LOG_LEVEL=INFO"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)  # fmt: skip
    log = done.stdout + done.stderr
    pages = int(re.search(r"'response_received_count': (\d+)", log).group(1))
    elapsed = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", log).group(1))
    return pages / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crawl")
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="300 pages")
    args = parser.parse_args(argv)
    pages = 300 if args.quick else args.pages
    baseline = scrapy_bench()
    with tempfile.TemporaryDirectory(prefix="marketspeak-bench-") as tmp:
        site, db = Path(tmp) / "site", Path(tmp) / "c.duckdb"
        write_site(site, transcripts(pages))
        with serve_site(site) as served:
            sources = [pm_source(served.base_url)]
            before = len(served.requests)
            with timed() as first:
                files = steps.crawl(sources, db)
            fetched = len(served.requests) - before
            steps.ingest(db, files, sources)
            before = len(served.requests)
            with timed() as second:
                steps.crawl(sources, db)
            again = served.requests[before:]
    print(f"{pages} documents; first crawl {fetched} requests, recrawl {len(again)} requests "
          f"({sum(r.status == 304 for r in again)} answered 304)")  # fmt: skip
    report("crawl with extraction", fetched / first["seconds"], "pages/s", baseline,
           "scrapy bench", ">= 0.5")  # fmt: skip
    report("recrawl of the unchanged site", second["seconds"], "s", first["seconds"],
           "first crawl", "<= 0.05")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
