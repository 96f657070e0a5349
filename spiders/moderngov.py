"""ModernGov committee systems, through their web service (`mgWebService.asmx`), or through
the public pages when a council has switched the web service off.

GetCommittees lists committees; GetMeetings lists a committee's meetings held from the
source's `since` (sFromDate; default SINCE) to today; GetMeeting gives a meeting's agenda
items (with agenda and minutes text) and linked documents (report PDFs, each with its
publication date). Each meeting's agenda and minutes text becomes one document dated by the
meeting; each linked document is fetched and dated by its publication date (date_source
`api`). Deleted committees, cancelled meetings and restricted papers are skipped.

When GetCommittees answers with an HTTP error (404, 403, ...) or with something that is not
a committee list, the same documents are read from the public pages: the committee list
(mgListCommittees.aspx) -> each committee's meetings (ieListMeetings.aspx, Year=0) -> each
meeting's page (ieListDocuments.aspx: agenda items, minutes and report links). Report links
(documents/s<attachmentid>/...) are fetched as mgConvert2PDF.aspx?ID=<attachmentid>, the URL
the web service gives, so a council that switches paths keeps its documents' URLs. Dates are
the ones the pages print beside each link (date_source `listing`): the meeting's date in
the meetings list, a report's publication date in the meeting page. The meetings list
(every year) dates each meeting, so one held before `since` is not requested; one whose date
cannot be read is, since leaving it out could lose a meeting from the period. Cancelled
meetings and restricted papers do not appear there. The switch is recorded as a crawl issue
(reason `moderngov-public-pages`, on the GetCommittees URL) and logged.

Source keys: `start_urls` holds the site root (the folder that has mgWebService.asmx);
`since` (YYYY-MM-DD) the first day whose meetings are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from lxml import etree
from scrapy.http import Response

from marketspeak.corpus.items import FIELDS, ISSUE, now_iso
from marketspeak.spiders.extract import Extracted, fragment_text, normalise_text
from marketspeak.spiders.listings import read_xml
from marketspeak.spiders.source_spider import SourceSpider, since_of
from marketspeak.spiders.urls import canonical_url, host_of

SINCE = date(2000, 1, 1)
# The crawl issue that says a source was read from its public pages, not its web service.
PUBLIC_PAGES = "moderngov-public-pages"
# Report links on a meeting page: documents/s<attachmentid>/<title>.pdf.
ATTACHMENT = re.compile(r"/documents/s(\d+)/", re.IGNORECASE)
# What the pages' dates are: printed beside the link that led to the document.
PAGES_DATE = "listing"
UK_DATE = re.compile(r"\b(\d{1,2}/\d{1,2}/\d{4})\b")


def uk_date(text: str | None) -> date | None:
    """A ModernGov dd/mm/yyyy date."""
    try:
        day, month, year = (int(part) for part in (text or "").strip().split("/"))
        return date(year, month, day)
    except ValueError:
        return None


def listed_meeting_date(text: str) -> date | None:
    """The date a meetings list gives a meeting as its link text: `6 Mar 2012 10.00 am`."""
    try:
        return datetime.strptime(" ".join(text.split()[:3]), "%d %b %Y").date()
    except ValueError:
        return None


def query_value(url: str, name: str) -> str:
    """A query parameter, whatever its case (ModernGov writes MId and MID)."""
    wanted = name.lower()
    return next((v for k, v in parse_qsl(urlsplit(url).query) if k.lower() == wanted), "")


def meeting_page(root: str, meeting_id: str) -> str:
    """The URL a meeting's agenda and minutes are stored under, on either path."""
    return canonical_url(urljoin(root, "ieListDocuments.aspx?" + urlencode({"MId": meeting_id})))


def paper_url(root: str, attachment_id: str) -> str:
    return canonical_url(urljoin(root, f"mgConvert2PDF.aspx?ID={attachment_id}"))


def field(node: etree._Element, name: str) -> str:
    found = node.find(name)
    return (found.text or "").strip() if found is not None else ""


