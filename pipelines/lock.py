"""One writer at a time: a run holds an exclusive lock beside its database.

DuckDB allows one writing process per file. Rather than let a second run fail part-way (or
wait on DuckDB's own lock with no word of why), every writing command takes
`<db>.lock` first, before anything slow starts; a second one exits at once saying who holds
it, or with `wait=True` says so and waits. The lock is an OS file lock, so a killed run
releases it.

The lock belongs to the process: the CLI takes it at the door and the Prefect flow it then
runs (in the same process) takes it again without waiting on itself. A flow started by a
scheduler, where no command took it, takes it for real.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from marketspeak.corpus.db import utcnow

log = logging.getLogger("marketspeak")


class RunLocked(RuntimeError):
    """Another marketspeak run holds the lock on this database."""


# Locks this process holds: lock file (resolved) -> [open handle, depth of nesting].
_HELD: dict[Path, list] = {}
_HELD_GUARD = threading.Lock()


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
    if path.resolve() in _HELD:
        return True
    with path.open("a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False


@contextmanager
def run_lock(
    db: Path | str, wait: bool = False, poll: float = 2.0, by: str = "marketspeak"
) -> Iterator[None]:
    """Hold the run lock of `db` for the block; raise RunLocked (or wait) if another process
    holds it. Taken again inside the block (by this process), it is already held: the inner
    block runs at once and leaves the lock to the outer one. `by` names the holder for
    anyone refused (e.g. 'marketspeak run')."""
    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = path.resolve()
    with _HELD_GUARD:
        held = _HELD.get(key)
        if held:
            held[1] += 1
    if held:
        try:
            yield
        finally:
            with _HELD_GUARD:
                held[1] -= 1
        return
    handle = path.open("a+", encoding="utf-8")
    try:
        _acquire(handle, db, wait, poll)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, {by}, since {utcnow():%Y-%m-%d %H:%M:%S} UTC\n")
        handle.flush()
        with _HELD_GUARD:
            _HELD[key] = [handle, 1]
        try:
            yield
        finally:
            with _HELD_GUARD:
                del _HELD[key]
    finally:
        handle.close()  # closing the file releases the lock


def _acquire(handle: IO[str], db: Path | str, wait: bool, poll: float) -> None:
    """Take the OS lock on `handle`, waiting (and saying so once) only if `wait`."""
    said = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
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
