"""A local imitation of GOV.UK's Search API, Content API and asset host, with our own content.

Shapes follow the platform notes (results/total/start paging, filter_organisations,
`link` paths, content items with details.body, details.attachments and the legacy
details.documents HTML strings). Assets are served on a second port: another host.
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


@contextlib.contextmanager
def serve_govuk() -> Iterator[tuple[str, str, list[Item], list[str]]]:
    items = make_items()
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
                if org == "roads-agency":
                    page.append({"title": "elsewhere", "link": "https://example.org/x"})
                body = {"results": page, "total": len(chosen), "start": start}
                return self.send(200, json.dumps(body).encode(), "application/json")
            if parts.path.startswith("/api/content/"):
                path = parts.path.removeprefix("/api/content")
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
