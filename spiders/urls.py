"""URL canonicalisation: one spelling per page, so the same page is fetched and stored once."""

from __future__ import annotations

from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that track a click and never change the page, matched by exact name
# (lower-case): a prefix would also take real parameters (`_ga` is not `_gallery`).
TRACKING_PARAMS = frozenset(
    {
        "fbclid",  # Facebook
        "gclid",
        "gclsrc",
        "dclid",
        "_ga",
        "_gl",  # Google Ads and Analytics
        "msclkid",  # Microsoft Ads
        "mc_cid",
        "mc_eid",  # Mailchimp
        "_hsenc",
        "_hsmi",  # HubSpot
        "mkt_tok",  # Marketo
        "yclid",  # Yandex
        "igshid",  # Instagram
    }
)
# ...and Google Analytics' campaign parameters, which are all named utm_*.
TRACKING_PREFIX = "utm_"
DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIX)


def _netloc(parts: SplitResult) -> str:
    """The netloc, lower-case, without the scheme's default port (`https://x:443/` is
    `https://x/`). A port that is not a number is left for the fetch to fail on."""
    netloc = parts.netloc.lower()
    try:
        port = parts.port
    except ValueError:
        return netloc
    if port is not None and port == DEFAULT_PORTS.get(parts.scheme.lower()):
        return netloc.rsplit(":", 1)[0]
    return netloc


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters,
    sorted query."""
    parts = urlsplit(url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking(k)
    ]
    cleaned = urlunsplit((parts.scheme, _netloc(parts), parts.path or "/", urlencode(query), ""))
    return canonicalize_url(cleaned, keep_fragments=False)


def host_of(url: str) -> str:
    """host[:port] of a URL, lower-case, without the scheme's default port: the unit a
    source is confined to."""
    return _netloc(urlsplit(url))
