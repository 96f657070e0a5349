"""Generate the bundled sample site: three invented publishers, 2005-2024, with planted counts.

Everything is derived from a fixed seed, so two runs write identical files. Vocabulary
drifts from relational to market words over the years, and so do the role words that name
the people served (the naming index): about half of each lexicon's planted uses are of its
role words. The manifest (`manifest.json`) records, for every document, its URL path, date
and exactly how many times each lexicon term was planted to be counted (`planted`), and how
many hits it holds that the pipeline must keep but set aside, by the reason hit_status gives
(`set_aside`), so tests can compare what the pipeline finds with what is there.

The site holds the traps a crawler must handle: a page disallowed by robots.txt, a link to
another host, a print view that repeats an article (same text, other URL), a link with
tracking parameters, listing pages that are not documents, undated pages, a latin-1
publisher, and a PDF with no text layer. And the traps real text holds for counting:
lexicon words inside names and titles, in formulas and in other senses (text.TRAPS, a few
in each document), a standard notice with lexicon words on many pages of one publisher
(boilerplate), and one report published both as a page and as a PDF (a near-duplicate: the
PDF's hits are set aside as `duplicate`, the page's count).
"""

from __future__ import annotations

import html
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from marketspeak.pipelines.demo_site.pdf import build_pdf
from marketspeak.pipelines.demo_site.text import (
    FILLER,
    FRAMES,
    NOTICE,
    NOTICE_HITS,
    PLANTS,
    ROLE,
    TRAPS,
    Trap,
)

SEED = 20051001
# One page carries a title that would run a script if any output failed to escape it; the
# browser tests check that it shows as text and never runs.
HOSTILE_TITLE = "Consultation <script>alert('marketspeak')</script> results"
HOSTILE_PAGE = ("southvale", 2019, 1)
YEARS = range(2005, 2025)
PER_PAGE = 10
OFFSITE = "__OFFSITE__"  # the server replaces this with a URL on another host

# name, kind, display name, HTML documents per year, how the date is written, charset
PUBLISHERS = [
    ("northshire", "council", "Northshire County Council", 4, "meta", "utf-8"),
    ("southvale", "council", "Southvale Borough Council", 3, "time", "iso-8859-1"),
    ("care-regulator", "regulator", "Care Quality Standards Board", 4, "json-ld", "utf-8"),
]
PDF_YEARS = (2006, 2010, 2014, 2018, 2022)  # southvale publishes a report PDF these years
UNDATED_GUIDES = 2  # care-regulator guidance pages with no date anywhere
# Of a lexicon's planted uses, the share that are of its role words.
ROLE_SHARE = 0.5
# Trap sentences per document (text.TRAPS): at least 0, at most 2.
TRAPS_PER_DOCUMENT = (0, 2)
# The standard notice (text.NOTICE) ends every page of this publisher from this year on.
NOTICE_SOURCE, NOTICE_FROM = "northshire", 2015
# This southvale page is also published as the annual review PDF of its year, a week later:
# the two are near-duplicates, and the PDF's hits are set aside as `duplicate`.
DUPLICATED_PAGE = ("southvale", 2018, 3)
DUPLICATE = "duplicate"
BOILERPLATE = "boilerplate"


@dataclass
class Document:
    """A generated document and what was planted in it."""

    source: str
    path: str
    title: str
    published: date | None
    date_source: str | None
    content_type: str
    paragraphs: list[str]
    planted: Counter = field(default_factory=Counter)  # "lexicon\tterm" -> count
    # excluded_by -> "lexicon\tterm" -> hits the pipeline must keep but set aside
    set_aside: dict[str, Counter] = field(default_factory=dict)
    traps: Counter = field(default_factory=Counter)  # trap name -> sentences planted
    duplicate_of: str | None = None  # path of the document this one repeats

    def set_aside_hit(self, reason: str, lexicon: str, term: str, n: int = 1) -> None:
        self.set_aside.setdefault(reason, Counter())[f"{lexicon}\t{term}"] += n

    def manifest(self) -> dict:
        return {
            "source": self.source,
            "path": self.path,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "year": self.published.year if self.published else None,
            "date_source": self.date_source,
            "content_type": self.content_type,
            "planted": dict(sorted(self.planted.items())),
            "set_aside": {
                reason: dict(sorted(hits.items()))
                for reason, hits in sorted(self.set_aside.items())
            },
            "traps": dict(sorted(self.traps.items())),
            "duplicate_of": self.duplicate_of,
        }


