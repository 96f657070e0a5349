"""The moderngov platform: committee papers and minutes through mgWebService.asmx."""

from __future__ import annotations

import duckdb
import pytest

from marketspeak.pipelines import steps
from tests.spiders.moderngov_site import COMMITTEES, serve_moderngov


@pytest.fixture(scope="module")
def moderngov_crawl(tmp_path_factory):
    db = tmp_path_factory.mktemp("moderngov") / "mg.duckdb"
    with serve_moderngov() as (base, seen):
        source = {
            "name": "borough",
            "kind": "council",
            "platform": "moderngov",
            "start_urls": [f"{base}/"],
            "delay": 0,
            "concurrency": 4,
        }
        files = steps.crawl([source], db)
        steps.ingest(db, files, [source])
    con = duckdb.connect(str(db), read_only=True)
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
