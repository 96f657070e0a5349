"""How long a `marketspeak run` spends starting Prefect's temporary server.

Each measurement is a fresh process with its own empty Prefect home, as a first `marketspeak
run` on a new checkout is: it imports the flows module (and with it Prefect), then runs a
flow shaped like the run flow (tasks submitted to the thread pool, results gathered), then
exits. The figure is that process with no PREFECT_API_URL, so Prefect starts (and at exit
stops) its temporary server; the baseline is the same process pointed at a standing `prefect
server start` on 127.0.0.1, which the benchmark starts before and stops after. The two kinds
alternate so a noisy machine affects both alike.

    python -m bench.prefect_startup [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import report
from tests.prefect_server import (
    PrefectServerDidNotStart,
    standing_prefect_server,
    without_prefect_settings,
)


def child() -> None:
    """The measured process: print its import, first-run and second-run times as JSON."""
    from marketspeak.pipelines.settings import configure_prefect

    configure_prefect()
    start = time.perf_counter()
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE

    import marketspeak.pipelines.flows  # noqa: F401 - what `marketspeak run` imports

    imported = time.perf_counter()

    @task(cache_policy=NO_CACHE)
    def step(n: int) -> int:
        return n * n

    @flow(name="bench-prefect-startup")
    def startup_flow() -> int:
        return sum(f.result() for f in [step.submit(n) for n in range(4)])

    startup_flow()
    first = time.perf_counter()
    startup_flow()
    second = time.perf_counter()
    times = {"import": imported - start, "first_run": first - imported}
    print(json.dumps({**times, "second_run": second - first}), flush=True)


def measure(api_url: str | None) -> dict:
    """One fresh process; its own timings plus its whole wall time (exit included)."""
    env = without_prefect_settings()
    env["PREFECT_HOME"] = tempfile.mkdtemp(prefix="bench-prefect-home-")
    # Measured, not cut short: the default 90 s is exceeded on a machine busy enough.
    env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "600"
    if api_url:
        env["PREFECT_API_URL"] = api_url
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.prefect_startup", "--child"],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(
            f"the measured process failed ({api_url or 'temporary server'}):\n{done.stderr[-3000:]}"
        )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return {**found, "process": time.perf_counter() - start}


def summarise(kind: str, runs: list[dict]) -> None:
    for key in ("import", "first_run", "second_run", "process"):
        values = [r[key] for r in runs]
        print(f"{kind} {key}: " + ", ".join(f"{v:.2f}" for v in values) + " s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.prefect_startup")
    parser.add_argument("--runs", type=int, default=3, help="processes of each kind")
    parser.add_argument("--quick", action="store_true", help="one process of each kind")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child()
        return 0
    runs = 1 if args.quick else args.runs
    temporary, standing = [], []
    home = Path(tempfile.mkdtemp(prefix="bench-prefect-server-"))
    try:
        with standing_prefect_server(home) as url:
            for _ in range(runs):
                temporary.append(measure(None))
                standing.append(measure(url))
    except PrefectServerDidNotStart as error:
        sys.exit(str(error))
    summarise("temporary server", temporary)
    summarise("standing server", standing)
    for key, name in (("first_run", "first flow run"), ("process", "whole process")):
        report(
            f"{name}, Prefect's temporary server (median of {runs})",
            statistics.median(r[key] for r in temporary),
            "s",
            statistics.median(r[key] for r in standing),
            "standing server on 127.0.0.1",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
