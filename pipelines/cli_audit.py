"""The `marketspeak audit` commands: draw a sample of hits to label (`audit sample`) and turn
the labels into the precision of every count (`audit score`). The work is in analysis/audit.py,
the labelling page in dashboards/audit_page.py; cli.py registers the parser with
add_audit_parser()."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from marketspeak.pipelines.cli_options import (
    add_bootstrap,
    add_by,
    add_db,
    add_format,
    add_out_file,
    add_seed,
    add_wait,
)
from marketspeak.pipelines.exit_codes import EXIT_BAD_LABELS, EXIT_OK
from marketspeak.pipelines.settings import DB


def cmd_audit_sample(args: argparse.Namespace) -> int:
    """Write a stratified random sample of hits to label: CSV, and an HTML page to label it in.

    Up to --per-term hits of each term (of each term in each period with --by), drawn at
    random from all its hits in current documents, counted and set aside alike, with about
    25 tokens either side. Label each COUNT, NAME, OTHER or ERROR (in the label column, or
    in the HTML page: one key per label, then save), then run `marketspeak audit score`.
    The same database and --seed give the same sample; hit ids survive a re-run.

    Example:
      marketspeak audit sample --per-term 20 --seed 1 --out audit.csv
      marketspeak audit sample --by year --per-term 5 --out audit.csv --html audit.html
    """
    from marketspeak.analysis.audit import sample, write_sample_csv
    from marketspeak.corpus.db import reading
    from marketspeak.dashboards.audit_page import label_page
    from marketspeak.dashboards.files import replace_file

    with reading(DB.value(args.db)) as con:
        frame = sample(con, args.per_term, args.by, args.seed)
    sampled = (
        f"{len(frame)} hits: up to {args.per_term} per term"
        + (f" and {args.by}" if args.by else "")
        + f", seed {args.seed}"
    )
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8", newline="") as handle:
            write_sample_csv(frame, handle)
    else:
        write_sample_csv(frame, sys.stdout)
    html = Path(args.html) if args.html else None
    if html is None and args.out:
        html = Path(args.out).with_suffix(".html")
    if html is not None:
        csv_name = Path(args.out).name if args.out else "audit-labelled.csv"
        html.parent.mkdir(parents=True, exist_ok=True)
        replace_file(html, label_page(frame, csv_name, sampled))
    where = f" into {args.out}" if args.out else ""
    page = f"; label them in {html}" if html else ""
    print(f"{sampled}{where}{page}", file=sys.stderr)
    return EXIT_OK


def cmd_audit_score(args: argparse.Namespace) -> int:
    """Store the labels of a labelled sample and print the precision of every count.

    Per lexicon and term (and period with --by): n labelled, the precision of counted hits
    (the share labelled COUNT) with a Wilson 95% interval, the share of set-aside hits that
    should have counted (missed_share), and the corrected count (counted hits x precision).
    Then the naming index corrected by the role words' precision, with a 95% interval that
    resamples documents and draws each lexicon's precision from its Beta posterior (per
    period too with --by; JSON keys naming_index and naming_index_by_period).
    Rows '(labelled terms)' and '(role words)' pool the labelled terms only, each weighted
    by its hits. Labels stored
    earlier are scored too; a hit labelled again keeps its last label. A bad label or an
    unknown hit id stops with the file and line, and nothing is stored. Storing takes the
    database's run lock, as every writing command does: while a run holds it, the score
    exits 3 at once with one line saying who holds it (or waits, with --wait).

    Example:
      marketspeak audit score audit.csv --format csv > precision.csv
    """
    from marketspeak.analysis.audit import AuditError

    path = Path(args.file)
    db = DB.value(args.db)
    try:
        stored = _store_labels(db, path, args.wait)
    except AuditError as exc:
        print(f"marketspeak: error: {exc}", file=sys.stderr)
        return EXIT_BAD_LABELS
    frame, versions, naming, by_period = _scores(db, args)
    print(f"stored {stored} label(s) from {path.name}", file=sys.stderr)
    if args.format == "json":
        result = _scores_json(frame, versions, naming, by_period)
        print(json.dumps(result, indent=1, ensure_ascii=False))
    else:
        _print_scores(frame, args.format, versions, naming, by_period)
    return EXIT_OK


def _store_labels(db: str, path: Path, wait: bool) -> int:
    """Read the labelled CSV (all of it, before anything is stored) and store its labels."""
    from marketspeak.analysis.audit import read_labels, store_labels
    from marketspeak.corpus.db import connect
    from marketspeak.pipelines.lock import run_lock

    labels = read_labels(path)
    # The labels are stored in the database: one writer at a time (pipelines/lock.py).
    with run_lock(db, wait=wait, by="marketspeak audit score"):
        con = connect(db)
        try:
            return store_labels(con, labels, path)
        finally:
            con.close()


def _scores(db: str, args: argparse.Namespace):
    """The precision table, the lexicon versions, the corrected naming index and, with --by,
    the index per period."""
    from marketspeak.analysis.audit import audited_naming_index, audited_naming_trend, score
    from marketspeak.corpus.db import matched_under, reading

    with reading(db) as con:
        frame = score(con, args.by)
        versions = matched_under(con)
        naming = audited_naming_index(con, args.bootstrap, args.seed)
        by_period = (
            audited_naming_trend(con, args.by, args.bootstrap, args.seed) if args.by else None
        )
    if not args.by:
        frame = frame.drop(columns=["period"])
    return frame, versions, naming, by_period


def _scores_json(frame, versions: str, naming: dict | None, by_period) -> dict:
    rows = json.loads(frame.to_json(orient="records", force_ascii=False))
    for row in rows:
        row["lexicon_versions"] = versions
    result = {"scores": rows, "naming_index": naming}
    if by_period is not None:
        result["naming_index_by_period"] = json.loads(by_period.to_json(orient="records"))
    return result


def _print_scores(frame, fmt: str, versions: str, naming: dict | None, by_period) -> None:
    """The precision table (or CSV) on stdout, the naming index line on stderr and, in the
    table view, the naming index per period."""
    from marketspeak.pipelines.cli_measures import _emit, _print_table

    def show(frame) -> None:
        table = frame.rename(columns=TABLE_HEADINGS).round(3)
        _print_table(table, columns=[c for c in table.columns if c != "lexicon_versions"])

    _emit(frame, fmt, versions, show)
    if naming is None:
        print(
            "naming index: not corrected (both lexicons' role words need labels)", file=sys.stderr
        )
        return
    print(naming_line(naming), file=sys.stderr)
    if by_period is not None and fmt == "table":
        _print_table(
            by_period.round(3),
            columns=list(by_period.columns),
            caption="naming index per period, and corrected by the audited "
            "precision of the role words (95% intervals)",
        )


# Short headings for the terminal; csv and json keep the column names.
TABLE_HEADINGS = {
    "n_labelled": "n",
    "n_counted_labelled": "n counted",
    "precision_low": "low",
    "precision_high": "high",
    "n_set_aside_labelled": "n set aside",
    "missed_share": "missed",
    "counted_hits": "counted hits",
    "corrected_count": "corrected",
}


def naming_line(naming: dict) -> str:
    def span(low: float, high: float) -> str:
        return "" if math.isnan(low) else f" (95% {low:.3f}–{high:.3f})"

    return (
        f"naming index, dated documents: {naming['naming_index']:.3f}"
        f"{span(naming['naming_index_low'], naming['naming_index_high'])}; corrected by the "
        f"audited precision of the role words: {naming['audited_naming_index']:.3f}"
        f"{span(naming['audited_low'], naming['audited_high'])}"
    )


def add_audit_parser(sub) -> argparse.ArgumentParser:
    """`audit` with its `sample` and `score` subcommands, on the main parser's subparsers."""
    formatter = argparse.RawDescriptionHelpFormatter
    audit = sub.add_parser(
        "audit",
        help="label a sample of hits and score the precision of every count",
        description="Label a sample of hits (audit sample) and score the precision of every "
        "count from the labels (audit score).\n\nExample:\n"
        "  marketspeak audit sample --per-term 20 --out audit.csv\n"
        "  marketspeak audit score audit.csv",
        formatter_class=formatter,
    )
    commands = audit.add_subparsers(dest="audit_command", required=True, metavar="COMMAND")

    def add(name: str, func) -> argparse.ArgumentParser:
        doc = func.__doc__ or ""
        p = commands.add_parser(
            name, help=doc.splitlines()[0], description=doc, formatter_class=formatter
        )
        p.set_defaults(func=func)
        add_db(p)
        add_by(p, default=None, help="stratify (sample) or score per period as well as per term")
        add_seed(p, "random seed")
        return p

    draw = add("sample", cmd_audit_sample)
    draw.add_argument("--per-term", type=int, default=20, help="hits per stratum (default 20)")
    add_out_file(draw, "CSV to write (default: standard output)")
    draw.add_argument(
        "--html", metavar="FILE", help="labelling page to write (default: beside --out)"
    )
    scored = add("score", cmd_audit_score)
    scored.add_argument("file", help="the labelled CSV")
    add_format(scored)
    add_bootstrap(scored, "resamples for the naming index interval")
    add_wait(scored)
    return audit
