"""PDF extraction in worker processes, off the crawl's event loop.

A crawl hands each PDF to a pool of worker processes (`python -m marketspeak.spiders.pdf`),
each started with an address-space limit (RLIMIT_AS) and given a time limit per PDF.
A worker that runs out of time is killed; one that dies (a crash or abort in pdfium, a
memory limit reached) is noticed when its pipe closes.
Either way it is replaced and the PDF comes back as an issue
(`pdf-timeout`, `pdf-crashed`, `pdf-out-of-memory`) while the crawl goes on.

On the pipes, a frame is an 8-byte length and that many bytes. To a worker: a JSON header
(url, fetch time, time limit), then the PDF; from a worker: one JSON answer. Never pickle: a
worker that a hostile PDF took over can send nothing the crawler would run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import IO, Any

from marketspeak.spiders.extract import Extracted

DEFAULT_EXTRACTOR = "marketspeak.spiders.extract:extract_pdf"
# A worker also stops itself (SIGALRM) this long after its own time limit, so that one left
# hanging when the crawl process was killed does not outlive it by more.
ALARM_GRACE = 5
LENGTH_BYTES = 8
# An answer is the text of one PDF of at most DOWNLOAD_MAXSIZE (50 MB): a worker that
# announces more is not ours any more.
MAX_ANSWER_BYTES = 512 * 2**20


@dataclass(frozen=True)
class PdfLimits:
    """How PDFs are extracted in a crawl: Scrapy settings MARKETSPEAK_PDF_WORKERS,
    _TIMEOUT (seconds per PDF), _MEMORY_MB (address space per worker) and _EXTRACTOR (the
    `module:function` a worker runs; tests point it at extractors that hang or crash)."""

    workers: int = 2
    timeout: float = 60.0
    memory_mb: int = 1024
    extractor: str = DEFAULT_EXTRACTOR

    @classmethod
    def from_settings(cls, settings: Any) -> PdfLimits:
        return cls(
            workers=settings.getint("MARKETSPEAK_PDF_WORKERS", cls.workers),
            timeout=settings.getfloat("MARKETSPEAK_PDF_TIMEOUT", cls.timeout),
            memory_mb=settings.getint("MARKETSPEAK_PDF_MEMORY_MB", cls.memory_mb),
            extractor=settings.get("MARKETSPEAK_PDF_EXTRACTOR") or cls.extractor,
        )


class WorkerLost(Exception):
    """The worker gave no answer: `reason` is the crawl issue, `detail` says why."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


# --- Frames ---------------------------------------------------------------------------------


def frame(payload: bytes) -> bytes:
    return len(payload).to_bytes(LENGTH_BYTES, "big") + payload


def read_exact(stream: IO[bytes], n: int) -> bytes | None:
    """`n` bytes from a blocking stream, or None at end of file."""
    chunks, left = [], n
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(stream: IO[bytes]) -> bytes | None:
    head = read_exact(stream, LENGTH_BYTES)
    return None if head is None else read_exact(stream, int.from_bytes(head, "big"))


# --- The worker process -----------------------------------------------------------------------


def load_extractor(path: str) -> Callable[[bytes, str, datetime], Extracted]:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def answer_for(extracted: Extracted) -> dict[str, Any]:
    found = asdict(extracted)
    found["published"] = extracted.published.isoformat() if extracted.published else None
    return found


def issue_answer(reason: str, detail: str) -> dict[str, Any]:
    return answer_for(Extracted(None, "", None, None, reason, detail))


