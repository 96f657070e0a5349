"""Tokenising in partitions, in this process, on threads or on a cluster, with one writer:
the tokenise step of both `marketspeak crawl` and `marketspeak run` (pipelines/steps.py
`tokenise`) goes this way.

The database has one writer, so parallel work goes through files:
1. `export_pending` (the writer) writes the untokenised documents as Parquet inputs of
   `rows` documents each, in a folder every worker can read;
2. `tokenise_partition` (any worker: a thread, a process, a Dask worker elsewhere) reads
   one input and writes its tokens, hits and per-document counts as Parquet beside it;
   it never opens the database;
3. `merge_partition` (the writer) inserts one partition's files in one transaction,
   skipping documents already tokenised, so a partition merged twice adds nothing (a
   document that failed is recorded in crawl_issues once more, as one more attempt).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from marketspeak.corpus.annotate import (
    PENDING,
    PENDING_PARAMS,
    AnnotateResult,
    batch_tables,
    write_tables,
)
from marketspeak.corpus.lexicons import LexiconMatcher, load_lexicons, signature
from marketspeak.corpus.tokenise import (
    FAILURE_SCHEMA,
    HIT_SCHEMA,
    TOKEN_SCHEMA,
    build_nlp,
    tokenise_texts,
)

# The documents to tokenise (annotate.PENDING; bind PENDING_PARAMS), in a stable order.
PENDING_IDS = "SELECT d.doc_id" + PENDING + "ORDER BY d.doc_id"
# One partition's input file: its documents (partition_ids registered) with their texts.
PARTITION_INPUT = """
COPY (SELECT doc_id, text FROM documents JOIN partition_ids USING (doc_id) ORDER BY doc_id)
TO $path (FORMAT parquet)
"""
PARTS = ("tokens", "hits", "counts", "failures")


def export_pending(con: duckdb.DuckDBPyConnection, folder: Path, rows: int = 2000) -> list[Path]:
    """Write the untokenised documents as Parquet inputs of at most `rows` documents."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = [row[0] for row in con.execute(PENDING_IDS, PENDING_PARAMS).fetchall()]
    inputs = []
    for number, start in enumerate(range(0, len(ids), rows)):
        path = folder / f"input-{number:05d}.parquet"
        con.register("partition_ids", pa.table({"doc_id": ids[start : start + rows]}))
        try:
            con.execute(PARTITION_INPUT, {"path": str(path)})
        finally:
            con.unregister("partition_ids")
        inputs.append(path)
    return inputs


def output_path(source: Path, part: str) -> Path:
    return source.with_name(source.name.replace("input-", f"{part}-"))


def tokenise_partition(source: Path, lexicon_paths: Sequence[Path] | None = None) -> Path:
    """Tokenise one input file; write tokens-, hits- and counts-NNNNN.parquet beside it and
    return the input's path. Runs anywhere the folder and marketspeak are."""
    source = Path(source)
    documents = pq.read_table(source)
    rows = zip(
        documents.column("doc_id").to_pylist(), documents.column("text").to_pylist(), strict=True
    )
    matcher = LexiconMatcher(build_nlp(), load_lexicons(lexicon_paths))
    # Each batch is appended to the files as it is made: memory stays one batch, however
    # large the partition. Written under temporary names and renamed at the end, so a
    # half-written partition is never merged.
    temporary = {part: output_path(source, part).with_suffix(".tmp") for part in PARTS}
    writers = {part: pq.ParquetWriter(temporary[part], _empty(part).schema) for part in PARTS}
    try:
        for batch in tokenise_texts(rows, matcher):
            for part, table in batch_tables(batch).items():
                writers[part].write_table(table.cast(writers[part].schema))
    finally:
        for writer in writers.values():
            writer.close()
    for part in PARTS:
        temporary[part].replace(output_path(source, part))
    return source


def _empty(part: str) -> pa.Table:
    schemas = {
        "tokens": TOKEN_SCHEMA,
        "hits": HIT_SCHEMA,
        "counts": pa.schema(
            [("doc_id", pa.string()), ("n_tokens", pa.int32()), ("n_words", pa.int32())]
        ),
        "failures": FAILURE_SCHEMA,
    }
    return schemas[part].empty_table()


def merge_partition(
    con: duckdb.DuckDBPyConnection, source: Path, lexicon_paths: Sequence[Path] | None = None
) -> AnnotateResult:
    """Insert one tokenised partition (by its input path) in one transaction; documents
    that could not be tokenised go to crawl_issues."""
    tables = {part: pq.read_table(output_path(Path(source), part)) for part in PARTS}
    write_tables(con, **tables, versions=signature(load_lexicons(lexicon_paths)))
    return AnnotateResult(
        documents=tables["counts"].num_rows,
        tokens=tables["tokens"].num_rows,
        hits=tables["hits"].num_rows,
        failed=tables["failures"].num_rows,
    )
