"""Audit: a stratified sample of hits to label, labels stored all or none, and the precision
of every count scored from them, down to the line under each chart of the site."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from marketspeak.analysis import audit
from marketspeak.dashboards.audit_page import label_page
from marketspeak.pipelines.cli import main
from tests.conftest import tiny_corpus

TEXTS = [
    "Our customers and residents met. The Customer Services Officer met citizens there.",
    "Customers pay. No person shall enter. Residents and patients and customers spoke.",
    "=HYPERLINK(1) customers came, and citizens and residents too, with their families.",
]


def _label_for(row: dict) -> str:
    """The label a careful reader gives the demo's planted hits: counted ones are fair
    evidence; a name is a name, a formula or another sense is OTHER; hits set aside for
    where they are (boilerplate, a duplicate, another language) are still real uses."""
    if row["counted"] == "true":
        return "COUNT"
    reason = row["excluded_by"]
    if reason == "name":
        return "NAME"
    if reason.startswith(("formula:", "sense:")):
        return "OTHER"
    return "COUNT"


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=audit.COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture()
def demo_db(crawled, tmp_path) -> Path:
    """A copy of the crawled demo database, to write labels into."""
    db = tmp_path / "audit.duckdb"
    shutil.copyfile(crawled.db, db)
    return db


def test_the_sample_is_stratified_per_term_seeded_and_mixes_counted_and_set_aside(read_db):
    hits = audit.all_hits(read_db)
    sizes = hits.groupby(["lexicon", "term"]).size()
    drawn = audit.sample(read_db, per_term=3, seed=1)
    assert list(drawn.columns) == audit.COLUMNS
    assert (drawn["label"] == "").all()
    got = drawn.groupby(["lexicon", "term"]).size()
    assert got.to_dict() == {key: min(3, n) for key, n in sizes.items()}
    assert drawn["hit_id"].is_unique
    assert drawn["counted"].any() and not drawn["counted"].all()
    again = audit.sample(read_db, per_term=3, seed=1)
    assert again.equals(drawn)
    other = audit.sample(read_db, per_term=3, seed=2)
    assert set(other["hit_id"]) != set(drawn["hit_id"])
    # Every sampled line is a hit of a current document, shown in its context.
    assert (drawn["match"] != "").all()
    assert drawn["url"].str.startswith("http://127.0.0.1").all()


def test_with_a_period_the_sample_is_stratified_per_term_and_year(read_db):
    hits = audit.all_hits(read_db, "year")
    sizes = hits.groupby(["lexicon", "term", "period"]).size()
    drawn = audit.sample(read_db, per_term=2, period="year", seed=0)
    by_id = hits.set_index("hit_id")["period"]
    drawn = drawn.assign(period=drawn["hit_id"].map(by_id))
    got = drawn.groupby(["lexicon", "term", "period"]).size()
    assert got.to_dict() == {key: min(2, n) for key, n in sizes.items()}
    assert drawn["period"].nunique() > 1


def test_hit_ids_survive_a_rerun_of_the_pipeline(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = tiny_corpus(tmp_path / "a", TEXTS)
    # Another run: the documents ingested in another order, tokenised afresh.
    second = tiny_corpus(tmp_path / "b", list(reversed(TEXTS)))
    ids = [
        set(con.execute(f"SELECT {audit.HIT_ID} FROM term_hits h").fetchall())  # noqa: S608
        for con in (first, second)
    ]
    assert ids[0] == ids[1] and len(ids[0]) > 5
    doc_id, position, term, hit_id = first.execute(
        f"SELECT doc_id, position, term, {audit.HIT_ID} FROM term_hits h LIMIT 1"  # noqa: S608
    ).fetchone()
    digest = hashlib.sha256(f"{doc_id}:{position}:{term}".encode()).hexdigest()[:16]
    assert hit_id == "h" + digest
    for con in (first, second):
        con.close()


def test_sample_cells_are_formula_safe(tmp_path):
    con = tiny_corpus(tmp_path, TEXTS)
    frame = audit.sample(con, per_term=10)
    con.close()
    assert frame["left"].str.startswith("=").any(), "the fixture plants a formula"
    out = io.StringIO()
    audit.write_sample_csv(frame, out)
    for row in csv.reader(io.StringIO(out.getvalue())):
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell
    assert ",'=" in out.getvalue() or "\"'=" in out.getvalue()


def test_wilson_matches_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    for successes, n in [
        (0, 1),
        (1, 1),
        (0, 20),
        (20, 20),
        (7, 20),
        (93, 100),
        (1, 3),
        (224, 240),
        (5, 1000),
    ]:
        low, high = proportion_confint(successes, n, alpha=0.05, method="wilson")
        ours = audit.wilson(successes, n)
        assert ours == pytest.approx((low, high), abs=1e-12)
    assert all(v != v for v in audit.wilson(0, 0))


def test_round_trip_on_the_demo_sample_label_score_site(demo_db, tmp_path, capsys):
    sample_csv = tmp_path / "audit.csv"
    code = main(
        [
            "audit",
            "sample",
            "--db",
            str(demo_db),
            "--per-term",
            "4",
            "--seed",
            "3",
            "--out",
            str(sample_csv),
        ]
    )
    assert code == 0
    page = sample_csv.with_suffix(".html")
    assert page.is_file()
    rows = _read_csv(sample_csv)
    assert rows and list(rows[0]) == audit.COLUMNS
    for row in rows:
        row["label"] = _label_for(row)
    labelled = tmp_path / "labelled.csv"
    _write_csv(labelled, rows)
    capsys.readouterr()
    assert (
        main(
            [
                "audit",
                "score",
                str(labelled),
                "--db",
                str(demo_db),
                "--format",
                "json",
                "--bootstrap",
                "200",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    scores = result["scores"]
    terms = [s for s in scores if not s["term"].startswith("(")]
    assert sum(s["n_labelled"] for s in terms) == len(rows)
    for s in scores:
        if s["n_counted_labelled"]:
            # Every counted hit was labelled COUNT: precision 1, the count stands.
            assert s["precision"] == 1.0
            assert s["corrected_count"] == pytest.approx(s["counted_hits"])
            assert s["precision_low"] < 1.0 and s["precision_high"] == 1.0
    for s in terms:
        aside = [
            r
            for r in rows
            if r["term"] == s["term"] and r["lexicon"] == s["lexicon"] and r["counted"] == "false"
        ]
        if aside:
            should = sum(r["label"] == "COUNT" for r in aside) / len(aside)
            assert s["missed_share"] == pytest.approx(should)
    naming = result["naming_index"]
    assert naming is not None
    assert naming["audited_naming_index"] == pytest.approx(naming["naming_index"])
    assert naming["audited_low"] <= naming["audited_naming_index"] <= naming["audited_high"]

    con = duckdb.connect(str(demo_db))
    stored = con.execute(
        "SELECT count(*), count(DISTINCT lexicon_versions), min(rule_signature), "
        "min(labelled_file) FROM audit_labels"
    ).fetchone()
    signature = con.execute("SELECT min(lexicon_versions) FROM documents").fetchone()[0]
    assert stored[0] == len(rows) and stored[1] == 1
    assert stored[2] == signature and "names@" in signature
    assert stored[3] == "labelled.csv"

    from marketspeak.dashboards.site import build_site

    out = tmp_path / "site"
    build_site(con, out, "year", "market@2.0.0 relational@2.0.0")
    n_role = sum(r["category"] == "role" for r in rows)
    naming_page = (out / "embed" / "naming-index.html").read_text(encoding="utf-8")
    assert "audited: precision 1.00 (" in naming_page
    assert f"–1.00), {n_role:,} hits labelled" in naming_page
    register_page = (out / "embed" / "market-share-index.html").read_text(encoding="utf-8")
    assert f"–1.00), {len(rows):,} hits labelled" in register_page
    for chart in (out / "charts").glob("*.html"):
        assert "audited: precision" in chart.read_text(encoding="utf-8"), chart.name
    methods = (out / "methods.html").read_text(encoding="utf-8")
    assert "How good the counts are" in methods and "(role words)" in methods
    assert "Not audited" not in methods
    # The naming-index chart and its data carry the corrected index (here, every counted
    # hit is fair evidence, so it is the index itself) with its own interval; no other does.
    naming = pd.read_csv(out / "data" / "naming-index.csv")
    dated = naming.dropna(subset=["naming_index"])
    assert not dated.empty
    assert dated["audited_naming_index"].to_numpy() == pytest.approx(dated["naming_index"])
    assert (dated["audited_low"] <= dated["audited_naming_index"] + 1e-12).all()
    assert (dated["audited_naming_index"] <= dated["audited_high"] + 1e-12).all()
    spec = (out / "charts" / "naming-index.vl.json").read_text(encoding="utf-8")
    assert '"field": "audited_naming_index"' in spec and "corrected by the audited" in spec
    assert "Corrected by the audited precision of the role words" in naming_page
    for other in ("market-share-index", "lexicon-rates"):
        assert "audited_naming_index" not in (out / "data" / f"{other}.csv").read_text()
    con.close()


def test_labels_scored_again_replace_the_earlier_ones(demo_db, tmp_path, capsys):
    rows = _read_sample(demo_db, tmp_path)[:6]
    for row in rows:
        row["label"] = "ERROR"
    first = tmp_path / "first.csv"
    _write_csv(first, rows)
    assert main(["audit", "score", str(first), "--db", str(demo_db)]) == 0
    rows[0]["label"] = "count"  # any case
    _write_csv(first, rows)
    assert main(["audit", "score", str(first), "--db", str(demo_db), "--format", "csv"]) == 0
    with duckdb.connect(str(demo_db), read_only=True) as con:
        labels = dict(con.execute("SELECT hit_id, label FROM audit_labels").fetchall())
    assert len(labels) == 6 and labels[rows[0]["hit_id"]] == "COUNT"


def _read_sample(db: Path, tmp_path: Path) -> list[dict]:
    out = tmp_path / "sample.csv"
    assert main(["audit", "sample", "--db", str(db), "--per-term", "2", "--out", str(out)]) == 0
    return _read_csv(out)


@pytest.mark.parametrize("problem", ["label", "hit_id", "twice"])
def test_a_bad_label_or_unknown_hit_is_one_line_with_file_and_line_and_stores_nothing(
    demo_db, tmp_path, capsys, problem
):
    rows = _read_sample(demo_db, tmp_path)
    for row in rows[:5]:
        row["label"] = "COUNT"
    if problem == "label":
        rows[3]["label"] = "MAYBE"
    elif problem == "hit_id":
        rows[3]["hit_id"] = "h0000000000000000"
    else:
        rows[3]["hit_id"] = rows[1]["hit_id"]
    labelled = tmp_path / "bad.csv"
    _write_csv(labelled, rows)
    capsys.readouterr()
    code = main(["audit", "score", str(labelled), "--db", str(demo_db)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert f"{labelled}:5:" in err  # the header is line 1, so the fourth row is line 5
    with duckdb.connect(str(demo_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM audit_labels").fetchone()[0] == 0


def test_the_published_site_says_not_audited_without_labels(published):
    out, _ = published
    page = (out / "embed" / "naming-index.html").read_text(encoding="utf-8")
    assert "not audited" in page
    assert "Not audited" in (out / "methods.html").read_text(encoding="utf-8")


HOSTILE = "<script>alert('x')</script> customers </td><img src=x onerror=alert(1)> residents"


def test_the_labelling_page_is_offline_and_escapes_crawled_text(tmp_path):
    con = tiny_corpus(tmp_path, [*TEXTS, HOSTILE])
    frame = audit.sample(con, per_term=10)
    con.close()
    page = label_page(frame, "labelled.csv")
    assert 'http-equiv="Content-Security-Policy"' in page
    assert "default-src 'none'" in page and "connect-src 'none'" in page
    assert "<script src" not in page and "<link" not in page
    assert "http://" not in page.replace("http://127.0.0.1/", "")
    assert "https://" not in page
    assert "<img" not in page and "< script" not in page
    # Only the data (JSON) and the page's own script open and close script elements.
    assert page.count("<script") == 2 and page.count("</script") == 2
    assert "&lt;/script &gt;" in page and "onerror" in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed")
def test_the_labelling_page_labels_by_key_and_saves_the_csv(tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    con = tiny_corpus(tmp_path, [*TEXTS, HOSTILE])
    frame = audit.sample(con, per_term=10)
    con.close()
    page_file = tmp_path / "audit.html"
    page_file.write_text(label_page(frame, "labelled.csv"), encoding="utf-8")
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(accept_downloads=True)
        requests, errors, dialogs = [], [], []
        context.route(
            "**/*",
            lambda route: (
                requests.append(route.request.url),
                route.continue_()
                if route.request.url.startswith(("file:", "blob:", "data:"))
                else route.abort(),
            ),
        )
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(page_file.as_uri())
        for key in ["c", "n", "3", "e", "k", "x", "j", "j", "1"]:
            page.keyboard.press(key)
        assert "labelled" in page.locator("#status").text_content()
        with page.expect_download() as info:
            page.locator("#save").click()
        saved = Path(info.value.path()).read_text(encoding="utf-8")
        assert info.value.suggested_filename == "labelled.csv"
        browser.close()
    assert errors == [] and dialogs == []
    assert all(u.startswith(("file:", "blob:", "data:")) for u in requests), requests
    rows = list(csv.DictReader(io.StringIO(saved)))
    assert [r["hit_id"] for r in rows] == list(frame["hit_id"])
    # c, n, 3 labelled rows 1-3; e row 4; k back to 4, x cleared it; j j to row 6, 1.
    assert [r["label"] for r in rows[:6]] == ["COUNT", "NAME", "OTHER", "", "", "COUNT"]
    for row in rows:
        for cell in row.values():
            assert cell[:1] not in ("=", "+", "-", "@"), cell
    labelled = tmp_path / "labelled.csv"
    labelled.write_text(saved, encoding="utf-8")
    assert len(audit.read_labels(labelled)) == 4


def test_scores_per_period_add_up_to_the_labels_and_hits_of_each_term(demo_db, tmp_path):
    out = tmp_path / "by-year.csv"
    assert (
        main(
            [
                "audit",
                "sample",
                "--db",
                str(demo_db),
                "--per-term",
                "2",
                "--by",
                "year",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    rows = _read_csv(out)
    for n, row in enumerate(rows):
        row["label"] = "COUNT" if n % 3 else "OTHER"
    _write_csv(out, rows)
    con = duckdb.connect(str(demo_db))
    audit.store_labels(con, audit.read_labels(out), out)
    by_year = audit.score(con, "year")
    whole = audit.score(con)
    hits = audit.all_hits(con, "year")
    con.close()
    terms = by_year[~by_year["term"].str.startswith("(")]
    assert terms["n_labelled"].sum() == len(rows)
    assert set(terms["period"]) == set(
        hits["period"][hits["hit_id"].isin({r["hit_id"] for r in rows})]
    )
    per_term = terms.groupby(["lexicon", "term"])[["n_labelled", "counted_hits"]].sum()
    overall = whole[~whole["term"].str.startswith("(")].set_index(["lexicon", "term"])
    assert (per_term["n_labelled"] == overall["n_labelled"]).all()
    # Each term's counted hits over its labelled periods are at most its counted hits.
    assert (per_term["counted_hits"] <= overall["counted_hits"]).all()
    assert ((0 <= terms["precision"].dropna()) & (terms["precision"].dropna() <= 1)).all()


def test_the_naming_index_carries_the_role_words_precision_and_its_uncertainty(demo_db, tmp_path):
    out = tmp_path / "roles.csv"
    assert (
        main(["audit", "sample", "--db", str(demo_db), "--per-term", "10", "--out", str(out)]) == 0
    )
    rows = [r for r in _read_csv(out) if r["category"] == "role"]
    for n, row in enumerate(rows):
        # Half the market role words are not fair evidence; every relational one is.
        row["label"] = "OTHER" if row["lexicon"] == "market" and n % 2 else "COUNT"
    _write_csv(out, rows)
    con = duckdb.connect(str(demo_db))
    audit.store_labels(con, audit.read_labels(out), out)
    precision = audit.role_precision(con)
    naming = audit.audited_naming_index(con, n_boot=400, seed=1)
    by_year = audit.audited_naming_trend(con, "year", n_boot=200, seed=1)
    m, r = con.execute(
        "SELECT sum(market_role_hits), sum(relational_role_hits) FROM document_counts "
        "WHERE published IS NOT NULL"
    ).fetchone()
    con.close()
    pm, pr = precision["market"][0], precision["relational"][0]
    assert 0.2 < pm < 0.8 and pr == 1.0
    assert naming["naming_index"] == pytest.approx(m / (m + r))
    assert naming["audited_naming_index"] == pytest.approx(pm * m / (pm * m + pr * r))
    assert naming["audited_naming_index"] < naming["naming_index"]
    plain = naming["naming_index_high"] - naming["naming_index_low"]
    audited = naming["audited_high"] - naming["audited_low"]
    assert audited > plain  # the labelling sample's uncertainty widens the interval
    assert naming["audited_low"] < naming["audited_naming_index"] < naming["audited_high"]
    dated = by_year.dropna(subset=["naming_index"])
    assert len(dated) > 3
    assert (dated["audited_naming_index"] <= dated["naming_index"] + 1e-12).all()


def test_a_pooled_row_stands_for_the_terms_labelled_only(demo_db, tmp_path):
    out = tmp_path / "roles.csv"
    sample = ["audit", "sample", "--db", str(demo_db), "--per-term", "3", "--out", str(out)]
    assert main(sample) == 0
    rows = [r for r in _read_csv(out) if r["category"] == "role"]
    for row in rows:
        row["label"] = "COUNT"
    _write_csv(out, rows)
    con = duckdb.connect(str(demo_db))
    audit.store_labels(con, audit.read_labels(out), out)
    scores = audit.score(con)
    con.close()
    for lexicon, group in scores.groupby("lexicon"):
        terms = group[~group["term"].str.startswith("(")]
        pooled = group[group["term"] == audit.ALL_TERMS].iloc[0]
        # Only role words were labelled: the pooled row says nothing of the other terms.
        assert pooled["counted_hits"] == terms["counted_hits"].sum(), lexicon
        assert pooled["corrected_count"] == pytest.approx(pooled["counted_hits"])


def test_the_site_trend_bootstraps_once_and_keeps_the_plain_intervals(
    demo_db, tmp_path, monkeypatch
):
    from marketspeak.analysis import uncertainty

    out = tmp_path / "roles.csv"
    assert (
        main(["audit", "sample", "--db", str(demo_db), "--per-term", "10", "--out", str(out)]) == 0
    )
    rows = [r for r in _read_csv(out) if r["category"] == "role"]
    for n, row in enumerate(rows):
        row["label"] = "OTHER" if row["lexicon"] == "market" and n % 2 else "COUNT"
    _write_csv(out, rows)
    con = duckdb.connect(str(demo_db))
    plain = uncertainty.trend_with_ci(con, "year", n_boot=200, seed=4)
    before = audit.trend_with_audit(con, "year", n_boot=200, seed=4)
    pd.testing.assert_frame_equal(before, plain)  # no labels: trend_with_ci's frame as it is
    audit.store_labels(con, audit.read_labels(out), out)
    calls = []
    real = uncertainty.resampled_sums
    monkeypatch.setattr(
        uncertainty, "resampled_sums", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    frame = audit.trend_with_audit(con, "year", n_boot=200, seed=4)
    pm, pr = (p for p, _ in (audit.role_precision(con)[x] for x in ("market", "relational")))
    con.close()
    assert len(calls) == len(frame)  # one resample per period, for both indices
    columns = list(audit.AUDITED_COLUMNS)
    pd.testing.assert_frame_equal(frame.drop(columns=columns), plain)
    dated = frame.dropna(subset=["naming_index"])
    dated = dated[dated["market_role_hits"] > 0]
    assert len(dated) > 3
    m, r = dated["market_role_hits"], dated["relational_role_hits"]
    expected = pm * m / (pm * m + pr * r)
    assert dated["audited_naming_index"].to_numpy() == pytest.approx(expected.to_numpy())
    assert (dated["audited_naming_index"] < dated["naming_index"]).all()
    assert (dated["audited_low"] <= dated["audited_naming_index"]).all()
    assert (dated["audited_naming_index"] <= dated["audited_high"]).all()


def test_a_score_while_a_run_holds_the_lock_is_refused_in_one_line_and_stores_nothing(
    demo_db, tmp_path, capsys
):
    from marketspeak.pipelines.cli import EXIT_LOCKED
    from tests.pipelines.test_lock import HOLD_LOCK, hold

    rows = _read_sample(demo_db, tmp_path)
    for row in rows:
        row["label"] = "COUNT"
    labelled = tmp_path / "labelled.csv"
    _write_csv(labelled, rows)
    capsys.readouterr()
    child = hold(HOLD_LOCK.format(db=str(demo_db)))
    try:
        code = main(["audit", "score", str(labelled), "--db", str(demo_db)])
    finally:
        child.kill()
        child.wait()
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert code == EXIT_LOCKED
    assert len(err.splitlines()) == 1
    assert "another marketspeak run holds the lock (pid" in err
    assert captured.out == ""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM audit_labels").fetchone()[0] == 0
    # Once the run is over, the same file is stored.
    assert main(["audit", "score", str(labelled), "--db", str(demo_db), "--bootstrap", "50"]) == 0
    with duckdb.connect(str(demo_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM audit_labels").fetchone()[0] == len(rows)
