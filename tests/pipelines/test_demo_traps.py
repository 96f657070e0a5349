"""The sample site's traps for counting: lexicon words in names and titles, in formulas and
in other senses, in a standard notice many pages repeat, and in a report published both as
a page and as a PDF. After the crawl, tokenising, boilerplate and near-duplicate steps, the
hits that count equal what the generator planted to be counted, and the hits set aside
equal the planted traps, by the reason hit_status gives them."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from marketspeak.corpus.lexicons import LexiconMatcher, load_lexicons
from marketspeak.corpus.tokenise import build_nlp, tokenise_texts
from marketspeak.pipelines.demo_site.generate import (
    counted_documents,
    hit_totals,
    planted_totals,
    set_aside_totals,
)
from marketspeak.pipelines.demo_site.text import NOTICE, NOTICE_HITS, PLANTS, ROLE, TRAPS

# Every hit of a stored document, with the reason it is set aside ('' when it counts), by
# the URL the generator gave the document.
HITS_BY_URL = """
SELECT u.url, h.lexicon, h.term, h.excluded_by, count(*) AS n
FROM hit_status h JOIN document_urls u USING (doc_id)
GROUP BY ALL
"""


@pytest.fixture(scope="module")
def matcher():
    return LexiconMatcher(build_nlp(), load_lexicons())


def hits_of(matcher, text: str) -> list[tuple[str, str, str]]:
    batch = next(tokenise_texts([("d", text)], matcher))
    return list(
        zip(batch.hits["lexicon"], batch.hits["term"], batch.hits["excluded_by"], strict=True)
    )


def found_by_document(crawled, read_db) -> dict[str, tuple[Counter, Counter]]:
    """Per document path: (counted hits by "lexicon\\tterm", set-aside hits by
    (excluded_by, "lexicon\\tterm"))."""
    base = crawled.site.base_url
    found: dict[str, tuple[Counter, Counter]] = {}
    for url, lexicon, term, reason, n in read_db.execute(HITS_BY_URL).fetchall():
        counted, set_aside = found.setdefault(url.removeprefix(base), (Counter(), Counter()))
        if reason:
            set_aside[reason, f"{lexicon}\t{term}"] += n
        else:
            counted[f"{lexicon}\t{term}"] += n
    return found


# --- the traps themselves, without a crawl ---------------------------------------------


@pytest.mark.parametrize("trap", TRAPS, ids=[t.name for t in TRAPS])
def test_each_trap_holds_exactly_the_hits_it_says_and_sets_them_aside(matcher, trap):
    assert tuple(hits_of(matcher, trap.sentence)) == trap.hits


def test_may_well_be_is_no_wellbeing_hit(matcher):
    [trap] = [t for t in TRAPS if "may well be" in t.sentence]
    assert trap.hits == ()
    assert hits_of(matcher, trap.sentence) == []


def test_the_notice_holds_its_hits_and_counts_them_alone(matcher):
    found = hits_of(matcher, NOTICE)
    assert [(lexicon, term) for lexicon, term, _ in found] == list(NOTICE_HITS)
    assert all(reason == "" for _, _, reason in found)  # only its repetition sets them aside


def test_the_traps_cover_every_kind_of_rule():
    reasons = {reason.split(":")[0] for t in TRAPS for _, _, reason in t.hits}
    assert reasons == {"name", "formula", "sense"}


def test_the_role_words_planted_are_the_lexicons_role_words():
    for lexicon in load_lexicons():
        assert set(PLANTS[lexicon.name]) == {t.term for t in lexicon.terms}
        roles = {t.term for t in lexicon.terms if t.category == "role"}
        assert ROLE[lexicon.name] == roles


# --- after the crawl -------------------------------------------------------------------


def test_every_document_counts_what_was_planted_and_sets_aside_its_traps(crawled, read_db):
    found = found_by_document(crawled, read_db)
    for doc in crawled.manifest["documents"]:
        counted, set_aside = found.get(doc["path"], (Counter(), Counter()))
        expected = Counter(
            {
                (reason, key): n
                for reason, hits in doc["set_aside"].items()
                for key, n in hits.items()
            }
        )
        assert (doc["path"], counted) == (doc["path"], Counter(doc["planted"]))
        assert (doc["path"], set_aside) == (doc["path"], expected)


def test_counted_hits_per_year_and_term_equal_the_planted_counts(crawled, read_db):
    rows = read_db.execute(
        "SELECT year(trend_date), lexicon, term, count(*) FROM lexicon_hits "
        "WHERE counted AND is_current GROUP BY ALL"
    ).fetchall()
    assert Counter({(y, lx, t): n for y, lx, t, n in rows}) == planted_totals(crawled.manifest)


def test_set_aside_hits_per_reason_equal_the_planted_traps(crawled, read_db):
    rows = read_db.execute(
        "SELECT excluded_by, lexicon, term, count(*) FROM hit_status WHERE NOT counted GROUP BY ALL"
    ).fetchall()
    assert Counter({(r, lx, t): n for r, lx, t, n in rows}) == set_aside_totals(crawled.manifest)
    by_reason = Counter()
    for (reason, _, _), n in set_aside_totals(crawled.manifest).items():
        by_reason[reason] += n
    # Every rule the pipeline has, bar language (the sample site is all English), is met.
    assert {r.split(":")[0] for r in by_reason} == {
        "name",
        "formula",
        "sense",
        "boilerplate",
        "duplicate",
    }
    assert all(n > 0 for n in by_reason.values())


def test_counted_and_set_aside_hits_are_all_the_hits(crawled, read_db):
    counted = sum(planted_totals(crawled.manifest).values())
    set_aside = sum(set_aside_totals(crawled.manifest).values())
    total = read_db.execute("SELECT count(*) FROM term_hits").fetchone()[0]
    assert counted + set_aside == total == sum(hit_totals(crawled.manifest).values())
    assert read_db.execute("SELECT count(*) FROM english_hits").fetchone()[0] == counted


def test_may_well_be_was_planted_and_matched_nothing(crawled, read_db):
    planted = sum(d["traps"].get("may-well-be", 0) for d in crawled.manifest["documents"])
    assert planted > 0
    text = read_db.execute(
        "SELECT count(*) FROM documents WHERE contains(text, 'may well be')"
    ).fetchone()[0]
    assert text > 0
    assert (
        read_db.execute(
            "SELECT count(*) FROM term_hits WHERE lower(matched) LIKE '%well be%'"
        ).fetchone()[0]
        == 0
    )


def test_the_notice_is_boilerplate_of_its_publisher(crawled, read_db):
    spec = crawled.manifest["boilerplate"]
    rows = read_db.execute(
        "SELECT source, n_documents FROM boilerplate_paragraphs WHERE starts_with(example, ?)",
        [NOTICE[:40]],
    ).fetchall()
    assert rows == [(spec["source"], spec["documents"])]
    needed = read_db.execute(
        "SELECT min_documents FROM boilerplate_sources WHERE source = ?", [spec["source"]]
    ).fetchone()[0]
    assert spec["documents"] >= needed


def test_the_page_and_its_pdf_are_one_cluster_counted_through_the_page(crawled, read_db):
    base = crawled.site.base_url
    rows = read_db.execute(
        "SELECT u.url, c.is_representative, c.cluster_id FROM duplicate_clusters c "
        "JOIN document_urls u USING (doc_id) ORDER BY u.url"
    ).fetchall()
    [pair] = crawled.manifest["near_duplicates"]
    assert {(url.removeprefix(base), rep) for url, rep, _ in rows} == {
        (pair["representative"], True),
        (pair["duplicate"], False),
    }
    assert len({cluster for *_, cluster in rows}) == 1


def test_the_documents_counted_are_all_but_the_duplicate(crawled, read_db):
    per_year = Counter(d["year"] for d in counted_documents(crawled.manifest))
    rows = read_db.execute(
        "SELECT year(trend_date), count(*) FROM english_documents GROUP BY ALL"
    ).fetchall()
    assert Counter(dict(rows)) == per_year
    assert sum(per_year.values()) == len(crawled.manifest["documents"]) - 1


def test_the_naming_index_drifts_as_the_planted_role_words_do(crawled, read_db):
    from marketspeak.analysis.frequency import trend

    planted = planted_totals(crawled.manifest)
    frame = trend(read_db, "year")
    for row in frame.itertuples():
        year = None if pd.isna(row.period_start) else row.period_start.year
        role = {
            lexicon: sum(
                n
                for (y, lx, t), n in planted.items()
                if y == year and lx == lexicon and t in ROLE[lexicon]
            )
            for lexicon in ("market", "relational")
        }
        assert (row.market_role_hits, row.relational_role_hits) == (
            role["market"],
            role["relational"],
        )
        assert row.naming_index == pytest.approx(
            role["market"] / (role["market"] + role["relational"])
        )
    dated = frame.dropna(subset=["period_start"])
    assert dated.iloc[0].naming_index < 0.3 < 0.7 < dated.iloc[-1].naming_index
