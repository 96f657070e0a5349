"""Whether a lexicon hit is inside a proper name or title (issue 15: names are not uses).

"Director of Community Services", "Friends of Hyde Park", "NHS Trust", "Customer Information
System": the lexicon word there names an office, a body, a programme or a place, and says
nothing of how the text speaks of the people served. `inside_name` decides it from the words
of the hit's paragraph as written, by two signals:

- a run of capitalised words around the hit, joined through "of", "and", "for", "the", "&"
  or a hyphen ("Two-Family District"), when the hit's own capital is not just that of a
  sentence's first word;
- organisational head nouns and titles ("Board", "Trust", "Director of", "Friends of"),
  which mark a name even where capitals say nothing (an ALL-CAPS or Title Case heading) or
  are absent ("health and wellbeing boards").

The word lists are the named constants below. How well this does on the hand-labelled hits
is measured by bench/names.py.
"""

from __future__ import annotations

from collections.abc import Sequence

# The version of this rule, part of corpus.lexicons.signature: a change to what it flags is
# a new version, and stored documents are then classified again from their stored tokens
# (corpus.annotate.rematch), as when a lexicon's version changes.
# names@2: sentence-case names ending in a body noun ("Community safety partnership") and
# fixed lower-case names ("health and wellbeing strategies").
NAME_RULE_VERSION = "names@2"

# The word lists, matched lower-cased against the words as written.

# Small words that join the capitalised words of one name: "Head of Purchasing and
# Supplies", "Department for Business", "Friends of the Park", "Marks & Spencer"; the
# hyphen joins "Two-Family" (the tokeniser splits it into three tokens).
CONNECTORS = frozenset({"of", "and", "for", "the", "&", "-", "on", "in"})

# Tokens after which the next word's capital is the sentence's (or a list item's), not a
# name's.
SENTENCE_ENDS = frozenset({".", "!", "?", ":", ";", "•", "-", "–", "—", "*", "·", "▪", "●", "…"})
# Tokens between a sentence end and its first word ("(Customers ...", "'Friends ...").
OPENERS = frozenset({"(", "[", '"', "'", "“", "‘"})

# Words that make a run of capitals the name of a body, office, title, scheme, document
# or place: the head noun that ends it ("Community Safety Grant", "Customer Service
# Representative") or the title that opens it ("Director of", "Friends of"). They keep a
# capitalised word at a sentence start in the name ("Customer Services Manager: ..."). A
# plural in "s" ("Grants", "Services") is found by its singular.
# NAME_HEADS are nouns that, after a lexicon word, make a name even in a heading, where
# every word has a capital anyway ("HEALTH AND WELLBEING BOARD"); COMMON_HEADS are also
# ordinary nouns ("COMMUNITY GROUPS", "BUSINESS REGULATION"), so they count only where
# capitals mean something.
# fmt: off
NAME_HEADS = frozenset({
    # bodies
    "agency", "alliance", "association", "authority", "board", "bureau", "chamber",
    "commission", "committee", "company", "corporation", "council", "court", "department",
    "directorate", "division", "federation", "forum", "foundation", "institute", "ministry",
    "panel", "partnership", "society", "trust", "tribunal", "friends",
    # company forms ("... Capital Partners Ltd", "... Limited Partnership")
    "inc", "limited", "llc", "llp", "ltd", "plc",
    # schemes, money and documents
    "act", "award", "bill", "charter", "convention", "directive", "fund", "grant", "index",
    "ordinance", "summit", "survey", "test", "treaty",
    # places and zoning
    "arcade", "district", "mall", "plaza", "precinct",
    # titles
    "commissioner", "director", "minister", "secretary", "superintendent",
})
COMMON_HEADS = frozenset({
    "centre", "center", "group", "network", "office", "service", "team", "unit",
    "agreement", "code", "framework", "initiative", "plan", "policy", "programme", "program",
    "project", "regulation", "report", "review", "scheme", "standard", "strategy",
    "database", "portal", "system",
    "estate", "hall", "library", "park", "square", "zone",
    "adviser", "advisor", "administrator", "agent", "analyst", "assistant", "chief",
    "clerk", "controller", "coordinator", "co-ordinator", "head", "inspector", "liaison",
    "manager", "officer", "representative", "specialist", "supervisor",
})
# fmt: on

# Words before a lone capitalised hit that make it the short name of a body.
DEFINITE = frozenset({"the"})

# How many words after the hit a head noun still names it, in an upper-case line (where
# "DOESN'T TRUST ALL THOSE MINISTERS" must not be a name) and in a Title Case line; and
# how many words before it a title ("FEDERATION OF BLIND CITIZENS") does.
NEAR_SHOUTED = 2
NEAR_TITLED = 3
TITLE_BEFORE = 3
# The words that join a title to what it is of: "Director of", "Department for".
TITLE_LINKS = frozenset({"of", "for"})

