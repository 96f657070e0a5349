"""corpus.names.inside_name: a lexicon hit inside a proper name or title is told apart from
an ordinary use, on sentences of our own tokenised as the corpus tokenises them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketspeak.corpus.names import inside_name
from marketspeak.corpus.tokenise import build_nlp


def tokens(text: str) -> list[str]:
    """The paragraph's tokens as written, whitespace dropped, as corpus.tokenise stores them."""
    return [t.text for t in build_nlp()(text) if not t.is_space]


def judged(text: str, hit: str) -> bool:
    """inside_name for the first occurrence of the words of `hit` in `text`."""
    words = tokens(text)
    target = tokens(hit)
    for start in range(len(words) - len(target) + 1):
        if words[start : start + len(target)] == target:
            return inside_name(words, start, start + len(target))
    raise AssertionError(f"{hit!r} is not in {words}")


NAMES = [
    # job titles and offices
    ("The report was signed by the Director of Community Services last week.", "Community"),
    ("Invoices go to the Head of Purchasing and Supplies at the depot.", "Purchasing"),
    ("She works as a Customer Service Representative in the town hall.", "Customer Service"),
    # grants, programmes, funds
    ("The council gave a Community Safety Grant to the youth club.", "Community"),
    ("The country joined the Open Government Partnership two years ago.", "Partnership"),
    # organisations, boards, teams, departments
    ("Volunteers from Friends of Hyde Park planted bulbs.", "Friends"),
    ("Friends of Hyde Park planted bulbs in the spring.", "Friends"),
    ("Patients were seen at the local NHS Trust in March.", "Trust"),
    ("The Health and Wellbeing Board met on Tuesday.", "Wellbeing"),
    ("Complaints are passed to the Consumer Protection Team each morning.", "Consumer"),
    ("A letter from the Department for Business arrived today.", "Business"),
    ("Department for Business officials attended the meeting.", "Business"),
    ("Ministers met leaders of the European Community in Brussels.", "Community"),
    # systems, tests, surveys
    ("Bills are produced by the Customer Information System overnight.", "Customer"),
    ("Customer Information System outages delayed the bills.", "Customer"),
    ("Wards will run the Friends and Family Test from April.", "Friends"),
    ("Wards will run the Friends and Family Test from April.", "Family"),
    # zoning districts and places
    ("The plot lies in a Two-Family District under the zoning code.", "Family"),
    ("Shoppers filled the Riverside Shopping Centre on Saturday.", "Shopping"),
    ("Police patrolled the Riverside shopping centre on Saturday.", "shopping"),
    # a body named before, by its short name
    ("The Trust has opened a new ward.", "Trust"),
    ("Britain joined the Community in 1973.", "Community"),
    # names that capitals do not show
    ("Each area has a health and wellbeing board of its own.", "wellbeing"),
    ("Cases are heard in the family courts of the region.", "family"),
    ("Data from all NHS trusts are published monthly.", "trusts"),
    ("Several foundation trusts report their waiting times.", "trusts"),
    # headings, where only a head noun or title makes a name
    ("HEALTH AND WELLBEING BOARD", "WELLBEING"),
    ("Minutes Of The Director Of Community Services", "Community"),
    ("Riverside Community Youth Support Scheme", "Community"),
    ("ANNUAL REPORT OF THE RIVERSIDE FEDERATION OF BLIND CITIZENS", "CITIZENS"),
    # names in sentence case: a capitalised hit, a few words in lower case, a body or fund
    ("Minutes of our Community safety partnership were read out.", "Community"),
    ("Grants come from the local Carers support fund each spring.", "Carers"),
    ("Community safety partnership", "Community"),
    ("Community safety partnership: notes of the March meeting", "Community"),
    ("Business improvement board (spring meeting)", "Business"),
    # names written in lower case whatever the text does
    ("Each area publishes local health and wellbeing strategies every year.", "wellbeing"),
    ("HEALTH AND WELLBEING STRATEGY FOR THE DISTRICT", "WELLBEING"),
]

