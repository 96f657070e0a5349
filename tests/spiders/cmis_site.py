"""A local CMIS committee site with our own meetings and papers.

Pages follow the shapes CMIS serves: an entry page naming the calendar module
(`dnn$ctr397$MeetingCalendarPublic…`) and its tab, month calendars under
`Meetings/tabid/70/ctl/MeetingCalendarPublicNoJava/mid/397/Date/<yyyy-mm-dd>/`, the
current month's list view (`?ctl=MeetingCalendarListView&mid=397`), meeting pages under
`ctl/ViewMeetingPublic/…/Meeting/<id>/…` with `li.DocumentListItem a.TitleLink` papers, and
papers at `Document.ashx?id=<opaque>` (PDF or HTML). Two installs: `/county/` links its tab,
`/borough/` does not (so only its list view can be read); `/closed/` has no calendar.
One paper is listed but missing (404).
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from marketspeak.pipelines.demo_site.pdf import build_pdf
from tests.spiders.fixture_http import FixtureHandler, running


@dataclass
class Paper:
    id: str
    title: str
    kind: str  # "pdf", "html" or "missing"
    own_date: date | None  # the date the file itself states
    words: str = ""


@dataclass
class Meeting:
    id: int
    committee: int
    name: str
    held: date
    papers: list[Paper] = field(default_factory=list)


TODAY = date.today()
COUNTY = [
    Meeting(
        15042,
        4,
        "Adult Social Care Committee",
        date(2025, 3, 12),
        [
            Paper("a1f3", "Final Minutes 12032025", "pdf", date(2025, 4, 9), "Minutes: carers."),
            Paper("b2c4", "Report on home care", "pdf", date(2025, 2, 20), "Unit costs rose."),
        ],
    ),
    Meeting(
        15115,
        38,
        "Health Scrutiny",
        date(2024, 11, 5),
        [
            Paper("c3d5", "Draft minutes", "html", date(2024, 12, 2), "Members asked why."),
            Paper("d4e6", "Commissioning plan", "html", date(2024, 10, 28), "Value for money."),
            Paper("e5f7", "Appendix B", "missing", None),
        ],
    ),
]
BOROUGH = [
    Meeting(
        301,
        7,
        "Cabinet",
        TODAY.replace(day=1),
        [Paper("f6a8", "Minutes of the Cabinet", "pdf", None, "Cabinet agreed the budget.")],
    )
]
SITES = {"county": COUNTY, "borough": BOROUGH}


def page(body: str) -> bytes:
    return f"<html><body>{body}</body></html>".encode()


def entry_page(site: str) -> bytes:
    form = '<input name="dnn$ctr397$MeetingCalendarPublicList$txtSearch" type="text" />'
    if site == "closed":
        return page("<p>The committee system is closed for maintenance.</p>")
    if site == "county":
        form += f'<a href="/{site}/Meetings/tabid/70/Default.aspx">Meetings</a>'
    return page(f'<div class="CMIS_ModuleWrapper">{form}</div>')


def meeting_url(site: str, m: Meeting) -> str:
    return (
        f"/{site}/Meetings/tabid/70/ctl/ViewMeetingPublic/mid/397/Meeting/{m.id}"
        f"/Committee/{m.committee}/SelectedTab/Documents/Default.aspx"
    )


def calendar(site: str, meetings: list[Meeting]) -> bytes:
    rows = "".join(
        f'<tr class="{"rgRow" if i % 2 == 0 else "rgAltRow"}"><td class="DateColumn">'
        f'<a title="Click to view: {html.escape(m.name)} - {m.held:%-d %b %Y} 10:00 : 10:00" '
        f'href="{meeting_url(site, m)}">{m.held:%-d %b %Y} 10:00 - {html.escape(m.name)}</a>'
        "</td><td>Council Chamber</td></tr>"
        for i, m in enumerate(meetings)
    )
    return page(f'<table class="rgMasterTable"><tbody>{rows}</tbody></table>')


def meeting_page(site: str, m: Meeting) -> bytes:
    items = "".join(
        '<li class="DocumentListItem"><img class="FileTypeImage" alt="pdf" />'
        f'<a class="TitleLink" href="/{site}/Document.ashx?id={p.id}" target="_blank">'
        f'{html.escape(p.title)}</a> <span class="FileSize">(156Kb)</span></li>'
        for p in m.papers
    )
    summary = (
        f'<div class="holder"><div class="DNNLabel">Meeting date</div>'
        f'<div class="Value">{m.held:%A, %-d %B %Y}</div></div>'
    )
    return page(f'{summary}<ol class="DocumentList">{items}</ol>')


def paper_body(p: Paper) -> tuple[bytes, str]:
    if p.kind == "pdf":
        return build_pdf(p.title, p.own_date, [f"{p.title}. {p.words}"]), "application/pdf"
    meta = f'<meta property="article:published_time" content="{p.own_date}">'
    body = f"<main><h1>{html.escape(p.title)}</h1><p>{p.words} " + "Detail. " * 30 + "</p></main>"
    return f"<html><head>{meta}</head><body>{body}</body></html>".encode(), "text/html"


def answer(site: str, path: str, query: dict[str, str]) -> tuple[bytes, str] | None:
    """The page at `path` of one install, or None for a 404."""
    meetings = SITES.get(site, [])
    rest = path.removeprefix(f"/{site}/")
    if rest == "Meetings.aspx" and query.get("ctl") == "MeetingCalendarListView":
        month = [m for m in meetings if m.held.replace(day=1) == TODAY.replace(day=1)]
        return calendar(site, month), "text/html"
    if rest == "Meetings.aspx":
        return entry_page(site), "text/html"
    if "/ctl/MeetingCalendarPublicNoJava/" in rest and site == "county":
        first = date.fromisoformat(rest.split("/Date/")[1].split("/")[0])
        return calendar(site, [m for m in meetings if m.held.replace(day=1) == first]), "text/html"
    for m in meetings:
        if path == meeting_url(site, m):
            return meeting_page(site, m), "text/html"
    if rest == "Document.ashx":
        for p in (p for m in meetings for p in m.papers if p.kind != "missing"):
            if p.id == query.get("id"):
                return paper_body(p)
    return None


@contextlib.contextmanager
def serve_cmis() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []

    class Handler(FixtureHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append(self.path)
            path, query = self.path_and_query()
            site = path.strip("/").split("/")[0]
            found = answer(site, path, query)
            if found is None:
                return self.send(404, b"not found")
            return self.send(200, found[0], found[1] + "; charset=utf-8")

    with running(Handler) as (base,):
        yield base, seen
