"""The `marketspeak` command: a thin layer over the steps and flows.

Each subcommand is a short function; its docstring (with an Example) is its `-h` text.
Errors in input become one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from marketspeak.pipelines.cli_measures import (
    cmd_agency,
    cmd_collocates,
    cmd_compounds,
    cmd_dispersion,
    cmd_drift,
    cmd_keyness,
    cmd_kwic,
    cmd_neighbours,
    cmd_trend,
)
from marketspeak.pipelines.cli_options import add_format
from marketspeak.pipelines.exit_codes import (
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_SOURCE_FAILED,
    EXIT_USAGE,
)
from marketspeak.pipelines.lock import run_lock
from marketspeak.pipelines.settings import DB, OUT, PARSER, configure_prefect

log = logging.getLogger("marketspeak")


def _load_sources(path: str) -> list[dict]:
    from marketspeak.pipelines.sources import load_sources

    configure_prefect()  # checking a schedule imports Prefect, which reads these on import
    return load_sources(path)


def cmd_run(args: argparse.Namespace) -> int:
    """Crawl, store, tokenise and publish in one Prefect flow run.

    Example:
      marketspeak run --sources sources.yaml --db data/marketspeak.duckdb --out site
    """
    sources = _load_sources(args.sources)
    db = DB.value(args.db)
    # At the door, before Prefect (its import and temporary server take seconds): a second
    # run is refused at once, and cannot take the lock while this one is still starting.
    with run_lock(db, wait=args.wait, by="marketspeak run"):
        configure_prefect()
        from marketspeak.pipelines.flows import run_flow

        result = run_flow(
            sources,
            db,
            OUT.value(args.out),
            args.by,
            wait=args.wait,
            dask_address=args.dask_address,
        )
    for line in result["summary"]:
        print(line)
    _report(result["db"], result["out"], result["snapshot"])
    failed = [name for name, what in result["sources"].items() if what != "crawled"]
    return EXIT_SOURCE_FAILED if failed else EXIT_OK


def cmd_crawl(args: argparse.Namespace) -> int:
    """Crawl the sources and store what they publish (no charts).

    Example:
      marketspeak crawl --sources sources.yaml --db data/marketspeak.duckdb
    """
    sources = _load_sources(args.sources)
    db = Path(DB.value(args.db))
    with run_lock(db, wait=args.wait, by="marketspeak crawl"):
        from marketspeak.pipelines import steps  # after the lock: importing the steps takes a while

        files = steps.crawl(sources, db)
        steps.ingest(db, files, sources)
        steps.tokenise(db)
        snapshot = steps.snapshot(db)
    print(f"database: {db.resolve()}")
    print(f"snapshot: {snapshot.resolve()} (read this while the next run writes)")
    return EXIT_OK


def cmd_deploy(args: argparse.Namespace) -> int:
    """Create a Prefect deployment for every source with a `schedule:` (cron, UTC).

    Runs need a process serving them: `marketspeak serve-schedules` (or see the README for
    a Prefect server with its UI on 127.0.0.1).

    Example:
      marketspeak deploy --sources sources.yaml --db data/marketspeak.duckdb --out site
    """
    from marketspeak.pipelines.schedules import deploy, deployment_name

    sources = _load_sources(args.sources)
    configure_prefect()
    names = deploy(
        sources,
        str(Path(DB.value(args.db)).resolve()),
        str(Path(OUT.value(args.out)).resolve()),
        args.by,
    )
    scheduled = {
        f"marketspeak-run/{deployment_name(s)}": s["schedule"] for s in sources if s.get("schedule")
    }
    for name in names:
        print(f"deployed {name} (cron {scheduled[name]})")
    unscheduled = [s["name"] for s in sources if not s.get("schedule")]
    if unscheduled:
        print(f"not scheduled (no `schedule:`): {', '.join(unscheduled)}")
    return EXIT_OK


def cmd_serve_schedules(args: argparse.Namespace) -> int:
    """Run the scheduled crawls when they are due, until stopped (Ctrl-C).

    Example:
      marketspeak serve-schedules --sources sources.yaml --db data/marketspeak.duckdb
    """
    from marketspeak.pipelines.schedules import serve_schedules

    sources = _load_sources(args.sources)
    configure_prefect()
    serve_schedules(
        sources,
        str(Path(DB.value(args.db)).resolve()),
        str(Path(OUT.value(args.out)).resolve()),
        args.by,
    )
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    """Say what each source's last crawl did, what is stored, and how old the snapshot is.

    Exits 0 when every source's last crawl got pages, 4 when one got none but failures.

    Example:
      marketspeak status --db data/marketspeak.duckdb
    """
    from marketspeak.pipelines.status import print_status, read_status

    status = read_status(Path(DB.value(args.db)))
    print_status(status, args.format)
    return EXIT_SOURCE_FAILED if status["failing"] else EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    """Write the chart site from the database.

    Example:
      marketspeak publish --db data/marketspeak.duckdb --out site
    """
    from marketspeak.pipelines import steps

    db, out = Path(DB.value(args.db)), Path(OUT.value(args.out))
    steps.publish(db, out, args.by)
    _report(db, out)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Preview the published site on 127.0.0.1 (Ctrl-C stops it).

    Example:
      marketspeak serve --out site --port 8000
    """
    from marketspeak.pipelines.preview import serve_folder

    out = Path(OUT.value(args.out))
    if not (out / "index.html").is_file():
        raise ValueError(f"{out}: no published site here (run `marketspeak publish` first)")
    with serve_folder(out, args.port) as url:
        print(f"serving {out.resolve()} at {url}index.html (Ctrl-C stops)", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
    return EXIT_OK


def cmd_lexicon(args: argparse.Namespace) -> int:
    """Validate lexicon files and list their terms (the shipped ones unless FILEs are given).

    Example:
      marketspeak lexicon check
      marketspeak lexicon check my-market.yaml corpus/lexicons/relational.yaml
    """
    from marketspeak.corpus.lexicons import load_lexicons, signature

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
    from marketspeak.corpus.db import reading
    from marketspeak.corpus.export import export_parquet

    with reading(DB.value(args.db)) as con:
        written = export_parquet(con, Path(args.parquet))
    for path in written:
        print(path)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Serve the bundled sample site on 127.0.0.1 and run the whole pipeline on it.

    Example:
      marketspeak demo --db data/demo.duckdb --out site
    """
    from marketspeak.pipelines.demo import run_demo

    configure_prefect()
    db, out = Path(args.db), Path(OUT.value(args.out))
    with run_lock(db, by="marketspeak demo"):  # the demo recreates its database
        run_demo(db, out)
    _report(db, out)
    return EXIT_OK


def _report(db: str | Path, out: str | Path, snapshot: str | Path | None = None) -> None:
    out = Path(out)
    print(f"database: {Path(db).resolve()}")
    if snapshot:
        print(f"snapshot: {Path(snapshot).resolve()} (read this while the next run writes)")
    print(f"charts:   {(out / 'index.html').resolve()} (and methods.html)")
    print(f"          {(out / 'charts').resolve()}/*.html|png|svg|vl.json (single-file charts)")
    print(f"          {(out / 'data').resolve()}/*.csv|json (the numbers behind them)")
    print(f"preview:  marketspeak serve --out {out}")


STOPWORDS_HELP = "leave function words (spaCy's English stop list) out of the collocates"


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

    wait_help = "wait for a run that holds the database's lock instead of exiting 3"
    run = add("run", cmd_run, "sources", "db", "out", "by")
    run.add_argument("--wait", action="store_true", help=wait_help)
    run.add_argument(
        "--dask-address",
        metavar="tcp://HOST:PORT",
        help="tokenise on this Dask cluster (partitions in MARKETSPEAK_PARTITIONS, shared)",
    )
    add("crawl", cmd_crawl, "sources", "db").add_argument(
        "--wait", action="store_true", help=wait_help
    )
    add("deploy", cmd_deploy, "sources", "db", "out", "by")
    add("serve-schedules", cmd_serve_schedules, "sources", "db", "out", "by")
    status = add("status", cmd_status, "db")
    add_format(status, choices=("table", "json"))
    add("publish", cmd_publish, "db", "out", "by")
    serve = add("serve", cmd_serve, "out")
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    trend = add("trend", cmd_trend, "db", "by")
    add_format(trend)
    grouping = trend.add_mutually_exclusive_group()
    grouping.add_argument("--by-source", action="store_true", help="a row per period and source")
    grouping.add_argument(
        "--by-kind", action="store_true", help="a row per period and kind of source"
    )
    trend.add_argument("--ci", action="store_true", help="add 95%% bootstrap intervals")
    trend.add_argument("--bootstrap", type=int, default=1000, help="resamples for --ci")
    trend.add_argument("--seed", type=int, default=0, help="seed for --ci (default 0)")
    colloc = add("collocates", cmd_collocates, "db")
    colloc.add_argument("term", help="lexicon term or word")
    colloc.add_argument("--window", type=int, default=5, help="word tokens each side (default 5)")
    colloc.add_argument("--min-freq", type=int, default=1, help="smallest O11 listed (default 1)")
    colloc.add_argument("--by", choices=["year", "quarter", "month"], help="one list per period")
    colloc.add_argument("--top", type=int, default=20, help="rows per period in the table view")
    colloc.add_argument("--no-stopwords", action="store_true", help=STOPWORDS_HELP)
    add_format(colloc)
    key = add("keyness", cmd_keyness, "db")
    key.add_argument("--focus", required=True, help="years, e.g. 2015-2024")
    key.add_argument("--reference", required=True, help="years, e.g. 2005-2014")
    key.add_argument("--min-freq", type=int, default=5, help="smallest total frequency (default 5)")
    key.add_argument("--lexicons-only", action="store_true", help="only single-word lexicon terms")
    key.add_argument("--top", type=int, default=30, help="rows in the table view (default 30)")
    add_format(key)
    lexicon = add("lexicon", cmd_lexicon)
    lexicon.add_argument("action", choices=["check"], help="check: validate and list terms")
    lexicon.add_argument("files", nargs="*", help="lexicon YAML files (default: shipped ones)")
    export = add("export", cmd_export, "db")
    export.add_argument("--parquet", required=True, metavar="DIR", help="folder to write")
    spread = add("dispersion", cmd_dispersion, "db")
    add_format(spread)
    drift = add("drift", cmd_drift, "db")
    drift.add_argument("term", help="lexicon term or word")
    drift.add_argument("--by", choices=["year", "quarter", "month"], default="year")
    drift.add_argument("--top", type=int, default=20, help="collocates compared (default 20)")
    drift.add_argument("--window", type=int, default=5, help="word tokens each side")
    drift.add_argument("--min-freq", type=int, default=2, help="smallest O11 (default 2)")
    drift.add_argument("--no-stopwords", action="store_true", help=STOPWORDS_HELP)
    add_format(drift)
    comp = add("compounds", cmd_compounds, "db", "by")
    comp.add_argument("terms", nargs="*", help="words to look at (default: market words)")
    comp.add_argument("--min-freq", type=int, default=3, help="smallest total count (default 3)")
    comp.add_argument("--discover", action="store_true", help="find new compounds with gensim")
    add_format(comp)
    near = add("neighbours", cmd_neighbours, "db")
    near.add_argument("term", help="a word (its lemma)")
    near.add_argument("--by", choices=["year", "quarter", "month"], default="year")
    near.add_argument("--top", type=int, default=10, help="neighbours per period (default 10)")
    near.add_argument("--seed", type=int, default=0, help="training seed (default 0)")
    add_format(near)
    kwic = add("kwic", cmd_kwic, "db")
    kwic.add_argument("term", help="lexicon term or word")
    kwic.add_argument("--width", type=int, default=8, help="tokens of context each side")
    kwic.add_argument("--sample", type=int, help="show a random sample of N lines")
    kwic.add_argument("--seed", type=int, default=0, help="seed for --sample (default 0)")
    kwic.add_argument("--source", help="only this source")
    kwic.add_argument("--from", dest="date_from", metavar="DATE", help="from year or date")
    kwic.add_argument("--to", dest="date_to", metavar="DATE", help="to year or date")
    kwic.add_argument(
        "--all",
        dest="every_hit",
        action="store_true",
        help="every hit, with why each one not counted is set aside",
    )
    add_format(kwic)
    agency = add("agency", cmd_agency, "db", "by")
    agency.add_argument("terms", nargs="*", help="terms to look at (default: every term)")
    agency.add_argument("--by-term", action="store_true", help="a row per term, not per lexicon")
    agency.add_argument(
        "--model",
        metavar="NAME|DIR",
        help=f"{PARSER.help} (env {PARSER.env}; default {PARSER.default})",
    )
    agency.add_argument(
        "--max-tokens", type=int, default=80, help="skip longer sentences (default 80)"
    )
    add_format(agency)
    from marketspeak.pipelines.cli_audit import add_audit_parser

    add_audit_parser(sub)  # audit sample, audit score
    from marketspeak.pipelines.cli_peers import add_commands as add_peer_commands

    add_peer_commands(add)  # peers and coverage
    from marketspeak.pipelines.cli_changes import add_arguments as add_changes_arguments
    from marketspeak.pipelines.cli_changes import cmd_changes

    add_changes_arguments(add("changes", cmd_changes, "db"))  # which changes are real
    from marketspeak.pipelines.cli_init import add_arguments as add_init_arguments
    from marketspeak.pipelines.cli_init import cmd_init

    add_init_arguments(add("init", cmd_init))  # a starter sources file
    demo = add("demo", cmd_demo, "out")
    demo.add_argument(
        "--db",
        default="data/demo.duckdb",
        metavar="PATH",
        help="database for the demo, recreated each time (default data/demo.duckdb)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from marketspeak.corpus.db import DatabaseError
    from marketspeak.corpus.ingest import IngestError
    from marketspeak.corpus.yamlfile import ConfigError
    from marketspeak.pipelines.lock import RunLocked
    from marketspeak.spiders.launch import CrawlError

    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("gensim").setLevel(logging.WARNING)  # one line per Prefect API call otherwise
    try:
        return args.func(args)
    except RunLocked as exc:
        print(f"marketspeak: error: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except (ConfigError, IngestError) as exc:
        print(f"marketspeak: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (DatabaseError, CrawlError, ValueError) as exc:
        print(f"marketspeak: error: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
