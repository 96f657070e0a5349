"""A local ModernGov site with our own committees and papers: its web service
(`mgWebService.asmx`) and the public pages that show the same meetings.

Element names and shapes follow real responses (lower-case elements, True/False, counts
with a leading space, dd/mm/yyyy dates, escaped HTML in agendatext, linkeddoc with url and
publicationdate). GetMeetings answers with the meetings held from sFromDate to sToDate, as
the service does. One committee is deleted, one meeting cancelled, one paper restricted.
The pages follow the public site's shapes: mgListCommittees.aspx links
mgCommitteeDetails.aspx?ID=<cid>; ieListMeetings.aspx?CId=<cid>&Year=0 links each meeting
by its date (a cancelled one marked so); ieListDocuments.aspx has agenda items
(p.mgAiTitleTxt, div.mgWordPara, a "Minutes:" label) and report links
documents/s<attachmentid>/<title>.pdf in ul.mgBulletList, with the size and publication
date beside them. Deleted committees and restricted papers are not on the pages.
The web service can be switched off: every mgWebService.asmx URL then answers a given
status (404, 403), or 200 with an HTML page (`web_service="html"`).
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

from marketspeak.pipelines.demo_site.pdf import build_pdf
from tests.spiders.fixture_http import FixtureHandler, running


@dataclass
class Paper:
    attachment: int
    title: str
    published: date
    restricted: bool = False


@dataclass
class Meeting:
    id: int
    held: date
    cancelled: bool = False
    minutes: str = ""
    papers: list[Paper] = field(default_factory=list)


COMMITTEES = {
    101: (
        "Adult Social Care Scrutiny",
        False,
        [
            Meeting(
                5001,
                date(2012, 3, 6),
                minutes="Members asked how the customer journey "
                "would change and thanked carers for their evidence.",
                papers=[
                    Paper(9001, "Report on home care", date(2012, 2, 27)),
                    Paper(9002, "Exempt appendix", date(2012, 2, 27), restricted=True),
                ],
            ),
            Meeting(
                5002,
                date(2019, 10, 15),
                cancelled=True,
                papers=[Paper(9003, "Never published", date(2019, 10, 1))],
            ),
            Meeting(
                5003,
                date(2021, 6, 8),
                minutes="The board discussed value for money.",
                papers=[Paper(9004, "Commissioning plan", date(2021, 5, 28))],
            ),
        ],
    ),
    102: ("Old Health Panel", True, [Meeting(5004, date(2006, 1, 10), minutes="Old text.")]),
}


def xml(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}'.encode()


def get_committees() -> bytes:
    rows = "".join(
        f"<committee><committeeid>{cid}</committeeid><committeetitle>{html.escape(title)}"
        f"</committeetitle><committeedeleted>{deleted}</committeedeleted>"
        "<committeeexpired>False</committeeexpired></committee>"
        for cid, (title, deleted, _) in COMMITTEES.items()
    )
    return xml(
        f"<committees><committeescount> {len(COMMITTEES)}</committeescount>{rows}</committees>"
    )


def service_date(text: str) -> date:
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


def get_meetings(cid: int, since: str, until: str) -> bytes:
    title, _, meetings = COMMITTEES[cid]
    meetings = [m for m in meetings if service_date(since) <= m.held <= service_date(until)]
    rows = "".join(
        f"<meeting><meetingid>{m.id}</meetingid><meetingdate>{m.held:%d/%m/%Y}</meetingdate>"
        f"<meetingstatus>{'Cancelled' if m.cancelled else 'Confirmed'}</meetingstatus>"
        "<meetingtime>10.00 am</meetingtime></meeting>"
        for m in meetings
    )
    return xml(
        f"<getmeetings><committee><committeeid>{cid}</committeeid><committeetitle>"
        f"{html.escape(title)}</committeetitle><committeemeetings>{rows}"
        "</committeemeetings></committee></getmeetings>"
    )


def get_meeting(mid: int, base: str) -> bytes | None:
    for title, _, meetings in COMMITTEES.values():
        for m in meetings:
            if m.id != mid:
                continue
            docs = "".join(
                f"<linkeddoc><attachmentid>{p.attachment}</attachmentid><title>"
                f"{html.escape(p.title)}</title><isurl>False</isurl>"
                f"<url>{base}/mgConvert2PDF.aspx?ID={p.attachment}</url>"
                f"<isrestricted>{p.restricted}</isrestricted>"
                f"<publicationdate>{p.published:%d/%m/%Y}</publicationdate>"
                f"<committeetitle>{html.escape(title)}</committeetitle></linkeddoc>"
                for p in m.papers
            )
            minutes = html.escape(f'<div class="WordSection1"><p>{m.minutes}</p></div>')
            return xml(
                f"<meeting><meetingid>{m.id}</meetingid><meetingdate>{m.held:%d/%m/%Y}"
                "</meetingdate><agendaitems><agendaitem><agendaitemtitle>Minutes"
                f"</agendaitemtitle><agendatext></agendatext><minutesnonemptyhtmlbody>{minutes}"
                "</minutesnonemptyhtmlbody><isrestricted>False</isrestricted>"
                f"<linkeddocuments>{docs}</linkeddocuments></agendaitem></agendaitems></meeting>"
            )
    return None


def page(title: str, body: str) -> bytes:
    return (
        f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title></head><body>"
        f'<div id="modgov"><h1 class="mgMainTitleTxt">{html.escape(title)}</h1>'
        f'<div class="mgContent">{body}</div></div></body></html>'
    ).encode()


def committee_list() -> bytes:
    rows = "".join(
        f'<li><a href="mgCommitteeDetails.aspx?ID={cid}">{html.escape(title)}</a></li>'
        for cid, (title, deleted, _) in COMMITTEES.items()
        if not deleted
    )
    return page("Committee structure", f'<ul class="mgBulletList">{rows}</ul>')


def meeting_list(cid: int) -> bytes | None:
    if cid not in COMMITTEES or COMMITTEES[cid][1]:
        return None
    title, _, meetings = COMMITTEES[cid]
    rows = "".join(
        f'<li><a href="ieListDocuments.aspx?CId={cid}&amp;MId={m.id}&amp;Ver=4">'
        f"{m.held.day} {m.held:%b %Y} 10.00 am{' CANCELLED' if m.cancelled else ''}</a></li>"
        for m in sorted(meetings, key=lambda m: m.held, reverse=True)
    )
    return page(f"Meetings of {title}", f'<ul class="mgBulletList">{rows}</ul>')


def meeting_page(mid: int) -> bytes | None:
    for title, deleted, meetings in COMMITTEES.values():
        for m in meetings:
            if m.id != mid or deleted:
                continue
            links = "".join(
                f'<li><a href="documents/s{p.attachment}/{quote(p.title)}.pdf">'
                f'{html.escape(p.title)}</a> <span class="mgFileSize">PDF 12 KB</span> '
                f"published {p.published:%d/%m/%Y}</li>"
                for p in m.papers
                if not p.restricted
            )
            # A meeting-level pack: the web service has no linkeddoc for it.
            links += (
                f'<li><a href="documents/g{m.id}/Printed%20minutes.pdf">Printed minutes</a></li>'
            )
            item = (
                '<table class="mgItemTable"><tr><td class="mgItemNumberCell">1.</td><td>'
                '<p class="mgAiTitleTxt">Minutes</p><p class="mgSubItemTitleTxt">Minutes:</p>'
                f'<div class="mgWordPara"><div class="WordSection1"><p>{m.minutes}</p></div>'
                f'</div><ul class="mgBulletList">{links}</ul></td></tr></table>'
            )
            heading = f'<h2 class="mgSubTitleTxt">{html.escape(title)} - {m.held:%A, %d %B %Y}</h2>'
            return page("Agenda and minutes", heading + item)
    return None


def paper_pdf(attachment: str | None) -> bytes | None:
    papers = [p for _, _, ms in COMMITTEES.values() for m in ms for p in m.papers]
    paper = next((p for p in papers if str(p.attachment) == attachment), None)
    if paper is None:
        return None
    # The file's own creation date is earlier than its publication date.
    made = date(paper.published.year - 1, 1, 1)
    return build_pdf(paper.title, made, [f"{paper.title}. Unit costs rose."])


def paper_at(path: str, query: dict[str, str]) -> bytes | None:
    """A report, at the web service's URL or at the one the meeting page links."""
    if path == "/mgConvert2PDF.aspx":
        return paper_pdf(query.get("ID"))
    found = re.match(r"/documents/s(\d+)/", path)
    return paper_pdf(found[1]) if found else None


