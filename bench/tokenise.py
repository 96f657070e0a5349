"""Tokenise + lemmatise + phrase-match throughput against bare spaCy `nlp.pipe` with the
same pipeline (blank English with the lookup lemmatiser) on the same documents.
Target: at least 0.9 of the bare figure.

    python -m bench.tokenise [--docs 1000] [--quick]
"""

from __future__ import annotations

import argparse
import sys

from bench.common import report, timed, transcripts
from corpus.lexicons import LexiconMatcher, load_lexicons
from corpus.tokenise import build_nlp, tokenise_texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tokenise")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="200 documents")
    args = parser.parse_args(argv)
    records = transcripts(200 if args.quick else args.docs)
    texts = [r["text"] for r in records]
    nlp = build_nlp()
    list(nlp.pipe(texts[:20]))  # warm up: lookup tables load on first use
    with timed() as bare:
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64))
    matcher = LexiconMatcher(build_nlp(), load_lexicons())
    with timed() as ours:
        stored = sum(
            len(b.tokens["doc_id"])
            for b in tokenise_texts(((r["id"], r["text"]) for r in records), matcher)  # fmt: skip
        )
    print(f"{len(texts)} documents; {tokens:,} spaCy tokens, {stored:,} stored (no whitespace)")
    report("marketspeak tokenise + lemmas + lexicon match", tokens / ours["seconds"], "tokens/s",
           tokens / bare["seconds"], "bare nlp.pipe", ">= 0.9")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
