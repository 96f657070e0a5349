"""Crawl and recrawl speed against `scrapy bench` run on the same machine in the same run.

Crawl: pages/s with extraction on, over a site rendered from the PM transcripts and served
on 127.0.0.1, politeness delays off (for the benchmark only). Target: at least 0.5 of
`scrapy bench`'s pages/s. Recrawl of the unchanged site: target at most 0.05 of the first
crawl's time. Measured twice: with `revisit_after: 1d` (documents checked within a day are
not asked about; the listing pages are read again), which is the target's figure, and with
every document revalidated by a conditional request (304s), reported beside it.

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
from marketspeak.pipelines import steps
from marketspeak.pipelines.demo_site.server import serve_site


def scrapy_bench() -> float:
    """Pages per second `scrapy bench` reaches here (its own server on localhost)."""
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "bench", "-s", "LOG_LEVEL=INFO"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    log = done.stdout + done.stderr
    pages = int(re.search(r"'response_received_count': (\d+)", log).group(1))
    elapsed = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", log).group(1))
    return pages / elapsed


# Every document asked again (304s), then with a revisit policy of a day (none asked).
RECRAWLS = (("revalidated", {}), ("revisit_after 1d", {"revisit_after": 86400}))


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
            source = pm_source(served.base_url)
            before = len(served.requests)
            with timed() as first:
                files = steps.crawl([source], db)
            fetched = len(served.requests) - before
            steps.ingest(db, files, [source])
            recrawls = {}
            for label, settings in RECRAWLS:
                before = len(served.requests)
                with timed() as again:
                    files = steps.crawl([{**source, **settings}], db)
                steps.ingest(db, files, [source])
                recrawls[label] = (again["seconds"], served.requests[before:])
    print(f"{pages} documents; first crawl {fetched} requests")
    report(
        "crawl with extraction",
        fetched / first["seconds"],
        "pages/s",
        baseline,
        "scrapy bench",
        ">= 0.5",
    )
    for label, (_, requests) in recrawls.items():
        answered = sum(r.status == 304 for r in requests)
        print(f"recrawl, {label}: {len(requests)} requests ({answered} answered 304)")
    report(
        "recrawl of the unchanged site, revisit_after 1d",
        recrawls["revisit_after 1d"][0],
        "s",
        first["seconds"],
        "first crawl",
        "<= 0.05",
    )
    report(
        "recrawl of the unchanged site, every document revalidated",
        recrawls["revalidated"][0],
        "s",
        first["seconds"],
        "first crawl",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
