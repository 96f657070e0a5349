"""Language identification: English text stays English, Welsh paragraphs of bilingual
documents are found however they are laid out, and their words and hits leave the rates,
in a new file, after a partitioned tokenise, and in a file from before schema version 6."""

from __future__ import annotations

import gzip
import json
import random

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketspeak.corpus.db import connect
from marketspeak.corpus.ingest import ingest_files
from marketspeak.corpus.language import (
    ENGLISH,
    Span,
    detector,
    identify_partition,
    identify_pending,
    other_language_spans,
    split_paragraphs,
)
from marketspeak.corpus.lexicons import LexiconMatcher, load_lexicons
from marketspeak.corpus.partitions import tokenise_partition
from marketspeak.corpus.tokenise import build_nlp, tokenise_texts
from marketspeak.pipelines.demo_site.text import FILLER
from marketspeak.pipelines.demo_site.welsh import bilingual
from marketspeak.spiders.extract import content_hash, normalise_text
from tests.conftest import SHARED

TRANSCRIPTS = SHARED / "corpora" / "pm-transcripts" / "documents.jsonl.gz"
# Written for this test: French council prose, to show other languages are found too.
FRENCH = (
    "Le conseil municipal a approuvé le budget de l'année prochaine après une longue "
    "discussion avec les habitants du quartier et les associations locales."
)


def languages(paragraphs: list[str]) -> list[str]:
    return detector().paragraph_languages(paragraphs)


@pytest.mark.parametrize("layout", ["alternate", "halves"])
def test_every_welsh_paragraph_of_a_bilingual_document_is_found(layout):
    rng = random.Random(7)
    for _ in range(40):
        document = bilingual(rng, rng.randint(1, 5), layout)
        assert languages([p for p, _ in document]) == [lang for _, lang in document]


def test_short_headings_take_the_language_they_are_written_in():
    # Welsh first and English first: a heading's neighbours are no guide, its words are.
    paragraphs = [
        "3. Argymhellion",
        "3. Recommendations",
        "Mae'r pwyllgor wedi cymeradwyo'r adroddiad blynyddol yn y cyfarfod ddoe.",
        FILLER[0],
        "Decision",
        "Penderfyniad",
        FILLER[1],
        "Mae swyddogion wedi adolygu'r rhaglen gyfalaf cyn diwedd y mis nesaf.",
    ]
    assert languages(paragraphs) == ["cy", "en", "cy", "en", "en", "cy", "en", "cy"]


def test_an_english_document_with_headings_names_and_figures_is_english_throughout():
    paragraphs = ["Agenda item 4", "Cllr J. Jones", "12,400", "Section 2.3 (b)"] + FILLER
    assert set(languages(paragraphs)) == {ENGLISH}


def test_a_welsh_document_of_short_paragraphs_is_welsh_as_a_whole():
    paragraphs = ["Cyflwyniad", "Cefndir", "Datgan buddiannau", "Ymddiheuriadau am absenoldeb"]
    assert set(languages(paragraphs)) == {"cy"}


def test_a_text_with_no_words_counts_as_english():
    assert languages(["", "12 34", "--"]) == [ENGLISH] * 3


def test_other_languages_than_welsh_are_found_too():
    assert languages([FILLER[2], FRENCH, FILLER[3]]) == [ENGLISH, "fr", ENGLISH]


def test_consecutive_paragraphs_in_one_language_form_one_span():
    spans = other_language_spans(["en", "cy", "cy", "en", "cy", "fr", "fr"])
    assert spans == [Span("cy", 1, 2), Span("cy", 4, 4), Span("fr", 5, 6)]


