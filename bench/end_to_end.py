"""End to end: `marketspeak run` on a site rendered from the PM transcripts, twice.

Prints the first run's time, the unchanged second run's time (ratio: target well under
0.5, and no document added), each run's peak memory, the same at four times the corpus
(peak memory must not grow with it beyond the fixed batch budget), and the database size
per million tokens.

    python -m bench.end_to_end [--pages 2000] [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import duckdb
import yaml

from bench.common import ROOT, pm_source, report, run_measured, transcripts, write_site
from marketspeak.pipelines.demo_site.server import serve_site
from tests.run_command import marketspeak_run_command

COUNTS = "SELECT count(*), coalesce(sum(n_words), 0) FROM documents"


def run_twice(records: list[dict], work: Path, label: str) -> list[dict]:
    site, db, out = work / "site", work / "pm.duckdb", work / "out"
    write_site(site, records)
    results = []
    with serve_site(site) as served:
        sources = work / "sources.yaml"
        sources.write_text(yaml.safe_dump({"sources": [pm_source(served.base_url)]}))
        command = marketspeak_run_command(sources, db, out)
        env = {**os.environ, "PREFECT_HOME": str(work / "prefect")}
        first = run_measured(command, work / "first-run.log", env=env, cwd=ROOT)
        documents, tokens = duckdb.connect(str(db), read_only=True).execute(COUNTS).fetchone()
        second = run_measured(command, work / "second-run.log", env=env, cwd=ROOT)
        again, _ = duckdb.connect(str(db), read_only=True).execute(COUNTS).fetchone()
    assert first["code"] == 0 and second["code"] == 0, (first, second)
    results.append(
        report(
            f"{label}: first run ({documents} documents, {tokens:,} words)", first["seconds"], "s"
        )
    )
    results.append(
        report(
            f"{label}: unchanged second run (added {again - documents})",
            second["seconds"],
            "s",
            first["seconds"],
            "first run",
            "< 0.5 of the first",
        )
    )
    results.append(
        report(f"{label}: peak RSS of marketspeak, first run", first["peak_rss_mb"], "MB")
    )
    print(f"  highest just after: {first['peak_after']}")
    size = db.stat().st_size / 2**20
    results.append(report(f"{label}: database size per million words", size / (tokens / 1e6), "MB"))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.end_to_end")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="300 pages, no 4x run")
    args = parser.parse_args(argv)
    pages = 300 if args.quick else args.pages
    with tempfile.TemporaryDirectory(prefix="marketspeak-bench-") as tmp:
        one = run_twice(transcripts(pages), Path(tmp) / "x1", f"{pages} pages")
        if not args.quick:
            four = run_twice(transcripts(pages, copies=4), Path(tmp) / "x4", f"{4 * pages} pages")
            report(
                "peak RSS at 4x the corpus",
                four[2]["figure"],
                "MB",
                one[2]["figure"],
                "at 1x",
                "about 1 (a fixed batch budget)",
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
