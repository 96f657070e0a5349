"""The peers and coverage commands of the `marketspeak` CLI: each source's naming index
against all sources with funnel-plot limits (analysis/peers.py), and each source's
documents and tokens per period with the periods where they jump or fall
(analysis/coverage.py). `add_commands` wires them into the parser in cli.py."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from marketspeak.corpus.db import matched_under, reading
from marketspeak.pipelines.cli_measures import _emit, _print_table
from marketspeak.pipelines.cli_options import add_by, add_format
from marketspeak.pipelines.exit_codes import EXIT_OK
from marketspeak.pipelines.settings import DB

PEERS_CAPTION = (
    "naming: market role words / role words; pooled: all sources together; a source outside"
    " the 99.8% limits differs from its peers by more than chance gives once in 500 sources"
)
# The table view's columns and their headings; csv and json have every column.
PEERS_COLUMNS = {
    "source": "source",
    "n_documents": "docs",
    "role_hits": "role words",
    "market_role_hits": "market",
    "naming_index": "naming",
    "pooled_index": "pooled",
    "low_95": "95% from",
    "high_95": "95% to",
    "low_998": "99.8% from",
    "high_998": "99.8% to",
    "p_value": "p",
    "flag": "flag",
}
COVERAGE_COLUMNS = {
    "period": "period",
    "source": "source",
    "n_documents": "docs",
    "n_words": "words",
    "median_other": "median",
    "flag": "flag",
    "note": "note",
}


def cmd_peers(args: argparse.Namespace) -> int:
    """Print each source's naming index against all sources pooled, with the funnel plot's
    95% and 99.8% control limits at its number of role words, and where it lies: above
    99.8%, above 95%, within, below 95% or below 99.8%.

    Limits are exact binomial quantiles around the pooled index (--limits normal: the
    normal approximation p ± z·sqrt(p(1-p)/n)). A text two sources carry counts for both.
    Only dated documents count; --from/--to keep those years.

    Example:
      marketspeak peers --from 2015 --to 2024 --format csv > peers.csv
    """
    from marketspeak.analysis.peers import peers

    with reading(DB.value(args.db)) as con:
        frame = peers(con, args.year_from, args.year_to, args.limits)
        versions = matched_under(con)

    _emit(frame, args.format, versions, lambda frame: _show(frame, PEERS_COLUMNS, PEERS_CAPTION))
    return EXIT_OK


def cmd_coverage(args: argparse.Namespace) -> int:
    """Print each source's documents and word tokens per period, flagging a period whose
    documents jump (over 3 times the median of the source's other periods), fall (under a
    third of it) or are missing between two periods that have them (a gap, where the
    median is at least 3). A jump or fall is more often a change in what was collected
    (a site redesign, a lost archive) than in language: check it before reading a trend.

    Example:
      marketspeak coverage --by quarter --format csv > coverage.csv
    """
    from marketspeak.analysis.coverage import coverage
    from marketspeak.analysis.frequency import period_label

    with reading(DB.value(args.db)) as con:
        frame = coverage(con, args.by)
        versions = matched_under(con)
    frame.insert(0, "period", [period_label(v, args.by) for v in frame["period_start"]])
    frame = frame.drop(columns=["period_start"])
    _emit(frame, args.format, versions, lambda frame: _show(frame, COVERAGE_COLUMNS))
    return EXIT_OK


def _show(frame, columns: dict[str, str], caption: str = "") -> None:
    shown = frame[list(columns)].round(3).rename(columns=columns)
    _print_table(shown, columns=list(columns.values()), caption=caption)


def _year(value: str) -> int:
    if len(value) != 4 or not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a year (YYYY)")
    return int(value)


def add_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register peers and coverage with build_parser's `add`."""
    peers = add("peers", cmd_peers, "db")
    peers.add_argument(
        "--from",
        dest="year_from",
        type=_year,
        metavar="YEAR",
        help="first year counted (default: the first)",
    )
    peers.add_argument(
        "--to",
        dest="year_to",
        type=_year,
        metavar="YEAR",
        help="last year counted (default: the last)",
    )
    peers.add_argument(
        "--limits",
        choices=["exact", "normal"],
        default="exact",
        help="exact binomial limits (default) or normal approximation",
    )
    add_format(peers)
    cover = add("coverage", cmd_coverage, "db")
    add_by(cover, choices=("year", "quarter"))
    add_format(cover)
