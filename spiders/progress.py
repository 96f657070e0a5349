"""Show how a running crawl is going, read from the item files the crawl process writes.

On a terminal: a live rich table, one row per source (pages fetched, failed, left because
of a limit, documents).
Elsewhere (a scheduler, CI): one plain log line per source every `interval` seconds, and a
final line each.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.live import Live
from rich.table import Table

from marketspeak.corpus.items import LIMIT_ERRORS

log = logging.getLogger("marketspeak")


@dataclass
class SourceCounts:
    """What one source's crawl has written so far."""

    pages: int = 0
    failed: int = 0
    not_fetched: int = 0  # a limit: as crawl_runs.not_fetched, before de-duplication
    documents: int = 0
    issues: int = 0


# A fetch whose error is a limit, not a failure, in the form the feed writes it.
LIMIT_MARKS = tuple(f'"error": "{code}"'.encode() for code in LIMIT_ERRORS)


class ItemTail:
    """Counts the items in growing JSON-lines files, reading only what is new each time."""

    def __init__(self, folder: Path, sources: Sequence[str]) -> None:
        self.files = {name: Path(folder) / f"{name}.jsonl" for name in sources}
        self.offsets = dict.fromkeys(sources, 0)
        self.counts = {name: SourceCounts() for name in sources}

    def update(self) -> dict[str, SourceCounts]:
        for name, path in self.files.items():
            if not path.exists():
                continue
            with path.open("rb") as handle:
                handle.seek(self.offsets[name])
                chunk = handle.read()
            complete = chunk[: chunk.rfind(b"\n") + 1]  # a half-written line waits
            self.offsets[name] += len(complete)
            counts = self.counts[name]
            for line in complete.splitlines():
                # Cheap substring tests: the feed writes these keys in this exact form.
                if b'"item": "fetch"' in line:
                    counts.pages += 1
                    if any(mark in line for mark in LIMIT_MARKS):
                        counts.not_fetched += 1
                    else:
                        counts.failed += b'"error": ""' not in line
                elif b'"item": "not-fetched"' in line:
                    counts.not_fetched += 1
                elif b'"item": "document"' in line:
                    counts.documents += 1
                elif b'"item": "issue"' in line:
                    counts.issues += 1
        return self.counts


class CrawlProgress:
    """Live table on a terminal, periodic log lines otherwise."""

    def __init__(self, tail: ItemTail, interval: float = 10.0, console: Console | None = None):
        self.tail = tail
        self.interval = interval
        self.console = console or Console(stderr=True)
        self.live = (
            Live(self.table(), console=self.console, transient=False)
            if self.console.is_terminal
            else None
        )
        self.last_log = time.monotonic()

    def table(self) -> Table:
        table = Table(title="crawling")
        for column in ("source", "pages", "failed", "not fetched", "documents", "no text"):
            table.add_column(column, justify="left" if column == "source" else "right")
        for name, c in self.tail.counts.items():
            table.add_row(
                name,
                str(c.pages),
                str(c.failed),
                str(c.not_fetched),
                str(c.documents),
                str(c.issues),
            )
        return table

    def __enter__(self) -> CrawlProgress:
        if self.live:
            self.live.start()
        return self

    def refresh(self) -> None:
        self.tail.update()
        if self.live:
            self.live.update(self.table())
        elif time.monotonic() - self.last_log >= self.interval:
            self.last_log = time.monotonic()
            self.log_lines("crawling")

    def log_lines(self, state: str) -> None:
        for name, c in self.tail.counts.items():
            log.info(
                "%s %s: %d page(s), %d failed, %d not fetched (a limit), %d document(s), "
                "%d without text",
                state,
                name,
                c.pages,
                c.failed,
                c.not_fetched,
                c.documents,
                c.issues,
            )

    def __exit__(self, *exc: object) -> None:
        self.tail.update()
        if self.live:
            self.live.update(self.table())
            self.live.stop()
        else:
            self.log_lines("crawled")
