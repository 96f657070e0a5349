"""Lexicons: load and validate the market and relational word lists, and match them in text.

A lexicon file (see `corpus/lexicons/market.yaml`) names a lexicon, its version and its
terms. Terms are matched with spaCy's PhraseMatcher on lemmas, so every inflection of a
term counts, and multi-word terms ("unit cost", "co-production") are one hit; a term with
`match: written` is matched on its words as written instead (lower-cased), where lemmas
would change its meaning ("well being" is not "may well be"). Where terms overlap, the
longest match wins and the shorter one is not counted again.

Every match is kept, and classified: a term's `exclude` patterns (the pattern language is in
`ExcludePattern`) set aside the matches in a context that gives the word another sense or
makes it a formula, and corpus.names those inside a proper name or title; such a hit is
stored with `excluded_by` naming the pattern's reason, or `name`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from marketspeak.corpus.names import inside_name
from marketspeak.corpus.yamlfile import ConfigError, line_of, load_yaml

CATEGORIES = {
    "role": "names the people served",
    "exchange": "buying, selling and their costs",
    "place": "where trade happens",
    "management": "business management language",
    "relationship": "ties between people",
    "practice": "ways of working with people",
    "outcome": "what a good life consists of",
}
LEXICON_KEYS = {"lexicon", "version", "description", "terms"}
TERM_KEYS = {"term", "category", "variants", "notes", "match", "exclude"}
EXCLUDE_KEYS = {"pattern", "reason", "unless"}
MATCH_ON = ("lemma", "written")
# A reason names the kind of rule, then the rule: formula:no-person-shall, sense:trust-legal.
_REASON = re.compile(r"^(formula|sense):[a-z][a-z0-9-]*$")
NAME = "name"  # excluded_by of a hit inside a proper name or title (corpus/names.py)
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


@dataclass(frozen=True)
class ExcludePattern:
    """A context in which a term's match is set aside, and why.

    A pattern is a few items separated by spaces, each matching one token as written,
    case-insensitively: a word or a punctuation mark ("single - _": a hyphen is a token of
    its own); `a|b|c`, any of them; `*`, any one token. Exactly one item marks the match
    itself: `_`, or `[form]` when the match must also be written so ("[trusts]": the plural
    only). Tokens are those of one paragraph; whitespace is not a token.

    `unless` patterns, in the same language, are the contexts the rule leaves alone: a rule
    {pattern: "_", unless: ["the|our _", "_ who"]} sets aside every match but those, for a
    word that counts only in a few constructions.
    """

    pattern: str
    reason: str
    before: tuple[frozenset[str] | None, ...]  # items before the match, nearest first
    after: tuple[frozenset[str] | None, ...]  # items after it, nearest first
    written: str | None = None  # the form the match must have ([form]), lower-cased
    unless: tuple[ExcludePattern, ...] = ()

    def applies(self, words: Sequence[str], start: int, end: int) -> bool:
        """Whether the match words[start:end] (lower-cased tokens of its paragraph) is in
        this context and in none of its `unless` contexts."""
        if not self.fits(words, start, end):
            return False
        return not any(other.fits(words, start, end) for other in self.unless)

    def fits(self, words: Sequence[str], start: int, end: int) -> bool:
        """Whether the match is in this pattern's context (its `unless` not considered)."""
        if self.written is not None and " ".join(words[start:end]) != self.written:
            return False
        if start < len(self.before) or end + len(self.after) > len(words):
            return False
        for offset, item in enumerate(self.before):
            if item is not None and words[start - 1 - offset] not in item:
                return False
        for offset, item in enumerate(self.after):
            if item is not None and words[end + offset] not in item:
                return False
        return True


@dataclass(frozen=True)
class Term:
    """One lexicon entry: its canonical form, category, other spellings, whether it is
    matched on lemmas or on words as written, and the contexts that set its matches aside."""

    term: str
    category: str
    variants: tuple[str, ...] = ()
    notes: str = ""
    match: str = "lemma"
    exclude: tuple[ExcludePattern, ...] = ()

    def excluded_by(self, words: Sequence[str], start: int, end: int) -> str:
        """The reason of the first exclude pattern the match words[start:end] is in, or ''."""
        for rule in self.exclude:
            if rule.applies(words, start, end):
                return rule.reason
        return ""


@dataclass(frozen=True)
class Lexicon:
    """A named, versioned list of terms loaded from one YAML file."""

    name: str
    version: str
    description: str
    terms: tuple[Term, ...]
    path: str


@dataclass(frozen=True)
class Hit:
    """One lexicon match in a document: token position of its first token, its length, and
    the rule that sets it aside from the measures ('' when it is counted)."""

    lexicon: str
    term: str
    category: str
    position: int
    length: int
    matched: str
    excluded_by: str = ""


def default_lexicon_paths() -> list[Path]:
    """The market and relational lexicons shipped with marketspeak."""
    folder = resources.files("marketspeak.corpus") / "lexicons"
    return [Path(str(folder / "market.yaml")), Path(str(folder / "relational.yaml"))]


def load_lexicon(path: Path | str) -> Lexicon:
    """Read and validate one lexicon file; raise ConfigError naming file, line and field."""
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(path, line_of(data), "a lexicon file must be a mapping with 'terms'")
    for key in data:
        if key not in LEXICON_KEYS:
            raise ConfigError(path, line_of(data, key), f"unknown key {key!r}")
    for key in ("lexicon", "version", "terms"):
        if key not in data:
            raise ConfigError(path, line_of(data), f"missing key {key!r}")
    name, version = data["lexicon"], str(data["version"])
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(path, line_of(data, "lexicon"), "lexicon: use lower-case letters")
    if not _VERSION.match(version):
        raise ConfigError(path, line_of(data, "version"), "version: write it as 1.2.3")
    items = data["terms"]
    if not isinstance(items, list) or not items:
        raise ConfigError(path, line_of(data, "terms"), "terms: must be a non-empty list")
    terms: list[Term] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        terms.append(_parse_term(path, items, index, item, seen))
    return Lexicon(name, version, str(data.get("description", "")), tuple(terms), str(path))


def _parse_term(path: Path | str, items: list, index: int, item: object, seen: set[str]) -> Term:
    line = line_of(items, index)
    if isinstance(item, str):
        item = {"term": item}
    if not isinstance(item, dict):
        raise ConfigError(path, line, "each term must be a mapping with 'term' and 'category'")
    for key in item:
        if key not in TERM_KEYS:
            raise ConfigError(path, line_of(item, key) or line, f"unknown key {key!r} in term")
    term = item.get("term")
    if not isinstance(term, str) or not term.strip():
        raise ConfigError(path, line, "term: must be a non-empty string")
    term = " ".join(term.lower().split())
    category = item.get("category")
    if category not in CATEGORIES:
        allowed = ", ".join(sorted(CATEGORIES))
        raise ConfigError(
            path,
            line_of(item, "category") or line,
            f"category: {category!r} for {term!r} is not one of {allowed}",
        )
    forms = _parse_forms(path, item, line, term, seen)
    match = item.get("match", "lemma")
    if match not in MATCH_ON:
        allowed = ", ".join(MATCH_ON)
        message = f"match: {match!r} for {term!r} is not one of {allowed}"
        raise ConfigError(path, line_of(item, "match") or line, message)
    exclude = _parse_excludes(path, item, line, term)
    return Term(term, category, tuple(forms[1:]), str(item.get("notes") or ""), match, exclude)


def _parse_forms(
    path: Path | str, item: dict, line: int | None, term: str, seen: set[str]
) -> list[str]:
    """The term and its variants, normalised; each form may be listed once in a file."""
    variants = item.get("variants") or []
    if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
        raise ConfigError(path, line_of(item, "variants") or line, "variants: list of strings")
    forms = [term, *(" ".join(v.lower().split()) for v in variants)]
    for form in forms:
        if form in seen:
            raise ConfigError(path, line, f"term {form!r} is listed twice")
        seen.add(form)
    return forms


def _parse_excludes(path: Path | str, item: dict, line: int | None, term: str) -> tuple:
    rules = item.get("exclude") or []
    if not isinstance(rules, list):
        message = f"exclude: for {term!r} must be a list of {{pattern, reason}}"
        raise ConfigError(path, line_of(item, "exclude") or line, message)
    return tuple(
        _parse_exclude(path, rule, line_of(rules, index) or line, term)
        for index, rule in enumerate(rules)
    )


def _parse_exclude(path: Path | str, rule: object, line: int | None, term: str) -> ExcludePattern:
    if not isinstance(rule, dict):
        raise ConfigError(path, line, f"exclude: each rule for {term!r} is {{pattern, reason}}")
    for key in rule:
        if key not in EXCLUDE_KEYS:
            raise ConfigError(path, line_of(rule, key) or line, f"unknown key {key!r} in exclude")
    pattern, reason = rule.get("pattern"), rule.get("reason")
    if not isinstance(reason, str) or not _REASON.match(reason):
        raise ConfigError(
            path,
            line_of(rule, "reason") or line,
            f"reason: {reason!r} for {term!r} is not formula:NAME or sense:NAME "
            "(lower-case letters, digits and hyphens)",
        )
    if not isinstance(pattern, str):
        raise ConfigError(
            path, line_of(rule, "pattern") or line, f"pattern: for {term!r} must be a string"
        )
    unless = rule.get("unless") or []
    where = line_of(rule, "unless") or line
    if not isinstance(unless, list) or not all(isinstance(u, str) for u in unless):
        raise ConfigError(path, where, f"unless: for {term!r} must be a list of patterns")
    exceptions = []
    for other in unless:
        try:
            exceptions.append(compile_pattern(other, reason, exception=True))
        except ValueError as exc:
            raise ConfigError(path, where, f"unless: {other!r} for {term!r}: {exc}") from None
    try:
        return compile_pattern(pattern, reason, tuple(exceptions))
    except ValueError as exc:
        raise ConfigError(
            path, line_of(rule, "pattern") or line, f"pattern: {pattern!r} for {term!r}: {exc}"
        ) from None


def _is_place(item: str) -> bool:
    return item == "_" or (len(item) > 2 and item.startswith("[") and item.endswith("]"))


def compile_pattern(
    pattern: str,
    reason: str,
    unless: tuple[ExcludePattern, ...] = (),
    exception: bool = False,
) -> ExcludePattern:
    """An ExcludePattern from its text (with the `unless` patterns it leaves alone, or as
    one of them when `exception`); ValueError says what is wrong with it."""
    items = pattern.lower().split()
    places = [i for i, item in enumerate(items) if _is_place(item)]
    if len(places) != 1:
        raise ValueError("mark the match once, with _ or [form]")
    if len(items) == 1 and items[0] == "_" and not unless:
        what = "leave no match alone" if exception else "set every match aside"
        raise ValueError(f"a pattern of _ alone would {what}")

    def item_set(item: str) -> frozenset[str] | None:
        if item == "*":
            return None
        words = item.split("|")
        if "" in words or any(_is_place(w) or w == "_" for w in words):
            raise ValueError(f"{item!r} is not a word, a|b or *")
        return frozenset(words)

    place = places[0]
    before = tuple(item_set(i) for i in reversed(items[:place]))
    after = tuple(item_set(i) for i in items[place + 1 :])
    written = None if items[place] == "_" else items[place][1:-1]
    return ExcludePattern(pattern, reason, before, after, written, unless)


def load_lexicons(paths: Iterable[Path | str] | None = None) -> list[Lexicon]:
    """Load several lexicons; a form listed in two lexicons is an error."""
    lexicons = [load_lexicon(p) for p in (paths or default_lexicon_paths())]
    owner: dict[str, str] = {}
    names: set[str] = set()
    for lexicon in lexicons:
        if lexicon.name in names:
            raise ConfigError(lexicon.path, None, f"lexicon {lexicon.name!r} is loaded twice")
        names.add(lexicon.name)
        for term in lexicon.terms:
            for form in (term.term, *term.variants):
                if form in owner:
                    raise ConfigError(
                        lexicon.path, None, f"{form!r} is also in lexicon {owner[form]!r}"
                    )
                owner[form] = lexicon.name
    return lexicons


def signature(lexicons: Sequence[Lexicon]) -> str:
    """A stable label of the lexicon versions and the name rule in use, e.g. 'market@1.0.0
    relational@1.0.0 names@2': documents matched under another label are matched again."""
    from marketspeak.corpus.names import (
        NAME_RULE_VERSION,  # read at each call: a test may change it
    )

    versions = [f"{lx.name}@{lx.version}" for lx in sorted(lexicons, key=lambda x: x.name)]
    return " ".join([*versions, NAME_RULE_VERSION])


class LexiconMatcher:
    """Find lexicon terms in tokenised documents, longest match first."""

    def __init__(self, nlp: Language, lexicons: Sequence[Lexicon]) -> None:
        self.lexicons = list(lexicons)
        self._matchers = {
            "lemma": PhraseMatcher(nlp.vocab, attr="LEMMA"),
            "written": PhraseMatcher(nlp.vocab, attr="LOWER"),
        }
        self._entries: dict[int, tuple[str, Term]] = {}
        self.terms: dict[tuple[str, str], Term] = {}  # (lexicon, term) -> its entry
        for lexicon in self.lexicons:
            for term in lexicon.terms:
                key = f"{lexicon.name}\t{term.term}"
                # Patterns go through the same pipeline as documents, so their lemmas agree.
                patterns = list(nlp.pipe([term.term, *term.variants]))
                self._matchers[term.match].add(key, patterns)
                self._entries[nlp.vocab.strings[key]] = (lexicon.name, term)
                self.terms[(lexicon.name, term.term)] = term

    def match(self, doc: Doc, paragraphs: Sequence[int] | None = None) -> list[Hit]:
        """Hits in `doc`, in order. Matches that cross a paragraph break are dropped.

        `paragraphs[i]` is the paragraph of token i; positions returned are token indexes.
        """
        labels: dict[tuple[int, int], int] = {}
        for matcher in self._matchers.values():
            for match_id, start, end in matcher(doc):
                if paragraphs is not None and paragraphs[start] != paragraphs[end - 1]:
                    continue
                labels[(start, end)] = match_id
        hits = []
        context = ParagraphWords(doc, paragraphs)
        for start, end in longest_first(labels):
            lexicon, term = self._entries[labels[(start, end)]]
            text = doc[start:end].text
            reason = context.excluded_by(term, start, end)
            hits.append(Hit(lexicon, term.term, term.category, start, end - start, text, reason))
        return hits


class ParagraphWords:
    """The tokens of a Doc's paragraphs as written (whitespace left out), gathered in one
    pass the first time a rule needs a match's context."""

    def __init__(self, doc: Doc, paragraphs: Sequence[int] | None) -> None:
        self._doc = doc
        self._paragraphs = paragraphs
        self._words: dict[int, list[str]] = {}
        self._lowered: dict[int, list[str]] = {}
        self._places: dict[int, tuple[int, int]] = {}  # Doc token -> (paragraph, place)

    def _build(self) -> None:
        for i, token in enumerate(self._doc):
            if token.is_space:
                continue
            key = 0 if self._paragraphs is None else self._paragraphs[i]
            words = self._words.setdefault(key, [])
            self._places[i] = (key, len(words))
            words.append(token.text)
        self._lowered = {k: [w.lower() for w in ws] for k, ws in self._words.items()}

    def span(self, start: int, end: int) -> tuple[list[str], list[str], int, int]:
        """The match doc[start:end] in its paragraph: the paragraph's words as written and
        lower-cased, and where the match starts and ends among them."""
        if not self._places:
            self._build()
        key, first = self._places[start]
        last = self._places[end - 1][1]
        return self._words[key], self._lowered[key], first, last + 1

    def excluded_by(self, term: Term, start: int, end: int) -> str:
        """Why the match doc[start:end] of `term` is set aside, or '' when it counts: the
        term's own exclude patterns first, then the name rule (inside a proper name or
        title: "Director of Community Services")."""
        words, lowered, first, stop = self.span(start, end)
        return judge(term, words, lowered, first, stop)


def judge(term: Term, words: Sequence[str], lowered: Sequence[str], start: int, end: int) -> str:
    """Why the match words[start:end] of `term` is set aside, or '' when it counts, from
    the words of its paragraph as written and lower-cased: the term's own exclude patterns
    first, then the name rule (inside a proper name or title)."""
    return term.excluded_by(lowered, start, end) or (NAME if inside_name(words, start, end) else "")


def longest_first(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The (start, end) token spans to keep where matches overlap, in order: the longest
    wins, then the earliest (spaCy's filter_spans, without making a Span for every match)."""
    kept, taken = [], set()
    for start, end in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if start not in taken and end - 1 not in taken:
            kept.append((start, end))
            taken.update(range(start, end))
    return sorted(kept)
