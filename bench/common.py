"""What the benchmarks share: the PM transcripts as a local site, timing, peak memory, and
one way of printing a figure beside its baseline.

Every benchmark measures its baseline in the same run on the same machine, so the ratio
holds when the machine is noisy. Nothing here leaves 127.0.0.1.
"""

from __future__ import annotations

import gzip
import html
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TRANSCRIPTS = SHARED / "corpora" / "pm-transcripts" / "documents.jsonl.gz"


def require_shared() -> None:
    if not TRANSCRIPTS.exists():
        sys.exit(f"benchmark needs the PM transcripts at {TRANSCRIPTS}")


def transcripts(n: int | None = None, copies: int = 1) -> list[dict]:
    """The first `n` PM transcripts (all by default), `copies` times over; each copy's text
    differs by a line, so it is stored as a new document (a corpus `copies` times larger)."""
    require_shared()
    with gzip.open(TRANSCRIPTS, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    records = [r for r in records if r["text"].strip()][:n]
    out = []
    for copy in range(copies):
        for record in records:
            if copy:
                record = {
                    **record,
                    "id": f"{record['id']}-c{copy}",
                    "text": f"{record['text']}\n\nCopy {copy}.",
                }
            out.append(record)
    return out


def write_site(root: Path, records: list[dict], per_listing: int = 200) -> int:
    """Render records as dated HTML pages under /pm/, linked from paged listings."""
    pages = root / "pm"
    pages.mkdir(parents=True, exist_ok=True)
    listings = [records[i : i + per_listing] for i in range(0, len(records), per_listing)]
    # The first listing links every other one directly: a chain of "next" links would run
    # into the crawl's depth limit on large sites.
    others = "".join(f'<a href="/pm/list-{n}.html">page {n}</a> ' for n in range(1, len(listings)))
    for number, chunk in enumerate(listings):
        links = "".join(
            f'<li><a href="/pm/{r["id"]}.html">{html.escape(r["title"])}</a></li>' for r in chunk
        )
        name = "index.html" if number == 0 else f"list-{number}.html"
        pager = others if number == 0 else ""
        (pages / name).write_text(f"<html><body><ul>{links}</ul>{pager}</body></html>")
    for record in records:
        paragraphs = "".join(
            f"<p>{html.escape(p)}</p>" for p in record["text"].split("\n\n") if p.strip()
        )
        (pages / f"{record['id']}.html").write_text(
            f'<html><head><meta charset="utf-8"><title>{html.escape(record["title"])}</title>'
            f'<meta property="article:published_time" content="{record["date"]}"></head>'
            f"<body><article><h1>{html.escape(record['title'])}</h1>{paragraphs}</article>"
            "</body></html>",
            encoding="utf-8",
        )
    (root / "manifest.json").write_text(
        json.dumps({"publishers": [{"name": "pm", "charset": "utf-8"}]})
    )
    return len(records)


def pm_source(base_url: str) -> dict:
    """The sources-file entry for the rendered site, politeness off (our own server)."""
    return {
        "name": "pm",
        "kind": "government",
        "start_urls": [f"{base_url}/pm/"],
        "documents": [r"/pm/pmt-"],
        "follow": [r"/pm/list-", r"/pm/pmt-"],  # follow patterns cover documents too
        "delay": 0,
        "concurrency": 16,
    }


@contextmanager
def timed() -> Iterator[dict]:
    """`with timed() as t:` ... `t["seconds"]`."""
    found: dict = {}
    start = time.perf_counter()
    yield found
    found["seconds"] = time.perf_counter() - start


def run_measured(command: list[str], log: Path | None = None, **kwargs) -> dict:
    """Run a command; return its wall time, exit code and the peak RSS of its main process
    (sampled every 50 ms; children such as Prefect's server are not counted). With `log`,
    its output goes there and `peak_after` is the last log line written before the peak,
    which says what the run was doing when its memory was highest."""
    import psutil

    handle = log.open("wb") if log else None
    if handle:
        kwargs.update(stdout=handle, stderr=subprocess.STDOUT)
    start = time.perf_counter()
    child = subprocess.Popen(command, **kwargs)
    peak, peak_offset = 0, 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_offset
        process = psutil.Process(child.pid)
        while not done.is_set():
            try:
                rss = process.memory_info().rss
            except psutil.Error:
                return
            if rss > peak:
                peak, peak_offset = rss, log.stat().st_size if log else 0
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = child.wait()
    done.set()
    sampler.join()
    if handle:
        handle.close()
    found = {"seconds": time.perf_counter() - start, "code": code, "peak_rss_mb": peak / 2**20}
    if log:
        before = log.read_bytes()[:peak_offset].decode("utf-8", "replace").strip().splitlines()
        found["peak_after"] = before[-1] if before else "(start)"
    return found


def report(
    name: str,
    figure: float,
    unit: str,
    baseline: float | None = None,
    baseline_name: str = "",
    target: str = "",
) -> dict:
    """Print one line: the figure, the baseline measured in the same run, and the ratio."""
    line = f"{name}: {figure:,.2f} {unit}"
    ratio = None
    if baseline:
        ratio = figure / baseline
        line += f" | {baseline_name}: {baseline:,.2f} {unit} | ratio {ratio:.2f}"
    if target:
        line += f" | target {target}"
    print(line, flush=True)
    return {
        "name": name,
        "figure": figure,
        "unit": unit,
        "baseline": baseline,
        "baseline_name": baseline_name,
        "ratio": ratio,
        "target": target,
    }
