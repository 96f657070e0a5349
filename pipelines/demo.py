"""`marketspeak demo`: generate the sample site, serve it on 127.0.0.1, run the whole flow."""

from __future__ import annotations

import logging
from pathlib import Path

import yaml

from marketspeak.pipelines.demo_site.generate import sources_yaml, write_site
from marketspeak.pipelines.demo_site.server import serve_site

log = logging.getLogger("marketspeak")


def demo_sources(manifest: dict, base_url: str) -> list[dict]:
    """Sources for the served sample site, with politeness delays off (it is our own server)."""
    sources = yaml.safe_load(sources_yaml(manifest, base_url))["sources"]
    for source in sources:
        source["delay"] = 0
        source["concurrency"] = 8
    return sources


def run_demo(db: Path, out: Path) -> dict:
    """Run the Prefect flow against the sample site; the demo database starts empty."""
    from marketspeak.pipelines.flows import run_flow

    site_dir = Path(db).parent / "sample-site"
    manifest = write_site(site_dir)
    for stale in (Path(db), Path(f"{db}.wal")):
        stale.unlink(missing_ok=True)
    with serve_site(site_dir) as site:
        log.info("serving the sample site from %s at %s", site_dir, site.base_url)
        (Path(db).parent / "sample-sources.yaml").write_text(
            sources_yaml(manifest, site.base_url), encoding="utf-8"
        )
        return run_flow(demo_sources(manifest, site.base_url), str(db), str(out))
