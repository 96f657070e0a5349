"""Bilingual (Welsh and English) council text, written for marketspeak, to test language
identification: every sentence is built from the parallel phrases below, so each Welsh
paragraph has an English counterpart, as on a Welsh council's bilingual pages.

The English phrases hold no lexicon term, so that every hit of a bilingual test document
is one the test put there.

`bilingual` lays a document out as Welsh councils do: paragraph by paragraph (each Welsh
paragraph followed by its English one, headings included) or in two halves (all the Welsh,
then all the English). It returns the paragraphs with the language each is written in.
"""

from __future__ import annotations

import random

# (Welsh, English) phrase pairs; a sentence takes one of each slot.
SUBJECTS = [
    ("Mae'r cyngor", "The council has"),
    ("Mae'r pwyllgor", "The committee has"),
    ("Mae'r cabinet", "The cabinet has"),
    ("Mae swyddogion", "Officers have"),
    ("Mae'r bwrdd", "The board has"),
    ("Mae'r aelodau", "The members have"),
]
VERBS = [
    ("wedi cymeradwyo", "approved"),
    ("wedi trafod", "discussed"),
    ("wedi adolygu", "reviewed"),
    ("wedi cyhoeddi", "published"),
    ("wedi ystyried", "considered"),
    ("wedi derbyn", "received"),
]
OBJECTS = [
    ("yr adroddiad blynyddol", "the annual report"),
    ("y gyllideb ddrafft", "the draft budget"),
    ("cynllun datblygu lleol newydd", "a new local development plan"),
    ("strategaeth dai ar gyfer y deng mlynedd nesaf", "a housing strategy for the next ten years"),
    ("y rhaglen gyfalaf", "the capital programme"),
    ("cofnodion y cyfarfod blaenorol", "the minutes of the previous meeting"),
    ("polisi parcio'r sir", "the county's parking policy"),
    ("adolygiad o'r gwasanaethau llyfrgell", "a review of the library services"),
    ("amserlen newydd ar gyfer casglu sbwriel", "a new timetable for waste collection"),
]
ADJUNCTS = [
    ("yn ystod y flwyddyn ariannol", "during the financial year"),
    ("ar ôl cyfnod hir o ymgynghori", "after a long period of consultation"),
    ("heb unrhyw newid", "without any change"),
    ("cyn diwedd y mis nesaf", "before the end of next month"),
    ("yn y cyfarfod ddoe", "at yesterday's meeting"),
    ("er mwyn gwella'r ddarpariaeth yn y sir", "to improve provision in the county"),
]
PLACES = [
    ("Bydd y llyfrgell", "The library will be"),
    ("Bydd y ganolfan hamdden", "The leisure centre will be"),
    ("Bydd y pwll nofio", "The swimming pool will be"),
    ("Bydd yr amgueddfa", "The museum will be"),
    ("Bydd swyddfa'r cofrestrydd", "The register office will be"),
]
WHEN = [
    ("ar gau ddydd Llun", "closed on Monday"),
    ("ar gau dros y penwythnos", "closed over the weekend"),
    ("ar gau am bythefnos", "closed for a fortnight"),
    ("ar agor yn hwyrach bob nos Iau", "open later every Thursday evening"),
]
REASONS = [
    ("oherwydd gwaith cynnal a chadw", "because of maintenance work"),
    ("tra bydd y to yn cael ei atgyweirio", "while the roof is repaired"),
    ("yn dilyn cais gan gyngor y dref", "following a request from the town council"),
]
CLOSING = [
    (
        "Gellir rhoi sylwadau ar y cynigion tan ddiwedd mis Mawrth.",
        "Comments on the proposals are welcome until the end of March.",
    ),
    (
        "Diolchodd y cadeirydd i'r swyddogion am gyflwyniad clir a thrylwyr.",
        "The chair thanked officers for a clear and thorough presentation.",
    ),
    (
        "Bydd adroddiad pellach yn dod gerbron y pwyllgor ymhen chwe mis.",
        "A further report will come before the committee in six months.",
    ),
    (
        "Mae rhagor o wybodaeth ar gael gan swyddfa'r cyngor yn y dref.",
        "More information is available from the council office in the town.",
    ),
]
HEADINGS = [
    ("Cyflwyniad", "Introduction"),
    ("Cefndir", "Background"),
    ("Argymhellion", "Recommendations"),
    ("Penderfyniad", "Decision"),
    ("Ymddiheuriadau am absenoldeb", "Apologies for absence"),
    ("Datgan buddiannau", "Declarations of interest"),
    ("Adroddiad y Prif Weithredwr", "Report of the Chief Executive"),
]
# A Welsh sentence that quotes an English phrase, as Welsh text quotes English titles and
# slogans: the quoted words are in a Welsh paragraph, so rates must not count them.
QUOTING = (
    "Mae'r ddogfen yn sôn am '{x}' dro ar ôl tro, a gofynnodd yr aelodau beth yw ei ystyr.",
    "The document speaks of '{x}' again and again, and members asked what it means.",
)


def sentence(rng: random.Random) -> tuple[str, str]:
    """One (Welsh, English) sentence pair."""
    if rng.random() < 0.3:
        parts = [rng.choice(slot) for slot in (PLACES, WHEN, REASONS)]
    else:
        parts = [rng.choice(slot) for slot in (SUBJECTS, VERBS, OBJECTS, ADJUNCTS)]
    welsh = " ".join(p[0] for p in parts) + "."
    english = " ".join(p[1] for p in parts) + "."
    if rng.random() < 0.2:
        closing = rng.choice(CLOSING)
        welsh, english = f"{welsh} {closing[0]}", f"{english} {closing[1]}"
    return welsh, english


def paragraph_pair(rng: random.Random, sentences: int, quote: str | None = None):
    """A (Welsh, English) paragraph pair of `sentences` sentences, the Welsh one quoting
    `quote` (and the English one using it) when given."""
    pairs = [sentence(rng) for _ in range(sentences)]
    if quote:
        pairs.append((QUOTING[0].format(x=quote), QUOTING[1].format(x=quote)))
    return " ".join(p[0] for p in pairs), " ".join(p[1] for p in pairs)


def bilingual(
    rng: random.Random,
    sections: int,
    layout: str = "alternate",
    sentences: tuple[int, int] = (1, 4),
    quote: str | None = None,
) -> list[tuple[str, str]]:
    """A bilingual document as (paragraph, language) pairs: `sections` sections of a
    heading and a paragraph of a few sentences, in both languages, laid out 'alternate'
    (Welsh then English, paragraph by paragraph) or 'halves' (Welsh first, then English).
    The first section's Welsh paragraph quotes `quote`, when given."""
    welsh: list[str] = []
    english: list[str] = []
    for number in range(sections):
        heading = rng.choice(HEADINGS)
        body = paragraph_pair(rng, rng.randint(*sentences), quote if number == 0 else None)
        welsh += [f"{number + 1}. {heading[0]}", body[0]]
        english += [f"{number + 1}. {heading[1]}", body[1]]
    if layout == "halves":
        return [(p, "cy") for p in welsh] + [(p, "en") for p in english]
    if layout != "alternate":
        raise ValueError(f"layout {layout!r}: use 'alternate' or 'halves'")
    pairs = zip(welsh, english, strict=True)
    return [labelled for cy, en in pairs for labelled in ((cy, "cy"), (en, "en"))]
