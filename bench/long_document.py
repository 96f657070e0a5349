"""Tokenising one very long document (an agenda pack, an annual report) against the same
text split into the ordinary documents it was made of: time and peak memory, each side in a
fresh worker process, as a partition worker tokenises (tokens, hits and counts built as
Arrow tables). A third side tokenises the long document in one spaCy pass, with spaCy's
max_length raised: what tokenising without pieces would cost. Target: the long document
costs about what its ordinary documents cost, in time and in memory.

    python -m bench.long_document [--chars 5000000] [--repeat 3] [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, report, transcripts

SIDES = ("ordinary", "pieces", "one-pass")
WORKER = """
import json, sys
from bench.long_document import measure
print(json.dumps(measure(sys.argv[1], sys.argv[2])))
"""


def measure(side: str, texts_file: str) -> dict:
    """Tokenise the texts as one side does; return seconds, peak RSS and what was made."""
    import resource

    import psutil

    from marketspeak.corpus.annotate import batch_tables
    from marketspeak.corpus.lexicons import LexiconMatcher, load_lexicons
    from marketspeak.corpus.tokenise import PIECE_CHARS, build_nlp, tokenise_texts

    texts = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    whole = "\n".join(texts)
    items = [(f"d{i}", t) for i, t in enumerate(texts)] if side == "ordinary" else [("d", whole)]
    nlp = build_nlp()
    matcher = LexiconMatcher(nlp, load_lexicons())
    piece_chars = PIECE_CHARS
    if side == "one-pass":
        nlp.max_length = piece_chars = len(whole) + 1
    start_mb = psutil.Process().memory_info().rss / 2**20
    tokens = hits = failed = 0
    began = time.perf_counter()
    for batch in tokenise_texts(items, matcher, piece_chars=piece_chars):
        tables = batch_tables(batch)
        tokens += tables["tokens"].num_rows
        hits += tables["hits"].num_rows
        failed += tables["failures"].num_rows
    return {
        "seconds": time.perf_counter() - began,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "start_rss_mb": start_mb,
        "tokens": tokens,
        "hits": hits,
        "failed": failed,
    }


def run_side(side: str, texts_file: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", WORKER, side, str(texts_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def corpus_texts(chars: int) -> list[str]:
    """PM transcripts, in order, until they hold `chars` characters."""
    texts, size = [], 0
    for record in transcripts():
        if size >= chars:
            break
        texts.append(record["text"])
        size += len(record["text"]) + 1
    return texts


def run_sides(chars: int, repeat: int) -> tuple[list[str], dict[str, list[dict]]]:
    """The texts, and each side's runs on them (each run a fresh process)."""
    texts = corpus_texts(chars)
    with tempfile.TemporaryDirectory(prefix="marketspeak-bench-") as tmp:
        texts_file = Path(tmp) / "texts.json"
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        # Sides alternate, so a noisy spell of the machine slows one run of each, not one side.
        runs: dict[str, list[dict]] = {side: [] for side in SIDES}
        for _ in range(repeat):
            for side in SIDES:
                runs[side].append(run_side(side, texts_file))
    return texts, runs


def report_runs(texts: list[str], runs: dict[str, list[dict]]) -> None:
    best = {side: min(found, key=lambda r: r["seconds"]) for side, found in runs.items()}
    low = {side: min(r["peak_rss_mb"] for r in found) for side, found in runs.items()}
    ordinary, pieces = best["ordinary"], best["pieces"]
    length = sum(map(len, texts)) + len(texts) - 1
    print(
        f"one document of {length:,} characters, or the {len(texts):,} documents it joins; "
        f"{pieces['tokens']:,} tokens and {pieces['hits']:,} hits either way "
        f"(ordinary: {ordinary['tokens']:,} and {ordinary['hits']:,}); "
        f"{pieces['failed']} failed"
    )
    name = f"{len(texts):,} ordinary documents"
    for side, label, target in (
        ("pieces", "in pieces", "about 1"),
        ("one-pass", "one spaCy pass (max_length raised)", ""),
    ):
        seconds = best[side]["seconds"]
        report(
            f"one long document, {label}: tokenise", seconds, "s", ordinary["seconds"], name, target
        )
        report(
            f"one long document, {label}: peak RSS", low[side], "MB", low["ordinary"], name, target
        )
    print(
        f"RSS before tokenising (libraries, lexicons, the text): {ordinary['start_rss_mb']:,.0f} MB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.long_document")
    parser.add_argument("--chars", type=int, default=5_000_000, help="length of the document")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; best kept")
    parser.add_argument("--quick", action="store_true", help="1M characters, one run each")
    args = parser.parse_args(argv)
    chars, repeat = (1_000_000, 1) if args.quick else (args.chars, args.repeat)
    report_runs(*run_sides(chars, repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
