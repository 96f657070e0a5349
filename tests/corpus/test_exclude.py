"""A lexicon's `exclude` patterns set a match aside in the contexts they describe (and only
there), `match: written` matches a term on its words as written, and a bad rule is refused
on load naming its file and line."""

from __future__ import annotations

import pytest

from marketspeak.corpus.lexicons import LexiconMatcher, compile_pattern, load_lexicon, load_lexicons
from marketspeak.corpus.tokenise import build_nlp
from marketspeak.corpus.yamlfile import ConfigError

HEAD = "lexicon: market\nversion: 1.1.0\nterms:\n"


@pytest.fixture(scope="module")
def shipped() -> LexiconMatcher:
    return LexiconMatcher(build_nlp(), load_lexicons())


def judged(matcher: LexiconMatcher, text: str) -> list[tuple[str, str]]:
    """(term, excluded_by) of each hit in `text`."""
    doc = build_nlp()(text)
    paragraphs = [text[: t.idx].count("\n") for t in doc]
    return [(h.term, h.excluded_by) for h in matcher.match(doc, paragraphs)]


def rule(tmp_path, *patterns: str, term: str = "shop", match: str = "") -> LexiconMatcher:
    """A matcher for one term with these exclude patterns, each with reason sense:rule-N."""
    rules = "".join(
        f'      - {{pattern: "{p}", reason: sense:rule-{n}}}\n' for n, p in enumerate(patterns)
    )
    extra = f"    match: {match}\n" if match else ""
    path = tmp_path / "lexicon.yaml"
    path.write_text(HEAD + f"  - term: {term}\n    category: place\n{extra}    exclude:\n{rules}")
    return LexiconMatcher(build_nlp(), [load_lexicon(path)])


def test_words_before_the_match_set_it_aside_only_in_that_order(tmp_path):
    matcher = rule(tmp_path, "closed _")
    assert judged(matcher, "They opposed the Closed Shop.") == [("shop", "sense:rule-0")]
    assert judged(matcher, "The shop closed early.") == [("shop", "")]


def test_words_after_the_match_and_alternatives(tmp_path):
    matcher = rule(tmp_path, "_ steward|stewards")
    assert judged(matcher, "Shop stewards met.") == [("shop", "sense:rule-0")]
    assert judged(matcher, "A shop steward spoke.") == [("shop", "sense:rule-0")]
    assert judged(matcher, "The shop staff met.") == [("shop", "")]


def test_a_wildcard_stands_for_any_one_token(tmp_path):
    matcher = rule(tmp_path, "_ * floor")
    assert judged(matcher, "the shop's floor") == [("shop", "sense:rule-0")]
    assert judged(matcher, "the shop floor") == [("shop", "")]


def test_a_written_form_in_brackets_limits_the_rule_to_that_spelling(tmp_path):
    matcher = rule(tmp_path, "[shops]")
    assert judged(matcher, "Two shops, one shop.") == [("shop", "sense:rule-0"), ("shop", "")]


def test_punctuation_is_a_token_of_its_own(tmp_path):
    matcher = rule(tmp_path, "one - stop _")
    assert judged(matcher, "a one-stop shop") == [("shop", "sense:rule-0")]
    assert judged(matcher, "one stop shop") == [("shop", "")]


def test_the_first_rule_that_applies_gives_the_reason(tmp_path):
    matcher = rule(tmp_path, "closed _ floor", "closed _")
    assert judged(matcher, "closed shop floor") == [("shop", "sense:rule-0")]
    assert judged(matcher, "closed shop") == [("shop", "sense:rule-1")]


def test_a_rule_does_not_look_into_the_next_paragraph(tmp_path):
    matcher = rule(tmp_path, "closed _")
    assert judged(matcher, "It was closed\nShop hours are long.") == [("shop", "")]


def test_a_rule_needs_the_whole_context_inside_the_paragraph(tmp_path):
    matcher = rule(tmp_path, "very closed _")
    assert judged(matcher, "closed shop") == [("shop", "")]


def test_a_rule_with_unless_sets_aside_every_match_but_those_contexts(tmp_path):
    path = tmp_path / "lexicon.yaml"
    path.write_text(
        HEAD + "  - term: shop\n    category: place\n    exclude:\n"
        '      - {pattern: "_", reason: sense:shop-other, unless: ["the|our _", "_ on"]}\n'
    )
    matcher = LexiconMatcher(build_nlp(), [load_lexicon(path)])
    assert judged(matcher, "Our shop on the corner, a shop, the shop.") == [
        ("shop", ""),
        ("shop", "sense:shop-other"),
        ("shop", ""),
    ]
    assert judged(matcher, "Shop on Main Street.") == [("shop", "")]


def test_unless_narrows_a_rule_that_has_a_context_of_its_own(tmp_path):
    path = tmp_path / "lexicon.yaml"
    path.write_text(
        HEAD + "  - term: shop\n    category: place\n    exclude:\n"
        '      - {pattern: "closed _", reason: sense:closed-shop, unless: ["_ door|doors"]}\n'
    )
    matcher = LexiconMatcher(build_nlp(), [load_lexicon(path)])
    assert judged(matcher, "a closed shop") == [("shop", "sense:closed-shop")]
    assert judged(matcher, "a closed shop door") == [("shop", "")]


