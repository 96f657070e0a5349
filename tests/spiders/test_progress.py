"""Crawl progress is counted from the item files as they grow, and logged off a terminal."""

from __future__ import annotations

import json
import logging

import yaml

from marketspeak.pipelines.demo_site.generate import sources_yaml
from marketspeak.spiders.launch import run_crawl
from marketspeak.spiders.progress import ItemTail


def line(**item) -> bytes:
    return (json.dumps(item) + "\n").encode()


def test_counts_grow_with_the_file_and_wait_for_half_written_lines(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(
        line(item="fetch", error="")
        + line(item="fetch", error="http-404")
        + line(item="document")
        + b'{"item": "docu'
    )
    tail = ItemTail(tmp_path, ["a"])
    counts = tail.update()["a"]
    assert (counts.pages, counts.failed, counts.documents, counts.issues) == (2, 1, 1, 0)
    with path.open("ab") as handle:
        handle.write(b'ment"}\n' + line(item="issue"))
    counts = tail.update()["a"]
    assert (counts.pages, counts.failed, counts.documents, counts.issues) == (2, 1, 2, 1)


def test_urls_left_because_of_a_limit_are_counted_apart_from_failures(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(
        line(item="fetch", error="")
        + line(item="fetch", error="robots-disallowed")
        + line(item="fetch", error="too-large")
        + line(item="fetch", error="timeout")
        + line(item="not-fetched", reason="max-pages")
    )
    counts = ItemTail(tmp_path, ["a"]).update()["a"]
    assert (counts.pages, counts.failed, counts.not_fetched) == (4, 1, 3)


def test_a_crawl_off_a_terminal_logs_a_summary_line_per_source(sample_site, tmp_path, caplog):
    source = yaml.safe_load(sources_yaml(sample_site.manifest, sample_site.base_url))["sources"][1]
    source.update(delay=0, max_pages=8)
    with caplog.at_level(logging.INFO, logger="marketspeak"):
        out = run_crawl([source], tmp_path)
    fetched = sum(
        1
        for raw in out.item_files[0].read_text().splitlines()
        if json.loads(raw)["item"] == "fetch"
    )
    assert f"crawled southvale: {fetched} page(s)" in caplog.text
