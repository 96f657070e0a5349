"""Extraction of text and dates, with where each date came from."""

from __future__ import annotations

from datetime import date

import pytest
from parsel import Selector

from spiders.extract import extract_pdf, html_date, listing_date, text_date


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        (
            '<script type="application/ld+json">'
            '{"@graph": [{"datePublished": "2015-03-02"}]}</script>'
            '<meta property="article:published_time" content="2014-01-01">',
            "",
            ("2015-03-02", "json-ld"),
        ),
        ('<meta name="DC.date.issued" content="2011-07-09">', "", ("2011-07-09", "html-meta")),
        ("", '<time datetime="2019-11-30T10:00">30 Nov</time>', ("2019-11-30", "time-element")),
        ('<meta property="article:published_time" content="0000-01-01">', "", (None, None)),
        ('<meta property="article:published_time" content="2999-01-01">', "", (None, None)),
    ],
)
def test_page_dates_come_with_their_provenance(head, body, expected):
    page = f"<html><head>{head}</head><body><p>Nothing here.</p>{body}</body></html>"
    found, source = html_date(page, "http://127.0.0.1/a")
    assert (found.isoformat() if found else None, source) == expected


def test_a_full_date_in_the_url_is_a_last_resort():
    found, source = html_date(
        "<html><body><p>x</p></body></html>", "http://127.0.0.1/news/2016/04/05/a"
    )
    assert (found, source) == (date(2016, 4, 5), "url")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Published 27 June 2012", date(2012, 6, 27)),
        ("3rd Sept. 2010 (PDF)", date(2010, 9, 3)),
        ("posted 2014-02-19", date(2014, 2, 19)),
        ("31 February 2012", None),
        ("June 2012", None),
    ],
)
def test_written_out_dates(text, expected):
    assert text_date(text) == expected


def test_the_date_beside_a_link_belongs_to_that_link_only():
    page = Selector(
        text="<ul><li><a href='/a.pdf'>A</a> <time datetime='2013-01-02'>2 Jan</time></li>"
        "<li><a href='/b.pdf'>B</a> 4 March 2011</li>"
        "<li><a href='/c'>Minutes of 1 May 2009</a></li></ul>"
    )
    links = page.css("a")
    assert [listing_date(link) for link in links] == [date(2013, 1, 2), date(2011, 3, 4), None]


@pytest.mark.parametrize("data", [b"", b"%PDF-1.4\n garbage", b"\x00\x01\x02" * 100])
def test_unreadable_pdfs_are_reported_not_raised(data):
    extracted = extract_pdf(data, "http://127.0.0.1/x.pdf")
    assert extracted.text == "" and extracted.issue in ("pdf-unreadable", "pdf-no-text-layer")
