"""A run's tokenise flow (partitions over threads, merged by the one writer) takes documents
of any length, and one that cannot be tokenised stops neither that run nor the next."""

from __future__ import annotations

import duckdb
from prefect.testing.utilities import prefect_test_harness

from marketspeak.pipelines.flows import tokeniser
from tests.conftest import tiny_corpus
from tests.corpus.long_documents import FINE, UNSPLITTABLE, UNTOKENISE, generated_document


def test_the_tokenise_flow_stores_a_long_document_and_skips_one_it_cannot_tokenise(tmp_path):
    long = generated_document(3_000_000, seed=1)
    tiny_corpus(tmp_path, [FINE, long, UNSPLITTABLE]).close()
    db = tmp_path / "tiny.duckdb"
    con = duckdb.connect(str(db))
    for statement in UNTOKENISE:  # as crawled: nothing tokenised yet
        con.execute(statement)
    con.close()
    with prefect_test_harness(server_startup_timeout=90):
        first = tokeniser()(str(db), rows=2)
        second = tokeniser()(str(db), rows=2)
    assert (first["tokenised"]["documents"], first["tokenised"]["failed"]) == (2, 1)
    assert (second["tokenised"]["documents"], second["tokenised"]["failed"]) == (0, 1)
    con = duckdb.connect(str(db), read_only=True)
    words = dict(con.execute("SELECT n_chars, n_words FROM documents").fetchall())
    issues = con.execute("SELECT url, reason FROM crawl_issues").fetchall()
    con.close()
    assert words[len(long)] > 400_000 and words[len(UNSPLITTABLE)] is None
    assert issues == [("http://127.0.0.1/2", "tokenise-failed")] * 2
