"""The exit codes live in pipelines/exit_codes.py, and the README lists each of them."""

from __future__ import annotations

import re
from pathlib import Path

from marketspeak.pipelines import cli, cli_audit, cli_measures, exit_codes

README = Path(__file__).resolve().parents[2] / "README.md"
PRIMARY = ("EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EXIT_LOCKED", "EXIT_SOURCE_FAILED")


def test_the_readme_lists_every_exit_code():
    text = README.read_text(encoding="utf-8")
    paragraph = text.split("**Exit codes.**", 1)[1].split("\n\n", 1)[0].split("\n- ", 1)[0]
    listed = {int(code) for code in re.findall(r"(?:^|;)\s*(\d) ", paragraph)}
    assert listed == {getattr(exit_codes, name) for name in PRIMARY}


def test_the_commands_use_the_one_module():
    for module in (cli, cli_audit, cli_measures):
        for name in dir(module):
            if name.startswith("EXIT_"):
                assert getattr(module, name) is getattr(exit_codes, name), (module, name)
