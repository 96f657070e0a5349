"""PDFs are extracted in worker processes with a time and a memory limit: a PDF that hangs
the extractor, exhausts its memory or kills its process is a recorded issue, the worker is
replaced, and every other document is still stored. The pool is tested with real worker
processes on real hostile PDFs, then in a real crawl of a site on 127.0.0.1."""

from __future__ import annotations

import json
import signal
import time
from datetime import UTC, datetime

import duckdb
import psutil
import pytest

from marketspeak.pipelines import steps
from marketspeak.spiders.pdf import ALARM_GRACE, PdfLimits, PdfPool, Worker, frame
from tests.spiders.fixture_http import FixtureHandler, running
from tests.spiders.pdf_fixtures import lines_pdf, memory_bomb_pdf, slow_pdf

SEAMS = "tests.spiders.pdf_seams:misbehaving"
URL = "http://127.0.0.1/reports/"
OLD = datetime(2019, 3, 4, 12, 0, tzinfo=UTC)


def report(n: int) -> bytes:
    return lines_pdf(
        [[f"Report {n}: the council agreed its plan for the parks service."]], f"Report {n}", OLD
    )


@pytest.fixture
def pool_with(request):
    pools = []

    def make(**limits) -> PdfPool:
        pools.append(PdfPool(PdfLimits(workers=1, **limits)))
        return pools[-1]

    yield make
    for pool in pools:
        pool.close()


def extract(pool: PdfPool, data: bytes, name: str = "r.pdf"):
    return pool.extract(data, URL + name, datetime.now(UTC))


def test_a_pdf_that_runs_past_the_time_limit_is_stopped_and_the_next_one_is_read(pool_with):
    slow = slow_pdf()
    pool = pool_with(timeout=0.3)
    stopped = extract(pool, slow)
    assert (stopped.text, stopped.issue) == ("", "pdf-timeout")
    assert "0.3 s" in stopped.detail
    assert "Report 1:" in extract(pool, report(1)).text
    assert pool.replaced == 1
    # Given the time, pdfium reads it to the end: a page of drawing, with no text.
    assert extract(pool_with(timeout=60), slow).issue == "pdf-no-text-layer"


def test_a_pdf_that_exhausts_the_memory_limit_costs_only_its_worker(pool_with):
    pool = pool_with(memory_mb=256)
    crashed = extract(pool, memory_bomb_pdf())
    assert (crashed.text, crashed.issue) == ("", "pdf-crashed")
    assert "memory limit 256 MB" in crashed.detail
    assert "Report 2:" in extract(pool, report(2)).text
    assert pool.replaced == 1


def test_a_worker_that_aborts_is_replaced(pool_with):
    pool = pool_with(extractor=SEAMS)
    crashed = extract(pool, report(3), "abort.pdf")
    assert crashed.issue == "pdf-crashed" and "SIGABRT" in crashed.detail
    assert "Report 3:" in extract(pool, report(3)).text


@pytest.mark.parametrize(
    ("name", "said"), [("forged.pdf", "malformed answer"), ("boastful.pdf", "announced")]
)
def test_a_forged_answer_from_a_worker_is_a_crash_not_a_document(pool_with, name, said):
    pool = pool_with(extractor=SEAMS)
    forged = extract(pool, report(4), name)
    assert (forged.text, forged.issue) == ("", "pdf-crashed")
    assert said in forged.detail
    assert "Report 4:" in extract(pool, report(4)).text


def test_one_worker_serves_many_pdfs_and_stops_with_the_pool():
    pool = PdfPool(PdfLimits(workers=1))
    texts = [extract(pool, report(n)).text for n in range(3)]
    assert all(f"Report {n}:" in text for n, text in enumerate(texts))
    [worker] = pool.idle
    pool.close()
    assert worker.process.poll() is not None and pool.replaced == 0


def test_closing_the_pool_stops_a_worker_in_the_middle_of_a_pdf():
    pool = PdfPool(PdfLimits(workers=1, extractor=SEAMS, timeout=600))
    pending = pool.submit(report(5), URL + "hang.pdf", datetime.now(UTC))
    deadline = time.monotonic() + 10
    while not pool.live and time.monotonic() < deadline:
        time.sleep(0.05)
    [worker] = pool.live
    pool.close()  # an interrupted crawl does not wait for the hung PDF
    assert pending.result(timeout=5).issue == "pdf-crashed"
    assert worker.process.poll() is not None


def test_a_hung_worker_whose_crawl_died_ends_itself_soon_after_its_time_limit():
    worker = Worker(PdfLimits(timeout=1, extractor=SEAMS))
    header = {"url": URL + "hang.pdf", "at": datetime.now(UTC).isoformat(), "timeout": 1}
    worker.process.stdin.write(frame(json.dumps(header).encode()) + frame(report(6)))
    worker.process.stdin.flush()
    worker.process.stdin.close()  # as when the crawl process is killed: nobody kills it
    worker.process.stdout.close()
    assert worker.process.wait(timeout=1 + ALARM_GRACE + 10) == -signal.SIGALRM


# --- In a crawl -------------------------------------------------------------------------------

