"""The sources file is validated on load; each mistake is one line naming file, line and key."""

from __future__ import annotations

from dataclasses import MISSING
from datetime import date, timedelta
from pathlib import Path

import pytest

from marketspeak.corpus.yamlfile import ConfigError
from marketspeak.pipelines.sources import (
    SOURCE_FIELDS,
    Source,
    keys_table,
    load_sources,
    shown,
    with_defaults,
)

README = Path(__file__).resolve().parents[2] / "README.md"

GOOD = """\
sources:
  - name: northshire
    kind: council
    start_urls: [https://www.northshire.example/news/]
    documents: ['/news/\\d{4}/']
    max_pages: 100
    delay: 1.5
"""


def write(tmp_path, text):
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_loads_into_plain_dicts_with_every_default_filled_in(tmp_path):
    [source] = load_sources(write(tmp_path, GOOD))
    assert source == {
        "name": "northshire",
        "kind": "council",
        "start_urls": ["https://www.northshire.example/news/"],
        "documents": [r"/news/\d{4}/"],
        "follow": [],
        "max_pages": 100,
        "delay": 1.5,
        # Not written in the file: the declared defaults, so the crawl needs none of its own.
        "platform": "site",
        "organisations": [],
        "since": None,
        "hosts": [],
        "concurrency": 2,
        "timeout": 60.0,
        "schedule": None,
        "revisit_after": None,
    }


def test_a_source_handed_over_directly_gets_the_declared_defaults_and_keeps_its_own(tmp_path):
    [loaded] = load_sources(write(tmp_path, GOOD))
    given = {"name": "northshire", "kind": "council", "start_urls": loaded["start_urls"]}
    direct = with_defaults({**given, "delay": 1.5, "validators": {}})
    assert direct == {**loaded, "documents": [], "max_pages": None, "validators": {}}


def test_a_key_written_as_null_takes_its_default(tmp_path):
    [source] = load_sources(write(tmp_path, GOOD.replace("delay: 1.5", "delay: null")))
    assert source["delay"] == Source.__dataclass_fields__["delay"].default == 1.0


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("max_pages: 100", "max_pages: 2.5"), "source 'northshire': max_pages: must be a whole"),
        (("    delay: 1.5\n", "    hosts: assets.example\n"), "hosts: must be a list of names"),
        (("kind: council", "kind: council\n    platform: govuk"), "govuk needs 'organisations'"),
        (("    kind: council\n", ""), "source 'northshire': missing key 'kind'"),
    ],
)
def test_each_declared_rule_is_applied(tmp_path, edit, message):
    with pytest.raises(ConfigError, match=message):
        load_sources(write(tmp_path, GOOD.replace(*edit)))


@pytest.mark.parametrize(
    ("edit", "line", "message"),
    [
        (
            ("    max_pages: 100", "    max_page: 100"),
            6,
            "source 'northshire': max_page: unknown key",
        ),
        (("kind: council", "kind: shop"), 3, "kind: 'shop' is not one of"),
        (("'/news/\\d{4}/'", "'/news/(\\d{4}/'"), 5, "documents: bad regular expression"),
        (("https://www.northshire.example/news/", "ftp://x/"), 4, "is not an http(s) URL"),
        (("delay: 1.5", "delay: -1"), 7, "delay: must be a number >= 0"),
        (("name: northshire", "name: ../../etc"), 2, "name: use lower-case letters"),
        (("delay: 1.5", "revisit_after: soon"), 7, "revisit_after: 'soon' is not a duration"),
        (
            ("    documents: ['/news/\\d{4}/']\n", "    revisit_after: 7d\n"),
            5,
            "revisit_after: needs `documents` patterns",
        ),
    ],
)
def test_mistakes_are_reported_with_file_line_and_key(tmp_path, edit, line, message):
    path = write(tmp_path, GOOD.replace(*edit))
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    text = str(err.value)
    assert "\n" not in text
    assert message in text
    assert text.startswith(f"{path}:{line}: ")


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("90s", 90), ("30m", 1800), ("12h", 43200), ("7d", 604800), ("2w", 1209600), ("3600", 3600)],
)
def test_revisit_after_is_read_as_seconds(tmp_path, written, seconds):
    [source] = load_sources(write(tmp_path, GOOD + f"    revisit_after: {written}\n"))
    assert source["revisit_after"] == seconds


def test_revisit_after_zero_means_every_document_is_checked_each_crawl(tmp_path):
    [source] = load_sources(write(tmp_path, GOOD + "    revisit_after: 0\n"))
    assert source["revisit_after"] is None


