"""The pipeline's steps as plain functions: crawl+ingest, annotate, publish.

Flows (`pipelines/flows.py`) wrap each in a Prefect task; the CLI can also call them
directly. Each step opens the database itself and closes it before returning, so only one
writer holds the file at a time.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from corpus import annotate
from corpus.db import connect, reading, recorded_versions, utcnow
from corpus.ingest import ingest_files, validators
from corpus.lexicons import load_lexicons, signature
from dashboards.site import build_site
from pipelines import settings
from pipelines.settings import PARSER, SITE_URL
from spiders.launch import run_crawl

log = logging.getLogger("marketspeak")


def crawl_dir_for(db: Path) -> Path:
    """Where a crawl writes its item files: beside the database."""
    return Path(db).parent / "crawl"


def with_validators(sources: Sequence[dict[str, Any]], db: Path) -> list[dict[str, Any]]:
    """Sources plus what the last crawl learnt about their document URLs (ETag and
    Last-Modified), so unchanged documents cost a 304. Only for sources with `documents`
    patterns: their listing pages are always fetched again, so no link is lost to a 304."""
    if not Path(db).exists():
        return list(sources)
    con = connect(db, read_only=True)
    try:
        known = validators(con)
    finally:
        con.close()
    return [
        {**s, "validators": known.get(s["name"], {})} if s.get("documents") else dict(s)
        for s in sources
    ]


# Present in the crawl folder from the start of a crawl until its items are ingested.
PENDING = "PENDING"


def recover_interrupted(db: Path, sources: Sequence[dict[str, Any]]) -> int:
    """Ingest what a killed crawl had written before it died; return how many items.

    Those documents are then stored, so the next crawl fetches them conditionally (a 304)
    instead of downloading them again: the work done before the kill is kept."""
    out = crawl_dir_for(db)
    if not (out / PENDING).exists():
        return 0
    files = sorted(out.glob("*.jsonl"))
    con = connect(db)
    try:
        result = ingest_files(
            con, files, sources, run_id=f"interrupted-{utcnow():%Y%m%dT%H%M%S}", interrupted=True
        )
    finally:
        con.close()
    (out / PENDING).unlink()
    log.warning(
        "recovered %d item(s) (%d new document(s)) from an interrupted crawl in %s",
        result.items,
        result.new_documents,
        out,
    )
    return result.items


def crawl(sources: Sequence[dict[str, Any]], db: Path) -> list[Path]:
    """Crawl every source in a child process; return the item files."""
    recover_interrupted(db, sources)
    sources = with_validators(sources, db)
    out = crawl_dir_for(db)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / PENDING).write_text("crawl output not yet ingested\n", encoding="utf-8")
    result = run_crawl(sources, out, user_agent=settings.user_agent())
    log.info("crawled %d source(s); items in %s, log in %s", len(sources), out, result.log_file)
    return result.item_files


def ingest(db: Path, item_files: Sequence[Path], sources: Sequence[dict[str, Any]]) -> dict:
    """Store crawl items in the database."""
    con = connect(db)
    try:
        result = ingest_files(con, item_files, sources)
    finally:
        con.close()
    (crawl_dir_for(db) / PENDING).unlink(missing_ok=True)
    log.info(
        "ingested %d fetch(es), %d not modified, %d failed (see fetch_log); %d new document(s), "
        "%d already stored, %d page(s) without a document (see crawl_issues)",
        result.fetches,
        result.not_modified,
        result.failed_fetches,
        result.new_documents,
        result.duplicate_items,
        result.issues,
    )
    return asdict(result)


def tokenise(
    db: Path, lexicon_paths: Sequence[Path] | None = None, show_progress: bool = True
) -> dict:
    """Tokenise new documents and (re)match lexicons where needed."""
    lexicons = load_lexicons(lexicon_paths)
    con = connect(db)
    try:
        annotate.record_lexicons(con, lexicons)
        pending = annotate.pending_count(con)
        with Progress(
            TextColumn("tokenising"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=not show_progress or pending == 0,
        ) as bar:
            task = bar.add_task("tokenise", total=pending)
            new = annotate.tokenise_pending(con, lexicons, progress=lambda n: bar.advance(task, n))
        rematched = annotate.rematch(con, lexicons)
    finally:
        con.close()
    log.info(
        "tokenised %d document(s) into %d tokens with %d hits; re-matched %d with %s",
        new.documents,
        new.tokens,
        new.hits,
        rematched.documents,
        signature(lexicons),
    )
    return {
        "tokenised": asdict(new),
        "rematched": asdict(rematched),
        "lexicons": signature(lexicons),
    }


def publish(db: Path, out: Path, period: str = "year") -> list[Path]:
    """Write the chart site from the database (opened read-only). The embed snippets use
    MARKETSPEAK_SITE_URL; agency is drawn when the MARKETSPEAK_PARSER_MODEL is installed."""
    with reading(db) as con:
        files = build_site(
            con,
            Path(out),
            period,
            recorded_versions(con),
            base_url=SITE_URL.value(),
            parser_model=PARSER.value(),
        )
    log.info("published %d file(s); open %s", len(files), Path(out) / "index.html")
    return files
