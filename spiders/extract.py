"""Turn a fetched page into text, title and publication date (with where the date came from).

HTML: main text with trafilatura; the date from, in order of trust, JSON-LD, meta tags,
a <time datetime> element of the article, any other <time> (kept, but not trusted),
htmldate's own heuristics, then a full date in the URL.
PDF: the text layer with pypdfium2, without the running headers and footers repeated on
most pages, and the date from the document metadata (trusted only when it is clearly older
than the fetch). A PDF with no text layer (a scan) is reported, never given invented text.
The fetch time is never used as a publication date: a page with no trustworthy date stays
undated. In a crawl, PDFs are extracted in worker processes (spiders/pdf.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import lxml.html

# trafilatura, htmldate and pypdfium2 are imported where they are used: together they are a
# third of the crawl process's start-up, and a recrawl that downloads no document needs none.

logging.getLogger("htmldate").setLevel(logging.WARNING)
logging.getLogger("trafilatura").setLevel(logging.WARNING)

EARLIEST = date(1900, 1, 1)

# Every value a crawl may write as date_source; corpus/schema.sql explains each one
# (table date_sources) and says which of them trends trust.
DATE_SOURCES = (
    "json-ld",
    "html-meta",
    "time-element",
    "time-element-untied",
    "htmldate",
    "url",
    "pdf-metadata",
    "pdf-metadata-recent",
    "listing",
    "feed",
    "sitemap-lastmod",
    "api",
)

# <meta> names and properties that carry a publication date, most specific first.
DATE_META = (
    "article:published_time",
    "datepublished",
    "dc.date.issued",
    "dcterms.issued",
    "citation_publication_date",
    "dc.date",
    "dcterms.created",
    "publication_date",
    "date",
)
# <time> elements tied to the publication, first match first: marked as its publication date,
# else in the page's article itself (not in a nested article such as a comment, an aside or
# a footer's "last updated").
PUBLISHED_TIME = (
    "//time[@datetime][@pubdate or @itemprop='datePublished'"
    " or contains(concat(' ', normalize-space(@class), ' '), ' published ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' dt-published ')]/@datetime",
    "//time[count(ancestor::article) = 1][not(ancestor::footer or ancestor::aside)]/@datetime",
)
URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|\b)")


@dataclass
class Extracted:
    """What a page yielded. `text` is empty when there is none; `issue` then says why."""

    title: str | None
    text: str
    published: date | None
    date_source: str | None
    issue: str | None = None
    detail: str | None = None


def normalise_text(text: str) -> str:
    """Collapse runs of spaces inside lines; drop empty lines; paragraphs joined by one \\n."""
    lines = (" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def content_hash(text: str) -> str:
    """The deduplication key of a document: SHA-256 of its normalised text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_date(value: object, today: date | None = None) -> date | None:
    """An ISO-ish date string (or datetime) as a date, if plausible (1900 to tomorrow)."""
    today = today or date.today()
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    elif isinstance(value, str):
        match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
        if not match:
            return None
        try:
            found = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    else:
        return None
    if found < EARLIEST or found.toordinal() > today.toordinal() + 1:
        return None
    return found


def _json_ld_dates(tree: lxml.html.HtmlElement) -> list[str]:
    found = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                if isinstance(node.get("datePublished"), str):
                    found.append(node["datePublished"])
                stack.extend(v for k, v in node.items() if k == "@graph")
    return found


def _meta_dates(tree: lxml.html.HtmlElement) -> list[str]:
    by_name: dict[str, str] = {}
    for meta in tree.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        by_name.setdefault(key, meta.get("content"))
    return [by_name[k] for k in DATE_META if k in by_name]


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    """The page as an lxml tree, or None when lxml cannot read it."""
    try:
        return lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None