COMMITTEES = GOOD.replace("kind: council", "kind: council\n    platform: cmis")


@pytest.mark.parametrize("written", ["'2018-01-01'", "2018-01-01", '"2018-01-01"'])
def test_since_is_kept_as_an_iso_date_quoted_or_not(tmp_path, written):
    [source] = load_sources(write(tmp_path, COMMITTEES + f"    since: {written}\n"))
    assert source["since"] == "2018-01-01" and isinstance(source["since"], str)


def test_since_today_is_accepted(tmp_path):
    [source] = load_sources(write(tmp_path, COMMITTEES + f"    since: {date.today()}\n"))
    assert source["since"] == date.today().isoformat()


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("'1 March 2018'", "since: '1 March 2018' is not a date written YYYY-MM-DD"),
        ("'2018-3-1'", "since: '2018-3-1' is not a date written YYYY-MM-DD"),
        ("'2018-02-30'", "since: '2018-02-30' is not a date written YYYY-MM-DD"),
        ("2018-02-30", "since: '2018-02-30' is not a date written YYYY-MM-DD"),
        ("2018-01-01 10:00:00", "since: give a day, YYYY-MM-DD, without a time"),
        ("2018", "since: 2018 is not a date written YYYY-MM-DD"),
        (f"{date.today() + timedelta(days=1)}", "is in the future"),
    ],
)
def test_a_since_that_is_not_a_past_date_is_refused_with_its_line(tmp_path, written, message):
    path = write(tmp_path, COMMITTEES + f"    since: {written}\n")
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    text = str(err.value)
    assert text.startswith(f"{path}:9: source 'northshire': since: ")
    assert message in text and "\n" not in text


def test_since_on_a_platform_that_does_not_read_it_is_refused(tmp_path):
    path = write(tmp_path, GOOD + "    since: 2018-01-01\n")
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    text = str(err.value)
    assert text.startswith(f"{path}:8: source 'northshire': since: ")
    assert "only cmis and moderngov read it" in text and "platform site" in text


@pytest.mark.parametrize("platform", ["cmis", "moderngov"])
def test_since_is_accepted_on_the_committee_platforms(tmp_path, platform):
    text = GOOD.replace("kind: council", f"kind: council\n    platform: {platform}")
    [source] = load_sources(write(tmp_path, text + "    since: 2018-01-01\n"))
    assert source["since"] == "2018-01-01"


def test_duplicate_source_names_are_refused(tmp_path):
    twice = GOOD + GOOD.split("\n", 1)[1]
    with pytest.raises(ConfigError, match="duplicate source name 'northshire'"):
        load_sources(write(tmp_path, twice))


def test_malformed_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "sources:\n  - name: [unclosed\n")
    with pytest.raises(ConfigError, match=rf"^{path}:\d+: invalid YAML"):
        load_sources(path)


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("0 0 31 2 *", "never fires"),  # 31 February
        ("0 0 30 2 *", "never fires"),
        ("0 0 31 4,6,9,11 *", "never fires"),  # months of 30 days
        ("61 3 * * *", "minute: '61' is not in 0-59"),
        ("0 3 * *", "five fields needed"),
        ("*/0 * * * *", "minute: bad step '0'"),
    ],
)
def test_a_schedule_that_prefect_could_not_run_is_refused_with_its_line(
    tmp_path, schedule, message
):
    path = write(tmp_path, GOOD + f"    schedule: '{schedule}'\n")
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    text = str(err.value)
    assert text.startswith(f"{path}:8: source 'northshire': schedule: {schedule!r}")
    assert message in text and "\n" not in text


@pytest.mark.parametrize(
    "schedule", ["0 3 * * 1", "@daily", "0 0 29 2 *", "*/15 6-18 * * mon-fri", "0 0 1 jan *"]
)
def test_a_schedule_that_fires_is_kept_as_written(tmp_path, schedule):
    [source] = load_sources(write(tmp_path, GOOD + f"    schedule: '{schedule}'\n"))
    assert source["schedule"] == schedule


def test_the_readme_table_of_keys_is_the_one_the_declaration_renders():
    assert keys_table() in README.read_text(encoding="utf-8")


def test_every_declared_key_has_help_a_rule_and_a_default_it_accepts():
    for name, declared in SOURCE_FIELDS.items():
        assert declared.metadata["help"] and declared.metadata["rule"].shape, name
        if declared.default is not MISSING and declared.default not in (None, ()):
            assert declared.metadata["rule"].check(declared.default) == declared.default, name
    assert shown(1.0) == "1" and shown(()) == "[]" and shown(None) == "null"
