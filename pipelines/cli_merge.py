"""The `marketspeak merge` command: other crawl machines' databases brought into this one
(corpus/merge.py), then the languages, boilerplate and duplicates found again over the
whole, as the tokenise step finds them. `add_arguments` wires it into the parser in cli.py."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from marketspeak.corpus.db import connect
from marketspeak.corpus.merge import MergeResult, merge_database
from marketspeak.corpus.runs import recorded
from marketspeak.pipelines.cli_options import add_wait
from marketspeak.pipelines.exit_codes import EXIT_OK
from marketspeak.pipelines.lock import run_lock
from marketspeak.pipelines.settings import DB


def cmd_merge(args: argparse.Namespace) -> int:
    """Merge other crawl machines' databases into this one, idempotently: their documents,
    URLs, fetch logs, issues, crawl runs and sources, and the tokens and hits of documents
    not tokenised here (nothing is tokenised again). Languages, boilerplate and near
    duplicates are then found again over the whole. Each file is merged in one transaction;
    a file that cannot be merged stops the command with its name, and the files before it
    stay merged. The lexicon versions and name rule of every file must be this database's.

    Example:
      marketspeak merge machine-b.duckdb machine-c.duckdb --db data/marketspeak.duckdb
    """
    from marketspeak.pipelines import steps  # after parsing: importing the steps takes a while

    db = Path(DB.value(args.db))
    with run_lock(db, wait=args.wait, by="marketspeak merge"):
        con = connect(db)
        try:
            with recorded(con, "merge") as detail:
                merged: list[MergeResult] = []
                try:
                    for path in args.files:
                        merged.append(merge_database(con, Path(path)))
                        print(describe(merged[-1]))
                finally:
                    detail.update(files=[asdict(m) for m in merged])
                    if merged:  # what was merged is counted right even if a later file fails
                        detail.update(
                            languages=asdict(steps.identify_languages(con)),
                            boilerplate=asdict(steps.set_aside_boilerplate(con)),
                            duplicates=asdict(steps.cluster_duplicates(con)),
                        )
        finally:
            con.close()
    print(f"database: {db.resolve()}")
    return EXIT_OK


def describe(result: MergeResult) -> str:
    """One line saying what merging a file added."""
    return (
        f"{result.path}: {result.documents} new document(s), {result.tokenised} with their "
        f"tokens ({result.tokens} tokens, {result.hits} hits); {result.urls} new URL(s), "
        f"{result.fetches} fetch(es), {result.crawl_runs} crawl run(s), {result.issues} issue(s)"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The files to merge and --wait, on the parser cli.py made with --db."""
    parser.add_argument("files", nargs="+", metavar="OTHER.duckdb", help="databases to merge")
    add_wait(parser)
