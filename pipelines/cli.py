"""The `marketspeak` command: a thin layer over the steps and flows.

Each subcommand is a short function; its docstring (with an Example) is its `-h` text.
Errors in input become one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import numbers
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pipelines.settings import DB, OUT, configure_prefect

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
log = logging.getLogger("marketspeak")


def _load_sources(path: str) -> list[dict]:
    from pipelines.sources import load_sources

    return load_sources(path)


def cmd_run(args: argparse.Namespace) -> int:
    """Crawl, store, tokenise and publish in one Prefect flow run.

    Example:
      marketspeak run --sources sources.yaml --db data/marketspeak.duckdb --out site
    """
    sources = _load_sources(args.sources)
    configure_prefect()
    from pipelines.flows import run_flow

    result = run_flow(sources, DB.value(args.db), OUT.value(args.out), args.by)
    _report(result["db"], result["out"])
    return EXIT_OK


def cmd_crawl(args: argparse.Namespace) -> int:
    """Crawl the sources and store what they publish (no charts).

    Example:
      marketspeak crawl --sources sources.yaml --db data/marketspeak.duckdb
    """
    from pipelines import steps

    sources = _load_sources(args.sources)
    db = Path(DB.value(args.db))
    files = steps.crawl(sources, db)
    steps.ingest(db, files, sources)
    steps.tokenise(db)
    print(f"database: {db}")
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    """Write the chart site from the database.

    Example:
      marketspeak publish --db data/marketspeak.duckdb --out site
    """
    from pipelines import steps

    db, out = Path(DB.value(args.db)), Path(OUT.value(args.out))
    steps.publish(db, out, args.by)
    _report(db, out)
    return EXIT_OK


def cmd_trend(args: argparse.Namespace) -> int:
    """Print market and relational counts, rates and the market share index per period.

    With --ci, 95% bootstrap intervals (documents resampled) and a `sparse` flag for
    periods with under 10,000 tokens.

    Example:
      marketspeak trend --by quarter --ci --format csv > trend.csv
    """
    from analysis.frequency import period_label, trend
    from analysis.uncertainty import trend_with_ci
    from corpus.db import connect

    con = connect(DB.value(args.db), read_only=True)
    try:
        if args.ci:
            if args.by_source:
                raise ValueError("--ci works on all sources together; drop --by-source")
            frame = trend_with_ci(con, args.by, args.bootstrap, args.seed)
        else:
            frame = trend(con, args.by, by_source=args.by_source)
    finally:
        con.close()
    frame.insert(0, "period", [period_label(v, args.by) for v in frame["period_start"]])
    frame = frame.drop(columns=["period_start"])
    _emit(frame, args.format, lambda frame: _print_table(frame, caption=TREND_CAPTION))
    return EXIT_OK


def cmd_kwic(args: argparse.Namespace) -> int:
    """Print every use of TERM with the words around it, its date, title and URL.

    TERM is a lexicon term ("customer journey") or any word, matched on its lemma.

    Example:
      marketspeak kwic customer --width 6 --sample 20 --seed 1 --from 2015 --format csv
    """
    from analysis.kwic import kwic
    from corpus.db import connect

    con = connect(DB.value(args.db), read_only=True)
    try:
        frame = kwic(
            con,
            args.term,
            args.width,
            args.sample,
            args.seed,
            args.source,
            _date_arg(args.date_from, start=True),
            _date_arg(args.date_to, start=False),
        )
    finally:
        con.close()
    frame["published"] = [v.isoformat() if v else "" for v in frame["published"]]
    _emit(frame, args.format, _print_kwic)
    print(f"{len(frame)} line(s)", file=sys.stderr)
    return EXIT_OK


def cmd_collocates(args: argparse.Namespace) -> int:
    """Print the words that keep TERM company, with O11, E11, log-likelihood, MI, logDice, t.

    Counting follows #LancsBox: pairs within --window word tokens either side; see
    analysis/collocations.py for every formula. Sorted by logDice.

    Example:
      marketspeak collocates customer --window 5 --min-freq 3 --by year --format csv
    """
    from analysis.collocations import collocates
    from analysis.frequency import period_label
    from corpus.db import connect

    con = connect(DB.value(args.db), read_only=True)
    try:
        frame = collocates(con, args.term, args.window, args.min_freq, args.by)
    finally:
        con.close()
    labels = [period_label(v, args.by) if args.by else "all" for v in frame["period_start"]]
    frame = frame.drop(columns=["period_start"])
    frame.insert(0, "period", labels)

    def show(frame) -> None:
        frame = frame.groupby("period", sort=False).head(args.top)
        _print_table(
            frame.round({"e11": 2, "ll": 2, "mi": 2, "logdice": 2, "t": 2}),
            columns=list(frame.columns),
        )

    _emit(frame, args.format, show)
    return EXIT_OK


def cmd_keyness(args: argparse.Namespace) -> int:
    """Compare two periods: which words the focus uses more (or less) than the reference.

    Scores: log-likelihood (signed), log ratio and %DIFF; see analysis/keyness.py.

    Example:
      marketspeak keyness --focus 2015-2024 --reference 2005-2014 --lexicons-only
    """
    from analysis.keyness import keyness
    from corpus.db import connect
    from corpus.lexicons import load_lexicons

    terms = None
    if args.lexicons_only:
        terms = [t.term for lx in load_lexicons() for t in lx.terms if " " not in t.term]
    con = connect(DB.value(args.db), read_only=True)
    try:
        frame = keyness(
            con,
            _period_arg(args.focus, "--focus"),
            _period_arg(args.reference, "--reference"),
            args.min_freq,
            terms,
        )
    finally:
        con.close()

    def show(frame) -> None:
        shown = frame.head(args.top)
        _print_table(
            shown.round(2),
            columns=list(shown.columns),
            caption="ll > 0: used more in the focus period; log_ratio +1: twice as often",
        )

    _emit(frame, args.format, show)
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


def cmd_lexicon(args: argparse.Namespace) -> int:
    """Validate lexicon files and list their terms (the shipped ones unless FILEs are given).

    Example:
      marketspeak lexicon check
      marketspeak lexicon check my-market.yaml corpus/lexicons/relational.yaml
    """
    from corpus.lexicons import load_lexicons, signature

    lexicons = load_lexicons([Path(p) for p in args.files] or None)
    for lexicon in lexicons:
        print(f"{lexicon.name} {lexicon.version} ({len(lexicon.terms)} terms) {lexicon.path}")
        for term in lexicon.terms:
            variants = f"  [{', '.join(term.variants)}]" if term.variants else ""
            print(f"  {term.term:<24} {term.category:<12}{variants}")
    print(f"ok: {signature(lexicons)}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Write the tables and views as Parquet files for other tools (tokens and hits by year).

    Example:
      marketspeak export --parquet exports/ --db data/marketspeak.duckdb
    """
    from corpus.db import connect
    from corpus.export import export_parquet

    con = connect(DB.value(args.db), read_only=True)
    try:
        written = export_parquet(con, Path(args.parquet))
    finally:
        con.close()
    for path in written:
        print(path)
    return EXIT_OK


