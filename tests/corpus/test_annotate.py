"""Tokenising is incremental, a document that cannot be tokenised is recorded and skipped,
and a new lexicon version re-matches from stored tokens the hits tokenising would find."""

from __future__ import annotations

import dataclasses
import random
import shutil

import duckdb

from marketspeak.corpus import annotate
from marketspeak.corpus.db import connect
from marketspeak.corpus.lexicons import load_lexicons
from marketspeak.corpus.names import NAME_RULE_VERSION
from marketspeak.corpus.partitions import tokenise_partition
from marketspeak.pipelines import steps
from marketspeak.pipelines.demo_site.text import FILLER, PLANTS
from tests.conftest import tiny_corpus
from tests.corpus.long_documents import FINE, UNSPLITTABLE, UNTOKENISE


def test_a_second_tokenise_does_nothing(crawled, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(crawled.db, db)
    con = connect(db)
    result = annotate.tokenise_pending(con, load_lexicons())
    assert (result.documents, result.tokens) == (0, 0)


def test_a_new_lexicon_version_rematches_without_retokenising(crawled, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(crawled.db, db)
    market, relational = load_lexicons()
    lexicon = tmp_path / "market.yaml"
    lexicon.write_text(
        "lexicon: market\nversion: 9.0.0\nterms:\n  - {term: customer, category: role}\n"
    )
    from marketspeak.corpus.lexicons import load_lexicon

    new = [load_lexicon(lexicon), relational]
    con = connect(db)
    tokens_before = con.execute("SELECT count(*) FROM tokens").fetchone()[0]
    expected = con.execute(
        "SELECT count(*) FROM term_hits WHERE term = 'customer' OR lexicon = 'relational'"
    ).fetchone()[0]
    result = annotate.rematch(con, new)
    assert result.documents == 227
    assert con.execute("SELECT count(*) FROM tokens").fetchone()[0] == tokens_before
    # "customer journey" etc. are gone, so the customers inside them now count as "customer".
    inner = (
        duckdb.connect(str(crawled.db), read_only=True)
        .execute("SELECT count(*) FROM term_hits WHERE term LIKE 'customer %'")
        .fetchone()[0]
    )
    assert con.execute("SELECT count(*) FROM term_hits").fetchone()[0] == expected + inner
    assert con.execute("SELECT DISTINCT lexicon_versions FROM documents").fetchall() == [
        (f"market@9.0.0 relational@{relational.version} {NAME_RULE_VERSION}",)
    ]


def failures(con) -> list[tuple]:
    return con.execute(
        "SELECT source, url, reason, detail FROM crawl_issues WHERE reason = 'tokenise-failed'"
    ).fetchall()


def test_a_document_that_cannot_be_tokenised_is_recorded_and_skipped(tmp_path):
    con = tiny_corpus(tmp_path, [FINE, UNSPLITTABLE])  # tokenises in this process
    [(source, url, reason, detail)] = failures(con)
    bad = con.execute("SELECT doc_id FROM documents WHERE url = ?", [url]).fetchone()[0]
    assert (source, url) == ("s", "http://127.0.0.1/1")
    assert detail.startswith(f"document {bad}, 1,000,027 characters: ValueError: [E088]")
    assert "\n" not in detail
    stored = con.execute("SELECT url, n_words FROM documents ORDER BY url").fetchall()
    assert stored == [("http://127.0.0.1/0", 6), ("http://127.0.0.1/1", None)]
    assert con.execute("SELECT count(*) FROM tokens WHERE doc_id = ?", [bad]).fetchone() == (0,)


def test_a_failing_document_is_tried_in_three_runs_and_then_left_alone(tmp_path):
    con = tiny_corpus(tmp_path, [FINE, UNSPLITTABLE])
    attempts = [annotate.tokenise_pending(con, load_lexicons()) for _ in range(3)]
    assert [(a.documents, a.failed) for a in attempts] == [(0, 1), (0, 1), (0, 0)]
    assert len(failures(con)) == annotate.TOKENISE_ATTEMPTS
    assert annotate.pending_count(con) == 0
    con.execute("DELETE FROM crawl_issues")  # how a researcher queues it again
    assert annotate.pending_count(con) == 1


def test_a_failing_document_in_a_partition_is_recorded_by_the_writer(tmp_path):
    tiny_corpus(tmp_path, [FINE, UNSPLITTABLE, FINE + " Again."]).close()
    db = tmp_path / "tiny.duckdb"
    con = duckdb.connect(str(db))
    for statement in UNTOKENISE:
        con.execute(statement)
    con.close()
    inputs = steps.export_pending(db, rows=2)
    for source in inputs:
        tokenise_partition(source)
    result = steps.merge_partitions(db, inputs)
    assert (result["tokenised"]["documents"], result["tokenised"]["failed"]) == (2, 1)
    con = connect(db)
    [(_, url, _, detail)] = failures(con)
    assert url == "http://127.0.0.1/1" and "[E088]" in detail
    assert con.execute("SELECT count(*) FROM documents WHERE n_words IS NULL").fetchone() == (1,)
    # The next run's export leaves out nothing else, and tries it again.
    con.close()
    assert len(steps.export_pending(db)) == 1


def test_rematching_keeps_the_matched_text_as_written(tmp_path):
    texts = [
        "Co-production with carers. Our co production board.",
        "The customer journey, the customer  journey and the customer\tjourney.",
        "Unit cost\nanalysis: unit\u00a0cost and unit costs.",
    ]
    con = tiny_corpus(tmp_path, texts)
    assert_rematch_changes_nothing(con)
    matched = {row[0] for row in con.execute("SELECT matched FROM term_hits").fetchall()}
    assert {"Co-production", "co production", "customer journey", "unit costs"} <= matched


def assert_rematch_changes_nothing(con, **batching) -> None:
    """Re-matching with the same terms under new versions gives back every hit as it was."""
    rows = "SELECT * FROM term_hits ORDER BY doc_id, position, term"
    before = con.execute(rows).fetchall()
    bumped = [dataclasses.replace(lexicon, version="9.0.0") for lexicon in load_lexicons()]
    result = annotate.rematch(con, bumped, **batching)
    assert result.documents == con.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert con.execute(rows).fetchall() == before


def test_rematching_generated_documents_gives_the_hits_tokenising_gave(tmp_path):
    rng = random.Random(7)
    forms = [f for by_term in PLANTS.values() for fs in by_term.values() for f in fs]
    gaps = [" ", " ", " ", "  ", "\t", "\u00a0", "\n", " \n ", "-", ""]
    texts = [
        "".join(rng.choice(forms + FILLER) + rng.choice(gaps) for _ in range(rng.randint(1, 30)))
        for _ in range(60)
    ]
    # In batches of about 100 tokens, so most batches hold one or two documents.
    assert_rematch_changes_nothing(tiny_corpus(tmp_path, texts), batch_tokens=100)


def test_rematch_batches_end_at_a_number_of_documents_or_of_tokens():
    stale = [("a", 5), ("b", 5), ("c", 20), ("d", 1), ("e", 1), ("f", 1)]
    batches = list(annotate.stale_batches(stale, batch_docs=2, batch_tokens=10))
    assert batches == [["a", "b"], ["c"], ["d", "e"], ["f"]]
