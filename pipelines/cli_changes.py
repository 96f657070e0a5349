"""The `marketspeak changes` command: which changes over time are real (analysis/changes.py),
printed with the measure commands' output helpers."""

from __future__ import annotations

import argparse
import sys

from marketspeak.corpus.db import matched_under, reading
from marketspeak.pipelines.cli_measures import _emit, _print_table
from marketspeak.pipelines.cli_options import add_bootstrap, add_by, add_format, add_seed
from marketspeak.pipelines.exit_codes import EXIT_OK
from marketspeak.pipelines.settings import DB

CAPTION = (
    "slope: Theil-Sen, per year (terms: per million words; indices: share); interval: 95%, "
    "periods and documents resampled; p: Mann-Kendall and document resampling, the larger; "
    "q: Benjamini-Hochberg over every row tested"
)
TABLE = [
    "term",
    "lexicon",
    "slope",
    "slope_low",
    "slope_high",
    "change",
    "p",
    "q",
    "significant",
    "n_periods",
    "periods_without_hits",
]


def cmd_changes(args: argparse.Namespace) -> int:
    """Print which changes over time are real: for every term and both indices, a Theil-Sen
    slope per year with its 95% interval, a Mann-Kendall test and Benjamini-Hochberg q-values.

    Each term's rate per million words and the naming and register indices are computed per
    period; periods under 10,000 words (--min-words; those `trend --ci` flags
    sparse) and undated documents are left out, and each row says which. Documents are
    resampled within each period (--bootstrap, --seed), so that a few long documents
    cannot make a trend: the interval spans Sen's and the resampled one, and p is the
    larger of the Mann-Kendall p-value and the resampled one. `significant`: q <= --fdr.
    The naming index's row carries the most likely change point (Pettitt's test) and its
    p-value. change: the slope as a % of the term's mean rate per year (indices:
    percentage points per year). A term absent from most periods (periods_without_hits) can
    change significantly, appearing or disappearing, with a slope of 0. See
    analysis/changes.py.

    Example:
      marketspeak changes --by quarter --fdr 0.05 --format csv > changes.csv
    """
    from marketspeak.analysis.changes import NAMING, changes

    if not 0 < args.fdr < 1:
        raise ValueError(f"--fdr must be between 0 and 1, not {args.fdr}")
    if args.bootstrap < 10:
        raise ValueError(f"--bootstrap must be at least 10, not {args.bootstrap}")
    with reading(DB.value(args.db)) as con:
        frame = changes(con, args.by, args.bootstrap, args.seed, args.min_words, args.fdr)
        versions = matched_under(con)

    def show(frame) -> None:
        columns = [c for c in TABLE if c in frame.columns]
        _print_table(frame.round(4), columns=columns, caption=CAPTION)
        notes = sorted({text for text in frame["left_out"] if text})
        print("left out: " + ("; ".join(notes) if notes else "nothing"), file=sys.stderr)
        naming = frame[frame["term"] == NAMING].iloc[0]
        if naming["change_point"]:
            print(
                f"naming index: most likely change from {naming['change_point']} "
                f"(Pettitt, p = {naming['change_point_p']:.3f})",
                file=sys.stderr,
            )
        found = int(frame["significant"].sum())
        tested = int(frame["p"].notna().sum())
        print(f"{found} of {tested} tested changed at FDR {args.fdr}", file=sys.stderr)

    _emit(frame, args.format, versions, show)
    return EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `changes` (its --db comes with the shared ones)."""
    add_by(parser, choices=("year", "quarter"))
    parser.add_argument(
        "--fdr", type=float, default=0.05, help="false discovery rate for q (default 0.05)"
    )
    add_bootstrap(parser, "document resamples")
    add_seed(parser, "seed for the resamples")
    parser.add_argument(
        "--min-words",
        "--min-tokens",  # the former name, kept until 0.3: it always counted words
        dest="min_words",
        type=int,
        default=10_000,
        metavar="N",
        help="leave out periods with fewer words (default 10,000; 0 keeps every period; "
        "--min-tokens is the former name, removed in 0.3)",
    )
    add_format(parser)
