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


def build_documents() -> list[Document]:
    """Every document of the site, in a fixed order."""
    rng = random.Random(SEED)
    docs: list[Document] = []
    duplicated: dict[int, Document] = {}  # year -> the page its annual review PDF repeats
    for name, _kind, display, per_year, style, _charset in PUBLISHERS:
        for year in YEARS:
            for n in range(1, per_year + 1):
                doc = compose(rng, *plant_counts(rng, year))
                published = random_day(rng, year)
                title = f"{display}: update {n} of {year}"
                if (name, year, n) == HOSTILE_PAGE:
                    title = f"{display}: {HOSTILE_TITLE}"
                source = {"meta": "html-meta", "time": "time-element", "json-ld": "json-ld"}
                section = section_of(name)
                path = f"/{name}/{section}/{year}/update-{n}.html"
                if name == NOTICE_SOURCE and year >= NOTICE_FROM:
                    doc.paragraphs.append(NOTICE)
                    for lexicon, term in NOTICE_HITS:
                        doc.set_aside_hit(BOILERPLATE, lexicon, term)
                docs.append(
                    placed(
                        doc,
                        source=name,
                        path=path,
                        title=title,
                        published=published,
                        date_source=source[style],
                        content_type="html",
                    )
                )
                if (name, year, n) == DUPLICATED_PAGE:
                    duplicated[year] = doc
    for year in PDF_YEARS:
        if year in duplicated:
            doc = duplicate_pdf(duplicated[year])
        else:
            doc = compose(rng, *plant_counts(rng, year))
            doc.published = random_day(rng, year)
        docs.append(
            placed(
                doc,
                source="southvale",
                path=f"/southvale/reports/annual-review-{year}.pdf",
                title=f"Southvale annual review {year}",
                date_source="pdf-metadata",
                content_type="pdf",
            )
        )
    for n in range(1, UNDATED_GUIDES + 1):
        doc = compose(rng, *plant_counts(rng, None))
        docs.append(
            placed(
                doc,
                source="care-regulator",
                path=f"/care-regulator/guidance/guide-{n}.html",
                title=f"Guidance note {n}",
                published=None,
                date_source=None,
                content_type="html",
            )
        )
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


