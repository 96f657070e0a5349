"""The wheel a user installs holds one top-level package, `marketspeak`, with every file
the code reads at run time (schema, migrations, lexicons, SQL, templates, assets, the
sample site's word lists and the starter sources file).

CI also installs this wheel into a fresh virtual environment and runs `marketspeak demo`
there, away from the checkout (`.ci/run`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Files read through importlib.resources or jinja2's PackageLoader: a wheel without them
# installs cleanly and fails at the first run.
DATA_FILES = (
    "marketspeak/corpus/schema.sql",
    "marketspeak/corpus/migrations/003.sql",
    "marketspeak/corpus/lexicons/market.yaml",
    "marketspeak/corpus/lexicons/relational.yaml",
    "marketspeak/corpus/lemma_exceptions.yaml",
    "marketspeak/analysis/sql/trend.sql",
    "marketspeak/dashboards/templates/index.html",
    "marketspeak/pipelines/sources.example.yaml",
)

UNPACKAGED = (".git", ".venv", "build", "*.egg-info", "__pycache__", "data", "site", ".prefect")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools builds in the source tree, and a build/ folder left
    # there by an earlier build would lend the wheel files since deleted.
    source = out / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*UNPACKAGED))
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (path,) = out.glob("marketspeak-*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive


def test_the_wheel_installs_no_top_level_package_but_marketspeak(wheel):
    tops = {name.split("/")[0] for name in wheel.namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"marketspeak"}
    assert "marketspeak/__init__.py" not in wheel.namelist()  # a namespace package


def test_the_wheel_carries_every_file_the_code_reads_at_run_time(wheel):
    names = set(wheel.namelist())
    assert [name for name in DATA_FILES if name not in names] == []
    assert any(name.startswith("marketspeak/dashboards/assets/") for name in names)
    assert any(name.startswith("marketspeak/pipelines/demo_site/") for name in names)


def test_the_wheel_names_its_licence_and_its_command(wheel):
    (metadata,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    text = wheel.read(metadata).decode("utf-8")
    assert "License-Expression: MIT" in text
    (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    assert "marketspeak = marketspeak.pipelines.cli:main" in wheel.read(entry_points).decode()