# path -> (what the crawl must record: a crawl issue's reason, or None for a stored document)
SITE = {
    "/reports/hang.pdf": "pdf-timeout",  # the extractor never returns
    "/reports/abort.pdf": "pdf-crashed",  # the extractor kills its process
    "/reports/bomb.pdf": "pdf-crashed",  # pdfium runs into the memory limit
    "/reports/forged.pdf": "pdf-crashed",  # the worker answers with something else
    "/reports/report-1.pdf": None,
    "/reports/report-2.pdf": None,
    "/reports/report-3.pdf": None,
    "/reports/generated.pdf": None,  # made on request: dated by its CreationDate, untrusted
    "/reports/news.html": None,
}
PROSE = "<p>" + "The council opened a new library in the town centre this spring. " * 6 + "</p>"


def serve_reports():
    bomb = memory_bomb_pdf()

    class Handler(FixtureHandler):
        def do_GET(self) -> None:  # noqa: N802
            pdf = "application/pdf"
            if self.path == "/reports/":
                links = "".join(f'<li><a href="{path}">{path}</a></li>' for path in SITE)
                return self.send(200, f"<html><body><ul>{links}</ul></body></html>".encode())
            if self.path == "/reports/bomb.pdf":
                return self.send(200, bomb, ctype=pdf)
            if self.path == "/reports/generated.pdf":
                now = datetime.now(UTC)
                return self.send(200, lines_pdf([["Figures as of now."]], "Live", now), ctype=pdf)
            if self.path == "/reports/news.html":
                page = f"<html><body><article><h1>News</h1>{PROSE}</article></body></html>"
                return self.send(200, page.encode())
            if self.path in SITE:  # the other PDFs; the seams misbehave by URL
                n = int(self.path[-5]) if "/report-" in self.path else 0
                return self.send(200, report(n), ctype=pdf)
            return self.send(404, b"not here")

    return running(Handler)


def seam_workers() -> list[psutil.Process]:
    """Worker processes running the test extractor, wherever they are."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if SEAMS in " ".join(process.info["cmdline"] or []):
            found.append(process)
    return found


@pytest.fixture(scope="module")
def pdf_crawl(tmp_path_factory):
    db = tmp_path_factory.mktemp("pdf-workers") / "pdfs.duckdb"
    with serve_reports() as (base,):
        source = {
            "name": "reports",
            "kind": "council",
            "start_urls": [f"{base}/reports/"],
            "documents": [r"/reports/.+\.(pdf|html)$"],
            "delay": 0,
            "concurrency": 8,
            "scrapy_settings": {
                "MARKETSPEAK_PDF_EXTRACTOR": SEAMS,
                "MARKETSPEAK_PDF_WORKERS": 1,
                "MARKETSPEAK_PDF_TIMEOUT": 2,
                "MARKETSPEAK_PDF_MEMORY_MB": 256,
            },
        }
        files = steps.crawl([source], db)
        steps.ingest(db, files, [source])
    con = duckdb.connect(str(db), read_only=True)
    yield con, base
    con.close()


def test_every_pdf_ends_as_a_document_or_a_recorded_issue(pdf_crawl):
    con, base = pdf_crawl
    issues = dict(con.execute("SELECT url, reason FROM crawl_issues").fetchall())
    stored = {url for (url,) in con.execute("SELECT url FROM document_urls").fetchall()}
    assert issues == {base + path: reason for path, reason in SITE.items() if reason}
    assert stored == {base + path for path, reason in SITE.items() if not reason}


def test_a_hostile_pdf_is_fetched_and_its_failure_explained(pdf_crawl):
    con, base = pdf_crawl
    rows = con.execute(
        "SELECT f.status, f.error, i.detail FROM fetch_log f JOIN crawl_issues i USING (url) "
        "WHERE url = ?",
        [base + "/reports/hang.pdf"],
    ).fetchall()
    assert rows == [(200, "", "PDF extraction took over 2 s; stopped, not stored")]


def test_pages_are_stored_while_a_pdf_hangs_its_worker(pdf_crawl):
    con, base = pdf_crawl
    [(page_stored, gave_up)] = con.execute(
        "SELECT (SELECT first_seen FROM documents WHERE url = ?), "
        "(SELECT seen_at FROM crawl_issues WHERE url = ?)",
        [base + "/reports/news.html", base + "/reports/hang.pdf"],
    ).fetchall()
    # Both were linked from one page; the hang kept its worker 2 s but not the crawl.
    assert (gave_up - page_stored).total_seconds() > 1.5


def test_a_pdf_made_at_fetch_time_is_stored_but_not_dated_for_trends(pdf_crawl):
    con, base = pdf_crawl
    rows = dict(
        con.execute(
            "SELECT url, (date_source, trend_date IS NULL) FROM current_documents "
            "WHERE content_type = 'pdf'"
        ).fetchall()
    )
    assert rows[base + "/reports/generated.pdf"] == ("pdf-metadata-recent", True)
    assert rows[base + "/reports/report-1.pdf"] == ("pdf-metadata", False)


def test_no_worker_outlives_the_crawl(pdf_crawl):
    deadline = time.monotonic() + 5
    while seam_workers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert seam_workers() == []