class ModernGovSpider(SourceSpider):
    """Committees → meetings → agenda text and linked documents."""

    def __init__(self, source: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(source, **kwargs)
        self.since = since_of(source, SINCE)

    def service(self, root: str, operation: str, **params: object) -> str:
        query = f"?{urlencode(params)}" if params else ""
        return urljoin(root, f"mgWebService.asmx/{operation}{query}")

    async def start(self) -> Any:
        for root in self.start_urls:
            root = root if root.endswith("/") else root + "/"
            if request := self.request(self.service(root, "GetCommittees"), self.parse_committees):
                request.meta["root"] = root
                yield request.replace(errback=self.service_failed)

    def follow_service(
        self, response: Response, url: str, callback: Any, **meta: Any
    ) -> Iterator[Any]:
        if request := self.request(url, callback):
            request.meta.update(meta, root=response.meta["root"])
            yield request

    def service_failed(self, failure: Any) -> Iterator[Any]:
        """A web service that answers with an HTTP error is switched off: use the pages."""
        yield from self.failed(failure)
        response = getattr(failure.value, "response", None)
        if response is not None:
            asked = failure.request
            yield from self.public_pages(asked, f"answered HTTP {response.status}")

    def public_pages(self, asked: Any, why: str) -> Iterator[Any]:
        """Record (as a crawl issue, and in the log) that the web service could not be used,
        then start from the committee list."""
        root = asked.meta["root"]
        detail = f"mgWebService.asmx {why}; read the public pages from mgListCommittees.aspx"
        self.logger.warning("%s: %s", self.source["name"], detail)
        row = dict.fromkeys(FIELDS)
        row.update(
            item=ISSUE,
            source=self.source["name"],
            url=canonical_url(asked.url),
            reason=PUBLIC_PAGES,
            detail=detail,
            fetched_at=now_iso(),
        )
        yield row
        url = canonical_url(urljoin(root, "mgListCommittees.aspx"))
        if request := self.request(url, self.parse_committee_list):
            request.meta["root"] = root
            yield request

    def parse_committees(self, response: Response) -> Iterator[Any]:
        yield self.fetch_record(canonical_url(response.url), response.status, "", None, response)
        root = read_xml(response.body)
        if root is None or etree.QName(root).localname != "committees":
            # An install that turns the service off may answer 200 with an HTML page.
            yield from self.public_pages(response.request, "gave no committee list")
            return
        self.logger.info("%s: read through mgWebService.asmx", self.source["name"])
        today = f"{date.today():%d/%m/%Y}"
        for committee in root.iter("committee"):
            if field(committee, "committeedeleted") == "True":
                continue
            url = self.service(
                response.meta["root"],
                "GetMeetings",
                lCommitteeId=field(committee, "committeeid"),
                sFromDate=f"{self.since:%d/%m/%Y}",
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
            page = meeting_page(response.meta["root"], field(meeting, "meetingid"))
            title = " – ".join(p for p in (committee, field(meeting, "meetingdate")) if p)
            yield self.item(
                page, "html", Extracted(title or None, text, held, "api" if held else None)
            )

    def linked_documents(self, item: etree._Element) -> Iterator[Any]:
        for doc in item.iter("linkeddoc"):
            if field(doc, "isrestricted") == "True" or field(doc, "isurl") == "True":
                continue
            url = canonical_url(field(doc, "url"))
            published = uk_date(field(doc, "publicationdate"))
            yield from self.paper(url, (published, "api") if published else None)

    def paper(self, url: str, listed: tuple[date, str] | None) -> Iterator[Any]:
        if not url or host_of(url) not in self.allowed_hosts or not self.is_document(url):
            return
        if request := self.request(url, self.parse, listed):
            yield request

    # The public pages, for a council whose web service is off.

    def parse_committee_list(self, response: Response) -> Iterator[Any]:
        """mgListCommittees.aspx links each committee as mgCommitteeDetails.aspx?ID=<cid>;
        its meetings of every year are on ieListMeetings.aspx?CId=<cid>&Year=0."""
        yield self.fetch_record(canonical_url(response.url), response.status, "", None, response)
        for link in response.css('a[href*="mgCommitteeDetails.aspx"]'):
            committee = query_value(response.urljoin(link.attrib["href"]), "ID")
            if not committee:
                continue
            title = normalise_text(" ".join(link.css("::text").getall()))
            url = canonical_url(
                urljoin(response.meta["root"], f"ieListMeetings.aspx?CId={committee}&Year=0")
            )
            yield from self.follow_service(response, url, self.parse_meeting_list, committee=title)

    def parse_meeting_list(self, response: Response) -> Iterator[Any]:
        """Each meeting is a link to its ieListDocuments.aspx page, its date as link text;
        a cancelled meeting says so in the link. Year=0 lists every year, so meetings before
        `since` are left out here."""
        yield self.fetch_record(canonical_url(response.url), response.status, "", None, response)
        for link in response.css('a[href*="ieListDocuments.aspx"]'):
            label = " ".join(" ".join(link.css("::text").getall()).split())
            held = listed_meeting_date(label)
            if "cancelled" in label.lower() or (held is not None and held < self.since):
                continue
            url = canonical_url(response.urljoin(link.attrib["href"]))
            yield from self.follow_service(
                response,
                url,
                self.parse_meeting_page,
                committee=response.meta["committee"],
                held=held,
                meeting=query_value(url, "MId"),
            )

    def parse_meeting_page(self, response: Response) -> Iterator[Any]:
        """Agenda items (title, agenda text, minutes) make the meeting's document; report
        links are followed, dated by the publication date printed beside them."""
        yield self.fetch_record(canonical_url(response.url), response.status, "", None, response)
        meta, root = response.meta, response.meta["root"]
        paragraphs = [
            part
            for cell in response.xpath('//td[p[contains(@class, "mgAiTitleTxt")]]')
            for part in agenda_item(cell)
        ]
        for link in response.css("ul.mgBulletList a[href]"):
            found = ATTACHMENT.search(response.urljoin(link.attrib["href"]))
            if not found:
                continue  # meeting-level packs: the web service does not list them either
            printed = UK_DATE.search(" ".join(link.xpath("ancestor::li[1]//text()").getall()))
            published = uk_date(printed.group(1)) if printed else None
            listed = (published, PAGES_DATE) if published else None
            yield from self.paper(paper_url(root, found.group(1)), listed)
        text = normalise_text("\n".join(p for p in paragraphs if p))
        if text and meta["meeting"]:
            held = meta["held"]
            stamp = f"{held:%d/%m/%Y}" if held else ""
            title = " – ".join(p for p in (meta["committee"], stamp) if p)
            yield self.item(
                meeting_page(root, meta["meeting"]),
                "html",
                Extracted(title or None, text, held, PAGES_DATE if held else None),
            )


def agenda_item(cell: Any) -> list[str]:
    """An agenda item's title and the text of its agenda and minutes sections (the
    "Minutes:" labels are the page's, not the council's words)."""
    parts = [" ".join(cell.css("p.mgAiTitleTxt ::text").getall())]
    parts += [fragment_text(section.get()) for section in cell.css("div.mgWordPara")]
    return parts
