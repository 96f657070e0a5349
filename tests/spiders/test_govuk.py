"""The govuk platform: an organisation's documents through the Search and Content APIs."""

from __future__ import annotations

import duckdb
import pytest

from marketspeak.pipelines import steps
from marketspeak.spiders.extract import fragment_text
from tests.spiders.govuk_site import ORGS, serve_govuk


@pytest.fixture(scope="module")
def govuk_crawl(tmp_path_factory):
    db = tmp_path_factory.mktemp("govuk") / "govuk.duckdb"
    with serve_govuk() as (api, assets, items, seen):
        source = {
            "name": "cqsb",
            "kind": "regulator",
            "platform": "govuk",
            "start_urls": [f"{api}/api/search.json"],
            "organisations": ["care-quality-standards"],
            "hosts": [assets.split("//")[1]],
            "delay": 0,
            "concurrency": 4,
            "page_size": 10,  # small pages, so that paging is exercised
        }
        files = steps.crawl([source], db)
        steps.ingest(db, files, [source])
    con = duckdb.connect(str(db), read_only=True)
    yield con, api, items, seen
    con.close()


def test_every_item_of_the_organisation_is_stored_with_its_api_date(govuk_crawl):
    con, api, items, _ = govuk_crawl
    stored = dict(
        con.execute(
            "SELECT url, CAST(published AS VARCHAR) || ' ' || date_source FROM documents "
            "WHERE content_type = 'html'"
        ).fetchall()
    )
    expected = {
        api + i.path: f"{i.first_published} api" for i in items if i.org == "care-quality-standards"
    }
    assert stored == expected


def test_other_organisations_and_other_sites_are_not_fetched(govuk_crawl):
    _, _, _, seen = govuk_crawl
    assert not [p for p in seen if "roads-agency" in p and "content" in p]
    assert not [p for p in seen if "example.org" in p]


def test_attachments_in_both_forms_are_fetched_from_the_asset_host(govuk_crawl):
    con, _, items, seen = govuk_crawl
    wanted = {i.pdf for i in items if i.org == "care-quality-standards" and i.pdf}
    fetched = {p.removeprefix("assets:") for p in seen if p.startswith("assets:")}
    assert fetched - {"/robots.txt"} == wanted
    pdfs = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE date_source = 'api') FROM documents "
        "WHERE content_type = 'pdf'"
    ).fetchone()
    assert pdfs == (len(wanted), len(wanted))


def test_search_results_are_paged_until_the_total(govuk_crawl):
    _, _, _, seen = govuk_crawl
    pages = [p for p in seen if p.startswith("/api/search.json")]
    assert len(pages) == -(-ORGS["care-quality-standards"] // 10) == 3


def test_fragment_text_keeps_paragraphs_and_list_items():
    html = "<div><p>One <b>two</b>.</p><ul><li>Three</li></ul><p></p></div>"
    assert fragment_text(html) == "One two.\nThree"
