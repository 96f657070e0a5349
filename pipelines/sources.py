"""The sources file: which publishers to crawl, declared once and validated on load.

`Source` is the declaration: each field has its type, its default, a one-line help text and
the rule its value must pass. The validator applies those rules, `keys_table()` renders the
README's table of keys, and the starter file `marketspeak init` writes shows every field
with its default (tests hold both to this declaration). Every problem is reported as one
line naming the file, line, source and key.

    sources:
      - name: northshire
        kind: council
        start_urls: [https://www.northshire.gov.uk/news/]
        documents: ['/news/\\d{4}/']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import MISSING, asdict, dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from marketspeak.corpus.yamlfile import ConfigError, line_of, load_yaml

KINDS = ("council", "regulator", "government", "other")
PLATFORMS = ("site", "sitemap", "feed", "govuk", "moderngov", "cmis")
SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
# The platforms whose spiders list meetings by date, and so can start from `since`.
SINCE_PLATFORMS = ("cmis", "moderngov")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Invalid(ValueError):
    """A value breaks its key's rule; the message says how (the caller adds file and line)."""


@dataclass(frozen=True)
class Rule:
    """What a key accepts: `shape` in words (the README's type column) and `check`, which
    turns a value as written into the value kept, or raises Invalid."""

    shape: str
    check: Callable[[Any], Any]


def _slug(value: Any) -> str:
    if not isinstance(value, str) or not SOURCE_NAME.match(value):
        raise Invalid("use lower-case letters, digits, '-' and '_'")
    return value


def _one_of(choices: tuple[str, ...]) -> Rule:
    def check(value: Any) -> str:
        if value not in choices:
            raise Invalid(f"{value!r} is not one of {', '.join(choices)}")
        return value

    return Rule(" \\| ".join(choices), check)


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _urls(value: Any) -> tuple[str, ...]:
    urls = _as_list(value)
    if not isinstance(urls, list) or not urls:
        raise Invalid("give at least one URL")
    for url in urls:
        parts = urlsplit(str(url))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise Invalid(f"{url!r} is not an http(s) URL")
    return tuple(str(url) for url in urls)


def _names(value: Any) -> tuple[str, ...]:
    value = value or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise Invalid("must be a list of names")
    return tuple(value)


def _patterns(value: Any) -> tuple[str, ...]:
    patterns = _as_list(value or [])
    if not isinstance(patterns, list):
        raise Invalid("must be a list of regular expressions")
    for pattern in patterns:
        try:
            re.compile(str(pattern))
        except re.error as exc:
            raise Invalid(f"bad regular expression {pattern!r} ({exc})") from exc
    return tuple(str(p) for p in patterns)


def _number(kind: type[int] | type[float], low: int) -> Rule:
    def check(value: Any) -> int | float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < low:
            raise Invalid(f"must be a number >= {low}")
        if kind is int and not isinstance(value, int):
            raise Invalid("must be a whole number")
        return kind(value)

    return Rule(f"{'whole number' if kind is int else 'number'} >= {low}", check)


def _cron(value: Any) -> str:
    problem = cron_problem(str(value))
    if problem:
        raise Invalid(f"{value!r} is not a cron schedule ({problem})")
    return str(value)


def _duration(value: Any) -> float | None:
    seconds = duration_seconds(value)
    if seconds is None:
        raise Invalid(f"{value!r} is not a duration such as 12h or 7d")
    return seconds or None  # 0: check every stored document on each crawl, as with none


def _day(value: Any) -> str:
    """A past or present day, kept as its ISO string so the crawl spec and Prefect's
    parameters stay JSON. Unquoted in YAML, `2018-01-01` arrives as a date already."""
    if isinstance(value, datetime):
        raise Invalid("give a day, YYYY-MM-DD, without a time")
    day = value if isinstance(value, date) else None
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None
    if day is None:
        raise Invalid(f"{value!r} is not a date written YYYY-MM-DD")
    if day > date.today():
        raise Invalid(f"{day.isoformat()!r} is in the future; nothing has been held since then")
    return day.isoformat()


