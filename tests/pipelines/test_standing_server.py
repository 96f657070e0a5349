"""With PREFECT_API_URL set, `marketspeak run` records its flow run on that Prefect server
(started here on 127.0.0.1) instead of starting a temporary one."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from pathlib import Path

import pytest
import yaml

from marketspeak.pipelines.demo import demo_sources
from tests.prefect_server import (
    PrefectServerDidNotStart,
    standing_prefect_server,
    without_prefect_settings,
)
from tests.run_command import marketspeak_run_command


def api(url: str, path: str, body: dict | None = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{url}{path}", data=data, method="POST" if data else "GET")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


@pytest.fixture(scope="module")
def standing_server(tmp_path_factory):
    try:
        with standing_prefect_server(tmp_path_factory.mktemp("prefect-server-home")) as url:
            yield url
    except PrefectServerDidNotStart as error:
        pytest.skip(str(error))


def test_run_records_its_flow_run_on_the_server_prefect_api_url_names(
    standing_server, sample_site, tmp_path
):
    source = demo_sources(sample_site.manifest, sample_site.base_url)[2]
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [source]}))
    db, out = tmp_path / "standing.duckdb", tmp_path / "site"
    env = without_prefect_settings()
    # The run's own home is empty: anything it records can only be on the standing server.
    env.update(PREFECT_API_URL=standing_server, PREFECT_HOME=str(tmp_path / "run-home"))
    done = subprocess.run(
        marketspeak_run_command(sources, db, out),
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
