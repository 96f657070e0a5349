"""Near-duplicate documents: the same report at two URLs or in two formats, counted once.

Exact duplicates are stored once already (content_sha256); this finds near ones: a page
and its PDF (extraction differs in hyphens, running heads, a footer), a press release
re-issued with a new date line, a report and the agenda pack that contains it.

- Each tokenised document gets a MinHash signature of its word 5-gram shingles (lower-cased
  words of its text), stored in document_signatures so that a run computes only the new
  ones. Documents with fewer than MIN_SHINGLES shingles (a stub, a redirect notice) get no
  signature: their likeness says nothing.
- Candidate pairs come from datasketch's LSH Ensemble, which indexes containment (the share
  of one document's shingles found in another) rather than symmetric Jaccard, so that a
  report inside a pack ten times its size is still a candidate. Each candidate is then
  checked on its exact shingle sets: a member is a duplicate of its cluster's
  representative when their Jaccard is at least JACCARD (near-equal) or when at least
  CONTAINED of its shingles are in the representative (contained).
- Clusters are rebuilt from the stored signatures on every run over the current documents
  (the LSH index of a few thousand signatures takes seconds; only candidates' texts are
  read). The representative is a member no other member contains, the earliest reliably
  dated, then the longest, then the first doc_id; the others' hits are set aside as
  `duplicate` (hit_status) and their words leave every denominator (english_documents).
  Per source, the cluster counts once for every source serving any member
  (source_document_counts), as an exact text two publishers carry does.

Thresholds are measured with `python -m bench.duplicates` on the PM transcripts and the UK
government PDFs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import metadata

import duckdb
import numpy as np
import pyarrow as pa
from datasketch import LeanMinHash, MinHash, MinHashLSHEnsemble

from marketspeak.corpus.db import transaction, utcnow

SHINGLE_WORDS = 5
NUM_PERM = 128
MIN_SHINGLES = 50
JACCARD = 0.8
CONTAINED = 0.9
# Candidates are sought a little below both thresholds: two near-equal texts of equal size
# at Jaccard 0.8 share 0.89 of their shingles, and LSH misses pairs near its threshold.
CANDIDATE_CONTAINMENT = 0.7
NUM_PART = 8
SEED = 1
# datasketch's hashing scheme, named so that stored signatures are read back with it.
SCHEME = "affine32"
WORD = re.compile(r"[^\W_]+")


def shingles(text: str) -> set[str]:
    """The word 5-grams of a text, over its lower-cased words."""
    words = WORD.findall(text.lower())
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def minhash(grams: Iterable[str]) -> LeanMinHash:
    """The MinHash signature of a shingle set."""
    sketch = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    sketch.update_batch([g.encode("utf-8") for g in grams])
    return LeanMinHash(sketch)


def method() -> str:
    """How signatures were made, recorded with each."""
    return (
        f"datasketch {metadata.version('datasketch')} MinHash, {NUM_PERM} permutations, "
        f"seed {SEED}, {SCHEME}, word {SHINGLE_WORDS}-grams of lower-cased words"
    )


def signature_bytes(sketch: LeanMinHash) -> bytes:
    return np.asarray(sketch.hashvalues, dtype=np.uint64).tobytes()


def from_bytes(blob: bytes) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=np.frombuffer(blob, dtype=np.uint64), scheme=SCHEME)


# Tokenised documents with no signature yet (new ones; every one on a first run).
UNSIGNED = """
SELECT doc_id, text FROM documents
WHERE n_tokens IS NOT NULL AND doc_id NOT IN (SELECT doc_id FROM document_signatures)
ORDER BY doc_id
"""
# A batch's MinHash signatures (signed registered) under the method ($method) that made them.
INSERT_SIGNATURES = """
INSERT INTO document_signatures
SELECT doc_id, n_shingles, signature, $method, $at FROM signed
"""


def sign_pending(con: duckdb.DuckDBPyConnection, batch: int = 500) -> int:
    """Store the signature of every tokenised document without one; returns how many."""
    done = 0
    while rows := con.execute(UNSIGNED + f" LIMIT {int(batch)}").fetchall():
        ids, sizes, blobs = [], [], []
        for doc_id, text in rows:
            grams = shingles(text)
            ids.append(doc_id)
            sizes.append(len(grams))
            blobs.append(signature_bytes(minhash(grams)) if len(grams) >= MIN_SHINGLES else None)
        signed = pa.table(
            {
                "doc_id": pa.array(ids, pa.string()),
                "n_shingles": pa.array(sizes, pa.int32()),
                "signature": pa.array(blobs, pa.binary()),
            }
        )
        with transaction(con, signed=signed):
            con.execute(INSERT_SIGNATURES, {"method": method(), "at": utcnow()})
        done += len(rows)
    return done


# The current documents' signatures, with what choosing a representative needs.
SIGNED_CURRENT = """
SELECT s.doc_id, s.n_shingles, s.signature, d.trend_date
FROM document_signatures s JOIN current_documents d USING (doc_id)
WHERE s.signature IS NOT NULL
ORDER BY s.doc_id
"""
# One document's text, to check a candidate pair by its real shingles.
TEXT = "SELECT text FROM documents WHERE doc_id = ?"


@dataclass(frozen=True)
class Member:
    """One document of a cluster and how like its representative it is."""

    cluster_id: str
    doc_id: str
    is_representative: bool
    relation: str
    jaccard: float
    containment: float
    reason: str


@dataclass
class DuplicateResult:
    """What a run did: signatures computed, clusters found, documents counted once."""

    signed: int = 0
    clusters: int = 0
    duplicates: int = 0


class Shingles:
    """Exact shingle sets of the candidates, read from their stored text once."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._sets: dict[str, set[str]] = {}

    def __getitem__(self, doc_id: str) -> set[str]:
        if doc_id not in self._sets:
            self._sets[doc_id] = shingles(self._con.execute(TEXT, [doc_id]).fetchone()[0])
        return self._sets[doc_id]