USES = [
    ("Customers said the new bins were better.", "Customers"),
    ("We spoke to our customers about the changes.", "customers"),
    ("Local businesses welcomed the plan.", "businesses"),
    ("Many citizens of Leeds came to the meeting.", "citizens"),
    ("Customers of North Water pay less this year.", "Customers"),
    ("The service listens to customers. Customer Views matter.", "Customer"),
    ("- Community groups met in the library.", "Community"),
    ("Our partnership with local families has grown.", "partnership"),
    ("Residents trust the council more than before.", "trust"),
    # a heading's capitals say nothing by themselves
    ("Customer Satisfaction Rose Sharply This Year", "Customer Satisfaction"),
    ("Supporting Families and Communities", "Communities"),
    ("CUSTOMERS WELCOME THE NEW PARKING RULES", "CUSTOMERS"),
    ("PRESS CONFERENCE WITH LOCAL BUSINESS LEADERS", "BUSINESS"),
    ("UNIT COSTS FELL AGAIN", "UNIT COSTS"),
    ("MY COLLEAGUE THE MINISTER FOR HEALTH SPOKE NEXT", "COLLEAGUE"),
    ("WE MET COMMUNITY GROUPS ABOUT BUSINESS REGULATION", "COMMUNITY"),
    ("WE MET COMMUNITY GROUPS ABOUT BUSINESS REGULATION", "BUSINESS"),
    ("HE DOES NOT TRUST ALL THOSE MINISTERS", "TRUST"),
    # a stretch in upper case inside running text is shouted, not named
    ("He said: WE DO NOT TRUST THE BANKS, and he meant it.", "TRUST"),
    # the pronoun's capital is not a name's
    ("Yes, I trust the new Board will listen.", "trust"),
    # sentence case: a sentence's first capital, or no body at the end, is no name
    ("Community safety partnerships were discussed at length.", "Community"),
    ("Community trust in the police has grown.", "Community"),
    ("Local people set up a community forum last year.", "community"),
    ("We thank our Customers for their patience this winter.", "Customers"),
    ("Health and wellbeing matter to every family.", "wellbeing"),
    ("Our wellbeing strategy puts people first.", "wellbeing"),
]


@pytest.mark.parametrize(("text", "hit"), NAMES)
def test_a_hit_inside_a_name_or_title_is_a_name(text: str, hit: str) -> None:
    assert judged(text, hit)


@pytest.mark.parametrize(("text", "hit"), USES)
def test_an_ordinary_use_is_not_a_name(text: str, hit: str) -> None:
    assert not judged(text, hit)


def test_a_span_out_of_bounds_or_empty_is_not_a_name() -> None:
    words = tokens("The Customer Information System failed.")
    assert not inside_name(words, 1, 1)
    assert not inside_name(words, 4, 9)
    assert not inside_name(words, -1, 2)
    assert not inside_name([], 0, 1)


TOKEN = st.one_of(
    st.sampled_from(["of", "and", "the", "-", ".", "(", "Board", "TRUST", "customer", ""]),
    st.text(max_size=6),
)


@given(st.lists(TOKEN, max_size=12), st.data())
def test_never_raises_on_arbitrary_tokens(words: list[str], data: st.DataObject) -> None:
    start = data.draw(st.integers(0, max(0, len(words))))
    end = data.draw(st.integers(start, len(words))) if words else 0
    assert inside_name(words, start, end) in (True, False)


@given(st.lists(TOKEN, max_size=8), st.integers(-3, 12), st.integers(-3, 12))
def test_a_span_outside_the_paragraph_is_never_a_name(
    words: list[str], start: int, end: int
) -> None:
    if 0 <= start < end <= len(words):
        assert inside_name(words, start, end) in (True, False)
    else:
        assert inside_name(words, start, end) is False
