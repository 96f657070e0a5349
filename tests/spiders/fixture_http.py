"""What the local fixture servers share: a handler with reply helpers, and a way to run
handlers on 127.0.0.1 for the length of a `with` block."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from marketspeak.pipelines.demo_site.server import LocalServer


class FixtureHandler(BaseHTTPRequestHandler):
    """A request handler that answers in one call and keeps quiet on stderr."""

    def send(
        self,
        status: int,
        body: bytes,
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Connection", "close")  # no reuse: each attempt reaches the server
        self.send_header("Content-Type", ctype)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def path_and_query(self) -> tuple[str, dict[str, str]]:
        """The request's path, and the first value of each key of its query."""
        parts = urlsplit(self.path)
        return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Connection", "close")
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def running(*handlers: type[BaseHTTPRequestHandler]) -> Iterator[list[str]]:
    """Serve each handler class on its own port; yield their base URLs."""
    servers = [LocalServer(("127.0.0.1", 0), handler) for handler in handlers]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield [f"http://127.0.0.1:{server.server_address[1]}" for server in servers]
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
