"""Prefect flows: they only put the steps of `pipelines/steps.py` in order.

    prepare -> crawl-source (one task per source, in parallel, each in its own Scrapy
    process, retried) -> ingest -> tokenise (a subflow: partitions fanned out over the task
    runner, threads or a Dask cluster, merged by the one writer) -> snapshot -> analyse
    -> publish

A source whose crawl still fails after its retries is reported and skipped; the others go
on. The writing steps hold the database's run lock (pipelines/lock.py), so a second run on
the same file exits at once instead of fighting over it. `marketspeak run` takes that lock
before it starts Prefect and the flow runs in its process, so the flow's own taking of it
is a no-op there; a scheduled run, started with no command around it, takes it here.
Readers use the snapshot the run publishes, never the file being written. The steps are
not cached by Prefect: their input is a database that changes, and the work they skip is
skipped by content hash instead (a document already tokenised is never tokenised again).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from marketspeak.dashboards.site import Measures
from marketspeak.pipelines import steps
from marketspeak.pipelines.lock import run_lock

log = logging.getLogger("marketspeak")


@task(
    name="crawl-source",
    task_run_name="crawl-{source[name]}",
    retries=2,
    retry_delay_seconds=[5, 30],
    cache_policy=NO_CACHE,
)
def crawl_source_task(source: dict[str, Any], db: str) -> list[str]:
    return [str(p) for p in steps.crawl_source(source, Path(db))]


@task(name="ingest", cache_policy=NO_CACHE)
def ingest_task(db: str, item_files: list[str], sources: list[dict[str, Any]]) -> dict:
    return steps.ingest(Path(db), [Path(p) for p in item_files], sources)


@task(name="tokenise-partition", task_run_name="tokenise-{source}", cache_policy=NO_CACHE)
def tokenise_partition_task(source: str, lexicon_paths: list[str] | None = None) -> str:
    from marketspeak.corpus.language import identify_partition
    from marketspeak.corpus.partitions import tokenise_partition

    # Languages are identified here too, so the single writer only stores what was found.
    return str(identify_partition(tokenise_partition(Path(source), lexicon_paths)))


def on_task_runner(inputs: list[Path], lexicon_paths: list[Path] | None = None) -> Iterator[Path]:
    """steps.tokenise's partition runner for a flow: every partition submitted to the task
    runner at once, each handed back to the writer in order as soon as it is done."""
    paths = [str(p) for p in lexicon_paths] if lexicon_paths else None
    futures = [tokenise_partition_task.submit(str(path), paths) for path in inputs]
    for future in futures:
        yield Path(future.result())


@flow(name="marketspeak-tokenise")
def tokenise_flow(db: str, rows: int = steps.PARTITION_ROWS) -> dict:
    """The tokenise step `crawl` runs (steps.tokenise), its partitions fanned out over the
    task runner (threads here, or a Dask cluster) and merged by the single writer."""
    return steps.tokenise(Path(db), show_progress=False, rows=rows, run=on_task_runner)


def tokeniser(dask_address: str | None = None):
    """The tokenise flow on a Dask cluster at `dask_address`, or on threads here."""
    if dask_address:
        from prefect_dask import DaskTaskRunner

        return tokenise_flow.with_options(task_runner=DaskTaskRunner(address=dask_address))
    return tokenise_flow.with_options(task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count()))


@task(name="snapshot", cache_policy=NO_CACHE)
def snapshot_task(db: str) -> str:
    return str(steps.snapshot(Path(db)))


@task(name="analyse", cache_policy=NO_CACHE)
def analyse_task(snapshot: str, period: str) -> tuple[list[dict], Measures]:
    return steps.analyse(Path(snapshot), period)


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(snapshot: str, out: str, period: str, measures: Measures) -> list[str]:
    return [str(p) for p in steps.publish(Path(snapshot), Path(out), period, measures)]


def crawl_all(sources: list[dict[str, Any]], db: str) -> tuple[list[str], dict[str, str]]:
    """Crawl every source in parallel; a failing source is reported, not fatal."""
    prepared = steps.prepare_crawl(Path(db), sources)
    futures = {s["name"]: crawl_source_task.submit(s, db) for s in prepared}
    files: list[str] = []
    outcome: dict[str, str] = {}
    for name, future in futures.items():
        try:
            files += future.result()
            outcome[name] = "crawled"
        except Exception as exc:  # noqa: BLE001 - one source's failure must not stop the rest
            outcome[name] = f"failed: {exc}"
            log.error("source %s failed after its retries: %s", name, exc)
    return files, outcome


@flow(name="marketspeak-run", log_prints=True)
def run_flow(
    sources: list[dict[str, Any]],
    db: str,
    out: str,
    period: str = "year",
    wait: bool = False,
    dask_address: str | None = None,
) -> dict:
    """Crawl every source, store and tokenise what is new, snapshot, analyse, publish."""
    with run_lock(db, wait=wait, by="marketspeak-run flow"):
        item_files, outcome = crawl_all(sources, db)
        ingested = ingest_task(db, item_files, sources)
        tokenised = tokeniser(dask_address)(db)
        snapshot = snapshot_task(db)
    # The measures analyse computes for the headline are the ones the site draws.
    headline, measures = analyse_task(snapshot, period)
    files = publish_task(snapshot, out, period, measures)
    summary = steps.source_summary(Path(snapshot), ingested["run_id"], outcome)
    for line in summary:
        log.info("%s", line)
    return {
        "ingested": ingested,
        "tokenised": tokenised,
        "sources": outcome,
        "summary": summary,
        "headline": headline,
        "files": files,
        "db": db,
        "snapshot": snapshot,
        "out": out,
    }
