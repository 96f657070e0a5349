"""Options that many `marketspeak` commands share, declared once.

Each `add_*` function adds one option to a command's parser, with the same flag, type,
metavar and help wherever it appears; a command passes only what differs (its default, or
what its --seed or --top is for). Options backed by a setting (--db, --out, --model) take
their environment variable, default and help from pipelines/settings.py, and the command
resolves them there: flag > environment > default.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from marketspeak.pipelines import settings
from marketspeak.pipelines.settings import Setting

FORMATS = ("table", "csv", "json")  # what cli_measures._emit can print
PERIODS = ("year", "quarter", "month")
WAIT_HELP = "wait for a run that holds the database's lock instead of exiting 3"
STOPWORDS_HELP = "leave function words (spaCy's English stop list) out of the collocates"
TERM_HELP = "lexicon term or word"

Parser = argparse.ArgumentParser


def setting_help(setting: Setting) -> str:
    """A setting's help with where else it comes from, as every such option shows it."""
    return f"{setting.help} (env {setting.env}; default {setting.default})"


def _with_default(help: str, default: object) -> str:
    return f"{help} (default {default})"


def add_format(
    parser: Parser, choices: Sequence[str] = FORMATS, default: str = "table"
) -> argparse.Action:
    """Add `--format` (a table on the terminal by default) to a command's parser."""
    return parser.add_argument("--format", choices=list(choices), default=default)


def add_db(parser: Parser, default: str | None = None, help: str = "") -> argparse.Action:
    """`--db PATH`, the DuckDB file (settings.DB); the demo passes its own default and help."""
    return parser.add_argument(
        "--db", metavar="PATH", default=default, help=help or setting_help(settings.DB)
    )


def add_out(parser: Parser) -> argparse.Action:
    """`--out DIR`, the folder the site is written to (settings.OUT)."""
    return parser.add_argument("--out", metavar="DIR", help=setting_help(settings.OUT))


def add_out_file(parser: Parser, help: str) -> argparse.Action:
    """`--out FILE` for a command that writes one file rather than the site."""
    return parser.add_argument("--out", metavar="FILE", help=help)


def add_model(parser: Parser) -> argparse.Action:
    """`--model NAME|DIR`, the spaCy pipeline with a parser (settings.PARSER)."""
    return parser.add_argument("--model", metavar="NAME|DIR", help=setting_help(settings.PARSER))


def add_sources(parser: Parser) -> argparse.Action:
    """`--sources FILE`, required by every command that crawls or schedules."""
    return parser.add_argument(
        "--sources", required=True, metavar="FILE", help="sources file (YAML)"
    )


def add_wait(parser: Parser) -> argparse.Action:
    """`--wait` for every command that takes the database's run lock."""
    return parser.add_argument("--wait", action="store_true", help=WAIT_HELP)


def add_by(
    parser: Parser,
    choices: Sequence[str] = PERIODS,
    default: str | None = "year",
    help: str = "period length (default year)",
) -> argparse.Action:
    """`--by year|quarter|month`; a command where periods are optional passes default=None."""
    return parser.add_argument("--by", choices=list(choices), default=default, help=help)


def add_seed(parser: Parser, purpose: str) -> argparse.Action:
    """`--seed` (default 0); `purpose` says what it seeds, e.g. "seed for --ci"."""
    return parser.add_argument("--seed", type=int, default=0, help=_with_default(purpose, 0))


def add_bootstrap(parser: Parser, purpose: str) -> argparse.Action:
    """`--bootstrap N` (default 1000); `purpose` says what is resampled."""
    return parser.add_argument(
        "--bootstrap", type=int, default=1000, help=_with_default(purpose, 1000)
    )


def add_top(parser: Parser, default: int, purpose: str) -> argparse.Action:
    """`--top K`, how many rows (or collocates, or neighbours) a command keeps."""
    return parser.add_argument(
        "--top", type=int, default=default, help=_with_default(purpose, default)
    )


def add_min_freq(parser: Parser, default: int, purpose: str) -> argparse.Action:
    """`--min-freq N`, the smallest count a row needs."""
    return parser.add_argument(
        "--min-freq", type=int, default=default, help=_with_default(purpose, default)
    )


def add_window(parser: Parser, default: int = 5) -> argparse.Action:
    """`--window N`, the collocation span in word tokens either side."""
    return parser.add_argument(
        "--window", type=int, default=default, help=_with_default("word tokens each side", default)
    )


def add_no_stopwords(parser: Parser) -> argparse.Action:
    """`--no-stopwords`, which hides function words from collocate lists."""
    return parser.add_argument("--no-stopwords", action="store_true", help=STOPWORDS_HELP)


def add_source(parser: Parser) -> argparse.Action:
    """`--source NAME`, keeping one source's documents."""
    return parser.add_argument("--source", metavar="NAME", help="only this source")


def add_term(parser: Parser, help: str = TERM_HELP) -> argparse.Action:
    """The positional TERM of the commands that look at one term."""
    return parser.add_argument("term", help=help)
