"""The sources file: which publishers to crawl, validated on load.

    sources:
      - name: northshire            # lower-case slug, unique
        kind: council               # council | regulator | government | other
        platform: site              # optional: site (follow links, default) | sitemap | feed
                                    #   | govuk (Search API; needs `organisations`)
                                    #   | moderngov (start_urls: the site root)
        organisations: [ofsted]     # govuk only: organisation slugs
        hosts: [assets.example.org] # optional: more hosts the crawl may fetch from
        start_urls: [https://www.northshire.gov.uk/news/]
        documents: ['/news/\\d{4}/']  # optional: URLs (re.search) that are documents
        follow: ['/news/']          # optional: links to follow (default: all on its hosts)
        max_pages: 500              # optional: stop after this many responses
        delay: 2                    # optional: seconds between requests (default 1)
        concurrency: 2              # optional: parallel requests to the site (default 2)
        timeout: 60                 # optional: seconds to wait for an answer (default 60)
        revisit_after: 7d           # optional: do not ask again about a stored document checked
                                    #   this recently (s, m, h, d, w; needs `documents`)

Every problem is reported as one line naming the file, line, source and key.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from marketspeak.corpus.yamlfile import ConfigError, line_of, load_yaml

KINDS = ("council", "regulator", "government", "other")
PLATFORMS = ("site", "sitemap", "feed", "govuk", "moderngov")
SOURCE_KEYS = {
    "platform",
    "name",
    "kind",
    "start_urls",
    "documents",
    "follow",
    "max_pages",
    "delay",
    "concurrency",
    "timeout",
    "schedule",
    "revisit_after",
    "organisations",
    "hosts",
}
SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def load_sources(path: Path | str) -> list[dict[str, Any]]:
    """Read and validate a sources file; return plain dicts ready for the crawl process."""
    data = load_yaml(path)
    if not isinstance(data, dict) or "sources" not in data:
        raise ConfigError(path, line_of(data), "expected a mapping with a 'sources:' list")
    for key in data:
        if key != "sources":
            raise ConfigError(path, line_of(data, key), f"unknown top-level key {key!r}")
    items = data["sources"]
    if not isinstance(items, list) or not items:
        raise ConfigError(path, line_of(data, "sources"), "sources: must be a non-empty list")
    sources, names = [], set()
    for index, item in enumerate(items):
        source = _validate(path, item, line_of(items, index))
        if source["name"] in names:
            raise ConfigError(
                path, line_of(item, "name"), f"duplicate source name {source['name']!r}"
            )
        names.add(source["name"])
        sources.append(source)
    return sources


def _validate(path: Path | str, item: Any, line: int | None) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ConfigError(path, line, "each source must be a mapping")
    label = f"source {item.get('name')!r}" if item.get("name") else "source"

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(path, line_of(item, key) or line, f"{label}: {key}: {message}")

    for key in item:
        if key not in SOURCE_KEYS:
            raise fail(key, f"unknown key (allowed: {', '.join(sorted(SOURCE_KEYS))})")
    for key in ("name", "kind", "start_urls"):
        if key not in item:
            raise ConfigError(path, line, f"{label}: missing key {key!r}")
    name = item["name"]
    if not isinstance(name, str) or not SOURCE_NAME.match(name):
        raise fail("name", "use lower-case letters, digits, '-' and '_'")
    if item["kind"] not in KINDS:
        raise fail("kind", f"{item['kind']!r} is not one of {', '.join(KINDS)}")
    urls = item["start_urls"]
    if isinstance(urls, str):
        urls = [urls]
    if not isinstance(urls, list) or not urls:
        raise fail("start_urls", "give at least one URL")
    for url in urls:
        parts = urlsplit(str(url))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise fail("start_urls", f"{url!r} is not an http(s) URL")
    source: dict[str, Any] = {
        "name": name,
        "kind": item["kind"],
        "start_urls": [str(u) for u in urls],
    }
    platform = item.get("platform", "site")
    if platform not in PLATFORMS:
        raise fail("platform", f"{platform!r} is not one of {', '.join(PLATFORMS)}")
    if platform != "site":
        source["platform"] = platform
    for key in ("organisations", "hosts"):
        values = item.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise fail(key, "must be a list of names")
        if values:
            source[key] = list(values)
    if platform == "govuk" and not source.get("organisations"):
        raise ConfigError(path, line, f"{label}: platform govuk needs 'organisations'")
    for key in ("documents", "follow"):
        patterns = item.get(key) or []
        if isinstance(patterns, str):
            patterns = [patterns]
        if not isinstance(patterns, list):
            raise fail(key, "must be a list of regular expressions")
        for pattern in patterns:
            try:
                re.compile(str(pattern))
            except re.error as exc:
                raise fail(key, f"bad regular expression {pattern!r} ({exc})") from exc
        source[key] = [str(p) for p in patterns]
    if item.get("schedule") is not None:
        problem = cron_problem(str(item["schedule"]))
        if problem:
            raise fail("schedule", f"{item['schedule']!r} is not a cron schedule ({problem})")
        source["schedule"] = str(item["schedule"])
    if item.get("revisit_after") is not None:
        seconds = duration_seconds(item["revisit_after"])
        if seconds is None:
            value = item["revisit_after"]
            raise fail("revisit_after", f"{value!r} is not a duration such as 12h or 7d")
        if seconds and not source.get("documents"):
            # Without them every page may be a listing, and a listing skipped is links lost.
            raise fail("revisit_after", "needs `documents` patterns to tell documents apart")
        if seconds:
            source["revisit_after"] = seconds
    numbers = (
        ("max_pages", int, 1),
        ("delay", float, 0),
        ("concurrency", int, 1),
        ("timeout", float, 1),
    )
    for key, kind, low in numbers:
        if item.get(key) is None:
            continue
        value = item[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < low:
            raise fail(key, f"must be a number >= {low}")
        if kind is int and not isinstance(value, int):
            raise fail(key, "must be a whole number")
        source[key] = kind(value)
    return source


DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def duration_seconds(value: Any) -> float | None:
    """Seconds in a duration such as `90s`, `30m`, `12h`, `7d`, `2w` or a plain number of
    seconds; None when `value` is not one."""
    if isinstance(value, bool):
        return None
    match = DURATION.match(str(value))
    if not match:
        return None
    return float(match.group(1)) * DURATION_UNITS[match.group(2)]


# Cron fields in order, with their ranges and the names they accept.
CRON_FIELDS = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, ("jan feb mar apr may jun jul aug sep oct nov dec").split()),
    ("day of week", 0, 7, "sun mon tue wed thu fri sat".split()),
)
CRON_SHORTHANDS = {"@hourly", "@daily", "@weekly", "@monthly", "@yearly", "@annually"}


def cron_problem(expression: str) -> str:
    """Why `expression` is not a five-field cron schedule (UTC) that Prefect can run, or ''
    when it is one: the fields are checked here (to name the one at fault), then Prefect's
    own cron library must accept the expression and find a time it fires."""
    return _cron_field_problem(expression) or _cron_firing_problem(expression)


def _cron_firing_problem(expression: str) -> str:
    """What Prefect's cron library (a copy of croniter shipped inside Prefect, which computes
    every deployment's run times) says against `expression`: a schedule that passes the
    field checks can still name no real date (31 February), and Prefect would accept the
    deployment and then fail each time it computes the next run."""
    from datetime import UTC, datetime

    from prefect._vendor.croniter import CroniterBadDateError, CroniterError, croniter

    if not croniter.is_valid(expression):
        return "Prefect's cron parser refuses it"
    try:
        # As Prefect computes it: naive UTC, day of month OR day of week (cron's rule).
        croniter(expression, datetime.now(UTC).replace(tzinfo=None), day_or=True).get_next()
    except CroniterBadDateError:
        return "it never fires: no date matches its day of month and month"
    except CroniterError as exc:
        return f"Prefect's cron parser refuses it: {exc}"
    return ""


def _cron_field_problem(expression: str) -> str:
    """Why `expression` is not five cron fields in range, or '' when it is."""
    if expression.strip() in CRON_SHORTHANDS:
        return ""
    fields = expression.split()
    if len(fields) != 5:
        return f"five fields needed (minute hour day month weekday), got {len(fields)}"
    for text, (label, low, high, names) in zip(fields, CRON_FIELDS, strict=True):
        for part in text.lower().split(","):
            body, _, step = part.partition("/")
            if step and not (step.isdigit() and int(step) > 0):
                return f"{label}: bad step {step!r}"
            if body == "*":
                continue
            for value in body.split("-", 1):
                number = (
                    names.index(value) + (low if label == "month" else 0)
                    if value in names
                    else value
                )
                if not str(number).isdigit() or not low <= int(number) <= high:
                    return f"{label}: {value!r} is not in {low}-{high}"
    return ""
