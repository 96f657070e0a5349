"""`marketspeak status`: the state of a database for an operator or a scheduler's check."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from corpus.db import reading, snapshot_path, utcnow
from pipelines.lock import holder, is_locked

# Each source's most recent crawl run, with what is stored for it.
LAST_RUNS = """
SELECT s.name, s.kind, r.run_id, r.finished_at, r.pages_fetched, r.pages_not_modified,
       r.pages_not_due, r.pages_failed, r.failures, r.new_documents,
       (SELECT count(*) FROM current_documents d WHERE d.source = s.name) AS documents
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


def _age(stamp: datetime | None) -> str:
    if stamp is None:
        return "never"
    minutes = int((utcnow() - stamp).total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min ago" if minutes >= 60 else f"{minutes} min ago"


def read_status(db: Path) -> dict:
    """Sources' last runs, totals, the snapshot's age and who holds the lock."""
    with reading(db) as con:
        sources = [
            dict(zip(
                ["source", "kind", "run_id", "finished_at", "fetched", "not_modified", "not_due",
                 "failed", "failures", "new_documents", "documents"], row, strict=True,
            ))
            for row in con.execute(LAST_RUNS).fetchall()
        ]  # fmt: skip
        documents, tokens, untokenised, last_step = con.execute(TOTALS).fetchone()
    snapshot = snapshot_path(db)
    snapshot_time = (
        datetime.fromtimestamp(snapshot.stat().st_mtime, UTC).replace(tzinfo=None)
        if snapshot.exists()
        else None
    )
    failing = [s["source"] for s in sources if s["run_id"] and not s["fetched"] and s["failed"]]
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
    for column in ("source", "kind", "last crawl", "fetched", "304", "not due", "failed", "new",
                   "stored"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("source", "kind") else "right")
    for s in status["sources"]:
        finished = f"{s['finished_at']:%Y-%m-%d %H:%M}" if s["finished_at"] else "never"
        cells = (s["source"], s["kind"], finished, s["fetched"], s["not_modified"], s["not_due"],
                 s["failed"])  # fmt: skip
        table.add_row(*(escape(str(c if c is not None else "")) for c in cells),
                      str(s["new_documents"] or 0), str(s["documents"]))  # fmt: skip
    console.print(table)
    console.print(
        f"tokens: {status['tokens']:,}; not yet tokenised: {status['untokenised']}; "
        f"snapshot: {status['snapshot'] or 'none'} ({status['snapshot_age']}); "
        f"lock: {escape(status['locked_by'] or 'free')}"
    )
    if status["failing"]:
        console.print(f"failing: {', '.join(status['failing'])} (see fetch_log and crawl_runs)")
