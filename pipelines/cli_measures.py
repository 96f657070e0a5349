"""The measure commands of the `marketspeak` CLI (trend, kwic, collocates, keyness,
dispersion, drift, compounds) and how their results are printed: CSV with formula-safe
cells, JSON, or a table on the terminal. add_counting_commands and add_context_commands
register their parsers with cli.py's build_parser; shared options come from cli_options.py.
"""

from __future__ import annotations

import argparse
import numbers
import sys
from collections.abc import Callable

from marketspeak.corpus.db import matched_under, reading
from marketspeak.pipelines.cli_options import (
    add_bootstrap,
    add_by,
    add_format,
    add_min_freq,
    add_model,
    add_no_stopwords,
    add_seed,
    add_source,
    add_term,
    add_top,
    add_window,
)
from marketspeak.pipelines.exit_codes import EXIT_NO_PARSER, EXIT_OK
from marketspeak.pipelines.settings import DB, PARSER


def cmd_trend(args: argparse.Namespace) -> int:
    """Print market and relational counts, rates, the naming index and the register index per
    period.

    naming_index: of the words naming the people served (lexicon category role), the share
    that are market words; market_share_index (the register index): the market share of
    all lexicon hits.

    With --ci, 95% bootstrap intervals (documents resampled) and a `sparse` flag for
    periods with under 10,000 tokens.

    Example:
      marketspeak trend --by quarter --ci --format csv > trend.csv
    """
    from marketspeak.analysis.frequency import period_label, trend
    from marketspeak.analysis.uncertainty import trend_with_ci

    with reading(DB.value(args.db)) as con:
        group = "source" if args.by_source else "kind" if args.by_kind else "all"
        if args.ci:
            frame = trend_with_ci(con, args.by, args.bootstrap, args.seed, by=group)
        else:
            frame = trend(con, args.by, group)
        versions = matched_under(con)
    frame.insert(0, "period", [period_label(v, args.by) for v in frame["period_start"]])
    frame = frame.drop(columns=["period_start"])
    _emit(frame, args.format, versions, lambda frame: _print_table(frame, caption=TREND_CAPTION))
    return EXIT_OK


def cmd_kwic(args: argparse.Namespace) -> int:
    """Print every use of TERM with the words around it, its date, title and URL.

    TERM is a lexicon term ("customer journey") or any word, matched on its lemma. A
    lexicon term's lines are the hits measures count; --all shows every hit, with the rule
    that set aside each one not counted (excluded_by: formula:..., sense:..., language).

    Example:
      marketspeak kwic customer --width 6 --sample 20 --seed 1 --from 2015 --format csv
      marketspeak kwic person --all
    """
    from marketspeak.analysis.kwic import kwic

    with reading(DB.value(args.db)) as con:
        frame = kwic(
            con,
            args.term,
            args.width,
            args.sample,
            args.seed,
            args.source,
            _date_arg(args.date_from, start=True),
            _date_arg(args.date_to, start=False),
            every_hit=args.every_hit,
        )
        versions = matched_under(con)
    frame["published"] = [v.isoformat() if v else "" for v in frame["published"]]
    _emit(frame, args.format, versions, _print_kwic)
    print(f"{len(frame)} line(s)", file=sys.stderr)
    return EXIT_OK


def cmd_collocates(args: argparse.Namespace) -> int:
    """Print the words that keep TERM company, with O11, E11, log-likelihood, MI, logDice, t.

    Counting follows #LancsBox: pairs within --window word tokens either side; see
    analysis/collocations.py for every formula. Sorted by logDice.

    Example:
      marketspeak collocates customer --window 5 --min-freq 3 --by year --format csv
    """
    from marketspeak.analysis.collocations import collocates, stop_words
    from marketspeak.analysis.frequency import period_label

    exclude = stop_words() if args.no_stopwords else ()
    with reading(DB.value(args.db)) as con:
        frame = collocates(con, args.term, args.window, args.min_freq, args.by, exclude)
        versions = matched_under(con)
    labels = [period_label(v, args.by) if args.by else "all" for v in frame["period_start"]]
    frame = frame.drop(columns=["period_start"])
    frame.insert(0, "period", labels)

    def show(frame) -> None:
        frame = frame.groupby("period", sort=False).head(args.top)
        _print_table(
            frame.round({"e11": 2, "ll": 2, "mi": 2, "logdice": 2, "t": 2}),
            columns=list(frame.columns),
        )

    _emit(frame, args.format, versions, show)
    return EXIT_OK


