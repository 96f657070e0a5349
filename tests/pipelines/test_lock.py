"""One writer at a time: a second run on a locked database exits 3 at once (or waits, with
--wait), even while the first is still starting Prefect; the holder's own flow does not
wait on its own lock; and readers read the snapshot while a run writes, never half a run."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
import yaml

from marketspeak.corpus.db import connect, publish_snapshot, snapshot_path
from marketspeak.pipelines.cli import EXIT_LOCKED, EXIT_OK, main
from marketspeak.pipelines.demo import demo_sources
from marketspeak.pipelines.lock import RunLocked, is_locked, run_lock
from tests.conftest import tiny_corpus
from tests.run_command import marketspeak_run_command

# Kept in a name: a context manager nobody references is collected, releasing the lock.
HOLD_LOCK = "from pipelines.lock import run_lock\nheld = run_lock({db!r})\nheld.__enter__()"


def hold(code: str) -> subprocess.Popen:
    """A child process that runs `code`, prints 'ready' and then sleeps until killed."""
    script = textwrap.dedent(code) + "\nprint('ready', flush=True)\nimport time; time.sleep(60)\n"
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    return child


@pytest.fixture()
def sources_file(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - name: s\n    kind: council\n    start_urls: [http://127.0.0.1:9/]\n"
    )
    return path


def test_a_second_run_exits_3_naming_the_holder_and_writes_nothing(tmp_path, sources_file, capsys):
    db = tmp_path / "locked.duckdb"
    child = hold(HOLD_LOCK.format(db=str(db)))
    try:
        code = main(["crawl", "--sources", str(sources_file), "--db", str(db)])
    finally:
        child.kill()
        child.wait()
    err = capsys.readouterr().err.strip()
    assert code == EXIT_LOCKED
    assert err.count("\n") == 0
    assert "another marketspeak run holds the lock (pid" in err and "--wait" in err
    assert not db.exists()


def test_the_lock_is_released_when_its_holder_dies(tmp_path):
    db = tmp_path / "x.duckdb"
    child = hold(HOLD_LOCK.format(db=str(db)))
    with pytest.raises(RunLocked):
        with run_lock(db):
            pass
    child.kill()  # SIGKILL: no clean-up ran, yet the OS drops the lock
    child.wait()
    with run_lock(db):
        pass


def test_waiting_for_the_lock_proceeds_when_it_is_free(tmp_path):
    db = tmp_path / "x.duckdb"
    child = hold(HOLD_LOCK.format(db=str(db)))
    started = time.monotonic()
    subprocess.Popen(["sh", "-c", f"sleep 1; kill {child.pid}"])
    with run_lock(db, wait=True, poll=0.1):
        waited = time.monotonic() - started
    child.wait()
    assert waited >= 0.9


def test_readers_get_the_snapshot_while_a_writer_holds_the_file(tmp_path):
    con = tiny_corpus(tmp_path, ["The customer pays.", "The citizen helps."])
    con.close()
    db = tmp_path / "tiny.duckdb"
    snapshot = publish_snapshot(db)
    assert snapshot == snapshot_path(db) and snapshot.exists()

    writer = hold(f"import duckdb\ncon = duckdb.connect({str(db)!r})")
    try:
        with pytest.raises(duckdb.IOException):
            duckdb.connect(str(db), read_only=True)  # what a reader would hit without it
        reader = connect(db, read_only=True)
        assert reader.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
        reader.close()
    finally:
        writer.kill()
        writer.wait()


def test_a_new_snapshot_never_shows_half_a_run_to_an_open_reader(tmp_path):
    con = tiny_corpus(tmp_path, ["The customer pays."])
    con.close()
    db = tmp_path / "tiny.duckdb"
    reader = duckdb.connect(str(publish_snapshot(db)), read_only=True)
    writer = connect(db)
    writer.execute("DELETE FROM term_hits")
    writer.close()
    publish_snapshot(db)
    # The open reader still sees the whole old snapshot; a new reader (another process, as
    # DuckDB shares one instance per file within a process) sees the new one.
    assert reader.execute("SELECT count(*) FROM term_hits").fetchone()[0] == 1
    count_hits = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print(con.execute('SELECT count(*) FROM term_hits').fetchone()[0])"
    )
    fresh = subprocess.run(
        [sys.executable, "-c", count_hits, str(snapshot_path(db))], capture_output=True, text=True
    )
    assert fresh.stdout.strip() == "0", fresh.stderr


def test_the_holder_may_take_its_lock_again_and_others_still_may_not(tmp_path):
    db = tmp_path / "x.duckdb"
    take = f"from pipelines.lock import run_lock\nwith run_lock({str(db)!r}):\n    pass"
    with run_lock(db):
        with run_lock(db):  # as the flow does inside `marketspeak run`
            refused = subprocess.run([sys.executable, "-c", take], capture_output=True, text=True)
            assert "RunLocked" in refused.stderr
        assert is_locked(db)  # the inner block left the lock to the outer one
    assert not is_locked(db)
    subprocess.run([sys.executable, "-c", take], check=True)


def start_run(
    sources: Path, db: Path, out: Path, *options: str, env: dict | None = None, **popen
) -> subprocess.Popen:
    """`marketspeak run` as its own process, with the temporary Prefect server a user gets."""
    env = env or {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    command = marketspeak_run_command(sources, db, out, *options)
    return subprocess.Popen(command, env=env, text=True, **popen)


def wait_for(predicate, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.05)


@pytest.fixture()
def silent_prefect():
    """The address of a Prefect API that takes connections and never answers: a run pointed
    at it stays where a slow start of Prefect would keep it, before any crawling."""
    with socket.create_server(("127.0.0.1", 0), backlog=16) as listener:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/api"


def test_a_second_run_is_refused_at_once_while_the_first_is_still_starting_prefect(
    tmp_path, sources_file, silent_prefect
):
    db = tmp_path / "door.duckdb"
    env = {**os.environ, "PREFECT_API_URL": silent_prefect}
    first = start_run(
        sources_file,
        db,
        tmp_path / "site",
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: is_locked(db) or first.poll() is not None, "the first run's lock")
        assert first.poll() is None, "the first run ended before it was waited on"
        second = subprocess.run(
            marketspeak_run_command(sources_file, db, tmp_path / "site2"),
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        still_starting = first.poll() is None
    finally:
        first.kill()
        first.wait()
    assert second.returncode == EXIT_LOCKED, second.stderr
    assert second.stderr.count("\n") == 1  # one line, no traceback
    assert f"holds the lock (pid {first.pid}, marketspeak run, since " in second.stderr
    assert still_starting
    assert not db.exists()


def test_with_wait_a_second_run_says_it_waits_then_runs_after_the_first(sample_site, tmp_path):
    sources = tmp_path / "sources.yaml"
    config = {"sources": demo_sources(sample_site.manifest, sample_site.base_url)}
    sources.write_text(yaml.safe_dump(config))
    db = tmp_path / "queue.duckdb"
    first_log = (tmp_path / "first.log").open("w")
    first = start_run(sources, db, tmp_path / "site1", stdout=subprocess.PIPE, stderr=first_log)
    wait_for(lambda: is_locked(db) or first.poll() is not None, "the first run's lock")
    second = start_run(
        sources, db, tmp_path / "site2", "--wait", stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    said = second.stderr.readline()
    first_was_running = first.poll() is None
    first_out, _ = first.communicate(timeout=300)
    second_out, second_err = second.communicate(timeout=300)
    first_log.close()
    assert f"waiting for the run that holds the lock (pid {first.pid}, marketspeak run" in said
    assert first_was_running
    assert first.returncode == EXIT_OK, (tmp_path / "first.log").read_text()[-2000:]
    assert second.returncode == EXIT_OK, second_err[-2000:]
    new = re.compile(r"(\d+) new document")
    # The second crawled after the first had stored everything: nothing new was left for it.
    assert sum(int(n) for n in new.findall(first_out)) > 0
    assert [int(n) for n in new.findall(second_out)] == [0] * len(config["sources"])