def drift(year: int) -> float:
    """0.0 in 2005 rising to 1.0 in 2024: how far vocabulary has moved to market words."""
    return (year - YEARS.start) / (YEARS.stop - 1 - YEARS.start)


def plant_counts(rng: random.Random, year: int | None) -> tuple[int, int]:
    """How many market and relational terms a document of `year` gets."""
    t = drift(year) if year else 0.5
    return round(1 + 8 * t) + rng.randint(0, 2), round(9 - 7 * t) + rng.randint(0, 2)


def plant_term(rng: random.Random, lexicon: str) -> str:
    """A lexicon term to plant: one of its role words ROLE_SHARE of the time, else another."""
    role = rng.random() < ROLE_SHARE
    return rng.choice(sorted(t for t in PLANTS[lexicon] if (t in ROLE[lexicon]) == role))


def compose(rng: random.Random, n_market: int, n_relational: int) -> Document:
    """Paragraphs of filler with planted term sentences and a few trap sentences, as a
    Document with its planted counts and set-aside hits (the caller fills in the rest)."""
    doc = Document("", "", "", None, None, "", [])
    sentences = []
    for lexicon, n in (("market", n_market), ("relational", n_relational)):
        for _ in range(n):
            term = plant_term(rng, lexicon)
            form = rng.choice(PLANTS[lexicon][term])
            frame = rng.choice(FRAMES)
            sentences.append(frame.replace("{x}", form).replace("{X}", form[0].upper() + form[1:]))
            doc.planted[f"{lexicon}\t{term}"] += 1
    for trap in rng.choices(TRAPS, k=rng.randint(*TRAPS_PER_DOCUMENT)):
        sentences.append(trap.sentence)
        doc.traps[trap.name] += 1
        for lexicon, term, reason in trap.hits:
            doc.set_aside_hit(reason, lexicon, term)
    sentences += rng.sample(FILLER, k=rng.randint(8, 14))
    rng.shuffle(sentences)
    i = 0
    while i < len(sentences):
        size = rng.randint(2, 4)
        doc.paragraphs.append(" ".join(sentences[i : i + size]))
        i += size
    return doc


def placed(doc: Document, **fields) -> Document:
    """The composed `doc` with its source, path, title, date and type filled in."""
    for name, value in fields.items():
        setattr(doc, name, value)
    return doc


def rfc822(day: date) -> str:
    """A date as RSS writes it."""
    return format_datetime(datetime(day.year, day.month, day.day, 8, tzinfo=UTC))


def random_day(rng: random.Random, year: int) -> date:
    return date(year, rng.randint(1, 12), rng.randint(1, 28))


DATE_SOURCES = {"meta": "html-meta", "time": "time-element", "json-ld": "json-ld"}


def news_page(rng: random.Random, publisher: tuple, year: int, n: int) -> Document:
    """A publisher's dated HTML page `n` of `year`, with the notice where it carries one."""
    name, _kind, display, _per_year, style, _charset = publisher
    doc = compose(rng, *plant_counts(rng, year))
    published = random_day(rng, year)
    title = f"{display}: update {n} of {year}"
    if (name, year, n) == HOSTILE_PAGE:
        title = f"{display}: {HOSTILE_TITLE}"
    if name == NOTICE_SOURCE and year >= NOTICE_FROM:
        doc.paragraphs.append(NOTICE)
        for lexicon, term in NOTICE_HITS:
            doc.set_aside_hit(BOILERPLATE, lexicon, term)
    return placed(
        doc,
        source=name,
        path=f"/{name}/{section_of(name)}/{year}/update-{n}.html",
        title=title,
        published=published,
        date_source=DATE_SOURCES[style],
        content_type="html",
    )