def cmd_keyness(args: argparse.Namespace) -> int:
    """Compare two periods: which words the focus uses more (or less) than the reference.

    Scores: log-likelihood (signed), log ratio and %DIFF; see analysis/keyness.py.

    Example:
      marketspeak keyness --focus 2015-2024 --reference 2005-2014 --lexicons-only
    """
    from marketspeak.analysis.keyness import keyness
    from marketspeak.corpus.lexicons import load_lexicons

    terms = None
    if args.lexicons_only:
        terms = [t.term for lx in load_lexicons() for t in lx.terms if " " not in t.term]
    with reading(DB.value(args.db)) as con:
        frame = keyness(
            con,
            _period_arg(args.focus, "--focus"),
            _period_arg(args.reference, "--reference"),
            args.min_freq,
            terms,
        )
        versions = matched_under(con)

    def show(frame) -> None:
        shown = frame.head(args.top)
        _print_table(
            shown.round(2),
            columns=list(shown.columns),
            caption="ll > 0: used more in the focus period; log_ratio +1: twice as often",
        )

    _emit(frame, args.format, versions, show)
    return EXIT_OK


def _period_arg(value: str, flag: str):
    """'2015-2024', '2015' or '2015-01-01:2019-06-30' as (first day, last day)."""
    if ":" in value:
        first, last = value.split(":", 1)
        return _date_arg(first, start=True, flag=flag), _date_arg(last, start=False, flag=flag)
    if len(value) == 9 and value[4] == "-":
        return (
            _date_arg(value[:4], start=True, flag=flag),
            _date_arg(value[5:], start=False, flag=flag),
        )
    return _date_arg(value, start=True, flag=flag), _date_arg(value, start=False, flag=flag)


def cmd_dispersion(args: argparse.Namespace) -> int:
    """Print how evenly each lexicon term is spread across sources: document frequency and
    Gries' DP (0 = spread like the text, near 1 = in one source); see analysis/dispersion.py.

    Example:
      marketspeak dispersion --format csv
    """
    from marketspeak.analysis.dispersion import dispersion

    with reading(DB.value(args.db)) as con:
        frame = dispersion(con)
        versions = matched_under(con)
    _emit(frame, args.format, versions, digits=3)
    return EXIT_OK


def cmd_drift(args: argparse.Namespace) -> int:
    """Print how far TERM's company changes between consecutive periods: the Jaccard overlap
    of its top collocates by logDice, with the term's frequency in each period.

    Example:
      marketspeak drift customer --by year --top 20
    """
    from marketspeak.analysis.collocations import stop_words
    from marketspeak.analysis.drift import collocate_drift

    exclude = stop_words() if args.no_stopwords else ()
    with reading(DB.value(args.db)) as con:
        frame = collocate_drift(
            con, args.term, args.by, args.top, args.window, args.min_freq, exclude
        )
        versions = matched_under(con)
    _emit(frame, args.format, versions, digits=3)
    return EXIT_OK


def cmd_neighbours(args: argparse.Namespace) -> int:
    """Print TERM's nearest neighbours per period in a Word2Vec model of that period, and how
    similar its vector stays to the previous period's after Procrustes alignment.

    Example:
      marketspeak neighbours customer --by year --top 10
    """
    from marketspeak.analysis.embeddings import neighbour_drift

    with reading(DB.value(args.db)) as con:
        frame = neighbour_drift(con, args.term, args.by, args.top, seed=args.seed)
        versions = matched_under(con)
    _emit(frame, args.format, versions, digits=3)
    return EXIT_OK


def cmd_compounds(args: argparse.Namespace) -> int:
    """Print how market words combine with other words over time ("customer journey",
    "internal customer"); with --discover, two-word phrases gensim finds in the corpus that
    contain a market word and are not yet in a lexicon.

    Example:
      marketspeak compounds --by year --min-freq 3
      marketspeak compounds --discover
    """
    from marketspeak.analysis.compounds import discover_compounds, modifier_uses, single_word_terms
    from marketspeak.analysis.frequency import period_label
    from marketspeak.corpus.lexicons import load_lexicons

    lexicons = load_lexicons()
    words = args.terms or single_word_terms(lexicons)
    with reading(DB.value(args.db)) as con:
        if args.discover:
            known = [f for lx in lexicons for t in lx.terms for f in (t.term, *t.variants)]
            frame = discover_compounds(con, words, known, min_count=args.min_freq)
        else:
            frame = modifier_uses(con, words, args.by, args.min_freq)
            frame.insert(0, "period", [period_label(v, args.by) for v in frame["period_start"]])
            frame = frame.drop(columns=["period_start"])
        versions = matched_under(con)
    _emit(frame, args.format, versions, digits=2)
    return EXIT_OK