def serve(
    extractor: Callable[[bytes, str, datetime], Extracted], inp: IO[bytes], out: IO[bytes]
) -> None:
    """Answer jobs until the crawl closes the pipe (or memory runs out)."""
    while (header := read_frame(inp)) is not None and (data := read_frame(inp)) is not None:
        job = json.loads(header)
        signal.alarm(int(job["timeout"]) + ALARM_GRACE)
        out_of_memory = False
        try:
            answer = answer_for(extractor(data, job["url"], datetime.fromisoformat(job["at"])))
        except MemoryError:
            out_of_memory = True
            answer = issue_answer("pdf-out-of-memory", "PDF needs more memory than allowed")
        except Exception as exc:  # any failure on hostile input is an issue
            answer = issue_answer("pdf-unreadable", f"cannot read PDF: {type(exc).__name__}")
        signal.alarm(0)
        out.write(frame(json.dumps(answer).encode()))
        out.flush()
        if out_of_memory:
            return  # a process that ran out of memory may be in any state: start afresh


def worker_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m marketspeak.spiders.pdf")
    parser.add_argument("--extractor", default=DEFAULT_EXTRACTOR)
    parser.add_argument("--memory-mb", type=int, default=PdfLimits.memory_mb)
    args = parser.parse_args(argv)
    limit = args.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    serve(load_extractor(args.extractor), sys.stdin.buffer, sys.stdout.buffer)
    return 0


# --- The crawl's side -------------------------------------------------------------------------


TEXT_FIELDS = ("title", "text", "date_source", "issue", "detail")


def extracted_from(answer: bytes) -> Extracted:
    """A worker's JSON answer as an Extracted; anything else means the worker is not ours
    any more (a PDF took it over) and is treated as a crash."""
    try:
        found = json.loads(answer)
        values = {name: found[name] for name in TEXT_FIELDS}
        if not all(v is None or isinstance(v, str) for v in values.values()):
            raise TypeError("a field is not text")
        published = date.fromisoformat(found["published"]) if found["published"] else None
    except (ValueError, TypeError, KeyError) as exc:
        raise WorkerLost("pdf-crashed", f"PDF extractor sent a malformed answer ({exc})") from None
    return Extracted(published=published, **values)


class Worker:
    """One worker process and its pipes."""

    def __init__(self, limits: PdfLimits) -> None:
        self.limits = limits
        env = dict(os.environ)
        # The extractor may be named from the caller's own modules (a test's, a benchmark's):
        # the worker can import whatever this process can.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, sys.path))
        command = [
            sys.executable,
            "-m",
            "marketspeak.spiders.pdf",
            "--extractor",
            limits.extractor,
            "--memory-mb",
            str(limits.memory_mb),
        ]
        # stderr is the crawl's: a worker's dying words land in crawl.log.
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )

    def extract(self, data: bytes, url: str, fetched_at: datetime) -> Extracted:
        """The worker's answer for one PDF; WorkerLost when it has none in time."""
        header = {"url": url, "at": fetched_at.isoformat(), "timeout": self.limits.timeout}
        try:
            self.process.stdin.write(frame(json.dumps(header).encode()) + frame(data))
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self.died() from None
        return extracted_from(self.read_answer())

    def read_answer(self) -> bytes:
        deadline = time.monotonic() + self.limits.timeout
        length = int.from_bytes(self.read(LENGTH_BYTES, deadline), "big")
        if length > MAX_ANSWER_BYTES:
            raise WorkerLost("pdf-crashed", f"PDF extractor announced {length:,} bytes of answer")
        return self.read(length, deadline)

    def read(self, n: int, deadline: float) -> bytes:
        """`n` bytes of the worker's answer, arriving before `deadline`."""
        fd = self.process.stdout.fileno()
        buffer = bytearray()
        while len(buffer) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise WorkerLost(
                    "pdf-timeout",
                    f"PDF extraction took over {self.limits.timeout:g} s; stopped, not stored",
                )
            chunk = os.read(fd, min(n - len(buffer), 1 << 20))
            if not chunk:
                raise self.died()
            buffer += chunk
        return bytes(buffer)

    def died(self) -> WorkerLost:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # it closed its end of the pipe but lives on
            self.kill()
            code = self.process.wait()
        try:
            how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
        except ValueError:
            how = f"signal {-code}"
        return WorkerLost(
            "pdf-crashed",
            f"PDF extractor died ({how}; memory limit {self.limits.memory_mb} MB); not stored",
        )

    def kill(self) -> None:
        """End the process, whatever it is doing; the thread reading its answer then sees
        the pipe close."""
        if self.process.poll() is None:
            self.process.kill()

    def stop(self) -> None:
        """Kill the process and close its pipes (only from the thread that uses it)."""
        self.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                pipe.close()
            except OSError:
                pass


