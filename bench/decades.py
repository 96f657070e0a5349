"""The two indices per decade on the PM transcripts (../shared), as the measures count them
now and as they counted before any hit was set aside.

It stores every transcript as bench/partitions.py does and runs the pipeline's tokenise
step on it (pipelines/steps.py: tokenise, re-match, languages, boilerplate, near-duplicates),
with the shipped lexicons or the files given. It then prints, per decade of the
transcripts' dates:
- now: the trend's counts (trend('year') summed over the decade): counted hits only, in
  English text of documents counted once;
- with --all-hits: every term_hits row of every dated document, the way the measures
  counted before hits could be set aside (lexicons 1.x, with no exclude rules and no name,
  language, boilerplate or duplicate steps).
Columns: documents, words, market and relational hits, the register index (market share
of all hits), market and relational role-word hits, the naming index.

    python -m bench.decades [--db PATH] [--lexicons FILE ...] [--all-hits]

--db keeps the database (built once, about a minute; a later call with other lexicons
re-matches its stored tokens). Old lexicon versions can be taken from the repository's
history, e.g. `git show <commit>:corpus/lexicons/market.yaml > market-1.0.0.yaml`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench.common import TRANSCRIPTS, transcripts
from bench.partitions import load
from marketspeak.corpus.db import connect

# Counted hits, as every trend counts them.
NOW = """
SELECT (year(period_start) // 10) * 10 AS decade, sum(n_documents) AS documents,
       sum(n_words) AS words, sum(market_hits) AS market, sum(relational_hits) AS relational,
       sum(market_role_hits) AS market_role, sum(relational_role_hits) AS relational_role
FROM trend('year') WHERE period_start IS NOT NULL
GROUP BY ALL ORDER BY decade
"""
# Every hit of every dated document, none set aside.
ALL_HITS = """
WITH docs AS (
    SELECT doc_id, (year(published) // 10) * 10 AS decade, n_words FROM documents
    WHERE published IS NOT NULL AND n_words IS NOT NULL
), hits AS (
    SELECT doc_id,
           count(*) FILTER (WHERE lexicon = 'market') AS market,
           count(*) FILTER (WHERE lexicon = 'relational') AS relational,
           count(*) FILTER (WHERE lexicon = 'market' AND category = 'role') AS market_role,
           count(*) FILTER (WHERE lexicon = 'relational' AND category = 'role')
               AS relational_role
    FROM term_hits GROUP BY doc_id
)
SELECT decade, count(*) AS documents, sum(n_words) AS words,
       sum(coalesce(market, 0)) AS market, sum(coalesce(relational, 0)) AS relational,
       sum(coalesce(market_role, 0)) AS market_role,
       sum(coalesce(relational_role, 0)) AS relational_role
FROM docs LEFT JOIN hits USING (doc_id)
GROUP BY ALL ORDER BY decade
"""


def share(part: float, other: float) -> str:
    return f"{part / (part + other):.3f}" if part + other else "-"


def build(db: Path, lexicon_paths: list[Path] | None) -> None:
    """Store the transcripts once, then tokenise (or re-match) with the lexicons given."""
    from marketspeak.pipelines.steps import tokenise

    if not db.exists():
        with tempfile.TemporaryDirectory(prefix="marketspeak-bench-") as tmp:
            load(db, transcripts(), Path(tmp))
    tokenise(db, lexicon_paths, show_progress=False)


def decades(db: Path, all_hits: bool) -> list[tuple]:
    con = connect(db, read_only=True)
    try:
        return con.execute(ALL_HITS if all_hits else NOW).fetchall()
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.decades")
    parser.add_argument("--db", type=Path, help="keep (or reuse) the database here")
    parser.add_argument("--lexicons", type=Path, nargs="+", help="lexicon files to match with")
    parser.add_argument("--all-hits", action="store_true", help="count every hit, none set aside")
    args = parser.parse_args(argv)
    if not TRANSCRIPTS.exists():
        print(f"skipped: {TRANSCRIPTS.name} is not in ../shared/corpora", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="marketspeak-bench-") as tmp:
        db = args.db or Path(tmp) / "pm-transcripts.duckdb"
        build(db, args.lexicons)
        rows = decades(db, args.all_hits)
    print(
        "| decade | documents | words | market | relational | register index "
        "| market role | relational role | naming index |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for decade, documents, words, market, relational, market_role, relational_role in rows:
        print(
            f"| {decade}s | {documents:,} | {int(words):,} | {int(market):,} "
            f"| {int(relational):,} | {share(market, relational)} | {int(market_role):,} "
            f"| {int(relational_role):,} | {share(market_role, relational_role)} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
