"""Extraction of text and dates, with where each date came from."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from parsel import Selector

from marketspeak.spiders.extract import extract_pdf, html_date, listing_date, text_date
from tests.spiders.pdf_fixtures import lines_pdf

FETCHED = datetime(2024, 5, 10, 9, 30, tzinfo=UTC)


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
        (
            "",
            '<article><p>By us</p><time datetime="2019-11-30T10:00">30 Nov</time></article>',
            ("2019-11-30", "time-element"),
        ),
        ('<meta property="article:published_time" content="0000-01-01">', "", (None, None)),
        ('<meta property="article:published_time" content="2999-01-01">', "", (None, None)),
    ],
)
def test_page_dates_come_with_their_provenance(head, body, expected):
    page = f"<html><head>{head}</head><body><p>Nothing here.</p>{body}</body></html>"
    found, source = html_date(page, "http://127.0.0.1/a")
    assert (found.isoformat() if found else None, source) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # Tied to the publication: marked as its date, or in the article itself.
        ('<p><time pubdate datetime="2018-02-03">3 Feb</time></p>', "2018-02-03"),
        ('<p><time itemprop="datePublished" datetime="2018-02-04">4 Feb</time></p>', "2018-02-04"),
        ('<p><time class="dt-published" datetime="2018-02-05">5 Feb</time></p>', "2018-02-05"),
        (
            '<nav><time datetime="2024-05-10">today</time></nav><article><header><h1>T</h1>'
            '<time datetime="2018-02-06">6 Feb</time></header></article>',
            "2018-02-06",
        ),
        (
            '<article><footer>Updated <time datetime="2024-01-01">1 Jan</time></footer>'
            '<article>Comment <time datetime="2023-12-31">31 Dec</time></article>'
            '<p>Posted <time datetime="2018-02-07">7 Feb</time></p></article>',
            "2018-02-07",
        ),
    ],
)
def test_a_time_element_tied_to_the_publication_is_trusted(body, expected):
    page = f"<html><body><p>Nothing here.</p>{body}</body></html>"
    found, source = html_date(page, "http://127.0.0.1/a")
    assert (found.isoformat(), source) == (expected, "time-element")


@pytest.mark.parametrize(
    "body",
    [
        '<div class="weather">Today <time datetime="2024-05-10">10 May</time></div>',
        '<aside>Related: <time datetime="2015-06-01">1 June</time></aside>',
        '<article><footer>Updated <time datetime="2024-01-01">1 Jan</time></footer></article>',
        '<article><p>x</p><section class="comments"><article>'
        '<time datetime="2023-12-31">31 Dec</time></article></section></article>',
    ],
)
def test_a_time_element_not_tied_to_the_publication_is_kept_as_untied(body):
    page = f"<html><body><p>Nothing here.</p>{body}</body></html>"
    _, source = html_date(page, "http://127.0.0.1/a")
    assert source == "time-element-untied"


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


@pytest.mark.parametrize(
    ("created", "expected"),
    [
        (FETCHED - timedelta(days=400), "pdf-metadata"),
        (FETCHED - timedelta(days=1), "pdf-metadata"),
        (FETCHED - timedelta(hours=23), "pdf-metadata-recent"),
        (FETCHED, "pdf-metadata-recent"),  # made on request: the moment it was served
        (FETCHED + timedelta(hours=2), "pdf-metadata-recent"),
    ],
)
def test_a_pdf_creation_date_is_trusted_only_well_before_the_fetch(created, expected):
    data = lines_pdf([["The annual report of the council."]], "Report", created)
    extracted = extract_pdf(data, "http://127.0.0.1/r.pdf", FETCHED)
    assert (extracted.published, extracted.date_source) == (created.date(), expected)


def test_a_pdf_title_is_one_clean_line():
    data = lines_pdf([["Text."]], "Budget \u202egnidnuf\u202c\treport")
    assert extract_pdf(data, "http://127.0.0.1/r.pdf").title == "Budget gnidnuf report"


TOPICS = ["libraries", "roads", "parks", "housing", "schools", "care", "waste", "planning"]


def report_pages(n_pages: int) -> list[list[str]]:
    """Pages with a running header, a page-number footer and their own text."""
    return [
        [
            "Northshire Council | Annual report 2019",
            f"Chapter {n}",
            f"This chapter covers {topic}.",
            f"Spending on {topic} rose and the plan for {topic} was agreed.",
            "Service users were asked what they think.",
            f"The committee for {topic} met monthly.",
            f"Residents praised the {topic} team.",
            f"Page {n} of {n_pages}",
        ]
        for n, topic in enumerate(TOPICS[:n_pages], start=1)
    ]


def test_running_headers_and_page_numbers_are_not_counted_as_text():
    text = extract_pdf(lines_pdf(report_pages(6)), "http://127.0.0.1/r.pdf").text
    assert "Northshire Council" not in text and "Page" not in text
    for topic in TOPICS[:6]:
        assert f"This chapter covers {topic}. Spending on {topic} rose" in text
        assert f"Residents praised the {topic} team." in text
    # A line inside the pages, however often it recurs, is text: only edges are headers.
    assert text.count("Service users were asked what they think.") == 6
    # "Chapter n" is near the top of every page too: numbers aside, it repeats as well.
    assert "Chapter" not in text


def test_a_line_on_the_edge_of_only_half_the_pages_is_text():
    pages = report_pages(6)
    for n, page in enumerate(pages):
        page[0] = "Northshire Council" if n % 2 else "Annual report 2019"
    text = extract_pdf(lines_pdf(pages), "http://127.0.0.1/r.pdf").text
    assert text.count("Northshire Council") == 3 and text.count("Annual report 2019") == 3


def test_a_two_page_pdf_keeps_its_repeated_lines():
    text = extract_pdf(lines_pdf(report_pages(2)), "http://127.0.0.1/r.pdf").text
    assert text.count("Northshire Council") == 2


def test_a_hyphen_at_a_line_break_stays_a_hyphen_and_words_are_not_split():
    data = lines_pdf([["the council-", "wide plan and its depart-", "ments succeeded"]])
    text = extract_pdf(data, "http://127.0.0.1/r.pdf").text
    assert "council-wide plan" in text and "succeeded" in text
