"""The sources file shipped for real publishers is valid (checked without any network)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from marketspeak.corpus.yamlfile import ConfigError, load_yaml
from marketspeak.pipelines.sources import load_sources

SHIPPED = Path(__file__).resolve().parents[2] / "sources.yaml"


def test_shipped_sources_load_and_name_the_publishers_users_asked_for():
    sources = {s["name"]: s for s in load_sources(SHIPPED)}
    assert {"cqc", "ofsted", "care-inspectorate", "lga", "scie", "dhsc"} <= set(sources)
    councils = [s for s in sources.values() if s["kind"] == "council"]
    assert len(councils) >= 10
    # England, Scotland and Wales are all there.
    assert {"edinburgh", "aberdeen", "cardiff", "swansea"} <= {c["name"] for c in councils}


def test_shipped_sources_point_at_public_hosts_and_crawl_politely():
    for source in load_sources(SHIPPED):
        for url in source["start_urls"]:
            host = urlsplit(url).hostname or ""
            assert host.endswith((".gov.uk", ".org.uk", ".com", ".co.uk")), url
        assert source["delay"] >= 1, source["name"]


def test_yaml_merge_keys_fill_in_and_own_keys_override(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("base: &b {kind: council, delay: 2}\nitem:\n  <<: *b\n  delay: 5\n")
    data = load_yaml(path)
    assert data["item"] == {"kind": "council", "delay": 5}


def test_a_key_written_twice_in_one_mapping_is_an_error(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("sources:\n  - name: a\n    name: b\n")
    with pytest.raises(ConfigError, match=r"x\.yaml:3: duplicate key 'name'"):
        load_yaml(path)