def html_date(
    html: str, url: str, tree: lxml.html.HtmlElement | None = None
) -> tuple[date | None, str | None]:
    """Publication date of an HTML page and where it came from (pass `tree` when the page
    is already parsed)."""
    tree = tree if tree is not None else parse_html(html)
    if tree is not None:
        for source, candidates in (
            ("json-ld", _json_ld_dates(tree)),
            ("html-meta", _meta_dates(tree)),
            ("time-element", [v for path in PUBLISHED_TIME for v in tree.xpath(path)]),
            # The first <time> anywhere may be a comment's, a related story's or today's.
            ("time-element-untied", tree.xpath("//time/@datetime")),
        ):
            for candidate in candidates:
                found = parse_date(candidate)
                if found:
                    return found, source
    import htmldate

    try:
        guess = htmldate.find_date(html, extensive_search=False, original_date=True)
    except (ValueError, TypeError):
        guess = None
    if guess and (found := parse_date(guess)):
        return found, "htmldate"
    match = URL_DATE.search(url)
    if match:
        try:
            found = parse_date(date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            found = None
        if found:
            return found, "url"
    return None, None


TITLE_PATHS = ('//meta[@property="og:title"]/@content', "//title//text()", "//h1[1]//text()")


def clean_title(value: str) -> str:
    """A title as one line of text: control and direction-override characters, and the
    replacement character a decoder leaves for bytes like NUL, removed."""
    kept = "".join(
        " " if ch in "\t\n\r" else ch
        for ch in value
        if ch in "\t\n\r" or (unicodedata.category(ch) not in ("Cc", "Cf") and ch != "\ufffd")
    )
    return " ".join(kept.split())


def page_title(tree: lxml.html.HtmlElement | None) -> str | None:
    """The page's title: og:title, else <title>, else its first <h1>. (Our own few XPaths:
    trafilatura's metadata extraction gave the same and cost more than the rest of the
    page's extraction together.)"""
    if tree is None:
        return None
    for path in TITLE_PATHS:
        title = clean_title(" ".join(tree.xpath(path)))
        if title:
            return title
    return None


def extract_html(html: str, url: str) -> Extracted:
    """Main text, title and date of an HTML page (already decoded with its charset)."""
    import trafilatura

    text = (
        trafilatura.extract(
            html,
            url=url,
            include_comments=False,
            include_tables=True,
            deduplicate=False,
            favor_recall=True,
        )
        or ""
    )
    text = normalise_text(text)
    tree = parse_html(html)
    title = page_title(tree)
    published, source = html_date(html, url, tree)
    if not text:
        return Extracted(title, "", published, source, "no-main-text", "no main text found")
    return Extracted(title, text, published, source)


# A CreationDate is trusted as the publication date only when it is at least this much older
# than the fetch: a PDF generated on request carries the moment it was served.
PDF_DATE_MARGIN = timedelta(days=1)
PDF_DATE = re.compile(
    r"(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*([Zz+-])?(\d{2})?'?(\d{2})?"
)
# Lines at the top or bottom of a page that may be a running header or footer, and the
# share of pages a line must recur on (numbers ignored, for page numbers) to be one.
EDGE_LINES = 3
RUNNING_SHARE = 0.5
MIN_PAGES_FOR_RUNNING = 3
DIGITS = re.compile(r"\d+")
# pdfium marks a hyphen at a line break as U+FFFE; pdftotext keeps it as "-".
PDFIUM_CHARS = {"\ufffe": "-", "\u00ad": ""}


def pdf_datetime(value: str | None) -> datetime | None:
    """A PDF date string ('D:20120518161807+01'00'') as an aware datetime (UTC when the
    string names no zone), or None when it is not one."""
    match = PDF_DATE.match(value.strip()) if value else None
    if not match:
        return None
    year, month, day, hour, minute, second = (
        int(g) if g else d for g, d in zip(match.groups()[:6], (0, 1, 1, 0, 0, 0), strict=True)
    )
    zone = UTC
    if match[7] in ("+", "-") and match[8]:
        offset = timedelta(hours=int(match[8]), minutes=int(match[9] or 0))
        zone = timezone(offset if match[7] == "+" else -offset)
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


def pdf_date(created: datetime | None, fetched_at: datetime) -> tuple[date | None, str | None]:
    """A PDF's CreationDate as a publication date, and its date_source: `pdf-metadata` when
    made at least a day before the fetch, else `pdf-metadata-recent` (not trusted)."""
    published = parse_date(created, fetched_at.date()) if created else None
    if published is None:
        return None, None
    if created <= fetched_at - PDF_DATE_MARGIN:
        return published, "pdf-metadata"
    return published, "pdf-metadata-recent"


def clean_pdf_line(line: str) -> str:
    """One line of pdfium's text: its hyphen mark as '-', soft hyphens dropped, and control
    and private-use characters (some fonts map spaces and bullets there) as spaces."""
    for mark, replacement in PDFIUM_CHARS.items():
        line = line.replace(mark, replacement)
    spaced = "".join(" " if unicodedata.category(ch) in ("Cc", "Co", "Cs") else ch for ch in line)
    return " ".join(spaced.split())


def running_key(line: str) -> str:
    """What a running header or footer keeps from page to page: its text, numbers aside."""
    return DIGITS.sub("#", line.lower())


def drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Pages without their running headers and footers: lines among the first or last few
    of a page whose text (numbers aside) recurs there on more than half the pages."""
    if len(pages) < MIN_PAGES_FOR_RUNNING:
        return pages
    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({running_key(lines[i]) for i in edge_indices(len(lines))})
    running = {key for key, n in seen.items() if n > RUNNING_SHARE * len(pages)}
    if not running:
        return pages
    kept = []
    for lines in pages:
        drop = {i for i in edge_indices(len(lines)) if running_key(lines[i]) in running}
        kept.append([line for i, line in enumerate(lines) if i not in drop])
    return kept


def edge_indices(n_lines: int) -> set[int]:
    """Positions of the first and last EDGE_LINES lines of a page of `n_lines` lines."""
    return set(range(min(EDGE_LINES, n_lines))) | set(range(max(0, n_lines - EDGE_LINES), n_lines))


def pdf_pages(document: Any) -> list[list[str]]:
    """The non-empty, cleaned lines of each page of an open pypdfium2 document."""
    pages = []
    for page in document:
        textpage = page.get_textpage()
        try:
            raw = textpage.get_text_range()
        finally:
            textpage.close()
            page.close()
        lines = (clean_pdf_line(line) for line in re.split(r"\r\n|\r|\n", raw))
        pages.append([line for line in lines if line])
    return pages


def extract_pdf(data: bytes, url: str, fetched_at: datetime | None = None) -> Extracted:
    """Text layer, title and creation date of a PDF fetched at `fetched_at` (default now); a
    scan is reported, not crashed on. Runs pdfium in this process: a crawl calls it through
    spiders.pdf, in a worker process with time and memory limits."""
    import pypdfium2 as pdfium

    fetched_at = fetched_at or datetime.now(UTC)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        return Extracted(None, "", None, None, "pdf-unreadable", f"cannot read PDF: {exc}")
    try:
        meta = document.get_metadata_dict(skip_empty=True)
        pages = pdf_pages(document)
    except pdfium.PdfiumError as exc:
        return Extracted(None, "", None, None, "pdf-unreadable", f"cannot read PDF: {exc}")
    finally:
        document.close()
    title = clean_title(meta.get("Title") or "") or None
    published, source = pdf_date(pdf_datetime(meta.get("CreationDate")), fetched_at)
    # Lines inside a page are joined: PDF line breaks are layout, not paragraphs.
    text = normalise_text("\n".join(" ".join(lines) for lines in drop_running_lines(pages)))
    if not text:
        return Extracted(
            title,
            "",
            published,
            source,
            "pdf-no-text-layer",
            f"PDF of {len(pages)} page(s) has no text layer (scanned?); not stored",
        )
    return Extracted(title, text, published, source)


MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
MONTH_NAMES = sorted([*MONTHS, *(m[:3] for m in MONTHS), "sept"], key=len, reverse=True)
TEXT_DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(MONTH_NAMES) + r")\.?,?\s+((?:19|20)\d{2})\b",
    re.IGNORECASE,
)
ISO_DATE = re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b")


def text_date(text: str) -> date | None:
    """The first date written out in `text`: '27 June 2012', '3rd Sept. 2010', '2012-06-27'."""
    candidates = []
    for match in TEXT_DATE.finditer(text):
        month = MONTHS.get(match[2].lower()) or next(
            n for m, n in MONTHS.items() if m.startswith(match[2].lower()[:3])
        )
        candidates.append((match.start(), match[3], month, match[1]))
    for match in ISO_DATE.finditer(text):
        candidates.append((match.start(), match[1], match[2], match[3]))
    for _, year, month, day in sorted(candidates):
        try:
            found = parse_date(date(int(year), int(month), int(day)))
        except ValueError:
            continue
        if found:
            return found
    return None


def listing_date(link: Any, seen: dict | None = None) -> date | None:
    """The date a listing page prints beside a link: in the link's own list item, table row
    or article (outside any link text), as a <time datetime> or written out. None when the
    entry has no date. Pass the same `seen` dict for every link of a page: links that share
    an entry then read it once (a page of 10,000 links in one article stays linear)."""
    entry = link.xpath("ancestor::*[self::li or self::tr or self::article or self::dd][1]")
    if not entry:
        return None
    key = entry[0].root
    if seen is not None and key in seen:
        return seen[key]
    found = _entry_date(entry)
    if seen is not None:
        seen[key] = found
    return found


def _entry_date(entry: Any) -> date | None:
    for value in entry.xpath(".//time/@datetime").getall():
        if found := parse_date(value):
            return found
    # Text inside links is left out: a title like "Minutes of 17 October 2013" names the
    # meeting, not when the document was published.
    return text_date(" ".join(entry.xpath(".//text()[not(ancestor::a)]").getall()))


BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "td", "th", "blockquote", "pre")


def fragment_text(html: str) -> str:
    """Paragraphs of an HTML fragment (an API's body field), one per line."""
    if not html.strip():
        return ""
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    blocks = root.xpath(
        "|".join(f"//{tag}[not(ancestor::{'|ancestor::'.join(BLOCKS)})]" for tag in BLOCKS)
    )
    text = "\n".join(block.text_content() for block in blocks) if blocks else root.text_content()
    return normalise_text(text)
