"""ModernGov committee systems, through their web service (`mgWebService.asmx`).

GetCommittees lists committees; GetMeetings lists a committee's meetings; GetMeeting gives
a meeting's agenda items (with agenda and minutes text) and linked documents (report PDFs,
each with its publication date). Each meeting's agenda and minutes text becomes one
document dated by the meeting; each linked document is fetched and dated by its
publication date (date_source `api`). Deleted committees, cancelled meetings and restricted
papers are skipped.

Source keys: `start_urls` holds the site root (the folder that has mgWebService.asmx).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlencode, urljoin

from lxml import etree
from scrapy.http import Response

from marketspeak.spiders.extract import Extracted, fragment_text, normalise_text
from marketspeak.spiders.listings import read_xml
from marketspeak.spiders.source_spider import SourceSpider
from marketspeak.spiders.urls import canonical_url, host_of

SINCE = date(2000, 1, 1)


def uk_date(text: str | None) -> date | None:
    """A ModernGov dd/mm/yyyy date."""
    try:
        day, month, year = (int(part) for part in (text or "").strip().split("/"))
        return date(year, month, day)
    except ValueError:
        return None


def field(node: etree._Element, name: str) -> str:
    found = node.find(name)
    return (found.text or "").strip() if found is not None else ""


class ModernGovSpider(SourceSpider):
    """Committees → meetings → agenda text and linked documents."""

    def service(self, root: str, operation: str, **params: object) -> str:
        query = f"?{urlencode(params)}" if params else ""
        return urljoin(root, f"mgWebService.asmx/{operation}{query}")

    async def start(self) -> Any:
        for root in self.start_urls:
            root = root if root.endswith("/") else root + "/"
            if request := self.request(self.service(root, "GetCommittees"), self.parse_committees):
                request.meta["root"] = root
                yield request

    def follow_service(self, response: Response, url: str, callback: Any) -> Iterator[Any]:
        if request := self.request(url, callback):
            request.meta["root"] = response.meta["root"]
            yield request

    def parse_committees(self, response: Response) -> Iterator[Any]:
        yield self.fetch_record(canonical_url(response.url), response.status, "", None, response)
        root = read_xml(response.body)
        if root is None:
            return
        today = f"{date.today():%d/%m/%Y}"
        for committee in root.iter("committee"):
            if field(committee, "committeedeleted") == "True":
                continue
            url = self.service(
                response.meta["root"],
                "GetMeetings",
                lCommitteeId=field(committee, "committeeid"),
                sFromDate=f"{SINCE:%d/%m/%Y}",
                sToDate=today,
            )
            yield from self.follow_service(response, url, self.parse_meetings)

    def parse_meetings(self, response: Response) -> Iterator[Any]:
        yield self.fetch_record(canonical_url(response.url), response.status, "", None, response)
        root = read_xml(response.body)
        if root is None:
            return
        for meeting in root.iter("meeting"):
            if field(meeting, "meetingstatus").lower() == "cancelled":
                continue
            url = self.service(
                response.meta["root"], "GetMeeting", lMeetingId=field(meeting, "meetingid")
            )
            yield from self.follow_service(response, url, self.parse_meeting)

    def parse_meeting(self, response: Response) -> Iterator[Any]:
        yield self.fetch_record(canonical_url(response.url), response.status, "", None, response)
        meeting = read_xml(response.body)
        if meeting is None:
            return
        held = uk_date(field(meeting, "meetingdate"))
        committee = next((field(d, "committeetitle") for d in meeting.iter("linkeddoc")), "")
        paragraphs = []
        for item in meeting.iter("agendaitem"):
            if field(item, "isrestricted") == "True":
                continue
            paragraphs.append(field(item, "agendaitemtitle"))
            for part in ("agendatext", "minutesnonemptyhtmlbody"):
                paragraphs.append(fragment_text(field(item, part)))
            yield from self.linked_documents(item)
        text = normalise_text("\n".join(p for p in paragraphs if p))
        if text:
            page = canonical_url(
                urljoin(
                    response.meta["root"],
                    "ieListDocuments.aspx?" + urlencode({"MId": field(meeting, "meetingid")}),
                )
            )
            title = " – ".join(p for p in (committee, field(meeting, "meetingdate")) if p)
            yield self.item(
                page, "html", Extracted(title or None, text, held, "api" if held else None)
            )

    def linked_documents(self, item: etree._Element) -> Iterator[Any]:
        for doc in item.iter("linkeddoc"):
            if field(doc, "isrestricted") == "True" or field(doc, "isurl") == "True":
                continue
            url = canonical_url(field(doc, "url"))
            if not url or host_of(url) not in self.allowed_hosts or not self.is_document(url):
                continue
            published = uk_date(field(doc, "publicationdate"))
            listed = (published, "api") if published else None
            if request := self.request(url, self.parse, listed):
                yield request