def cmd_dispersion(args: argparse.Namespace) -> int:
    """Print how evenly each lexicon term is spread across sources: document frequency and
    Gries' DP (0 = spread like the text, near 1 = in one source); see analysis/dispersion.py.

    Example:
      marketspeak dispersion --format csv
    """
    from analysis.dispersion import dispersion
    from corpus.db import connect

    con = connect(DB.value(args.db), read_only=True)
    try:
        frame = dispersion(con)
    finally:
        con.close()
    _emit(frame, args.format, digits=3)
    return EXIT_OK


def cmd_drift(args: argparse.Namespace) -> int:
    """Print how far TERM's company changes between consecutive periods: the Jaccard overlap
    of its top collocates by logDice, with the term's frequency in each period.

    Example:
      marketspeak drift customer --by year --top 20
    """
    from analysis.drift import collocate_drift
    from corpus.db import connect

    con = connect(DB.value(args.db), read_only=True)
    try:
        frame = collocate_drift(con, args.term, args.by, args.top, args.window, args.min_freq)
    finally:
        con.close()
    _emit(frame, args.format, digits=3)
    return EXIT_OK


def cmd_compounds(args: argparse.Namespace) -> int:
    """Print how market words combine with other words over time ("customer journey",
    "internal customer"); with --discover, two-word phrases gensim finds in the corpus that
    contain a market word and are not yet in a lexicon.

    Example:
      marketspeak compounds --by year --min-freq 3
      marketspeak compounds --discover
    """
    from analysis.compounds import discover_compounds, modifier_uses, single_word_terms
    from analysis.frequency import period_label
    from corpus.db import connect
    from corpus.lexicons import load_lexicons

    lexicons = load_lexicons()
    words = args.terms or single_word_terms(lexicons)
    con = connect(DB.value(args.db), read_only=True)
    try:
        if args.discover:
            known = [f for lx in lexicons for t in lx.terms for f in (t.term, *t.variants)]
            frame = discover_compounds(con, words, known, min_count=args.min_freq)
        else:
            frame = modifier_uses(con, words, args.by, args.min_freq)
            frame.insert(0, "period", [period_label(v, args.by) for v in frame["period_start"]])
            frame = frame.drop(columns=["period_start"])
    finally:
        con.close()
    _emit(frame, args.format, digits=2)
    return EXIT_OK