def likeness(a: set[str], b: set[str]) -> tuple[float, float]:
    """(Jaccard of a and b, share of a's shingles in b)."""
    common = len(a & b)
    return common / (len(a) + len(b) - common), common / len(a)


def relation(jaccard: float, containment: float) -> str | None:
    """near-equal, contained or None (not a duplicate), by the documented thresholds."""
    if jaccard >= JACCARD:
        return "near-equal"
    return "contained" if containment >= CONTAINED else None


def candidate_pairs(rows: Sequence[tuple]) -> set[tuple[str, str]]:
    """(a, b) pairs where LSH Ensemble finds much of a's text in b."""
    if len(rows) < 2:  # nothing to compare (and the index refuses to be empty)
        return set()
    sketches = {doc_id: from_bytes(blob) for doc_id, _, blob, _ in rows}
    index = MinHashLSHEnsemble(
        threshold=CANDIDATE_CONTAINMENT, num_perm=NUM_PERM, num_part=NUM_PART
    )
    index.index((doc_id, sketches[doc_id], size) for doc_id, size, _, _ in rows)
    return {
        (doc_id, other)
        for doc_id, size, _, _ in rows
        for other in index.query(sketches[doc_id], size)
        if other != doc_id
    }


def components(pairs: Iterable[tuple[str, str]]) -> list[set[str]]:
    """The connected groups of documents linked by verified pairs."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups: dict[str, set[str]] = {}
    for x in parent:
        groups.setdefault(root(x), set()).add(x)
    return list(groups.values())


def choose(
    group: set[str],
    contained: set[tuple[str, str]],
    dated: dict[str, date | None],
    sizes: dict[str, int],
) -> tuple[str, str]:
    """(representative, why): a member no other contains, the earliest reliably dated,
    then the longest, then the first doc_id."""
    inside = {a for a, b in contained if a in group and b in group}
    eligible = sorted(group - inside) or sorted(group)
    best = min(eligible, key=lambda d: (dated[d] is None, dated[d] or date.max, -sizes[d], d))
    dates = {dated[d] for d in eligible if dated[d] is not None}
    if inside and len(eligible) == 1:
        return best, "contains the others"
    if (
        dated[best] is not None
        and len(dates) > 1
        and min(dates) == dated[best]
        and sum(dated[d] == dated[best] for d in eligible) == 1
    ):
        return best, "earliest reliable date"
    if len({sizes[d] for d in eligible}) > 1:
        return best, "longest of the earliest dated" if dated[best] else "longest (undated)"
    return best, "first doc_id (same date and length)"


def clusters(con: duckdb.DuckDBPyConnection) -> list[Member]:
    """Cluster the current documents' signatures, each member verified against its
    representative on exact shingles; members that fail are clustered again apart."""
    rows = con.execute(SIGNED_CURRENT).fetchall()
    sizes = {r[0]: r[1] for r in rows}
    dated = {r[0]: r[3] for r in rows}
    texts = Shingles(con)
    verified: set[tuple[str, str]] = set()
    contained: set[tuple[str, str]] = set()
    for a, b in candidate_pairs(rows):
        found = relation(*likeness(texts[a], texts[b]))
        if found:
            verified.add((a, b))
            if found == "contained":
                contained.add((a, b))
    members: list[Member] = []
    for group in components(verified):
        members += split(group, contained, dated, sizes, texts)
    return members


def split(
    group: set[str],
    contained: set[tuple[str, str]],
    dated: dict[str, date | None],
    sizes: dict[str, int],
    texts: Shingles,
) -> list[Member]:
    """Clusters of one connected group: the representative and the members like it, then
    the same again over those that are not (a pack holding two different reports)."""
    members: list[Member] = []
    left = set(group)
    while len(left) > 1:
        best, why = choose(left, contained, dated, sizes)
        found = [Member(best, best, True, "representative", 1.0, 1.0, why)]
        for doc_id in sorted(left - {best}):
            jaccard, share = likeness(texts[doc_id], texts[best])
            kind = relation(jaccard, share)
            if kind:
                found.append(Member(best, doc_id, False, kind, jaccard, share, why))
        if len(found) == 1:  # the best is like none of the rest directly: drop it
            left.discard(best)
            continue
        members += found
        left -= {m.doc_id for m in found}
    return members


MEMBER_COLUMNS = [
    "cluster_id",
    "doc_id",
    "is_representative",
    "relation",
    "jaccard",
    "containment",
    "reason",
]
# Clusters are recomputed whole each time: the old ones go before the new are stored.
CLEAR_CLUSTERS = "DELETE FROM duplicate_clusters"
# Every member of every cluster (found registered), stamped with when it was clustered.
STORE_CLUSTERS = """
INSERT INTO duplicate_clusters SELECT *, $at AS clustered_at FROM found
"""


def store_clusters(con: duckdb.DuckDBPyConnection, members: list[Member]) -> None:
    """Replace the stored clusters with `members`, in one transaction."""
    columns = (
        list(zip(*[[getattr(m, c) for c in MEMBER_COLUMNS] for m in members], strict=True))
        if members
        else [[]] * len(MEMBER_COLUMNS)
    )
    types = [
        pa.string(),
        pa.string(),
        pa.bool_(),
        pa.string(),
        pa.float64(),
        pa.float64(),
        pa.string(),
    ]
    found = pa.table(
        [pa.array(c, t) for c, t in zip(columns, types, strict=True)], names=MEMBER_COLUMNS
    )
    with transaction(con, found=found):
        con.execute(CLEAR_CLUSTERS)
        con.execute(STORE_CLUSTERS, {"at": utcnow()})


def find_duplicates(con: duckdb.DuckDBPyConnection) -> DuplicateResult:
    """Sign the new documents, then cluster every current one again."""
    result = DuplicateResult(signed=sign_pending(con))
    members = clusters(con)
    store_clusters(con, members)
    result.clusters = sum(m.is_representative for m in members)
    result.duplicates = len(members) - result.clusters
    return result
