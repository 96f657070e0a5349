"""CMIS committee systems (a DotNetNuke site): meetings calendar → meeting pages → papers.

The entry page (`Meetings.aspx` or the install's own calendar page) names the calendar's
module id (`dnn$ctr<mid>$MeetingCalendarPublic…`) and its tab (`/tabid/<t>/` in its links).
With both, every month from the source's `since` (default SINCE) to this one is read from
the month calendar (`…/Meetings/tabid/<t>/ctl/MeetingCalendarPublicNoJava/mid/<mid>/Date/
<yyyy-mm-01>/…`);
with only the module id, the list view (`?ctl=MeetingCalendarListView&mid=<mid>`) gives the
current month, which is all it shows. Each calendar link to a `ViewMeetingPublic` page
carries the meeting's date (`9 Jul 2026 11:00 - Planning Committee`); a meeting dated
before `since` (on the first month's calendar) is not requested. A meeting page lists
its papers (`li.DocumentListItem a.TitleLink` → `Document.ashx?id=…`, PDF or HTML): minutes
are dated by the meeting (date_source `listing`: the calendar prints it beside the link);
reports by their own date (the PDF's or page's), since a report is often written weeks
before the meeting. A calendar page with neither id is an issue item, not a crash.

Source keys: `start_urls` holds the entry page; `since` (YYYY-MM-DD) the first day read.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin

from scrapy.http import Response, TextResponse

from marketspeak.corpus.items import DOCUMENT
from marketspeak.spiders.extract import Extracted
from marketspeak.spiders.source_spider import SourceSpider, since_of
from marketspeak.spiders.urls import canonical_url, host_of

SINCE = date(2010, 1, 1)  # CMIS5 installs keep their calendars from about then

MODULE_ID = re.compile(r"dnn[$_]ctr(\d+)[$_]MeetingCalendarPublic")
TAB_ID = re.compile(r"/tabid/(\d+)/", re.IGNORECASE)
# "9 Jul 2026 11:00", "Thursday, 9th July 2026"
DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\s+(\d{4})\b")


def meeting_date(text: str) -> date | None:
    """The first day-month-year date written out in `text` (month named or abbreviated)."""
    for day, month, year in DAY_MONTH_YEAR.findall(text or ""):
        try:
            # Every English month name starts with its three-letter abbreviation.
            return datetime.strptime(f"{day} {month[:3]} {year}", "%d %b %Y").date()
        except ValueError:
            continue
    return None


def months_from(since: date, today: date) -> list[date]:
    """The first day of every month from `since`'s to `today`'s, oldest first."""
    months, year, month = [], since.year, since.month
    while (year, month) <= (today.year, today.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def is_minutes(title: str) -> bool:
    return "minute" in title.lower()


class CmisSpider(SourceSpider):
    """Calendar months → meetings → minutes (dated by the meeting) and reports."""

    def __init__(self, source: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(source, **kwargs)
        self.since = since_of(source, SINCE)

    async def start(self) -> Any:
        for url in self.start_urls:
            if request := self.request(url, self.parse_entry):
                yield request

    def parse_entry(self, response: Response) -> Iterator[Any]:
        url = canonical_url(response.url)
        yield self.fetch_record(url, response.status, "", None, response)
        if not isinstance(response, TextResponse):
            return
        module = MODULE_ID.search(response.text)
        tab = TAB_ID.search(response.text)
        if module is None:
            yield self.item(
                url,
                "html",
                Extracted(
                    None,
                    "",
                    None,
                    None,
                    issue="cmis-no-calendar",
                    detail="no MeetingCalendarPublic module on the entry page",
                ),
            )
            return
        yield from self.parse_calendar(response, record=False)
        for calendar in self.calendar_urls(url, module[1], tab[1] if tab else None):
            if request := self.request(canonical_url(calendar), self.parse_calendar):
                yield request

    def calendar_urls(self, entry: str, module: str, tab: str | None) -> list[str]:
        """The month calendars from `since` to now, or the current month's list view."""
        if tab is None:
            return [urljoin(entry, f"?ctl=MeetingCalendarListView&mid={module}")]
        return [
            urljoin(
                entry,
                f"Meetings/tabid/{tab}/ctl/MeetingCalendarPublicNoJava/mid/{module}"
                f"/Date/{month:%Y-%m-%d}/Default.aspx",
            )
            for month in months_from(self.since, date.today())
        ]

    def parse_calendar(self, response: Response, record: bool = True) -> Iterator[Any]:
        """Each link to a meeting page, with the date written in the link or its title."""
        if record:
            yield self.fetch_record(
                canonical_url(response.url), response.status, "", None, response
            )
        if not isinstance(response, TextResponse):
            return
        for link in response.css('a[href*="ViewMeetingPublic"]'):
            url = canonical_url(response.urljoin(link.attrib["href"].strip()))
            if host_of(url) not in self.allowed_hosts:
                self.refuse(url, "offsite")
                continue
            label = " ".join(link.css("::text").getall())
            held = meeting_date(label) or meeting_date(link.attrib.get("title", ""))
            if held is not None and held < self.since:
                continue  # on the first month's calendar, but before the day asked for
            if request := self.request(url, self.parse_meeting):
                request.meta["held"] = held
                yield request

    def parse_meeting(self, response: Response) -> Iterator[Any]:
        """The meeting's papers: minutes carry the meeting's date on to their request."""
        yield self.fetch_record(canonical_url(response.url), response.status, "", None, response)
        if not isinstance(response, TextResponse):
            return
        held = response.meta.get("held") or summary_date(response)
        for link in response.css("li.DocumentListItem a.TitleLink[href]"):
            url = canonical_url(response.urljoin(link.attrib["href"].strip()))
            if host_of(url) not in self.allowed_hosts:
                self.refuse(url, "offsite")
                continue
            title = " ".join(" ".join(link.css("::text").getall()).split())
            minutes = is_minutes(title) and held is not None
            request = self.request(url, self.parse_minutes if minutes else self.parse)
            if request:
                request.meta["held"] = held
                yield request

    async def parse_minutes(self, response: Response) -> AsyncIterator[Any]:
        """Minutes record the meeting, so the meeting's date dates them, whatever the file
        says (a PDF of minutes is often made when they are approved, a month later)."""
        held: date = response.meta["held"]
        async for row in self.parse(response):
            if isinstance(row, dict) and row.get("item") == DOCUMENT:
                row.update(published=held.isoformat(), date_source="listing")
            yield row


def summary_date(response: TextResponse) -> date | None:
    """The date in the meeting summary (`div.holder`: a DNNLabel then its Value), found by
    its label's text because the classes are shared by every field."""
    for holder in response.css("div.holder"):
        label = " ".join(holder.css("div.DNNLabel ::text").getall())
        if "date" in label.lower():
            return meeting_date(" ".join(holder.css("div.Value ::text").getall()))
    return None
