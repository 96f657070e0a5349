"""`marketspeak status`: the state of a database for an operator or a scheduler's check."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from marketspeak.corpus.db import reading, snapshot_path, utcnow
from marketspeak.corpus.items import TRUNCATING
from marketspeak.pipelines.lock import holder, is_locked

# What each crawl_runs.not_fetched reason means, in the words of the run summary and status.
NOT_FETCHED_LABELS = {
    "max-pages": "beyond max_pages",
    "depth": "beyond the link depth limit",
    "url-too-long": "with URLs over the length limit",
    "too-large": "over the size limit",
    "offsite": "on other hosts",
    "robots-disallowed": "disallowed by robots.txt",
}

# Each source's most recent crawl run, with what is stored for it.
LAST_RUNS = """
SELECT s.name, s.kind, r.run_id, r.finished_at, r.pages_fetched, r.pages_not_modified,
       r.pages_not_due, r.pages_failed, r.failures, r.new_documents, r.not_fetched,
       r.truncated, (SELECT count(*) FROM document_sources d WHERE d.source = s.name) AS documents
FROM sources s
LEFT JOIN (
    SELECT * FROM crawl_runs QUALIFY row_number() OVER (
        PARTITION BY source ORDER BY finished_at DESC NULLS LAST, run_id DESC) = 1
) r ON r.source = s.name
ORDER BY s.name
"""
TOTALS = """
SELECT (SELECT count(*) FROM current_documents),
       (SELECT coalesce(sum(n_words), 0) FROM current_documents),
       (SELECT count(*) FROM current_documents WHERE n_tokens IS NULL),
       (SELECT max(finished_at) FROM runs WHERE status = 'completed')
"""


def describe_not_fetched(not_fetched: dict[str, int] | None) -> str:
    """'truncated: 51 links beyond max_pages; not fetched: 3 links on other hosts', or ''
    when the crawl left nothing."""
    counts = {reason: n for reason, n in (not_fetched or {}).items() if n}

    def phrase(reasons: list[str]) -> str:
        return ", ".join(
            f"{counts[r]} link{'s' if counts[r] != 1 else ''} {NOT_FETCHED_LABELS.get(r, r)}"
            for r in reasons
        )

    cut = [r for r in counts if r in TRUNCATING]
    scope = [r for r in counts if r not in TRUNCATING]
    parts = [f"truncated: {phrase(cut)}"] if cut else []
    parts += [f"not fetched: {phrase(scope)}"] if scope else []
    return "; ".join(parts)


def got_nothing(source: dict) -> bool:
    """The source's last crawl got no page (not even a 304) and failed or was refused:
    robots.txt disallowing the start page leaves a source with nothing too."""
    refused = any((source["not_fetched"] or {}).values())
    answered = source["fetched"] or source["not_modified"]
    return bool(source["run_id"] and not answered and (source["failed"] or refused))


def _age(stamp: datetime | None) -> str:
    if stamp is None:
        return "never"
    minutes = int((utcnow() - stamp).total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min ago" if minutes >= 60 else f"{minutes} min ago"


def read_status(db: Path) -> dict:
    """Sources' last runs, totals, the snapshot's age and who holds the lock."""
    with reading(db) as con:
        sources = [
            dict(
                zip(
                    [
                        "source",
                        "kind",
                        "run_id",
                        "finished_at",
                        "fetched",
                        "not_modified",
                        "not_due",
                        "failed",
                        "failures",
                        "new_documents",
                        "not_fetched",
                        "truncated",
                        "documents",
                    ],
                    row,
                    strict=True,
                )
            )
            for row in con.execute(LAST_RUNS).fetchall()
        ]
        documents, tokens, untokenised, last_step = con.execute(TOTALS).fetchone()
    snapshot = snapshot_path(db)
    snapshot_time = (
        datetime.fromtimestamp(snapshot.stat().st_mtime, UTC).replace(tzinfo=None)
        if snapshot.exists()
        else None
    )
    for s in sources:
        s["limits"] = describe_not_fetched(s["not_fetched"])
    failing = [s["source"] for s in sources if got_nothing(s)]
    return {
        "database": str(db),
        "documents": documents,
        "tokens": int(tokens),
        "untokenised": untokenised,
        "last_step": last_step,
        "snapshot": str(snapshot) if snapshot_time else None,
        "snapshot_age": _age(snapshot_time),
        "locked_by": holder(db) if is_locked(db) else None,
        "sources": sources,
        "failing": failing,
        "truncated": [s["source"] for s in sources if s["truncated"]],
    }


def print_status(status: dict, fmt: str = "table") -> None:
    if fmt == "json":
        print(json.dumps(status, indent=1, default=str))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    table = Table(title=f"{status['database']}: {status['documents']:,} documents")
    for column in (
        "source",
        "kind",
        "last crawl",
        "fetched",
        "304",
        "not due",
        "failed",
        "not fetched",
        "new",
        "stored",
    ):
        table.add_column(column, justify="left" if column in ("source", "kind") else "right")
    for s in status["sources"]:
        finished = f"{s['finished_at']:%Y-%m-%d %H:%M}" if s["finished_at"] else "never"
        left = sum((s["not_fetched"] or {}).values())
        cells = (
            s["source"],
            s["kind"],
            finished,
            s["fetched"],
            s["not_modified"],
            s["not_due"],
            s["failed"],
            f"{left} (truncated)" if s["truncated"] else left,
        )
        table.add_row(
            *(escape(str(c if c is not None else "")) for c in cells),
            str(s["new_documents"] or 0),
            str(s["documents"]),
        )
    console.print(table)
    console.print(
        f"tokens: {status['tokens']:,}; not yet tokenised: {status['untokenised']}; "
        f"snapshot: {status['snapshot'] or 'none'} ({status['snapshot_age']}); "
        f"lock: {escape(status['locked_by'] or 'free')}"
    )
    for s in status["sources"]:
        if s["limits"]:
            console.print(f"{escape(s['source'])}: {escape(s['limits'])}")
    if status["failing"]:
        console.print(f"failing: {', '.join(status['failing'])} (see fetch_log and crawl_runs)")