def web_service(path: str, query: dict[str, str], base: str) -> bytes | None:
    if path == "/mgWebService.asmx/GetCommittees":
        return get_committees()
    if path == "/mgWebService.asmx/GetMeetings":
        return get_meetings(int(query["lCommitteeId"]), query["sFromDate"], query["sToDate"])
    if path == "/mgWebService.asmx/GetMeeting":
        return get_meeting(int(query["lMeetingId"]), base)
    return None


def public_page(path: str, query: dict[str, str]) -> bytes | None:
    if path == "/mgListCommittees.aspx":
        return committee_list()
    if path == "/ieListMeetings.aspx":
        return meeting_list(int(query.get("CId", 0)))
    if path == "/ieListDocuments.aspx":
        return meeting_page(int(query.get("MId", 0)))
    return None


@contextlib.contextmanager
def serve_moderngov(web_service_answer: int | str = 200) -> Iterator[tuple[str, list[str]]]:
    """Serve the site; `web_service_answer` other than 200 switches the web service off."""
    seen: list[str] = []

    class Handler(FixtureHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append(self.path)
            path, query = self.path_and_query()
            base = f"http://{self.headers['Host']}"
            if path.startswith("/mgWebService.asmx/") and web_service_answer != 200:
                if web_service_answer == "html":
                    return self.send(200, page("Web service", "<p>Not available.</p>"))
                return self.send(int(web_service_answer), b"forbidden or not found")
            body, ctype = web_service(path, query, base), "text/xml; charset=utf-8"
            if body is None:
                body, ctype = public_page(path, query), "text/html; charset=utf-8"
            if body is None and (paper := paper_at(path, query)):
                body, ctype = paper, "application/pdf"
            if body is None:
                return self.send(404, b"not found")
            return self.send(200, body, ctype)

    with running(Handler) as (base,):
        yield base, seen
