"""Extractors for the PDF worker processes that misbehave on purpose, chosen by the URL's
last segment: a crawl test points MARKETSPEAK_PDF_EXTRACTOR here, and every other PDF goes
to the real extractor. They run inside the real workers, so the pool meets a real hang and
a real abort."""

from __future__ import annotations

import os
import time
from datetime import datetime

from marketspeak.spiders.extract import Extracted, extract_pdf


def misbehaving(data: bytes, url: str, fetched_at: datetime) -> Extracted:
    """Hang for ever on .../hang.pdf, abort the process on .../abort.pdf, send a forged
    answer on .../forged.pdf and announce a huge one on .../boastful.pdf; extract anything
    else."""
    name = url.rsplit("/", 1)[-1]
    if name == "hang.pdf":
        while True:
            time.sleep(60)
    if name == "abort.pdf":
        os.abort()
    if name == "forged.pdf":
        # What a worker taken over by a hostile PDF might send: not an Extracted at all,
        os.write(1, (12).to_bytes(8, "big") + b'{"text": 42}')
        os._exit(0)
    if name == "boastful.pdf":
        # or an answer of a terabyte, to make the crawler wait and hold it.
        os.write(1, (2**40).to_bytes(8, "big") + b"{")
        while True:
            time.sleep(60)
    return extract_pdf(data, url, fetched_at)
