"""A local site whose pages fail in every way a real publisher's can, for crawl tests.

Each path is one fault; `FAULTS` says what a crawl must record for it.
"""

from __future__ import annotations

import contextlib
import gzip
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator

from tests.spiders.fixture_http import FixtureHandler, running

ARTICLE = (
    "<html><head><title>{title}</title></head>"
    "<body><article><h1>{title}</h1>{body}</article></body></html>"
)
PROSE = "<p>" + "The committee reviewed the annual report on road maintenance. " * 8 + "</p>"

# path -> (final HTTP status or None, error code, stored as a document?)
FAULTS = {
    "/faults/flaky.html": (200, "", True),  # 500 twice, then fine: retried
    "/faults/down.html": (503, "http-503", False),
    "/faults/slow.html": (None, "timeout", False),
    "/faults/loop.html": (None, "redirect-loop", False),
    "/faults/away.html": (None, "offsite", False),  # redirects to another host
    "/faults/huge.html": (None, "too-large", False),
    "/faults/cp1252.html": (200, "", True),  # no charset anywhere, Windows-1252 bytes
    "/faults/mislabelled.html": (200, "", True),  # says UTF-8, is Windows-1252
    "/faults/malformed.html": (200, "", True),
    "/faults/gone.html": (404, "http-404", False),
    # Hostile or broken content: recorded, never a crash.
    "/faults/bomb.html": (None, "too-large", False),  # 10 MB of zeros, gzip-compressed
    "/faults/nested.html": (200, "", True),  # prose inside 10,000 nested <div>s
    "/faults/links.html": (200, "", True),  # 10,000 links, all to itself
    "/faults/control.html": (200, "", True),  # control and bidi characters in the title
    "/faults/baddate.html": (200, "", True),  # dates in year 0 and 2999: stored undated
    "/faults/random.html": (200, "", False),  # random bytes served as HTML
    "/faults/random-pdf.html": (200, "", False),  # random bytes served as application/pdf
}
HOSTILE_TITLE = "Budget \u202egnidnuf\u202c report\x07\x00 2024"
NOISE = random.Random(7).randbytes(20_000)
BOMB = gzip.compress(b"\0" * 10_000_000)  # about 10 kB on the wire


@contextlib.contextmanager
def serve_faults() -> Iterator[tuple[str, Counter, set[str]]]:
    hits: Counter = Counter()  # path -> requests
    hosts: set[str] = set()  # every Host header seen

    counting = threading.Lock()  # the server answers in threads; count each request once

    class Handler(FixtureHandler):
        def do_GET(self) -> None:  # noqa: N802
            path = self.path
            with counting:
                hits[path] += 1
                seen = hits[path]
                hosts.add(self.headers.get("Host", ""))
            port = self.server.server_address[1]
            if path == "/faults/":
                links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in FAULTS)
                return self.send(200, f"<html><body><ul>{links}</ul></body></html>".encode())
            if path == "/faults/flaky.html":
                if seen <= 2:
                    return self.send(500, b"try again")
                return self.send(200, ARTICLE.format(title="Flaky", body=PROSE).encode())
            if path == "/faults/down.html":
                return self.send(503, b"down")
            if path == "/faults/slow.html":
                time.sleep(10)  # past the crawl's 4 s timeout
                return self.send(200, b"late")
            if path == "/faults/loop.html":
                return self.redirect("/faults/loop.html")
            if path == "/faults/away.html":
                return self.redirect(f"http://localhost:{port}/faults/elsewhere.html")
            if path == "/faults/huge.html":
                return self.send(200, b"<p>" + b"x" * 3_000_000 + b"</p>")
            if path == "/faults/cp1252.html":
                body = ARTICLE.format(
                    title="Prices",
                    body=PROSE + "<p>It costs \u20ac5 \u2013 "
                    "that\u2019s the \u201cunit cost\u201d.</p>",
                )
                return self.send(200, body.encode("cp1252"), ctype="text/html")
            if path == "/faults/mislabelled.html":
                body = ARTICLE.format(
                    title="Mislabelled", body=PROSE + "<p>Caf\u00e9 \u2013 \u00a310 a head.</p>"
                )
                return self.send(200, body.encode("cp1252"))  # header says utf-8
            if path == "/faults/bomb.html":
                return self.send(200, BOMB, headers={"Content-Encoding": "gzip"})
            if path == "/faults/nested.html":
                body = "<div>" * 10_000 + PROSE + "</div>" * 10_000
                return self.send(200, ARTICLE.format(title="Deep", body=body).encode())
            if path == "/faults/links.html":
                links = "".join(
                    f'<a href="/faults/links.html#{n}">{n}</a> '
                    f'<a href="/faults/links.html?utm_source={n}">{n}</a> '
                    for n in range(5_000)
                )
                return self.send(200, ARTICLE.format(title="Links", body=PROSE + links).encode())
            if path == "/faults/control.html":
                return self.send(200, ARTICLE.format(title=HOSTILE_TITLE, body=PROSE).encode())
            if path == "/faults/baddate.html":
                head = (
                    '<meta property="article:published_time" content="2999-01-01">'
                    '<script type="application/ld+json">{"datePublished": "0000-01-01"}</script>'
                )
                page = ARTICLE.format(title="Dates", body=PROSE)
                return self.send(200, page.replace("</head>", head + "</head>").encode())
            if path == "/faults/random.html":
                return self.send(200, NOISE, ctype="text/html")
            if path == "/faults/random-pdf.html":
                return self.send(200, NOISE, ctype="application/pdf")
            if path == "/faults/malformed.html":
                body = "<html><body><article><h1>Broken<p>" + PROSE + "<div><p>unclosed <b>bold"
                return self.send(200, body.encode())
            return self.send(404, b"not here")

    with running(Handler) as (base,):
        yield base, hits, hosts
