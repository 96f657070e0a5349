"""How well corpus.names.inside_name tells names from uses, on the hand-labelled hits.

For each labelled corpus (bench/labels/: the PM transcripts and the UK government PDFs) it
builds a database as the labels were made (see bench/labels/README.md and uk-gov-pdfs.md),
finds each labelled hit, hands its paragraph's tokens to `inside_name`, and prints, for the
tuning and the held-out rows separately:
- NAME recall: the share of NAME-labelled hits the rule flags;
- COUNT flagged: the share of COUNT-labelled hits it wrongly flags (each lowers recall);
- hit-weighted precision and recall of each lexicon (weights as in ../shared/LABELLING.md)
  with every hit counted (the baseline) and with name-flagged hits set aside.

    python -m bench.names [--db-dir DIR] [--show]

`--db-dir` keeps the two databases built (or reuses them); without it they are built in a
temporary directory (a minute or two). `--show` lists each labelled hit the rule gets
wrong (flagged COUNT, missed NAME) with its label note, tuning rows only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import duckdb

from bench.common import ROOT, SHARED
from bench.partitions import load
from bench.precision import (
    PARTS,
    LabelError,
    attach,
    build,
    corpus_hits,
    figure,
    read_labels,
    scores,
)
from corpus.annotate import tokenise_pending
from corpus.db import connect
from corpus.lexicons import load_lexicons
from corpus.names import inside_name

LABELS = ROOT / "bench" / "labels"
PDFS = SHARED / "corpora" / "uk-gov-pdfs"

# The tokens of one paragraph of one document, by the transcript or manifest id that ends
# its URL (both corpora are stored at http://127.0.0.1/<id>), in reading order.
PARAGRAPH = """
SELECT t.position, t.token
FROM tokens t JOIN documents d USING (doc_id)
WHERE regexp_extract(d.url, '[^/]+$') = ?
  AND t.paragraph = (SELECT t2.paragraph FROM tokens t2 WHERE t2.doc_id = d.doc_id
                     AND t2.position = ?)
ORDER BY t.position
"""
# How many tokens a hit spans, by the same key the labels use.
SPAN = """
SELECT h.n_tokens FROM term_hits h JOIN documents d USING (doc_id)
WHERE regexp_extract(d.url, '[^/]+$') = ? AND h.position = ? AND h.term = ?
"""


def pdf_records() -> list[dict]:
    """Each PDF of the shared manifest as a record for `load`: its id, date and the text
    marketspeak extracts from it (not the manifest's own extraction)."""
    from spiders.extract import extract_pdf

    manifest = PDFS / "manifest.jsonl"
    if not manifest.exists():
        sys.exit(f"benchmark needs the UK government PDFs at {manifest}")
    records = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        data = (PDFS / entry["pdf_path"]).read_bytes()
        text = extract_pdf(data, f"http://127.0.0.1/{entry['id']}").text
        if text.strip():
            records.append({"id": entry["id"], "text": text, "date": entry["date"]})
    return records


def build_pdfs(db: Path) -> None:
    """Store and tokenise every UK government PDF with a text layer in `db`, unless there."""
    if db.exists():
        return
    load(db, pdf_records(), db.parent)
    con = connect(db)
    tokenise_pending(con, load_lexicons())
    con.close()


def flag(con: duckdb.DuckDBPyConnection, row: dict) -> bool:
    """Whether `inside_name` flags a labelled hit, given its paragraph's tokens."""
    tokens = con.execute(PARAGRAPH, [row["doc_ref"], row["position"]]).fetchall()
    (n_tokens,) = con.execute(SPAN, [row["doc_ref"], row["position"], row["term"]]).fetchone()
    first = tokens[0][0]
    words = [token for _, token in tokens]
    start = row["position"] - first
    return inside_name(words, start, start + n_tokens)


def flagged_rows(db: Path, labels: Path, corpus: str) -> tuple[list[dict], Counter]:
    """The labelled rows of `corpus` with `counted` (every hit) and `named` (the rule's
    verdict), and each term's hits in the corpus."""
    import bench.precision as precision

    hits = corpus_hits(db)
    # read_labels keeps the rows of bench.precision's one corpus: point it at this one.
    kept = precision.CORPUS
    precision.CORPUS = corpus
    try:
        rows = attach(labels, read_labels(labels), hits)
    finally:
        precision.CORPUS = kept
    con = duckdb.connect(str(db), read_only=True)
    for row in rows:
        row["named"] = flag(con, row)
    con.close()
    return rows, Counter(h["term"] for h in hits)


def share(rows: list[dict], label: str, totals: Counter) -> str:
    """Flagged among the rows with `label`, as 'k/n (ratio; hit-weighted ratio)'."""
    of = [r for r in rows if r["label"] == label]
    if not of:
        return "0/0"
    k = sum(r["named"] for r in of)
    labelled = Counter(r["term"] for r in rows)
    weights = [totals[r["term"]] / labelled[r["term"]] for r in of]
    weighted = sum(w for w, r in zip(weights, of, strict=True) if r["named"]) / sum(weights)
    return f"{k}/{len(of)} ({k / len(of):.2f}; {weighted:.2f})"


def report(corpus: str, rows: list[dict], totals: Counter, show: bool) -> None:
    print(f"\n## {corpus}")
    print("Flagged as names, of the labelled hits of each label (share; hit-weighted share):")
    print("| part | NAME (recall) | COUNT (wrongly) | OTHER | ERROR |")
    print("|---|---|---|---|---|")
    for part in PARTS:
        in_part = [r for r in rows if r["heldout"] == (part == "heldout")]
        order = ("NAME", "COUNT", "OTHER", "ERROR")
        print(f"| {part} | " + " | ".join(share(in_part, k, totals) for k in order) + " |")
    print("\nHit-weighted precision and recall, before (hits counted as term_hits counts "
          "them) and after (name-flagged hits set aside too):")  # fmt: skip
    print("| part | lexicon | precision before | recall before | precision after | "
          "recall after |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for part in PARTS:
        lexicons = defaultdict(list)
        for row in rows:
            if row["heldout"] == (part == "heldout"):
                lexicons[row["lexicon"]].append(row)
        for lexicon, group in sorted(lexicons.items()):
            before = scores(group, totals)
            after = scores([{**r, "counted": r["counted"] and not r["named"]} for r in group],
                           totals)  # fmt: skip
            print(f"| {part} | {lexicon} | {figure(before['precision'])} | "
                  f"{figure(before['recall'])} | {figure(after['precision'])} | "
                  f"{figure(after['recall'])} |")  # fmt: skip
    if show:
        for row in rows:
            wrong = row["named"] != (row["label"] == "NAME")
            if wrong and not row["heldout"] and row["label"] in ("NAME", "COUNT"):
                verdict = "flagged" if row["named"] else "missed"
                print(f"  {verdict} {row['label']}: {row['doc_ref']} {row['position']} "
                      f"{row['matched']!r} ({row['note']})")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.names")
    parser.add_argument("--db-dir", type=Path, help="build the databases here (or reuse them)")
    parser.add_argument("--show", action="store_true", help="list the tuning rows it gets wrong")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="marketspeak-bench-") as tmp:
        where = args.db_dir or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        corpora = (("pm-transcripts", where / "pm.duckdb", build),
                   ("uk-gov-pdfs", where / "pdfs.duckdb", build_pdfs))  # fmt: skip
        for corpus, db, make in corpora:
            make(db)
            try:
                rows, totals = flagged_rows(db, LABELS / f"{corpus}.csv", corpus)
            except (LabelError, OSError) as error:
                sys.exit(str(error))
            report(corpus, rows, totals, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
