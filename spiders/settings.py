"""Scrapy settings shared by every marketspeak crawl: polite, identified, bounded.

Per-source values (delay, concurrency, timeout, page limit, feed file) come in the crawl
spec, with the defaults the sources file declares, and are set on each spider in
`spiders/run.py`; these are the settings underneath.
"""

from scrapy.settings import default_settings as scrapy_defaults

# --- Identity: say who we are and where to read about the crawl -------------------------
BOT_NAME = "marketspeak"
CONTACT_URL = "https://github.com/marketspeak/marketspeak"
USER_AGENT = f"marketspeak/0.1 (public-sector language research; +{CONTACT_URL})"

# --- Politeness ---------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
# Delay, concurrency per site and timeout are each source's own (see the module docstring).
CONCURRENT_REQUESTS = 16
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# --- Limits -------------------------------------------------------------------------------
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024  # bytes; larger responses are dropped
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024
RETRY_TIMES = 2
# Scrapy's depth limit counts every hop, "Next" links included, and drops what is past it
# silently: a 60-page listing lost its last 40 pages. It is off; the spider keeps its own
# limit (LINK_DEPTH_LIMIT below), which pagination does not count and which records every
# link it leaves (crawl_runs.not_fetched).
DEPTH_LIMIT = 0
# Hops along ordinary links from a start URL (0 = no limit). Pagination links, and entries
# of sitemaps, feeds and APIs, add nothing to it (see spiders/source_spider.py): a listing
# is followed to its end however many pages it has; max_pages bounds a crawl as a whole.
LINK_DEPTH_LIMIT = 20
REDIRECT_MAX_TIMES = 10

# --- Stay on each source's hosts, redirects included (before robots.txt is even asked) ----
DOWNLOADER_MIDDLEWARES = {"marketspeak.spiders.middlewares.SourceHostsMiddleware": 50}
# Links the spider chose not to request (a limit) become items in the feed.
SPIDER_MIDDLEWARES = {"marketspeak.spiders.middlewares.NotFetchedMiddleware": 950}

# --- No remote control of a running crawl -------------------------------------------------
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's RemoteControl runs Python sent to it over HTTP (with a token), and is on by
# default; a crawl of untrusted pages has no use for it. Left out of Scrapy's own list of
# extensions, it is not even imported (with aiohttp, a fifth of the crawl's start-up).
REMOTE_CONTROL_ENABLED = False
EXTENSIONS_BASE = {
    path: order
    for path, order in scrapy_defaults.EXTENSIONS_BASE.items()
    if not path.endswith(".RemoteControl")
}

# --- Output and logging -------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
COOKIES_ENABLED = False
