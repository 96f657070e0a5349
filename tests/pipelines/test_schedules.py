"""Scheduled crawls: `schedule:` in the sources file becomes a Prefect deployment with that
cron, and a run of it, served by `marketspeak serve-schedules`, completes."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import duckdb
import pytest
import yaml
from prefect.testing.utilities import prefect_test_harness

from marketspeak.pipelines.cli import main
from marketspeak.pipelines.demo import demo_sources
from marketspeak.pipelines.sources import load_sources


@pytest.fixture(scope="module")
def harness():
    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture()
def sources_file(sample_site, tmp_path):
    sources = demo_sources(sample_site.manifest, sample_site.base_url)
    sources[0]["schedule"] = "0 3 * * 1"  # Mondays 03:00 UTC
    sources[1]["schedule"] = "@daily"
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": sources}))
    return path, sources


def read_deployment(name: str):
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_deployment_by_name(name)


@pytest.mark.parametrize(
    ("schedule", "reason"),
    [("61 3 * * *", "minute: '61' is not in 0-59"), ("0 0 31 2 *", "it never fires")],
)
def test_a_schedule_prefect_cannot_run_is_refused_with_its_line_before_deploying(
    tmp_path, capsys, schedule, reason
):
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - name: x\n    kind: council\n    start_urls: [http://127.0.0.1/]\n"
        f"    schedule: '{schedule}'\n"
    )
    assert main(["deploy", "--sources", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"marketspeak: error: {path}:5: source 'x': schedule: '{schedule}'")
    assert reason in err and "\n" not in err


def test_deploy_creates_a_deployment_per_scheduled_source(harness, sources_file, tmp_path, capsys):
    path, sources = sources_file
    db, out = tmp_path / "sched.duckdb", tmp_path / "site"
    assert main(["deploy", "--sources", str(path), "--db", str(db), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"deployed marketspeak-run/crawl-{sources[0]['name']} (cron 0 3 * * 1)" in printed
    assert f"not scheduled (no `schedule:`): {sources[2]['name']}" in printed
    deployment = read_deployment(f"marketspeak-run/crawl-{sources[0]['name']}")
    assert [s.schedule.cron for s in deployment.schedules] == ["0 3 * * 1"]
    assert deployment.parameters["sources"][0]["name"] == sources[0]["name"]
    assert deployment.parameters["wait"] is True
    daily = read_deployment(f"marketspeak-run/crawl-{sources[1]['name']}")
    assert [s.schedule.cron for s in daily.schedules] == ["@daily"]


def test_a_triggered_run_of_a_deployment_completes(harness, sources_file, tmp_path):
    from prefect.deployments import run_deployment
    from prefect.settings import get_current_settings

    path, sources = sources_file
    db, out = tmp_path / "served.duckdb", tmp_path / "site"
    env = {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "marketspeak.pipelines",
            "serve-schedules",
            "--sources",
            str(path),
            "--db",
            str(db),
            "--out",
            str(out),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        name = f"marketspeak-run/crawl-{sources[0]['name']}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:  # until serve-schedules has registered our db
            try:
                if read_deployment(name).parameters["db"] == str(db):
                    break
            except Exception:  # noqa: BLE001 - not registered yet
                pass
            time.sleep(1)
        run = run_deployment(name, timeout=240)
        assert run.state.is_completed(), run.state
    finally:
        server.terminate()
        server.wait(timeout=30)
    con = duckdb.connect(str(db), read_only=True)
    stored = con.execute("SELECT DISTINCT source FROM documents").fetchall()
    assert stored == [(sources[0]["name"],)]
    assert (out / "index.html").exists()


def test_the_shipped_sources_file_may_carry_schedules():
    for source in load_sources("sources.yaml"):
        # A source without one carries schedule None (every key is filled with its default).
        schedule = source.get("schedule")
        assert schedule is None or (isinstance(schedule, str) and schedule.strip())
