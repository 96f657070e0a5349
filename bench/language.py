"""Language identification: how little English it sets aside, how much Welsh it finds,
and what it costs beside tokenising.

- English kept: the PM transcripts (English speeches and press releases, OCR'd, with a
  few in French) and the UK government PDFs' pdftotext text, as stored (normalised into
  paragraphs); the share of their words identified as another language, by language.
  Target: under 0.5% of words.
- Welsh found: generated bilingual council documents (pipelines/demo_site/welsh.py), laid
  out paragraph by paragraph and in two halves; the share of Welsh words identified as
  Welsh and of English words kept as English. Target: both at least 0.99.
- Cost: identifying the PM transcripts' paragraphs against tokenising the same documents
  (marketspeak's tokenise, lemmas and lexicon match), measured in the same run.

    python -m bench.language [--docs 3000] [--quick]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter

from bench.common import SHARED, report, timed, transcripts
from corpus.language import ENGLISH, detector, split_paragraphs
from corpus.lexicons import LexiconMatcher, load_lexicons
from corpus.tokenise import build_nlp, tokenise_texts
from pipelines.demo_site.welsh import bilingual
from spiders.extract import normalise_text

PDF_MANIFEST = SHARED / "corpora" / "uk-gov-pdfs" / "manifest.jsonl"


def set_aside(texts: list[str]) -> tuple[int, Counter]:
    """Words in all, and words identified as each language other than English."""
    words, other = 0, Counter()
    for text in texts:
        paragraphs = split_paragraphs(text)
        for paragraph, language in zip(
            paragraphs, detector().paragraph_languages(paragraphs), strict=True
        ):
            n = len(paragraph.split())
            words += n
            if language != ENGLISH:
                other[language] += n
    return words, other


def english_kept(name: str, texts: list[str]) -> dict:
    words, other = set_aside(texts)
    share = sum(other.values()) / max(words, 1)
    languages = ", ".join(f"{lang} {n:,}" for lang, n in other.most_common(8)) or "none"
    print(f"{name}: {len(texts):,} documents, {words:,} words; set aside: {languages}")
    return report(f"{name}: share of words set aside", 100 * share, "%", target="< 0.5 %")


def welsh_found(documents: int = 300, seed: int = 1) -> list[dict]:
    results = []
    for layout in ("alternate", "halves"):
        rng = random.Random(seed)
        found: Counter = Counter()
        for _ in range(documents):
            document = bilingual(rng, rng.randint(1, 6), layout)
            labels = detector().paragraph_languages([p for p, _ in document])
            for (paragraph, truth), label in zip(document, labels, strict=True):
                found[(truth, label == truth)] += len(paragraph.split())
        welsh = found[("cy", True)] / (found[("cy", True)] + found[("cy", False)])
        english = found[("en", True)] / (found[("en", True)] + found[("en", False)])
        results.append(report(f"Welsh words found ({layout})", welsh, "", target=">= 0.99"))
        results.append(report(f"English words kept ({layout})", english, "", target=">= 0.99"))
    return results


def cost(texts: list[str]) -> dict:
    detector()  # the model loads once per process, as in a run
    matcher = LexiconMatcher(build_nlp(), load_lexicons())
    with timed() as tokenising:
        for _batch in tokenise_texts(((str(i), t) for i, t in enumerate(texts)), matcher):
            pass
    with timed() as identifying:
        for text in texts:
            detector().paragraph_languages(split_paragraphs(text))
    chars = sum(len(t) for t in texts)
    print(f"{len(texts):,} documents, {chars:,} characters")
    return report("identifying languages", identifying["seconds"], "s",
                  tokenising["seconds"], "tokenising the same documents")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.language")
    parser.add_argument("--docs", type=int, default=3000, help="PM transcripts to read")
    parser.add_argument("--quick", action="store_true", help="300 transcripts")
    args = parser.parse_args(argv)
    docs = 300 if args.quick else args.docs
    texts = [normalise_text(r["text"]) for r in transcripts(docs)]
    english_kept("PM transcripts", texts)
    if PDF_MANIFEST.exists():
        records = [json.loads(line) for line in PDF_MANIFEST.read_text().splitlines()]
        english_kept("UK government PDFs", [normalise_text(r["text"]) for r in records])
    welsh_found(100 if args.quick else 300)
    cost(texts[: min(len(texts), 300 if args.quick else 1000)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