def key(help: str, rule: Rule, default: Any = MISSING) -> Any:
    """A field of `Source`: its help text and rule ride in the field's metadata. A key
    written as null takes its default."""
    return field(default=default, metadata={"help": help, "rule": rule})


SLUG = Rule("slug", _slug)
URLS = Rule("URL or list of URLs", _urls)
NAMES = Rule("list of names", _names)
PATTERNS = Rule("regular expression or list of them", _patterns)


@dataclass(frozen=True, kw_only=True)
class Source:
    """One publisher to crawl: the sources file's declaration, in the order keys are shown."""

    name: str = key("lower-case letters, digits, '-' and '_'; unique in the file", SLUG)
    kind: str = key("what sort of publisher it is", _one_of(KINDS))
    platform: str = key(
        "site: follow links from start_urls; sitemap: start_urls are sitemap.xml files or "
        "indexes; feed: RSS or Atom feeds; govuk: GOV.UK's Search API (needs "
        "organisations); moderngov: start_urls is a ModernGov site root; cmis: start_urls "
        "is a CMIS entry page (Meetings.aspx)",
        _one_of(PLATFORMS),
        "site",
    )
    organisations: tuple[str, ...] = key("govuk only: GOV.UK organisation slugs", NAMES, ())
    since: str | None = key(
        "cmis and moderngov only (other platforms refuse it): read meetings held from this "
        "day on, YYYY-MM-DD, not in the future. null: from the platform's start (cmis "
        "2010-01-01, moderngov 2000-01-01)",
        Rule("date YYYY-MM-DD", _day),
        None,
    )
    hosts: tuple[str, ...] = key(
        "more hosts the crawl may fetch from (start_urls' hosts always)", NAMES, ()
    )
    start_urls: tuple[str, ...] = key("where the crawl starts: http(s) URLs", URLS)
    documents: tuple[str, ...] = key(
        "URLs (re.search) of the pages that are documents; other pages are followed but "
        "not stored. Empty: every page with main text",
        PATTERNS,
        (),
    )
    follow: tuple[str, ...] = key(
        "links to follow (re.search). Empty: every link on the source's hosts", PATTERNS, ()
    )
    max_pages: int | None = key(
        "stop after this many requests (null: no limit); what is left is counted and the "
        "crawl reported as truncated",
        _number(int, 1),
        None,
    )
    delay: float = key("seconds between requests to the site", _number(float, 0), 1.0)
    concurrency: int = key("parallel requests to the site", _number(int, 1), 2)
    timeout: float = key("seconds to wait for an answer", _number(float, 1), 60.0)
    schedule: str | None = key(
        "when to crawl unattended: cron, UTC, e.g. `0 3 * * 1` (see marketspeak deploy); "
        "null: only when run by hand",
        Rule("cron schedule", _cron),
        None,
    )
    revisit_after: float | None = key(
        "skip stored documents checked this recently: 90s, 30m, 12h, 7d or 2w (kept as "
        "seconds; needs documents). null: check them all",
        Rule("duration", _duration),
        None,
    )

    def as_dict(self) -> dict[str, Any]:
        """Every key with its resolved value, lists as lists: what the crawl spec, Prefect's
        parameters and corpus.ingest are given."""
        return {name: _plain(value) for name, value in asdict(self).items()}


def _plain(value: Any) -> Any:
    """A value as JSON and YAML hold it: tuples (kept immutable in `Source`) as lists."""
    return list(value) if isinstance(value, tuple) else value


SOURCE_FIELDS = {f.name: f for f in fields(Source)}
SOURCE_KEYS = set(SOURCE_FIELDS)
REQUIRED = tuple(name for name, f in SOURCE_FIELDS.items() if f.default is MISSING)


