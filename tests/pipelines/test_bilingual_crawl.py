"""A Welsh council's bilingual pages, crawled for real over HTTP on 127.0.0.1: the trend
counts the English text only, and the methods page says how much Welsh was set aside."""

from __future__ import annotations

import html
import random

import duckdb

from marketspeak.pipelines import steps
from marketspeak.pipelines.demo_site.text import FILLER
from marketspeak.pipelines.demo_site.welsh import bilingual
from tests.spiders.fixture_http import FixtureHandler, running

SOURCE = "council-cymru"


def article(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{html.escape(title)}</title>"
        '<meta property="article:published_time" content="2021-03-01"></head>'
        f"<body><article>{body}</article></body></html>"
    )


def council_site() -> tuple[dict[str, str], dict[str, str]]:
    """Pages by path, and each paragraph's language (as written) by its text."""
    rng = random.Random(11)
    # A report laid out paragraph by paragraph, its Welsh half quoting a market term.
    report = bilingual(rng, 4, "alternate", quote="customer journey")
    # A Welsh-only notice (its English version is elsewhere), quoting another one.
    notice = [(p, lang) for p, lang in bilingual(rng, 3, "halves", quote="value for money")]
    notice = [(p, lang) for p, lang in notice if lang == "cy"]
    news = FILLER[:6] + [
        "Officers said customers and citizens had both responded to the survey.",
        "The new customers portal opens next week.",
    ]
    pages = {
        "/doc/report": article("Annual report", [p for p, _ in report]),
        "/doc/notice": article("Hysbysiad", [p for p, _ in notice]),
        "/doc/news": article("News", news),
    }
    return pages, dict(report + notice)


def serve(pages: dict[str, str]) -> type[FixtureHandler]:
    class Handler(FixtureHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/":
                links = "".join(f'<a href="{p}">{p}</a> ' for p in pages)
                return self.send(200, f"<html><body>{links}</body></html>".encode())
            if self.path in pages:
                return self.send(200, pages[self.path].encode())
            return self.send(404, b"not here")

    return Handler


def english_words(con: duckdb.DuckDBPyConnection, truth: dict[str, str]) -> int:
    """Word tokens of every paragraph not written in Welsh, counted from the stored tokens
    (a paragraph is a line of the stored text)."""
    total = 0
    for doc_id, text in con.execute("SELECT doc_id, text FROM documents").fetchall():
        english = [n for n, p in enumerate(text.split("\n")) if truth.get(p, "en") == "en"]
        total += con.execute(
            "SELECT count(*) FROM tokens WHERE doc_id = ? AND is_word "
            "AND list_contains(?, paragraph)",
            [doc_id, english],
        ).fetchone()[0]
    return total


def test_a_bilingual_councils_trend_counts_its_english_words_and_hits_only(tmp_path):
    pages, truth = council_site()
    db, out = tmp_path / "db.duckdb", tmp_path / "site"
    with running(serve(pages)) as (base,):
        source = {
            "name": SOURCE,
            "kind": "council",
            "start_urls": [base + "/"],
            "documents": ["/doc/"],
            "delay": 0,
        }
        steps.ingest(db, steps.crawl([source], db), [source])
    steps.tokenise(db, show_progress=False)
    steps.publish(db, out)

    con = duckdb.connect(str(db), read_only=True)
    all_words = con.execute("SELECT sum(n_words) FROM documents").fetchone()[0]
    raw_hits = con.execute(
        "SELECT term, count(*) FROM term_hits GROUP BY term ORDER BY term"
    ).fetchall()
    trend = con.execute(
        "SELECT n_documents, n_words, market_hits, relational_hits FROM trend('year')"
    ).fetchone()
    terms = con.execute("SELECT term, hits FROM term_trend('year') ORDER BY term").fetchall()
    languages = con.execute(
        "SELECT term, language, count(*) FROM lexicon_hits GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    english = english_words(con, truth)
    con.close()

    # Stored and matched as written: the Welsh paragraphs' quotations are hits too...
    assert raw_hits == [
        ("citizen", 1),
        ("customer", 2),
        ("customer journey", 2),
        ("value for money", 1),
    ]
    # ...but the trend counts the report and the news (the notice has no English), their
    # English words, and the hits in English paragraphs: the report's own "customer
    # journey", the news' customers and citizens.
    assert english < all_words
    assert trend == (2, english, 3, 1)
    assert terms == [("citizen", 1), ("customer", 2), ("customer journey", 1)]
    assert languages == [
        ("citizen", "en", 1),
        ("customer", "en", 2),
        ("customer journey", "cy", 1),
        ("customer journey", "en", 1),
        ("value for money", "cy", 1),
    ]

    page = (out / "methods.html").read_text(encoding="utf-8")
    table = page[page.index('id="languages-title"') : page.index('id="size-title"')]
    welsh = f"{all_words - english:,}"
    assert f'<td class="text">{SOURCE}</td><td class="text">cy</td>' in table
    assert f"<td>2 of 3</td><td>1</td><td>{welsh}</td>" in table

    # The methods page says how many hits were set aside and why: here the Welsh quotations.
    counted = page[page.index('id="set-aside-title"') : page.index('id="size-title"')]
    assert (
        f'<td class="text">{SOURCE}</td><td class="text">market</td>\n'
        '<td class="text">language</td><td>2</td><td>40.0%</td>'
    ) in counted
    assert (
        f'<td class="text">{SOURCE}</td><td class="text">market</td>\n'
        '<td class="text">counted</td><td>3</td><td>60.0%</td>'
    ) in counted
