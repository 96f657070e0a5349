"""PDFs made for the PDF tests: pages of text lines (with running headers and footers, or a
CreationDate of our choosing), and hostile ones whose one small content stream costs pdfium
a gigabyte of memory or seconds of work.

The sample site's writer (pipelines/demo_site/pdf.py) lays out paragraphs; these tests place
lines by hand or write raw content streams, and hand them to its `pdf_from_streams`.
"""

from __future__ import annotations

import zlib
from datetime import datetime

from marketspeak.pipelines.demo_site.pdf import _escape, pdf_from_streams

TOP, LEADING = 780, 14


def write_pdf(
    streams: list[bytes], title: str = "", created: datetime | None = None, compressed: bool = False
) -> bytes:
    """A PDF of one page per content stream, with Title and CreationDate (to the second)."""
    # Text strings in UTF-16 (hex, with its byte-order mark) carry any character.
    info = f"<< /Title <feff{title.encode('utf-16-be').hex()}>"
    if created:
        info += f" /CreationDate (D:{created:%Y%m%d%H%M%S}Z)"
    return pdf_from_streams(streams, info + " >>", "/Filter /FlateDecode" if compressed else "")


def text_stream(lines: list[str]) -> bytes:
    """A page showing `lines` from the top down."""
    ops = [
        f"BT /F1 11 Tf 60 {TOP - LEADING * n} Td ({_escape(line)}) Tj ET"
        for n, line in enumerate(lines)
    ]
    return "\n".join(ops).encode("latin-1")


def lines_pdf(pages: list[list[str]], title: str = "", created: datetime | None = None) -> bytes:
    return write_pdf([text_stream(lines) for lines in pages], title, created)


def repeated_ops_pdf(op: bytes, megabytes: int) -> bytes:
    """One page whose content stream is `op` repeated to `megabytes` MB, Flate-compressed to
    a few kB: pdfium has to read every operator of it."""
    squeeze = zlib.compressobj(9)
    chunk = op * (2**20 // len(op))
    stream = b"".join(squeeze.compress(chunk) for _ in range(megabytes)) + squeeze.flush()
    return write_pdf([stream], "Hostile", compressed=True)


def memory_bomb_pdf() -> bytes:
    """About 130 kB that pdfium turns into more than a gigabyte of text objects."""
    return repeated_ops_pdf(b"BT /F1 11 Tf (a) Tj ET ", 50)


def slow_pdf() -> bytes:
    """About 100 kB of save/restore operators that take pdfium over a second to walk, in
    about 200 MB."""
    return repeated_ops_pdf(b"q Q ", 100)
