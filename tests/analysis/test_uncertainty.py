"""Bootstrap intervals: reproducible, around the point estimate, wider for smaller periods,
drawn in batches that give the same resamples as drawing them all at once."""

from __future__ import annotations

import tracemalloc

import duckdb
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketspeak.analysis.frequency import trend
from marketspeak.analysis.uncertainty import (
    COUNTS,
    MEASURES,
    PERIOD_DOCUMENTS,
    bootstrap_period,
    measure_samples,
    resampled_sums,
    trend_with_ci,
)
from marketspeak.corpus.db import schema_sql
from marketspeak.corpus.lexicons import load_lexicons, signature
from marketspeak.corpus.names import NAME_RULE_VERSION
from marketspeak.pipelines.cli import main

# Per document: words, market hits, relational hits, and of those the role-word hits.
documents = st.lists(
    st.tuples(st.integers(50, 2000), st.integers(0, 30), st.integers(0, 30)).flatmap(
        lambda d: st.tuples(
            st.just(d[0]), st.just(d[1]), st.just(d[2]), st.integers(0, d[1]), st.integers(0, d[2])
        )
    ),
    min_size=2,
    max_size=40,
)


def columns(docs):
    return [np.array(col, dtype=float) for col in zip(*docs, strict=True)]


# An empty marketspeak database in memory: the schema holds the measures' formulas.
SCHEMA = duckdb.connect()
SCHEMA.execute(schema_sql())


@settings(max_examples=60, deadline=None)
@given(documents, st.integers(0, 2**16))
def test_intervals_contain_the_point_estimate(docs, seed):
    words, market, relational, market_role, relational_role = counts = columns(docs)
    got = bootstrap_period(SCHEMA, counts, np.random.default_rng(seed), 400)
    rate = 1e6 * market.sum() / words.sum()
    low, high = got["market_per_million"]
    assert low - 1e-9 <= rate <= high + 1e-9
    if market.sum() + relational.sum():
        index = market.sum() / (market.sum() + relational.sum())
        low, high = got["market_share_index"]
        assert low - 1e-9 <= index <= high + 1e-9
    if market_role.sum() + relational_role.sum():
        naming = market_role.sum() / (market_role.sum() + relational_role.sum())
        low, high = got["naming_index"]
        assert low - 1e-9 <= naming <= high + 1e-9
    else:
        assert np.isnan(got["naming_index"]).all()


def mean_width(frame) -> float:
    return (frame["market_share_index_high"] - frame["market_share_index_low"]).mean()


def test_the_same_seed_gives_the_same_intervals_and_quarters_are_wider(read_db):
    first = trend_with_ci(read_db, "year", n_boot=300, seed=3)
    again = trend_with_ci(read_db, "year", n_boot=300, seed=3)
    assert first.equals(again)
    dated = first.dropna(subset=["period_start"])
    assert (dated["market_share_index_low"] <= dated["market_share_index"]).all()
    assert (dated["market_share_index"] <= dated["market_share_index_high"]).all()
    quarters = trend_with_ci(read_db, "quarter", n_boot=300, seed=3).dropna(subset=["period_start"])
    assert mean_width(quarters) > mean_width(dated)
    assert dated["sparse"].all()  # the sample site has about 3,000 tokens a year


def test_trend_ci_on_the_command_line(crawled, capsys):
    assert (
        main(["trend", "--db", str(crawled.db), "--ci", "--bootstrap", "200", "--format", "csv"])
        == 0
    )
    header = capsys.readouterr().out.splitlines()[0]
    assert "market_share_index_low" in header and "sparse" in header
    assert "naming_index_low" in header and "naming_index_high" in header


def test_intervals_per_kind_of_source_resample_only_that_kinds_documents(read_db):
    frame = trend_with_ci(read_db, "year", n_boot=200, seed=1, by="kind").dropna(
        subset=["period_start", "market_share_index"]
    )
    assert set(frame["source_kind"]) == {"council", "regulator"}
    assert (frame["market_share_index_low"] <= frame["market_share_index"] + 1e-9).all()
    assert (frame["market_share_index"] <= frame["market_share_index_high"] + 1e-9).all()


