"""Write small, valid PDF files with a real text layer (or none), for the sample site.

Only what the sample site needs: Helvetica text lines on A4 pages and an Info dictionary
with Title and CreationDate. A page with no text stands in for a scanned document. The PDF
tests build hostile and multi-page PDFs from their own content streams (`pdf_from_streams`).
"""

from __future__ import annotations

from datetime import date

PAGE_WIDTH, PAGE_HEIGHT = 595, 842
LEFT, TOP, BOTTOM, LEADING, FONT_SIZE = 72, 770, 72, 15, 11
CHARS_PER_LINE = 85


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def wrap(paragraph: str, width: int = CHARS_PER_LINE) -> list[str]:
    """Greedy word wrap; words are never split."""
    lines: list[str] = []
    line = ""
    for word in paragraph.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def layout(paragraphs: list[str]) -> list[list[tuple[int, str]]]:
    """Pages of (y, line); a paragraph never crosses a page break."""
    pages: list[list[tuple[int, str]]] = [[]]
    y = TOP
    for paragraph in paragraphs:
        lines = wrap(paragraph)
        if y - LEADING * len(lines) < BOTTOM and pages[-1]:
            pages.append([])
            y = TOP
        for line in lines:
            pages[-1].append((y, line))
            y -= LEADING
        y -= LEADING  # blank line between paragraphs
    return pages


def build_pdf(title: str, created: date | None, paragraphs: list[str]) -> bytes:
    """A PDF whose text layer holds `paragraphs`; with none, one page with only a drawing."""
    if paragraphs:
        streams = []
        for page in layout(paragraphs):
            ops = [
                f"BT /F1 {FONT_SIZE} Tf {LEFT} {y} Td ({_escape(line)}) Tj ET" for y, line in page
            ]
            streams.append("\n".join(ops))
    else:
        streams = ["0.6 g 72 200 451 570 re f"]  # a grey block where a scan would be

    info = f"<< /Title ({_escape(title)}) /Producer (marketspeak sample site)"
    if created:
        info += f" /CreationDate (D:{created:%Y%m%d}120000Z)"
    return pdf_from_streams([stream.encode("latin-1") for stream in streams], info + " >>")


def pdf_from_streams(streams: list[bytes], info: str, stream_keys: str = "") -> bytes:
    """A PDF of one A4 page per content stream (Helvetica as /F1), with `info` as its
    document information dictionary; `stream_keys` go in each stream's dictionary (say
    `/Filter /FlateDecode` for compressed streams)."""
    objects: list[bytes] = []
    n_pages = len(streams)
    first_page = 5
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    objects.append(info.encode("latin-1"))
    keys = f" {stream_keys}" if stream_keys else ""
    for i, content in enumerate(streams):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {first_page + 2 * i + 1} 0 R >>".encode()
        )
        objects.append(
            f"<< /Length {len(content)}{keys} >>\nstream\n".encode() + content + b"\nendstream"
        )

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 4 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)