PIECES = st.lists(
    st.sampled_from(["word", "Two words", "x.", " ", "  ", "\n", "\n\n", " \n ", "\t", "\r\n"]),
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(PIECES)
def test_paragraphs_are_numbered_as_the_tokeniser_numbers_them(pieces):
    text = "".join(pieces)
    matcher = LexiconMatcher(build_nlp(), load_lexicons())
    tokens = next(tokenise_texts([("d", text)], matcher), None)
    paragraphs = split_paragraphs(text)
    if tokens is None:
        return
    columns = tokens.tokens
    for token, paragraph in zip(columns["token"], columns["paragraph"], strict=True):
        assert token in paragraphs[paragraph]


@pytest.mark.skipif(not TRANSCRIPTS.exists(), reason=f"PM transcripts not found at {TRANSCRIPTS}")
def test_almost_no_english_of_the_pm_transcripts_is_set_aside():
    # English speeches and releases, OCR'd, one line a paragraph; a few are bilingual
    # (a speech in English and French). A false alarm would show as a few lines set aside
    # here and there in English documents.
    with gzip.open(TRANSCRIPTS, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for _, line in zip(range(400), handle, strict=False)]
    words = scattered = bilingual_documents = 0
    for record in records:
        paragraphs = split_paragraphs(normalise_text(record["text"]))
        labels = languages(paragraphs)
        counts = [len(p.split()) for p in paragraphs]
        aside = sum(n for n, lang in zip(counts, labels, strict=True) if lang != ENGLISH)
        words += sum(counts)
        if aside >= 0.2 * sum(counts):
            bilingual_documents += 1
        else:
            scattered += aside
    assert words > 500_000
    assert scattered / words < 0.001
    assert bilingual_documents <= 0.01 * len(records)


# The store: a bilingual report whose Welsh half quotes a market term, and its English one.
def store(tmp_path, texts: dict[str, str], published: dict[str, str] | None = None):
    rows = [
        {
            "item": "document",
            "source": "council-w",
            "url": f"http://127.0.0.1/{name}",
            "text": text,
            "content_sha256": content_hash(text),
            "content_type": "html",
            "published": (published or {}).get(name, "2019-06-01"),
            "date_source": "html-meta",
            "fetched_at": "2024-01-01T00:00:00",
        }
        for name, text in texts.items()
    ]
    items = tmp_path / "items.jsonl"
    items.write_text("".join(json.dumps(r) + "\n" for r in rows))
    db = tmp_path / "db.duckdb"
    con = connect(db)
    source = {"name": "council-w", "kind": "council", "start_urls": ["http://127.0.0.1/"]}
    ingest_files(con, [items], [source])
    con.close()
    return db


def report(layout: str) -> str:
    document = bilingual(random.Random(3), 3, layout, quote="customer journey")
    return "\n".join(p for p, _ in document)


def english_words(db, name: str) -> int:
    """Word tokens of the document's English paragraphs, counted from its tokens."""
    con = duckdb.connect(str(db), read_only=True)
    text, doc_id = con.execute(
        "SELECT text, doc_id FROM documents WHERE url = ?", [f"http://127.0.0.1/{name}"]
    ).fetchone()
    truth = dict(bilingual(random.Random(3), 3, "halves", quote="customer journey"))
    english = [n for n, p in enumerate(split_paragraphs(text)) if truth.get(p, "en") == "en"]
    found = con.execute(
        "SELECT count(*) FROM tokens WHERE doc_id = ? AND is_word AND list_contains(?, paragraph)",
        [doc_id, english],
    ).fetchone()[0]
    con.close()
    return found


@pytest.mark.parametrize("by_workers", [True, False], ids=["by-workers", "by-the-writer"])
def test_a_partitioned_tokenise_sets_the_welsh_words_and_hits_aside(tmp_path, by_workers):
    from marketspeak.pipelines import steps

    db = store(tmp_path, {"report": report("alternate"), "news": " ".join(FILLER)})
    inputs = [tokenise_partition(p) for p in steps.export_pending(db, 1)]
    if by_workers:  # as the flow's partition tasks do; else the writer does it after merging
        inputs = [identify_partition(p) for p in inputs]
    merged = steps.merge_partitions(db, inputs)
    assert merged["languages"]["documents"] == 2
    con = duckdb.connect(str(db), read_only=True)
    raw = con.execute("SELECT count(*) FROM term_hits WHERE term = 'customer journey'").fetchone()
    trend = con.execute("SELECT n_words, market_hits FROM trend('year')").fetchone()
    assert raw == (2,)  # one in the Welsh paragraph that quotes it, one in the English
    news = con.execute("SELECT n_words FROM documents WHERE url LIKE '%/news'").fetchone()[0]
    assert trend == (english_words(db, "report") + news, 1)
    assert con.execute("SELECT count(*) FROM document_languages").fetchone()[0] == 2


def test_what_a_partition_worker_found_is_stored_by_the_merge_once(tmp_path):
    from marketspeak.corpus.language import merge_partition_languages
    from marketspeak.corpus.partitions import merge_partition
    from marketspeak.pipelines import steps

    db = store(tmp_path, {"report": report("alternate"), "news": " ".join(FILLER)})
    (source,) = [identify_partition(tokenise_partition(p)) for p in steps.export_pending(db)]
    con = connect(db)
    merge_partition(con, source)
    first = merge_partition_languages(con, source)
    again = merge_partition_languages(con, source)  # a writer killed and rerun
    left = identify_pending(con)
    con.close()
    # Three sections laid out Welsh, English, Welsh, English: six Welsh runs of one paragraph.
    assert (first.documents, first.spans) == (2, 6)
    assert (again.documents, left.documents) == (0, 0)


def test_a_long_report_tokenised_in_pieces_has_its_welsh_half_set_aside(tmp_path):
    from marketspeak.corpus import annotate
    from marketspeak.corpus.tokenise import PIECE_CHARS

    document = bilingual(random.Random(5), 1200, "halves")
    text = "\n".join(p for p, _ in document)
    assert len(text) > 2 * PIECE_CHARS
    db = store(tmp_path, {"long": text})
    con = connect(db)
    annotate.tokenise_pending(con, load_lexicons())
    identify_pending(con)
    doc_id, n_words = con.execute("SELECT doc_id, n_words FROM documents").fetchone()
    spans = con.execute(
        "SELECT language, first_paragraph, last_paragraph, n_words FROM language_spans"
    ).fetchall()
    tokens = con.execute(
        "SELECT count(*) FILTER (WHERE paragraph < 2400), count(*) FROM tokens "
        "WHERE doc_id = ? AND is_word",
        [doc_id],
    ).fetchone()
    english = con.execute("SELECT english_words FROM document_languages").fetchone()[0]
    con.close()
    # 1,200 sections of a heading and a paragraph: Welsh paragraphs 0-2399, English after.
    assert spans == [("cy", 0, 2399, tokens[0])]
    assert english == n_words - tokens[0] == tokens[1] - tokens[0]


def test_a_file_from_before_version_6_has_its_documents_identified_once_on_opening(tmp_path):
    from marketspeak.corpus import annotate

    db = store(tmp_path, {"report": report("halves")})
    con = connect(db)
    annotate.tokenise_pending(con, load_lexicons())  # tokenised as version 5 did
    # Back to version 5: no language tables, no version 6 row.
    con.execute("DROP TABLE language_spans")
    con.execute("DROP TABLE document_languages")
    con.execute("DELETE FROM schema_migrations WHERE version >= 6")
    con.close()

    reader = connect(db, read_only=True)
    trend = reader.execute("SELECT n_words, market_hits FROM trend('year')").fetchone()
    language = reader.execute("SELECT language FROM document_languages").fetchall()
    reader.close()
    assert trend == (english_words(db, "report"), 1)
    assert len(language) == 1
    con = connect(db)
    assert identify_pending(con).documents == 0  # identified once: nothing left to do
    con.close()


# Each lemma, and whether a token of it lies inside an other-language span.
LEMMAS_BY_LANGUAGE = """
SELECT DISTINCT t.lemma, s.doc_id IS NOT NULL FROM tokens t
LEFT JOIN language_spans s
    ON s.doc_id = t.doc_id AND t.position BETWEEN s.first_position AND s.last_position
"""


def test_keyness_collocations_and_dispersion_count_english_text_only(tmp_path):
    from datetime import date

    from marketspeak.analysis.collocations import collocates
    from marketspeak.analysis.dispersion import dispersion
    from marketspeak.analysis.keyness import keyness
    from marketspeak.corpus import annotate

    earlier = " ".join(FILLER) + " Customer journey maps were drawn."
    db = store(
        tmp_path, {"report": report("alternate"), "earlier": earlier}, {"earlier": "2010-01-01"}
    )
    con = connect(db)
    annotate.tokenise_pending(con, load_lexicons())
    identify_pending(con)
    inside = con.execute(LEMMAS_BY_LANGUAGE).fetchall()
    welsh = {lemma for lemma, in_span in inside if in_span} - {
        lemma for lemma, in_span in inside if not in_span
    }
    assert {"wedi", "cyngor"} <= welsh
    year = (date(2019, 1, 1), date(2019, 12, 31))
    key = keyness(con, year, (date(2010, 1, 1), date(2010, 12, 31)), min_freq=1)
    near = collocates(con, "customer journey", window=30)
    spread = dispersion(con)
    con.close()
    assert not welsh & set(key["lemma"])
    assert not welsh & set(near["collocate"])
    assert spread.set_index("term").loc["customer journey", "hits"] == 2  # not the Welsh one


def test_compounds_count_english_text_only(tmp_path):
    from marketspeak.analysis.compounds import modifier_uses
    from marketspeak.corpus import annotate

    # The report's Welsh paragraph quotes "customer journey"; its English twin uses it.
    db = store(tmp_path, {"report": report("alternate")})
    con = connect(db)
    annotate.tokenise_pending(con, load_lexicons())
    identify_pending(con)
    raw = con.execute("SELECT count(*) FROM term_hits WHERE term = 'customer journey'")
    assert raw.fetchone()[0] == 2
    uses = modifier_uses(con, ["customer"])
    con.close()
    journey = uses[uses["compound"] == "customer journey"]
    assert journey["hits"].sum() == 1