def report_pdf(rng: random.Random, year: int, page: Document | None) -> Document:
    """southvale's annual review PDF of `year`: a copy of `page` if it repeats one."""
    if page is not None:
        doc = duplicate_pdf(page)
    else:
        doc = compose(rng, *plant_counts(rng, year))
        doc.published = random_day(rng, year)
    return placed(
        doc,
        source="southvale",
        path=f"/southvale/reports/annual-review-{year}.pdf",
        title=f"Southvale annual review {year}",
        date_source="pdf-metadata",
        content_type="pdf",
    )


def undated_guide(rng: random.Random, n: int) -> Document:
    return placed(
        compose(rng, *plant_counts(rng, None)),
        source="care-regulator",
        path=f"/care-regulator/guidance/guide-{n}.html",
        title=f"Guidance note {n}",
        published=None,
        date_source=None,
        content_type="html",
    )


def build_documents() -> list[Document]:
    """Every document of the site, in a fixed order (each drawn from the one seeded
    generator in turn, so the order is part of what the seed gives)."""
    rng = random.Random(SEED)
    docs: list[Document] = []
    duplicated: dict[int, Document] = {}  # year -> the page its annual review PDF repeats
    for publisher in PUBLISHERS:
        for year in YEARS:
            for n in range(1, publisher[3] + 1):
                docs.append(news_page(rng, publisher, year, n))
                if (publisher[0], year, n) == DUPLICATED_PAGE:
                    duplicated[year] = docs[-1]
    docs += [report_pdf(rng, year, duplicated.get(year)) for year in PDF_YEARS]
    docs += [undated_guide(rng, n) for n in range(1, UNDATED_GUIDES + 1)]
    return docs


def duplicate_pdf(page: Document) -> Document:
    """The PDF of `page`, published a week after it (within its year): the same paragraphs,
    whose hits are set aside as `duplicate` (those that a rule of their own sets aside
    keep its reason: hit_status gives the lexicon's rules and names first)."""
    assert page.published is not None
    later = min(page.published + timedelta(days=7), date(page.published.year, 12, 31))
    doc = Document("", "", "", later, None, "", list(page.paragraphs))
    doc.traps = Counter(page.traps)
    for reason, hits in page.set_aside.items():
        doc.set_aside[reason] = Counter(hits)
    doc.set_aside[DUPLICATE] = Counter(page.planted)
    doc.duplicate_of = page.path
    return doc


# --- HTML -------------------------------------------------------------------------------


def page(title: str, body: str, charset: str, head: str = "", nav: str = "") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="{charset}">'
        f"<title>{html.escape(title)}</title>{head}</head><body>"
        f"<header><nav>{nav}</nav></header><main>{body}</main>"
        f"<footer><p>Sample site written for marketspeak tests.</p>"
        f'<a href="{OFFSITE}/elsewhere/index.html">Elsewhere</a></footer></body></html>\n'
    )


def section_of(source: str) -> str:
    """The folder a publisher lists its documents in."""
    return "reports" if source == "care-regulator" else "news"


def nav_links(source: str) -> str:
    section = section_of(source)
    return (
        f'<a href="/{source}/">Home</a> <a href="/{source}/{section}/">{section.title()}</a> '
        f'<a href="/{source}/contact.html">Contact</a>'
    )


def document_html(doc: Document, style: str, charset: str) -> str:
    head, dateline = "", ""
    if doc.published and style == "meta":
        head = f'<meta property="article:published_time" content="{doc.published}T09:00:00+00:00">'
    elif doc.published and style == "json-ld":
        ld = {
            "@context": "https://schema.org",
            "@type": "Report",
            "headline": doc.title,
            "datePublished": doc.published.isoformat(),
        }
        head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    elif doc.published and style == "time":
        dateline = (
            f'<p>Published <time datetime="{doc.published}">{doc.published:%d %B %Y}</time></p>'
        )
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in doc.paragraphs)
    if charset != "utf-8":
        # A character that only decodes right when the declared charset is honoured.
        paras += "<p>All figures are in pounds sterling (\u00a3) and exclude VAT.</p>"
    body = f"<article><h1>{html.escape(doc.title)}</h1>{dateline}{paras}</article>"
    return page(doc.title, body, charset, head, nav_links(doc.source))


