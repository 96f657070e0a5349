"""Real documents from the shared research corpora, served locally and crawled.

Builds a small site in a temporary folder from `../shared/corpora`: the UK government PDFs
(one of them a scan with no text layer) and a sample of dated PM transcripts rendered as
HTML pages. Skipped, saying why, when the shared corpora are not beside the project.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from marketspeak.pipelines import steps
from marketspeak.pipelines.demo_site.server import serve_site
from tests.conftest import SHARED

PDFS = SHARED / "corpora" / "uk-gov-pdfs"
TRANSCRIPTS = SHARED / "corpora" / "pm-transcripts" / "documents.jsonl.gz"
N_TRANSCRIPTS = 60

pytestmark = pytest.mark.skipif(
    not (PDFS / "manifest.jsonl").exists() or not TRANSCRIPTS.exists(),
    reason=f"shared research corpora not found at {SHARED / 'corpora'}",
)


def build_site(root: Path) -> tuple[list[dict], list[dict]]:
    pdfs = [json.loads(line) for line in (PDFS / "manifest.jsonl").read_text().splitlines()]
    links = []
    for record in pdfs:
        target = root / "gov" / "pdf" / f"{record['id']}.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PDFS / record["pdf_path"], target)
        # As on a publisher's page: the publication date printed beside each link.
        day = date.fromisoformat(record["date"])
        links.append(
            f'<li><a href="/gov/pdf/{record["id"]}.pdf">{html.escape(record["title"])}</a>'
            f" <span>Published {day.day} {day:%B %Y}</span></li>"
        )
    (root / "gov" / "index.html").write_text(
        f"<html><body><ul>{''.join(links)}</ul></body></html>", encoding="utf-8"
    )

    transcripts = []
    with gzip.open(TRANSCRIPTS, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    # Every n-th transcript, so the sample spans 1940-2018, and with it the vocabulary shift.
    step = max(1, len(records) // N_TRANSCRIPTS)
    transcripts = [r for r in records[::step] if len(r["text"]) > 500][:N_TRANSCRIPTS]
    links = []
    for record in transcripts:
        paragraphs = "".join(
            f"<p>{html.escape(p)}</p>" for p in record["text"].split("\n\n") if p.strip()
        )
        page = (
            f'<html><head><meta charset="utf-8"><title>{html.escape(record["title"])}</title>'
            f'<meta property="article:published_time" content="{record["date"]}"></head>'
            f"<body><article><h1>{html.escape(record['title'])}</h1>{paragraphs}</article></body></html>"
        )
        target = root / "pm" / f"{record['id']}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
        links.append(
            f'<li><a href="/pm/{record["id"]}.html">{html.escape(record["title"])}</a></li>'
        )
    (root / "pm" / "index.html").write_text(
        f"<html><body><ul>{''.join(links)}</ul></body></html>", encoding="utf-8"
    )
    manifest = {
        "publishers": [{"name": "gov", "charset": "utf-8"}, {"name": "pm", "charset": "utf-8"}]
    }
    (root / "manifest.json").write_text(json.dumps(manifest))
    return pdfs, transcripts


@pytest.fixture(scope="module")
def real_corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("shared-site")
    pdfs, transcripts = build_site(root)
    db = tmp_path_factory.mktemp("shared-db") / "shared.duckdb"
    with serve_site(root) as site:
        sources = [
            {
                "name": "gov",
                "kind": "government",
                "start_urls": [f"{site.base_url}/gov/"],
                "documents": [r"\.pdf$"],
                "follow": [],
                "delay": 0,
                "concurrency": 4,
            },
            {
                "name": "pm",
                "kind": "government",
                "start_urls": [f"{site.base_url}/pm/"],
                "documents": [r"/pm/pmt-"],
                "follow": [],
                "delay": 0,
                "concurrency": 4,
            },
        ]
        files = steps.crawl(sources, db)
        steps.ingest(db, files, sources)
        steps.tokenise(db, show_progress=False)
        base = site.base_url
    con = duckdb.connect(str(db), read_only=True)
    yield con, base, pdfs, transcripts
    con.close()


def test_pdfs_with_a_text_layer_yield_their_text(real_corpus):
    con, base, pdfs, _ = real_corpus
    for record in pdfs:
        if not record["has_text_layer"]:
            continue
        row = con.execute(
            "SELECT text, n_words FROM documents WHERE url = ?",
            [f"{base}/gov/pdf/{record['id']}.pdf"],
        ).fetchone()
        assert row is not None, record["id"]
        ours = set(re.findall(r"[a-z]{4,}", row[0].lower()))
        reference = set(re.findall(r"[a-z]{4,}", record["text"].lower()))
        # Same words as poppler's pdftotext finds, give or take layout artefacts.
        assert len(ours & reference) / len(reference) > 0.9, record["id"]


def test_the_scanned_pdf_is_reported_as_having_no_text(real_corpus):
    con, base, pdfs, _ = real_corpus
    scanned = [r for r in pdfs if not r["has_text_layer"]]
    assert len(scanned) == 1
    url = f"{base}/gov/pdf/{scanned[0]['id']}.pdf"
    assert con.execute("SELECT reason FROM crawl_issues WHERE url = ?", [url]).fetchall() == [
        ("pdf-no-text-layer",)
    ]
    assert con.execute("SELECT count(*) FROM documents WHERE url = ?", [url]).fetchone()[0] == 0


def test_transcripts_keep_their_publication_dates(real_corpus):
    con, base, _, transcripts = real_corpus
    stored = dict(
        con.execute(
            "SELECT url, CAST(published AS VARCHAR) FROM documents WHERE source = 'pm'"
        ).fetchall()
    )
    expected = {f"{base}/pm/{r['id']}.html": r["date"] for r in transcripts}
    assert stored == expected


def test_customer_and_citizen_lemmas_match_a_plain_word_count(real_corpus):
    con, _, _, transcripts = real_corpus
    for lemma in ("customer", "citizen"):
        expected = sum(
            len(re.findall(rf"\b{lemma}s?\b", r["text"], re.IGNORECASE)) for r in transcripts
        )
        found = con.execute(
            "SELECT count(*) FROM tokens JOIN documents USING (doc_id) "
            "WHERE source = 'pm' AND lemma = ?",
            [lemma],
        ).fetchone()[0]
        assert found == expected, lemma
        assert expected > 0, f"the sample should contain '{lemma}'"


def test_pdfs_take_the_date_printed_beside_their_link(real_corpus):
    con, base, pdfs, _ = real_corpus
    stored = dict(
        (
            (url, (published, source))
            for url, published, source in con.execute(
                "SELECT url, CAST(published AS VARCHAR), date_source FROM documents "
                "WHERE source = 'gov'"
            ).fetchall()
        )
    )
    expected = {
        f"{base}/gov/pdf/{r['id']}.pdf": (r["date"], "listing") for r in pdfs if r["has_text_layer"]
    }
    assert stored == expected
