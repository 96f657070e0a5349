"""The `marketspeak` command: a thin layer over the steps and flows.

Each subcommand is a short function; its docstring (with an Example) is its `-h` text.
Errors in input become one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import functools
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from marketspeak.pipelines.cli_measures import add_context_commands, add_counting_commands
from marketspeak.pipelines.cli_options import (
    add_by,
    add_db,
    add_format,
    add_out,
    add_sources,
    add_wait,
)
from marketspeak.pipelines.exit_codes import (
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_SOURCE_FAILED,
    EXIT_USAGE,
)
from marketspeak.pipelines.lock import run_lock
from marketspeak.pipelines.settings import DB, OUT, configure_prefect

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


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


DEMO_DB = "data/demo.duckdb"  # the demo's own database, never the one `run` writes

# The shared options build_parser's `add` can give a command, in the order -h lists them.
SHARED = {"sources": add_sources, "db": add_db, "out": add_out, "by": add_by}
AddCommand = Callable[..., argparse.ArgumentParser]


def _add_command(sub, name: str, func: Callable, *options: str) -> argparse.ArgumentParser:
    """A subcommand whose -h is `func`'s docstring, with the named SHARED options."""
    doc = func.__doc__ or ""
    p = sub.add_parser(name, help=doc.splitlines()[0], description=doc, formatter_class=_Formatter)
    p.set_defaults(func=func)
    for option, add_option in SHARED.items():
        if option in options:
            add_option(p)
    return p


def _add_run_commands(add: AddCommand) -> None:
    """run, crawl, deploy and serve-schedules: the commands that crawl or schedule."""
    run = add("run", cmd_run, "sources", "db", "out", "by")
    add_wait(run)
    run.add_argument(
        "--dask-address",
        metavar="tcp://HOST:PORT",
        help="tokenise on this Dask cluster (partitions in MARKETSPEAK_PARTITIONS, shared)",
    )
    add_wait(add("crawl", cmd_crawl, "sources", "db"))
    add("deploy", cmd_deploy, "sources", "db", "out", "by")
    add("serve-schedules", cmd_serve_schedules, "sources", "db", "out", "by")


def _add_site_commands(add: AddCommand) -> None:
    """status, publish and serve."""
    add_format(add("status", cmd_status, "db"), choices=("table", "json"))
    add("publish", cmd_publish, "db", "out", "by")
    serve = add("serve", cmd_serve, "out")
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")


def _add_data_commands(add: AddCommand) -> None:
    """lexicon and export."""
    lexicon = add("lexicon", cmd_lexicon)
    lexicon.add_argument("action", choices=["check"], help="check: validate and list terms")
    lexicon.add_argument("files", nargs="*", help="lexicon YAML files (default: shipped ones)")
    export = add("export", cmd_export, "db")
    export.add_argument("--parquet", required=True, metavar="DIR", help="folder to write")


def _add_other_commands(add: AddCommand, sub) -> None:
    """audit, peers, coverage, changes, init, merge and demo, in the order -h lists them."""
    from marketspeak.pipelines.cli_audit import add_audit_parser
    from marketspeak.pipelines.cli_changes import add_arguments as add_changes_arguments
    from marketspeak.pipelines.cli_changes import cmd_changes
    from marketspeak.pipelines.cli_init import add_arguments as add_init_arguments
    from marketspeak.pipelines.cli_init import cmd_init
    from marketspeak.pipelines.cli_merge import add_arguments as add_merge_arguments
    from marketspeak.pipelines.cli_merge import cmd_merge
    from marketspeak.pipelines.cli_peers import add_commands as add_peer_commands

    add_audit_parser(sub)  # audit sample, audit score
    add_peer_commands(add)  # peers and coverage
    add_changes_arguments(add("changes", cmd_changes, "db"))  # which changes are real
    add_init_arguments(add("init", cmd_init))  # a starter sources file
    add_merge_arguments(add("merge", cmd_merge, "db"))  # other crawl machines' databases
    add_db(
        add("demo", cmd_demo, "out"),
        default=DEMO_DB,
        help=f"database for the demo, recreated each time (default {DEMO_DB})",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marketspeak",
        formatter_class=_Formatter,
        description="Measure market against relational words in public-sector texts.\n\n"
        "Example:\n  marketspeak demo",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="more log output")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add = functools.partial(_add_command, sub)
    _add_run_commands(add)
    _add_site_commands(add)
    add_counting_commands(add)  # trend, collocates, keyness
    _add_data_commands(add)
    add_context_commands(add)  # dispersion, drift, compounds, neighbours, kwic, agency
    _add_other_commands(add, sub)
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
