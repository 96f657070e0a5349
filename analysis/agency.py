"""Agency: when a text uses a market or relational word, is that word doing something,
having something done to it, belonging to someone, or naming something else?

Each hit's sentence is parsed with a spaCy pipeline that has a dependency parser (an
installed model package such as en_core_web_sm, or a pipeline folder); the hit's head
token (for "customer journey", "journey") gives its role:
- ``agent``: the subject of an active clause (nsubj, csubj), or the "by" object of a
  passive ("assessed by the partner");
- ``recipient``: a direct or indirect object (dobj, dative; UD obj, iobj), the subject of
  a passive (nsubjpass; UD nsubj:pass), or the object of "to" or "for" ("care for customers");
- ``modifier``: naming something else (compound, amod, nmod, and possessors: "customer
  journey", "the customer's account");
- ``other``: everything else (predicates, other prepositions, lists, fragments).
``possessed`` is separate and combines with any role: the term has a possessive
determiner or possessor ("our customers", "the council's partners").

Only sentences that hold a hit are parsed (parsing runs at thousands of words a second,
not hundreds of thousands), rebuilt from the stored tokens so positions line up exactly.
Nothing else in marketspeak needs a parser; the model is never downloaded at run time.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pandas as pd

from marketspeak.corpus.sql import load_sql

DEFAULT_MODEL = "en_core_web_sm"
ROLES = ("agent", "recipient", "modifier", "other")
AGENT = {"nsubj", "csubj"}
RECIPIENT = {"dobj", "dative", "obj", "iobj", "nsubjpass", "nsubj:pass", "csubjpass"}
MODIFIER = {"compound", "amod", "nmod", "nn", "poss", "nmod:poss"}
POSSESSOR = {"poss", "nmod:poss"}
RECIPIENT_PREPOSITIONS = {"to", "for"}


# Parameters: 1 = every term (boolean), 2 = the terms wanted otherwise. Only the hits
# measures count (english_hits): a formula or another sense is no use of the term.
HITS = """
SELECT doc_id, lexicon, term, position, n_tokens FROM english_hits
WHERE ? OR list_contains(?, term)
"""


class ParserMissing(RuntimeError):
    """No spaCy pipeline with a dependency parser could be loaded."""


def load_parser(model: str = DEFAULT_MODEL):
    """Load an installed spaCy pipeline (package name or folder) that has a parser."""
    import spacy

    try:
        nlp = spacy.load(model, exclude=["ner", "textcat", "textcat_multilabel", "entity_linker"])
    except OSError as exc:
        raise ParserMissing(
            f"no spaCy pipeline {model!r} is installed. Agency needs an English pipeline with "
            "a dependency parser: install a model package (e.g. `pip install en_core_web_sm` "
            "from your package index or a wheel file) or pass --model NAME|FOLDER. Nothing "
            "else in marketspeak needs it"
        ) from exc
    if "parser" not in nlp.pipe_names:
        raise ParserMissing(f"spaCy pipeline {model!r} has no dependency parser")
    return nlp


def role_of(span) -> tuple[str, bool]:
    """(role, possessed) of a parsed span (see the module docstring)."""
    head = span.root
    dep = head.dep_
    possessed = any(child.dep_ in POSSESSOR for child in head.children)
    if dep in MODIFIER:
        return "modifier", possessed
    if dep in AGENT:
        return "agent", possessed
    if dep in RECIPIENT:
        return "recipient", possessed
    if dep == "pobj":
        preposition = head.head
        if preposition.dep_ == "agent":
            return "agent", possessed
        if preposition.lower_ in RECIPIENT_PREPOSITIONS:
            return "recipient", possessed
    return "other", possessed


def _sentences(con: duckdb.DuckDBPyConnection, period: str, max_tokens: int) -> pd.DataFrame:
    sql = load_sql("marketspeak.analysis", "sql/agency_sentences.sql")
    return con.execute(sql, {"period": period, "max_tokens": max_tokens}).df()


def _grouped(tokens: pd.DataFrame) -> Iterator[tuple[str, object, int, list[str]]]:
    for key, group in tokens.groupby("sentence_key", sort=False):
        yield (
            key,
            group["period_start"].iloc[0],
            int(group["first_position"].iloc[0]),
            group["token"].tolist(),
        )


def hit_roles(
    con: duckdb.DuckDBPyConnection,
    nlp,
    period: str = "year",
    terms: list[str] | None = None,
    max_tokens: int = 80,
    batch_size: int = 256,
) -> pd.DataFrame:
    """One row per parsed hit: period_start, doc_id, position, lexicon, term, role, possessed."""
    from spacy.tokens import Doc

    tokens = _sentences(con, period, max_tokens)
    hits = con.execute(HITS, [terms is None, terms or []]).df()
    by_doc = {doc_id: group for doc_id, group in hits.groupby("doc_id")}
    sentences = list(_grouped(tokens))
    docs = (Doc(nlp.vocab, words=words) for _, _, _, words in sentences)
    rows = []
    for (key, period_start, first, words), doc in zip(
        sentences, nlp.pipe(docs, batch_size=batch_size), strict=True
    ):
        doc_id = key.rsplit(":", 1)[0]
        if doc_id not in by_doc:
            continue
        found = by_doc[doc_id]
        inside = found[(found["position"] >= first) & (found["position"] < first + len(words))]
        for hit in inside.itertuples(index=False):
            start = hit.position - first
            role, possessed = role_of(doc[start : start + hit.n_tokens])
            rows.append(
                (period_start, doc_id, hit.position, hit.lexicon, hit.term, role, possessed)
            )
    return pd.DataFrame(
        rows, columns=["period_start", "doc_id", "position", "lexicon", "term", "role", "possessed"]
    )


def agency_shares(roles: pd.DataFrame, by_term: bool = False) -> pd.DataFrame:
    """Per period and lexicon (and term): parsed hits and the share in each role, plus the
    share possessed. Shares of the four roles sum to 1."""
    keys = ["period_start", "lexicon"] + (["term"] if by_term else [])
    if roles.empty:
        columns = keys + ["hits"] + [f"{r}_share" for r in ROLES] + ["possessed_share"]
        return pd.DataFrame(columns=columns)
    grouped = roles.groupby(keys, dropna=False)
    counts = (
        grouped["role"]
        .value_counts()
        .unstack(fill_value=0)
        .reindex(columns=list(ROLES), fill_value=0)
    )
    hits = counts.sum(axis=1)
    frame = counts.div(hits, axis=0).add_suffix("_share")
    frame.insert(0, "hits", hits)
    frame["possessed_share"] = grouped["possessed"].mean()
    frame = frame.reset_index()
    frame.columns.name = None
    return frame.sort_values(keys, na_position="last", ignore_index=True)