def listing_pages(
    source: str, display: str, charset: str, docs: list[Document], section: str
) -> dict[str, str]:
    """Paginated listing pages (newest first), keyed by path."""
    ordered = sorted(docs, key=lambda d: (d.published or date.min, d.path), reverse=True)
    chunks = [ordered[i : i + PER_PAGE] for i in range(0, len(ordered), PER_PAGE)]
    pages = {}
    for number, chunk in enumerate(chunks, start=1):
        path = f"/{source}/{section}/" if number == 1 else f"/{source}/{section}/page/{number}/"
        items = "".join(f'<li><a href="{d.path}">{html.escape(d.title)}</a></li>' for d in chunk)
        pager = ""
        if number < len(chunks):
            pager += f'<a rel="next" href="/{source}/{section}/page/{number + 1}/">Next page</a>'
        body = f"<h1>{html.escape(display)}: {section}, page {number}</h1><ul>{items}</ul>{pager}"
        pages[path] = page(
            f"{display} {section} page {number}", body, charset, nav=nav_links(source)
        )
    return pages


# Faults a crawl must record, not crash on: a PDF with no text, a broken one, a link to nothing.
SCANNED_PDF = "/southvale/reports/scanned-minutes-2009.pdf"
CORRUPT_PDF = "/southvale/reports/budget-2013.pdf"
MISSING_PDF = "/southvale/reports/plan-2011.pdf"
DISALLOWED = "/southvale/private/draft.html"


def print_view_path(doc: Document) -> str:
    return f"/northshire/news/print/{Path(doc.path).name}"


def home_links(name: str, own: list[Document], html_docs: list[Document]) -> list[str]:
    """The links on a publisher's home page: its listing, and the traps it holds."""
    section = section_of(name)
    links = [f'<li><a href="/{name}/{section}/">{section.title()}</a></li>']
    if name == "southvale":
        links.append('<li><a href="/southvale/reports/">Annual reviews (PDF)</a></li>')
        links.append(f'<li><a href="{DISALLOWED}">Draft papers</a></li>')
    if name == "care-regulator":
        for d in own:
            if d.published is None:
                links.append(f'<li><a href="{d.path}">{html.escape(d.title)}</a></li>')
    if name == "northshire":
        first = html_docs[0]
        links.append(
            f'<li><a href="{first.path}?utm_source=newsletter&amp;utm_medium=email">'
            "Latest from the newsletter</a></li>"
        )
        links.append(f'<li><a href="{print_view_path(first)}">Print view</a></li>')
    return links


def publisher_pages(publisher: tuple, docs: list[Document]) -> dict[str, bytes]:
    """One publisher's listings, home, contact and HTML documents (and northshire's print
    view of its newest page), encoded in the publisher's charset, keyed by path."""
    name, _kind, display, _n, style, charset = publisher
    own = [d for d in docs if d.source == name]
    html_docs = [d for d in own if d.content_type == "html" and d.published]
    texts = {
        path + "index.html": text
        for path, text in listing_pages(name, display, charset, html_docs, section_of(name)).items()
    }
    if name == "northshire":
        printed = document_html(html_docs[0], style, charset)
        texts[print_view_path(html_docs[0])] = printed.replace(
            "<header>", '<header class="print-view">'
        )
    links = "".join(home_links(name, own, html_docs))
    nav = nav_links(name)
    texts[f"/{name}/index.html"] = page(
        display, f"<h1>{html.escape(display)}</h1><ul>{links}</ul>", charset, nav=nav
    )
    contact = "<p>Write to us at the town hall.</p>"
    texts[f"/{name}/contact.html"] = page(f"Contact {display}", contact, charset, nav=nav)
    for d in own:
        if d.content_type == "html":
            texts[d.path] = document_html(d, style, charset)
    return {path: text.encode(charset) for path, text in texts.items()}


