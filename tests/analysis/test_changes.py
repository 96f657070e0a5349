"""Which changes are real: Theil-Sen, Mann-Kendall and Benjamini-Hochberg against scipy and
statsmodels, Pettitt's change point, a planted trend found among terms that do not change,
one long document that cannot make a trend, and the command's rows on the sample site."""

from __future__ import annotations

import io
import itertools
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests

from marketspeak.analysis import changes as ch
from marketspeak.analysis.frequency import term_trend, trend
from marketspeak.pipelines.cli import main

series = st.lists(st.integers(0, 6), min_size=3, max_size=25)


@settings(max_examples=80, deadline=None)
@given(series, st.booleans())
def test_theil_sen_is_scipys(values, quarters):
    y = np.array(values, float)
    x = 2005 + np.arange(len(y)) * (0.25 if quarters else 1.0)
    got = ch.theil_sen(x, y)
    want = stats.theilslopes(y, x, 0.95)
    assert got == pytest.approx((want.slope, want.low_slope, want.high_slope))


@settings(max_examples=80, deadline=None)
@given(series)
def test_mann_kendall_s_is_kendalls_tau_against_time(values):
    y = np.array(values, float)
    n = len(y)
    s, var, p = ch.mann_kendall(y, continuity=False)
    pairs = n * (n - 1) / 2
    tau_a = s / pairs
    ties = sum(t * (t - 1) / 2 for t in np.unique(y, return_counts=True)[1])
    want = stats.kendalltau(np.arange(n), y, method="asymptotic")
    if np.isnan(want.statistic):  # every value the same
        assert (s, p) == (0.0, 1.0)
        return
    # tau-b = S / sqrt(pairs * (pairs - tied pairs of values)); time has no ties.
    assert want.statistic == pytest.approx(s / np.sqrt(pairs * (pairs - ties)))
    assert tau_a == pytest.approx(want.statistic * np.sqrt((pairs - ties) / pairs))
    assert p == pytest.approx(want.pvalue)
    # The tie correction: the variance of S loses sum t(t-1)(2t+5)/18.
    _, t = np.unique(y, return_counts=True)
    assert var == pytest.approx(
        (n * (n - 1) * (2 * n + 5) - np.sum(t * (t - 1) * (2 * t + 5))) / 18
    )


def test_mann_kendall_with_continuity_is_close_to_the_exact_test():
    rng = np.random.default_rng(1)
    for n in (6, 9, 12, 20):
        for _ in range(20):
            y = rng.normal(size=n) + rng.uniform(0, 0.3) * np.arange(n)
            _, _, p = ch.mann_kendall(y)
            exact = stats.kendalltau(np.arange(n), y, method="exact").pvalue
            assert p == pytest.approx(exact, abs=0.02)


def test_mann_kendall_s_counts_rises_less_falls():
    assert ch.mann_kendall(np.array([1.0, 2, 3, 4]))[0] == 6
    assert ch.mann_kendall(np.array([4.0, 3, 3, 1]))[0] == -5
    assert ch.mann_kendall(np.array([2.0, 2, 2]))[2] == 1.0


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.01, 0.5, 1.0])), max_size=40))
def test_benjamini_hochberg_is_statsmodels(p):
    p = np.array(p, float)
    got = ch.benjamini_hochberg(p)
    if len(p):
        assert got == pytest.approx(multipletests(p, method="fdr_bh")[1])


def test_benjamini_hochberg_leaves_untested_series_out():
    p = np.array([0.01, np.nan, 0.04, 0.03])
    got = ch.benjamini_hochberg(p)
    assert np.isnan(got[1])
    want = multipletests(p[[0, 2, 3]], method="fdr_bh")[1]
    assert got[[0, 2, 3]] == pytest.approx(want)


