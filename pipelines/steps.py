"""The pipeline's steps as plain functions: crawl+ingest, annotate, publish.

Flows (`pipelines/flows.py`) wrap each in a Prefect task; the CLI can also call them
directly. Each step opens the database itself and closes it before returning, so only one
writer holds the file at a time.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from marketspeak.corpus import annotate
from marketspeak.corpus.boilerplate import BoilerplateResult, find_boilerplate
from marketspeak.corpus.db import connect, matched_under, publish_snapshot, reading, utcnow
from marketspeak.corpus.duplicates import DuplicateResult, find_duplicates
from marketspeak.corpus.ingest import checked_since, ingest_files, validators
from marketspeak.corpus.language import LanguageResult, identify_pending, merge_partition_languages
from marketspeak.corpus.lexicons import load_lexicons, signature
from marketspeak.corpus.runs import crash_point, recorded
from marketspeak.dashboards.site import Measures, build_site, measure
from marketspeak.pipelines import settings
from marketspeak.pipelines.settings import PARSER, SITE_URL
from marketspeak.pipelines.sources import SOURCE_NAME, with_defaults
from marketspeak.pipelines.status import describe_not_fetched
from marketspeak.spiders.launch import run_crawl

log = logging.getLogger("marketspeak")


def crawl_dir_for(db: Path) -> Path:
    """Where a crawl writes its item files: beside the database."""
    return Path(db).parent / "crawl"


def with_validators(sources: Sequence[dict[str, Any]], db: Path) -> list[dict[str, Any]]:
    """Sources plus what the last crawl learnt about their document URLs (ETag and
    Last-Modified), so unchanged documents cost a 304, and, for a source with
    `revisit_after`, the URLs checked that recently (`not_due`), which are not asked about at
    all. Only for sources with `documents` patterns: their listing pages are always fetched
    again, so no link is lost to a 304 or a skipped page."""
    if not Path(db).exists():
        return list(sources)
    now = utcnow()
    prepared = []
    with reading(db) as con:
        known = validators(con)
        for source in sources:
            source = dict(source)
            if source.get("documents"):
                source["validators"] = dict(known.get(source["name"], {}))
            if source.get("revisit_after") and source.get("documents"):
                since = now - timedelta(seconds=source["revisit_after"])
                source["not_due"] = checked_since(con, source["name"], since)
                for url in source["not_due"]:
                    source["validators"].pop(url, None)
            prepared.append(source)
    return prepared


# Present in a source's crawl folder from the start of its crawl until its items are ingested.
PENDING = "PENDING"


def source_dir(db: Path, name: str) -> Path:
    """Where the crawl of one source writes its items and log: always inside the crawl
    folder (sources files are validated, but flows can be given sources directly)."""
    if not SOURCE_NAME.match(name):
        raise ValueError(f"source name {name!r}: use lower-case letters, digits, '-' and '_'")
    return crawl_dir_for(db) / name


def recover_interrupted(db: Path, sources: Sequence[dict[str, Any]]) -> int:
    """Ingest what killed crawls had written before they died; return how many items.

    Those documents are then stored, so the next crawl fetches them conditionally (a 304)
    instead of downloading them again: the work done before the kill is kept."""
    markers = sorted(crawl_dir_for(db).glob(f"*/{PENDING}"))
    if not markers:
        return 0
    files = sorted(f for marker in markers for f in marker.parent.glob("*.jsonl"))
    con = connect(db)
    try:
        result = ingest_files(
            con, files, sources, run_id=f"interrupted-{utcnow():%Y%m%dT%H%M%S}", interrupted=True
        )
    finally:
        con.close()
    for marker in markers:
        marker.unlink()
    log.warning(
        "recovered %d item(s) (%d new document(s)) from interrupted crawls in %s",
        result.items,
        result.new_documents,
        ", ".join(str(m.parent) for m in markers),
    )
    return result.items


def prepare_crawl(db: Path, sources: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Before crawling: keep what an interrupted crawl left, then hand each source what the
    last crawl learnt about its URLs. Touches the database; crawl_source never does. Each
    source has every key, defaults filled in: the crawl spec carries the resolved values."""
    recover_interrupted(db, sources)
    return with_validators([with_defaults(s) for s in sources], db)


