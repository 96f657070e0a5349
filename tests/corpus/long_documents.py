"""Long documents for the tests, written by our own generator: one that is long but
ordinary, and one that cannot be tokenised at all."""

from __future__ import annotations

import random

from marketspeak.pipelines.demo_site.text import FILLER, FRAMES, PLANTS

# More than spaCy's max_length of characters with no whitespace: no piece boundary can
# split it, so tokenising it really fails ([E088]), as it would on an inlined data blob.
UNSPLITTABLE = "Agenda pack.\n" + "x" * 1_000_001 + "\nEnd of pack."
FINE = "Customers and residents met the council."
# Back to a database as crawled: documents stored, nothing tokenised.
UNTOKENISE = [
    "DELETE FROM tokens",
    "DELETE FROM term_hits",
    "DELETE FROM crawl_issues",
    "UPDATE documents SET n_tokens = NULL, n_words = NULL, lexicon_versions = NULL",
]


def generated_document(n_chars: int, seed: int = 0) -> str:
    """A long document written from the sample site's sentences: paragraphs of a few
    sentences, and every tenth paragraph one giant one with no line break at all."""
    rng = random.Random(seed)
    phrases = list(FILLER) + [
        frame.replace("{x}", form).replace("{X}", form[0].upper() + form[1:])
        for by_term in PLANTS.values()
        for forms in by_term.values()
        for form in forms
        for frame in FRAMES[:2]
    ]
    paragraphs, size = [], 0
    while size < n_chars:
        count = 2000 if len(paragraphs) % 10 == 9 else rng.randint(1, 8)
        paragraph = " ".join(rng.choice(phrases) for _ in range(count))
        paragraphs.append(paragraph)
        size += len(paragraph) + 1
    return "\n".join(paragraphs)[:n_chars]
