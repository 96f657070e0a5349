"""Prefect flows: they only put the steps of `pipelines/steps.py` in order.

    crawl -> ingest -> tokenise (and match lexicons) -> publish

The crawl task retries (the network fails); the others are deterministic and do not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from pipelines import steps


@task(name="crawl", retries=2, retry_delay_seconds=[2, 5], cache_policy=NO_CACHE)
def crawl_task(sources: list[dict[str, Any]], db: str) -> list[str]:
    return [str(p) for p in steps.crawl(sources, Path(db))]


@task(name="ingest", cache_policy=NO_CACHE)
def ingest_task(db: str, item_files: list[str], sources: list[dict[str, Any]]) -> dict:
    return steps.ingest(Path(db), [Path(p) for p in item_files], sources)


@task(name="tokenise", cache_policy=NO_CACHE)
def tokenise_task(db: str) -> dict:
    return steps.tokenise(Path(db), show_progress=False)


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(db: str, out: str, period: str) -> list[str]:
    return [str(p) for p in steps.publish(Path(db), Path(out), period)]


@flow(name="marketspeak-run", log_prints=True)
def run_flow(sources: list[dict[str, Any]], db: str, out: str, period: str = "year") -> dict:
    """Crawl every source, store and tokenise what is new, and publish the charts."""
    item_files = crawl_task(sources, db)
    ingested = ingest_task(db, item_files, sources)
    tokenised = tokenise_task(db)
    files = publish_task(db, out, period)
    return {"ingested": ingested, "tokenised": tokenised, "files": files, "db": db, "out": out}