# Head nouns that mark a name even in lower case, right after the hit ("health and
# wellbeing boards", "family courts").
BODY_AFTER = frozenset({"board", "boards", "court", "courts", "tribunal", "tribunals"})
# Lexicon words that are themselves a body when a capitalised word ("NHS trusts",
# "Probation trust") or a kind of such body ("foundation trusts") comes before them.
BODY_ITSELF = frozenset({"trust", "trusts"})
BODY_KINDS = frozenset(
    {"acute", "ambulance", "charitable", "foundation", "health", "hospital", "housing", "probation"}
)
# Place nouns that make "<Name> <hit> <place>" a place name ("Westgate shopping centre").
PLACES = frozenset({"arcade", "centre", "center", "mall", "plaza", "precinct"})

# Bodies and funds that end a name written in sentence case, after a capitalised hit and
# at most SENTENCE_CASE_WORDS words in lower case: "our Community safety partnership", "the
# local Carers support fund". Only nouns that are hardly ever anything else: "trust"
# ("Community trust in the police") and the common heads ("Community groups") are not
# among them. A hit that opens a sentence has only the sentence's capital, so there the
# name must also end as a heading or a label does: at the paragraph's end or before one of
# HEADING_ENDS ("Community safety partnership: minutes").
SENTENCE_CASE_HEADS = frozenset(
    {
        "agency",
        "alliance",
        "association",
        "authority",
        "board",
        "bureau",
        "commission",
        "committee",
        "council",
        "federation",
        "forum",
        "foundation",
        "fund",
        "grant",
        "panel",
        "partnership",
        "tribunal",
    }
)
SENTENCE_CASE_WORDS = 2
HEADING_ENDS = frozenset({":", "–", "—", "(", "|"})
# Names written in lower case whatever the text does, "_" standing for the hit: statutory
# bodies and documents of a kind ("health and wellbeing strategies").
FIXED_NAMES = tuple(
    tuple(name.split())
    for name in (
        "health and _ strategy",
        "health and _ strategies",
    )
)


def is_capitalised(token: str) -> bool:
    """A word written with a capital first letter ("Trust", "NHS", "McDonald"); the
    pronoun "I" has its capital whatever it stands next to ("I trust that ...")."""
    return token[:1].isupper() and is_word(token) and token != "I"


def is_shouted(tokens: Sequence[str]) -> bool:
    """Words all in upper case ("COMMUNITY CARE PROJECT"), where capitals say nothing."""
    letters = [t for t in tokens if is_word(t)]
    return bool(letters) and all(t.isupper() and len(t) > 1 for t in letters)


def is_word(token: str) -> bool:
    return any(ch.isalpha() for ch in token)


def sentence_initial(tokens: Sequence[str], index: int) -> bool:
    """Whether tokens[index] opens a sentence (or the paragraph, or a list item), so that
    its capital may be only the sentence's."""
    before = index - 1
    while before >= 0 and tokens[before] in OPENERS:
        before -= 1
    return before < 0 or tokens[before] in SENTENCE_ENDS


def is_heading(tokens: Sequence[str]) -> bool:
    """A paragraph whose every word (connectors aside) is capitalised: a heading or a line
    in upper or Title Case, whose capitals say nothing about names."""
    # Stops at the first word in lower case, so a long paragraph of running text costs
    # little for each of its hits.
    seen = 0
    for token in tokens:
        if is_word(token) and token.lower() not in CONNECTORS:
            if not is_capitalised(token):
                return False
            seen += 1
    return seen >= 2


def capital_run(tokens: Sequence[str], start: int, end: int) -> tuple[int, int]:
    """The widest span around tokens[start:end] of capitalised words, joined by connectors
    that have a capitalised word on each side."""
    left = start
    while left > 0:
        if is_capitalised(tokens[left - 1]):
            left -= 1
        elif (
            left > 1 and tokens[left - 1].lower() in CONNECTORS and is_capitalised(tokens[left - 2])
        ):
            left -= 2
        else:
            break
    right = end
    while right < len(tokens):
        if is_capitalised(tokens[right]):
            right += 1
        elif (
            right + 1 < len(tokens)
            and tokens[right].lower() in CONNECTORS
            and is_capitalised(tokens[right + 1])
        ):
            right += 2
        else:
            break
    return left, right


def content_words(tokens: Sequence[str]) -> list[str]:
    return [t for t in tokens if is_word(t) and t.lower() not in CONNECTORS]


def is_head(token: str, heads: frozenset[str] = NAME_HEADS | COMMON_HEADS) -> bool:
    """A word of `heads`, or its plural in "s"."""
    word = token.lower()
    return word in heads or (word.endswith("s") and word[:-1] in heads)


def has_head(tokens: Sequence[str], heads: frozenset[str] = NAME_HEADS | COMMON_HEADS) -> bool:
    return any(is_head(t, heads) for t in tokens)


def named_nearby(
    tokens: Sequence[str], start: int, end: int, heads: frozenset[str], near: int
) -> bool:
    """A head noun of `heads` among the `near` words right after the hit ("HEALTH AND
    WELLBEING BOARD"), or such a title with "of"/"for" just before it ("AUSTRALIAN
    FEDERATION OF BLIND CITIZENS"): what makes a name in a heading, where every word has
    a capital anyway."""
    following = []
    for token in tokens[end : end + near]:
        # The name ends at punctuation or a small word: "MY COLLEAGUE THE MINISTER" is
        # not a title of the colleague.
        if not is_word(token) or token.lower() in CONNECTORS:
            break
        following.append(token)
    if has_head(following, heads):
        return True
    before = [t.lower() for t in tokens[max(0, start - TITLE_BEFORE) : start]]
    return any(
        is_head(word, heads) and link in TITLE_LINKS
        for word, link in zip(before, before[1:], strict=False)
    )


