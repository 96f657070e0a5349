"""A local ModernGov web service (`mgWebService.asmx`) with our own committees and papers.

Element names and shapes follow real responses (lower-case elements, True/False, counts
with a leading space, dd/mm/yyyy dates, escaped HTML in agendatext, linkeddoc with url and
publicationdate). One committee is deleted, one meeting cancelled, one paper restricted.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qs, urlsplit

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


def get_meetings(cid: int) -> bytes:
    title, _, meetings = COMMITTEES[cid]
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


@contextlib.contextmanager
def serve_moderngov() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []

    class Handler(FixtureHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append(self.path)
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            base = f"http://{self.headers['Host']}"
            body, ctype = None, "text/xml; charset=utf-8"
            if parts.path == "/mgWebService.asmx/GetCommittees":
                body = get_committees()
            elif parts.path == "/mgWebService.asmx/GetMeetings":
                body = get_meetings(int(query["lCommitteeId"]))
            elif parts.path == "/mgWebService.asmx/GetMeeting":
                body = get_meeting(int(query["lMeetingId"]), base)
            elif parts.path == "/mgConvert2PDF.aspx":
                papers = [p for _, _, ms in COMMITTEES.values() for m in ms for p in m.papers]
                paper = next((p for p in papers if str(p.attachment) == query.get("ID")), None)
                if paper:
                    # The file's own creation date is earlier than its publication date.
                    made = date(paper.published.year - 1, 1, 1)
                    body = build_pdf(paper.title, made, [f"{paper.title}. Unit costs rose."])
                    ctype = "application/pdf"
            if body is None:
                return self.send(404, b"not found")
            return self.send(200, body, ctype)

    with running(Handler) as (base,):
        yield base, seen
