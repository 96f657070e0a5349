"""Chart builders produce valid Vega-Lite matching the golden specs; the site writer writes
standalone, offline files and escapes crawled text."""

from __future__ import annotations

import json
import os
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from dashboards import charts
from dashboards.theme import MARKET, RELATIONAL

GOLDEN = Path(__file__).parent / "golden"


def small_trend() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2010-01-01", "2011-01-01", None]),
            "n_documents": [3, 4, 1],
            "n_tokens": [1000, 1200, 300],
            "market_hits": [2, 6, 1],
            "relational_hits": [8, 4, 1],
            "market_per_million": [2000.0, 5000.0, 3333.3],
            "relational_per_million": [8000.0, 3333.3, 3333.3],
            "market_doc_share": [0.3, 0.5, 1.0],
            "relational_doc_share": [1.0, 0.5, 1.0],
            "market_share_index": [0.2, 0.6, 0.5],
            "market_role_hits": [1, 3, 0],
            "relational_role_hits": [3, 1, 1],
            "naming_index": [0.25, 0.75, 0.0],
        }
    )


def small_trend_with_ci() -> pd.DataFrame:
    return small_trend().assign(
        market_share_index_low=[0.1, 0.45, 0.2],
        market_share_index_high=[0.35, 0.7, 0.8],
        naming_index_low=[0.05, 0.5, 0.0],
        naming_index_high=[0.6, 0.95, 0.0],
        sparse=[True, False, True],
    )


def small_terms() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2010-01-01", "2011-01-01", "2010-01-01"]),
            "lexicon": ["market", "market", "relational"],
            "term": ["customer", "customer", "citizen"],
            "hits": [2, 6, 8],
            "per_million": [2000.0, 5000.0, 8000.0],
            "doc_share": [0.3, 0.5, 1.0],
        }
    )


def small_by_kind() -> pd.DataFrame:
    frame = small_trend().iloc[:2]
    return pd.concat(
        [frame.assign(source_kind="council"), frame.assign(source_kind="regulator")],
        ignore_index=True,
    )


def small_by_source() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": ["northshire", "care-regulator"],
            "source_kind": ["council", "regulator"],
            "n_documents": [5, 3],
            "market_hits": [6, 2],
            "relational_hits": [4, 6],
            "market_share_index": [0.6, 0.25],
            "market_role_hits": [3, 1],
            "relational_role_hits": [1, 3],
            "naming_index": [0.75, 0.25],
        }
    )


def small_compounds() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2010-01-01", "2011-01-01", "2011-01-01"]),
            "term": ["customer", "customer", "customer"],
            "role": ["modifier", "modifier", "head"],
            "compound": ["customer journey", "customer journey", "internal customer"],
            "hits": [2, 5, 1],
        }
    )


def small_agency() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2010-01-01", "2010-01-01"]),
            "lexicon": ["market", "relational"],
            "hits": [4, 2],
            "agent_share": [0.5, 0.5],
            "recipient_share": [0.25, 0.5],
            "modifier_share": [0.25, 0.0],
            "other_share": [0.0, 0.0],
            "possessed_share": [0.25, 0.0],
        }
    )


BUILDERS = {
    "market-share-index": lambda: charts.market_share_index_chart(small_trend()),
    "market-share-index-ci": lambda: charts.market_share_index_chart(small_trend_with_ci()),
    "naming-index": lambda: charts.naming_index_chart(small_trend()),
    "naming-index-ci": lambda: charts.naming_index_chart(small_trend_with_ci()),
    "kind-register-index": lambda: charts.kind_index_chart(
        small_by_kind(), measure=charts.REGISTER
    ),
    "lexicon-rates": lambda: charts.lexicon_rates_chart(small_trend()),
    "term-rates": lambda: charts.term_rates_chart(small_terms()),
    "kind-index": lambda: charts.kind_index_chart(small_by_kind()),
    "source-index": lambda: charts.source_index_chart(small_by_source()),
    "compounds": lambda: charts.compounds_chart(small_compounds()),
    "agency": lambda: charts.agency_chart(small_agency()),
    "footer": lambda: charts.with_footer(charts.lexicon_rates_chart(small_trend()), "v1 · 8 docs"),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_chart_spec_matches_golden(name):
    spec = BUILDERS[name]().to_dict(validate=True)
    spec = json.loads(json.dumps(spec, sort_keys=True))
    golden = GOLDEN / f"{name}.vl.json"
    if os.environ.get("UPDATE_GOLDEN"):  # after an intended change: UPDATE_GOLDEN=1 pytest
        golden.write_text(json.dumps(spec, indent=1, sort_keys=True) + "\n")
    assert spec == json.loads(golden.read_text())
    # Round trip: the JSON is a chart Altair can read back.
    kind = (
        alt.FacetChart if "facet" in spec else alt.VConcatChart if "vconcat" in spec else alt.Chart
    )
    kind.from_dict(spec)


def test_the_index_chart_draws_the_interval_and_marks_sparse_periods():
    spec = charts.market_share_index_chart(small_trend_with_ci()).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["vconcat"][0]["layer"]]
    assert marks == ["rule", "area", "line", "point"]
    band = spec["vconcat"][0]["layer"][1]["encoding"]
    assert (band["y"]["field"], band["y2"]["field"]) == (
        "market_share_index_low",
        "market_share_index_high",
    )
    fill = spec["vconcat"][0]["layer"][3]["encoding"]["fill"]
    assert fill["condition"]["test"] == "datum.sparse"
    assert "area" not in json.dumps(charts.market_share_index_chart(small_trend()).to_dict())


def test_the_naming_index_chart_plots_role_words_not_all_hits():
    spec = charts.naming_index_chart(small_trend_with_ci()).to_dict()
    line = spec["vconcat"][0]["layer"][2]["encoding"]["y"]
    assert (line["field"], line["title"]) == ("naming_index", "Naming index")
    band = spec["vconcat"][0]["layer"][1]["encoding"]
    assert (band["y"]["field"], band["y2"]["field"]) == ("naming_index_low", "naming_index_high")
    rows = next(d for d in spec["datasets"].values() if "period_start" in d[0])
    assert [r["market_role_hits"] for r in rows] == [1, 3]
    assert "market_hits" not in rows[0]
    assert spec["title"]["text"] == "Market words' share of the words naming the people served"


def test_kinds_never_take_the_lexicon_colours():
    spec = charts.kind_index_chart(small_by_kind()).to_dict()
    assert not {MARKET, RELATIONAL} & set(spec["encoding"]["color"]["scale"]["range"])


def test_the_footer_is_part_of_the_chart_and_keeps_its_title():
    spec = charts.with_footer(charts.lexicon_rates_chart(small_trend()), "lexicons x@1").to_dict()
    assert spec["title"] == "Market and relational words per million tokens"
    texts = [v for d in spec["datasets"].values() for r in d for v in r.values()]
    assert "lexicons x@1" in texts


def test_undated_rows_are_not_plotted():
    spec = charts.market_share_index_chart(small_trend()).to_dict()
    rows = next(d for d in spec["datasets"].values() if "period_start" in d[0])
    assert [r["period_start"] for r in rows] == ["2010-01-01", "2011-01-01"]


def test_market_and_relational_keep_their_colours():
    spec = charts.lexicon_rates_chart(small_trend()).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        "market": MARKET,
        "relational": RELATIONAL,
    }
