"""Which links are pagination (spiders/pagination.py): each rule on its own, and the links
that must not pass for pagination."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from marketspeak.spiders.pagination import PageLinks
from marketspeak.spiders.urls import canonical_url

PAGE = "https://council.example/news/"


def classify(body: str, page: str = PAGE) -> dict[str, bool]:
    """Each link's text -> whether it is pagination, on a page of `body`."""
    response = HtmlResponse(
        page, body=f"<html><body>{body}</body></html>".encode(), encoding="utf-8"
    )
    links = PageLinks(response, canonical_url(page))
    return {
        "".join(a.xpath(".//text()").getall()).strip() or a.attrib["href"]: links.is_pagination(
            a, canonical_url(response.urljoin(a.attrib["href"]))
        )
        for a in response.css("a[href]")
    }


@pytest.mark.parametrize(
    "link",
    [
        '<a href="/news/archive-b/">Next</a>',
        '<a href="/news/archive-b/">Next page \u203a</a>',
        '<a href="/news/archive-b/">\u00ab Previous</a>',
        '<a href="/news/archive-b/">Older posts</a>',
        '<a href="/news/archive-b/">Nesaf</a>',
        '<a href="/news/archive-b/">Page 3</a>',
        '<a href="/news/archive-b/">\u00bb</a>',
        '<a rel="next" href="/news/archive-b/">go on</a>',
        '<a href="/news/archive-b/" aria-label="Next page"><svg></svg></a>',
        '<nav class="pagination"><ul><li><a href="/news/archive-b/">4</a></li></ul></nav>',
        '<div role="navigation" aria-label="Pager"><a href="/news/archive-b/">4</a></div>',
        '<a href="/news/?page=4">4</a>',
        '<a href="/news/page/4/">See more</a>',
        '<a href="/news/?start=40">See more</a>',
    ],
)
def test_a_link_marked_or_shaped_as_pagination_is_pagination(link):
    assert list(classify(link).values()) == [True]


def test_a_link_named_by_the_pages_link_rel_next_is_pagination():
    response = HtmlResponse(
        PAGE,
        body=b'<html><head><link rel="next" href="/news/b/"></head>'
        b'<body><a href="/news/b/">More news</a></body></html>',
        encoding="utf-8",
    )
    [link] = response.css("a[href]")
    assert PageLinks(response, PAGE).is_pagination(link, "https://council.example/news/b/")


@pytest.mark.parametrize(
    "link",
    [
        '<a href="/news/2024/budget.html">Budget agreed</a>',
        '<a href="/news/2024/budget.html">Next steps for the budget</a>',
        '<a href="/news/2024/budget.html">2024</a>',  # a year, not in a pager
        '<a href="/reports/?page=2">2</a>',  # another listing's page
        '<a href="/news/?id=5">Item 5</a>',
        '<a href="/news/?p=123">A post</a>',  # WordPress post ids are not page numbers
        '<a href="/news/">Back to the news</a>',
    ],
)
def test_ordinary_links_are_not_pagination(link):
    assert list(classify(link).values()) == [False]


def test_a_pager_far_above_a_link_does_not_make_it_pagination():
    deep = '<div class="pager">' + "<div>" * 10 + '<a href="/news/x.html">Report</a>'
    assert list(classify(deep + "</div>" * 11).values()) == [False]