def test_pettitt_u_is_the_double_sum_and_finds_a_step():
    rng = np.random.default_rng(2)
    y = np.concatenate([rng.normal(0, 1, 8), rng.normal(3, 1, 7)])
    u = ch._pettitt_u(y)
    brute = [
        sum(np.sign(y[j] - y[i]) for i in range(t) for j in range(t, len(y)))
        for t in range(1, len(y))
    ]
    assert u == pytest.approx(brute)
    tied = rng.integers(0, 3, 15).astype(float)
    assert ch._pettitt_u(tied) == pytest.approx(
        [
            sum(np.sign(tied[j] - tied[i]) for i in range(t) for j in range(t, 15))
            for t in range(1, 15)
        ]
    )
    t, k, p_approx = ch.pettitt(y)
    assert t == 8 and k == max(abs(v) for v in brute)
    p_perm = ch.pettitt_permutation_p(y, np.random.default_rng(0), 999)
    assert p_perm < 0.01 and p_approx < 0.05
    flat = rng.normal(size=15)
    assert ch.pettitt_permutation_p(flat, np.random.default_rng(0), 999) > 0.05


def test_pettitts_approximation_is_conservative_beside_the_permutation_p():
    rng = np.random.default_rng(3)
    for _ in range(10):
        y = rng.normal(size=20) + np.r_[np.zeros(10), np.full(10, rng.uniform(0, 1.5))]
        approx = ch.pettitt(y)[2]
        perm = ch.pettitt_permutation_p(y, np.random.default_rng(1), 1999)
        assert perm - 0.01 <= approx <= perm + 0.3


def test_resamples_drawn_in_batches_are_the_same_draws(monkeypatch):
    matrix = np.random.default_rng(4).integers(0, 50, size=(37, 5)).astype(float)
    whole = ch._resampled_sums(matrix, np.random.default_rng(5), 300)
    monkeypatch.setattr(ch, "BATCH_DRAWS", 100)
    batched = ch._resampled_sums(matrix, np.random.default_rng(5), 300)
    assert np.array_equal(whole, batched)
    # Each resample draws as many documents as there are.
    ones = np.ones((37, 1))
    assert (ch._resampled_sums(ones, np.random.default_rng(5), 50) == 37).all()


# --- generated corpora: per-document Poisson counts, no crawl -----------------------------

MARKET_TERMS = ("customer", "consumer", "client", "unit cost")  # the first two are role words
RELATIONAL_TERMS = ("citizen", "resident", "partnership", "wellbeing")  # likewise


def generated(seed: int, trend: float = 0.0, n_periods: int = 12, docs: int = 30):
    """Documents per year with Poisson counts of eight terms (rates 200-1,500 per million
    words); the first, 'unit cost' (a market word that is not a role word), grows by
    `trend` (log rate) a year. Returns (documents, hits) as changes_from_counts takes."""
    rng = np.random.default_rng(seed)
    terms = [*MARKET_TERMS, *RELATIONAL_TERMS]
    base = rng.uniform(200, 1500, size=len(terms))
    words = rng.integers(200, 1200, size=(n_periods, docs))
    growth = np.ones((n_periods, len(terms)))
    growth[:, 3] = np.exp(trend * np.arange(n_periods))
    lam = words[:, :, None] * (base * growth)[:, None, :] / 1e6
    counts = rng.poisson(lam).reshape(n_periods * docs, len(terms))
    documents = pd.DataFrame(
        {
            "doc_id": np.arange(n_periods * docs),
            "period_start": np.repeat(
                pd.to_datetime([f"{2010 + k}-01-01" for k in range(n_periods)]), docs
            ),
            "n_words": words.ravel(),
            "market_hits": counts[:, :4].sum(axis=1),
            "relational_hits": counts[:, 4:].sum(axis=1),
            "market_role_hits": counts[:, :2].sum(axis=1),
            "relational_role_hits": counts[:, 4:6].sum(axis=1),
        }
    )
    doc, term = np.nonzero(counts)
    hits = pd.DataFrame(
        {
            "doc_id": doc,
            "lexicon": np.where(term < 4, "market", "relational"),
            "term": np.array(terms)[term],
            "hits": counts[doc, term],
        }
    )
    return documents, hits


def planted_runs(seeds: range):
    """Per seed: was the planted trend found, and was anything found that did not change
    (the register index counts every market word, so it changes with 'unit cost')?"""
    found, false = [], []
    for seed in seeds:
        documents, hits = generated(seed, trend=0.15)
        frame = ch.changes_from_counts(
            documents, hits, n_boot=100, seed=seed, min_words=0, n_perm=199
        )
        significant = dict(zip(frame["term"], frame["significant"], strict=True))
        found.append(significant["unit cost"])
        false.append(any(v for t, v in significant.items() if t not in ("unit cost", ch.REGISTER)))
    return np.mean(found), np.mean(false)