def test_shipped_formulas_and_senses_are_set_aside(shipped):
    assert judged(shipped, "No person shall enter.") == [("person", "formula:no-person-shall")]
    assert judged(shipped, "Any person who objects may write.") == [
        ("person", "formula:any-person")
    ]
    assert judged(shipped, "I trust you slept well.") == [("trust", "sense:trust-hope")]
    assert judged(shipped, "Funds held in trust.") == [("trust", "sense:trust-legal")]
    assert judged(shipped, "Gross domestic product rose.") == [
        ("product", "sense:gross-domestic-product")
    ]
    assert judged(shipped, "The consumer price index fell.") == [
        ("consumer", "sense:consumer-price-index")
    ]
    assert judged(shipped, "Any other business.") == [("business", "formula:any-other-business")]
    assert judged(shipped, "a single-family dwelling") == [("family", "sense:family-dwelling")]


def test_people_in_general_and_particular_groups_are_not_the_public_served(shipped):
    assert judged(shipped, "Some people say the road is too busy.") == [
        ("people", "sense:people-in-general")
    ]
    general, employees = "sense:people-in-general", "sense:people-employees"
    assert judged(shipped, "People often ask about bins.") == [("people", general)]
    assert judged(shipped, "The mine employs 2000 people.") == [("people", employees)]
    assert judged(shipped, "We met dedicated people.") == [("people", "sense:people-particular")]
    assert judged(shipped, "The people of the valley voted, and young people spoke.") == [
        ("people", ""),
        ("people", ""),
    ]


def test_shipped_rules_leave_ordinary_uses_counted(shipped):
    text = "We build trust with the person we support, and each family and shop matters."
    assert judged(shipped, text) == [("trust", ""), ("person", ""), ("family", ""), ("shop", "")]


def test_a_term_matched_as_written_is_not_found_in_other_words_with_its_lemmas(shipped):
    assert judged(shipped, "It may well be so, and the goods are sold.") == [("sell", "")]
    assert judged(shipped, "Where goods live on.") == []
    assert judged(shipped, "Their well being, their Well-being and wellbeing.") == [
        ("wellbeing", ""),
        ("wellbeing", ""),
        ("wellbeing", ""),
    ]
    assert judged(shipped, "A good life, and good lives.") == [("good life", "")] * 2


def test_patterns_compile_into_items_around_the_match():
    compiled = compile_pattern("no _ shall|may", "formula:no-person-shall")
    assert compiled.before == (frozenset({"no"}),)
    assert compiled.after == (frozenset({"shall", "may"}),)
    assert compile_pattern("by - [product]", "sense:x").written == "product"


def refused(tmp_path, body: str, message: str) -> str:
    """Where loading a lexicon of HEAD + `body` fails: the error's file:line prefix."""
    path = tmp_path / "lexicon.yaml"
    path.write_text(HEAD + body)
    with pytest.raises(ConfigError, match=message) as error:
        load_lexicon(path)
    assert str(error.value).startswith(f"{path}:")
    return str(error.value).removeprefix(f"{path}:").split(":")[0]


@pytest.mark.parametrize(
    ("rules", "line", "message"),
    [
        ('      - {pattern: "closed _"}\n', 7, "reason: None"),
        ('      - {pattern: "closed _", reason: closed}\n', 7, "not formula:NAME or sense:NAME"),
        ('      - {pattern: "closed shop", reason: sense:x}\n', 7, "mark the match once"),
        ('      - {pattern: "_ _", reason: sense:x}\n', 7, "mark the match once"),
        ('      - {pattern: "_", reason: sense:x}\n', 7, "every match aside"),
        ('      - {pattern: "a||b _", reason: sense:x}\n', 7, "is not a word"),
        ("      - {pattern: 3, reason: sense:x}\n", 7, "must be a string"),
        ('      - {pattern: "x _", reason: sense:x, why: no}\n', 7, "unknown key 'why'"),
        ("      - closed _\n", 7, "is {pattern, reason}"),
        ('      - {pattern: "_", reason: sense:x, unless: "the _"}\n', 7, "a list of patterns"),
        ('      - {pattern: "_", reason: sense:x, unless: ["the"]}\n', 7, "unless: 'the'"),
        ('      - {pattern: "x _", reason: sense:x, unless: ["_"]}\n', 7, "leave no match"),
    ],
)
def test_a_bad_exclude_rule_is_refused_with_file_and_line(tmp_path, rules, line, message):
    body = "  - term: shop\n    category: place\n    exclude:\n" + rules
    assert refused(tmp_path, body, message) == str(line)


def test_exclude_that_is_not_a_list_is_refused_with_file_and_line(tmp_path):
    body = "  - term: shop\n    category: place\n    exclude: closed _\n"
    assert refused(tmp_path, body, "must be a list") == "6"


def test_an_unknown_way_of_matching_is_refused_with_file_and_line(tmp_path):
    body = "  - {term: shop, category: place, match: stems}\n"
    assert refused(tmp_path, body, "'stems' for 'shop' is not one of lemma, written") == "4"
