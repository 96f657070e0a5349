"""Coverage: documents and tokens per source and period, with a planted gap, jump and fall
flagged and nothing flagged on a steady source; the coverage command on the demo, the
chart's spec and the site's chart and methods page."""

from __future__ import annotations

import json
import os
from io import StringIO
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from marketspeak.analysis.coverage import coverage, coverage_flag, coverage_of, flagged, summary
from marketspeak.analysis.frequency import trend
from marketspeak.dashboards import charts

GOLDEN = Path(__file__).resolve().parent.parent / "dashboards" / "golden"


def rows(source: str, per_year: dict[int, int], kind: str = "council") -> list[dict]:
    return [
        {
            "period_start": pd.Timestamp(f"{year}-01-01"),
            "source": source,
            "source_kind": kind,
            "n_documents": n,
            "n_words": 300 * n,
        }
        for year, n in per_year.items()
    ]


def planted() -> pd.DataFrame:
    steady = {year: 6 + year % 2 for year in range(2010, 2018)}  # 6, 7, 6, 7 ...
    gap = {year: 5 for year in range(2010, 2018) if year != 2013}  # 2013 missing
    jump = {**steady, 2015: 25}
    fall = {**steady, 2012: 1}
    sparse = {2010: 1, 2012: 1, 2013: 2, 2015: 1}  # one a year, with years missing
    frame = pd.DataFrame(
        rows("steady", steady)
        + rows("gap", gap)
        + rows("jump", jump)
        + rows("fall", fall)
        + rows("sparse", sparse, "regulator")
    )
    return coverage_of(frame, "year")


def flags_of(frame: pd.DataFrame) -> dict:
    marked = frame[frame["flag"] != ""]
    return {(r.source, r.period_start.year): r.flag for r in marked.itertuples()}


def test_a_planted_gap_jump_and_fall_are_flagged_and_nothing_else():
    assert flags_of(planted()) == {
        ("gap", 2013): "gap",
        ("jump", 2015): "jump",
        ("fall", 2012): "fall",
    }


def test_every_period_of_a_sources_span_is_listed_with_its_counts():
    frame = planted()
    gap = frame[frame["source"] == "gap"]
    assert gap["period_start"].dt.year.tolist() == list(range(2010, 2018))
    assert gap.set_index(gap["period_start"].dt.year).loc[
        2013, ["n_documents", "n_words"]
    ].tolist() == [0, 0]
    sparse = frame[frame["source"] == "sparse"]
    assert sparse["period_start"].dt.year.tolist() == list(range(2010, 2016))
    assert set(sparse["source_kind"]) == {"regulator"}
    assert (gap["median_other"] == 5).all()


def test_the_thresholds():
    # A period is compared with the median of the others, never with itself.
    assert coverage_flag(12, [4, 4, 4]) == ("", 4.0)  # exactly 3 times: not a jump
    assert coverage_flag(13, [4, 4, 4]) == ("jump", 4.0)
    assert coverage_flag(2, [6, 6, 6]) == ("", 6.0)  # exactly a third: not a fall
    assert coverage_flag(1, [6, 6, 6]) == ("fall", 6.0)
    assert coverage_flag(0, [3, 3]) == ("gap", 3.0)
    assert coverage_flag(0, [2, 3, 2]) == ("", 2.0)  # a median under 3: no gap by chance
    assert coverage_flag(0, [5, 0, 5]) == ("gap", 5.0)  # periods with none leave the median
    assert coverage_flag(40, [5])[0] == ""  # one other period: too few to compare


def test_the_flags_in_words_for_the_methods_page():
    listed = flagged(planted())
    assert [(r["source"], r["period"], r["flag"]) for r in listed] == [
        ("fall", "2012", "fall"),
        ("gap", "2013", "gap"),
        ("jump", "2015", "jump"),
    ]
    assert listed[2]["documents"] == 25 and "over 3 times the median 6 of" in listed[2]["note"]
    assert summary(planted()).startswith("3 flagged: fall 2012 (fall)")
    assert listed[0]["note"] == "1 document, under 1/3 of the median 7 of its other years"


def test_coverage_of_the_demo_counts_each_sources_documents_and_flags_no_year(read_db):
    frame = coverage(read_db, "year")
    by_source = trend(read_db, "year", "source").dropna(subset=["period_start"])
    assert frame.groupby("source")["n_documents"].sum().to_dict() == (
        by_source.groupby("source")["n_documents"].sum().to_dict()
    )
    assert frame["n_words"].sum() == by_source["n_words"].sum()
    assert (frame["flag"] == "").all()  # the sample site publishes steadily
    quarters = coverage(read_db, "quarter")
    assert quarters["n_documents"].sum() == frame["n_documents"].sum()
    for _, span in quarters.groupby("source"):  # every quarter from its first to its last
        first, last = span["period_start"].min(), span["period_start"].max()
        assert len(span) == (last.year - first.year) * 4 + last.quarter - first.quarter + 1
        assert span["period_start"].is_monotonic_increasing and span["period_start"].is_unique
    with pytest.raises(ValueError, match="period"):
        coverage(read_db, "week")


def test_the_coverage_command(crawled, capsys):
    from marketspeak.pipelines.cli import main

    assert main(["coverage", "--db", str(crawled.db), "--format", "csv"]) == 0
    frame = pd.read_csv(StringIO(capsys.readouterr().out))
    assert frame["period"].astype(str).iloc[0] == "2005"
    assert {"source", "n_documents", "n_words", "flag", "note"} <= set(frame.columns)
    assert main(["coverage", "--db", str(crawled.db), "--by", "quarter", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records[0]["period"] == "2005-Q1"
    assert main(["coverage", "--db", str(crawled.db)]) == 0
    assert "median" in capsys.readouterr().out


def test_coverage_chart_spec_matches_golden():
    spec = charts.coverage_chart(planted()).to_dict(validate=True)
    spec = json.loads(json.dumps(spec, sort_keys=True))
    golden = GOLDEN / "coverage.vl.json"
    if os.environ.get("UPDATE_GOLDEN"):  # after an intended change: UPDATE_GOLDEN=1 pytest
        golden.write_text(json.dumps(spec, indent=1, sort_keys=True) + "\n")
    assert spec == json.loads(golden.read_text())
    alt.LayerChart.from_dict(spec)


def test_the_site_writes_the_coverage_chart_and_lists_the_flags(published, read_db):
    out, files = published
    for path in (out / "charts" / "coverage.vl.json", out / "data" / "coverage.csv"):
        assert path in files and path.stat().st_size > 0
    data = pd.read_csv(out / "data" / "coverage.csv")
    assert data["n_documents"].sum() == coverage(read_db)["n_documents"].sum()
    page = (out / "methods.html").read_text()
    assert "Where a source's coverage jumps or falls" in page
    assert "No source's coverage jumps, falls or stops in any year." in page
