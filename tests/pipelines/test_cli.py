"""The command line: help with examples, one-line errors, trend output; the README covers it."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from marketspeak.pipelines.cli import build_parser, main

COMMANDS = [
    "run",
    "crawl",
    "publish",
    "serve",
    "deploy",
    "serve-schedules",
    "status",
    "trend",
    "kwic",
    "collocates",
    "keyness",
    "lexicon",
    "export",
    "dispersion",
    "drift",
    "compounds",
    "neighbours",
    "agency",
    "demo",
    "changes",
    "peers",
    "coverage",
    "audit",
    "init",
]
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "-h"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "Example:" in out and f"marketspeak {command}" in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command):
    assert f"marketspeak {command}" in README.read_text()


def test_readme_quickstart_is_the_two_make_commands():
    text = README.read_text()
    assert "make demo" in text and "make test" in text


def test_a_bad_sources_file_is_one_line_and_exit_2(tmp_path, capsys):
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - name: x\n    kind: council\n    start_urls: [gopher://x]\n")
    code = main(["crawl", "--sources", str(path), "--db", str(tmp_path / "db.duckdb")])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.count("\n") == 0 and err.startswith(f"marketspeak: error: {path}:4:")
    assert not (tmp_path / "db.duckdb").exists()


def test_trend_on_a_missing_database_says_so(tmp_path, capsys):
    code = main(["trend", "--db", str(tmp_path / "none.duckdb")])
    assert code == 1
    assert "no database here" in capsys.readouterr().err


def test_trend_prints_csv_and_json(crawled, capsys):
    assert main(["trend", "--db", str(crawled.db), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["period"] for r in rows][:2] == ["2005", "2006"] and rows[-1]["period"] == "undated"
    assert main(["trend", "--db", str(crawled.db), "--by", "quarter", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["period"] == "2005-Q1" and "market_share_index" in data[0]


def test_trend_table_by_source(crawled, capsys):
    assert main(["trend", "--db", str(crawled.db), "--by-source"]) == 0
    assert "care-regulator" in capsys.readouterr().out


def test_parser_defaults_come_from_settings(monkeypatch):
    from marketspeak.pipelines.settings import DB

    monkeypatch.setenv("MARKETSPEAK_DB", "elsewhere.duckdb")
    args = build_parser().parse_args(["trend"])
    assert DB.value(args.db) == "elsewhere.duckdb"
    assert DB.value("flag.duckdb") == "flag.duckdb"


def test_serve_previews_the_published_site_on_loopback(published):
    import subprocess
    import urllib.request

    out, _ = published
    server = subprocess.Popen(
        [sys.executable, "-m", "marketspeak.pipelines", "serve", "--out", str(out), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stdout.readline()
        url = line.split(" at ", 1)[1].split()[0]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/index.html")
        with urllib.request.urlopen(url, timeout=10) as response:
            assert b"Market and relational words over time" in response.read()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_refuses_a_folder_with_no_site(tmp_path, capsys):
    assert main(["serve", "--out", str(tmp_path)]) == 1
    assert "no published site here" in capsys.readouterr().err


# Options many commands take; pipelines/cli_options.py is the only place they are written out.
SHARED_FLAGS = (
    "--db",
    "--out",
    "--sources",
    "--wait",
    "--format",
    "--by",
    "--seed",
    "--bootstrap",
    "--top",
    "--min-freq",
    "--window",
    "--no-stopwords",
    "--source",
    "--model",
)
PIPELINES = Path(__file__).resolve().parents[2] / "pipelines"


def _commands(parser, prefix=()):
    """(command words, parser) for every leaf command, `audit sample` and `audit score` too."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                if any(isinstance(a, argparse._SubParsersAction) for a in child._actions):
                    yield from _commands(child, (*prefix, name))
                else:
                    yield (*prefix, name), child


def _option(parser, flag):
    return next((a for a in parser._actions if flag in a.option_strings), None)


def test_shared_options_are_written_out_only_in_cli_options():
    import ast

    written = []
    for path in sorted(PIPELINES.glob("cli*.py")):
        if path.name == "cli_options.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", "") == "add_argument"
                and node.args
                and getattr(node.args[0], "value", None) in SHARED_FLAGS
            ):
                written.append(f"{path.name}:{node.lineno} {node.args[0].value}")
    assert written == []


def test_setting_options_have_one_help_text_everywhere():
    from marketspeak.pipelines.cli_options import setting_help
    from marketspeak.pipelines.settings import DB, OUT

    commands = dict(_commands(build_parser()))
    db_help = {
        words: _option(p, "--db").help for words, p in commands.items() if _option(p, "--db")
    }
    assert db_help.pop(("demo",)).startswith("database for the demo")
    assert set(db_help.values()) == {setting_help(DB)}
    without_db = {" ".join(words) for words in commands if words not in db_help}
    assert without_db == {"demo", "lexicon", "serve", "init"}
    site = [_option(p, "--out") for p in commands.values() if _option(p, "--out")]
    assert {(a.metavar, a.help) for a in site if a.metavar == "DIR"} == {("DIR", setting_help(OUT))}
    assert len([a for a in site if a.metavar == "DIR"]) == 6  # run deploy serve-schedules ...
    sources = {_option(p, "--sources").help for p in commands.values() if _option(p, "--sources")}
    waits = {_option(p, "--wait").help for p in commands.values() if _option(p, "--wait")}
    assert sources == {"sources file (YAML)"} and len(waits) == 1


def test_numeric_shared_options_name_their_default_in_their_help():
    from marketspeak.pipelines.cli_options import PERIODS

    checked = 0
    for words, parser in _commands(build_parser()):
        by = _option(parser, "--by")
        if by is not None:
            assert set(by.choices) <= set(PERIODS), words
            assert by.default in (None, "year"), words
            assert by.help, words
        for flag in ("--seed", "--bootstrap", "--top", "--min-freq", "--window"):
            action = _option(parser, flag)
            if action is not None:
                assert action.type is int, (words, flag)
                assert action.help.endswith(f"(default {action.default})"), (words, flag)
                checked += 1
    assert checked >= 19  # every command that takes one: the loop is not vacuous


@pytest.mark.parametrize("words", [words for words, _ in _commands(build_parser())], ids=" ".join)
def test_every_command_help_lists_its_shared_options(words, capsys):
    parser = dict(_commands(build_parser()))[words]
    with pytest.raises(SystemExit) as done:
        main([*words, "-h"])
    assert done.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())
    for flag in SHARED_FLAGS:
        action = _option(parser, flag)
        if action is not None:
            assert flag in shown
            assert " ".join((action.help or "").replace("%%", "%").split()) in shown, flag
