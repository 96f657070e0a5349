"""The `runs` table: every step that writes to the file says when it started and how it
ended, so a step killed part-way is visible (its row says `interrupted` once the next
step starts) and `marketspeak status` can say when data last changed.

`crash_point` lets the crash-safety tests kill a step at a chosen place with SIGKILL
(MARKETSPEAK_CRASH_AT=<name>); it does nothing otherwise.
"""

from __future__ import annotations

import json
import os
import signal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from marketspeak.corpus.db import utcnow

# A step's row when it starts (run id, step, time), and when it ends (time, status,
# detail as JSON, run id).
START = "INSERT INTO runs VALUES (?, ?, ?, NULL, 'running', NULL)"
FINISH = "UPDATE runs SET finished_at = ?, status = ?, detail = ? WHERE run_id = ?"
# Only one writer runs at a time (the run lock), so a row still 'running' was killed.
INTERRUPTED = "UPDATE runs SET status = 'interrupted' WHERE status = 'running'"


@contextmanager
def recorded(con: duckdb.DuckDBPyConnection, step: str) -> Iterator[dict]:
    """Record `step` in runs around the block; the block fills the dict with its counts."""
    run_id = f"{step}-{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    con.execute(INTERRUPTED)
    con.execute(START, [run_id, step, utcnow()])
    detail: dict = {}
    try:
        yield detail
    except BaseException as exc:
        con.execute(FINISH, [utcnow(), "failed", json.dumps({"error": str(exc)[:500]}), run_id])
        raise
    con.execute(FINISH, [utcnow(), "completed", json.dumps(detail, default=str), run_id])


def crash_point(name: str) -> None:
    """Die here, as a kill -9 would, when MARKETSPEAK_CRASH_AT names this point (tests)."""
    if os.environ.get("MARKETSPEAK_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
