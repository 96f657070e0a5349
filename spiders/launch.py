"""Run a crawl in a child process and hand back the item files it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marketspeak.corpus.items import FIELDS, NOT_DUE, now_iso
from marketspeak.spiders.progress import CrawlProgress, ItemTail


class CrawlError(RuntimeError):
    """The crawl process failed."""


@dataclass
class CrawlOutput:
    """Item files (one per source) and the crawl process's log file."""

    item_files: list[Path]
    log_file: Path


def write_not_due(source: dict[str, Any], out_dir: Path) -> Path | None:
    """Record the source's stored documents that are not due for a check (`not_due`, from
    its revisit_after) as not-due items, written here rather than by the crawl process:
    they need no request, and passing a thousand items through Scrapy costs a third of a
    second."""
    if not source.get("not_due"):
        return None
    path = out_dir / f"{source['name']}.not-due.jsonl"
    at = now_iso()
    with path.open("w", encoding="utf-8") as handle:
        for url in source["not_due"]:
            row = dict.fromkeys(FIELDS)
            row.update(item=NOT_DUE, source=source["name"], url=url, fetched_at=at)
            handle.write(json.dumps(row) + "\n")
    return path


def run_crawl(
    sources: Sequence[dict[str, Any]],
    out_dir: Path,
    log_level: str | None = None,
    user_agent: str | None = None,
) -> CrawlOutput:
    """Crawl `sources` in a fresh Scrapy process, writing `out_dir/<source>.jsonl`."""
    # Scrapy's own log goes to crawl.log; MARKETSPEAK_CRAWL_LOG_LEVEL=DEBUG shows every request.
    log_level = log_level or os.environ.get("MARKETSPEAK_CRAWL_LOG_LEVEL", "INFO")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    spec = out_dir / "crawl-spec.json"
    spec.write_text(
        json.dumps({"sources": list(sources), "user_agent": user_agent}, indent=1), encoding="utf-8"
    )
    log_file = out_dir / "crawl.log"
    not_due = [path for s in sources if (path := write_not_due(s, out_dir))]
    command = [
        sys.executable,
        "-m",
        "marketspeak.spiders.run",
        "--spec",
        str(spec),
        "--out",
        str(out_dir),
        "--log-level",
        log_level,
    ]
    # The crawl process can import whatever this one can (a test's PDF extractor, say).
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, sys.path))}
    tail = ItemTail(out_dir, [s["name"] for s in sources])
    with log_file.open("w", encoding="utf-8") as log, CrawlProgress(tail) as progress:
        child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            while True:
                try:
                    child.wait(timeout=0.5)  # returns as soon as the crawl ends
                    break
                except subprocess.TimeoutExpired:
                    progress.refresh()
        finally:
            if child.poll() is None:  # we were interrupted: do not leave the crawl behind
                child.terminate()
                child.wait()
    if child.returncode != 0:
        lines = log_file.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
        raise CrawlError(
            f"crawl process exited with {child.returncode}; see {log_file}: " + " / ".join(lines)
        )
    files = [out_dir / f"{s['name']}.jsonl" for s in sources]
    return CrawlOutput([f for f in files if f.exists()] + not_due, log_file)
