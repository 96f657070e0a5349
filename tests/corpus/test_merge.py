"""Merging crawl databases (corpus/merge.py, `marketspeak merge`): two halves of the sample
site crawled into two files and merged equal one crawl of the whole site; merging again
adds nothing; a file that cannot be merged is named and nothing stored is lost."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from marketspeak.corpus.boilerplate import find_boilerplate
from marketspeak.corpus.names import NAME_RULE_VERSION
from marketspeak.pipelines import steps
from marketspeak.pipelines.cli import main
from marketspeak.pipelines.demo import demo_sources
from marketspeak.pipelines.exit_codes import EXIT_FAILED, EXIT_OK
from tests.corpus.test_boilerplate import set_aside, store, texts

# What must be the same whichever machine crawled what (first and last seen aside). Not
# `url`: of a text served at two URLs of one source, the one stored is whichever of two
# concurrent requests answered first, which differs between any two crawls; every URL and
# the text it leads to are compared in URLS.
DOCUMENTS = """
SELECT doc_id, source, title, published, date_source, content_type, content_sha256,
       n_chars, n_tokens, n_words, lexicon_versions
FROM documents ORDER BY doc_id
"""
# Order-free digest of every token row: the sample site has too many to compare one by one.
TOKENS = """
SELECT count(*), sum(hash(doc_id, position, token, lemma, is_word, paragraph)) FROM tokens
"""
HITS = "SELECT * FROM term_hits ORDER BY doc_id, position, lexicon, term"
URLS = "SELECT url, doc_id, source FROM document_urls ORDER BY url"
HIT_STATUS = "SELECT excluded_by, counted, count(*) FROM hit_status GROUP BY ALL ORDER BY ALL"
RUNS = "SELECT run_id, source, pages_fetched, new_documents FROM crawl_runs ORDER BY ALL"
FETCHES = "SELECT * EXCLUDE (detail) FROM fetch_log ORDER BY ALL"
TABLES = (
    "documents",
    "tokens",
    "term_hits",
    "document_urls",
    "fetch_log",
    "crawl_issues",
    "crawl_runs",
    "sources",
    "document_languages",
    "duplicate_clusters",
    "boilerplate_sources",
)


def crawl_into(db: Path, sources: list[dict]) -> Path:
    files = steps.crawl(sources, db)
    steps.ingest(db, files, sources)
    steps.tokenise(db, show_progress=False)
    return db


@pytest.fixture(scope="module")
def halves(sample_site, tmp_path_factory) -> tuple[Path, Path]:
    """The sample site's sources crawled in two halves, each into its own database."""
    sources = demo_sources(sample_site.manifest, sample_site.base_url)
    middle = len(sources) // 2
    first = crawl_into(tmp_path_factory.mktemp("machine-a") / "a.duckdb", sources[:middle])
    second = crawl_into(tmp_path_factory.mktemp("machine-b") / "b.duckdb", sources[middle:])
    return first, second


def rows(db: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query).fetchall()


def table_sizes(db: Path) -> dict[str, int]:
    # The names are TABLES above, never input.
    return {table: rows(db, f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}  # noqa: S608


def merge(*args: str | Path) -> int:
    return main(["merge", *map(str, args)])


@pytest.fixture(scope="module")
def merged(halves, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("merged") / "merged.duckdb"
    assert merge(*halves, "--db", db) == EXIT_OK
    return db


@pytest.mark.parametrize("query", [DOCUMENTS, TOKENS, HITS, URLS, HIT_STATUS])
def test_merging_two_halves_equals_one_crawl_of_the_whole_site(merged, crawled, query):
    assert rows(merged, query) == rows(crawled.db, query)


def test_every_crawl_run_and_fetch_of_both_halves_is_merged(merged, halves):
    for query in (RUNS, FETCHES):
        assert rows(merged, query) == sorted(rows(halves[0], query) + rows(halves[1], query))


def test_merging_again_adds_nothing(merged, halves, capsys):
    before = table_sizes(merged)
    assert merge(*halves, "--db", merged) == EXIT_OK
    assert table_sizes(merged) == before
    out = capsys.readouterr().out
    assert out.count(": 0 new document(s), 0 with their tokens") == 2
    assert "0 new URL(s), 0 fetch(es), 0 crawl run(s), 0 issue(s)" in out


def test_a_missing_or_broken_file_is_named_and_the_merged_files_stay(halves, tmp_path, capsys):
    db = tmp_path / "main.duckdb"
    assert merge(halves[0], "--db", db) == EXIT_OK
    before = table_sizes(db)
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"not a database" * 100)
    for bad in (tmp_path / "missing.duckdb", broken):
        capsys.readouterr()
        assert merge(halves[1], bad, "--db", db) == EXIT_FAILED
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"marketspeak: error: {bad}:") and "\n" not in err
        assert table_sizes(db)["documents"] > before["documents"]  # the good file merged
    both = {doc_id for half in halves for (doc_id,) in rows(half, "SELECT doc_id FROM documents")}
    assert table_sizes(db)["documents"] == len(both)


