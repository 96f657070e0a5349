"""Storing token rows in DuckDB the way marketspeak does (Arrow tables inserted in one
transaction per batch, see corpus/annotate.py) against DuckDB's own bulk load of the same
rows from Parquet. Targets: at least 1M rows/s and 0.5 of the bulk load.

    python -m bench.ingest [--docs 1000] [--quick]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from bench.common import report, timed, transcripts
from marketspeak.corpus.annotate import batch_tables, write_tables
from marketspeak.corpus.db import connect
from marketspeak.corpus.lexicons import LexiconMatcher, load_lexicons
from marketspeak.corpus.tokenise import build_nlp, tokenise_texts

ADD_DOCUMENTS = """
INSERT INTO documents (doc_id, source, url, content_type, content_sha256, text, n_chars,
                       first_seen, last_seen)
SELECT doc_id, 'pm', 'http://127.0.0.1/' || doc_id, 'html', doc_id, '', 0, now(), now()
FROM ids
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="200 documents")
    args = parser.parse_args(argv)
    records = transcripts(200 if args.quick else args.docs)
    matcher = LexiconMatcher(build_nlp(), load_lexicons())
    batches = [
        batch_tables(b) for b in tokenise_texts(((r["id"], r["text"]) for r in records), matcher)
    ]
    rows = sum(b["tokens"].num_rows for b in batches)
    with tempfile.TemporaryDirectory(prefix="marketspeak-bench-") as tmp:
        ours_db = Path(tmp) / "ours.duckdb"
        con = connect(ours_db)
        con.register("ids", pa.table({"doc_id": [r["id"] for r in records]}))
        con.execute(ADD_DOCUMENTS)
        con.unregister("ids")
        with timed() as ours:
            for b in batches:
                write_tables(con, **b, versions="bench")
        con.close()
        parquet = Path(tmp) / "tokens.parquet"
        pq.write_table(pa.concat_tables(b["tokens"] for b in batches), parquet)
        bulk_db = duckdb.connect(str(Path(tmp) / "bulk.duckdb"))
        bulk_db.execute(
            "CREATE TABLE tokens (doc_id VARCHAR, position INTEGER, token VARCHAR, "
            "lemma VARCHAR, is_word BOOLEAN, paragraph INTEGER)"
        )
        with timed() as bulk:
            bulk_db.execute("COPY tokens FROM ?", [str(parquet)])
        bulk_db.close()
    print(f"{rows:,} token rows in {len(batches)} batches")
    report(
        "marketspeak batch insert",
        rows / ours["seconds"],
        "rows/s",
        rows / bulk["seconds"],
        "DuckDB COPY from Parquet",
        ">= 1,000,000 rows/s and >= 0.5",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