def write_site(root: Path) -> dict:
    """Write the whole site under `root` and return the manifest (also saved as JSON)."""
    root = Path(root)
    docs = build_documents()
    files: dict[str, bytes] = {}
    styles = {name: (style, charset, display) for name, _, display, _, style, charset in PUBLISHERS}

    def put(path: str, text: str, charset: str = "utf-8") -> None:
        files[path] = text.encode(charset)

    files["/robots.txt"] = b"User-agent: *\nDisallow: /southvale/private/\n"
    for name, _kind, display, _n, style, charset in PUBLISHERS:
        own = [d for d in docs if d.source == name]
        html_docs = [d for d in own if d.content_type == "html" and d.published]
        section = section_of(name)
        for path, text in listing_pages(name, display, charset, html_docs, section).items():
            put(path + "index.html", text, charset)
        home_links = [f'<li><a href="/{name}/{section}/">{section.title()}</a></li>']
        if name == "southvale":
            home_links.append('<li><a href="/southvale/reports/">Annual reviews (PDF)</a></li>')
            home_links.append('<li><a href="/southvale/private/draft.html">Draft papers</a></li>')
        if name == "care-regulator":
            for d in own:
                if d.published is None:
                    home_links.append(f'<li><a href="{d.path}">{html.escape(d.title)}</a></li>')
        if name == "northshire":
            first = html_docs[0]
            home_links.append(
                f'<li><a href="{first.path}?utm_source=newsletter&amp;utm_medium=email">'
                "Latest from the newsletter</a></li>"
            )
            home_links.append(
                f'<li><a href="/northshire/news/print/{Path(first.path).name}">Print view</a></li>'
            )
            put(
                f"/northshire/news/print/{Path(first.path).name}",
                document_html(first, style, charset).replace(
                    "<header>", '<header class="print-view">'
                ),
            )
        home = page(
            display,
            f"<h1>{html.escape(display)}</h1><ul>{''.join(home_links)}</ul>",
            charset,
            nav=nav_links(name),
        )
        put(f"/{name}/index.html", home, charset)
        put(
            f"/{name}/contact.html",
            page(
                f"Contact {display}",
                "<p>Write to us at the town hall.</p>",
                charset,
                nav=nav_links(name),
            ),
            charset,
        )
        for d in own:
            if d.content_type == "html":
                put(d.path, document_html(d, style, charset), charset)

    pdfs = [d for d in docs if d.content_type == "pdf"]
    for d in pdfs:
        files[d.path] = build_pdf(d.title, d.published, d.paragraphs)
    scanned = "/southvale/reports/scanned-minutes-2009.pdf"
    files[scanned] = build_pdf("Scanned minutes 2009", date(2009, 5, 14), [])
    # Faults a crawl must record, not crash on: a broken PDF and a link to nothing.
    corrupt, missing = "/southvale/reports/budget-2013.pdf", "/southvale/reports/plan-2011.pdf"
    files[corrupt] = b"%PDF-1.4\n" + bytes(random.Random(SEED).randrange(256) for _ in range(2000))
    _, charset, display = styles["southvale"]
    extra = [(scanned, "Scanned minutes 2009"), (corrupt, "Budget 2013"), (missing, "Plan 2011")]
    links = "".join(
        f'<li><a href="{p}">{html.escape(t)}</a></li>'
        for p, t in [(d.path, d.title) for d in pdfs] + extra
    )
    put(
        "/southvale/reports/index.html",
        page(
            f"{display} annual reviews",
            f"<h1>Annual reviews</h1><ul>{links}</ul>",
            charset,
            nav=nav_links("southvale"),
        ),
        charset,
    )
    put(
        "/southvale/private/draft.html",
        page(
            "Draft",
            "<article><h1>Draft</h1><p>" + " ".join(["customer"] * 50) + "</p></article>",
            charset,
        ),
        charset,
    )
    put(
        "/index.html",
        page(
            "Sample site",
            "".join(f'<p><a href="/{n}/">{html.escape(d)}</a></p>' for n, _, d, *_ in PUBLISHERS),
            "utf-8",
        ),
    )

    # Lists of documents, for sitemap and feed crawls: northshire keeps a sitemap index,
    # the regulator an RSS feed that also dates its otherwise undated guidance.
    north = [d for d in docs if d.source == "northshire"]
    urls = "".join(
        f"<url><loc>__BASE__{d.path}</loc><lastmod>{d.published}</lastmod></url>" for d in north
    )
    sitemap_ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    files["/northshire/sitemap.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {sitemap_ns}><sitemap>'
        "<loc>__BASE__/northshire/sitemap-news.xml</loc></sitemap></sitemapindex>"
    ).encode()
    files["/northshire/sitemap-news.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><urlset {sitemap_ns}>{urls}</urlset>'
    ).encode()
    undated = [d for d in docs if d.source == "care-regulator" and not d.published]
    feed_dates = {
        d.path: d.published or date(2016, 2, 1 + undated.index(d))
        for d in docs
        if d.source == "care-regulator"
    }
    items = "".join(
        f"<item><title>{html.escape(d.title)}</title><link>__BASE__{d.path}</link>"
        f"<pubDate>{rfc822(feed_dates[d.path])}"
        "</pubDate></item>"
        for d in docs
        if d.source == "care-regulator"
    )
    files["/care-regulator/feed.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Care Quality Standards Board</title>{items}</channel></rss>"
    ).encode()

    for path, data in files.items():
        target = root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    manifest = {
        "seed": SEED,
        "publishers": [
            {
                "name": n,
                "kind": k,
                "display": d,
                "charset": c,
                "start_path": f"/{n}/",
                "documents_regex": DOCUMENT_REGEX[n],
            }
            for n, k, d, _, _, c in PUBLISHERS
        ],
        "documents": [d.manifest() for d in docs],
        "duplicates": {
            "print_view": f"/northshire/news/print/{Path(docs[0].path).name}",
            "tracking_link": "utm_source=newsletter",
        },
        "disallowed": "/southvale/private/draft.html",
        "sitemap": "/northshire/sitemap.xml",
        "feed": "/care-regulator/feed.xml",
        "feed_dates": {p: d.isoformat() for p, d in feed_dates.items()},
        "no_text_pdfs": [scanned],
        "corrupt_pdfs": [corrupt],
        "missing": [missing],
        "hostile_title": HOSTILE_TITLE,
        # The traps for counting: each document's `set_aside` and `traps` say where they are.
        "traps": [
            {
                "name": t.name,
                "sentence": t.sentence,
                "hits": [
                    {"lexicon": lx, "term": term, "excluded_by": why} for lx, term, why in t.hits
                ],
            }
            for t in TRAPS
        ],
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
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


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
