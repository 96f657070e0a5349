"""The name rule's version is part of the lexicon signature stored with each document, so a
change to the rule classifies stored hits again from their stored tokens, as a new lexicon
version does."""

from __future__ import annotations

from marketspeak.corpus import annotate, lexicons, names
from marketspeak.corpus.db import matched_under, recorded_versions
from marketspeak.corpus.lexicons import load_lexicons, signature
from tests.conftest import tiny_corpus

TEXT = "Minutes of our Community safety partnership were read out. Our community is strong."
HIT = "SELECT excluded_by, counted FROM term_hits WHERE matched = 'Community'"


def test_the_signature_names_the_name_rule_version():
    assert signature(load_lexicons()).split()[-1] == names.NAME_RULE_VERSION
    assert names.NAME_RULE_VERSION.startswith("names@")


def test_a_new_name_rule_version_reclassifies_stored_hits_without_retokenising(
    tmp_path, monkeypatch
):
    con = tiny_corpus(tmp_path, [TEXT])
    shipped = load_lexicons()
    assert con.execute(HIT).fetchall() == [("name", False)]
    assert con.execute("SELECT lexicon_versions FROM documents").fetchone() == (signature(shipped),)
    tokens = con.execute("SELECT * FROM tokens ORDER BY doc_id, position").fetchall()

    # A rule that names nothing, under the same version: stored hits are left as they are.
    monkeypatch.setattr(lexicons, "inside_name", lambda words, start, end: False)
    assert annotate.rematch(con, shipped).documents == 0
    assert con.execute(HIT).fetchall() == [("name", False)]

    # Under a new version the document is matched again, from its stored tokens only.
    def no_tokenising(*args, **kwargs):
        raise AssertionError("re-classifying must not tokenise again")

    monkeypatch.setattr(annotate, "tokenise_texts", no_tokenising)
    monkeypatch.setattr(names, "NAME_RULE_VERSION", "names@999")
    result = annotate.rematch(con, shipped)
    assert result.documents == 1
    assert con.execute(HIT).fetchall() == [("", True)]
    assert con.execute("SELECT lexicon_versions FROM documents").fetchone() == (signature(shipped),)
    assert signature(shipped).endswith(" names@999")
    assert con.execute("SELECT * FROM tokens ORDER BY doc_id, position").fetchall() == tokens
    # The other hit was and stays counted; a second run has nothing left to do.
    assert con.execute(
        "SELECT count(*) FROM term_hits WHERE matched = 'community' AND counted"
    ).fetchone() == (1,)
    assert annotate.rematch(con, shipped).documents == 0


def test_published_numbers_name_the_rule_their_hits_were_judged_under(tmp_path):
    con = tiny_corpus(tmp_path, [TEXT, "Our customers and our citizens."])
    assert matched_under(con) == signature(load_lexicons())
    assert matched_under(con).endswith(names.NAME_RULE_VERSION)
    # A document not yet matched again under a new rule: both labels, so none is hidden.
    doc = con.execute("SELECT min(doc_id) FROM documents").fetchone()[0]
    con.execute("UPDATE documents SET lexicon_versions = 'market@1.0.0' WHERE doc_id = ?", [doc])
    assert matched_under(con) == f"market@1.0.0 + {signature(load_lexicons())}"


def test_a_file_with_nothing_tokenised_names_its_lexicon_versions(tmp_path):
    con = tiny_corpus(tmp_path, [TEXT])
    con.execute("UPDATE documents SET lexicon_versions = NULL")
    assert matched_under(con) == recorded_versions(con)
    assert not recorded_versions(con).endswith(names.NAME_RULE_VERSION)
