"""Every hit is kept and says whether it counts: formulas, other senses and other-language
paragraphs are set aside from every measure, kwic --all shows them with their reason, and
a changed rule re-classifies the stored hits without tokenising again."""

from __future__ import annotations

import shutil
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketspeak.analysis.collocations import collocates
from marketspeak.analysis.dispersion import dispersion
from marketspeak.analysis.frequency import term_trend, trend
from marketspeak.analysis.keyness import keyness
from marketspeak.analysis.kwic import kwic
from marketspeak.corpus import annotate
from marketspeak.corpus.lexicons import load_lexicon, load_lexicons
from marketspeak.pipelines.cli import main
from tests.conftest import tiny_corpus

TRAPS = [
    "No person shall park here.",
    "Any person who objects may write to us.",
    "I trust the meeting went well.",
    "The money is held in trust for them.",
    "Gross domestic product grew.",
    "The consumer price index rose.",
    "It may well be late.",
]
CLEAN = [
    "We work with every family and each person we support.",
    "Trust between them grew.",
    "The consumer has a right to complain.",
    "Their wellbeing matters.",
]
SET_ASIDE = "SELECT count(*) FROM hit_status WHERE NOT counted"


def count(con, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


def test_every_hit_is_stored_and_those_set_aside_say_why(tmp_path):
    con = tiny_corpus(tmp_path, [" ".join(TRAPS), " ".join(CLEAN)])
    rows = con.execute(
        "SELECT term, excluded_by FROM term_hits WHERE NOT counted ORDER BY position"
    ).fetchall()
    assert rows == [
        ("person", "formula:no-person-shall"),
        ("person", "formula:any-person"),
        ("trust", "sense:trust-hope"),
        ("trust", "sense:trust-legal"),
        ("product", "sense:gross-domestic-product"),
        ("consumer", "sense:consumer-price-index"),
    ]
    # "may well be" is no hit at all: wellbeing is matched on its words as written.
    assert count(con, "SELECT count(*) FROM term_hits WHERE term = 'wellbeing'") == 1
    assert count(con, "SELECT count(*) FROM term_hits WHERE counted AND excluded_by <> ''") == 0


def test_a_hit_inside_a_proper_name_is_set_aside_as_name(tmp_path):
    con = tiny_corpus(tmp_path, ["Ask the Director of Community Services. The community agreed."])
    assert con.execute("SELECT excluded_by FROM term_hits ORDER BY position").fetchall() == [
        ("name",),
        ("",),
    ]


def test_trends_and_term_rates_count_only_counted_hits(tmp_path):
    con = tiny_corpus(tmp_path, [" ".join(TRAPS), " ".join(CLEAN)])
    yearly = trend(con, "year")
    assert yearly["market_hits"].tolist() == [0, 1]  # the clean consumer
    assert yearly["relational_hits"].tolist() == [0, 4]
    rates = term_trend(con, "year")
    assert sorted(zip(rates["term"], rates["hits"], strict=True)) == [
        ("consumer", 1),
        ("family", 1),
        ("person", 1),
        ("trust", 1),
        ("wellbeing", 1),
    ]


def test_kwic_shows_counted_hits_and_with_every_hit_the_others_and_why(tmp_path):
    con = tiny_corpus(tmp_path, [" ".join(TRAPS), " ".join(CLEAN)])
    assert kwic(con, "person")["match"].tolist() == ["person"]
    every = kwic(con, "person", every_hit=True)
    assert sorted(every["excluded_by"]) == ["", "formula:any-person", "formula:no-person-shall"]


def test_kwic_all_on_the_command_line_prints_the_reasons(tmp_path, capsys):
    tiny_corpus(tmp_path, [" ".join(TRAPS)]).close()
    db = str(tmp_path / "tiny.duckdb")
    assert main(["kwic", "trust", "--db", db, "--format", "csv"]) == 0
    assert "sense:trust" not in capsys.readouterr().out
    assert main(["kwic", "trust", "--all", "--db", db, "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "excluded_by" in out and "sense:trust-hope" in out and "sense:trust-legal" in out


def test_collocations_and_dispersion_count_only_counted_hits(tmp_path):
    con = tiny_corpus(tmp_path, [" ".join(TRAPS), " ".join(CLEAN)])
    nodes = collocates(con, "person", window=2)
    assert set(nodes["r1"]) == {1 * 2 * 2}  # one counted hit, two words either side
    spread = dispersion(con).set_index("term")
    assert spread.loc["person", "hits"] == 1
    assert spread.loc["trust", "hits"] == 1


def test_keyness_on_lexicon_terms_counts_only_counted_hits(tmp_path):
    texts = ["No person shall park. Each person may write.", "A person wrote to us."]
    con = tiny_corpus(tmp_path, texts)  # dated 2010 and 2011
    years = ((date(2010, 1, 1), date(2010, 12, 31)), (date(2011, 1, 1), date(2011, 12, 31)))
    frame = keyness(con, *years, min_freq=1, terms=["person"])
    assert frame[["focus_freq", "reference_freq"]].values.tolist() == [[1, 1]]


def test_a_hit_in_another_language_paragraph_is_set_aside_as_language(tmp_path):
    con = tiny_corpus(tmp_path, ["Each person counts.\nThe citizen too."])
    doc_id, position = con.execute(
        "SELECT doc_id, position FROM term_hits WHERE term = 'citizen'"
    ).fetchone()
    con.execute(
        "INSERT INTO language_spans VALUES (?, 'cy', 1, 1, ?, ?, 3)",
        [doc_id, position, position + 2],
    )
    assert con.execute(
        "SELECT term, counted, excluded_by FROM hit_status ORDER BY position"
    ).fetchall() == [("person", True, ""), ("citizen", False, "language")]
    assert count(con, "SELECT count(*) FROM english_hits") == 1
    assert kwic(con, "citizen", every_hit=True)["excluded_by"].tolist() == ["language"]


def test_a_changed_rule_reclassifies_stored_hits_without_tokenising_again(tmp_path):
    con = tiny_corpus(tmp_path, ["The corner shop and the shop owner."])
    assert count(con, SET_ASIDE) == 0
    path = tmp_path / "market.yaml"
    path.write_text(
        "lexicon: market\nversion: 9.0.0\nterms:\n  - term: shop\n    category: place\n"
        '    exclude:\n      - {pattern: "corner _", reason: sense:corner-shop}\n'
    )
    tokens = count(con, "SELECT count(*) FROM tokens")
    _, relational = load_lexicons()
    annotate.rematch(con, [load_lexicon(path), relational])
    assert count(con, "SELECT count(*) FROM tokens") == tokens
    assert con.execute("SELECT excluded_by FROM term_hits ORDER BY position").fetchall() == [
        ("sense:corner-shop",),
        ("",),
    ]


def test_an_upgraded_file_keeps_its_hits_counted_until_they_are_matched_again(tmp_path):
    con = tiny_corpus(tmp_path, ["No person shall park here."])
    con.execute("ALTER TABLE term_hits DROP COLUMN counted")
    con.execute("ALTER TABLE term_hits DROP COLUMN excluded_by")
    con.execute("DELETE FROM schema_migrations WHERE version > 7")
    con.close()
    from marketspeak.corpus.db import connect

    con = connect(tmp_path / "tiny.duckdb")
    assert con.execute("SELECT counted, excluded_by FROM term_hits").fetchall() == [(True, "")]
    con.execute("UPDATE documents SET lexicon_versions = 'market@0.0.1'")
    annotate.rematch(con, load_lexicons())
    assert con.execute("SELECT counted, excluded_by FROM term_hits").fetchall() == [
        (False, "formula:no-person-shall")
    ]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(st.sampled_from(TRAPS + CLEAN), min_size=1, max_size=6), min_size=1, max_size=3
    )
)
def test_counted_and_set_aside_hits_always_add_up_to_all_hits(tmp_path_factory, texts):
    folder = tmp_path_factory.mktemp("split")
    con = tiny_corpus(folder, [" ".join(sentences) for sentences in texts])
    everything = count(con, "SELECT count(*) FROM term_hits")
    set_aside = count(con, SET_ASIDE)
    assert count(con, "SELECT count(*) FROM english_hits") + set_aside == everything
    in_trends = count(con, "SELECT sum(market_hits + relational_hits) FROM document_counts")
    assert in_trends + set_aside == everything
    for term in ("person", "trust", "consumer", "product"):
        every = kwic(con, term, every_hit=True)
        assert len(kwic(con, term)) + (every["excluded_by"] != "").sum() == len(every)
    con.close()
    shutil.rmtree(folder)