def with_defaults(source: Mapping[str, Any]) -> dict[str, Any]:
    """`source` with the declared default of every key it leaves out. Sources reach the crawl
    from a validated file, but also directly (flows, deployments stored by an earlier release,
    tests); resolved here, the crawl process needs no defaults of its own."""
    defaults = {n: _plain(f.default) for n, f in SOURCE_FIELDS.items() if f.default is not MISSING}
    return {**defaults, **source}


def load_sources(path: Path | str) -> list[dict[str, Any]]:
    """Read and validate a sources file; return plain dicts ready for the crawl process,
    every key present with its value or its declared default."""
    return [source.as_dict() for source in read_sources(path)]


def read_sources(path: Path | str) -> list[Source]:
    """Read and validate a sources file into `Source` declarations."""
    data = load_yaml(path)
    if not isinstance(data, dict) or "sources" not in data:
        raise ConfigError(path, line_of(data), "expected a mapping with a 'sources:' list")
    for top in data:
        if top != "sources":
            raise ConfigError(path, line_of(data, top), f"unknown top-level key {top!r}")
    items = data["sources"]
    if not isinstance(items, list) or not items:
        raise ConfigError(path, line_of(data, "sources"), "sources: must be a non-empty list")
    sources: list[Source] = []
    for index, item in enumerate(items):
        source = parse_source(path, item, line_of(items, index))
        if source.name in {s.name for s in sources}:
            raise ConfigError(path, line_of(item, "name"), f"duplicate source name {source.name!r}")
        sources.append(source)
    return sources


def parse_source(path: Path | str, item: Any, line: int | None) -> Source:
    """One entry of the sources file as a `Source`; ConfigError names the key at fault."""
    if not isinstance(item, dict):
        raise ConfigError(path, line, "each source must be a mapping")
    label = f"source {item.get('name')!r}" if item.get("name") else "source"

    def fail(name: str, message: str) -> ConfigError:
        return ConfigError(path, line_of(item, name) or line, f"{label}: {name}: {message}")

    for name in item:
        if name not in SOURCE_FIELDS:
            raise fail(name, f"unknown key (allowed: {', '.join(sorted(SOURCE_KEYS))})")
    for name in REQUIRED:
        if name not in item:
            raise ConfigError(path, line, f"{label}: missing key {name!r}")
    values = _checked(item, fail)
    source = Source(**values)
    if source.platform == "govuk" and not source.organisations:
        raise ConfigError(path, line, f"{label}: platform govuk needs 'organisations'")
    if source.since and source.platform not in SINCE_PLATFORMS:
        # Silently ignored, it would look like a short crawl and be a full one.
        raise fail(
            "since",
            f"only {' and '.join(SINCE_PLATFORMS)} read it; platform {source.platform} "
            "crawls every date (remove the key)",
        )
    if source.revisit_after and not source.documents:
        # Without them every page may be a listing, and a listing skipped is links lost.
        raise fail("revisit_after", "needs `documents` patterns to tell documents apart")
    return source


def _checked(item: dict, fail: Callable[[str, str], ConfigError]) -> dict[str, Any]:
    """The values written in `item`, each through its key's rule; keys left out or null are
    not among them (they take their defaults)."""
    values = {}
    for name, declared in SOURCE_FIELDS.items():
        if item.get(name) is None and name not in REQUIRED:
            continue
        try:
            values[name] = declared.metadata["rule"].check(item[name])
        except Invalid as exc:
            raise fail(name, str(exc)) from exc
    return values


def shown(value: Any) -> str:
    """A default as the sources file would spell it."""
    if value is None:
        return "null"
    if isinstance(value, tuple):
        return "[]" if not value else f"[{', '.join(value)}]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def keys_table() -> str:
    """The README's table of a source's keys, rendered from the declaration."""
    rows = ["| key | accepts | default | what it does |", "|---|---|---|---|"]
    for name, declared in SOURCE_FIELDS.items():
        default = "required" if declared.default is MISSING else f"`{shown(declared.default)}`"
        rule = declared.metadata["rule"]
        rows.append(f"| `{name}` | {rule.shape} | {default} | {declared.metadata['help']} |")
    return "\n".join(rows) + "\n"


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
