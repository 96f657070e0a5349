"""PDFs made for the PDF tests: pages of text lines (with running headers and footers, or a
CreationDate of our choosing), and hostile ones whose one small content stream costs pdfium
a gigabyte of memory or seconds of work.

The sample site's writer (pipelines/demo_site/pdf.py) lays out paragraphs; these tests need
lines placed by hand and raw content streams, so this writer takes the streams themselves.
"""

from __future__ import annotations

import zlib
from datetime import datetime

from pipelines.demo_site.pdf import _escape

TOP, LEADING = 780, 14


def write_pdf(streams: list[bytes], title: str = "", created: datetime | None = None,
              compressed: bool = False) -> bytes:  # fmt: skip
    """A PDF of one page per content stream, Helvetica as /F1, with Title and CreationDate."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{5 + 2 * i} 0 R" for i in range(len(streams)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(streams)} >>".encode())
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    # Text strings in UTF-16 (hex, with its byte-order mark) carry any character.
    info = f"<< /Title <feff{title.encode('utf-16-be').hex()}>"
    if created:
        info += f" /CreationDate (D:{created:%Y%m%d%H%M%S}Z)"
    objects.append((info + " >>").encode("latin-1"))
    for i, stream in enumerate(streams):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font "
            f"<< /F1 3 0 R >> >> /Contents {6 + 2 * i} 0 R >>".encode()
        )
        flate = b" /Filter /FlateDecode" if compressed else b""
        objects.append(
            b"<< /Length %d%s >>\nstream\n" % (len(stream), flate) + stream + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 4 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


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
