"""ARCHITECTURE.md stays true to the tree: every file it names exists, and every function,
macro or chart it names in backticks beside a file is defined there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "ARCHITECTURE.md"
# `path/file.ext` optionally followed by `name`: "`dashboards/site.py` `build_site`".
NAMED = re.compile(r"`([a-z_]+/[\w/.*-]+\.(?:py|sql|yaml|md|json))`(?: `(\w+)`)?")


def test_every_file_the_architecture_page_names_exists():
    missing = [
        path
        for path, _ in NAMED.findall(PAGE.read_text(encoding="utf-8"))
        if "*" not in path and not path.startswith("site/") and not (ROOT / path).exists()
    ]
    assert missing == []


def test_every_name_the_page_gives_beside_a_file_is_defined_in_it():
    undefined = [
        f"{path} {name}"
        for path, name in NAMED.findall(PAGE.read_text(encoding="utf-8"))
        if name and "*" not in path and name not in (ROOT / path).read_text(encoding="utf-8")
    ]
    assert undefined == []
