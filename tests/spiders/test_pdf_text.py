"""PDF text on real government PDFs (../shared/corpora/uk-gov-pdfs): it agrees word for word
with the manifest's pdftotext text, keeps whole the words pypdf split, and leaves out the
running headers and page numbers. Skipped, saying why, when the shared corpora are absent."""

from __future__ import annotations

import json

import pytest

from bench.pdf import agreement
from marketspeak.spiders.extract import extract_pdf
from tests.conftest import SHARED

PDFS = SHARED / "corpora" / "uk-gov-pdfs"

pytestmark = pytest.mark.skipif(
    not (PDFS / "manifest.jsonl").exists(),
    reason=f"shared UK government PDFs not found at {PDFS}",
)


@pytest.fixture(scope="module")
def extracted() -> dict[str, tuple[dict, object]]:
    records = [json.loads(line) for line in (PDFS / "manifest.jsonl").read_text().splitlines()]
    return {
        r["id"]: (r, extract_pdf((PDFS / r["pdf_path"]).read_bytes(), r["url"])) for r in records
    }


def by_name(extracted: dict, part: str) -> tuple[dict, object]:
    [found] = [value for key, value in extracted.items() if part in key]
    return found


def test_every_text_layer_agrees_with_pdftotext(extracted):
    for record, result in extracted.values():
        if not record["has_text_layer"]:
            continue
        precision, recall = agreement(result.text, record["text"])
        # Recall is below 1 by the running headers and page numbers pdftotext keeps.
        assert precision >= 0.97 and recall >= 0.95, (record["id"], precision, recall)


def test_the_words_pypdf_split_are_whole(extracted):
    _, result = by_name(extracted, "transparency-board-minutes-19-11-10")
    assert "succeeded" in result.text and "departments" in result.text
    assert "su cceeded" not in result.text and "depar tments" not in result.text


def test_running_headers_of_real_reports_are_left_out(extracted):
    record, result = by_name(extracted, "shakespeare-review")
    header = "Gov. Response to the Shakespeare Review - Version 6.1"
    assert record["text"].count(header) == 42 and header not in result.text
    record, result = by_name(extracted, "hmrc-open-data-strategy")
    assert record["text"].count("UNCLASSIFIED") == 64 and "UNCLASSIFIED" not in result.text


def test_the_scanned_statement_is_reported_as_having_no_text_layer(extracted):
    record, result = by_name(extracted, "written-ministerial-statement")
    assert not record["has_text_layer"]
    assert (result.text, result.issue) == ("", "pdf-no-text-layer")
