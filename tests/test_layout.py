"""The code base keeps its shape: imports run one way, and ruff finds nothing."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("pipelines", "spiders", "corpus", "analysis", "dashboards")
# Which of our packages each package may import (besides itself).
ALLOWED = {
    "pipelines": {"spiders", "corpus", "analysis", "dashboards"},
    "dashboards": {"analysis", "corpus"},
    "analysis": {"corpus"},
    "spiders": {"corpus"},
    "corpus": set(),
}


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def imported_packages(path: Path) -> set[str]:
    """Our subpackages a file imports, as `corpus` for `marketspeak.corpus.db`."""
    return {
        name.split(".")[1]
        for name in imported_modules(path)
        if name.startswith("marketspeak.") and name.split(".")[1] in PACKAGES
    }


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_run_one_way(package):
    wrong = {
        f"{path.relative_to(ROOT)} imports {other}"
        for path in (ROOT / package).rglob("*.py")
        for other in imported_packages(path) - ALLOWED[package] - {package}
    }
    assert wrong == set()


def test_spiders_use_corpus_only_for_the_item_schema():
    for path in (ROOT / "spiders").rglob("*.py"):
        for name in imported_modules(path):
            if name.startswith("marketspeak.corpus"):
                assert name == "marketspeak.corpus.items", path


def test_code_imports_our_packages_only_by_their_installed_names():
    """`import corpus` would work from a checkout but not from a wheel, and would load a
    second copy of the module beside `marketspeak.corpus`."""
    folders = [ROOT / name for name in (*PACKAGES, "tests", "bench")]
    bare = {
        f"{path.relative_to(ROOT)} imports {name}"
        for folder in folders
        for path in folder.rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in PACKAGES
    }
    assert bare == set()


def test_ruff_finds_nothing():
    ruff = Path(sys.executable).parent / "ruff"
    command = str(ruff) if ruff.exists() else shutil.which("ruff")
    assert command, "ruff is installed with the test extras"
    done = subprocess.run(
        [command, "check", str(ROOT)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout


def test_ruff_format_leaves_every_file_as_it_is():
    ruff = Path(sys.executable).parent / "ruff"
    command = str(ruff) if ruff.exists() else shutil.which("ruff")
    done = subprocess.run(
        [command, "format", "--check", str(ROOT)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout
