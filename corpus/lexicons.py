"""Lexicons: load and validate the market and relational word lists, and match them in text.

A lexicon file (see `corpus/lexicons/market.yaml`) names a lexicon, its version and its
terms. Terms are matched with spaCy's PhraseMatcher on lemmas, so every inflection of a
term counts, and multi-word terms ("unit cost", "co-production") are one hit. Where terms
overlap, the longest match wins and the shorter one is not counted again.
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

from corpus.yamlfile import ConfigError, line_of, load_yaml

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
TERM_KEYS = {"term", "category", "variants", "notes"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


@dataclass(frozen=True)
class Term:
    """One lexicon entry: its canonical form, category and other spellings."""

    term: str
    category: str
    variants: tuple[str, ...] = ()
    notes: str = ""


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
    """One lexicon match in a document: token position of its first token, and its length."""

    lexicon: str
    term: str
    category: str
    position: int
    length: int
    matched: str


def default_lexicon_paths() -> list[Path]:
    """The market and relational lexicons shipped with marketspeak."""
    folder = resources.files("corpus") / "lexicons"
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
    variants = item.get("variants") or []
    if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
        raise ConfigError(path, line_of(item, "variants") or line, "variants: list of strings")
    forms = [term, *(" ".join(v.lower().split()) for v in variants)]
    for form in forms:
        if form in seen:
            raise ConfigError(path, line, f"term {form!r} is listed twice")
        seen.add(form)
    return Term(term, category, tuple(forms[1:]), str(item.get("notes") or ""))


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
    """A stable label of the lexicon versions in use, e.g. 'market@1.0.0 relational@1.0.0'."""
    return " ".join(f"{lx.name}@{lx.version}" for lx in sorted(lexicons, key=lambda x: x.name))


class LexiconMatcher:
    """Find lexicon terms in tokenised documents, longest match first."""

    def __init__(self, nlp: Language, lexicons: Sequence[Lexicon]) -> None:
        self.lexicons = list(lexicons)
        self._matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._entries: dict[int, tuple[str, Term]] = {}
        for lexicon in self.lexicons:
            for term in lexicon.terms:
                key = f"{lexicon.name}\t{term.term}"
                # Patterns go through the same pipeline as documents, so their lemmas agree.
                patterns = list(nlp.pipe([term.term, *term.variants]))
                self._matcher.add(key, patterns)
                self._entries[nlp.vocab.strings[key]] = (lexicon.name, term)

    def match(self, doc: Doc, paragraphs: Sequence[int] | None = None) -> list[Hit]:
        """Hits in `doc`, in order. Matches that cross a paragraph break are dropped.

        `paragraphs[i]` is the paragraph of token i; positions returned are token indexes.
        """
        labels: dict[tuple[int, int], int] = {}
        for match_id, start, end in self._matcher(doc):
            if paragraphs is not None and paragraphs[start] != paragraphs[end - 1]:
                continue
            labels[(start, end)] = match_id
        hits = []
        for start, end in longest_first(labels):
            lexicon, term = self._entries[labels[(start, end)]]
            text = doc[start:end].text
            hits.append(Hit(lexicon, term.term, term.category, start, end - start, text))
        return hits


def longest_first(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The (start, end) token spans to keep where matches overlap, in order: the longest
    wins, then the earliest (spaCy's filter_spans, without making a Span for every match)."""
    kept, taken = [], set()
    for start, end in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if start not in taken and end - 1 not in taken:
            kept.append((start, end))
            taken.update(range(start, end))
    return sorted(kept)
