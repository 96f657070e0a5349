"""The language of each document and of its paragraphs, so that rates count English only.

Welsh councils publish English and Welsh side by side, paragraph by paragraph or one half
after the other, and other publishers add translated leaflets; the lexicons are English, so
words in other languages would only dilute every rate. Each paragraph (numbered as
`tokens.paragraph` numbers them: a line break starts a new one) is identified with
py3langid, and runs of paragraphs in another language are stored with their token positions
(`language_spans`), so that the trend views leave their words and hits out without reading
tokens; each document's English word count and dominant language go in
`document_languages`.

Choices, measured with `python -m bench.language`:
- Candidates: every language py3langid knows except Nigerian Pidgin, an English-lexified
  creole that English OCR text (misread letters, broken words) drifts into. Restricting
  to the languages of Britain instead would not protect English any better (the false
  alarms on English text are as rare either way) and would force real French or Polish
  text into the nearest listed language.
- A paragraph decides for itself when English function words make up a fifth of it
  (most English paragraphs, settled without py3langid, which walks every byte in Python),
  or when it has MIN_LETTERS letters and py3langid is CONFIDENT. Shorter or doubtful ones
  (headings, names, figures) take the language the document's reliable paragraphs agree
  on, or, when those disagree (a bilingual document), the likelier of the document's
  languages: choosing between two languages is reliable on far fewer words than naming
  one among all (a heading, a name), and the position of a heading is no guide (Welsh
  first, or English, or the two side by side).
- Text is English unless shown otherwise: a document with no reliable paragraph is
  identified as a whole, and counted as English when even that is unsure.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from marketspeak.corpus.db import transaction, utcnow
from marketspeak.corpus.sql import load_sql

ENGLISH = "en"
# English-lexified creole: English OCR text is labelled with it (see the module docstring).
NOT_CANDIDATES = frozenset({"pcm"})
# py3langid's label for text without linguistic content (figures, codes): no evidence.
NO_LANGUAGE = "zxx"
MIN_LETTERS = 40
CONFIDENT = 0.9
# Identifying a paragraph by its first characters: the language is plain long before that,
# and py3langid walks every byte in Python, so an unbroken PDF page would cost far more.
SAMPLE_CHARS = 1000

# A maximal run of whitespace holding a line break ends a paragraph: spaCy makes each such
# run one whitespace token, and the tokeniser starts a new paragraph after it.
PARAGRAPH_BREAK = re.compile(r"\s*\n\s*")
NOT_LETTERS = re.compile(r"[\W\d_]+")
LATIN_WORD = re.compile(r"[a-z']+")
# English function words that are not also common words of Welsh, French or the other
# languages met in British public text ("a", "in", "on", "we" are left out for that).
# A paragraph made up of enough of them is English without asking py3langid, which is
# how most English paragraphs are settled quickly (bench.language: no paragraph settled
# this way is one py3langid calls another language, nor any generated Welsh one).
ENGLISH_MARKERS = frozenset(
    "the and of to that which with this have has from would been their they there were "
    "are will our is was for not by it be".split()
)
MARKERS_NEEDED = 2
MARKER_SHARE = 0.2


def split_paragraphs(text: str) -> list[str]:
    """The paragraphs of a text, numbered as the tokeniser numbers tokens.paragraph."""
    return PARAGRAPH_BREAK.split(text)


def letters(text: str) -> int:
    """How many letters (in any script) the text has."""
    return len(NOT_LETTERS.sub("", text))


def looks_english(text: str) -> bool:
    """True when English function words make up enough of the paragraph's words."""
    words = LATIN_WORD.findall(text.lower())
    markers = sum(1 for word in words if word in ENGLISH_MARKERS)
    return markers >= MARKERS_NEEDED and markers >= MARKER_SHARE * len(words)


def detector_version() -> str:
    """What identified the languages, recorded with each document."""
    return (
        f"py3langid {metadata.version('py3langid')}; paragraphs of {MIN_LETTERS}+ letters "
        f"at p >= {CONFIDENT}; English markers {MARKERS_NEEDED}+ and {MARKER_SHARE:.0%}+"
    )


