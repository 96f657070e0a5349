"""PDF text on the UK government PDFs in ../shared/corpora/uk-gov-pdfs: for each PDF, word
precision and recall against the manifest's pdftotext text, and the time taken, for
marketspeak's extractor (pypdfium2; running headers and footers removed) against pypdf, the
extractor it replaced (a test dependency, timed in the same run). Words are compared as
bags of lower-case \\w+ tokens; the manifest's text keeps running headers and page numbers,
so removing them lowers recall a little (the `removed` column counts those words).

    python -m bench.pdf [--quick] [--removed]

`raw p/r` is pypdfium2's text before running headers and footers are removed; `--removed`
lists, per PDF, the lines removed as running headers or footers.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import re
import sys
from collections import Counter
from datetime import UTC, datetime

from bench.common import SHARED, report, timed
from marketspeak.spiders.extract import (
    drop_running_lines,
    extract_pdf,
    normalise_text,
    pdf_pages,
    running_key,
)
from marketspeak.spiders.pdf import PdfLimits, PdfPool

PDFS = SHARED / "corpora" / "uk-gov-pdfs"
WORD = re.compile(r"\w+")
# Word pieces a line-level extractor splits real PDFs into (seen with pypdf): "su cceeded".
SPLIT_WORDS = ("su cceeded", "depar tments")


def manifest() -> list[dict]:
    path = PDFS / "manifest.jsonl"
    if not path.exists():
        sys.exit(f"benchmark needs the UK government PDFs at {PDFS}")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in WORD.findall(text))


def agreement(ours: str, reference: str) -> tuple[float, float]:
    """Word precision and recall of `ours` against `reference` (1.0 when both are empty)."""
    found, wanted = words(ours), words(reference)
    shared = sum((found & wanted).values())
    precision = shared / sum(found.values()) if found else float(not wanted)
    recall = shared / sum(wanted.values()) if wanted else float(not found)
    return precision, recall


def pypdf_text(data: bytes) -> str:
    """What marketspeak stored before: pypdf's text, lines of a page joined."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    pages = PdfReader(io.BytesIO(data)).pages
    return normalise_text("\n".join(" ".join((p.extract_text() or "").split()) for p in pages))


def page_lines(data: bytes) -> list[list[str]]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return pdf_pages(document)
    finally:
        document.close()


def running_lines(pages: list[list[str]]) -> Counter[str]:
    """Lines removed as running headers or footers (numbers as #), with how many pages lost
    them."""
    removed: Counter[str] = Counter()
    for lines, kept in zip(pages, drop_running_lines(pages), strict=True):
        removed.update((Counter(map(running_key, lines)) - Counter(map(running_key, kept))).keys())
    return removed


def measure(records: list[dict], show_removed: bool = False) -> dict[str, float]:
    """Print one row per PDF; return the total seconds per extractor."""
    totals: Counter[str] = Counter()
    print(
        f"{'pdf':42} {'pypdf p/r':>13} {'s':>5} {'raw p/r':>13} {'ours p/r':>13} {'s':>5} "
        f"{'removed':>7}"
    )
    for record in records:
        data = (PDFS / record["pdf_path"]).read_bytes()
        with timed() as before:
            old = pypdf_text(data)
        with timed() as after:
            new = extract_pdf(data, record["url"], datetime.now(UTC)).text
        totals["pypdf"] += before["seconds"]
        totals["ours"] += after["seconds"]
        old_p, old_r = agreement(old, record["text"])
        new_p, new_r = agreement(new, record["text"])
        pages = page_lines(data)
        raw_p, raw_r = agreement("\n".join(" ".join(lines) for lines in pages), record["text"])
        removed = max(0, sum(words(record["text"]).values()) - sum(words(new).values()))
        for piece in SPLIT_WORDS:
            totals[f"{piece!r} in pypdf"] += old.count(piece)
            totals[f"{piece!r} in ours"] += new.count(piece)
        print(
            f"{record['id'][8:50]:42} {old_p:6.4f}/{old_r:6.4f} {before['seconds']:5.2f} "
            f"{raw_p:6.4f}/{raw_r:6.4f} {new_p:6.4f}/{new_r:6.4f} {after['seconds']:5.2f} "
            f"{removed:7d}"
        )
        if show_removed:
            for line, n in running_lines(pages).most_common():
                print(f"    removed from {n} of {len(pages)} pages: {line[:70]!r}")
    return dict(totals)


def pooled_seconds(records: list[dict]) -> float:
    """All the PDFs through the crawl's worker pool (one worker, started here)."""
    pool = PdfPool(PdfLimits(workers=1))
    try:
        with timed() as took:
            for record in records:
                pool.extract(
                    (PDFS / record["pdf_path"]).read_bytes(), record["url"], datetime.now(UTC)
                )
    finally:
        pool.close()
    return took["seconds"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pdf")
    parser.add_argument("--quick", action="store_true", help="the first 6 PDFs")
    parser.add_argument("--removed", action="store_true", help="list the lines removed")
    args = parser.parse_args(argv)
    records = manifest()[: 6 if args.quick else None]
    totals = measure(records, args.removed)
    for name, count in sorted(totals.items()):
        if " in " in name:
            print(f"{name}: {count:.0f}")
    report(
        f"pypdfium2 extraction, {len(records)} PDFs",
        totals["ours"],
        "s",
        totals["pypdf"],
        "pypdf (before)",
        "well under pypdf",
    )
    report(
        "the same through the worker pool (one worker)",
        pooled_seconds(records),
        "s",
        totals["ours"],
        "in-process pypdfium2",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
