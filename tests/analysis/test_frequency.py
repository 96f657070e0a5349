"""Counts and rates from the crawled sample site equal what the generator planted."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from analysis.frequency import period_label, term_trend, trend
from pipelines.demo_site.generate import planted_totals


def test_hits_per_term_and_year_equal_the_planted_counts(crawled, read_db):
    frame = term_trend(read_db, "year")
    found = Counter(
        {
            (None if pd.isna(r.period_start) else r.period_start.year, r.lexicon, r.term): r.hits
            for r in frame.itertuples()
        }
    )
    assert found == planted_totals(crawled.manifest)


def test_yearly_totals_rates_and_index_follow_their_definitions(crawled, read_db):
    frame = trend(read_db, "year")
    planted = planted_totals(crawled.manifest)
    docs_per_year = Counter(d["year"] for d in crawled.manifest["documents"])
    for row in frame.itertuples():
        year = None if pd.isna(row.period_start) else row.period_start.year
        market = sum(n for (y, lx, _), n in planted.items() if y == year and lx == "market")
        relational = sum(n for (y, lx, _), n in planted.items() if y == year and lx == "relational")
        assert (row.market_hits, row.relational_hits) == (market, relational)
        assert row.n_documents == docs_per_year[year]
        assert row.market_per_million == pytest.approx(1e6 * market / row.n_tokens)
        assert row.market_share_index == pytest.approx(market / (market + relational))
    assert len(frame) == 21  # 2005-2024 and one undated row
    assert pd.isna(frame.iloc[-1].period_start)


def test_vocabulary_drifts_towards_market_words(read_db):
    frame = trend(read_db, "year").dropna(subset=["period_start"])
    assert frame.iloc[0].market_share_index < 0.3 < 0.7 < frame.iloc[-1].market_share_index


def test_quarters_and_months_add_up_to_years(read_db):
    years = trend(read_db, "year").dropna(subset=["period_start"])
    for period in ("quarter", "month"):
        finer = trend(read_db, period).dropna(subset=["period_start"])
        finer["year"] = finer["period_start"].dt.year
        summed = finer.groupby("year")[["n_documents", "n_tokens", "market_hits"]].sum()
        assert summed["market_hits"].tolist() == years["market_hits"].tolist()
        assert summed["n_tokens"].tolist() == years["n_tokens"].tolist()


def test_trend_by_source_splits_the_totals(read_db):
    by_source = trend(read_db, "year", by="source")
    assert set(by_source["source"]) == {"northshire", "southvale", "care-regulator"}
    assert by_source["market_hits"].sum() == trend(read_db, "year")["market_hits"].sum()
    kinds = dict(zip(by_source["source"], by_source["source_kind"], strict=False))
    assert kinds == {"northshire": "council", "southvale": "council", "care-regulator": "regulator"}


def test_trend_by_kind_sums_its_sources(read_db):
    by_kind = trend(read_db, "year", by="kind").set_index(["period_start", "source_kind"])
    by_source = trend(read_db, "year", by="source")
    summed = by_source.groupby(["period_start", "source_kind"], dropna=False)[
        ["n_documents", "n_tokens", "market_hits", "relational_hits"]
    ].sum()
    assert set(by_kind.index.get_level_values("source_kind")) == {"council", "regulator"}
    for column in summed.columns:
        assert by_kind[column].sort_index().tolist() == summed[column].sort_index().tolist()


def test_document_share_counts_documents_with_a_hit(read_db):
    expected = read_db.execute(
        "SELECT avg((relational_hits > 0)::INT) FROM document_counts WHERE year(published) = 2024"
    ).fetchone()[0]
    row = trend(read_db, "year").dropna(subset=["period_start"]).iloc[-1]
    assert row.relational_doc_share == pytest.approx(expected)


def test_an_unknown_period_is_refused(read_db):
    with pytest.raises(ValueError, match="period must be one of"):
        trend(read_db, "week")


@pytest.mark.parametrize(
    ("period", "label"), [("year", "2012"), ("quarter", "2012-Q3"), ("month", "2012-08")]
)
def test_period_labels(period, label):
    assert period_label(pd.Timestamp("2012-08-01"), period) == label
    assert period_label(None, period) == "undated"


def test_a_date_from_heuristics_is_kept_but_counted_as_undated(tmp_path):
    from tests.conftest import tiny_corpus

    con = tiny_corpus(
        tmp_path,
        ["Customers and citizens, page 0.", "Customers, page 1."],
        dates=[("2012-05-01", "html-meta"), ("2013-05-01", "htmldate")],
    )
    frame = trend(con, "year")
    assert [period_label(v, "year") for v in frame["period_start"]] == ["2012", "undated"]
    found = con.execute("SELECT count(*) FROM documents WHERE published = '2013-05-01'")
    assert found.fetchone()[0] == 1
