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


def imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


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
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("corpus"):
                assert node.module == "corpus.items", path


def test_ruff_finds_nothing():
    ruff = Path(sys.executable).parent / "ruff"
    command = str(ruff) if ruff.exists() else shutil.which("ruff")
    assert command, "ruff is installed with the test extras"
    done = subprocess.run(
        [command, "check", str(ROOT)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout
