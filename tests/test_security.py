"""Injection and confinement: a hostile term is only ever a bound value, names from a
sources file cannot reach outside the crawl folder, and the site writes only inside --out.
(Escaping in HTML: tests/dashboards; CSV formulas: tests/analysis/test_kwic.py; crawl
boundaries: tests/spiders; hostile content: tests/spiders/test_hostile_content.py.)"""

from __future__ import annotations

import shutil

import duckdb
import pytest

from marketspeak.dashboards.site import build_site
from marketspeak.pipelines import steps
from marketspeak.pipelines.cli import main

HOSTILE = "x'); DROP TABLE documents; --"
STATE = """
SELECT (SELECT list(table_name ORDER BY table_name) FROM duckdb_tables()),
       (SELECT count(*) FROM documents)
"""


def state(db) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(STATE).fetchone()
    finally:
        con.close()


@pytest.fixture()
def copy_db(crawled, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(crawled.db, db)
    return db


@pytest.mark.parametrize(
    "command",
    [
        ["kwic", HOSTILE],
        ["collocates", HOSTILE],
        ["drift", HOSTILE],
        ["compounds", HOSTILE],
        ["kwic", "customer", "--source", HOSTILE],
    ],
)
def test_a_hostile_term_is_a_bound_value_in_every_measure(copy_db, command, capsys):
    before = state(copy_db)
    assert main([*command, "--db", str(copy_db), "--format", "csv"]) == 0
    capsys.readouterr()
    assert state(copy_db) == before and before[1] == 227


@pytest.mark.parametrize("name", ["../../etc", "/tmp/x", "a/b", "..", ""])
def test_a_source_name_cannot_leave_the_crawl_folder(tmp_path, name):
    with pytest.raises(ValueError, match="source name"):
        steps.source_dir(tmp_path / "db.duckdb", name)


def test_the_site_writes_only_inside_its_folder(crawled, tmp_path):
    out = tmp_path / "site"
    con = duckdb.connect(str(crawled.db), read_only=True)
    written = build_site(con, out)
    con.close()
    root = out.resolve()
    assert written and all(root in p.resolve().parents for p in written)
    assert {p.name for p in tmp_path.iterdir()} == {"site"}


def test_the_crawl_process_offers_no_remote_control(crawled):
    logs = sorted((crawled.db.parent / "crawl").glob("*/crawl.log"))
    assert logs
    for log in logs:
        text = log.read_text(encoding="utf-8")
        assert "Enabled extensions" in text
        # Scrapy's telnet console and its RemoteControl (Python run over HTTP) stay out.
        assert "TelnetConsole" not in text and "RemoteControl" not in text
        assert "listening on" not in text