def report_files(docs: list[Document]) -> dict[str, bytes]:
    """southvale's report PDFs, the faulty ones beside them, and the page listing them."""
    pdfs = [d for d in docs if d.content_type == "pdf"]
    files = {d.path: build_pdf(d.title, d.published, d.paragraphs) for d in pdfs}
    files[SCANNED_PDF] = build_pdf("Scanned minutes 2009", date(2009, 5, 14), [])
    noise = bytes(random.Random(SEED).randrange(256) for _ in range(2000))
    files[CORRUPT_PDF] = b"%PDF-1.4\n" + noise
    extra = [
        (SCANNED_PDF, "Scanned minutes 2009"),
        (CORRUPT_PDF, "Budget 2013"),
        (MISSING_PDF, "Plan 2011"),
    ]
    links = "".join(
        f'<li><a href="{p}">{html.escape(t)}</a></li>'
        for p, t in [(d.path, d.title) for d in pdfs] + extra
    )
    _, _, display, _, _, charset = next(p for p in PUBLISHERS if p[0] == "southvale")
    listing = page(
        f"{display} annual reviews",
        f"<h1>Annual reviews</h1><ul>{links}</ul>",
        charset,
        nav=nav_links("southvale"),
    )
    files["/southvale/reports/index.html"] = listing.encode(charset)
    return files


def front_files() -> dict[str, bytes]:
    """robots.txt, the site's front page, and the draft robots.txt keeps crawlers out of."""
    charset = next(p for p in PUBLISHERS if p[0] == "southvale")[5]
    draft = "<article><h1>Draft</h1><p>" + " ".join(["customer"] * 50) + "</p></article>"
    front = "".join(f'<p><a href="/{n}/">{html.escape(d)}</a></p>' for n, _, d, *_ in PUBLISHERS)
    return {
        "/robots.txt": b"User-agent: *\nDisallow: /southvale/private/\n",
        DISALLOWED: page("Draft", draft, charset).encode(charset),
        "/index.html": page("Sample site", front, "utf-8").encode("utf-8"),
    }


def sitemap_files(docs: list[Document]) -> dict[str, bytes]:
    """northshire's sitemap index and the one sitemap it points to, for sitemap crawls."""
    urls = "".join(
        f"<url><loc>__BASE__{d.path}</loc><lastmod>{d.published}</lastmod></url>"
        for d in docs
        if d.source == "northshire"
    )
    sitemap_ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    return {
        "/northshire/sitemap.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {sitemap_ns}><sitemap>'
            "<loc>__BASE__/northshire/sitemap-news.xml</loc></sitemap></sitemapindex>"
        ).encode(),
        "/northshire/sitemap-news.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><urlset {sitemap_ns}>{urls}</urlset>'
        ).encode(),
    }


def feed_dates(docs: list[Document]) -> dict[str, date]:
    """The dates the regulator's RSS feed gives its documents, the undated guidance too."""
    undated = [d for d in docs if d.source == "care-regulator" and not d.published]
    return {
        d.path: d.published or date(2016, 2, 1 + undated.index(d))
        for d in docs
        if d.source == "care-regulator"
    }


def feed_file(docs: list[Document], dates: dict[str, date]) -> bytes:
    items = "".join(
        f"<item><title>{html.escape(d.title)}</title><link>__BASE__{d.path}</link>"
        f"<pubDate>{rfc822(dates[d.path])}"
        "</pubDate></item>"
        for d in docs
        if d.source == "care-regulator"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Care Quality Standards Board</title>{items}</channel></rss>"
    ).encode()


