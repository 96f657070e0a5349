"""Shared fixtures: the generated sample site served on 127.0.0.1, and one crawl of it.

The crawl fixture is session-scoped: many tests read the same database, as researchers
would, and the crawl itself is tested for what it did (requests seen by the server).
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

# Prefect reads its settings at import: keep its state out of the user's home.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="marketspeak-prefect-"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

from marketspeak.pipelines import steps  # noqa: E402
from marketspeak.pipelines.demo import demo_sources  # noqa: E402
from marketspeak.pipelines.demo_site.generate import write_site  # noqa: E402
from marketspeak.pipelines.demo_site.server import SampleSite, serve_site  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


@dataclass
class Crawled:
    """The result of crawling the sample site once."""

    db: Path
    site: SampleSite
    item_files: list[Path]
    manifest: dict
    requests: list  # what the server saw during this crawl


@pytest.fixture(scope="session", autouse=True)
def stop_prefect_temporary_server():
    """Stop the temporary Prefect server a flow test started while pytest's output is still
    open. Prefect stops it at interpreter exit otherwise, and its log line then goes to a
    stream pytest has closed: a 'Logging error' traceback after every run of the suite."""
    yield
    server = sys.modules.get("prefect.server.api.server")
    if server is not None:  # only if a test imported Prefect's server at all
        server.SubprocessASGIServer().stop()  # the one instance the client started, if any


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sample-site")
    write_site(root)
    return root


@pytest.fixture(scope="session")
def sample_site(site_dir: Path):
    with serve_site(site_dir) as site:
        yield site


@pytest.fixture(scope="session")
def crawled(sample_site: SampleSite, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    db = tmp_path_factory.mktemp("crawl") / "corpus.duckdb"
    sources = demo_sources(sample_site.manifest, sample_site.base_url)
    before = len(sample_site.requests)
    files = steps.crawl(sources, db)
    requests = sample_site.requests[before:]
    steps.ingest(db, files, sources)
    steps.tokenise(db, show_progress=False)
    return Crawled(db, sample_site, files, sample_site.manifest, requests)


@pytest.fixture()
def read_db(crawled: Crawled):
    import duckdb

    con = duckdb.connect(str(crawled.db), read_only=True)
    yield con
    con.close()


def tiny_corpus(tmp_path: Path, texts: list[str], dates: list[tuple[str, str]] | None = None):
    """A tokenised database of a few documents small enough to check counts by hand.

    Document n is dated 1 June of 2010 + n (from html-meta) unless `dates` gives
    (published, date_source) pairs."""
    import json

    from marketspeak.corpus import annotate
    from marketspeak.corpus.db import connect
    from marketspeak.corpus.ingest import ingest_files
    from marketspeak.corpus.lexicons import load_lexicons
    from marketspeak.spiders.extract import content_hash

    dates = dates or [(f"{2010 + n}-06-01", "html-meta") for n in range(len(texts))]
    rows = [
        {
            "item": "document",
            "source": "s",
            "url": f"http://127.0.0.1/{n}",
            "text": text,
            "content_sha256": content_hash(text),
            "content_type": "html",
            "published": day,
            "date_source": source,
            "fetched_at": "2024-01-01T00:00:00",
        }
        for n, (text, (day, source)) in enumerate(zip(texts, dates, strict=True))
    ]
    items = tmp_path / "tiny.jsonl"
    items.write_text("".join(json.dumps(r) + "\n" for r in rows))
    con = connect(tmp_path / "tiny.duckdb")
    ingest_files(
        con, [items], [{"name": "s", "kind": "council", "start_urls": ["http://127.0.0.1/"]}]
    )
    annotate.tokenise_pending(con, load_lexicons())
    return con


@pytest.fixture(scope="session")
def published(crawled, tmp_path_factory):
    """The chart site published once from the crawled sample site."""
    out = tmp_path_factory.mktemp("site")
    import duckdb

    from marketspeak.dashboards.site import build_site

    con = duckdb.connect(str(crawled.db), read_only=True)
    files = build_site(con, out, "year", "market@1.0.0 relational@1.0.0")
    con.close()
    return out, files
