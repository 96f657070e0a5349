"""The 'what changed' chart: each term's and index's slope with its interval, the indices
in their own panel, significant changes filled; its spec matches the golden one."""

from __future__ import annotations

import json
import os
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from marketspeak.dashboards import charts

GOLDEN = Path(__file__).parent / "golden"


def small_changes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "term": ["customer", "citizen", "resident", "naming index", "register index"],
            "lexicon": ["market", "relational", "relational", "index", "index"],
            "change": [6.5, -1.2, np.nan, 1.4, 0.3],
            "change_low": [3.1, -4.0, np.nan, 0.6, -0.2],
            "change_high": [9.8, 1.5, np.nan, 2.1, 0.9],
            "change_unit": [
                "% of mean rate per year",
                "% of mean rate per year",
                "% of mean rate per year",
                "percentage points per year",
                "percentage points per year",
            ],
            "slope": [120.0, -20.0, np.nan, 0.014, 0.003],
            "p": [0.001, 0.4, np.nan, 0.004, 0.3],
            "q": [0.004, 0.5, np.nan, 0.008, 0.4],
            "significant": [True, False, False, True, False],
            "n_periods": [12, 12, 2, 12, 12],
        }
    )


def test_the_changes_chart_matches_its_golden_spec():
    spec = charts.changes_chart(small_changes()).to_dict(validate=True)
    spec = json.loads(json.dumps(spec, sort_keys=True))
    golden = GOLDEN / "changes.vl.json"
    if os.environ.get("UPDATE_GOLDEN"):  # after an intended change: UPDATE_GOLDEN=1 pytest
        golden.write_text(json.dumps(spec, indent=1, sort_keys=True) + "\n")
    assert spec == json.loads(golden.read_text())
    alt.VConcatChart.from_dict(spec)


def test_indices_and_terms_have_their_own_panels_and_untested_ones_are_not_drawn():
    spec = charts.changes_chart(small_changes()).to_dict()
    panels = []
    for panel in spec["vconcat"]:
        name = panel["layer"][1]["data"]["name"] if "data" in panel["layer"][1] else None
        rows = spec["datasets"][name] if name else []
        panels.append({r["term"]: r["status"] for r in rows})
    assert panels == [
        {"naming index": "changed", "register index": "no clear change"},
        {"customer": "changed", "citizen": "no clear change"},
    ]
    points = spec["vconcat"][1]["layer"][2]["encoding"]
    assert points["fill"]["condition"]["test"] == "datum.significant"
    interval = spec["vconcat"][1]["layer"][1]["encoding"]
    assert (interval["x"]["field"], interval["x2"]["field"]) == ("change_low", "change_high")
