"""Agency: each hit's role in its sentence, read off a real spaCy dependency parse.

No parsed English model package is installed with marketspeak, so these tests train a
small spaCy parser on gold parses of the sentences below (written by us) and load it from
its folder, the way a user passes --model. It parses these sentences as annotated, so what
is checked is everything around the parser: finding the hit's sentence in the stored
tokens, the role read off the parse, and the shares per period.
"""

from __future__ import annotations

import random

import pytest

from marketspeak.analysis.agency import (
    ParserMissing,
    agency_shares,
    hit_roles,
    load_parser,
    role_of,
)
from marketspeak.pipelines.cli import main
from tests.conftest import tiny_corpus

# (words, heads, dependency labels) in spaCy's English (ClearNLP) label set.
GOLD = [
    ("The customer pays the council .", [1, 2, 2, 4, 2, 2], "det nsubj ROOT det dobj punct"),
    ("The council serves the customer .", [1, 2, 2, 4, 2, 2], "det nsubj ROOT det dobj punct"),
    ("Our customers need help .", [1, 2, 2, 2, 2], "poss nsubj ROOT dobj punct"),
    ("The customer account is long .", [2, 2, 3, 3, 3, 3], "det compound nsubj ROOT acomp punct"),
    ("The citizen helps the partner .", [1, 2, 2, 4, 2, 2], "det nsubj ROOT det dobj punct"),
    ("We care for the citizen .", [1, 1, 1, 4, 2, 1], "nsubj ROOT prep det pobj punct"),
]


@pytest.fixture(scope="module")
def parser_dir(tmp_path_factory):
    import spacy
    from spacy.tokens import Doc
    from spacy.training import Example
    from spacy.util import fix_random_seed

    fix_random_seed(0)
    nlp = spacy.blank("en")
    nlp.add_pipe("parser", config={"min_action_freq": 1})
    examples = [
        Example.from_dict(
            Doc(nlp.vocab, words=text.split()), {"heads": heads, "deps": deps.split()}
        )
        for text, heads, deps in GOLD
    ]
    optimizer = nlp.initialize(lambda: examples)
    order = random.Random(0)
    for _ in range(60):
        order.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.0)
    folder = tmp_path_factory.mktemp("parser") / "tiny-parser"
    nlp.to_disk(folder)
    return folder


@pytest.fixture()
def corpus(tmp_path):
    # Two documents: 2010 holds the customer sentences, 2011 the citizen ones.
    texts = [" ".join(g[0] for g in GOLD[:4]), " ".join(g[0] for g in GOLD[4:])]
    return tiny_corpus(tmp_path, texts)


def test_the_trained_parser_parses_the_gold_sentences(parser_dir):
    nlp = load_parser(str(parser_dir))
    for text, heads, deps in GOLD:
        doc = nlp(text)
        assert [t.head.i for t in doc] == heads and [t.dep_ for t in doc] == deps.split()


def test_roles_come_from_the_dependency_labels(parser_dir):
    nlp = load_parser(str(parser_dir))
    expected = [
        ("customer", ("agent", False)),
        ("customer", ("recipient", False)),
        ("customers", ("agent", True)),
        ("customer", ("modifier", False)),
        ("citizen", ("agent", False)),
        ("citizen", ("recipient", False)),
    ]
    for (text, _, _), (word, role) in zip(GOLD, expected, strict=True):
        doc = nlp(text)
        index = [t.text for t in doc].index(word)
        assert role_of(doc[index : index + 1]) == role, text


def test_each_hit_gets_the_role_of_its_own_sentence(parser_dir, corpus):
    roles = hit_roles(corpus, load_parser(str(parser_dir)), "year")
    got = sorted(zip(roles["term"], roles["role"], roles["possessed"], strict=True))
    assert got == [
        ("citizen", "agent", False),
        ("citizen", "recipient", False),
        ("customer", "agent", False),
        ("customer", "agent", True),
        ("customer", "modifier", False),
        ("customer", "recipient", False),
        ("partner", "recipient", False),
    ]
    assert sorted(roles["period_start"].dt.year.unique()) == [2010, 2011]


def test_shares_per_period_sum_to_one(parser_dir, corpus):
    roles = hit_roles(corpus, load_parser(str(parser_dir)), "year", terms=["customer"])
    shares = agency_shares(roles)
    assert len(shares) == 1 and shares.loc[0, "hits"] == 4
    row = shares.loc[0]
    assert (row.agent_share, row.recipient_share, row.modifier_share, row.other_share) == (
        0.5,
        0.25,
        0.25,
        0.0,
    )
    assert row.possessed_share == 0.25


def test_the_command_prints_shares_per_term(parser_dir, corpus, tmp_path, capsys):
    corpus.close()
    db = tmp_path / "tiny.duckdb"
    code = main(
        ["agency", "--db", str(db), "--model", str(parser_dir), "--by-term", "--format", "csv"]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0].startswith("period,lexicon,term,hits,agent_share,recipient_share")
    assert any(line.startswith("2010,market,customer,4,0.5,0.25,0.25,0.0,0.25") for line in out)


def test_without_a_parser_model_the_command_says_how_to_install_one(tmp_path, capsys):
    con = tiny_corpus(tmp_path, ["The customer pays."])
    con.close()
    code = main(["agency", "--db", str(tmp_path / "tiny.duckdb"), "--model", "no_such_model_xx"])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err.count("\n") == 0 and "no_such_model_xx" in err and "pip install" in err


def test_a_pipeline_without_a_parser_is_refused(tmp_path):
    import spacy

    spacy.blank("en").to_disk(tmp_path / "blank")
    with pytest.raises(ParserMissing, match="no dependency parser"):
        load_parser(str(tmp_path / "blank"))