def write_site(root: Path) -> dict:
    """Write the whole site under `root` and return the manifest (also saved as JSON)."""
    root = Path(root)
    docs = build_documents()
    files: dict[str, bytes] = {}
    for publisher in PUBLISHERS:
        files.update(publisher_pages(publisher, docs))
    files.update(report_files(docs))
    files.update(front_files())
    # Lists of documents, for sitemap and feed crawls: northshire keeps a sitemap index,
    # the regulator an RSS feed that also dates its otherwise undated guidance.
    files.update(sitemap_files(docs))
    dates = feed_dates(docs)
    files["/care-regulator/feed.xml"] = feed_file(docs, dates)
    for path, data in files.items():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    manifest = site_manifest(docs, dates)
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def site_manifest(docs: list[Document], dates: dict[str, date]) -> dict:
    """What the site holds, for tests to compare with what the pipeline finds."""
    publishers = [
        {
            "name": n,
            "kind": k,
            "display": d,
            "charset": c,
            "start_path": f"/{n}/",
            "documents_regex": DOCUMENT_REGEX[n],
        }
        for n, k, d, _, _, c in PUBLISHERS
    ]
    return {
        "seed": SEED,
        "publishers": publishers,
        "documents": [d.manifest() for d in docs],
        "duplicates": {
            "print_view": print_view_path(docs[0]),
            "tracking_link": "utm_source=newsletter",
        },
        "disallowed": DISALLOWED,
        "sitemap": "/northshire/sitemap.xml",
        "feed": "/care-regulator/feed.xml",
        "feed_dates": {p: d.isoformat() for p, d in dates.items()},
        "no_text_pdfs": [SCANNED_PDF],
        "corrupt_pdfs": [CORRUPT_PDF],
        "missing": [MISSING_PDF],
        "hostile_title": HOSTILE_TITLE,
        # The traps for counting: each document's `set_aside` and `traps` say where they are.
        "traps": [trap_manifest(t) for t in TRAPS],
        "boilerplate": {
            "source": NOTICE_SOURCE,
            "from_year": NOTICE_FROM,
            "notice": NOTICE,
            "documents": sum(NOTICE in d.paragraphs for d in docs),
        },
        "near_duplicates": [
            {"representative": d.duplicate_of, "duplicate": d.path} for d in docs if d.duplicate_of
        ],
    }


def trap_manifest(trap: Trap) -> dict:
    hits = [{"lexicon": lx, "term": term, "excluded_by": why} for lx, term, why in trap.hits]
    return {"name": trap.name, "sentence": trap.sentence, "hits": hits}


# Which URLs are documents (listing and home pages are followed, not stored).
DOCUMENT_REGEX = {
    "northshire": [r"/northshire/news/(\d{4}|print)/"],
    "southvale": [r"/southvale/news/\d{4}/", r"/southvale/reports/[^/]+\.pdf$"],
    "care-regulator": [r"/care-regulator/(reports/\d{4}|guidance)/"],
}


def sources_yaml(manifest: dict, base_url: str) -> str:
    """A sources file for crawling the sample site served at `base_url`."""
    lines = ["# Sources for the bundled sample site (generated).", "sources:"]
    for pub in manifest["publishers"]:
        lines += [
            f"  - name: {pub['name']}",
            f"    kind: {pub['kind']}",
            f"    start_urls: [{base_url}{pub['start_path']}]",
            "    documents:",
            *(f"      - '{rx}'" for rx in pub["documents_regex"]),
            "    follow:",
            f"      - '^{base_url}/{pub['name']}/'",
        ]
    return "\n".join(lines) + "\n"


def planted_totals(manifest: dict) -> Counter:
    """(year, lexicon, term) -> planted count of the hits that count, over every stored
    document."""
    totals: Counter = Counter()
    for doc in manifest["documents"]:
        for key, n in doc["planted"].items():
            lexicon, term = key.split("\t")
            totals[(doc["year"], lexicon, term)] += n
    return totals


def set_aside_totals(manifest: dict) -> Counter:
    """(excluded_by, lexicon, term) -> hits the pipeline must keep but set aside, over every
    stored document."""
    totals: Counter = Counter()
    for doc in manifest["documents"]:
        for reason, hits in doc["set_aside"].items():
            for key, n in hits.items():
                lexicon, term = key.split("\t")
                totals[(reason, lexicon, term)] += n
    return totals


def hit_totals(manifest: dict) -> Counter:
    """(lexicon, term) -> every hit of the term, counted or set aside."""
    totals: Counter = Counter()
    for (_, lexicon, term), n in planted_totals(manifest).items():
        totals[(lexicon, term)] += n
    for (_, lexicon, term), n in set_aside_totals(manifest).items():
        totals[(lexicon, term)] += n
    return totals


def counted_documents(manifest: dict) -> list[dict]:
    """The documents every measure counts: all but the near-duplicates of another."""
    return [d for d in manifest["documents"] if not d["duplicate_of"]]
