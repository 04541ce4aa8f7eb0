"""Long work started from a page (a plan, a scenario run) runs in the background, one at a time
(the machine is small); the page polls its status with htmx until it is done.

Jobs live in the process's memory: a restart forgets running jobs, never finished results (those
are written to the data folder by the work itself).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

_log = logging.getLogger(__name__)
KEEP_JOBS = 50


class JobFailedError(Exception):
    """A job's work refused its input or failed; the message is shown to the user as is."""


@dataclass
class Job:
    """One piece of background work and how far it has got."""

    id: str
    kind: str
    owner: str
    status: str = "queued"  # queued, running, done, failed
    step: str = ""
    fraction: float = 0.0
    result: str | None = None
    error: str | None = None
    created_s: float = field(default_factory=time.time)
    finished_s: float | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def elapsed_s(self) -> float:
        return (self.finished_s or time.time()) - self.created_s


Progress = Callable[[str, float], None]
Work = Callable[[Progress], str]


class Jobs:
    """The registry: `start` queues work on the single worker; `get` reads a job's state."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nafolo-web-job")

    def start(self, kind: str, owner: str, work: Work) -> Job:
        """Queue `work(progress) -> result id`; a JobFailedError names the job's error."""
        job = Job(id=uuid.uuid4().hex[:12], kind=kind, owner=owner)
        with self._lock:
            self._jobs[job.id] = job
            for old in sorted(self._jobs.values(), key=lambda j: j.created_s)[:-KEEP_JOBS]:
                if old.finished:
                    del self._jobs[old.id]
        self._pool.submit(self._run, job, work)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _run(self, job: Job, work: Work) -> None:
        def progress(step: str, fraction: float) -> None:
            with self._lock:
                job.step, job.fraction = step, max(0.0, min(fraction, 1.0))

        with self._lock:
            job.status = "running"
        try:
            result = work(progress)
        except JobFailedError as error:
            outcome: tuple[str, str | None, str | None] = ("failed", None, str(error))
        except Exception as error:  # reported on the page; the traceback goes to the log
            _log.exception("web job %s (%s) failed", job.id, job.kind)
            outcome = ("failed", None, f"{type(error).__name__}: {error}")
        else:
            outcome = ("done", result, None)
        with self._lock:
            job.status, job.result, job.error = outcome
            job.fraction = 1.0 if job.status == "done" else job.fraction
            job.finished_s = time.time()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
