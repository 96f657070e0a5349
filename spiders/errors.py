"""Name what went wrong with a request, as a short code an analyst can count by.

Codes: http-NNN (the server answered with an error status), robots-disallowed, offsite,
redirect-loop, timeout, dns, connection-refused, connection-lost, too-large, other.
"""

from __future__ import annotations

from typing import Any

from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net
from twisted.internet.defer import CancelledError
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

CODES = (
    ((net.DNSLookupError, scrapy_errors.CannotResolveHostError), "dns"),
    (
        (net.ConnectionRefusedError, scrapy_errors.DownloadConnectionRefusedError),
        "connection-refused",
    ),
    ((net.TimeoutError, net.TCPTimedOutError, scrapy_errors.DownloadTimeoutError), "timeout"),
    (
        (
            net.ConnectionLost,
            ResponseFailed,
            ResponseNeverReceived,
            scrapy_errors.ResponseDataLossError,
            scrapy_errors.DownloadFailedError,
        ),
        "connection-lost",
    ),
    # Scrapy cancels a download that passes DOWNLOAD_MAXSIZE.
    ((CancelledError, scrapy_errors.DownloadCancelledError), "too-large"),
)


def classify_failure(failure: Any) -> tuple[int | None, str, str]:
    """(HTTP status or None, code, one-line detail) for a Scrapy request failure."""
    value = failure.value
    detail = " ".join(str(value).split())[:300] or type(value).__name__
    if isinstance(value, HttpError):
        status = value.response.status
        return status, f"http-{status}", detail
    if isinstance(value, IgnoreRequest):
        text = str(value).lower()
        if "robots" in text:
            return None, "robots-disallowed", detail
        if "max redirections" in text:
            return None, "redirect-loop", detail
        if "offsite" in text or "filtered" in text:
            return None, "offsite", detail
        if "download_maxsize" in text or "download max size" in text:
            # A compressed body that would decompress past DOWNLOAD_MAXSIZE (a zip bomb).
            return None, "too-large", detail
        return None, "ignored", detail
    for types, code in CODES:
        if isinstance(value, types):
            return None, code, detail
    return None, "other", f"{type(value).__name__}: {detail}"
