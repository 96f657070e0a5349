"""Chart builders produce valid Vega-Lite matching the golden specs; the site writer writes
standalone, offline files and escapes crawled text."""

from __future__ import annotations

import json
import os
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from marketspeak.dashboards import charts
from marketspeak.dashboards.theme import MARKET, RELATIONAL

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


def small_trend_audited() -> pd.DataFrame:
    """small_trend_with_ci with the naming index corrected by an audit."""
    return small_trend_with_ci().assign(
        audited_naming_index=[0.2, 0.7, 0.0],
        audited_low=[0.02, 0.4, 0.0],
        audited_high=[0.55, 0.9, 0.0],
    )


def small_coverage(flags: tuple[str, str, str, str] = ("", "jump", "", "gap")) -> pd.DataFrame:
    """analysis.coverage.coverage() rows for two sources over 2010 and 2011."""
    notes = {
        "": "",
        "jump": "9 documents, over 3 times the median 2 of its other years",
        "gap": "no documents, between years with them (median 3 a year)",
    }
    return pd.DataFrame(
        {
            "source": ["northshire", "northshire", "care-regulator", "care-regulator"],
            "source_kind": ["council", "council", "regulator", "regulator"],
            "period_start": pd.to_datetime(["2010-01-01", "2011-01-01"] * 2),
            "n_documents": [2, 9, 3, 0],
            "n_tokens": [500, 2000, 700, 0],
            "median_other": [9.0, 2.0, 3.0, 3.0],
            "flag": list(flags),
            "note": [notes[f] for f in flags],
        }
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
    "naming-index-audited": lambda: charts.naming_index_chart(small_trend_audited()),
    "naming-index-coverage": lambda: charts.naming_index_chart(
        small_trend_with_ci(), coverage=small_coverage()
    ),
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
    assert spec["title"] == "Market and relational hits per million words"
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


def _layers(spec: dict) -> list[dict]:
    return spec["vconcat"][0]["layer"]


def test_an_audit_adds_the_corrected_index_in_its_own_band_and_says_which_is_which():
    spec = charts.naming_index_chart(small_trend_audited()).to_dict()
    marks = [(layer["mark"]["type"], layer["encoding"]["y"]["field"]) for layer in _layers(spec)]
    assert marks == [
        ("rule", "y"),
        ("area", "audited_low"),
        ("line", "audited_naming_index"),
        ("area", "naming_index_low"),
        ("line", "naming_index"),
        ("point", "naming_index"),
    ]
    assert _layers(spec)[1]["encoding"]["y2"]["field"] == "audited_high"
    subtitle = " ".join(spec["title"]["subtitle"])
    assert "Orange line and band: the index as counted, its 95% bootstrap interval" in subtitle
    assert "corrected by the audited precision" in subtitle
    tips = [t["field"] for t in _layers(spec)[-1]["encoding"]["tooltip"]]
    assert {"audited_naming_index", "audited_low", "audited_high"} <= set(tips)
    rows = next(d for d in spec["datasets"].values() if "period_start" in d[0])
    assert [r["audited_naming_index"] for r in rows] == [0.2, 0.7]


def test_audited_columns_without_values_or_on_the_register_index_change_nothing():
    plain = charts.naming_index_chart(small_trend_with_ci()).to_dict()
    empty = small_trend_with_ci().assign(
        audited_naming_index=float("nan"), audited_low=float("nan"), audited_high=float("nan")
    )
    assert charts.naming_index_chart(empty).to_dict() == plain
    register = charts.market_share_index_chart(small_trend_with_ci()).to_dict()
    assert charts.market_share_index_chart(small_trend_audited()).to_dict() == register


def test_flagged_coverage_is_marked_at_its_period_with_source_and_flag():
    spec = charts.naming_index_chart(small_trend_with_ci(), coverage=small_coverage()).to_dict()
    rule, top = _layers(spec)[1], _layers(spec)[2]
    assert (rule["mark"]["type"], top["mark"]["type"]) == ("rule", "point")
    flags = spec["datasets"][rule["data"]["name"]]
    assert [f["period"] for f in flags] == ["2011"]
    assert flags[0]["flags"] == (
        "care-regulator: gap (no documents, between years with them (median 3 a year)); "
        "northshire: jump (9 documents, over 3 times the median 2 of its other years)"
    )
    assert {t["field"] for t in rule["encoding"]["tooltip"]} == {"period", "flags"}
    assert "Dotted rules" in " ".join(spec["title"]["subtitle"])


def test_coverage_without_flags_leaves_the_naming_index_chart_as_it_was():
    plain = charts.naming_index_chart(small_trend_with_ci()).to_dict()
    unflagged = small_coverage(("", "", "", ""))
    assert charts.naming_index_chart(small_trend_with_ci(), coverage=unflagged).to_dict() == plain
    assert charts.coverage_flags(unflagged).empty
