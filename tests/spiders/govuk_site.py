"""A local imitation of GOV.UK's Search API, Content API and asset host, with our own content.

Shapes follow the platform notes (results/total/start paging, filter_organisations,
`link` paths, content items with details.body, details.attachments and the legacy
details.documents HTML strings). Assets are served on a second port: another host.

The organisation `guides-and-collections` publishes items whose text is held elsewhere
than details.body, one per schema (see `text_items` and `further_prose_items`), and an HTML
attachment reached only through its publication.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

from marketspeak.pipelines.demo_site.pdf import build_pdf
from tests.spiders.fixture_http import FixtureHandler, running

ORGS = {"care-quality-standards": 23, "roads-agency": 7}  # organisation -> number of items


@dataclass
class Item:
    org: str
    path: str
    title: str
    first_published: date
    body: str
    pdf: str | None  # asset path of its attachment, if any
    legacy: bool  # attachment listed in details.documents (legacy form)


def make_items() -> list[Item]:
    items = []
    for org, count in ORGS.items():
        for n in range(count):
            day = date(2010, 1, 4) + timedelta(days=97 * n + len(org))
            pdf = f"/media/{org}-{n}.pdf" if n % 5 == 0 else None
            items.append(
                Item(
                    org,
                    f"/government/publications/{org}-note-{n}",
                    f"{org} note {n}",
                    day,
                    f"<div class='govspeak'><p>Note {n} for {org}.</p>"
                    f"<ul><li>The customer journey was reviewed.</li></ul></div>",
                    pdf,
                    legacy=n % 10 == 5,
                )
            )
    return items


TEXT_ORG = "guides-and-collections"


def content(path: str, schema: str, published: str, details: dict) -> dict:
    return {
        "base_path": path,
        "title": f"{schema} at {path}",
        "schema_name": schema,
        "document_type": schema,
        "first_published_at": f"{published}T09:30:00.000+01:00",
        "public_updated_at": "2025-01-01T09:00:00.000+00:00",
        "details": details,
    }


def text_items() -> dict[str, dict]:
    """Content items of TEXT_ORG by path, in our own words, in the shapes GOV.UK uses."""
    both_forms = [
        {"content_type": "text/govspeak", "content": "Bring the old permit."},
        {"content_type": "text/html", "content": "<p>Bring the old permit.</p>"},
    ]
    items = [
        content(
            "/renew-a-harbour-permit",
            "guide",
            "2019-03-11",
            {
                "parts": [
                    {
                        "title": "Overview",
                        "slug": "overview",
                        "body": "<p>Permits last a year.</p>",
                    },
                    {"title": "What to bring", "slug": "what-to-bring", "body": both_forms},
                    {
                        "title": "Fees",
                        "slug": "fees",
                        "body": "<ul><li>Small boats pay less.</li></ul>",
                    },
                ]
            },
        ),
        content(
            "/foreign-travel-advice/freedonia",
            "travel_advice",
            "2018-07-02",
            {
                "summary": "<p>Check the ferry timetable.</p>",
                "parts": [
                    {"title": "Safety", "slug": "safety", "body": "<p>Roads flood in spring.</p>"},
                    {"title": "Health", "slug": "health", "body": "<p>Carry water.</p>"},
                ],
            },
        ),
        content(
            "/government/collections/harbour-statistics",
            "document_collection",
            "2017-05-15",
            {
                "body": "<p>Yearly counts of moorings.</p>",
                "collection_groups": [
                    {"title": "Current", "body": "<p>Counts from 2016.</p>", "documents": ["a"]},
                    {"title": "Listed only", "body": "", "documents": ["b"]},
                    {"title": "Archive", "body": "<p>Counts before 2016.</p>", "documents": []},
                ],
            },
        ),
        content(
            "/apply-mooring-licence",
            "transaction",
            "2016-02-01",
            {
                "introductory_paragraph": "<p>Apply before you arrive.</p>",
                "start_button_text": "Start now",
            },
        ),
        content(
            "/report-a-wreck",
            "local_transaction",
            "2015-09-21",
            {
                "introduction": "<p>Tell your council about a wreck.</p>",
            },
        ),
        content(
            "/government/publications/harbour-review",
            "publication",
            "2020-06-29",
            {
                "body": "<p>The review is attached.</p>",
                "attachments": [
                    {
                        "attachment_type": "html",
                        "id": "h1",
                        "url": "/government/publications/harbour-review/harbour-review-2020",
                    },
                    {"attachment_type": "html", "id": "h2", "url": "https://example.org/elsewhere"},
                ],
            },
        ),
        content("/empty-guide", "guide", "2014-04-04", {"parts": []}),
        *further_prose_items(),
    ]
    listed = {item["base_path"]: item for item in items}
    attached = content(
        "/government/publications/harbour-review/harbour-review-2020",
        "html_publication",
        "2020-06-30",
        {"body": "<div class='govspeak'><h2>Findings</h2><p>Moorings rose.</p></div>"},
    )
    return {**listed, attached["base_path"]: attached}


def further_prose_items() -> list[dict]:
    """Items whose prose sits in details fields other than the body, in our own words.

    Keys are written in an order unlike the page's, so that the reading order must come
    from the spider; buttons, links, codes and notices beside them are not prose.
    """
    return [
        content(
            "/register-a-houseboat",
            "transaction",
            "2013-08-19",
            {
                "other_ways_to_apply": "<p>You can also post the form to the harbour office.</p>",
                "what_you_need_to_know": "<ul><li>Takes about ten minutes</li></ul>",
                "more_information": [
                    {"content_type": "text/govspeak", "content": "Have your hull number."},
                    {"content_type": "text/html", "content": "<p>Have your hull number.</p>"},
                ],
                "introductory_paragraph": "<p>Register a boat you live on.</p>",
                "start_button_text": "Register now",
                "will_continue_on": "the harbour register",
                "transaction_start_link": "https://example.org/register",
                "downtime_message": "The register is closed on Sundays.",
            },
        ),
        content(
            "/report-a-loose-buoy",
            "local_transaction",
            "2012-11-05",
            {
                "lgsl_code": 1234,
                "service_tiers": ["district", "unitary"],
                "more_information": "<h2>After you report</h2><p>A crew checks within a day.</p>",
                "need_to_know": "<ul><li>Available on the coast only</li></ul>",
                "introduction": "<p>Tell your council about a buoy adrift.</p>",
            },
        ),
        content(
            "/find-a-harbour-office",
            "place",
            "2012-03-12",
            {
                "place_type": "harbour-offices",
                "more_information": "<p>Offices open at high tide.</p>",
                "introduction": "<p>Enter a postcode to find the nearest office.</p>",
            },
        ),
        content(
            "/harbour-event-licence",
            "licence",
            "2011-06-27",
            {
                "licence_identifier": "9999-1-1",
                "licence_short_description": "A licence for events on the quay.",
                "continuation_link": "https://example.org/licences",
                "licence_overview": "<p>You need a licence to hold a regatta.</p>",
            },
        ),
        content(
            "/government/consultations/mooring-fees",
            "consultation",
            "2010-10-11",
            {
                "public_feedback_detail": "<p>Most replies backed the change.</p>",
                "final_outcome_detail": "<p>Fees will rise by a tenth.</p>",
                "body": "<div class='govspeak'><p>We propose new mooring fees.</p></div>",
                "ways_to_respond": {"email": "fees@example.org"},
            },
        ),
    ]


def text_results(items: dict[str, dict]) -> list[dict]:
    return [
        {"title": i["title"], "link": path, "first_published_at": i["first_published_at"]}
        for path, i in items.items()
        if i["schema_name"] != "html_publication"  # reached through its publication only
    ]


@contextlib.contextmanager
def serve_govuk() -> Iterator[tuple[str, str, list[Item], list[str]]]:
    items = make_items()
    texts = text_items()
    seen: list[str] = []
    bases: dict[str, str] = {}  # filled once the servers run; handlers read it per request

    class Api(FixtureHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append(self.path)
            parts = urlsplit(self.path)
            if parts.path == "/api/search.json":
                query = parse_qs(parts.query)
                org = query.get("filter_organisations", [""])[0]
                start, count = int(query["start"][0]), int(query["count"][0])
                chosen = sorted(
                    (i for i in items if i.org == org),
                    key=lambda i: i.first_published,
                    reverse=True,
                )
                page = [
                    {
                        "title": i.title,
                        "link": i.path,
                        "format": "publication",
                        "public_timestamp": f"{i.first_published + timedelta(days=30)}T09:00:00Z",
                        "first_published_at": f"{i.first_published}T09:00:00.000+00:00",
                    }
                    for i in chosen[start : start + count]
                ]
                if org == TEXT_ORG:
                    page = text_results(texts)[start : start + count]
                if org == "roads-agency":
                    page.append({"title": "elsewhere", "link": "https://example.org/x"})
                total = len(text_results(texts)) if org == TEXT_ORG else len(chosen)
                body = {"results": page, "total": total, "start": start}
                return self.send(200, json.dumps(body).encode(), "application/json")
            if parts.path.startswith("/api/content/"):
                path = parts.path.removeprefix("/api/content")
                if path in texts:
                    return self.send(200, json.dumps(texts[path]).encode(), "application/json")
                item = next((i for i in items if i.path == path), None)
                if item is None:
                    return self.send(404, b"{}", "application/json")
                details = {"body": item.body, "attachments": [], "documents": []}
                if item.pdf and item.legacy:
                    details["documents"] = [
                        f'<section class="attachment embedded"><h2 class="title">'
                        f'<a href="{bases["assets"]}{item.pdf}">Annex</a></h2></section>'
                    ]
                elif item.pdf:
                    details["attachments"] = [
                        {
                            "attachment_type": "file",
                            "id": "a",
                            "url": bases["assets"] + item.pdf,
                            "content_type": "application/pdf",
                        }
                    ]
                content = {
                    "base_path": item.path,
                    "title": item.title,
                    "first_published_at": f"{item.first_published}T09:00:00.000+00:00",
                    "public_updated_at": f"{item.first_published}T09:00:00.000+00:00",
                    "details": details,
                }
                return self.send(200, json.dumps(content).encode(), "application/json")
            return self.send(404, b"not here", "text/plain")

    class Assets(FixtureHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append("assets:" + self.path)
            item = next((i for i in items if i.pdf == self.path), None)
            if item is None:
                return self.send(404, b"", "text/plain")
            pdf = build_pdf(item.title, None, [f"Annex to {item.title}. Value for money matters."])
            return self.send(200, pdf, "application/pdf")

    with running(Api, Assets) as (api_base, asset_base):
        bases["assets"] = asset_base
        yield api_base, asset_base, items, seen
