"""Lexicon precision and recall on real text, from hand-labelled hits (bench/labels/).

For each labelled corpus of ../shared it builds a database as marketspeak stores that
text, tokenised with the shipped lexicons:
- pm-transcripts: one document per transcript (bench/partitions.py's `load`);
- uk-gov-pdfs: one document per PDF of the manifest, its text from `extract_pdf` (the scan
  with no text layer is left out, as a crawl leaves it), as bench/labels/uk-gov-pdfs.md says;
then runs on it what a run's tokenise step runs after tokenising (pipelines/steps.py):
re-matching the documents matched under other lexicon or name rule versions, language
identification, boilerplate and near-duplicates.
It finds every labelled hit again by document id (the last part of its URL), token position
and term, and prints, per lexicon and per term, for the tuning part and the held-out part of
the labels separately:
- precision: weighted COUNT among the hits the measure counts / weighted hits it counts;
- recall: weighted COUNT among the hits it counts / weighted COUNT among all labelled hits;
- the weighted share of each label (COUNT, NAME, OTHER, ERROR).
Each labelled hit weighs (its term's hits in the corpus) / (labelled hits of that term in
the part), so each part stands for the whole corpus (see ../shared/LABELLING.md). A hit
is counted when the measures count it: `counted` of the hit_status view, which sets aside
the hits of lexicon rules and the name rule (term_hits.excluded_by) and those in other
languages, boilerplate or near-duplicate documents. On a database from before hit_status it
is term_hits.counted, and on one from before that every hit is counted.

    python -m bench.precision [--corpus pm-transcripts|uk-gov-pdfs|all] [--db-dir DIR] [--top 15]
    python -m bench.precision --corpus pm-transcripts --labels OTHER.csv
    python -m bench.precision --draw SAMPLE.csv [--corpus C] [--db-dir DIR]   # the sample labelled

`--db-dir` keeps the databases built (DIR/<corpus>.duckdb) or reuses ones built before (their
documents matched again when the lexicons or the name rule changed since); without it they
are built in a temporary directory (under two minutes for the PM transcripts, a few seconds
for the PDFs). A corpus whose files are not in ../shared is
skipped with a message saying so.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow

from bench.common import ROOT, TRANSCRIPTS, transcripts
from bench.partitions import load
from bench.pdf import PDFS, manifest
from marketspeak.corpus.annotate import record_lexicons, rematch, tokenise_pending
from marketspeak.corpus.boilerplate import find_boilerplate
from marketspeak.corpus.db import connect
from marketspeak.corpus.duplicates import find_duplicates
from marketspeak.corpus.ingest import ingest_files
from marketspeak.corpus.language import identify_pending
from marketspeak.corpus.lexicons import load_lexicons
from marketspeak.spiders.extract import content_hash, extract_pdf

LABELS_DIR = ROOT / "bench" / "labels"
FETCHED = datetime(2024, 1, 1, tzinfo=UTC)  # the fetch time stored for every bench document
COLUMNS = (
    "corpus",
    "doc_ref",
    "position",
    "term",
    "lexicon",
    "category",
    "matched",
    "label",
    "heldout",
    "note",
)
KINDS = ("COUNT", "NAME", "OTHER", "ERROR")
PARTS = ("tuning", "heldout")
SEED = 15  # the PM transcripts sample in bench/labels was drawn with this seed
PDF_SEED = 20261201  # and the UK government PDFs one with this
PER_TERM = 12  # hits drawn per term (all of them when a term has fewer)

HAS_COUNTED = """
SELECT count(*) FROM information_schema.columns
WHERE table_name = 'term_hits' AND column_name = 'counted'
"""
HAS_STATUS = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'hit_status'"
# Every hit with the transcript id it is labelled by: the last part of its document's URL
# (bench/partitions.py stores transcript pmt-16 at http://127.0.0.1/pmt-16). {hits} is the
# view hit_status, or term_hits on databases from before it; {counted} is the column
# `counted`, or `true` on databases from before that.
HITS = """
SELECT regexp_extract(d.url, '[^/]+$') AS doc_ref, h.position, h.term, h.lexicon, h.category,
       h.matched, {counted} AS counted
