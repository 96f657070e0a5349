"""A crawl of a site that fails in every common way: each fault is recorded, none crashes
the crawl, and every good page is stored."""

from __future__ import annotations

import unicodedata
from collections import Counter

import duckdb
import pytest

from marketspeak.corpus.items import LIMIT_ERRORS
from marketspeak.pipelines import steps
from tests.spiders.fault_site import FAULTS, serve_faults


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory):
    db = tmp_path_factory.mktemp("faults") / "faults.duckdb"
    with serve_faults() as (base, hits, hosts):
        source = {
            "name": "faulty",
            "kind": "other",
            "start_urls": [f"{base}/faults/"],
            "documents": [r"/faults/.+\.html$"],
            "delay": 0,
            "concurrency": 8,
            # Long enough that a loaded machine answers every other page in time: only
            # the slow page (which sleeps past it) may time out.
            "timeout": 4,
            "scrapy_settings": {
                "DOWNLOAD_MAXSIZE": 1_000_000,
                "DOWNLOAD_WARNSIZE": 0,
                "RETRY_TIMES": 2,
            },
        }
        files = steps.crawl([source], db)
        steps.ingest(db, files, [source])
    con = duckdb.connect(str(db), read_only=True)
    yield con, base, hits, hosts
    con.close()


@pytest.mark.parametrize("path", sorted(FAULTS))
def test_each_fault_ends_as_a_recorded_outcome(fault_crawl, path):
    con, base, *_ = fault_crawl
    status, error, stored = FAULTS[path]
    assert con.execute(
        "SELECT status, error FROM fetch_log WHERE url = ?", [base + path]
    ).fetchall() == [(status, error)]
    n = con.execute("SELECT count(*) FROM documents WHERE url = ?", [base + path]).fetchone()[0]
    assert n == (1 if stored else 0)


def test_server_errors_are_retried_before_giving_up(fault_crawl):
    _, _, hits, _ = fault_crawl
    assert hits["/faults/flaky.html"] == 3
    assert hits["/faults/down.html"] == 3  # RETRY_TIMES = 2


def test_a_redirect_to_another_host_is_never_followed(fault_crawl):
    _, base, _, hosts = fault_crawl
    assert hosts == {base.split("//")[1]}


def test_windows_1252_without_a_declared_charset_is_decoded(fault_crawl):
    con, base, *_ = fault_crawl
    [(text,)] = con.execute(
        "SELECT text FROM documents WHERE url = ?", [base + "/faults/cp1252.html"]
    ).fetchall()
    assert "\u20ac5 \u2013 that\u2019s the \u201cunit cost\u201d" in text


def test_the_run_summary_counts_the_failures_apart_from_the_limits(fault_crawl):
    con, *_ = fault_crawl
    [(fetched, failed, failures, not_fetched, truncated)] = con.execute(
        "SELECT pages_fetched, pages_failed, failures, not_fetched, truncated FROM crawl_runs"
    ).fetchall()
    codes = Counter(e for s, e, _ in FAULTS.values() if e)
    limits = {code: codes.pop(code) for code in LIMIT_ERRORS if code in codes}
    assert failures == dict(codes) and failed == sum(codes.values())
    # The oversized bodies and the redirect off the source's hosts are limits of the crawl.
    assert not_fetched == limits == {"too-large": 2, "offsite": 1}
    assert truncated is True  # a body over the size limit was left
    assert fetched == 1 + sum(1 for s, e, _ in FAULTS.values() if not e)


def test_a_page_whose_declared_charset_is_wrong_is_read_as_windows_1252(fault_crawl):
    con, base, *_ = fault_crawl
    [(text,)] = con.execute(
        "SELECT text FROM documents WHERE url = ?", [base + "/faults/mislabelled.html"]
    ).fetchall()
    assert "Caf\u00e9 \u2013 \u00a310 a head." in text


def test_a_hostile_title_is_stored_without_control_or_direction_characters(fault_crawl):
    con, base, *_ = fault_crawl
    (title,) = con.execute(
        "SELECT title FROM documents WHERE url = ?", [base + "/faults/control.html"]
    ).fetchone()
    assert title == "Budget gnidnuf report 2024"
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in title)


def test_impossible_dates_leave_a_page_undated(fault_crawl):
    con, base, *_ = fault_crawl
    url = base + "/faults/baddate.html"
    row = con.execute("SELECT published, date_source FROM documents WHERE url = ?", [url])
    row = row.fetchone()
    assert row == (None, None)


def test_pages_without_text_are_recorded_as_issues(fault_crawl):
    con, base, *_ = fault_crawl
    issues = dict(
        con.execute(
            "SELECT url, reason FROM crawl_issues WHERE url IN (?, ?)",
            [base + f"/faults/{p}" for p in ("random.html", "random-pdf.html")],
        ).fetchall()
    )
    assert sorted(issues.values()) == ["no-main-text", "pdf-unreadable"], issues


def test_ten_thousand_links_to_one_page_cost_one_request(fault_crawl):
    _, _, hits, _ = fault_crawl
    assert hits["/faults/links.html"] == 1
    assert not [p for p in hits if p.startswith("/faults/links.html?")]
