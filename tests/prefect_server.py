"""A standing Prefect server for the tests and benchmarks that need one: `prefect server
start` on 127.0.0.1 with its own home, waited on until /health answers, stopped at the end.

When it cannot start, it raises PrefectServerDidNotStart; a test turns that into a skip and
a benchmark into an exit with the message.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

# Under a minute on an idle machine; 66 s to over 90 s with several test runs on both cores.
START_SECONDS = 150


class PrefectServerDidNotStart(RuntimeError):
    """`prefect server start` exited, or did not answer on 127.0.0.1 in time."""


def without_prefect_settings(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """`environ` with every PREFECT_ setting taken out, so a process sees only what its
    caller sets (the caller's own home or API URL would otherwise leak in)."""
    return {k: v for k, v in environ.items() if not k.startswith("PREFECT_")}


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on at the moment of asking."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def standing_prefect_server(home: Path) -> Iterator[str]:
    """`prefect server start` on 127.0.0.1 keeping its state in `home`; yields its API URL
    once /health answers, and stops the server on leaving."""
    port = free_port()
    env = without_prefect_settings()
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--no-ui"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        wait_until_healthy(url, server)
        yield url
    finally:
        stop(server)


def wait_until_healthy(url: str, server: subprocess.Popen) -> None:
    """Return when `url`/health answers 200; raise if the server exits or START_SECONDS pass."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise PrefectServerDidNotStart(
                f"`prefect server start` exited with code {server.returncode} before answering"
            )
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise PrefectServerDidNotStart(
        f"`prefect server start` did not answer at {url} within {START_SECONDS} s"
    )


def stop(server: subprocess.Popen) -> None:
    """Stop the server, killing it if it ignores TERM (it does while still starting up on a
    busy machine)."""
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)
