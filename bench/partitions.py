"""Scale-out arithmetic from a measured partition: how tokenising in partitions (one writer
merging Parquet written by workers) behaves at a national corpus of 10^9 tokens.

Measures, on the PM transcripts: one partition's tokenise time and peak memory in a fresh
worker process, its Parquet size, and the writer's merge time; then scales them to 10^9
tokens for a given number of workers. The ratio printed is the merge's share of the
tokenise time (the single writer stays off the critical path while it is well under 1).

    python -m bench.partitions [--rows 2000] [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from bench.common import ROOT, report, timed, transcripts
from marketspeak.corpus.db import connect
from marketspeak.corpus.ingest import ingest_files
from marketspeak.spiders.extract import content_hash

WORKER = """
import json, resource, sys, time
from pathlib import Path
from marketspeak.corpus.partitions import tokenise_partition
start = time.perf_counter()
tokenise_partition(Path(sys.argv[1]))
print(json.dumps({"seconds": time.perf_counter() - start,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def load(db: Path, records: list[dict], work: Path) -> None:
    rows = [
        {
            "item": "document",
            "source": "pm",
            "url": f"http://127.0.0.1/{r['id']}",
            "text": r["text"],
            "content_sha256": content_hash(r["text"]),
            "content_type": "html",
            "published": r["date"],
            "date_source": "html-meta",
            "fetched_at": "2024-01-01T00:00:00",
        }
        for r in records
    ]
    items = work / "items.jsonl"
    items.write_text("".join(json.dumps(r) + "\n" for r in rows))
    con = connect(db)
    ingest_files(
        con, [items], [{"name": "pm", "kind": "government", "start_urls": ["http://127.0.0.1/"]}]
    )
    con.close()


def main(argv: list[str] | None = None) -> int:
    from marketspeak.corpus.partitions import PARTS, export_pending, merge_partition, output_path

    parser = argparse.ArgumentParser(prog="python -m bench.partitions")
    parser.add_argument("--rows", type=int, default=2000, help="documents per partition")
    parser.add_argument("--workers", type=int, default=32, help="workers assumed at 10^9")
    parser.add_argument("--quick", action="store_true", help="a 300-document partition")
    args = parser.parse_args(argv)
    rows = 300 if args.quick else args.rows
    with tempfile.TemporaryDirectory(prefix="marketspeak-bench-") as tmp:
        work = Path(tmp)
        db = work / "p.duckdb"
        load(db, transcripts(rows), work)
        con = connect(db)
        (source,) = export_pending(con, work / "partitions", rows)
        con.close()
        done = subprocess.run(
            [sys.executable, "-c", WORKER, str(source)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        worker = json.loads(done.stdout)
        size = sum(output_path(source, part).stat().st_size for part in PARTS)
        con = connect(db)
        with timed() as merge:
            merge_partition(con, source)
        tokens = con.execute("SELECT count(*) FROM tokens").fetchone()[0]
        con.close()
        stored = duckdb.connect(str(db), read_only=True)
        words = stored.execute("SELECT sum(n_words) FROM documents").fetchone()[0]
    per_token = worker["seconds"] / tokens
    report(f"partition of {rows} documents ({tokens:,} tokens): tokenise", worker["seconds"], "s")
    report("worker peak RSS (one partition)", worker["peak_rss_mb"], "MB")
    report("partition Parquet (tokens + hits + counts)", size / 2**20, "MB")
    report(
        "merge into DuckDB by the writer",
        merge["seconds"],
        "s",
        worker["seconds"],
        "tokenise of the same partition",
        "well under 1",
    )
    scale = 1e9 / tokens
    print(
        f"at 10^9 tokens: {scale:,.0f} partitions of {rows} documents "
        f"({words / rows:,.0f} words a document), {size * scale / 2**30:,.1f} GiB of Parquet; "
        f"tokenising {per_token * 1e9 / 3600:,.1f} CPU-hours, "
        f"{per_token * 1e9 / 3600 / args.workers:,.2f} h on {args.workers} workers; "
        f"merging {merge['seconds'] * scale / 3600:,.2f} h on the one writer"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
