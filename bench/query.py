"""Trend query latency on synthetic corpora of 5M, 50M and 200M tokens, against the same
aggregation in pandas, plus an ad-hoc lemma query over the tokens table. Targets: under
0.3 s at 50M tokens and at least 10x faster than pandas.

pandas is timed two ways: with the data already in memory (only the arithmetic), and the
way a researcher without DuckDB gets a trend, reading the Parquet export's documents and
hits first; DuckDB is then timed the same way, opening the file for each query. The
ad-hoc lemma query, which reads the tokens themselves, is set against pandas holding the
tokens in memory (Arrow-backed strings) up to 50M tokens; past that they do not fit.

The corpora are generated in DuckDB with the real schema: documents of about 1,500 words
across 2005-2024 from 420 sources, about one lexicon hit per 200 words, and a tokens table
whose lemmas follow a Zipf-like spread with "customer" among them.

    python -m bench.query [--sizes 5,50,200] [--quick]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from bench.common import report, timed
from marketspeak.corpus.db import connect, reading

if TYPE_CHECKING:
    import pandas as pd

WORDS_PER_DOCUMENT = 1500
GENERATE = [
    """INSERT INTO sources SELECT 'source-' || i, CASE WHEN i < 400 THEN 'council'
       ELSE 'regulator' END, ['http://127.0.0.1/'], now() FROM range(420) t(i)""",
    """INSERT INTO documents
       SELECT printf('%016x', i), 'source-' || (i % 420), 'http://127.0.0.1/d/' || i, NULL,
              DATE '2005-01-01' + CAST(hash(i) % 7300 AS INTEGER), 'html-meta', 'html',
              printf('%064x', i), '', 0, $words + 1, $words, 'bench', now(), now()
       FROM range($documents) t(i)""",
    """INSERT INTO document_urls (url, doc_id, source, first_seen, last_seen)
       SELECT url, doc_id, source, now(), now() FROM documents""",
    """INSERT INTO term_hits (doc_id, lexicon, term, category, position, n_tokens, matched)
       SELECT printf('%016x', i // 7), CASE WHEN hash(i) % 3 = 0 THEN 'relational'
              ELSE 'market' END, 'term', 'role', CAST(i % 1500 AS INTEGER), 1, 'term'
       FROM range($documents * 7) t(i)""",
    """INSERT INTO tokens
       SELECT printf('%016x', i // $words), CAST(i % $words AS INTEGER), 'w',
              CASE WHEN hash(i) % 5000 = 0 THEN 'customer'
                   ELSE 'w' || CAST(sqrt(hash(i) % 100000000) AS INTEGER) END, true, 0
       FROM range($documents * $words) t(i)""",
]
TREND = "SELECT * FROM trend('year')"
# What a pandas user reads from the Parquet export (`marketspeak export`) for a trend.
EXPORTS = {
    "documents": "SELECT doc_id, published, n_words FROM documents",
    "hits": "SELECT doc_id, lexicon FROM term_hits",
}
LEMMA = """
SELECT year(d.published) AS year, count(*) AS uses
FROM tokens t JOIN documents d USING (doc_id)
WHERE t.lemma = 'customer' GROUP BY 1 ORDER BY 1
"""


def pandas_trend(documents, hits):
    counts = hits.pivot_table(index="doc_id", columns="lexicon", aggfunc="size", fill_value=0)
    frame = documents.join(counts, on="doc_id").fillna({"market": 0, "relational": 0})
    frame["year"] = frame["published"].dt.year
    grouped = frame.groupby("year").agg(
        n_documents=("doc_id", "size"),
        n_tokens=("n_words", "sum"),
        market=("market", "sum"),
        relational=("relational", "sum"),
    )
    grouped["market_per_million"] = 1e6 * grouped["market"] / grouped["n_tokens"]
    grouped["index"] = grouped["market"] / (grouped["market"] + grouped["relational"])
    return grouped


PANDAS_TOKENS_LIMIT = 50  # millions of tokens pandas is given in memory


def pandas_lemma(tokens, documents):
    used = tokens.loc[tokens["lemma"] == "customer", ["doc_id"]]
    dated = used.merge(documents[["doc_id", "published"]], on="doc_id")
    return dated.groupby(dated["published"].dt.year).size()


def pandas_from_parquet(files: dict[str, Path]):
    import pandas as pd

    documents = pd.read_parquet(files["documents"])
    documents["published"] = pd.to_datetime(documents["published"])
    return pandas_trend(documents, pd.read_parquet(files["hits"]))


def trend_from_file(db: Path) -> list:
    with reading(db) as con:
        return con.execute(TREND).fetchall()


def best_of(runs: int, query) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        query()
        times.append(time.perf_counter() - start)
    return min(times)


def generate(db: Path, millions: int) -> duckdb.DuckDBPyConnection:
    """A corpus of `millions` million tokens in `db`, left open."""
    documents = millions * 1_000_000 // WORDS_PER_DOCUMENT
    con = connect(db)
    with timed() as built:
        values = {"documents": documents, "words": WORDS_PER_DOCUMENT}
        for statement in GENERATE:
            con.execute(statement, {k: v for k, v in values.items() if f"${k}" in statement})
    con.execute("CHECKPOINT")
    tokens = con.execute("SELECT count(*) FROM tokens").fetchone()[0]
    print(
        f"{millions}M: {documents:,} documents, {tokens:,} tokens generated in "
        f"{built['seconds']:.0f} s; file {db.stat().st_size / 2**20:,.0f} MB"
    )
    return con


def bench_lemma(db: Path, millions: int, docs: pd.DataFrame) -> None:
    """The ad-hoc lemma query, against pandas holding the tokens while they fit."""
    import pandas as pd

    con = connect(db, read_only=True)
    lemma = best_of(3, lambda: con.execute(LEMMA).fetchall())
    if millions > PANDAS_TOKENS_LIMIT:
        report(f"ad-hoc lemma query at {millions}M tokens", lemma, "s")
    else:
        tokens = con.execute("SELECT doc_id, lemma FROM tokens").to_arrow_table()
        tokens = tokens.to_pandas(types_mapper=pd.ArrowDtype)
        panda = best_of(3, lambda: pandas_lemma(tokens, docs))
        del tokens
        report(
            f"ad-hoc lemma query at {millions}M tokens",
            lemma,
            "s",
            panda,
            "pandas, tokens in memory",
            "ratio <= 0.1",
        )
    con.close()


def bench_size(millions: int, folder: Path) -> None:
    import pandas as pd

    db = folder / f"q{millions}.duckdb"
    con = generate(db, millions)
    con.execute(TREND).fetchall()  # warm
    duck = best_of(5, lambda: con.execute(TREND).fetchall())
    docs = con.execute("SELECT doc_id, published, n_words FROM documents").df()
    docs["published"] = pd.to_datetime(docs["published"])
    hits = con.execute("SELECT doc_id, lexicon FROM term_hits").df()
    panda = best_of(3, lambda: pandas_trend(docs, hits))
    report(
        f"trend('year') at {millions}M tokens",
        duck,
        "s",
        panda,
        "pandas, data in memory",
        "< 0.3 s at 50M; >= 10x faster (ratio <= 0.1)",
    )
    parquet = {name: folder / f"{name}.parquet" for name in EXPORTS}
    for name, query in EXPORTS.items():
        con.execute(f"COPY ({query}) TO ? (FORMAT parquet)", [str(parquet[name])])  # noqa: S608
    con.close()
    cold = best_of(3, lambda: trend_from_file(db))
    loaded = best_of(3, lambda: pandas_from_parquet(parquet))
    report(
        f"trend('year') at {millions}M tokens, opening the file",
        cold,
        "s",
        loaded,
        "pandas reading the Parquet export",
        "ratio <= 0.1",
    )
    bench_lemma(db, millions, docs)
    db.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.query")
    parser.add_argument("--sizes", default="5,50,200", help="millions of tokens")
    parser.add_argument("--quick", action="store_true", help="5M tokens only")
    args = parser.parse_args(argv)
    sizes = [5] if args.quick else [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="marketspeak-bench-") as tmp:
        for millions in sizes:
            bench_size(millions, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
