"""The cmis platform: a CMIS calendar's meetings, their minutes and their reports."""

from __future__ import annotations

import json
from datetime import date

import pytest

from marketspeak.spiders.cmis import SINCE, meeting_date, months_from
from marketspeak.spiders.launch import run_crawl
from tests.spiders.cmis_site import BOROUGH, COUNTY, serve_cmis


@pytest.fixture(scope="module")
def cmis_crawl(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmis")
    with serve_cmis() as (base, seen):
        sources = [
            {
                "name": site,
                "kind": "council",
                "platform": "cmis",
                "start_urls": [f"{base}/{site}/Meetings.aspx"],
                "delay": 0,
                "concurrency": 8,
            }
            for site in ("county", "borough", "closed")
        ]
        result = run_crawl(sources, out)
    rows = [json.loads(line) for f in result.item_files for line in f.read_text().splitlines()]
    yield rows, base, seen


def documents(rows, source):
    return {
        r["url"]: (r["published"], r["date_source"])
        for r in rows
        if r["item"] == "document" and r["source"] == source
    }


def test_minutes_are_dated_by_the_meeting_and_reports_by_their_own_date(cmis_crawl):
    rows, base, _ = cmis_crawl
    doc = f"{base}/county/Document.ashx?id="
    assert documents(rows, "county") == {
        doc + "a1f3": ("2025-03-12", "listing"),  # the PDF itself says 2025-04-09
        doc + "b2c4": ("2025-02-20", "pdf-metadata"),
        doc + "c3d5": ("2024-11-05", "listing"),  # the page itself says 2024-12-02
        doc + "d4e6": ("2024-10-28", "html-meta"),
    }
    texts = {r["url"]: r["text"] for r in rows if r["item"] == "document"}
    assert "Unit costs rose." in texts[doc + "b2c4"]
    assert "Members asked why." in texts[doc + "c3d5"]


def test_a_listed_paper_the_site_cannot_serve_is_a_failed_fetch(cmis_crawl):
    rows, base, _ = cmis_crawl
    missing = f"{base}/county/Document.ashx?id=e5f7"
    fetches = [r for r in rows if r["item"] == "fetch" and r["url"] == missing]
    assert [f["status"] for f in fetches] == [404]
    assert missing not in documents(rows, "county")


def test_every_month_since_the_start_is_read_from_the_month_calendar(cmis_crawl):
    _, _, seen = cmis_crawl
    months = {p.split("/Date/")[1][:10] for p in seen if "MeetingCalendarPublicNoJava" in p}
    assert months == {f"{m:%Y-%m-%d}" for m in months_from(SINCE, date.today())}
    meetings = {p for p in seen if "/county/" in p and "ViewMeetingPublic" in p}
    assert len(meetings) == len(COUNTY)


@pytest.fixture(scope="module")
def cmis_crawl_since(tmp_path_factory):
    """The county install crawled from 6 November 2024: the day after one of its meetings."""
    out = tmp_path_factory.mktemp("cmis-since")
    with serve_cmis() as (base, seen):
        source = {
            "name": "county",
            "kind": "council",
            "platform": "cmis",
            "start_urls": [f"{base}/county/Meetings.aspx"],
            "since": "2024-11-06",
            "delay": 0,
            "concurrency": 8,
        }
        result = run_crawl([source], out)
    rows = [json.loads(line) for f in result.item_files for line in f.read_text().splitlines()]
    yield rows, base, seen


def test_a_crawl_with_since_reads_the_month_calendars_from_its_month_on(cmis_crawl_since):
    _, _, seen = cmis_crawl_since
    months = [p.split("/Date/")[1][:10] for p in seen if "MeetingCalendarPublicNoJava" in p]
    today = date.today()
    assert len(months) == (today.year - 2024) * 12 + today.month - 11 + 1
    assert sorted(months) == [f"{m:%Y-%m-%d}" for m in months_from(date(2024, 11, 1), today)]
    assert min(months) == "2024-11-01"


def test_a_crawl_with_since_stores_only_the_papers_of_meetings_from_that_day(cmis_crawl_since):
    rows, base, seen = cmis_crawl_since
    doc = f"{base}/county/Document.ashx?id="
    # The 5 November 2024 meeting is on November's calendar but held before the day.
    assert documents(rows, "county") == {
        doc + "a1f3": ("2025-03-12", "listing"),
        doc + "b2c4": ("2025-02-20", "pdf-metadata"),
    }
    assert not [p for p in seen if "/Meeting/15115/" in p]


def test_an_install_without_a_month_calendar_is_read_from_its_list_view(cmis_crawl):
    rows, base, seen = cmis_crawl
    [cabinet] = BOROUGH
    minutes = f"{base}/borough/Document.ashx?id={cabinet.papers[0].id}"
    assert documents(rows, "borough") == {minutes: (str(cabinet.held), "listing")}
    assert not [p for p in seen if "/borough/" in p and "MeetingCalendarPublicNoJava" in p]


def test_an_entry_page_with_no_calendar_is_an_issue(cmis_crawl):
    rows, base, _ = cmis_crawl
    issues = [r for r in rows if r["item"] == "issue" and r["source"] == "closed"]
    assert [(i["url"], i["reason"]) for i in issues] == [
        (f"{base}/closed/Meetings.aspx", "cmis-no-calendar")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9 Jul 2026 11:00 - Planning Committee", date(2026, 7, 9)),
        ("Thursday, 9th July 2026", date(2026, 7, 9)),
        ("Click to view: Cabinet - 30 Sept 2025 10:00", date(2025, 9, 30)),
        ("Monday, 8 June", None),
        ("31 Feb 2025", None),
    ],
)
def test_meeting_dates_are_read_as_calendars_write_them(text, expected):
    assert meeting_date(text) == expected