class Detector:
    """py3langid over the candidate languages, and over any subset of them on demand."""

    def __init__(self) -> None:
        self._all = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        self.candidates = frozenset(self._all.labels) - NOT_CANDIDATES
        self._all.set_languages(sorted(self.candidates))
        self._among: dict[frozenset[str], LanguageIdentifier] = {}

    def identify(self, text: str, among: frozenset[str] | None = None) -> tuple[str, float]:
        """(language, probability) of `text`, over every candidate or only `among`."""
        return self._identifier(among).classify(text[:SAMPLE_CHARS])

    def _identifier(self, among: frozenset[str] | None) -> LanguageIdentifier:
        if among is None:
            return self._all
        found = self._among.get(among)
        if found is None:
            # A shallow copy shares the model's arrays; set_languages only rebinds them.
            found = copy.copy(self._all)
            found.set_languages(sorted(among))
            self._among[among] = found
        return found

    def reliable(self, text: str) -> str | None:
        """The paragraph's language when English function words make it plain, or py3langid
        is sure of it; None otherwise."""
        return ENGLISH if looks_english(text) else self.sure(text)

    def sure(self, text: str) -> str | None:
        """py3langid's language for a text of MIN_LETTERS letters when it is CONFIDENT."""
        if letters(text) < MIN_LETTERS:
            return None
        language, probability = self.identify(text)
        if language == NO_LANGUAGE or probability < CONFIDENT:
            return None
        return language

    def paragraph_languages(self, paragraphs: Sequence[str]) -> list[str]:
        """One language per paragraph."""
        guesses = [self.reliable(p) for p in paragraphs]
        found = frozenset(g for g in guesses if g)
        if not found:
            return [self.whole(paragraphs)] * len(paragraphs)
        if len(found) == 1:
            return [next(iter(found))] * len(paragraphs)
        return [
            guess or self._between(paragraphs[i], found, guesses, i)
            for i, guess in enumerate(guesses)
        ]

    def whole(self, paragraphs: Sequence[str]) -> str:
        """The language of a text none of whose paragraphs says it alone: English unless
        py3langid is sure otherwise."""
        return self.sure(" ".join(paragraphs)) or ENGLISH

    def _between(
        self, text: str, found: frozenset[str], guesses: Sequence[str | None], index: int
    ) -> str:
        """An unreliable paragraph of a document in several languages: the likelier of
        those languages, chosen between them even on a few words (a heading, a name);
        with no letters at all (a figure), the last reliable paragraph's, else the next's."""
        if letters(text):
            return self.identify(text, among=found)[0]
        before = (g for g in reversed(guesses[:index]) if g)
        after = (g for g in guesses[index + 1 :] if g)
        return next(before, None) or next(after)


@lru_cache(maxsize=1)
def detector() -> Detector:
    """The shared detector (loading py3langid's model takes a moment)."""
    return Detector()


@dataclass(frozen=True)
class Span:
    """Consecutive paragraphs, first to last inclusive, in one language other than English."""

    language: str
    first: int
    last: int


def other_language_spans(languages: Sequence[str]) -> list[Span]:
    """The runs of paragraphs whose language is not English."""
    spans: list[Span] = []
    for number, language in enumerate(languages):
        if language == ENGLISH:
            continue
        if spans and spans[-1].language == language and spans[-1].last == number - 1:
            spans[-1] = Span(language, spans[-1].first, number)
        else:
            spans.append(Span(language, number, number))
    return spans


def text_spans(text: str) -> list[Span]:
    """The spans of a document's text in languages other than English."""
    return other_language_spans(detector().paragraph_languages(split_paragraphs(text)))


# Documents tokenised but not yet identified: new ones, and every document of a file from
# before schema version 6 (identified once, by the first tokenise step or upgrade).
UNIDENTIFIED = """
SELECT doc_id FROM documents
WHERE n_tokens IS NOT NULL AND doc_id NOT IN (SELECT doc_id FROM document_languages)
ORDER BY doc_id
"""
# The texts of a batch of documents (batch_ids registered).
TEXTS = "SELECT doc_id, text FROM documents JOIN batch_ids USING (doc_id) ORDER BY doc_id"

# The spans' token positions and word counts come from the stored tokens of their
# paragraphs: counted once here, so that trends never read tokens.
INSERT_SPANS = """
INSERT INTO language_spans
SELECT s.doc_id, s.language, s.first_paragraph, s.last_paragraph,
       min(t.position), max(t.position), count(*) FILTER (WHERE t.is_word)
FROM found_spans s
JOIN tokens t ON t.doc_id = s.doc_id AND t.paragraph BETWEEN s.first_paragraph AND s.last_paragraph
GROUP BY ALL
"""

Progress = Callable[[int], None]


@dataclass
class LanguageResult:
    """What identifying did: documents identified, other-language spans and their words."""

    documents: int = 0
    spans: int = 0
    words_set_aside: int = 0

    def add(self, other: LanguageResult) -> None:
        self.documents += other.documents
        self.spans += other.spans
        self.words_set_aside += other.words_set_aside


