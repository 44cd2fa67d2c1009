"""Analyse batches of documents in worker processes beside the writing process.

The writing process reads documents and keeps each segment's vocabulary and
document data; what costs the most, tokenising and analysing the text, is
spread over processes by an :class:`AnalysisPool` of ``workers`` producers:
the writing process itself (producer 0) and ``workers - 1`` worker
processes. A batch goes to a worker with room in its queue, otherwise the
writing process analyses it, so it takes its share when the workers are busy.
Workers start once START_DOCS documents were submitted (small transactions
never start any) and hold no files: a worker that dies fails the
transaction, which the writer rolls back, and the last commit stays intact.
"""

from __future__ import annotations

import json
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from typing import IO

from ..analysis import Analyzer
from ..errors import WorkerError
from .batch import AnalyzedBatch, BatchAnalyzer, Texts

BATCH_DOCS = 256  # documents per batch
QUEUE_DEPTH = 4  # batches a worker may have outstanding: work for it while this process analyses one
START_DOCS = 4 * BATCH_DOCS  # workers start once this many documents were submitted: a second or so of work
_PIPE_BYTES = 1 << 20  # pipe buffers (Linux): a batch or a result fits
Result = tuple[int, int, AnalyzedBatch]  # tag, producer, batch


def default_workers() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class AnalysisPool:
    """Analyses batches of texts in this process and ``workers - 1`` worker processes.

    Results come back as ``(tag, producer, batch)``; term ids in a batch are
    the producer's, and each producer's batches come back in the order they
    were submitted, so its vocabulary (sent along as it grows) can be
    followed. :meth:`start_segment` starts every producer's vocabulary afresh.
    """

    def __init__(self, analyzer: Analyzer, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self._analyzer = analyzer
        # Workers run this interpreter and rebuild the analyzer from its
        # configuration: an embedding without one, or an Analyzer subclass, analyses here.
        self._processes = workers - 1 if sys.executable and type(analyzer) is Analyzer else 0
        self._workers: list[_Worker] = []
        self._local: BatchAnalyzer | None = None
        self._segment = 0
        self._submitted = 0  # documents
        self._done: list[Result] = []

    def start_segment(self) -> None:
        """Forget outstanding results and start new vocabularies."""
        self.drain()
        self._segment += 1
        self._local = None

    def submit(self, tag: int, texts: Texts) -> None:
        """Analyse ``texts``; the result comes back from :meth:`ready` or :meth:`drain` with ``tag``."""
        self._submitted += len(texts)
        if self._submitted >= START_DOCS and not self._workers and self._processes:
            self._start_workers()
        self._done += self._collect(block=False)
        idle = [w for w in self._workers if w.started and w.outstanding < QUEUE_DEPTH]
        if idle:
            min(idle, key=lambda w: w.outstanding).send((self._segment, tag, texts))
            return
        if self._local is None:
            self._local = BatchAnalyzer(self._analyzer)
        self._done.append((tag, 0, self._local.analyze(texts)))

    def _start_workers(self) -> None:
        try:
            for _ in range(self._processes):
                self._workers.append(_Worker(self._analyzer.config))
        except OSError:  # no processes to be had here: analyse in this one
            self.close()
            self._processes = 0

    def ready(self) -> list[Result]:
        """Results that are done, without waiting."""
        done, self._done = self._done + self._collect(block=False), []
        return done

    def drain(self) -> list[Result]:
        """Every outstanding result, waiting for the workers."""
        done, self._done = self._done + self._collect(block=True), []
        return done

    def _collect(self, *, block: bool) -> list[Result]:
        done: list[Result] = []
        try:
            for number, worker in enumerate(self._workers, 1):
                while (result := worker.receive(block=block)) is not None:
                    done.append((result[0], number, result[1]))
        except WorkerError:
            self.close()  # the next batches start new workers
            raise
        return done

    def close(self) -> None:
        """Stop the worker processes."""
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.close()
        self._done = []


class _Worker:
    """One worker process, fed batches through its stdin; results come back on its stdout, in order.

    It is a fresh interpreter started with :mod:`subprocess` rather than
    :mod:`multiprocessing`, so the same code runs on every platform and the
    caller's main module is never imported again (no ``__main__`` guard needed).
    """

    def __init__(self, config: dict[str, object]) -> None:
        boot = "import json, sys; sys.path[:] = json.loads(sys.argv[1]); from klsearch.index.parallel import serve; serve(json.loads(sys.argv[2]))"
        self.process = subprocess.Popen(
            [sys.executable, "-c", boot, json.dumps(sys.path), json.dumps(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._tasks, results = self.process.stdin, self.process.stdout
        for pipe in (self._tasks, results):
            _widen(pipe)
        self._inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        threading.Thread(target=_pump, args=(results, self._inbox, _DIED), daemon=True).start()
        self.started = False  # True once the worker has loaded the analyzer
        self.outstanding = 0

    def send(self, task: tuple[int, int, Texts]) -> None:
        try:
            _send(self._tasks, task)
        except OSError:
            raise WorkerError(f"an indexing worker process died (exit code {self.process.wait()})") from None
        self.outstanding += 1

    def receive(self, *, block: bool) -> tuple[int, AnalyzedBatch] | None:
        """The next result; None if none is outstanding, or none is ready and ``block`` is false."""
        while not (block and not self.outstanding):
            try:
                message = self._inbox.get(block=block)
            except queue.Empty:
                return None
            if message is _DIED:
                raise WorkerError(f"an indexing worker process died (exit code {self.process.wait()})")
            if message is None:  # the worker is ready
                self.started = True
                continue
            tag, result = message  # type: ignore[misc]
            if isinstance(result, str):
                raise WorkerError(f"an indexing worker process failed: {result}")
            self.outstanding -= 1
            return tag, result
        return None

    def close(self) -> None:
        """Stop the worker: it ends when its input does, or at once if it still has work."""
        try:
            self._tasks.close()
        except OSError:
            pass
        if self.outstanding:
            self.process.kill()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_DIED = object()  # what the reading thread reports when a worker's output ends


def _widen(pipe: IO[bytes]) -> None:
    """Enlarge a pipe's buffer where the platform allows it (Linux): a batch or a result is
    written at once, rather than in pieces each waiting for the reading thread to get the GIL."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)  # type: ignore[attr-defined]
    except (ImportError, AttributeError, OSError):
        pass


def _send(stream: IO[bytes], message: object) -> None:
    """Write one message: its length, then its pickle."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "little"))
    stream.write(data)
    stream.flush()


def _pump(stream: IO[bytes], inbox: queue.SimpleQueue[object], end: object) -> None:
    """Read messages from ``stream`` into ``inbox`` until it ends, then put ``end``.

    A message is read whole, in as few reads as the pipe allows: each read gives up
    the GIL, and taking it back can wait for the busy thread beside this one.
    """
    try:
        while len(header := stream.read(8)) == 8:
            size = int.from_bytes(header, "little")
            data = stream.read(size)
            if len(data) != size:
                break
            inbox.put(pickle.loads(data))
    except (OSError, ValueError, pickle.UnpicklingError):
        pass
    inbox.put(end)


def serve(config: dict[str, object]) -> None:
    """A worker process: analyse the batches read from stdin until it ends; results go to stdout."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle
    results = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # anything printed goes to stderr
    analyzer = Analyzer.from_config(config)
    analyzer.expand("indeks")  # load the lexicon before saying ready
    inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
    # A thread keeps reading, so the writer never waits for this process to finish a batch.
    threading.Thread(target=_pump, args=(sys.stdin.buffer, inbox, None), daemon=True).start()
    try:
        _send(results, None)
        segment, producer = -1, BatchAnalyzer(analyzer)
        while (task := inbox.get()) is not None:
            task_segment, tag, texts = task  # type: ignore[misc]
            if task_segment != segment:
                segment, producer = task_segment, BatchAnalyzer(analyzer)
            try:
                batch: AnalyzedBatch | str = producer.analyze(texts)
            except Exception as exc:  # reported to the writer, which fails the transaction
                batch = f"{type(exc).__name__}: {exc}"
            _send(results, (tag, batch))
    except OSError:
        pass  # the writer went away
    # Every result is flushed and no file is open: end without freeing the vocabulary
    # object by object, which takes a large part of a second that the writer waits for.
    os._exit(0)
