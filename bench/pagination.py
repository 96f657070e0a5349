"""A long pagination chain: how many of a site's documents a crawl stores, and what
`crawl_runs` and `marketspeak status` say about it.

The site (generated, served on 127.0.0.1): 2,000 documents over 40 listing pages, each
listing page linking its 50 documents and the next page with a "Next" link, as council
news and publication listings do. The baseline is the number of documents the site holds;
the target is all of them (ratio 1.00), and a crawl that stores fewer must say why.

    python -m bench.pagination [--documents 2000] [--listings 40] [--max-pages N] [--quick]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

from bench.common import report, timed
from marketspeak.corpus.db import reading
from marketspeak.pipelines import steps
from marketspeak.pipelines.status import read_status
from tests.spiders.paginated_site import paginated_source, serve_paginated

# Scrapy's own count of what its middlewares dropped, from the end-of-crawl stats in crawl.log.
IGNORED_STATS = re.compile(r"'([\w/]*ignored[\w/]*)': (\d+)")


def crawl_runs_row(db: Path) -> dict:
    """The source's crawl_runs row, whatever columns this version has."""
    with reading(db) as con:
        cursor = con.execute("SELECT * FROM crawl_runs")
        names = [c[0] for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pagination")
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--listings", type=int, default=40)
    parser.add_argument("--max-pages", type=int, default=None, help="a page budget to hit")
    parser.add_argument("--quick", action="store_true", help="500 documents over 25 pages")
    args = parser.parse_args(argv)
    documents, listings = (500, 25) if args.quick else (args.documents, args.listings)
    per_page = documents // listings
    with tempfile.TemporaryDirectory(prefix="marketspeak-bench-") as tmp:
        db = Path(tmp) / "chain.duckdb"
        extra = {"max_pages": args.max_pages} if args.max_pages else {}
        with serve_paginated(listings, per_page) as (base, plan, hits):
            source = paginated_source(base, **extra)
            with timed() as took:
                files = steps.crawl([source], db)
            steps.ingest(db, files, [source])
        stored = len({p for p in plan.documents if hits[p]})
        row = crawl_runs_row(db)
        status = next(s for s in read_status(db)["sources"] if s["source"] == source["name"])
        log = (steps.source_dir(db, source["name"]) / "crawl.log").read_text(errors="replace")
        summary = steps.source_summary(db, row["run_id"], {source["name"]: "crawled"})
    print(f"site: {len(plan.documents)} documents over {listings} listing pages chained by Next")
    print(f"crawl: {sum(hits.values())} requests in {took['seconds']:.1f} s")
    print("Scrapy's ignored-request stats:", dict(IGNORED_STATS.findall(log)) or "none")
    print("crawl_runs:", json.dumps(row, default=str))
    print("status:", json.dumps(status, default=str))
    print("run summary:", *summary)
    report(
        "documents stored",
        row["new_documents"],
        "documents",
        len(plan.documents),
        "documents on the site",
        "1.00",
    )
    print(f"(documents requested from the server: {stored})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
