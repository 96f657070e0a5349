"""Hostile and broken content never crashes extraction: random bytes as HTML and as PDF,
control and direction characters in titles, impossible dates. The fast examples run in
`make test`; `make test-slow` runs thousands more and a 100 MB page through a real crawl."""

from __future__ import annotations

import html
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketspeak.spiders.extract import extract_html, extract_pdf, parse_date

URL = "http://127.0.0.1/page.html"
PROSE = "<p>" + "The council agreed the plan for the library service this year. " * 6 + "</p>"
FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def clean(text: str) -> bool:
    return not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


def html_never_raises(data: bytes) -> None:
    extracted = extract_html(data.decode("utf-8", errors="replace"), URL)
    assert isinstance(extracted.text, str)
    assert extracted.text or extracted.issue


def pdf_never_raises(data: bytes) -> None:
    extracted = extract_pdf(b"%PDF-1.4\n" + data, URL)
    assert extracted.text or extracted.issue


def titles_are_clean(title: str) -> None:
    page = f"<html><head><title>{html.escape(title)}</title></head><body><article>{PROSE}"
    extracted = extract_html(page + "</article></body></html>", URL)
    assert clean(extracted.title or "")


@FAST
@given(st.binary(max_size=4000))
def test_random_bytes_as_html_are_an_issue_or_text(data):
    html_never_raises(data)


@FAST
@given(st.binary(max_size=4000))
def test_random_bytes_as_a_pdf_are_an_issue_or_text(data):
    pdf_never_raises(data)


@FAST
@given(st.text(max_size=200))
def test_titles_lose_control_and_direction_characters(title):
    titles_are_clean(title)


@pytest.mark.parametrize("value", ["0000-01-01", "2999-12-31", "2019-02-30", "99999-01-01", ""])
def test_impossible_dates_are_no_date(value):
    assert parse_date(value) is None


@pytest.mark.slow
@SLOW
@given(st.binary(max_size=20000))
def test_many_random_pages_never_raise(data):
    html_never_raises(data)


@pytest.mark.slow
@SLOW
@given(st.binary(max_size=20000))
def test_many_random_pdfs_never_raise(data):
    pdf_never_raises(data)


@pytest.mark.slow
@SLOW
@given(st.text(max_size=2000))
def test_many_hostile_titles_are_clean(title):
    titles_are_clean(title)
