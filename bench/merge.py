"""What `marketspeak merge` costs: two crawl machines' databases of ~1,000 tokenised
documents each, built synthetically in SQL (no crawl, no spaCy), merged into an empty one.

The baseline is plain DuckDB `INSERT INTO t SELECT * FROM other.t` of the same rows (the
two files share no document, as two machines crawling different sources do), so the ratio
is what the merge's keys, first/last-seen rules and idempotence checks cost on top of
copying. Merging both files again (which adds nothing) is timed as well. The languages,
boilerplate and duplicates found again after a merge are the tokenise step's own costs
(bench/language.py, bench/duplicates.py) and are not timed here.

    python -m bench.merge [--documents 1000] [--tokens 800]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench.common import report, timed
from marketspeak.corpus.annotate import record_lexicons
from marketspeak.corpus.db import connect, transaction
from marketspeak.corpus.lexicons import load_lexicons, signature
from marketspeak.corpus.merge import attach_statement, merge_database

# One machine's crawl ($machine), $documents documents of $tokens tokens each, every 40th
# token a lexicon hit, one URL and fetch per document, one crawl run, a few issues.
BUILD = """
INSERT INTO sources VALUES ($machine, 'council', [$machine || '.example'], TIMESTAMP '2024-01-01');
CREATE TEMP TABLE texts AS
SELECT i, 'Document ' || i || ' crawled by ' || $machine || '. '
          || repeat('The council serves its residents and customers. ', $tokens // 8) AS text
FROM range($documents) t(i);
INSERT INTO documents
SELECT substr(sha256(text), 1, 16), $machine, 'http://' || $machine || '/doc/' || i, 'Doc ' || i,
       DATE '2015-01-01' + CAST(i AS INTEGER), 'html-meta', 'html', sha256(text), text,
       length(text), $tokens, $tokens - $tokens // 8, $signature,
       TIMESTAMP '2024-01-01' + i * INTERVAL 1 SECOND,
       TIMESTAMP '2024-01-01' + i * INTERVAL 1 SECOND
FROM texts;
INSERT INTO tokens
SELECT d.doc_id, p, 'word' || (p % 8), 'word' || (p % 8), p % 8 <> 7, p // 100
FROM documents d, range($tokens) r(p);
INSERT INTO term_hits
SELECT d.doc_id, 'market', 'customer', 'role', p, 1, 'customers', true, ''
FROM documents d, range(0, $tokens, 40) r(p);
INSERT INTO document_urls
SELECT url, doc_id, source, first_seen, last_seen, NULL, NULL FROM documents;
INSERT INTO fetch_log
SELECT 'run-' || $machine, source, url, 200, '', NULL, 'text/html', n_chars, NULL, NULL,
       first_seen
FROM documents;
INSERT INTO crawl_runs
SELECT 'run-' || $machine, $machine, min(first_seen), max(first_seen), count(*), 0, 0, NULL,
       count(*), 0, 10, 0, NULL, false
FROM documents;
INSERT INTO crawl_issues
SELECT $machine, 'http://' || $machine || '/empty/' || i, 'no-main-text', NULL,
       TIMESTAMP '2024-01-02'
FROM range(10) t(i);
"""
TABLES = (
    "sources",
    "documents",
    "tokens",
    "term_hits",
    "document_urls",
    "fetch_log",
    "crawl_runs",
    "crawl_issues",
    "lexicon_terms",
)


def build(path: Path, machine: str, documents: int, tokens: int) -> None:
    """A crawl machine's database, as if crawled and tokenised there."""
    lexicons = load_lexicons()
    con = connect(path)
    try:
        record_lexicons(con, lexicons)
        params = {
            "machine": machine,
            "documents": documents,
            "tokens": tokens,
            "signature": signature(lexicons),
        }
        with transaction(con):
            for statement in filter(str.strip, BUILD.split(";\n")):
                names = {k: v for k, v in params.items() if f"${k}" in statement}
                con.execute(statement, names)
    finally:
        con.close()


def baseline(target: Path, others: list[Path]) -> float:
    """Seconds to copy every row of `others` into `target` with INSERT ... SELECT."""
    con = connect(target)
    try:
        with timed() as t:
            for n, other in enumerate(others):
                con.execute(attach_statement(other))
                # The lexicons once, as the merge takes them from the first file only.
                tables = TABLES if n == 0 else TABLES[:-1]
                with transaction(con):
                    for table in tables:  # our own table names, never input
                        con.execute(f"INSERT INTO {table} SELECT * FROM merging.{table}")  # noqa: S608
                con.execute("DETACH merging")
    finally:
        con.close()
    return t["seconds"]


def merged(target: Path, others: list[Path]) -> float:
    """Seconds for merge_database over `others` into `target`."""
    con = connect(target)
    try:
        with timed() as t:
            for other in others:
                merge_database(con, other)
    finally:
        con.close()
    return t["seconds"]


def sizes(path: Path) -> dict[str, int]:
    """Rows per table: the merge must store what the plain copy stored."""
    con = connect(path, read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000, help="documents per machine")
    parser.add_argument("--tokens", type=int, default=800, help="tokens per document")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-merge-") as folder:
        root = Path(folder)
        others = [root / "machine-a.duckdb", root / "machine-b.duckdb"]
        for path, machine in zip(others, ("machine-a", "machine-b"), strict=True):
            build(path, machine, args.documents, args.tokens)
        plain = baseline(root / "baseline.duckdb", others)
        first = merged(root / "merged.duckdb", others)
        again = merged(root / "merged.duckdb", others)
        if sizes(root / "merged.duckdb") != sizes(root / "baseline.duckdb"):
            sys.exit("the merge stored other rows than the plain copy")
    rows = 2 * args.documents * args.tokens
    print(f"two databases of {args.documents:,} documents, {rows:,} tokens in all")
    report("merge of both", first, "s", plain, "INSERT ... SELECT of the same rows")
    report("merge of both again (adds nothing)", again, "s", plain, "INSERT ... SELECT")
    return 0


if __name__ == "__main__":
    sys.exit(main())
