"""Tokenising fanned out in partitions (threads, or a Dask cluster of two workers) makes the
same database as the single-process path, and merging a partition twice adds nothing."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from prefect.testing.utilities import prefect_test_harness

from marketspeak.corpus.partitions import merge_partition, tokenise_partition
from marketspeak.pipelines import steps
from marketspeak.pipelines.flows import tokeniser

# Everything tokenising writes, in a form two databases can be compared by.
CONTENT = """
SELECT (SELECT list((doc_id, position, token, lemma, is_word, paragraph)
                    ORDER BY doc_id, position) FROM tokens),
       (SELECT list((doc_id, lexicon, term, position, n_tokens, matched)
                    ORDER BY doc_id, position, term) FROM term_hits),
       (SELECT list((doc_id, n_tokens, n_words, lexicon_versions) ORDER BY doc_id)
        FROM documents)
"""
UNTOKENISE = [
    "DELETE FROM tokens",
    "DELETE FROM term_hits",
    "UPDATE documents SET n_tokens = NULL, n_words = NULL, lexicon_versions = NULL",
]


def content(db) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(CONTENT).fetchone()
    finally:
        con.close()


@pytest.fixture()
def untokenised(crawled, tmp_path):
    """A copy of the crawled database with its documents but nothing tokenised."""
    db = tmp_path / "fanout.duckdb"
    shutil.copy(crawled.db, db)
    con = duckdb.connect(str(db))
    for statement in UNTOKENISE:
        con.execute(statement)
    con.close()
    return db


def test_partitions_merged_by_one_writer_equal_the_single_process_database(crawled, untokenised):
    inputs = steps.export_pending(untokenised, rows=40)
    assert len(inputs) == 6  # 227 documents, 40 a partition
    for source in inputs:
        tokenise_partition(source)
    result = steps.merge_partitions(untokenised, inputs)
    assert result["tokenised"]["documents"] == 227
    assert content(untokenised) == content(crawled.db)


def test_merging_a_partition_twice_adds_nothing(crawled, untokenised):
    from marketspeak.corpus.db import connect

    inputs = steps.export_pending(untokenised, rows=100)
    for source in inputs:
        tokenise_partition(source)
    con = connect(untokenised)
    try:
        merge_partition(con, inputs[0])
        merge_partition(con, inputs[0])  # e.g. the writer died after committing, then reran
        for source in inputs[1:]:
            merge_partition(con, source)
    finally:
        con.close()
    assert content(untokenised) == content(crawled.db)


def test_a_dask_cluster_of_two_workers_makes_the_same_database(crawled, untokenised):
    from distributed import LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        prefect_test_harness(server_startup_timeout=90),
    ):
        result = tokeniser(cluster.scheduler_address)(str(untokenised), rows=60)
        workers = len(cluster.scheduler_info["workers"])
    assert workers == 2
    assert result["tokenised"]["documents"] == 227
    assert content(untokenised) == content(crawled.db)
