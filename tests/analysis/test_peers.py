"""Peers: funnel-plot limits against scipy's binomial distribution and hand-computed normal
limits, the flags they give, a shared text counted for each source carrying it, the peers
command on the demo and the chart's spec."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from scipy import stats

from marketspeak.analysis.frequency import trend
from marketspeak.analysis.peers import FLAGS, control_limits, flag, funnel, funnel_curves, peers
from marketspeak.dashboards import charts
from tests.conftest import tiny_corpus

GOLDEN = Path(__file__).resolve().parent.parent / "dashboards" / "golden"


def test_normal_limits_are_p_plus_or_minus_z_standard_errors_clipped():
    # p = 0.3, n = 100: sqrt(0.21 / 100) = 0.0458258; 1.96 x = 0.0898185, 3.09 x = 0.1416017
    low, high = control_limits(0.3, 100, 1.96, 0.025, "normal")
    assert (low, high) == pytest.approx((0.2101815, 0.3898185), abs=1e-6)
    low, high = control_limits(0.3, 100, 3.09, 0.001, "normal")
    assert (low, high) == pytest.approx((0.1583983, 0.4416017), abs=1e-6)
    # p = 0.05, n = 10: 3.09 x sqrt(0.0475 / 10) = 0.21296, so the lower limit clips to 0
    low, high = control_limits(0.05, 10, 3.09, 0.001, "normal")
    assert low == 0 and high == pytest.approx(0.26296, abs=1e-5)
    low, high = control_limits(0.95, 10, 3.09, 0.001, "normal")
    assert high == 1 and low == pytest.approx(0.73704, abs=1e-5)


@pytest.mark.parametrize("p", [0.05, 0.3, 0.47, 0.8])
@pytest.mark.parametrize("n", [1, 7, 40, 516, 5000])
@pytest.mark.parametrize("tail", [0.025, 0.001])
def test_exact_limits_are_the_binomial_quantiles(p, n, tail):
    low, high = control_limits(p, n, 0.0, tail, "exact")
    upper, lower = round(float(high) * n), round(float(low) * n)
    # Above the upper count has probability at most the tail; one count lower, more.
    assert stats.binom.sf(upper, n, p) <= tail < stats.binom.sf(upper - 1, n, p)
    # Below the lower count has probability at most the tail; one count higher, more.
    assert stats.binom.cdf(lower - 1, n, p) <= tail < stats.binom.cdf(lower, n, p)


@pytest.mark.parametrize("n", [10, 60, 400])
def test_a_source_drawn_at_the_pooled_rate_is_flagged_no_more_often_than_the_tail(n):
    p = 0.35
    chance = {f: 0.0 for f in FLAGS}
    for x in range(n + 1):
        chance[flag(x, n, p)] += stats.binom.pmf(x, n, p)
    assert chance["above 99.8%"] <= 0.001 and chance["below 99.8%"] <= 0.001
    assert chance["above 95%"] + chance["above 99.8%"] <= 0.025
    assert chance["below 95%"] + chance["below 99.8%"] <= 0.025
    assert chance["within"] >= 0.95


def test_each_flag_by_where_the_count_lies():
    # n = 100, p = 0.3: exact 95% counts 21..39, 99.8% counts 17..44
    assert [flag(x, 100, 0.3) for x in (16, 18, 30, 42, 46)] == [
        "below 99.8%",
        "below 95%",
        "within",
        "above 95%",
        "above 99.8%",
    ]
    assert flag(0, 0, 0.3) == "no role words"


def sources(**counts: tuple[int, int]) -> pd.DataFrame:
    rows = [
        {
            "source": name,
            "source_kind": "council",
            "n_documents": 10,
            "n_words": 5000,
            "market_role_hits": market,
            "relational_role_hits": relational,
        }
        for name, (market, relational) in counts.items()
    ]
    return pd.DataFrame(rows)


def test_a_source_planted_far_above_its_peers_is_flagged_above_the_outer_limit():
    frame = funnel(
        sources(a=(30, 70), b=(28, 72), c=(33, 67), d=(31, 69), loud=(80, 20), quiet=(0, 3))
    )
    by_source = frame.set_index("source")
    assert by_source.loc["loud", "flag"] == "above 99.8%"
    assert set(by_source.drop(index=["loud"])["flag"]) <= {"within", "below 95%"}
    assert frame["source"].iloc[0] == "loud"  # sorted by naming index
    pooled = (30 + 28 + 33 + 31 + 80 + 0) / (100 * 5 + 3)
    assert by_source["pooled_index"].tolist() == pytest.approx([pooled] * 6)
    assert by_source.loc["loud", "p_value"] < 1e-6
    assert by_source.loc["quiet", "high_998"] == 1.0  # three role words: anything goes
    assert by_source.loc["loud", "high_998"] < 0.8


def test_a_source_without_role_words_has_no_index_and_no_limits():
    frame = funnel(sources(a=(3, 7), b=(0, 0))).set_index("source")
    assert frame.loc["b", "flag"] == "no role words"
    assert math.isnan(frame.loc["b", "naming_index"]) and math.isnan(frame.loc["b", "low_95"])


def test_the_normal_limits_flag_by_the_index():
    frame = funnel(sources(a=(30, 70), b=(30, 70), loud=(60, 40)), method="normal")
    assert frame.set_index("source").loc["loud", "flag"] == "above 99.8%"
    with pytest.raises(ValueError, match="method"):
        funnel(sources(a=(1, 1)), method="wilson")


def test_a_text_two_sources_carry_counts_for_both(tmp_path):
    shared = "Customers and customers and citizens were asked."
    con = tiny_corpus(
        tmp_path,
        [shared, shared, "Residents and citizens met.", "Customers paid."],
        dates=[("2012-05-01", "html-meta")] * 4,
    )
    # The shared text is one document served at two URLs; give the second URL to source t.
    con.execute("UPDATE document_urls SET source = 't' WHERE url LIKE '%/1' OR url LIKE '%/3'")
    frame = peers(con).set_index("source")
    assert frame.loc["s", ["market_role_hits", "relational_role_hits"]].tolist() == [2, 3]
    assert frame.loc["t", ["market_role_hits", "relational_role_hits"]].tolist() == [3, 1]
    assert frame["n_documents"].to_dict() == {"s": 2, "t": 2}
    # The totals count the shared text once; the peers once per source carrying it.
    assert trend(con, "year")["n_documents"].sum() == 3


def test_peers_equal_the_trend_by_source_and_keep_the_years_asked(read_db):
    frame = peers(read_db).set_index("source")
    by_source = trend(read_db, "year", "source").dropna(subset=["period_start"])
    sums = by_source.groupby("source")[["market_role_hits", "relational_role_hits"]].sum()
    assert frame["market_role_hits"].to_dict() == sums["market_role_hits"].to_dict()
    assert frame["role_hits"].to_dict() == sums.sum(axis=1).to_dict()
    assert set(frame["flag"]) <= set(FLAGS)
    span = peers(read_db, 2010, 2012).set_index("source")
    years = by_source[by_source["period_start"].dt.year.between(2010, 2012)]
    assert span["n_documents"].to_dict() == years.groupby("source")["n_documents"].sum().to_dict()
    with pytest.raises(ValueError, match="after"):
        peers(read_db, 2015, 2012)


def test_the_peers_command_prints_every_source(crawled, capsys):
    from marketspeak.pipelines.cli import main

    assert main(["peers", "--db", str(crawled.db), "--format", "csv"]) == 0
    from io import StringIO

    frame = pd.read_csv(StringIO(capsys.readouterr().out))
    assert set(frame["source"]) == {"northshire", "southvale", "care-regulator"}
    assert {"naming_index", "pooled_index", "low_998", "high_998", "flag"} <= set(frame.columns)
    assert main(["peers", "--db", str(crawled.db), "--from", "2010", "--to", "2014"]) == 0
    assert "99.8% from" in capsys.readouterr().out
    assert main(["peers", "--db", str(crawled.db), "--format", "json", "--limits", "normal"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert all(r["lexicon_versions"] for r in rows)
    assert main(["peers", "--db", str(crawled.db), "--from", "2015", "--to", "2010"]) == 1
    assert "after" in capsys.readouterr().err


def test_the_limit_curves_narrow_as_role_words_grow():
    curves = funnel_curves(0.4, 1000)
    upper = curves[(curves["limit"] == "99.8%") & (curves["side"] == "upper")]
    assert upper["n"].is_monotonic_increasing and upper["n"].iloc[-1] == 1000
    assert upper["value"].iloc[0] == 1.0 and upper["value"].iloc[-1] < 0.45
    assert funnel_curves(float("nan"), 10).empty


def small_peers() -> pd.DataFrame:
    return funnel(sources(northshire=(30, 70), southvale=(28, 72), loud=(60, 40)))


def test_peers_chart_spec_matches_golden():
    spec = charts.peers_chart(small_peers()).to_dict(validate=True)
    spec = json.loads(json.dumps(spec, sort_keys=True))
    golden = GOLDEN / "peers.vl.json"
    if os.environ.get("UPDATE_GOLDEN"):  # after an intended change: UPDATE_GOLDEN=1 pytest
        golden.write_text(json.dumps(spec, indent=1, sort_keys=True) + "\n")
    assert spec == json.loads(golden.read_text())
    alt.LayerChart.from_dict(spec)


def test_the_site_writes_the_peers_chart(published):
    out, files = published
    for path in (out / "charts" / "peers.vl.json", out / "data" / "peers.csv"):
        assert path in files and path.stat().st_size > 0
    data = pd.read_csv(out / "data" / "peers.csv")
    assert set(data["source"]) == {"northshire", "southvale", "care-regulator"}
    assert "above 99.8%" in (out / "charts" / "peers.vl.json").read_text()