def identify_pending(
    con: duckdb.DuckDBPyConnection,
    read_docs: int = 500,
    commit_docs: int = 20000,
    progress: Progress | None = None,
) -> LanguageResult:
    """Identify the languages of every tokenised document not yet identified. Texts are
    read `read_docs` at a time; every `commit_docs` documents are stored in one
    transaction (one pass over their tokens), so a crash loses at most that much work."""
    ids = [row[0] for row in con.execute(UNIDENTIFIED).fetchall()]
    result = LanguageResult()
    for start in range(0, len(ids), commit_docs):
        group = ids[start : start + commit_docs]
        spans: list[tuple[str, str, int, int]] = []
        for offset in range(0, len(group), read_docs):
            batch = pa.table({"doc_id": group[offset : offset + read_docs]})
            con.register("batch_ids", batch)
            try:
                rows = con.execute(TEXTS).fetchall()
            finally:
                con.unregister("batch_ids")
            for doc_id, text in rows:
                spans += [(doc_id, s.language, s.first, s.last) for s in text_spans(text)]
            if progress:
                progress(len(rows))
        _store(con, pa.table({"doc_id": pa.array(group, pa.string())}), span_table(spans), result)
    return result


def span_table(spans: list[tuple]) -> pa.Table:
    """(doc_id, language, first paragraph, last paragraph) rows as an Arrow table."""
    columns = list(zip(*spans, strict=True)) if spans else [[], [], [], []]
    return pa.table(
        [
            pa.array(columns[0], pa.string()),
            pa.array(columns[1], pa.string()),
            pa.array(columns[2], pa.int32()),
            pa.array(columns[3], pa.int32()),
        ],
        names=SPAN_COLUMNS,
    )


# The documents identified again lose their earlier spans (identified registered).
CLEAR_SPANS = "DELETE FROM language_spans WHERE doc_id IN (SELECT doc_id FROM identified)"
SPAN_COLUMNS = ["doc_id", "language", "first_paragraph", "last_paragraph"]
# What was stored for the documents identified: their spans and the words in them.
STORED = """
SELECT count(*), coalesce(sum(n_words), 0) FROM language_spans JOIN identified USING (doc_id)
"""


def _store(
    con: duckdb.DuckDBPyConnection, identified: pa.Table, found: pa.Table, result: LanguageResult
) -> None:
    """Write the spans found (span_table) of the documents identified and those documents'
    languages in one transaction; add what was stored to `result`."""
    with transaction(con, found_spans=found, identified=identified):
        con.execute(CLEAR_SPANS)
        con.execute(INSERT_SPANS)
        con.execute(
            load_sql("marketspeak.corpus", "sql/document_languages.sql"),
            {"detector": detector_version(), "at": utcnow()},
        )
        spans, words = con.execute(STORED).fetchone()
    result.documents += identified.num_rows
    result.spans += spans
    result.words_set_aside += words


# Partitions (corpus/partitions.py): a worker identifies its input's documents beside
# tokenising them, so the single writer only stores what it found. The writer keeps the
# documents tokenised by the merge and not yet identified (a merge run twice adds nothing).
PARTITION_PART = "languages"
STILL_UNIDENTIFIED = """
SELECT doc_id FROM documents JOIN partition_ids USING (doc_id)
WHERE n_tokens IS NOT NULL AND doc_id NOT IN (SELECT doc_id FROM document_languages)
"""


def identify_partition(source: Path) -> Path:
    """Worker side: the other-language spans of one partition input's documents, written as
    languages-NNNNN.parquet beside it; returns the input's path. Never opens the database."""
    import pyarrow.parquet as pq

    from marketspeak.corpus.partitions import output_path

    source = Path(source)
    documents = pq.read_table(source, columns=["doc_id", "text"])
    spans = [
        (doc_id, s.language, s.first, s.last)
        for doc_id, text in zip(
            documents.column("doc_id").to_pylist(),
            documents.column("text").to_pylist(),
            strict=True,
        )
        for s in text_spans(text)
    ]
    target = output_path(source, PARTITION_PART)
    temporary = target.with_suffix(".tmp")  # renamed when whole: never merged half-written
    pq.write_table(span_table(spans), temporary)
    temporary.replace(target)
    return source


def merge_partition_languages(con: duckdb.DuckDBPyConnection, source: Path) -> LanguageResult:
    """Writer side, after the partition's tokens are merged: store what its worker found
    (nothing when it found nothing yet; identify_pending then does it here)."""
    import pyarrow.parquet as pq

    from marketspeak.corpus.partitions import output_path

    result = LanguageResult()
    path = output_path(Path(source), PARTITION_PART)
    if not path.exists():
        return result
    con.register("partition_ids", pq.read_table(source, columns=["doc_id"]))
    try:
        ids = con.execute(STILL_UNIDENTIFIED).to_arrow_table()
    finally:
        con.unregister("partition_ids")
    found = pq.read_table(path)
    found = found.filter(pc.is_in(found["doc_id"], value_set=ids["doc_id"].combine_chunks()))
    _store(con, ids, found, result)
    return result