class PdfPool:
    """Up to `limits.workers` worker processes, started when first needed. `extract` blocks
    its thread; `submit` runs it on the pool's own threads (never Twisted's, which resolve
    DNS for the crawl)."""

    def __init__(self, limits: PdfLimits) -> None:
        self.limits = limits
        self.idle: list[Worker] = []
        self.live: set[Worker] = set()  # idle or busy
        self.lock = threading.Lock()
        self.threads = ThreadPoolExecutor(max_workers=limits.workers, thread_name_prefix="pdf")
        self.replaced = 0  # workers lost to a timeout or a crash

    def extract(self, data: bytes, url: str, fetched_at: datetime) -> Extracted:
        """The PDF's text, or an issue saying why there is none; never raises."""
        try:
            worker = self.take()
        except OSError as exc:  # no process could be started (out of memory, no fork)
            return Extracted(None, "", None, None, "pdf-crashed", f"no PDF worker: {exc}")
        try:
            extracted = worker.extract(data, url, fetched_at)
        except WorkerLost as lost:
            self.retire(worker, lost=True)
            return Extracted(None, "", None, None, lost.reason, lost.detail)
        if worker.process.poll() is None:
            with self.lock:
                self.idle.append(worker)
        else:
            self.retire(worker)  # it answered, then ended itself (out of memory)
        return extracted

    def take(self) -> Worker:
        with self.lock:
            if self.idle:
                return self.idle.pop()
        worker = Worker(self.limits)
        with self.lock:
            self.live.add(worker)
        return worker

    def retire(self, worker: Worker, lost: bool = False) -> None:
        worker.stop()
        with self.lock:
            self.live.discard(worker)
            self.replaced += lost

    def submit(self, data: bytes, url: str, fetched_at: datetime) -> Future[Extracted]:
        return self.threads.submit(self.extract, data, url, fetched_at)

    def close(self) -> None:
        """Stop every worker, busy ones too (their PDFs come back as pdf-crashed)."""
        with self.lock:
            idle, self.idle = self.idle, []
            busy = self.live.difference(idle)
        for worker in busy:
            worker.kill()  # its own thread closes the pipes
        for worker in idle:
            self.retire(worker)
        self.threads.shutdown(wait=True)


# --- Twisted glue -----------------------------------------------------------------------------

_POOLS: dict[PdfLimits, PdfPool] = {}


def shared_pool(limits: PdfLimits) -> PdfPool:
    """The crawl process's pool for these limits (the sources of one crawl share it), closed
    when the reactor shuts down."""
    if limits not in _POOLS:
        from twisted.internet import reactor

        _POOLS[limits] = PdfPool(limits)
        reactor.addSystemEventTrigger("before", "shutdown", _POOLS[limits].close)
    return _POOLS[limits]


def extract_deferred(pool: PdfPool, data: bytes, url: str, fetched_at: datetime) -> Any:
    """A Deferred firing with the pool's Extracted, on the reactor's thread."""
    from twisted.internet import defer, reactor

    deferred: defer.Deferred = defer.Deferred()

    def done(future: Future[Extracted]) -> None:
        if (error := future.exception()) is not None:
            reactor.callFromThread(deferred.errback, error)
        else:
            reactor.callFromThread(deferred.callback, future.result())

    pool.submit(data, url, fetched_at).add_done_callback(done)
    return deferred


if __name__ == "__main__":
    sys.exit(worker_main())