def _emit(frame, fmt: str, show=None, digits: int = 3) -> None:
    """Write a result as CSV (cells that look like formulas neutralised), JSON, or a table
    (`show`, by default every column rounded to `digits`)."""
    if fmt == "csv":
        frame.map(_csv_safe).to_csv(sys.stdout, index=False)
    elif fmt == "json":
        print(frame.to_json(orient="records", indent=1, force_ascii=False, date_format="iso"))
    elif show is not None:
        show(frame)
    else:
        _print_table(frame.round(digits), columns=list(frame.columns))


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
    for row in frame.itertuples(index=False):
        # Crawled text may contain [brackets] that rich would read as markup.
        cells = (row.published, row.left_context, row.match, row.right_context, row.source)
        table.add_row(*(escape(str(cell)) for cell in cells))
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    console.print(table)


def cmd_demo(args: argparse.Namespace) -> int:
    """Serve the bundled sample site on 127.0.0.1 and run the whole pipeline on it.

    Example:
      marketspeak demo --db data/demo.duckdb --out site
    """
    from pipelines.demo import run_demo

    configure_prefect()
    db, out = Path(args.db), Path(OUT.value(args.out))
    run_demo(db, out)
    _report(db, out)
    return EXIT_OK


# The table view keeps the columns that fit a terminal; csv and json have them all.
TABLE_COLUMNS = {
    "period": "period",
    "source": "source",
    "n_documents": "docs",
    "n_tokens": "tokens",
    "market_hits": "market",
    "relational_hits": "relational",
    "market_per_million": "market/M",
    "relational_per_million": "relational/M",
    "market_share_index": "index",
    "market_share_index_low": "index low",
    "market_share_index_high": "index high",
    "sparse": "sparse",
}