def crawl_source(source: dict[str, Any], db: Path) -> list[Path]:
    """Crawl one source (from prepare_crawl) in a child process; return its item files."""
    out = source_dir(db, source["name"])
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / PENDING).write_text("crawl output not yet ingested\n", encoding="utf-8")
    result = run_crawl([source], out, user_agent=settings.user_agent())
    log.info("crawled %s; items in %s, log in %s", source["name"], out, result.log_file)
    return result.item_files


def crawl(sources: Sequence[dict[str, Any]], db: Path) -> list[Path]:
    """Crawl every source, one after another; return the item files."""
    return [f for source in prepare_crawl(db, sources) for f in crawl_source(source, db)]


def ingest(db: Path, item_files: Sequence[Path], sources: Sequence[dict[str, Any]]) -> dict:
    """Store crawl items in the database."""
    con = connect(db)
    try:
        with recorded(con, "ingest") as detail:
            result = ingest_files(con, item_files, sources)
            detail.update(asdict(result))
    finally:
        con.close()
    for folder in {Path(f).parent for f in item_files}:
        (folder / PENDING).unlink(missing_ok=True)
    log.info(
        "ingested %d fetch(es), %d not modified, %d not due, %d failed (see fetch_log), "
        "%d URL(s) not fetched because of a limit (see crawl_runs.not_fetched); "
        "%d new document(s), %d already stored, %d page(s) without a document (see crawl_issues)",
        result.fetches,
        result.not_modified,
        result.not_due,
        result.failed_fetches,
        result.not_fetched,
        result.new_documents,
        result.duplicate_items,
        result.issues,
    )
    return asdict(result)


# Tokenises the partition inputs it is given (in this process, or on a task runner's threads
# or Dask workers) and yields each input's path once its outputs are written, in input order.
PartitionRunner = Callable[[Sequence[Path], Sequence[Path] | None], Iterable[Path]]
PARTITION_ROWS = 2000


def tokenise_here(
    inputs: Sequence[Path], lexicon_paths: Sequence[Path] | None = None
) -> Iterator[Path]:
    """Tokenise the partitions one after another in this process; each is merged before the
    next is tokenised, so a crash loses at most one partition's work."""
    from marketspeak.corpus.language import identify_partition
    from marketspeak.corpus.partitions import tokenise_partition

    for source in inputs:
        yield identify_partition(tokenise_partition(source, lexicon_paths))


def tokenise(
    db: Path,
    lexicon_paths: Sequence[Path] | None = None,
    show_progress: bool = True,
    rows: int = PARTITION_ROWS,
    run: PartitionRunner = tokenise_here,
) -> dict:
    """The tokenise step of both `crawl` and `run`: the untokenised documents go out as
    partitions of `rows` (export_pending), `run` tokenises them (here, or the flow's task
    runner), and the single writer merges each as it comes back, then re-matches stale hits
    and finds languages, boilerplate and duplicates (merge_partitions)."""
    inputs = export_pending(db, rows, lexicon_paths)
    return merge_partitions(db, run(inputs, lexicon_paths), lexicon_paths, show_progress)


def identify_languages(
    con: duckdb.DuckDBPyConnection, merged: LanguageResult | None = None
) -> LanguageResult:
    """After tokenising: the language of each new document and of its paragraphs, with the
    words of other languages counted once, so that trends read English counts, not tokens.
    `merged`: what the partition workers identified and the merge stored already."""
    result = identify_pending(con)
    result.add(merged or LanguageResult())
    if result.documents:
        log.info(
            "identified the language of %d document(s): %d word(s) in %d run(s) of "
            "paragraphs in other languages set aside (see language_spans)",
            result.documents,
            result.words_set_aside,
            result.spans,
        )
    return result


def cluster_duplicates(con: duckdb.DuckDBPyConnection) -> DuplicateResult:
    """After the languages: sign the new documents and cluster near-duplicates again, so
    that a report stored twice (two URLs, two formats, a pack holding it) counts once."""
    result = find_duplicates(con)
    if result.duplicates:
        log.info(
            "%d near-duplicate document(s) in %d cluster(s) counted once (see "
            "duplicate_clusters); %d signature(s) computed",
            result.duplicates,
            result.clusters,
            result.signed,
        )
    return result


