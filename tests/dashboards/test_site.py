"""The published site: every chart in every format, one shared runtime for the site and
single-file embeds, data files that match the database, and crawled text escaped in every
file written."""

from __future__ import annotations

import json
import re
import shutil

import duckdb
import pandas as pd
import pytest

from marketspeak.dashboards.site import build_site
from marketspeak.pipelines.demo_site.generate import HOSTILE_TITLE

SITE_CHARTS = [
    "naming-index",
    "market-share-index",
    "lexicon-rates",
    "term-rates",
    "kind-index",
    "source-index",
    "compounds",
    "coverage",
    "peers",
    "changes",
]


def chart_payload(out, name: str) -> dict:
    text = (out / "data" / f"{name}.js").read_text()
    return json.loads(text.removeprefix("window.MARKETSPEAK_CHART = ").rstrip().rstrip(";"))


def test_every_chart_is_written_in_every_format(published):
    out, files = published
    for name in SITE_CHARTS:
        for path in (
            *(out / "charts" / f"{name}.{ext}" for ext in ("html", "vl.json", "png", "svg")),
            *(out / "data" / f"{name}.{ext}" for ext in ("csv", "json", "js")),
            out / "embed" / f"{name}.html",
        ):
            assert path.stat().st_size > 0 and path in files, path
        assert (out / "charts" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert (out / "charts" / f"{name}.svg").read_text().lstrip().startswith("<svg")


def test_the_site_ships_the_runtime_once_and_standalone_charts_inline_it(published):
    out, _ = published
    runtime = (out / "assets" / "vega-runtime.js").stat().st_size
    assert runtime > 500_000
    for name in SITE_CHARTS:
        embed = (out / "embed" / f"{name}.html").read_text()
        assert '<script src="../assets/vega-runtime.js"></script>' in embed
        assert not re.search(r"<script>", embed), "embed pages carry no inline script"
        standalone = (out / "charts" / f"{name}.html").read_text()
        assert not re.search(r"<script[^>]+src=", standalone)
        assert "window.vegaEmbed" in standalone and len(standalone) > runtime
    site = [p for p in out.rglob("*") if p.is_file() and p.parent.name != "charts"]
    assert sum(p.stat().st_size for p in site) < runtime + 2_000_000


def test_no_page_loads_anything_from_another_host(published):
    out, _ = published
    for page in [*out.glob("*.html"), *out.glob("embed/*.html"), *out.glob("charts/*.html")]:
        text = page.read_text()
        # Links to source documents are navigation; nothing may be loaded from elsewhere.
        assert not re.search(r"""src=["']?(https?:)?//""", text), page
        assert not re.search(r"""<link[^>]+href=["']?(https?:)?//""", text), page
        assert "Content-Security-Policy" in text, page


def test_chart_data_files_match_the_database(published, read_db):
    out, _ = published
    data = pd.read_csv(out / "data" / "market-share-index.csv")
    counted = (
        "SELECT count(*) FROM english_hits JOIN english_documents USING (doc_id) "
        "WHERE lexicon = 'market'"
    )
    assert data["market_hits"].sum() == read_db.execute(counted).fetchone()[0]
    naming = pd.read_csv(out / "data" / "naming-index.csv")
    role = read_db.execute(counted + " AND category = 'role'").fetchone()[0]
    assert naming["market_role_hits"].sum() == role > 0
    records = json.loads((out / "data" / "market-share-index.json").read_text())
    assert [r["market_hits"] for r in records] == data["market_hits"].tolist()
    kinds = pd.read_csv(out / "data" / "kind-index.csv")
    assert kinds["n_documents"].sum() == data["n_documents"].sum()


def test_every_chart_carries_lexicon_version_document_count_and_last_crawl(published, read_db):
    out, _ = published
    documents, last = read_db.execute(
        "SELECT count(*), strftime(max(last_seen), '%Y-%m-%d') FROM documents "
        "WHERE n_words IS NOT NULL AND doc_id IN (SELECT doc_id FROM document_urls)"
    ).fetchone()
    footer = f"lexicons market@1.0.0 relational@1.0.0 · {documents:,} documents · last crawl {last}"
    for name in SITE_CHARTS:
        assert footer in (out / "charts" / f"{name}.vl.json").read_text(), name
        assert footer in (out / "embed" / f"{name}.html").read_text(), name


def test_the_drill_down_index_lists_each_periods_documents(published, read_db):
    out, _ = published
    documents = chart_payload(out, "market-share-index")["documents"]
    per_year = dict(
        read_db.execute(
            "SELECT year(published)::VARCHAR, count(*) FROM document_counts "
            "WHERE published IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    assert {year: entry["total"] for year, entry in documents.items()} == per_year
    items = [item for entry in documents.values() for item in entry["items"]]
    assert all(item["url"].startswith("http://127.0.0.1:") for item in items)
    assert chart_payload(out, "term-rates")["documents"] is None


def test_index_lists_every_chart_with_downloads_and_an_embed_snippet(published):
    out, _ = published
    page = (out / "index.html").read_text()
    for name in SITE_CHARTS:
        assert f'<iframe src="embed/{name}.html"' in page
        assert f'&lt;iframe src="embed/{name}.html"' in page
        for link in (f"charts/{name}.png", f"charts/{name}.svg", f"data/{name}.csv"):
            assert f'href="{link}"' in page
    assert "Not computed for this site" in page  # agency, as no parser model is installed
    assert "The company “customer” keeps" in page


def test_the_methods_page_explains_lexicons_dates_and_corpus_size(published, read_db):
    out, _ = published
    page = (out / "methods.html").read_text()
    assert "Lexicons: market@1.0.0 relational@1.0.0" in page
    undated = read_db.execute(
        "SELECT count(*) FROM current_documents WHERE n_words IS NOT NULL AND trend_date IS NULL"
    ).fetchone()[0]
    assert f"{undated:,} of" in page
    for date_source in ("html-meta", "json-ld", "pdf-metadata"):
        assert f"<td>{date_source}</td>" in page
    assert "Naming index" in page and "Register index" in page and "bootstrap" in page
    # The naming words are listed from the lexicons in use, market and relational apart.
    naming = page[page.index("Naming index") : page.index("Register index")]
    assert "customer" in naming and "citizen" in naming


def test_a_base_url_makes_the_snippet_absolute(crawled, tmp_path):
    con = duckdb.connect(str(crawled.db), read_only=True)
    build_site(con, tmp_path / "site", base_url="https://charts.example.org/marketspeak")
    page = (tmp_path / "site" / "index.html").read_text()
    assert 'src="https://charts.example.org/marketspeak/embed/lexicon-rates.html"' in page


def test_the_crawled_script_title_is_text_in_every_file(published):
    out, _ = published
    raw = HOSTILE_TITLE.replace("Consultation ", "").replace(" results", "")
    assert raw.startswith("<script>")
    written = [p for p in out.rglob("*") if p.suffix in (".html", ".js", ".json", ".svg")]
    found = [p for p in written if raw in p.read_text(encoding="utf-8")]
    # Only the data file of JSON numbers for researchers may hold it verbatim (not HTML).
    assert [p.name for p in found if p.suffix != ".json"] == []
    payload = json.dumps(chart_payload(out, "market-share-index"))
    assert "Consultation <script>" in payload  # the drill-down shows it, as text


def test_hostile_titles_and_urls_are_neutralised(crawled, tmp_path):
    db = tmp_path / "hostile.duckdb"
    shutil.copy(crawled.db, db)
    con = duckdb.connect(str(db))
    con.execute(
        "UPDATE documents SET title = '<script>alert(1)</script>', url = 'javascript:alert(1)' "
        "WHERE doc_id IN (SELECT doc_id FROM term_hits WHERE term = 'customer')"
    )
    build_site(con, tmp_path / "site")
    for page in (tmp_path / "site").rglob("*.html"):
        text = page.read_text()
        assert "<script>alert(1)</script>" not in text, page
        assert 'href="javascript:' not in text, page
    index = (tmp_path / "site" / "index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index  # the KWIC sample shows it
    documents = chart_payload(tmp_path / "site", "market-share-index")["documents"]
    assert all(i["url"] != "javascript:alert(1)" for e in documents.values() for i in e["items"])


def test_the_naming_index_chart_marks_periods_whose_coverage_is_flagged(
    crawled, tmp_path, monkeypatch
):
    from marketspeak.analysis import coverage
    from marketspeak.dashboards import site

    real = coverage.coverage

    def flagged(con, period="year"):
        frame = real(con, period)
        first = frame.index[frame["source"] == frame["source"].min()][-1]
        frame.loc[first, ["flag", "note"]] = ["fall", "1 document, under 1/3 of the median 4"]
        return frame

    monkeypatch.setattr(site.coverage_measure, "coverage", flagged)
    con = duckdb.connect(str(crawled.db), read_only=True)
    expected = flagged(con)
    build_site(con, tmp_path / "site", "year")
    con.close()
    row = expected[expected["flag"] != ""].iloc[0]
    spec = json.loads((tmp_path / "site" / "charts" / "naming-index.vl.json").read_text())
    flags = [r for d in spec["datasets"].values() for r in d if "flags" in r]
    assert [r["period"] for r in flags] == [str(row["period_start"].year)]
    assert flags[0]["flags"] == f"{row['source']}: fall (1 document, under 1/3 of the median 4)"
    assert "Dotted rules" in json.dumps(spec)


def test_without_flags_or_labels_the_naming_index_chart_is_the_plain_one(published, read_db):
    from marketspeak.analysis.uncertainty import trend_with_ci
    from marketspeak.dashboards import charts

    out, _ = published
    spec = json.loads((out / "charts" / "naming-index.vl.json").read_text())
    assert "audited_naming_index" not in json.dumps(spec)
    assert "flags" not in json.dumps(spec)
    chart = charts.naming_index_chart(trend_with_ci(read_db, "year"), "year")
    plain = json.loads(json.dumps(chart.to_dict(), sort_keys=True))
    assert spec["vconcat"][0]["vconcat"] == plain["vconcat"]  # under the footer
    data = pd.read_csv(out / "data" / "naming-index.csv")
    assert "audited_naming_index" not in data.columns


def test_a_site_given_the_runs_measures_draws_them_without_computing_them_again(
    crawled, tmp_path, monkeypatch
):
    from marketspeak.analysis import uncertainty
    from marketspeak.dashboards import site

    real = uncertainty.trend_with_ci
    bootstraps = []

    def counted(*args, **kwargs):
        bootstraps.append(args[1:2])
        return real(*args, **kwargs)

    monkeypatch.setattr(uncertainty, "trend_with_ci", counted)
    con = duckdb.connect(str(crawled.db), read_only=True)
    measures = site.measure(con, "year")
    build_site(con, tmp_path / "given", "year", measures=measures)
    assert len(bootstraps) == 1  # measure()'s: the site drew the frames it was given
    build_site(con, tmp_path / "own", "year")
    assert len(bootstraps) == 2  # without measures the site computes its own
    with pytest.raises(ValueError, match="per year, the site per quarter"):
        build_site(con, tmp_path / "quarter", "quarter", measures=measures)
    con.close()
    drawn = [chart for chart in site.CHARTS if chart.data(measures) is not None]
    assert len(drawn) >= len(SITE_CHARTS)
    for chart in drawn:
        for ext in ("csv", "json"):
            given = (tmp_path / "given" / "data" / f"{chart.name}.{ext}").read_bytes()
            assert given == (tmp_path / "own" / "data" / f"{chart.name}.{ext}").read_bytes()