def refused_merge(halves, tmp_path, capsys, change: str, params: list) -> tuple[Path, str]:
    """Merge the first half, then a copy of the second changed by the `change` statement:
    the refused file and the one line of error; nothing of it may have been stored."""
    db = tmp_path / "main.duckdb"
    assert merge(halves[0], "--db", db) == EXIT_OK
    before = table_sizes(db)
    other = tmp_path / "other.duckdb"
    shutil.copyfile(halves[1], other)
    with duckdb.connect(str(other)) as con:
        con.execute(change, params)
    capsys.readouterr()
    assert merge(other, "--db", db) == EXIT_FAILED
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert table_sizes(db) == before
    return other, err


def test_a_file_matched_with_other_lexicon_versions_is_refused(halves, tmp_path, capsys):
    change = "UPDATE lexicon_terms SET version = ? WHERE lexicon = 'market'"
    other, err = refused_merge(halves, tmp_path, capsys, change, ["9.9.9"])
    assert err.startswith(f"marketspeak: error: {other}: its hits were matched with market@9.9.9")


def test_a_file_whose_hits_were_judged_under_another_name_rule_is_refused(halves, tmp_path, capsys):
    change = "UPDATE documents SET lexicon_versions = replace(lexicon_versions, ?, ?)"
    other, err = refused_merge(halves, tmp_path, capsys, change, [NAME_RULE_VERSION, "names@1"])
    assert err.startswith(f"marketspeak: error: {other}: its hits were judged under names@1")
    assert NAME_RULE_VERSION in err


def test_a_database_is_not_merged_into_itself(halves, tmp_path, capsys):
    db = tmp_path / "main.duckdb"
    assert merge(halves[0], "--db", db) == EXIT_OK
    assert merge(db, "--db", db) == EXIT_FAILED
    assert "is the database being merged into" in capsys.readouterr().err


def boilerplate_runs(db: Path) -> list[tuple]:
    """Each document's runs of boilerplate as (document, its source now, the source whose
    repeated paragraphs the run is of)."""
    return rows(
        db,
        "SELECT d.doc_id, d.source, b.source FROM boilerplate_spans b JOIN documents d "
        "USING (doc_id) ORDER BY ALL",
    )


def tokenised_documents(db: Path) -> list[tuple]:
    """Every tokenised document with its source, twice: the source it is in and the source
    its boilerplate must come from (every test page has one run: its formula and footer)."""
    found = rows(db, "SELECT doc_id, source FROM documents WHERE n_tokens IS NOT NULL")
    return sorted((doc_id, source, source) for doc_id, source in found)


def test_a_source_that_loses_one_document_and_gains_another_in_a_merge_is_recomputed(tmp_path):
    here, there = tmp_path / "here.duckdb", tmp_path / "there.duckdb"
    pages = texts(13)
    moving, arriving = "page-11", "page-12"
    store(here, "council-a", {k: v for k, v in pages.items() if k != arriving})
    store(here, "council-b", texts(12, seed=7))
    with duckdb.connect(str(here)) as con:
        assert find_boilerplate(con).sources == 2
    # Found there first under council-b: it moves there; council-a gains a new page of its
    # own, so it keeps its number of documents (12) with one document changed.
    store(there, "council-b", {f"a-{moving}": pages[moving]}, fetched_at="2023-06-01")
    store(there, "council-a", {arriving: pages[arriving]}, fetched_at="2024-02-01")

    assert merge(there, "--db", here) == EXIT_OK

    assert rows(here, "SELECT source, count(*) FROM documents GROUP BY 1 ORDER BY 1") == [
        ("council-a", 12),
        ("council-b", 13),
    ]
    assert boilerplate_runs(here) == tokenised_documents(here)
    assert set_aside(here) == {"customer service": 25, "citizen": 25}


def test_a_source_whose_every_document_moved_away_in_a_merge_keeps_no_boilerplate(tmp_path):
    here, there = tmp_path / "here.duckdb", tmp_path / "there.duckdb"
    pages = texts(12)
    store(here, "council-a", pages)
    store(here, "council-b", texts(12, seed=7))
    with duckdb.connect(str(here)) as con:
        assert find_boilerplate(con).sources == 2
    store(there, "council-b", {f"a-{k}": v for k, v in pages.items()}, fetched_at="2023-06-01")

    assert merge(there, "--db", here) == EXIT_OK

    assert rows(here, "SELECT DISTINCT source FROM documents") == [("council-b",)]
    assert boilerplate_runs(here) == tokenised_documents(here)
    assert rows(here, "SELECT source FROM boilerplate_sources") == [("council-b",)]
