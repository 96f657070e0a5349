"""Near-duplicate documents: a report stored twice with a new date line and footer, or
inside a pack that holds it, is one cluster and counts once in the trends; two different
reports sharing a standard paragraph are not; every hit is either counted or set aside."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketspeak.corpus.duplicates import find_duplicates
from marketspeak.pipelines.demo_site.text import FILLER
from tests.conftest import tiny_corpus

WORDS = (
    "council budget customer citizen resident service plan road school library park "
    "housing grant meeting report officer member public consultation year"
).split()


def report(seed: int, sentences: int = 40) -> str:
    """A generated report: sentences of shuffled words, with a lexicon term in each."""
    rng = random.Random(seed)
    return "\n".join(" ".join(rng.choices(WORDS, k=12)) + "." for _ in range(sentences))


def reissue(text: str, day: str) -> str:
    return f"Issued {day}\n{text}\nPrinted by the council press office on {day}."


def clusters(con):
    return con.execute(
        "SELECT cluster_id, doc_id, is_representative, relation FROM duplicate_clusters "
        "ORDER BY NOT is_representative, doc_id"
    ).fetchall()


def trend_hits(con):
    return con.execute(
        "SELECT sum(market_hits + relational_hits), sum(n_words), count(*) FROM document_counts"
    ).fetchone()


def test_a_reissued_report_is_one_cluster_and_counts_once(tmp_path):
    text = report(1)
    con = tiny_corpus(tmp_path, [reissue(text, "1 June 2011"), reissue(text, "2 July 2012")])
    alone = trend_hits(con)
    find_duplicates(con)
    rows = clusters(con)
    assert [(r[2], r[3]) for r in rows] == [(True, "representative"), (False, "near-equal")]
    first = con.execute("SELECT doc_id FROM documents WHERE url LIKE '%/0'").fetchone()[0]
    assert rows[0][1] == first  # the earliest reliably dated
    hits, words, documents = trend_hits(con)
    assert documents == 1
    assert hits * 2 == alone[0]
    assert words < alone[1]
    set_aside = con.execute(
        "SELECT count(*) FROM hit_status WHERE excluded_by = 'duplicate'"
    ).fetchone()[0]
    assert set_aside == hits


def test_a_duplicates_words_are_not_counted_again_as_collocates(tmp_path):
    text = report(1)
    con = tiny_corpus(tmp_path, [reissue(text, "1 June 2011"), reissue(text, "2 July 2012")])
    pairs = (
        "SELECT sum(o11), any_value(n) FROM lexicon_collocates(5, 'all') "
        "WHERE term = 'customer' AND collocate = 'budget'"
    )
    twice, words_twice = con.execute(pairs).fetchone()
    find_duplicates(con)
    once, words_once = con.execute(pairs).fetchone()
    assert 0 < once and once * 2 == twice
    assert words_once < words_twice
    member = con.execute("SELECT doc_id FROM duplicate_members").fetchone()[0]
    left = con.execute("SELECT count(*) FROM english_tokens WHERE doc_id = ?", [member])
    assert left.fetchone()[0] == 0


def test_a_report_inside_the_pack_that_holds_it_counts_once_through_the_pack(tmp_path):
    text = report(2)
    pack = "\n".join([report(3), text, report(4)])
    con = tiny_corpus(tmp_path, [text, pack])
    find_duplicates(con)
    rows = clusters(con)
    pack_id = con.execute("SELECT doc_id FROM documents WHERE url LIKE '%/1'").fetchone()[0]
    assert [(r[1] == pack_id, r[3]) for r in rows] == [
        (True, "representative"),
        (False, "contained"),
    ]
    assert rows[0][0] == pack_id


def test_two_reports_sharing_a_standard_paragraph_are_not_duplicates(tmp_path):
    standard = " ".join(FILLER)
    con = tiny_corpus(tmp_path, [f"{report(5)}\n{standard}", f"{report(6)}\n{standard}"])
    before = trend_hits(con)
    find_duplicates(con)
    assert clusters(con) == []
    assert trend_hits(con) == before


def test_a_corpus_of_one_signed_document_has_no_clusters(tmp_path):
    con = tiny_corpus(tmp_path, [report(9), "Too short to sign."])
    assert find_duplicates(con).clusters == 0


def test_a_second_run_reads_stored_signatures(tmp_path):
    text = report(7)
    con = tiny_corpus(tmp_path, [reissue(text, "1 May 2011"), reissue(text, "3 May 2011")])
    assert find_duplicates(con).signed == 2
    again = find_duplicates(con)
    assert (again.signed, again.clusters, again.duplicates) == (0, 1, 1)


def test_a_duplicate_across_two_sources_counts_for_each_source_and_once_in_totals(tmp_path):
    text = report(8)
    con = tiny_corpus(tmp_path, [reissue(text, "1 May 2011"), reissue(text, "3 May 2011")])
    con.execute("UPDATE document_urls SET source = 't' WHERE url LIKE '%/1'")
    find_duplicates(con)
    per_source = con.execute(
        "SELECT source, count(*) FROM source_document_counts GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert per_source == [("s", 1), ("t", 1)]
    assert trend_hits(con)[2] == 1


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(copies=st.lists(st.integers(0, 3), min_size=2, max_size=5))
def test_counted_hits_of_clustered_documents_plus_duplicates_set_aside_are_all_hits(
    tmp_path_factory, copies
):
    tmp = tmp_path_factory.mktemp("dup")
    texts = [reissue(report(10 + c), f"{n + 1} May 2011") for n, c in enumerate(copies)]
    con = tiny_corpus(tmp, list(dict.fromkeys(texts)))
    find_duplicates(con)
    counted, duplicate, total = con.execute(
        "SELECT count(*) FILTER (WHERE counted), "
        "count(*) FILTER (WHERE excluded_by = 'duplicate'), count(*) FROM hit_status"
    ).fetchone()
    other = con.execute(
        "SELECT count(*) FROM hit_status WHERE NOT counted AND excluded_by <> 'duplicate'"
    ).fetchone()[0]
    assert counted + duplicate + other == total
    assert con.execute("SELECT count(DISTINCT cluster_id) FROM duplicate_clusters").fetchone()[
        0
    ] == len(set(copies)) - sum(copies.count(c) == 1 for c in set(copies))
