"""Options that many `marketspeak` commands share, declared once."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

FORMATS = ("table", "csv", "json")  # what cli_measures._emit can print


def add_format(
    parser: argparse.ArgumentParser, choices: Sequence[str] = FORMATS, default: str = "table"
) -> argparse.Action:
    """Add `--format` (a table on the terminal by default) to a command's parser."""
    return parser.add_argument("--format", choices=list(choices), default=default)
