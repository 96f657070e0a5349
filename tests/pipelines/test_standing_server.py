"""With PREFECT_API_URL set, `marketspeak run` records its flow run on that Prefect server
(started here on 127.0.0.1) instead of starting a temporary one."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from marketspeak.pipelines.demo import demo_sources

# Under a minute on an idle machine; 66 s to over 90 s with several test runs on both cores.
START_SECONDS = 150


def api(url: str, path: str, body: dict | None = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{url}{path}", data=data, method="POST" if data else "GET")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def wait_until_healthy(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.skip(f"`prefect server start` exited at once with code {server.returncode}")
        try:
            api(url, "/health")
            return
        except OSError:
            time.sleep(0.5)
    pytest.skip(f"`prefect server start` did not answer on 127.0.0.1 within {START_SECONDS} s")


@pytest.fixture(scope="module")
def standing_server(tmp_path_factory):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    home = tmp_path_factory.mktemp("prefect-server-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1"]
        + ["--port", str(port), "--no-ui"],
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


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:  # still starting up on a busy machine: it ignores TERM
        server.kill()
        server.wait(timeout=30)


def test_run_records_its_flow_run_on_the_server_prefect_api_url_names(
    standing_server, sample_site, tmp_path
):
    source = demo_sources(sample_site.manifest, sample_site.base_url)[2]
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [source]}))
    db, out = tmp_path / "standing.duckdb", tmp_path / "site"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    # The run's own home is empty: anything it records can only be on the standing server.
    env.update(PREFECT_API_URL=standing_server, PREFECT_HOME=str(tmp_path / "run-home"))
    command = [sys.executable, "-m", "marketspeak.pipelines", "run", "--sources", str(sources)]
    done = subprocess.run(
        [*command, "--db", str(db), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    runs = api(standing_server, "/flow_runs/filter", {"sort": "START_TIME_DESC"})
    flows = {f["id"]: f["name"] for f in api(standing_server, "/flows/filter", {})}
    recorded = {(flows[r["flow_id"]], r["state_type"]) for r in runs}
    assert ("marketspeak-run", "COMPLETED") in recorded
    assert ("marketspeak-tokenise", "COMPLETED") in recorded
    assert (Path(out) / "index.html").exists()
    # No temporary server was started: it would have written its database into the home.
    assert not list((tmp_path / "run-home").glob("*.db"))