FROM {hits} h JOIN documents d USING (doc_id)
ORDER BY h.lexicon, h.term, doc_ref, h.position
"""


class LabelError(ValueError):
    """A labels file that cannot be scored: a bad row, or a hit not in the corpus."""


def store_transcripts(db: Path, work: Path) -> None:
    """Every PM transcript, one document each, as the benchmarks store them."""
    load(db, transcripts(), work)


def pdf_item(record: dict) -> dict | None:
    """The crawl item of one manifest PDF, its text extracted as a crawl extracts it; None
    for a PDF with no text (a crawl stores no document for it either)."""
    extracted = extract_pdf((PDFS / record["pdf_path"]).read_bytes(), record["url"], FETCHED)
    if not extracted.text:
        return None
    return {
        "item": "document",
        "source": "uk-gov-pdfs",
        "url": f"http://127.0.0.1/{record['id']}",
        "title": record["title"],
        "text": extracted.text,
        "content_sha256": content_hash(extracted.text),
        "content_type": "pdf",
        "published": record["date"],
        "date_source": "manifest",
        "fetched_at": FETCHED.isoformat(),
    }


def store_pdfs(db: Path, work: Path) -> None:
    """Every PDF of the UK government PDFs manifest that has text, one document each."""
    items = [item for item in map(pdf_item, manifest()) if item]
    path = work / "items.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    con = connect(db)
    ingest_files(
        con,
        [path],
        [{"name": "uk-gov-pdfs", "kind": "government", "start_urls": ["http://127.0.0.1/"]}],
    )
    con.close()


@dataclass(frozen=True)
class Corpus:
    """A labelled corpus: its labels, the ../shared file it needs, how it is stored and how
    its sample was drawn."""

    name: str
    needs: Path
    store: Callable[[Path, Path], None]
    draw: Callable[[list[dict]], list[dict]]

    @property
    def labels(self) -> Path:
        return LABELS_DIR / f"{self.name}.csv"


# The corpus --draw samples when --corpus names none, and the one build and read_labels
# take when given none.
CORPUS = "pm-transcripts"


def build(db: Path, corpus: Corpus | None = None) -> None:
    """Store and tokenise `corpus` (by default CORPUS) in `db`, unless it is already there,
    then do what a run's tokenise step does after tokenising (pipelines/steps.py): match
    again the documents matched under other lexicon or name rule versions, identify
    languages, set boilerplate aside and cluster near-duplicates. Each of these does only
    what is left to do, so on a database built before they cost little."""
    corpus = corpus or CORPORA[CORPUS]
    if not db.exists():
        with tempfile.TemporaryDirectory(prefix="marketspeak-bench-") as work:
            corpus.store(db, Path(work))
    lexicons = load_lexicons()
    con = connect(db)
    try:
        record_lexicons(con, lexicons)
        tokenise_pending(con, lexicons)
        rematch(con, lexicons)
        identify_pending(con)
        find_boilerplate(con)
        find_duplicates(con)
    finally:
        con.close()


def corpus_hits(db: Path) -> list[dict]:
    """Every hit of the corpus as a dict of HITS's columns, `counted` as measures count it."""
    con = duckdb.connect(str(db), read_only=True)
    counted = "h.counted" if con.execute(HAS_COUNTED).fetchone()[0] else "true"
    hits = "hit_status" if con.execute(HAS_STATUS).fetchone()[0] else "term_hits"
    cursor = con.execute(HITS.format(hits=hits, counted=counted))  # noqa: S608
    names = [c[0] for c in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    con.close()
    return rows


# The stored tokens at a labelled place ($refs: doc_ref, position, n tokens), joined with
# single spaces, to tell a hit the lexicons no longer match from a lost one.
WORDS_AT = """
SELECT r.doc_ref, r.position, string_agg(t.token, ' ' ORDER BY t.position) AS words
FROM refs r
JOIN documents d ON regexp_extract(d.url, '[^/]+$') = r.doc_ref
JOIN tokens t ON t.doc_id = d.doc_id AND t.position BETWEEN r.position AND r.position + r.n - 1
GROUP BY ALL
"""


def unmatched_places(db: Path, labels: list[dict], hits: list[dict]) -> frozenset:
    """(doc_ref, position) of labels with no hit any more whose matched words are still
    stored there, as tokens, case-insensitively."""
    found = {(h["doc_ref"], h["position"], h["term"]) for h in hits}
    lost = [r for r in labels if (r["doc_ref"], r["position"], r["term"]) not in found]
    if not lost:
        return frozenset()
    refs = {
        "doc_ref": [r["doc_ref"] for r in lost],
        "position": [r["position"] for r in lost],
        "n": [len(r["matched"].split()) + r["matched"].count("-") * 2 for r in lost],
    }
    con = duckdb.connect(str(db), read_only=True)
    con.register("refs", pyarrow.table(refs))
    stored = {(d, p): w for d, p, w in con.execute(WORDS_AT).fetchall()}
    con.close()
    squash = lambda text: "".join(text.lower().split())  # noqa: E731
    return frozenset(
        (r["doc_ref"], r["position"])
        for r in lost
        if squash(stored.get((r["doc_ref"], r["position"]), "")).startswith(squash(r["matched"]))
    )


def sample_row(hit: dict, corpus: str, heldout: bool) -> dict:
    """A hit as a row of a labels file, its label and note left empty."""
    fields = {k: hit[k] for k in COLUMNS if k in hit}
    return {**fields, "corpus": corpus, "label": "", "heldout": str(heldout).lower(), "note": ""}


def draw(hits: list[dict], per_term: int = PER_TERM, seed: int = SEED) -> list[dict]:
    """The PM transcripts sample (bench/labels/README.md): up to `per_term` hits of each term
    at random (all when fewer), a third of each term's sample (rounded down) held out."""
    chance = random.Random(seed)
    by_term: dict[str, list[dict]] = defaultdict(list)
    for hit in hits:
        by_term[hit["term"]].append(hit)
    sample = []
    for term in sorted(by_term):
        chosen = chance.sample(by_term[term], min(per_term, len(by_term[term])))
        heldout = set(chance.sample(range(len(chosen)), len(chosen) // 3))
        for index, hit in enumerate(sorted(chosen, key=lambda h: (h["doc_ref"], h["position"]))):
            sample.append(sample_row(hit, "pm-transcripts", index in heldout))
    return sample


def draw_by_lexicon(hits: list[dict], per_term: int = PER_TERM, seed: int = PDF_SEED) -> list[dict]:
    """The UK government PDFs sample (bench/labels/uk-gov-pdfs.md): term after term in
    (lexicon, term) order, up to `per_term` hits drawn, then a third of them (rounded to
    nearest) held out, by index in the order drawn; listed in (lexicon, term, doc_ref,
    position) order."""
    chance = random.Random(seed)
    by_term: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for hit in hits:  # in HITS order: lexicon, term, doc_ref, position
        by_term[hit["lexicon"], hit["term"]].append(hit)
    sample = []
    for key in sorted(by_term):
        chosen = chance.sample(by_term[key], min(per_term, len(by_term[key])))
        heldout = set(chance.sample(range(len(chosen)), round(len(chosen) / 3)))
        sample += [sample_row(hit, "uk-gov-pdfs", i in heldout) for i, hit in enumerate(chosen)]
    return sorted(sample, key=lambda r: (r["lexicon"], r["term"], r["doc_ref"], r["position"]))


CORPORA = {
    corpus.name: corpus
    for corpus in (
        Corpus("pm-transcripts", TRANSCRIPTS, store_transcripts, draw),
        Corpus("uk-gov-pdfs", PDFS / "manifest.jsonl", store_pdfs, draw_by_lexicon),
    )
}


def write_csv(path: Path, rows: Iterable[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def read_labels(path: Path, corpus: str | None = None) -> list[dict]:
    """The labelled rows of `path` for `corpus` (by default CORPUS), checked: a bad row is a
    LabelError naming the file, line and field; a file with no row for `corpus` is one too."""
    corpus = corpus or CORPUS
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise LabelError(f"{path}: missing columns {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            if row["corpus"] != corpus:
                continue
            if row["label"] not in KINDS:
                raise LabelError(f"{path}:{line}: label {row['label']!r} is not one of {KINDS}")
            if row["heldout"].lower() not in ("true", "false"):
                raise LabelError(f"{path}:{line}: heldout {row['heldout']!r} is not true/false")
            if not row["position"].isdigit():
                raise LabelError(f"{path}:{line}: position {row['position']!r} is not a number")
            rows.append(
                {
                    **row,
                    "line": line,
                    "position": int(row["position"]),
                    "heldout": row["heldout"].lower() == "true",
                }
            )
    if not rows:
        raise LabelError(f"{path}: no labelled hit of corpus {corpus!r}")
    return rows


def attach(
    path: Path, labels: list[dict], hits: list[dict], unmatched: frozenset = frozenset()
) -> list[dict]:
    """Each label with its hit's `counted`. A label whose hit is no longer matched, though
    its words are still at its place (`unmatched`: "may well be" once wellbeing is matched
    on words as written), is not counted; one whose words are not there is a LabelError
    naming its line."""
    found = {(h["doc_ref"], h["position"], h["term"]): h for h in hits}
    out = []
    for row in labels:
        hit = found.get((row["doc_ref"], row["position"], row["term"]))
        if hit is None and (row["doc_ref"], row["position"]) in unmatched:
            out.append({**row, "counted": False})
            continue
        if hit is None or hit["matched"] != row["matched"]:
            raise LabelError(
                f"{path}:{row['line']}: no hit {row['term']!r} "
                f"({row['matched']!r}) at {row['doc_ref']} position "
                f"{row['position']} in the corpus"
            )
        out.append({**row, "counted": bool(hit["counted"])})
    return out


def scores(rows: list[dict], totals: Counter) -> dict:
    """Hit-weighted precision, recall and label shares of `rows` (labels of one part, all
    of one lexicon or term); `totals` is each term's hits in the corpus."""
    labelled = Counter(r["term"] for r in rows)
    counted = count_counted = count_all = weight_all = 0.0
    shares: Counter = Counter()
    for row in rows:
        weight = totals[row["term"]] / labelled[row["term"]]
        is_count = row["label"] == "COUNT"
        weight_all += weight
        shares[row["label"]] += weight
        count_all += weight * is_count
        if row["counted"]:
            counted += weight
            count_counted += weight * is_count
    return {
        "n": len(rows),
        "hits": sum(totals[t] for t in labelled),
        "precision": count_counted / counted if counted else None,
        "recall": count_counted / count_all if count_all else None,
        "shares": {k: shares[k] / weight_all for k in KINDS},
    }


def figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def table(title: str, groups: dict[str, list[dict]], totals: Counter, part: str) -> None:
    print(f"\n{title}, {part} part")
    print("| | labelled | corpus hits | precision | recall | " + " | ".join(KINDS) + " |")
    print("|---|---|---|---|---|" + "---|" * len(KINDS))
    for name, rows in groups.items():
        score = scores(rows, totals)
        shares = " | ".join(f"{score['shares'][k]:.2f}" for k in KINDS)
        print(
            f"| {name} | {score['n']} | {score['hits']:,} | {figure(score['precision'])} | "
            f"{figure(score['recall'])} | {shares} |"
        )


def report_labels(rows: list[dict], hits: list[dict], top: int) -> None:
    totals = Counter(h["term"] for h in hits)
    role_terms = {h["term"]: h["category"] == "role" for h in hits}
    raw = Counter(r["label"] for r in rows)
    print(
        f"{len(rows)} labelled hits of {len(hits):,} in the corpus; labels (unweighted): "
        + ", ".join(f"{k} {raw[k]} ({raw[k] / len(rows):.2f})" for k in KINDS)
    )
    ranked = [t for t, _ in totals.most_common() if any(r["term"] == t for r in rows)]
    for part in PARTS:
        in_part = [r for r in rows if r["heldout"] == (part == "heldout")]
        lexicons = defaultdict(list)
        for row in in_part:
            lexicons[row["lexicon"]].append(row)
        table("Per lexicon", dict(sorted(lexicons.items())), totals, part)
        # The naming index counts role words only: their terms' category in the lexicons
        # matched now (a label's own category column is the one it was drawn under).
        roles = defaultdict(list)
        for row in in_part:
            if role_terms.get(row["term"]):
                roles[row["lexicon"]].append(row)
        table(
            "Role words (the naming index), per lexicon", dict(sorted(roles.items())), totals, part
        )
        terms = {t: [r for r in in_part if r["term"] == t] for t in ranked[:top]}
        table(
            f"Per term (the {top} with most corpus hits)",
            {t: rs for t, rs in terms.items() if rs},
            totals,
            part,
        )


def score(corpus: Corpus, db: Path, labels: Path, top: int) -> None:
    """Build (or reuse) `corpus`'s database at `db` and print its tables."""
    build(db, corpus)
    hits = corpus_hits(db)
    rows = read_labels(labels, corpus.name)
    rows = attach(labels, rows, hits, unmatched_places(db, rows, hits))
    print(f"\n## {corpus.name}\n")
    report_labels(rows, hits, top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.precision")
    parser.add_argument("--corpus", choices=[*CORPORA, "all"], default="all")
    parser.add_argument(
        "--labels",
        type=Path,
        help="labels of the one --corpus scored (default bench/labels/<corpus>.csv)",
    )
    parser.add_argument("--db-dir", type=Path, help="build the databases here (or reuse them)")
    parser.add_argument("--top", type=int, default=15, help="terms shown, by corpus hits")
    parser.add_argument(
        "--draw",
        type=Path,
        help="write the sample of one --corpus (default "
        f"{CORPUS}) here, as it was drawn for labelling",
    )
    parser.add_argument("--quick", action="store_true", help="(the same: the corpora are small)")
    args = parser.parse_args(argv)
    chosen = [CORPORA[CORPUS]] if args.draw else list(CORPORA.values())
    if args.corpus != "all":
        chosen = [CORPORA[args.corpus]]
    if args.labels and len(chosen) > 1:
        parser.error("--labels needs one --corpus")
    with tempfile.TemporaryDirectory(prefix="marketspeak-bench-") as tmp:
        where = args.db_dir or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        for corpus in chosen:
            if not corpus.needs.exists():
                print(f"skipped {corpus.name}: its text is not in ../shared ({corpus.needs})")
                continue
            db = where / f"{corpus.name}.duckdb"
            if args.draw:
                build(db, corpus)
                write_csv(args.draw, corpus.draw(corpus_hits(db)))
                print(f"sample written to {args.draw}")
                continue
            try:
                score(corpus, db, args.labels or corpus.labels, args.top)
            except (LabelError, OSError) as error:
                sys.exit(str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