def set_aside_boilerplate(con: duckdb.DuckDBPyConnection) -> BoilerplateResult:
    """After tokenising: the paragraphs each source repeats across many of its documents,
    recomputed for the sources whose documents changed, so that their hits are set aside."""
    result = find_boilerplate(con)
    if result.sources:
        log.info(
            "boilerplate of %d source(s): %d repeated paragraph(s), %d word(s) in %d run(s) "
            "whose hits are set aside (see boilerplate_spans)",
            result.sources,
            result.paragraphs,
            result.words,
            result.spans,
        )
    return result


def report_failures(result: annotate.AnnotateResult) -> None:
    """Say how many documents could not be tokenised: the run goes on without them."""
    if result.failed:
        log.warning(
            "%d document(s) could not be tokenised and were skipped (see crawl_issues, "
            "reason 'tokenise-failed'; each is tried in at most %d runs)",
            result.failed,
            annotate.TOKENISE_ATTEMPTS,
        )


def partition_dir(db: Path) -> Path:
    """Where tokenising partitions go: MARKETSPEAK_PARTITIONS (a folder every worker of a
    cluster can read and write), else beside the database."""
    return Path(settings.PARTITIONS.value() or Path(db).parent / "partitions")


def export_pending(
    db: Path, rows: int = PARTITION_ROWS, lexicon_paths: Sequence[Path] | None = None
) -> list[Path]:
    """Record the lexicons in use and write the untokenised documents as partition inputs."""
    from marketspeak.corpus.partitions import export_pending as export

    folder = partition_dir(db)
    if folder.exists():
        shutil.rmtree(folder)
    con = connect(db)
    try:
        annotate.record_lexicons(con, load_lexicons(lexicon_paths))
        inputs = export(con, folder, rows)
    finally:
        con.close()
    log.info("%d partition(s) of up to %d documents to tokenise in %s", len(inputs), rows, folder)
    return inputs


def merge_partitions(
    db: Path,
    inputs: Iterable[Path],
    lexicon_paths: Sequence[Path] | None = None,
    show_progress: bool = False,
) -> dict:
    """Insert the tokenised partitions (the single writer) as `inputs` yields them, then
    re-match stale hits and find languages, boilerplate and duplicates."""
    lexicons = load_lexicons(lexicon_paths)
    con = connect(db)
    try:
        with recorded(con, "tokenise") as detail:
            total, merged, partitions = _merge_each(con, inputs, lexicon_paths, show_progress)
            rematched = annotate.rematch(con, lexicons)
            languages = identify_languages(con, merged)
            boilerplate = set_aside_boilerplate(con)
            detail.update(boilerplate=asdict(boilerplate))
            duplicates = cluster_duplicates(con)
            detail.update(
                tokenised=asdict(total),
                rematched=asdict(rematched),
                languages=asdict(languages),
                duplicates=asdict(duplicates),
            )
    finally:
        con.close()
    shutil.rmtree(partition_dir(db), ignore_errors=True)
    log.info(
        "merged %d partition(s): %d document(s), %d tokens, %d hits; re-matched %d with %s",
        partitions,
        total.documents,
        total.tokens,
        total.hits,
        rematched.documents,
        signature(lexicons),
    )
    report_failures(total)
    return {
        "tokenised": asdict(total),
        "rematched": asdict(rematched),
        "languages": asdict(languages),
        "boilerplate": asdict(boilerplate),
        "duplicates": asdict(duplicates),
        "lexicons": signature(lexicons),
    }


