"""Tokenise + lemmatise + phrase-match throughput against bare spaCy `nlp.pipe` with the
same pipeline (blank English with the lookup lemmatiser) on the same documents.
Target: at least 0.9 of the bare figure.

    python -m bench.tokenise [--docs 1000] [--quick]
"""

from __future__ import annotations

import argparse
import sys

from bench.common import report, timed, transcripts
from marketspeak.corpus.lexicons import LexiconMatcher, load_lexicons
from marketspeak.corpus.tokenise import build_nlp, tokenise_texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tokenise")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="200 documents")
    args = parser.parse_args(argv)
    records = transcripts(200 if args.quick else args.docs)
    texts = [r["text"] for r in records]
    nlp = build_nlp()
    matcher = LexiconMatcher(build_nlp(), load_lexicons())
    # One pass first, so both sides meet a vocabulary that already knows every word; then
    # each side five times, alternating, best time kept (a noisy machine slows one pass, not all).
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64))
    bare_times, our_times = [], []
    for _ in range(5):
        with timed() as bare:
            for _doc in nlp.pipe(texts, batch_size=64):
                pass
        bare_times.append(bare["seconds"])
        with timed() as ours:
            stored = sum(
                b.n_tokens for b in tokenise_texts(((r["id"], r["text"]) for r in records), matcher)
            )
        our_times.append(ours["seconds"])
    bare, ours = {"seconds": min(bare_times)}, {"seconds": min(our_times)}
    print(f"{len(texts)} documents; {tokens:,} spaCy tokens, {stored:,} stored (no whitespace)")
    report(
        "marketspeak tokenise + lemmas + lexicon match",
        tokens / ours["seconds"],
        "tokens/s",
        tokens / bare["seconds"],
        "bare nlp.pipe",
        ">= 0.9",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
