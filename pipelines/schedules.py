"""Scheduled crawls: one Prefect deployment per source that has a `schedule:` (cron, UTC).

`marketspeak deploy` registers them with the Prefect server; `marketspeak serve-schedules`
registers them and runs them when due (Prefect's `serve`: each run in its own process).
Each scheduled run crawls its one source into the shared database with wait=True, so two
sources due at the same minute run one after the other instead of failing on the lock.
"""

from __future__ import annotations

from typing import Any

DEPLOYMENT_PREFIX = "crawl-"


def deployment_name(source: dict[str, Any]) -> str:
    return f"{DEPLOYMENT_PREFIX}{source['name']}"


def deployments(sources: list[dict[str, Any]], db: str, out: str, period: str = "year") -> list:
    """A RunnerDeployment of the run flow for each scheduled source."""
    from marketspeak.pipelines.flows import run_flow

    return [
        run_flow.to_deployment(
            name=deployment_name(source),
            cron=source["schedule"],
            parameters={"sources": [source], "db": db, "out": out, "period": period, "wait": True},
            tags=["marketspeak", source["kind"]],
            description=f"Crawl {source['name']} into {db} and publish {out}",
        )
        for source in sources
        if source.get("schedule")
    ]


def deploy(sources: list[dict[str, Any]], db: str, out: str, period: str = "year") -> list[str]:
    """Create or update the deployments on the Prefect server; return their full names."""
    names = []
    for deployment in deployments(sources, db, out, period):
        deployment.apply()
        names.append(f"marketspeak-run/{deployment.name}")
    return names


def serve_schedules(sources: list[dict[str, Any]], db: str, out: str, period: str = "year"):
    """Register the deployments and run them when due, until interrupted."""
    from prefect import serve

    found = deployments(sources, db, out, period)
    if not found:
        raise ValueError("no source has a schedule: add `schedule:` (cron) to the sources file")
    # Keep the schedules active when this process restarts (a service manager restarts it).
    serve(*found, pause_on_shutdown=False)
