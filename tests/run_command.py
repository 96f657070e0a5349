"""The command line of a whole `marketspeak run` in its own process, for the tests and
benchmarks that run it as a user does (its own interpreter, its own Prefect set-up)."""

from __future__ import annotations

import sys
from pathlib import Path


def marketspeak_run_command(sources: Path, db: Path, out: Path, *options: str) -> list[str]:
    """`marketspeak run OPTIONS --sources SOURCES --db DB --out OUT` under this interpreter."""
    return [
        *(sys.executable, "-m", "marketspeak.pipelines", "run", *options),
        *("--sources", str(sources), "--db", str(db), "--out", str(out)),
    ]
