"""The govuk platform: an organisation's documents through the Search and Content APIs."""

from __future__ import annotations

import duckdb
import pytest

from marketspeak.pipelines import steps
from marketspeak.spiders.extract import fragment_text
from marketspeak.spiders.govuk import PROSE_FIELDS, item_text
from tests.spiders.govuk_site import ORGS, TEXT_ORG, serve_govuk


def crawl_organisation(db, organisation):
    with serve_govuk() as (api, assets, items, seen):
        source = {
            "name": "cqsb",
            "kind": "regulator",
            "platform": "govuk",
            "start_urls": [f"{api}/api/search.json"],
            "organisations": [organisation],
            "hosts": [assets.split("//")[1]],
            "delay": 0,
            "concurrency": 4,
            "page_size": 10,  # small pages, so that paging is exercised
        }
        files = steps.crawl([source], db)
        steps.ingest(db, files, [source])
    return api, items, seen


@pytest.fixture(scope="module")
def govuk_crawl(tmp_path_factory):
    db = tmp_path_factory.mktemp("govuk") / "govuk.duckdb"
    api, items, seen = crawl_organisation(db, "care-quality-standards")
    con = duckdb.connect(str(db), read_only=True)
    yield con, api, items, seen
    con.close()


@pytest.fixture(scope="module")
def text_crawl(tmp_path_factory):
    db = tmp_path_factory.mktemp("govuk-text") / "govuk.duckdb"
    api, _, seen = crawl_organisation(db, TEXT_ORG)
    con = duckdb.connect(str(db), read_only=True)
    yield con, api, seen
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


def stored_texts(con, api):
    """Each stored document by path on the fixture site: (published, date_source, text)."""
    return {
        url.removeprefix(api): (str(published), source, text)
        for url, published, source, text in con.execute(
            "SELECT url, published, date_source, text FROM documents"
        ).fetchall()
    }


def test_text_outside_the_body_is_stored_in_page_order_with_the_item_date(text_crawl):
    con, api, _ = text_crawl
    stored = stored_texts(con, api)
    review = "/government/publications/harbour-review"
    assert stored == {
        "/renew-a-harbour-permit": (
            "2019-03-11",
            "api",
            "Overview\nPermits last a year.\nWhat to bring\nBring the old permit.\n"
            "Fees\nSmall boats pay less.",
        ),
        "/foreign-travel-advice/freedonia": (
            "2018-07-02",
            "api",
            "Check the ferry timetable.\nSafety\nRoads flood in spring.\nHealth\nCarry water.",
        ),
        "/government/collections/harbour-statistics": (
            "2017-05-15",
            "api",
            "Yearly counts of moorings.\nCurrent\nCounts from 2016.\nArchive\nCounts before 2016.",
        ),
        "/apply-mooring-licence": ("2016-02-01", "api", "Apply before you arrive."),
        "/report-a-wreck": ("2015-09-21", "api", "Tell your council about a wreck."),
        review: ("2020-06-29", "api", "The review is attached."),
        review + "/harbour-review-2020": ("2020-06-30", "api", "Findings\nMoorings rose."),
        "/register-a-houseboat": (
            "2013-08-19",
            "api",
            "Register a boat you live on.\nHave your hull number.\nTakes about ten minutes\n"
            "You can also post the form to the harbour office.",
        ),
        "/report-a-loose-buoy": (
            "2012-11-05",
            "api",
            "Tell your council about a buoy adrift.\nAvailable on the coast only\n"
            "After you report\nA crew checks within a day.",
        ),
        "/find-a-harbour-office": (
            "2012-03-12",
            "api",
            "Enter a postcode to find the nearest office.\nOffices open at high tide.",
        ),
        "/harbour-event-licence": ("2011-06-27", "api", "You need a licence to hold a regatta."),
        "/government/consultations/mooring-fees": (
            "2010-10-11",
            "api",
            "We propose new mooring fees.\nFees will rise by a tenth.\n"
            "Most replies backed the change.",
        ),
    }


def test_a_transaction_is_one_document_of_its_intro_then_its_tabs_in_page_order(text_crawl):
    con, api, _ = text_crawl
    rows = con.execute(
        "SELECT text FROM documents WHERE url = ?", [api + "/register-a-houseboat"]
    ).fetchall()
    # the start button, the service it continues on, its link and the downtime notice are
    # not the publisher's prose
    assert rows == [
        (
            "Register a boat you live on.\nHave your hull number.\nTakes about ten minutes\n"
            "You can also post the form to the harbour office.",
        )
    ]


def test_a_local_transaction_reads_what_you_need_to_know_before_more_information(text_crawl):
    con, api, _ = text_crawl
    _, _, text = stored_texts(con, api)["/report-a-loose-buoy"]
    assert text.split("\n") == [
        "Tell your council about a buoy adrift.",
        "Available on the coast only",
        "After you report",
        "A crew checks within a day.",
    ]


def test_an_item_whose_only_prose_is_a_further_field_is_stored_not_an_issue(text_crawl):
    con, api, _ = text_crawl
    licence = api + "/harbour-event-licence"
    assert stored_texts(con, api)["/harbour-event-licence"] == (
        "2011-06-27",
        "api",
        "You need a licence to hold a regatta.",
    )
    issues = con.execute("SELECT count(*) FROM crawl_issues WHERE url = ?", [licence]).fetchone()
    assert issues == (0,)


def test_further_fields_follow_the_body_in_page_order_not_the_json_order():
    order = [
        "need_to_know",
        "more_information",
        "what_you_need_to_know",
        "other_ways_to_apply",
        "licence_overview",
        "final_outcome_detail",
        "public_feedback_detail",
    ]
    details = {name: f"<p>{name}</p>" for name in reversed(order)}
    details |= {"body": "<p>body</p>", "summary": "<p>lead</p>", "start_button_text": "Go"}
    assert item_text(details).split("\n") == ["lead", "body", *order]
    assert list(PROSE_FIELDS) == order


def test_an_item_without_text_anywhere_is_an_issue(text_crawl):
    con, api, _ = text_crawl
    issues = con.execute("SELECT url, reason, detail FROM crawl_issues").fetchall()
    assert issues == [(api + "/empty-guide", "no-main-text", "content item has no body text")]


def test_html_attachments_are_read_through_the_content_api_on_the_site_only(text_crawl):
    _, _, seen = text_crawl
    attached = "/api/content/government/publications/harbour-review/harbour-review-2020"
    assert seen.count(attached) == 1
    assert not [p for p in seen if "example.org" in p or "elsewhere" in p]
