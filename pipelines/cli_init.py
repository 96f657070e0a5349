"""`marketspeak init`: write a commented starter sources file.

The file is `pipelines/sources.example.yaml`, shipped with the package: one example source
with every key, its default and what it does, which the sources validator accepts as it is.
Its keys and defaults are those `Source` declares in `pipelines/sources.py` (a test holds the
file to the declaration); the prose around them is written by hand, so it stays a file.
"""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

from marketspeak.pipelines.exit_codes import EXIT_OK

EXAMPLE = "sources.example.yaml"


def example_text() -> str:
    """The starter sources file, as shipped with the package."""
    return resources.files("marketspeak.pipelines").joinpath(EXAMPLE).read_text(encoding="utf-8")


def write_example(path: Path, force: bool = False) -> Path:
    """Write the starter file to `path`; an existing file is kept unless `force`."""
    if path.exists() and not force:
        raise ValueError(f"{path}: already exists (use --force to overwrite it)")
    if path.is_dir():
        raise ValueError(f"{path}: is a folder; give a file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(example_text(), encoding="utf-8")
    return path


def cmd_init(args: argparse.Namespace) -> int:
    """Write a commented starter sources file (default sources.yaml here) to edit and run.

    Every key of a source is shown with its default; the file is kept if it exists, unless
    --force.

    Example:
      marketspeak init
      marketspeak init my-sources.yaml --force
      marketspeak run --sources my-sources.yaml
    """
    path = write_example(Path(args.file), force=args.force)
    print(f"wrote {path.resolve()}")
    print(f"next:  edit it, then marketspeak run --sources {args.file}")
    return EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "file",
        nargs="?",
        default="sources.yaml",
        metavar="FILE",
        help="file to write (default sources.yaml)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    return parser
