"""One writer at a time: a second run on a locked database exits 3 at once (or waits, with
--wait), and readers read the snapshot while a run writes, never half a run."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from corpus.db import connect, publish_snapshot, snapshot_path
from pipelines.cli import EXIT_LOCKED, main
from pipelines.lock import RunLocked, run_lock
from tests.conftest import tiny_corpus

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
