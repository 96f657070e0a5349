"""Entry point of the crawl process: `python -m marketspeak.spiders.run --spec SPEC.json --out DIR`.

Scrapy's Twisted reactor cannot be restarted inside one process, so every crawl runs in a
fresh process started by `spiders.launch`. The spec is JSON written by the caller:
`{"sources": [{name, kind, platform, start_urls, documents, follow, max_pages, delay, ...}]}`,
each source with every key of the sources file and its resolved value (the pipeline fills in
the defaults the sources file declares); a value left out gets Scrapy's own default.
Each source's items go to `DIR/<name>.jsonl`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

# Imported here rather than when Scrapy builds its downloader: on import the module makes a
# deprecated alias whose inspect.stack() reads every frame's source, and from deep inside
# Scrapy's start-up that took 0.3 s of a one-second recrawl (0.1 s from here).
import scrapy.core.downloader.handlers.http11  # noqa: F401
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from marketspeak.spiders import settings as default_settings
from marketspeak.spiders.cmis import CmisSpider
from marketspeak.spiders.govuk import GovukSpider
from marketspeak.spiders.moderngov import ModernGovSpider
from marketspeak.spiders.source_spider import SourceSpider


def source_settings(source: dict[str, Any], out_dir: Path) -> dict[str, Any]:
    """Per-source overrides of the shared settings."""
    values: dict[str, Any] = {
        "FEEDS": {
            str(out_dir / f"{source['name']}.jsonl"): {
                "format": "jsonlines",
                "encoding": "utf-8",
                "overwrite": True,
            }
        },
    }
    if source.get("delay") is not None:
        values["DOWNLOAD_DELAY"] = float(source["delay"])
        values["AUTOTHROTTLE_START_DELAY"] = max(float(source["delay"]), 0.01)
        values["AUTOTHROTTLE_ENABLED"] = float(source["delay"]) > 0
    if source.get("concurrency"):
        values["CONCURRENT_REQUESTS_PER_DOMAIN"] = int(source["concurrency"])
    if source.get("timeout"):
        values["DOWNLOAD_TIMEOUT"] = float(source["timeout"])
    # Overrides of any Scrapy setting, from the crawl spec only (tests shrink limits so
    # that faults happen fast); the sources file cannot set these.
    values.update(source.get("scrapy_settings") or {})
    return values


def spider_for(source: dict[str, Any], out_dir: Path) -> type[SourceSpider]:
    """A SourceSpider subclass carrying this source's settings."""
    platforms = {"govuk": GovukSpider, "moderngov": ModernGovSpider, "cmis": CmisSpider}
    base = platforms.get(source.get("platform"), SourceSpider)
    return type(
        f"{base.__name__}_{source['name'].replace('-', '_')}",
        (base,),
        {"custom_settings": source_settings(source, out_dir)},
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m marketspeak.spiders.run")
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    spec = json.loads(args.spec.read_text(encoding="utf-8"))
    args.out.mkdir(parents=True, exist_ok=True)
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.set("LOG_LEVEL", args.log_level, priority="cmdline")
    if spec.get("user_agent"):
        settings.set("USER_AGENT", spec["user_agent"], priority="cmdline")
    process = CrawlerProcess(settings, install_root_handler=True)
    for source in spec["sources"]:
        process.crawl(spider_for(source, args.out), source=source)
    process.start()
    # Page-level failures are items in the feed; only a crawl that could not start fails here.
    return 1 if process.bootstrap_failed else 0


if __name__ == "__main__":
    sys.exit(main())