def test_a_planted_trend_is_found_and_no_false_one_over_200_seeds():
    found, false = planted_runs(range(200))
    assert found >= 0.90
    assert false <= 0.05


def test_with_no_trend_nothing_is_found_in_most_runs():
    false = 0
    for seed in range(100):
        documents, hits = generated(1000 + seed)
        frame = ch.changes_from_counts(
            documents, hits, n_boot=100, seed=seed, min_words=0, n_perm=199
        )
        false += frame["significant"].any()
    assert false <= 6


def test_one_long_document_in_the_last_period_makes_no_trend():
    documents, hits = generated(7, n_periods=10)
    flat = ch.changes_from_counts(documents, hits, n_boot=300, min_words=0)
    long_doc = len(documents)
    last = documents["period_start"].max()
    documents = pd.concat(
        [
            documents,
            pd.DataFrame(
                {
                    "doc_id": [long_doc],
                    "period_start": [last],
                    "n_words": [200_000],
                    "market_hits": [2000],
                    "relational_hits": [0],
                    "market_role_hits": [2000],
                    "relational_role_hits": [0],
                }
            ),
        ],
        ignore_index=True,
    )
    hits = pd.concat(
        [
            hits,
            pd.DataFrame(
                {"doc_id": [long_doc], "lexicon": ["market"], "term": ["customer"], "hits": [2000]}
            ),
        ],
        ignore_index=True,
    )
    frame = ch.changes_from_counts(documents, hits, n_boot=300, min_words=0).set_index("term")
    before = flat.set_index("term")
    # The document is a tenth of the last year's words at ten times the usual rate:
    # that year's rate of customer, and both indices, jump ...
    assert frame.loc["customer", "mean_value"] > 1.3 * before.loc["customer", "mean_value"]
    # ... but one period cannot make a trend, and the resampled interval is wide.
    for name in ("customer", ch.NAMING, ch.REGISTER):
        assert not frame.loc[name, "significant"], name
        assert frame.loc[name, "p"] > 0.05
    width = frame["resampled_high"] - frame["resampled_low"]
    assert width["customer"] > (before["resampled_high"] - before["resampled_low"])["customer"]


def test_sparse_periods_and_undated_documents_are_left_out():
    documents, hits = generated(8, n_periods=6)
    documents.loc[documents["period_start"] == documents["period_start"].min(), "n_words"] = 10
    documents.loc[0:2, "period_start"] = pd.NaT
    frame = ch.changes_from_counts(documents, hits, n_boot=50, min_words=1000)
    row = frame.set_index("term").loc["customer"]
    assert row["n_periods"] == 5 and row["first_period"] == "2011"
    assert "1 sparse period(s) under 1,000 words: 2010" in row["left_out"]
    assert "3 undated document(s)" in row["left_out"]


def test_too_few_periods_are_not_tested():
    documents, hits = generated(9, n_periods=2)
    frame = ch.changes_from_counts(documents, hits, n_boot=20, min_words=0)
    assert frame["p"].isna().all() and not frame["significant"].any()
    assert (frame["n_periods"] == 2).all()


def test_the_same_seed_gives_the_same_rows():
    documents, hits = generated(10, trend=0.1)
    first = ch.changes_from_counts(documents, hits, n_boot=100, seed=4, min_words=0)
    again = ch.changes_from_counts(documents, hits, n_boot=100, seed=4, min_words=0)
    pd.testing.assert_frame_equal(first, again)


# --- the sample site --------------------------------------------------------------------


def test_the_series_are_those_of_term_trend_and_trend(read_db):
    frame = ch.changes(read_db, "year", n_boot=50, min_words=0).set_index("term")
    terms = term_trend(read_db, "year").dropna(subset=["period_start"])
    periods = trend(read_db, "year").dropna(subset=["period_start"])
    n = len(periods)
    rates = terms.groupby("term")["per_million"].sum() / n  # absent from a year: 0 that year
    tested = frame[frame["lexicon"] != "index"]
    assert set(tested.index) == set(rates.index)
    assert tested["mean_value"].to_dict() == pytest.approx(rates.to_dict())
    for name, column in ((ch.NAMING, "naming_index"), (ch.REGISTER, "market_share_index")):
        assert frame.loc[name, "mean_value"] == pytest.approx(periods[column].dropna().mean())
        assert frame.loc[name, "n_periods"] == periods[column].notna().sum()
    assert frame.loc[ch.NAMING, "change_point"] in {str(p.year) for p in periods["period_start"]}


