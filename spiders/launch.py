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


class CrawlError(RuntimeError):
    """The crawl process failed."""


@dataclass
class CrawlOutput:
    """Item files (one per source) and the crawl process's log file."""

    item_files: list[Path]
    log_file: Path


def run_crawl(
    sources: Sequence[dict[str, Any]],
    out_dir: Path,
    log_level: str = os.environ.get("MARKETSPEAK_CRAWL_LOG_LEVEL", "INFO"),
    user_agent: str | None = None,
) -> CrawlOutput:
    """Crawl `sources` in a fresh Scrapy process, writing `out_dir/<source>.jsonl`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    spec = out_dir / "crawl-spec.json"
    spec.write_text(
        json.dumps({"sources": list(sources), "user_agent": user_agent}, indent=1), encoding="utf-8"
    )
    log_file = out_dir / "crawl.log"
    command = [
        sys.executable,
        "-m",
        "spiders.run",
        "--spec",
        str(spec),
        "--out",
        str(out_dir),
        "--log-level",
        log_level,
    ]
    env = dict(os.environ)
    # The child must import this checkout's packages however the parent was started.
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    with log_file.open("w", encoding="utf-8") as log:
        done = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, env=env, check=False)
    if done.returncode != 0:
        tail = log_file.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
        raise CrawlError(
            f"crawl process exited with {done.returncode}; see {log_file}: " + " / ".join(tail)
        )
    files = [out_dir / f"{s['name']}.jsonl" for s in sources]
    return CrawlOutput([f for f in files if f.exists()], log_file)
