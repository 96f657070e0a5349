"""Counts and rates from the crawled sample site equal what the generator planted."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from marketspeak.analysis.frequency import period_label, term_trend, trend
from marketspeak.pipelines.demo_site.generate import counted_documents, planted_totals


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
    # The PDF that repeats a page is counted through the page (a near-duplicate).
    docs_per_year = Counter(d["year"] for d in counted_documents(crawled.manifest))
    for row in frame.itertuples():
        year = None if pd.isna(row.period_start) else row.period_start.year
        market = sum(n for (y, lx, _), n in planted.items() if y == year and lx == "market")
        relational = sum(n for (y, lx, _), n in planted.items() if y == year and lx == "relational")
        assert (row.market_hits, row.relational_hits) == (market, relational)
        assert row.n_documents == docs_per_year[year]
        assert row.market_per_million == pytest.approx(1e6 * market / row.n_words)
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
        summed = finer.groupby("year")[["n_documents", "n_words", "market_hits"]].sum()
        assert summed["market_hits"].tolist() == years["market_hits"].tolist()
        assert summed["n_words"].tolist() == years["n_words"].tolist()


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
        ["n_documents", "n_words", "market_hits", "relational_hits"]
    ].sum()
    assert set(by_kind.index.get_level_values("source_kind")) == {"council", "regulator"}
    for column in summed.columns:
        assert by_kind[column].sort_index().tolist() == summed[column].sort_index().tolist()


def test_document_share_counts_documents_with_a_hit(read_db):
    expected = read_db.execute(
        "SELECT avg((relational_hits > 0)::INT) FROM document_counts WHERE year(trend_date) = 2024"
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


# A text two publishers both carry (a joint statement, a shared press release) is each
# one's own document; the totals still count the text once. Crawled for real, both ways
# round, since which source fetched the text first is a matter of timing.
SHARED_TEXT = ("joint statement", "customers, customers and citizens")


@pytest.fixture(scope="module")
def two_publishers(tmp_path_factory):
    from tests.corpus.publisher_site import Site, crawl_and_store, page, source_for
    from tests.spiders.fixture_http import running

    council = Site({"/doc/shared": page(*SHARED_TEXT), "/doc/roads": page("roads", "customers")})
    regulator = Site(
        {"/doc/shared": page(*SHARED_TEXT), "/doc/care": page("care", "partners", "2016-02-01")}
    )
    databases = {}
    with running(council.handler(), regulator.handler()) as (council_base, regulator_base):
        BASES.update({"council-a": council_base, "regulator-b": regulator_base})
        sources = [source_for("council-a", council_base), source_for("regulator-b", regulator_base)]
        for order in ("council first", "regulator first"):
            db = tmp_path_factory.mktemp(order.replace(" ", "-")) / "db.duckdb"
            crawl_and_store(db, sources if order == "council first" else sources[::-1])
            databases[order] = db
    return databases


BASES = {}  # source -> base URL of its site, filled in by two_publishers


def trend_rows(db, by):
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        frame = trend(con, "year", by=by)
    keys = {"all": [], "source": ["source"], "kind": ["source_kind"]}[by]
    columns = ["period_start", *keys, "n_documents", "market_hits", "relational_hits"]
    return [tuple(row) for row in frame[columns].itertuples(index=False)]


Y2015, Y2016 = pd.Timestamp("2015-01-01"), pd.Timestamp("2016-01-01")


def test_a_text_two_sources_publish_counts_in_each_sources_trend(two_publishers):
    from tests.corpus.publisher_site import REPEAT as R

    # shared (2015): 2R market, R relational; roads (council, 2015): R market; care
    # (regulator, 2016): R relational.
    for db in two_publishers.values():
        assert trend_rows(db, "source") == [
            (Y2015, "council-a", 2, 3 * R, R),
            (Y2015, "regulator-b", 1, 2 * R, R),
            (Y2016, "regulator-b", 1, 0, R),
        ]
        assert trend_rows(db, "kind") == [
            (Y2015, "council", 2, 3 * R, R),
            (Y2015, "regulator", 1, 2 * R, R),
            (Y2016, "regulator", 1, 0, R),
        ]


def test_the_totals_count_a_text_two_sources_publish_once(two_publishers):
    from tests.corpus.publisher_site import REPEAT as R

    for db in two_publishers.values():
        assert trend_rows(db, "all") == [(Y2015, 2, 3 * R, R), (Y2016, 1, 0, R)]


def test_dispersion_puts_a_shared_text_in_both_sources_and_counts_it_once(two_publishers):
    import duckdb

    from marketspeak.analysis.dispersion import dispersion, dp
    from tests.corpus.publisher_site import REPEAT as R

    frames = []
    for db in two_publishers.values():
        with duckdb.connect(str(db), read_only=True) as con:
            frame = dispersion(con).set_index("term")
            sizes = dict(
                con.execute(
                    "SELECT source, sum(n_words) FROM source_document_counts GROUP BY 1"
                ).fetchall()
            )
        customer = frame.loc["customer"]
        assert (customer.hits, customer.documents, customer.parts) == (3 * R, 2, 2)
        assert customer.doc_share == pytest.approx(2 / 3)
        # council-a: the shared text (2R) and roads (R); regulator-b: the shared text (2R).
        expected = dp([sizes["council-a"], sizes["regulator-b"]], [3 * R, 2 * R])
        assert (customer.dp, customer.dp_norm) == pytest.approx(expected)
        frames.append(frame)
    pd.testing.assert_frame_equal(frames[0], frames[1])


def test_a_sources_concordance_includes_the_text_it_shares(two_publishers):
    import duckdb

    from marketspeak.analysis.kwic import kwic
    from tests.corpus.publisher_site import REPEAT as R

    for db in two_publishers.values():
        with duckdb.connect(str(db), read_only=True) as con:
            lines = kwic(con, "citizen", source="regulator-b")
        assert len(lines) == R and set(lines["source"]) == {"regulator-b"}
        assert set(lines["url"]) == {BASES["regulator-b"] + "/doc/shared"}


def test_a_sources_intervals_resample_the_documents_it_serves(two_publishers):
    import duckdb

    from marketspeak.analysis.uncertainty import trend_with_ci

    for db in two_publishers.values():
        with duckdb.connect(str(db), read_only=True) as con:
            frame = trend_with_ci(con, "year", n_boot=50, by="source")
        regulator = frame[(frame["source"] == "regulator-b") & (frame["period_start"] == Y2015)]
        # One document (the shared text): every resample is that document.
        [row] = regulator.itertuples()
        assert row.market_share_index_low == row.market_share_index_high == pytest.approx(2 / 3)


def test_status_counts_a_shared_text_for_each_source_that_serves_it(two_publishers, capsys):
    import json

    from marketspeak.pipelines.cli import main

    for db in two_publishers.values():
        assert main(["status", "--db", str(db), "--format", "json"]) == 0
        status = json.loads(capsys.readouterr().out)
        documents = {source["source"]: source["documents"] for source in status["sources"]}
        assert documents == {"council-a": 2, "regulator-b": 2}
