"""Group commit: one writer thread runs concurrent requests' writes in shared transactions.

Why: each submission is a store write, a ledger append and an audit entry. Done one request
per transaction, a hundred concurrent clients queue on the store's write lock, each paying a
transaction's fixed cost (begin, the log's right-edge tiles rewritten, commit) and a thread
hand-over. Here requests hand their write (`submit`) to one writer thread, which takes
everything waiting (up to `max_group`), runs each in its own savepoint of one transaction
(`Store.group_of_work`: a request that fails rolls back alone, and is answered with its own
error), appends the group's ledger entries once, commits, runs the `after_commit` hooks, and
only then answers each request. So a 201 still means committed, store and ledger together:
nothing is answered before its group's commit, and a failed commit fails every request of the
group (none of which was answered).

The writer is the only thread that runs the work it is given; work must not wait for other
work (it would wait for itself).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ceasefire.store import Store

T = TypeVar("T")

#: Requests per transaction at most: bounds a group's latency and its memory.
MAX_GROUP = 256


@dataclass(slots=True)
class _Job:
    work: Callable[[], Any]
    future: Future[Any] = field(default_factory=Future)
    value: Any = None
    error: BaseException | None = None


class GroupCommitter:
    """The writer thread of one store; started by the first `submit`, stopped by `close`."""

    def __init__(self, store: Store, *, max_group: int = MAX_GROUP) -> None:
        self.store = store
        self.max_group = max_group
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._closed = False  # set once by `close`, read by others: a plain flag suffices
        #: Called in the writer after each group, with whether it committed (its work done).
        self.after_commit: list[Callable[[bool], None]] = []
        #: Groups committed and requests in them: for tests and the benchmark's notes.
        self.groups = 0
        self.jobs = 0

    def submit(self, work: Callable[[], T]) -> Future[T]:
        """Run `work` in the writer, inside a savepoint of the next group; the future holds
        its value (or its exception) once the group has committed (or failed)."""
        if self._closed:
            raise RuntimeError("the group committer is closed")
        self._ensure_started()
        job = _Job(work)
        self._queue.put(job)
        return job.future

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Finish what was submitted, then stop the writer."""
        self._closed = True
        with self._start_lock:
            thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join()

    def _ensure_started(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="group-commit",
                                                 daemon=True)
                self._thread.start()

    def _take(self) -> tuple[list[_Job], bool]:
        """The waiting jobs (blocking for the first), and whether close was asked."""
        first = self._queue.get()
        if first is None:
            return [], True
        jobs = [first]
        while len(jobs) < self.max_group:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is None:
                return jobs, True
            jobs.append(job)
        return jobs, False

    def _run(self) -> None:
        stopping = False
        while not stopping:
            jobs, stopping = self._take()
            if jobs:
                self._commit(jobs)

    def _commit(self, jobs: list[_Job]) -> None:
        committed = False
        failure: BaseException | None = None
        try:
            with self.store.group_of_work():
                for job in jobs:
                    try:
                        with self.store.unit_of_work():
                            job.value = job.work()
                    except BaseException as exc:  # this request's own; the others go on
                        job.error = exc
            committed = True
        except BaseException as exc:  # the group did not commit: nothing of it is stored
            failure = exc  # (BaseException too: a request must never wait for ever)
        try:
            for hook in self.after_commit:
                hook(committed)
        except Exception as exc:
            failure = failure or exc
        self.groups += committed
        self.jobs += len(jobs) if committed else 0
        for job in jobs:
            error = job.error or failure
            if error is not None:
                job.future.set_exception(error)
            else:
                job.future.set_result(job.value)
