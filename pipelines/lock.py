"""One writer at a time: a run holds an exclusive lock beside its database.

DuckDB allows one writing process per file. Rather than let a second run fail part-way (or
wait on DuckDB's own lock with no word of why), every writing command takes
`<db>.lock` first; a second one exits at once saying who holds it, or with `wait=True`
says so and waits. The lock is an OS file lock, so a killed run releases it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from corpus.db import utcnow

log = logging.getLogger("marketspeak")


class RunLocked(RuntimeError):
    """Another marketspeak run holds the lock on this database."""


def lock_path(db: Path | str) -> Path:
    return Path(f"{db}.lock")


def holder(db: Path | str) -> str:
    """Who holds (or last held) the lock, as written in the lock file."""
    try:
        return lock_path(db).read_text(encoding="utf-8").strip() or "unknown"
    except FileNotFoundError:
        return "nobody"


def is_locked(db: Path | str) -> bool:
    """Whether a run holds the lock now (tried without waiting, and let go at once)."""
    path = lock_path(db)
    if not path.exists():
        return False
    with path.open("a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False


@contextmanager
def run_lock(db: Path | str, wait: bool = False, poll: float = 2.0) -> Iterator[None]:
    """Hold the run lock of `db` for the block; raise RunLocked (or wait) if it is taken."""
    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        said = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait:
                    raise RunLocked(
                        f"{db}: another marketspeak run holds the lock ({holder(db)}); "
                        "try again when it ends, or pass --wait"
                    ) from None
                if not said:
                    log.warning("%s: waiting for the run that holds the lock (%s)", db, holder(db))
                    said = True
                time.sleep(poll)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {utcnow():%Y-%m-%d %H:%M:%S} UTC\n")
        handle.flush()
        yield
    finally:
        handle.close()  # closing the file releases the lock
