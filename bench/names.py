"""How well corpus.names.inside_name tells names from uses, on the hand-labelled hits.

For each labelled corpus (bench/labels/: the PM transcripts and the UK government PDFs) it
builds a database as bench/precision.py does (the labels were made on such databases),
finds each labelled hit, hands its paragraph's tokens to `inside_name`, and prints, for the
tuning and the held-out rows separately:
- NAME recall: the share of NAME-labelled hits the rule flags;
- COUNT flagged: the share of COUNT-labelled hits it wrongly flags (each lowers recall);
- hit-weighted precision and recall of each lexicon (weights as in ../shared/LABELLING.md)
  with hits counted as term_hits counts them but for the name rule (the baseline: every
  hit on a database from before `counted`), and with name-flagged hits set aside as well.

    python -m bench.names [--db-dir DIR] [--show]

`--db-dir` keeps the databases built (DIR/<corpus>.duckdb, shared with bench.precision) or
reuses them; without it they are built in a temporary directory (about two minutes).
`--show` lists each tuning row the rule gets wrong (a COUNT flagged, a NAME missed) with
its label note. A corpus whose text is not in ../shared is skipped with a message.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import duckdb

from bench.precision import (
    CORPORA,
    PARTS,
    Corpus,
    LabelError,
    attach,
    build,
    corpus_hits,
    figure,
    read_labels,
    scores,
    unmatched_places,
)
from marketspeak.corpus.names import inside_name

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
# How many tokens a hit spans and the rule that set it aside, by the same key the labels
# use. {excluded} is the column `excluded_by`, or '' on databases from before it.
SPAN = """
SELECT h.n_tokens, {excluded} FROM term_hits h JOIN documents d USING (doc_id)
WHERE regexp_extract(d.url, '[^/]+$') = ? AND h.position = ? AND h.term = ?
"""
HAS_EXCLUDED = """
SELECT count(*) FROM information_schema.columns
WHERE table_name = 'term_hits' AND column_name = 'excluded_by'
"""
# excluded_by of the hits the name rule set aside when the database was built.
NAME_RULE = "name"


def flag(con: duckdb.DuckDBPyConnection, span_sql: str, row: dict) -> None:
    """Set `named`, whether `inside_name` flags a labelled hit given its paragraph's tokens,
    and `counted`, whether the measure counts it without the name rule (a hit that rule set
    aside when the database was built counts again, whatever else hit_status would say of
    it: language, boilerplate, duplicate). A label whose words are no longer matched as a
    hit has nothing to flag."""
    span = con.execute(span_sql, [row["doc_ref"], row["position"], row["term"]]).fetchone()
    row["named"] = False
    if span is None:
        return
    n_tokens, excluded_by = span
    row["counted"] = row["counted"] or excluded_by == NAME_RULE
    tokens = con.execute(PARAGRAPH, [row["doc_ref"], row["position"]]).fetchall()
    start = row["position"] - tokens[0][0]
    row["named"] = inside_name([token for _, token in tokens], start, start + n_tokens)


def flagged_rows(corpus: Corpus, db: Path) -> tuple[list[dict], Counter]:
    """The labelled rows of `corpus` with `counted` (as term_hits says, the name rule aside)
    and `named` (the rule's verdict), and each term's hits in the corpus."""
    build(db, corpus)
    hits = corpus_hits(db)
    rows = read_labels(corpus.labels, corpus.name)
    rows = attach(corpus.labels, rows, hits, unmatched_places(db, rows, hits))
    con = duckdb.connect(str(db), read_only=True)
    has_excluded = con.execute(HAS_EXCLUDED).fetchone()[0]
    span_sql = SPAN.format(excluded="h.excluded_by" if has_excluded else "''")
    for row in rows:
        flag(con, span_sql, row)
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
    print(
        "\nHit-weighted precision and recall, before (hits counted as term_hits counts "
        "them, the name rule aside) and after (name-flagged hits set aside too):"
    )
    print("| part | lexicon | precision before | recall before | precision after | recall after |")
    print("|---|---|---|---|---|---|")
    for part in PARTS:
        lexicons = defaultdict(list)
        for row in rows:
            if row["heldout"] == (part == "heldout"):
                lexicons[row["lexicon"]].append(row)
        for lexicon, group in sorted(lexicons.items()):
            before = scores(group, totals)
            after = scores(
                [{**r, "counted": r["counted"] and not r["named"]} for r in group], totals
            )
            print(
                f"| {part} | {lexicon} | {figure(before['precision'])} | "
                f"{figure(before['recall'])} | {figure(after['precision'])} | "
                f"{figure(after['recall'])} |"
            )
    if show:
        for row in rows:
            wrong = row["named"] != (row["label"] == "NAME")
            if wrong and not row["heldout"] and row["label"] in ("NAME", "COUNT"):
                verdict = "flagged" if row["named"] else "missed"
                print(
                    f"  {verdict} {row['label']}: {row['doc_ref']} {row['position']} "
                    f"{row['matched']!r} ({row['note']})"
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.names")
    parser.add_argument("--db-dir", type=Path, help="build the databases here (or reuse them)")
    parser.add_argument("--show", action="store_true", help="list the tuning rows it gets wrong")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="marketspeak-bench-") as tmp:
        where = args.db_dir or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        for corpus in CORPORA.values():
            if not corpus.needs.exists():
                print(f"skipped {corpus.name}: its text is not in ../shared ({corpus.needs})")
                continue
            try:
                rows, totals = flagged_rows(corpus, where / f"{corpus.name}.duckdb")
            except (LabelError, OSError) as error:
                sys.exit(str(error))
            report(corpus.name, rows, totals, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