def cmd_agency(args: argparse.Namespace) -> int:
    """Print per period how often market and relational words are the agent, the recipient
    or a modifier in their sentence, and how often possessed ("our customers").

    Parses only the sentences that hold a hit, with an installed spaCy pipeline that has a
    dependency parser (--model); without one it says how to install it and exits 1. See
    analysis/agency.py for how each role is read off the parse.

    Example:
      marketspeak agency --by year --format csv
      marketspeak agency customer citizen --by-term --model en_core_web_sm
    """
    from marketspeak.analysis.agency import ParserMissing, agency_shares, hit_roles, load_parser
    from marketspeak.analysis.frequency import period_label

    try:
        nlp = load_parser(PARSER.value(args.model))
    except ParserMissing as exc:
        print(f"marketspeak: error: {exc}", file=sys.stderr)
        return EXIT_NO_PARSER
    with reading(DB.value(args.db)) as con:
        roles = hit_roles(con, nlp, args.by, args.terms or None, args.max_tokens)
        versions = matched_under(con)
    frame = agency_shares(roles, by_term=args.by_term)
    frame.insert(0, "period", [period_label(v, args.by) for v in frame["period_start"]])
    frame = frame.drop(columns=["period_start"])
    _emit(frame, args.format, versions, digits=3)
    print(f"{len(roles)} hit(s) parsed with {nlp.meta.get('name', '?')}", file=sys.stderr)
    return EXIT_OK


def _emit(frame, fmt: str, versions: str, show=None, digits: int = 3) -> None:
    """Write a result as CSV (cells that look like formulas neutralised), JSON, or a table
    (`show`, by default every column rounded to `digits`). CSV and JSON rows carry the
    lexicon versions the hits were matched with; the table view names them on stderr."""
    if fmt in ("csv", "json"):
        frame = frame.assign(lexicon_versions=versions)
    if fmt == "csv":
        frame.map(_csv_safe).to_csv(sys.stdout, index=False)
    elif fmt == "json":
        print(frame.to_json(orient="records", indent=1, force_ascii=False, date_format="iso"))
    else:
        if show is not None:
            show(frame)
        else:
            _print_table(frame.round(digits), columns=list(frame.columns))
        print(f"lexicons: {versions or 'none recorded (nothing tokenised yet)'}", file=sys.stderr)


def _date_arg(value: str | None, start: bool, flag: str = "--from/--to"):
    """'2015' or '2015-06-30' as a date; a bare year means its first or last day."""
    from datetime import date

    if value is None:
        return None
    try:
        if len(value) == 4:
            return date(int(value), 1, 1) if start else date(int(value), 12, 31)
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{flag}: {value!r} is not a year or a YYYY-MM-DD date") from exc


