"""The moderngov platform: committee papers and minutes through mgWebService.asmx, and
through the public pages when the web service is switched off."""

from __future__ import annotations

import duckdb
import pytest

from marketspeak.pipelines import steps
from marketspeak.spiders.moderngov import query_value
from tests.spiders.moderngov_site import COMMITTEES, serve_moderngov


def crawl_into(db, web_service_answer=200, **keys):
    with serve_moderngov(web_service_answer) as (base, seen):
        source = {
            "name": "borough",
            "kind": "council",
            "platform": "moderngov",
            "start_urls": [f"{base}/"],
            "delay": 0,
            "concurrency": 4,
            **keys,
        }
        files = steps.crawl([source], db)
        steps.ingest(db, files, [source])
    return duckdb.connect(str(db), read_only=True), base, seen


@pytest.fixture(scope="module")
def moderngov_crawl(tmp_path_factory):
    con, base, seen = crawl_into(tmp_path_factory.mktemp("moderngov") / "mg.duckdb")
    yield con, base, seen
    con.close()


@pytest.fixture(scope="module", params=[404, 403, "html"])
def public_pages_crawl(request, tmp_path_factory):
    """The same site crawled with its web service answering 404, 403, or an HTML page."""
    db = tmp_path_factory.mktemp("moderngov-pages") / "mg.duckdb"
    con, base, seen = crawl_into(db, request.param)
    yield con, base, seen
    con.close()


def live_meetings():
    return [
        m for _, deleted, ms in COMMITTEES.values() if not deleted for m in ms if not m.cancelled
    ]


def test_papers_are_stored_with_their_publication_dates(moderngov_crawl):
    con, base, _ = moderngov_crawl
    stored = dict(
        con.execute(
            "SELECT url, CAST(published AS VARCHAR) || ' ' || date_source FROM documents "
            "WHERE content_type = 'pdf'"
        ).fetchall()
    )
    expected = {
        f"{base}/mgConvert2PDF.aspx?ID={p.attachment}": f"{p.published} api"
        for m in live_meetings()
        for p in m.papers
        if not p.restricted
    }
    assert stored == expected


def test_minutes_become_documents_dated_by_the_meeting(moderngov_crawl):
    con, base, _ = moderngov_crawl
    stored = dict(
        con.execute(
            "SELECT url, CAST(published AS VARCHAR) FROM documents WHERE content_type = 'html'"
        ).fetchall()
    )
    assert stored == {
        f"{base}/ieListDocuments.aspx?MId={m.id}": str(m.held) for m in live_meetings()
    }
    text = con.execute("SELECT text FROM documents WHERE url LIKE '%MId=5001'").fetchone()[0]
    assert "customer journey" in text


def test_deleted_committees_cancelled_meetings_and_restricted_papers_are_skipped(moderngov_crawl):
    _, _, seen = moderngov_crawl
    assert not [p for p in seen if "lCommitteeId=102" in p]
    assert not [p for p in seen if "lMeetingId=5002" in p]
    assert not [p for p in seen if "ID=9002" in p or "ID=9003" in p]


DOCUMENTS = (
    "SELECT replace(url, ?, '') AS url, title, text, CAST(published AS VARCHAR), date_source "
    "FROM documents ORDER BY url"
)


def test_public_pages_give_the_web_services_documents_and_dates(
    moderngov_crawl, public_pages_crawl
):
    service, service_base, _ = moderngov_crawl
    pages, pages_base, _ = public_pages_crawl
    by_service = service.execute(DOCUMENTS, [service_base]).fetchall()
    by_pages = pages.execute(DOCUMENTS, [pages_base]).fetchall()
    assert len(by_service) == 4  # two meetings' minutes and their two public papers
    # Same URLs, titles, texts and dates; the date's source says where it was read.
    assert [row[:4] for row in by_pages] == [row[:4] for row in by_service]
    assert {row[4] for row in by_service} == {"api"}
    assert {row[4] for row in by_pages} == {"listing"}


def test_the_crawl_records_which_path_it_used(moderngov_crawl, public_pages_crawl):
    service, _, _ = moderngov_crawl
    pages, base, _ = public_pages_crawl
    query = "SELECT url, reason, detail FROM crawl_issues WHERE reason = 'moderngov-public-pages'"
    assert service.execute(query).fetchall() == []
    [(url, _, detail)] = pages.execute(query).fetchall()
    assert url == f"{base}/mgWebService.asmx/GetCommittees"
    assert "mgListCommittees.aspx" in detail
    assert pages.execute("SELECT issues FROM crawl_runs").fetchall() == [(1,)]


def test_public_pages_skip_cancelled_meetings_and_never_call_the_service_again(
    public_pages_crawl,
):
    _, _, seen = public_pages_crawl
    assert [p for p in seen if p.startswith("/mgWebService.asmx")] == [
        "/mgWebService.asmx/GetCommittees"
    ]
    assert not [p for p in seen if "MId=5002" in p or "ID=9003" in p or "CId=102" in p]
    assert not [p for p in seen if "/documents/" in p]  # reports are fetched by attachment id


@pytest.fixture(scope="module", params=[200, 404])
def since_crawl(request, tmp_path_factory):
    """The site crawled from 2015 (after meeting 5001 of 2012), by its web service (200) and
    by its public pages (404)."""
    db = tmp_path_factory.mktemp("moderngov-since") / "mg.duckdb"
    con, base, seen = crawl_into(db, request.param, since="2015-01-01")
    yield con, base, seen, request.param
    con.close()


def test_the_web_service_is_asked_for_meetings_from_since(since_crawl):
    _, _, seen, answer = since_crawl
    asked = [p for p in seen if p.startswith("/mgWebService.asmx/GetMeetings")]
    if answer == 200:
        assert [query_value(p, "lCommitteeId") for p in asked] == ["101"]
        assert {query_value(p, "sFromDate") for p in asked} == {"01/01/2015"}
    else:
        assert asked == []


def test_meetings_before_since_and_their_papers_are_not_stored(since_crawl):
    con, base, seen, _ = since_crawl
    stored = con.execute(DOCUMENTS, [base]).fetchall()
    assert [(url, published) for url, _, _, published, _ in stored] == [
        ("/ieListDocuments.aspx?MId=5003", "2021-06-08"),
        ("/mgConvert2PDF.aspx?ID=9004", "2021-05-28"),
    ]
    assert not [p for p in seen if "5001" in p or "9001" in p]
