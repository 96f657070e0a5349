"""Serve the sample site over HTTP on 127.0.0.1, recording every request.

Pages are static files, served with ETag and Last-Modified, and a conditional request that
matches gets 304 Not Modified. Two things are added at serve time: the charset header of
each publisher (so a latin-1 publisher really is latin-1 on the wire), and the address of a
different host in place of the OFFSITE marker (`localhost` instead of `127.0.0.1`), so a
test can see whether a crawler ever leaves its source's host.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from marketspeak.pipelines.demo_site.generate import OFFSITE

TYPES = {
    ".html": "text/html",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".json": "application/json",
    ".xml": "application/xml",
}


@dataclass
class Request:
    """One request the server saw."""

    host: str
    path: str
    status: int
    agent: str = ""


@dataclass
class SampleSite:
    """A running sample site: its base URL, manifest and request log."""

    root: Path
    base_url: str
    manifest: dict
    requests: list[Request] = field(default_factory=list)

    def paths_requested(self, host: str | None = None) -> list[str]:
        return [r.path for r in self.requests if host is None or r.host == host]


def _served_file(site: SampleSite, host: str, path: str) -> Path | None:
    """The file a request for `path` on `host` gets, or None for a 404."""
    target = (site.root / path.lstrip("/")).resolve()
    if target.is_dir():
        target = target / "index.html"
    ok = site.root in target.parents and target.is_file() and target.name != "manifest.json"
    # The same socket answers only for its own host name.
    return target if ok and host == urlsplit(site.base_url).netloc else None


def _body(
    target: Path, path: str, charsets: dict[str, str], base: str, offsite: bytes
) -> tuple[bytes, str]:
    """The file's bytes as served, with its Content-Type: the placeholders for this
    server's address (and the other host's) filled in, HTML labelled with its charset."""
    body = target.read_bytes()
    ctype = TYPES.get(target.suffix, "application/octet-stream")
    if ctype == "application/xml":
        body = body.replace(b"__BASE__", base.encode())
    if ctype == "text/html":
        charset = charsets.get(path.strip("/").split("/")[0], "utf-8")
        body = body.replace(OFFSITE.encode(), offsite)
        ctype = f"text/html; charset={charset}"
    return body, ctype


def _handler(site: SampleSite, charsets: dict[str, str], offsite: bytes) -> type:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            host = self.headers.get("Host", "")
            path = unquote(urlsplit(self.path).path)
            target = _served_file(site, host, path)
            if target is None:
                self.record(host, 404)
                self.send_error(404)
                return
            body, ctype = _body(target, path, charsets, site.base_url, offsite)
            etag = f'"{hashlib.sha1(body).hexdigest()[:16]}"'  # noqa: S324 (not security)
            modified = int(target.stat().st_mtime)
            status = 304 if self.not_modified(etag, modified) else 200
            self.record(host, status)
            self.send_response(status)
            # HTTP/1.0 closes every connection; saying so stops clients from reusing one.
            self.send_header("Connection", "close")
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(modified, usegmt=True))
            if status == 304:
                self.end_headers()
                return
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def record(self, host: str, status: int) -> None:
            site.requests.append(
                Request(host, self.path, status, self.headers.get("User-Agent", ""))
            )

        def not_modified(self, etag: str, modified: int) -> bool:
            """HTTP conditional GET: If-None-Match wins over If-Modified-Since."""
            if match := self.headers.get("If-None-Match"):
                return etag in [tag.strip() for tag in match.split(",")]
            if since := self.headers.get("If-Modified-Since"):
                try:
                    return modified <= parsedate_to_datetime(since).timestamp()
                except (TypeError, ValueError):
                    return False
            return False

        def log_message(self, format: str, *args: object) -> None:
            pass  # the request log above replaces stderr noise

    return Handler


class LocalServer(ThreadingHTTPServer):
    """A threaded server whose listen queue holds a crawler's burst of connections (the
    default of 5 drops some, and the client sees a connect timeout)."""

    request_queue_size = 128
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client hanging up mid-response (as a crawler does on an oversized body) is normal.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve_site(root: Path) -> Iterator[SampleSite]:
    """Serve a generated site on 127.0.0.1 at an ephemeral port for the `with` block."""
    root = Path(root).resolve()
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    charsets = {p["name"]: p["charset"] for p in manifest["publishers"]}
    server = LocalServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    site = SampleSite(root, f"http://127.0.0.1:{port}", manifest)
    server.RequestHandlerClass = _handler(site, charsets, f"http://localhost:{port}".encode())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
