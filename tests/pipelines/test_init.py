"""`marketspeak init`: the starter sources file it writes is the packaged one, shows every
key with its default, passes the validator, and never overwrites a file unless --force."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from marketspeak.pipelines.cli import main
from marketspeak.pipelines.sources import SOURCE_FIELDS, SOURCE_KEYS, Source, load_sources

PACKAGED = Path(__file__).resolve().parents[2] / "pipelines" / "sources.example.yaml"


def test_init_writes_the_packaged_file_and_it_validates(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    written = tmp_path / "sources.yaml"
    assert str(written) in capsys.readouterr().out
    shipped = resources.files("marketspeak.pipelines").joinpath("sources.example.yaml").read_bytes()
    assert written.read_bytes() == shipped == PACKAGED.read_bytes()
    [source] = load_sources(written)
    assert source["name"] == "example-council" and source["start_urls"]


def test_the_starter_shows_every_key_with_its_default():
    [raw] = yaml.safe_load(PACKAGED.read_text())["sources"]
    assert set(raw) == SOURCE_KEYS
    lines = [line.strip().removeprefix("- ") for line in PACKAGED.read_text().splitlines()]
    for key in SOURCE_KEYS:  # each key's line carries a comment
        assert "#" in next(line for line in lines if line.startswith(f"{key}:")), key
    # In the declaration's order, and the defaults it shows are the declared ones.
    assert list(raw) == list(SOURCE_FIELDS)
    defaults = Source(**{k: raw[k] for k in ("name", "kind", "start_urls")}).as_dict()
    assert {k: v for k, v in raw.items() if k not in ("name", "kind", "start_urls")} == {
        k: v for k, v in defaults.items() if k not in ("name", "kind", "start_urls")
    }


def test_the_commented_examples_validate_once_uncommented(tmp_path):
    text = PACKAGED.read_text()
    head, examples = text.split("# More sources follow")
    lines = [line[1:] for line in examples.splitlines() if line.startswith("#  ")]
    assert lines, "the starter shows more sources, commented out"
    lines = [*head.splitlines(), *lines]
    path = tmp_path / "more.yaml"
    path.write_text("\n".join(lines) + "\n")
    names = [s["name"] for s in load_sources(path)]
    assert names == [
        "example-council",
        "example-regulator",
        "example-committees",
        "example-cmis-council",
    ]


def test_init_refuses_to_overwrite(tmp_path, capsys):
    path = tmp_path / "mine.yaml"
    path.write_text("sources: []  # my own\n")
    assert main(["init", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith(f"marketspeak: error: {path}:")
    assert "--force" in err
    assert path.read_text() == "sources: []  # my own\n"


def test_init_force_overwrites(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("sources: []  # my own\n")
    assert main(["init", str(path), "--force"]) == 0
    assert path.read_bytes() == PACKAGED.read_bytes()
    assert load_sources(path)


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_init_refuses_a_folder(tmp_path, force):
    assert main(["init", str(tmp_path), *force]) == 1


def test_the_starter_is_package_data():
    import tomllib

    pyproject = tomllib.loads((PACKAGED.parents[1] / "pyproject.toml").read_text())
    assert PACKAGED.name in pyproject["tool"]["setuptools"]["package-data"]["marketspeak.pipelines"]