def test_the_command_prints_the_rows_in_every_format(crawled, capsys):
    db = str(crawled.db)
    assert (
        main(["changes", "--db", db, "--format", "csv", "--bootstrap", "50", "--min-words", "0"])
        == 0
    )
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    for column in (
        "term",
        "slope",
        "slope_low",
        "slope_high",
        "p",
        "q",
        "significant",
        "n_periods",
        "left_out",
        "change_point",
        "lexicon_versions",
    ):
        assert column in frame.columns, column
    assert {"naming index", "register index"} <= set(frame["term"])
    assert (frame["slope_low"] <= frame["slope"] + 1e-9).all()
    assert (frame["slope"] <= frame["slope_high"] + 1e-9).all()
    assert frame["p"].notna().all() and (frame["n_periods"] == 20).all()
    # The sample site's naming index rises from 17% to 81% over its twenty years.
    naming = frame.set_index("term").loc["naming index"]
    assert naming["significant"] and naming["slope_low"] > 0
    # Every sample year has under 10,000 words: by default all are left out, and said so.
    assert main(["changes", "--db", db, "--format", "json", "--bootstrap", "20"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0].keys() >= {"term", "slope", "q", "significant", "n_periods", "left_out"}
    assert all(r["n_periods"] == 0 and r["p"] is None for r in rows)
    assert "20 sparse period(s) under 10,000 words: 2005, 2006" in rows[0]["left_out"]
    assert (
        main(
            [
                "changes",
                "--db",
                db,
                "--by",
                "quarter",
                "--bootstrap",
                "20",
                "--min-tokens",  # the former name of --min-words still works until 0.3
                "0",
                "--fdr",
                "0.1",
            ]
        )
        == 0
    )
    out, err = capsys.readouterr()
    assert "naming index" in out and "left out: 2 undated document(s)" in err


def test_a_bad_fdr_is_one_line(crawled, capsys):
    assert main(["changes", "--db", str(crawled.db), "--fdr", "2"]) != 0
    assert "--fdr" in capsys.readouterr().err


def test_the_normal_p_is_near_the_exact_permutation_distribution_of_s():
    n = 7
    s_all = [ch.mann_kendall(np.array(p, float))[0] for p in itertools.permutations(range(n))]
    for s in (5.0, 9.0, 13.0, 17.0):
        exact = np.mean(np.abs(s_all) >= s)
        normal = ch._normal_p(s, n * (n - 1) * (2 * n + 5) / 18, True)
        assert normal == pytest.approx(exact, abs=0.02)


def test_a_term_that_appears_late_changes_with_a_slope_of_zero_and_says_why():
    documents, hits = generated(11, n_periods=24)
    late = documents.loc[documents["period_start"].dt.year >= 2028, "doc_id"].to_numpy()
    extra = pd.DataFrame({"doc_id": late, "lexicon": "relational", "term": "carer", "hits": 1})
    frame = ch.changes_from_counts(
        documents, pd.concat([hits, extra], ignore_index=True), n_boot=100, min_words=0
    ).set_index("term")
    carer = frame.loc["carer"]
    assert carer["significant"] and carer["slope"] == 0
    assert carer["periods_without_hits"] == 18
    assert np.isnan(frame.loc[ch.NAMING, "periods_without_hits"])


def test_the_summary_names_what_changed():
    documents, hits = generated(12, trend=0.2)
    frame = ch.changes_from_counts(documents, hits, n_boot=100, min_words=0)
    text = ch.summary(frame)
    assert text.startswith(f"{frame['significant'].sum()} of 10 series tested changed")
    assert "unit cost (+" in text and "% of its mean rate a year" in text
    assert "no change is tested" in ch.summary(frame.assign(p=np.nan))