def _merge_each(
    con: duckdb.DuckDBPyConnection,
    inputs: Iterable[Path],
    lexicon_paths: Sequence[Path] | None,
    show_progress: bool,
) -> tuple[annotate.AnnotateResult, LanguageResult, int]:
    """Merge each partition, tokens and then languages, as it is ready; what was merged
    stays if the process dies before the next (crash point `tokenise`)."""
    from marketspeak.corpus.partitions import merge_partition

    total, merged, partitions = annotate.AnnotateResult(), LanguageResult(), 0
    pending = annotate.pending_count(con)
    columns = (TextColumn("tokenising"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, disable=not show_progress or pending == 0) as bar:
        task = bar.add_task("tokenise", total=pending)
        for source in inputs:
            done = merge_partition(con, Path(source), lexicon_paths)
            merged.add(merge_partition_languages(con, Path(source)))
            crash_point("tokenise")
            total.documents += done.documents
            total.tokens += done.tokens
            total.hits += done.hits
            total.failed += done.failed
            partitions += 1
            bar.advance(task, done.documents + done.failed)
    return total, merged, partitions


def snapshot(db: Path) -> Path:
    """Publish the read-only copy researchers and the site read while the next run writes."""
    path = publish_snapshot(db)
    log.info("snapshot for readers: %s", path)
    return path


def analyse(db: Path, period: str = "year") -> tuple[list[dict], Measures]:
    """The run's measures, computed once from `db` (the snapshot): every frame the site
    shows (dashboards.site.measure), which publish() reuses. With them, the headline numbers:
    the latest two dated periods' naming index (the share of market words among the words
    naming the people served) and register index (market share of all lexicon hits), each
    with its 95% interval, read from the measures' trend."""
    import pandas as pd

    from marketspeak.analysis.frequency import period_label

    with reading(db) as con:
        measures = measure(con, period, PARSER.value())
    frame = measures.trend.dropna(subset=["period_start", "market_share_index"])
    keys = {"naming_index": "naming_index", "market_share_index": "register_index"}
    rows = []
    for row in frame.tail(2).to_dict("records"):
        entry = {
            "period": period_label(row["period_start"], period),
            "documents": int(row["n_documents"]),
        }
        for column, key in keys.items():
            value = row[column]
            entry[key] = None if pd.isna(value) else round(float(value), 4)
            for end in ("low", "high"):
                bound = row[f"{column}_{end}"]
                entry[f"{key}_{end}"] = None if pd.isna(bound) else round(float(bound), 4)
        rows.append(entry)
    for row in rows:
        log.info(
            "%s: naming index %s, register index %s (%d documents)",
            row["period"],
            describe_share(row["naming_index"], row["naming_index_low"], row["naming_index_high"]),
            describe_share(
                row["register_index"], row["register_index_low"], row["register_index_high"]
            ),
            row["documents"],
        )
    return rows, measures


def describe_share(value: float | None, low: float | None, high: float | None) -> str:
    """'34% (95% interval 30% to 38%)', or 'none' when there were no hits to share."""
    if value is None:
        return "none"
    interval = "" if low is None else f" (95% interval {low:.0%} to {high:.0%})"
    return f"{value:.0%}{interval}"


SOURCE_SUMMARY = """
SELECT s.name,
       coalesce(r.pages_fetched, 0), coalesce(r.pages_not_modified, 0),
       coalesce(r.pages_not_due, 0), coalesce(r.pages_failed, 0), coalesce(r.new_documents, 0),
       (SELECT count(*) FROM document_sources d WHERE d.source = s.name), r.not_fetched
FROM sources s LEFT JOIN crawl_runs r ON r.source = s.name AND r.run_id = ?
WHERE list_contains(?, s.name)
ORDER BY s.name
"""


def source_summary(db: Path, run_id: str, outcome: dict[str, str]) -> list[str]:
    """One line per source: what this run did with it, and what it left because of a limit
    ("truncated: 51 links beyond max_pages")."""
    with reading(db) as con:
        rows = con.execute(SOURCE_SUMMARY, [run_id, list(outcome)]).fetchall()
    lines = []
    for name, fetched, unchanged, not_due, failed, new, stored, not_fetched in rows:
        skipped = f", {not_due} not due (revisit_after)" if not_due else ""
        limits = describe_not_fetched(not_fetched)
        lines.append(
            f"{name}: {outcome[name]}; {fetched} fetched, {unchanged} unchanged (304){skipped}, "
            f"{failed} failed, {new} new document(s), {stored} stored in all"
            + (f"; {limits}" if limits else "")
        )
    return lines


def publish(
    db: Path, out: Path, period: str = "year", measures: Measures | None = None
) -> list[Path]:
    """Write the chart site from the database (opened read-only), drawing the `measures`
    analyse() computed for this run, or computing them when there are none (`marketspeak
    publish`). The embed snippets use MARKETSPEAK_SITE_URL; agency is drawn when the
    MARKETSPEAK_PARSER_MODEL is installed."""
    with reading(db) as con:
        files = build_site(
            con,
            Path(out),
            period,
            matched_under(con),
            base_url=SITE_URL.value(),
            parser_model=PARSER.value(),
            measures=measures,
        )
    log.info("published %d file(s); open %s", len(files), Path(out) / "index.html")
    return files
