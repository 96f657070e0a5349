"""Boilerplate: paragraphs a source repeats across many of its documents have their hits set
aside as 'boilerplate', and the trends drop by exactly those; text shared by a few
documents, or by the documents of a small source, is left alone."""

from __future__ import annotations

import json
import random

import duckdb
from hypothesis import given
from hypothesis import strategies as st

from marketspeak.corpus.annotate import tokenise_pending
from marketspeak.corpus.boilerplate import (
    SOURCE_STATES,
    find_boilerplate,
    normalise,
    runs,
    threshold,
)
from marketspeak.corpus.db import connect
from marketspeak.corpus.ingest import ingest_files
from marketspeak.corpus.lexicons import load_lexicons
from marketspeak.pipelines.demo_site.text import FILLER
from marketspeak.spiders.extract import content_hash

# Written for these tests: a footer and a legal formula, each quoting a lexicon term, and
# a paragraph two reports quote.
FOOTER = "Contact our customer services team on 0{n}{n}1 555 {n}{n}0 for help with this page."
FORMULA = (
    "Every citizen of the borough may inspect the register at the civic offices, "
    "under section {n} of the act."
)
SHARED_BY_TWO = "The customer panel met twice to discuss the new bins with every citizen present."
# Every run of boilerplate, where it stands and its words.
SPANS = "SELECT * FROM boilerplate_spans ORDER BY ALL"


def body(rng: random.Random) -> str:
    """A document's own paragraphs: neutral sentences in a random order, and one planted
    market hit of its own."""
    sentences = rng.sample(FILLER, 4)
    ward = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=8))  # no two documents alike
    first, second = " ".join(sentences[:2]), " ".join(sentences[2:])
    return f"{first} Ward {ward}.\n{second} A customer wrote from {ward}."


def texts(n: int, seed: int = 5) -> dict[str, str]:
    rng = random.Random(seed)
    found = {}
    for i in range(n):
        paragraphs = [body(rng), FORMULA.format(n=i % 7 + 2), FOOTER.format(n=i % 10)]
        if i < 2:
            paragraphs.insert(1, SHARED_BY_TWO)
        found[f"page-{i}"] = "\n".join(paragraphs)
    return found


def store(db, source: str, pages: dict[str, str], fetched_at: str = "2024-01-01") -> None:
    rows = [
        {
            "item": "document",
            "source": source,
            "url": f"http://127.0.0.1/{source}/{name}",
            "text": text,
            "content_sha256": content_hash(text),
            "content_type": "html",
            "published": "2020-03-01",
            "date_source": "html-meta",
            "fetched_at": f"{fetched_at}T00:00:00",
        }
        for name, text in pages.items()
    ]
    items = db.parent / f"items-{db.stem}-{source}-{len(rows)}-{fetched_at}.jsonl"
    items.write_text("".join(json.dumps(r) + "\n" for r in rows))
    con = connect(db)
    ingest_files(
        con, [items], [{"name": source, "kind": "council", "start_urls": ["http://127.0.0.1/"]}]
    )
    tokenise_pending(con, load_lexicons())
    con.close()


def trend(db) -> tuple[int, int, int]:
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute("SELECT n_words, market_hits, relational_hits FROM trend('year')")
    found = row.fetchone()
    con.close()
    return found


def set_aside(db) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT term, count(*) FROM hit_status WHERE excluded_by = 'boilerplate' GROUP BY term"
    ).fetchall()
    con.close()
    return dict(rows)


def test_a_footer_and_formula_on_every_page_have_their_hits_set_aside(tmp_path):
    db = tmp_path / "db.duckdb"
    store(db, "council-b", texts(20))
    words, market, relational = trend(db)
    assert (market, relational) == (20 + 20 + 2, 20 + 2)  # bodies, footers, the shared two
    con = connect(db)
    result = find_boilerplate(con)
    con.close()
    assert (result.sources, result.paragraphs) == (1, 2)  # the footer and the formula
    assert set_aside(db) == {"customer service": 20, "citizen": 20}
    # Exactly the boilerplate hits leave the trend; the words stay in the denominator.
    assert trend(db) == (words, market - 20, relational - 20)