def by_capitals(tokens: Sequence[str], start: int, end: int) -> bool:
    """A capitalised hit inside a run of two or more capitalised words. A sentence's first
    word counts only when it is a head or title ("Friends of ...", "Director of ..."), or
    when the hit is that word and the run carries on at once with capitals ("Customer
    Information System ...")."""
    if not all(is_capitalised(t) for t in tokens[start:end] if is_word(t)):
        return False
    left, right = capital_run(tokens, start, end)
    # The hit's own words are not the head that makes a name of it ("Unit Costs").
    around = [*tokens[left:start], *tokens[end:right]]
    if sentence_initial(tokens, left) and not is_head(tokens[left]):
        if left == start:
            # The hit opens the sentence: it is a name only when capitals follow it at
            # once ("Customer Information System", not "Customers of New South Wales").
            if start + 1 >= right or not is_capitalised(tokens[start + 1]):
                return False
            rest = content_words(tokens[start + 1 : right])
            return len(rest) >= 2 or has_head(around)
        left += 1
    if len(content_words(tokens[left:right])) >= 2:
        return True
    # A lone capitalised word after "the" in running text is a body named before ("the
    # Trust has ...", "Britain joining the Community").
    return left == start and left > 0 and tokens[left - 1].lower() in DEFINITE


def by_heads(tokens: Sequence[str], start: int, end: int) -> bool:
    """Names that capitals do not show: a hit right before a body noun ("health and
    wellbeing board"), a body noun after a capitalised word or a kind of body ("NHS
    trusts", "foundation trusts"), a hit between a capitalised word and a place noun
    ("Westgate shopping centre")."""
    after = tokens[end].lower() if end < len(tokens) else ""
    if after in BODY_AFTER:
        return True
    # A shouted hit ("DO NOT TRUST") says nothing by the capitals before it.
    named_before = (
        start > 0
        and is_capitalised(tokens[start - 1])
        and not sentence_initial(tokens, start - 1)
        and not is_shouted(tokens[start:end])
    )
    body = tokens[end - 1].lower() in BODY_ITSELF
    if body and start > 0 and tokens[start - 1].lower() in BODY_KINDS:
        return True
    return named_before and (body or after in PLACES)


def in_sentence_case(tokens: Sequence[str], start: int, end: int) -> bool:
    """A capitalised hit, then at most SENTENCE_CASE_WORDS words in lower case up to a body
    or fund: a name written in sentence case ("our Community safety partnership", "the
    Partnership development fund"); when the hit opens its sentence, only a name that ends
    the paragraph or comes before one of HEADING_ENDS ("Community safety partnership:")."""
    if not is_capitalised(tokens[start]) or is_shouted(tokens[start:end]):
        return False
    for index in range(end, min(len(tokens), end + SENTENCE_CASE_WORDS + 1)):
        token = tokens[index]
        if is_head(token, SENTENCE_CASE_HEADS):
            if not sentence_initial(tokens, start):
                return True
            return index + 1 == len(tokens) or tokens[index + 1] in HEADING_ENDS
        if not (token.isalpha() and token.islower()) or token in CONNECTORS:
            return False
    return False


def fixed_name(tokens: Sequence[str], start: int, end: int) -> bool:
    """The hit is the "_" of one of FIXED_NAMES, in any case."""
    for name in FIXED_NAMES:
        place = name.index("_")
        first = start - place
        after = name[place + 1 :]
        if first < 0 or end + len(after) > len(tokens):
            continue
        around = [t.lower() for t in (*tokens[first:start], *tokens[end : end + len(after)])]
        if around == [*name[:place], *after]:
            return True
    return False


def inside_name(words: Sequence[str], start: int, end: int) -> bool:
    """Whether the hit words[start:end] is inside a proper name or title.

    `words` are one paragraph's tokens as written (punctuation as tokens of their own, as
    corpus.tokenise gives them); a span out of bounds or empty is not a name."""
    if not 0 <= start < end <= len(words):
        return False
    if by_heads(words, start, end) or fixed_name(words, start, end):
        return True
    if is_shouted(words[start:end]):
        # A hit in upper case is in a heading or a shouted line, whatever the rest of
        # the paragraph does: only a noun that is nothing but a head names it.
        return named_nearby(words, start, end, NAME_HEADS, NEAR_SHOUTED)
    if is_heading(words):
        # In a Title Case line, a head names it ("Community Youth Support Scheme"),
        # the capitals alone do not ("Supporting Families and Communities").
        return named_nearby(words, start, end, NAME_HEADS | COMMON_HEADS, NEAR_TITLED)
    return by_capitals(words, start, end) or in_sentence_case(words, start, end)