def test_trend_output_names_the_lexicon_versions_and_the_name_rule(crawled, capsys):
    assert main(["trend", "--db", str(crawled.db), "--by-kind", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "source_kind" in lines[0] and lines[0].endswith("lexicon_versions")
    versions = signature(load_lexicons())  # e.g. market@2.0.0 relational@2.0.0 names@2
    assert versions.endswith(NAME_RULE_VERSION)
    assert all(line.endswith(versions) for line in lines[1:])


def all_at_once(counts, rng, n_boot):
    """The bootstrap's sums as first written: every resample drawn in one array."""
    draws = rng.integers(0, len(counts[0]), size=(n_boot, len(counts[0])))
    return [column[draws].sum(axis=1) for column in counts]


@settings(max_examples=40, deadline=None)
@given(documents, st.integers(0, 2**16), st.integers(1, 300), st.integers(1, 200))
def test_batched_resamples_are_those_drawn_all_at_once(docs, seed, n_boot, batch_draws):
    counts = columns(docs)
    expected = all_at_once(counts, np.random.default_rng(seed), n_boot)
    rng = np.random.default_rng(seed)
    got = resampled_sums(counts, rng, n_boot, batch_draws=batch_draws)
    for mine, reference in zip(got, expected, strict=True):
        assert np.array_equal(mine, reference)
    # The generator is left where one call would leave it: later periods draw the same too.
    follow = np.random.default_rng(seed)
    all_at_once(counts, follow, n_boot)
    assert rng.integers(0, 1000, size=5).tolist() == follow.integers(0, 1000, size=5).tolist()


def test_resampling_a_large_period_holds_one_batch_of_draws_not_all_of_them():
    # 20,000 documents resampled 1,000 times: 160 MB of indexes drawn at once.
    rng = np.random.default_rng(0)
    words = rng.integers(100, 2000, size=20_000).astype(float)
    market, relational = rng.integers(0, 5, size=(2, 20_000)).astype(float)
    counts = [words, market, relational, market // 2, relational // 2]
    tracemalloc.start()
    try:
        bootstrap_period(SCHEMA, counts, np.random.default_rng(1), 1000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20


@pytest.mark.parametrize(
    ("period", "by"), [("year", "all"), ("quarter", "source"), ("year", "kind")]
)
def test_the_bootstrap_resamples_the_rows_the_point_estimates_sum(read_db, period, by):
    docs = read_db.execute(PERIOD_DOCUMENTS, [period, by]).df()
    group = {"all": [], "source": ["source"], "kind": ["source_kind"]}[by]
    keys = ["period_start", *group]
    sums = docs.groupby(keys, dropna=False)[list(COUNTS)].sum().reset_index()
    points = trend(read_db, period, by).merge(sums, on=keys, suffixes=("", "_summed"))
    assert len(points) == len(trend(read_db, period, by))
    assert (points["n_words"] == points["n_words_summed"]).all()
    # The measures of all of a period's documents, by the bootstrap's formulas, are the
    # point estimates to the last digit.
    whole = measure_samples(read_db, [points[f"{c}_summed"].to_numpy(float) for c in COUNTS])
    for name in MEASURES:
        assert np.array_equal(whole[name], points[name].to_numpy(float), equal_nan=True), name


def test_a_resample_without_role_words_has_no_naming_index():
    sums = [np.array([100.0, 0.0]), np.array([3.0, 0.0]), np.array([1.0, 0.0]), *[np.zeros(2)] * 2]
    got = measure_samples(SCHEMA, sums)
    assert got["market_per_million"][0] == pytest.approx(30_000)
    assert got["market_share_index"][0] == pytest.approx(0.75)
    assert np.isnan(got["naming_index"]).all()
    assert np.isnan(got["market_per_million"][1]) and np.isnan(got["market_share_index"][1])


def test_measures_computed_a_batch_of_periods_at_a_time_equal_those_of_each_period(
    read_db, monkeypatch
):
    from marketspeak.analysis import uncertainty

    together = trend_with_ci(read_db, "quarter", n_boot=200, seed=2, by="source")
    monkeypatch.setattr(uncertainty, "MEASURE_BATCH", 1)  # one query per period
    alone = trend_with_ci(read_db, "quarter", n_boot=200, seed=2, by="source")
    assert together.equals(alone)