def _csv_safe(value: object) -> object:
    """Crawled text must not become a spreadsheet formula: prefix =, +, -, @ with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _print_kwic(frame) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_header=True, box=None)
    table.add_column("date", no_wrap=True)
    table.add_column("left", justify="right", no_wrap=True, overflow="ellipsis", ratio=3)
    table.add_column("term", style="bold", no_wrap=True)
    table.add_column("right", no_wrap=True, overflow="ellipsis", ratio=3)
    table.add_column("source", no_wrap=True)
    every_hit = "excluded_by" in frame.columns
    if every_hit:
        table.add_column("set aside by", no_wrap=True)
    for row in frame.itertuples(index=False):
        # Crawled text may contain [brackets] that rich would read as markup.
        cells = [row.published, row.left_context, row.match, row.right_context, row.source]
        if every_hit:
            cells.append(row.excluded_by)
        table.add_row(*(escape(str(cell)) for cell in cells))
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    console.print(table)


# The table view keeps the columns that fit a terminal; csv and json have them all.
TABLE_COLUMNS = {
    "period": "period",
    "source": "source",
    "source_kind": "kind",
    "n_documents": "docs",
    "n_words": "words",
    "market_hits": "market",
    "relational_hits": "relational",
    "market_per_million": "market/M",
    "relational_per_million": "relational/M",
    "naming_index": "naming",
    "naming_index_low": "naming low",
    "naming_index_high": "naming high",
    "market_share_index": "register",
    "market_share_index_low": "register low",
    "market_share_index_high": "register high",
    "sparse": "sparse",
}


TREND_CAPTION = (
    "market/M, relational/M: hits per million words; naming: market role words / (market +"
    " relational role words); register: market / (market + relational), all words"
)


TEXT_COLUMNS = (
    "period",
    "next_period",
    "shared",
    "role",
    "compound",
    "phrase",
    "neighbours",
    "source",
    "collocate",
    "lemma",
    "lexicon",
    "term",
)


def _print_table(frame, columns: list[str] | None = None, caption: str = "") -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    names = dict(TABLE_COLUMNS) if columns is None else {c: c for c in columns}
    columns = [c for c in names if c in frame.columns]
    table = Table(caption=caption or None)
    for column in columns:
        table.add_column(
            names[column],
            no_wrap=True,
            justify="left" if column in TEXT_COLUMNS else "right",
        )
    for record in frame[columns].itertuples(index=False):
        table.add_row(*(escape(_fmt(v)) for v in record))
    console = Console()
    if not console.is_terminal:
        console = Console(width=140)
    console.print(table)


def _fmt(value: object) -> str:
    if type(value).__name__ in ("bool", "bool_"):
        return "yes" if value else ""
    if isinstance(value, float):
        return "" if value != value else f"{value:,.3f}" if value < 10 else f"{value:,.0f}"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    return "" if value is None else str(value)


def add_counting_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register trend, collocates and keyness with build_parser's `add` (cli.py)."""
    trend = add("trend", cmd_trend, "db", "by")
    add_format(trend)
    grouping = trend.add_mutually_exclusive_group()
    grouping.add_argument("--by-source", action="store_true", help="a row per period and source")
    grouping.add_argument(
        "--by-kind", action="store_true", help="a row per period and kind of source"
    )
    trend.add_argument("--ci", action="store_true", help="add 95%% bootstrap intervals")
    add_bootstrap(trend, "resamples for --ci")
    add_seed(trend, "seed for --ci")
    colloc = add("collocates", cmd_collocates, "db")
    add_term(colloc)
    add_window(colloc)
    add_min_freq(colloc, 1, "smallest O11 listed")
    add_by(colloc, default=None, help="one list per period")
    add_top(colloc, 20, "rows per period in the table view")
    add_no_stopwords(colloc)
    add_format(colloc)
    key = add("keyness", cmd_keyness, "db")
    key.add_argument("--focus", required=True, help="years, e.g. 2015-2024")
    key.add_argument("--reference", required=True, help="years, e.g. 2005-2014")
    add_min_freq(key, 5, "smallest total frequency")
    key.add_argument("--lexicons-only", action="store_true", help="only single-word lexicon terms")
    add_top(key, 30, "rows in the table view")
    add_format(key)


def add_context_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register dispersion, drift, compounds, neighbours, kwic and agency (cli.py's `add`)."""
    add_format(add("dispersion", cmd_dispersion, "db"))
    drift = add("drift", cmd_drift, "db", "by")
    add_term(drift)
    add_top(drift, 20, "collocates compared")
    add_window(drift)
    add_min_freq(drift, 2, "smallest O11")
    add_no_stopwords(drift)
    add_format(drift)
    comp = add("compounds", cmd_compounds, "db", "by")
    comp.add_argument("terms", nargs="*", help="words to look at (default: market words)")
    add_min_freq(comp, 3, "smallest total count")
    comp.add_argument("--discover", action="store_true", help="find new compounds with gensim")
    add_format(comp)
    near = add("neighbours", cmd_neighbours, "db", "by")
    add_term(near, help="a word (its lemma)")
    add_top(near, 10, "neighbours per period")
    add_seed(near, "training seed")
    add_format(near)
    _add_kwic(add("kwic", cmd_kwic, "db"))
    agency = add("agency", cmd_agency, "db", "by")
    agency.add_argument("terms", nargs="*", help="terms to look at (default: every term)")
    agency.add_argument("--by-term", action="store_true", help="a row per term, not per lexicon")
    add_model(agency)
    agency.add_argument(
        "--max-tokens", type=int, default=80, help="skip longer sentences (default 80)"
    )
    add_format(agency)


def _add_kwic(kwic: argparse.ArgumentParser) -> None:
    add_term(kwic)
    kwic.add_argument("--width", type=int, default=8, help="tokens of context each side")
    kwic.add_argument("--sample", type=int, help="show a random sample of N lines")
    add_seed(kwic, "seed for --sample")
    add_source(kwic)
    kwic.add_argument("--from", dest="date_from", metavar="DATE", help="from year or date")
    kwic.add_argument("--to", dest="date_to", metavar="DATE", help="to year or date")
    kwic.add_argument(
        "--all",
        dest="every_hit",
        action="store_true",
        help="every hit, with why each one not counted is set aside",
    )
    add_format(kwic)