def test_a_paragraph_two_documents_share_is_not_boilerplate(tmp_path):
    db = tmp_path / "db.duckdb"
    store(db, "council-b", texts(20))
    con = connect(db)
    find_boilerplate(con)
    shared = con.execute(
        "SELECT count(*) FROM hit_status h JOIN tokens t USING (doc_id, position) "
        "WHERE h.counted AND t.paragraph = 1 AND h.term IN ('customer panel', 'customer', "
        "'citizen')"
    ).fetchone()[0]
    con.close()
    assert threshold(20) > 2
    assert shared >= 2  # the two reports' shared paragraph still counts


def test_a_small_source_is_left_alone(tmp_path):
    db = tmp_path / "db.duckdb"
    store(db, "parish", texts(9))
    before = trend(db)
    con = connect(db)
    find_boilerplate(con)
    computed = con.execute("SELECT n_documents, min_documents FROM boilerplate_sources").fetchall()
    con.close()
    assert computed == [(9, None)]
    assert set_aside(db) == {}
    assert trend(db) == before


def test_new_documents_of_a_source_bring_its_boilerplate_up_to_date(tmp_path):
    db = tmp_path / "db.duckdb"
    every = texts(12)
    store(db, "council-b", dict(list(every.items())[:9]))
    con = connect(db)
    assert find_boilerplate(con).paragraphs == 0
    con.close()
    store(db, "council-b", dict(list(every.items())[9:]))
    con = connect(db)
    assert find_boilerplate(con).sources == 1
    assert find_boilerplate(con).sources == 0  # nothing new: nothing recomputed
    con.close()
    assert set_aside(db) == {"customer service": 12, "citizen": 12}


def test_a_version_13_file_recomputes_each_source_once_and_finds_the_same(tmp_path):
    db = tmp_path / "db.duckdb"
    store(db, "council-b", texts(20))
    con = connect(db)
    find_boilerplate(con)
    before = con.execute(SPANS).fetchall()
    # Back to version 13: boilerplate_sources without its fingerprint.
    con.execute("ALTER TABLE boilerplate_sources DROP COLUMN fingerprint")
    con.execute("DELETE FROM schema_migrations WHERE version > 13")
    con.close()

    con = connect(db)
    assert con.execute("SELECT fingerprint FROM boilerplate_sources").fetchall() == [(None,)]
    assert find_boilerplate(con).sources == 1
    assert find_boilerplate(con).sources == 0
    assert con.execute(SPANS).fetchall() == before
    con.close()


def test_the_fingerprint_changes_with_any_document_or_token_count_and_not_with_order(tmp_path):
    db = tmp_path / "db.duckdb"
    store(db, "council-b", texts(12))
    con = connect(db)
    find_boilerplate(con)
    stored = con.execute("SELECT fingerprint FROM boilerplate_sources").fetchone()[0]
    assert con.execute(SOURCE_STATES).fetchall() == [("council-b", 12, stored)]
    shuffled = SOURCE_STATES.replace("FROM documents", "FROM (FROM documents ORDER BY random())")
    assert con.execute(shuffled).fetchall() == [("council-b", 12, stored)]
    # As if one document were tokenised again into one more token.
    con.execute(
        "UPDATE documents SET n_tokens = n_tokens + 1 "
        "WHERE doc_id = (SELECT min(doc_id) FROM documents)"
    )
    assert con.execute(SOURCE_STATES).fetchall()[0][2] != stored
    assert find_boilerplate(con).sources == 1
    con.close()


def test_pages_differing_in_case_digits_and_punctuation_share_a_paragraph():
    assert normalise("Call 01234 567, Mon-Fri.") == normalise("CALL  98765 432 mon fri")


@given(st.lists(st.booleans(), max_size=40))
def test_runs_cover_exactly_the_flagged_paragraphs_without_touching(flags):
    found = runs(flags)
    covered = [n for first, last in found for n in range(first, last + 1)]
    assert covered == [n for n, flagged in enumerate(flags) if flagged]
    assert all(b[0] > a[1] + 1 for a, b in zip(found, found[1:], strict=False))
