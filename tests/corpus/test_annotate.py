"""Tokenising is incremental, and a new lexicon version re-matches from stored tokens."""

from __future__ import annotations

import shutil

import duckdb

from corpus import annotate
from corpus.db import connect
from corpus.lexicons import load_lexicons


def test_a_second_tokenise_does_nothing(crawled, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(crawled.db, db)
    con = connect(db)
    result = annotate.tokenise_pending(con, load_lexicons())
    assert (result.documents, result.tokens) == (0, 0)


def test_a_new_lexicon_version_rematches_without_retokenising(crawled, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(crawled.db, db)
    market, relational = load_lexicons()
    lexicon = tmp_path / "market.yaml"
    lexicon.write_text(
        "lexicon: market\nversion: 2.0.0\nterms:\n  - {term: customer, category: role}\n"
    )
    from corpus.lexicons import load_lexicon

    new = [load_lexicon(lexicon), relational]
    con = connect(db)
    tokens_before = con.execute("SELECT count(*) FROM tokens").fetchone()[0]
    expected = con.execute(
        "SELECT count(*) FROM term_hits WHERE term = 'customer' OR lexicon = 'relational'"
    ).fetchone()[0]
    result = annotate.rematch(con, new)
    assert result.documents == 227
    assert con.execute("SELECT count(*) FROM tokens").fetchone()[0] == tokens_before
    # "customer journey" etc. are gone, so the customers inside them now count as "customer".
    inner = (
        duckdb.connect(str(crawled.db), read_only=True)
        .execute("SELECT count(*) FROM term_hits WHERE term LIKE 'customer %'")
        .fetchone()[0]
    )
    assert con.execute("SELECT count(*) FROM term_hits").fetchone()[0] == expected + inner
    assert con.execute("SELECT DISTINCT lexicon_versions FROM documents").fetchall() == [
        ("market@2.0.0 relational@1.0.0",)
    ]