TREND_CAPTION = (
    "market/M, relational/M: hits per million tokens; index: market / (market + relational)"
)
TEXT_COLUMNS = (
    "period",
    "next_period",
    "shared",
    "role",
    "compound",
    "phrase",
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


def _report(db: str | Path, out: str | Path) -> None:
    out = Path(out)
    print(f"database: {Path(db).resolve()}")
    print(f"charts:   {(out / 'index.html').resolve()}")
    print(f"          {(out / 'charts').resolve()}/*.html|png|svg|vl.json|csv")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marketspeak",
        formatter_class=_Formatter,
        description="Measure market against relational words in public-sector texts.\n\n"
        "Example:\n  marketspeak demo",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="more log output")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Callable, *options: str) -> argparse.ArgumentParser:
        doc = func.__doc__ or ""
        p = sub.add_parser(
            name, help=doc.splitlines()[0], description=doc, formatter_class=_Formatter
        )
        p.set_defaults(func=func)
        if "sources" in options:
            p.add_argument("--sources", required=True, metavar="FILE", help="sources file (YAML)")
        if "db" in options:
            p.add_argument(
                "--db", metavar="PATH", help=f"{DB.help} (env {DB.env}; default {DB.default})"
            )
        if "out" in options:
            p.add_argument(
                "--out", metavar="DIR", help=f"{OUT.help} (env {OUT.env}; default {OUT.default})"
            )
        if "by" in options:
            p.add_argument(
                "--by",
                choices=["year", "quarter", "month"],
                default="year",
                help="period length (default year)",
            )
        return p

    add("run", cmd_run, "sources", "db", "out", "by")
    add("crawl", cmd_crawl, "sources", "db")
    add("publish", cmd_publish, "db", "out", "by")
    trend = add("trend", cmd_trend, "db", "by")
    trend.add_argument("--format", choices=["table", "csv", "json"], default="table")
    trend.add_argument("--by-source", action="store_true", help="one row per period and source")
    trend.add_argument("--ci", action="store_true", help="add 95%% bootstrap intervals")
    trend.add_argument("--bootstrap", type=int, default=1000, help="resamples for --ci")
    trend.add_argument("--seed", type=int, default=0, help="seed for --ci (default 0)")
    colloc = add("collocates", cmd_collocates, "db")
    colloc.add_argument("term", help="lexicon term or word")
    colloc.add_argument("--window", type=int, default=5, help="word tokens each side (default 5)")
    colloc.add_argument("--min-freq", type=int, default=1, help="smallest O11 listed (default 1)")
    colloc.add_argument("--by", choices=["year", "quarter", "month"], help="one list per period")
    colloc.add_argument("--top", type=int, default=20, help="rows per period in the table view")
    colloc.add_argument("--format", choices=["table", "csv", "json"], default="table")
    key = add("keyness", cmd_keyness, "db")
    key.add_argument("--focus", required=True, help="years, e.g. 2015-2024")
    key.add_argument("--reference", required=True, help="years, e.g. 2005-2014")
    key.add_argument("--min-freq", type=int, default=5, help="smallest total frequency (default 5)")
    key.add_argument("--lexicons-only", action="store_true", help="only single-word lexicon terms")
    key.add_argument("--top", type=int, default=30, help="rows in the table view (default 30)")
    key.add_argument("--format", choices=["table", "csv", "json"], default="table")
    lexicon = add("lexicon", cmd_lexicon)
    lexicon.add_argument("action", choices=["check"], help="check: validate and list terms")
    lexicon.add_argument("files", nargs="*", help="lexicon YAML files (default: shipped ones)")
    export = add("export", cmd_export, "db")
    export.add_argument("--parquet", required=True, metavar="DIR", help="folder to write")
    spread = add("dispersion", cmd_dispersion, "db")
    spread.add_argument("--format", choices=["table", "csv", "json"], default="table")
    drift = add("drift", cmd_drift, "db")
    drift.add_argument("term", help="lexicon term or word")
    drift.add_argument("--by", choices=["year", "quarter", "month"], default="year")
    drift.add_argument("--top", type=int, default=20, help="collocates compared (default 20)")
    drift.add_argument("--window", type=int, default=5, help="word tokens each side")
    drift.add_argument("--min-freq", type=int, default=2, help="smallest O11 (default 2)")
    drift.add_argument("--format", choices=["table", "csv", "json"], default="table")
    comp = add("compounds", cmd_compounds, "db", "by")
    comp.add_argument("terms", nargs="*", help="words to look at (default: market words)")
    comp.add_argument("--min-freq", type=int, default=3, help="smallest total count (default 3)")
    comp.add_argument("--discover", action="store_true", help="find new compounds with gensim")
    comp.add_argument("--format", choices=["table", "csv", "json"], default="table")
    kwic = add("kwic", cmd_kwic, "db")
    kwic.add_argument("term", help="lexicon term or word")
    kwic.add_argument("--width", type=int, default=8, help="tokens of context each side")
    kwic.add_argument("--sample", type=int, help="show a random sample of N lines")
    kwic.add_argument("--seed", type=int, default=0, help="seed for --sample (default 0)")
    kwic.add_argument("--source", help="only this source")
    kwic.add_argument("--from", dest="date_from", metavar="DATE", help="from year or date")
    kwic.add_argument("--to", dest="date_to", metavar="DATE", help="to year or date")
    kwic.add_argument("--format", choices=["table", "csv", "json"], default="table")
    demo = add("demo", cmd_demo, "out")
    demo.add_argument(
        "--db",
        default="data/demo.duckdb",
        metavar="PATH",
        help="database for the demo, recreated each time (default data/demo.duckdb)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from corpus.db import DatabaseError
    from corpus.ingest import IngestError
    from corpus.yamlfile import ConfigError
    from spiders.launch import CrawlError

    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("gensim").setLevel(logging.WARNING)  # one line per Prefect API call otherwise
    try:
        return args.func(args)
    except (ConfigError, IngestError) as exc:
        print(f"marketspeak: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (DatabaseError, CrawlError, ValueError) as exc:
        print(f"marketspeak: error: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
