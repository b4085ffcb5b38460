"""Pages read in worker processes, so that a run uses every core.

One RapidOCR (onnxruntime) session does not keep two cores busy on line images
(BENCHMARKS.md, speed): two processes with one thread each read about twice as
many pages as one process with two threads.  Each worker loads its engines once,
at its first page that needs them (a born-digital page read from its text layer
never does); a pool made early (the CLI makes it before Prefect starts) reads
its first pages while Prefect starts.  Work goes to a worker as a page reference
and the settings, and comes back as a PageResult or PageFailure: paths and
references, never images.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from functools import cache, partial

from flows.sink import LocalOnly
from models import PageFailure, PageRef, PageResult
from pipeline.settings import Settings

# Threads each worker gives onnxruntime: with one worker per core, one each (more only contend).
_THREADS_PER_WORKER = 1
# glibc serves an allocation this large (bytes) from its own mapping, given back when freed.  Its
# default threshold grows with every large block freed, after which a page's images (several MB
# each) come from the heap and stay there: workers held 600-700 MB at their peaks on scans,
# 450-490 MB with this (24 harsh pages, peak PSS of the run 1.7-1.9 GB -> 1.4 GB), for ~7 % more
# time (fresh mappings are zeroed).  An operator's own MALLOC_MMAP_THRESHOLD_ wins.
_WORKER_MALLOC_MMAP_THRESHOLD = 8 * 2**20
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)


@cache
def _glibc() -> ctypes.CDLL | None:
    """This process's glibc, loaded once; None where there is none (nothing to tune)."""
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def fix_mmap_threshold() -> bool:
    """This process's glibc mmap threshold fixed at _WORKER_MALLOC_MMAP_THRESHOLD; False where
    there is no glibc (nothing to do) or the operator set MALLOC_MMAP_THRESHOLD_."""
    libc = _glibc()
    if "MALLOC_MMAP_THRESHOLD_" in os.environ or libc is None:
        return False
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, _WORKER_MALLOC_MMAP_THRESHOLD))


def release_free_memory() -> None:
    """Give the memory freed inside glibc's heap back to the system (malloc_trim): between pages a
    worker otherwise keeps the last page's images' pages (~330 MB -> ~240 MB held after a harsh page)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def default_workers() -> int:
    """Worker processes for this machine: one per core the process may use, none on one core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if cores >= 2 else 0


@cache
def _worker_engine(name: str):
    """This worker's engine of that name, loaded once, on its first reading (the worker's whole life
    is this pool's): the workers start reading pages ahead while Prefect starts, so a scan's first
    page waits for the model as it would have at start, and a born-digital run never loads it."""
    from pipeline.ocr import LazyEngine

    return LazyEngine(name, threads=_THREADS_PER_WORKER)


def _warm(settings: Settings, log_level: int) -> None:
    """Make the engines the settings ask for (each loads its model when first asked to read), and
    say the page stages' decisions at ``log_level`` on stderr as the ``ingest`` process does (a
    worker's initializer)."""
    from pipeline.engines import make_cross_check

    fix_mmap_threshold()
    if log_level < logging.WARNING:
        logger = logging.getLogger("pipeline")
        logger.setLevel(log_level)
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-8s %(message)s (worker %(process)d)"))
        logger.addHandler(handler)

    _worker_engine(settings.ocr_engine)
    make_cross_check(settings, _worker_engine)


def _read(ref: PageRef, settings: Settings) -> PageResult | PageFailure:
    from pipeline.engines import make_cross_check
    from pipeline.errors import YusuanError
    from pipeline.page import process_page

    from pipeline.output.pages import kept_by_reader, page_image_folder

    try:
        return process_page(ref, settings, _worker_engine(settings.ocr_engine),
                            make_cross_check(settings, _worker_engine),
                            partial(kept_by_reader, folder=page_image_folder(settings.data_dir)))
    except YusuanError as exc:  # the input's fault: recorded, not retried (as in the page task)
        return PageFailure(page=ref.number, category=str(exc.code), message=exc.message)
    finally:
        release_free_memory()


def _key(ref: PageRef, settings: Settings) -> tuple[str, int, str]:
    """What a page's reading depends on (as the page task's cache key: the bytes, not the name)."""
    return ref.sha256, ref.index, settings.model_dump_json(exclude={"data_dir"})


def _started() -> None:
    """A no-op job: submitting one per worker makes the pool start every worker now."""


class PagePool(LocalOnly):
    """``workers`` processes reading pages; an engine fault raises from :meth:`read` (Prefect retries it).

    Pickles to a detached stand-in (flows.sink.LocalOnly): Prefect may serialise flow parameters,
    and a pool belongs to the process that made it.
    """

    def __init__(self, workers: int, settings: Settings, log_level: int = logging.WARNING) -> None:
        # forkserver: workers start from a clean process, not a copy of one running Prefect's threads;
        # the server process imports the page modules once and every worker is forked from it.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pipeline.page", "pipeline.engines"])
        self.workers = workers
        # Every worker starts now, overlapping Prefect's start in the CLI.
        self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                             initializer=_warm, initargs=(settings, log_level))
        # The executor starts a worker only for a job no idle worker can take: one job each starts them all.
        self._started: list[Future] = [self._executor.submit(_started) for _ in range(workers)]
        self._ahead: dict[tuple[str, int, str], Future] = {}

    def read_ahead(self, ref: PageRef, settings: Settings) -> None:
        """Start reading a page now, before anyone asks (the CLI does while Prefect starts); the
        page task that asks later gets this reading.  A page asked for by no task is read in vain,
        never wrongly: a reading depends on the page and the settings alone."""
        key = _key(ref, settings)
        if key not in self._ahead:
            self._ahead[key] = self._executor.submit(_read, ref, settings)

    def read(self, ref: PageRef, settings: Settings) -> PageResult | PageFailure:
        future = self._ahead.pop(_key(ref, settings), None)
        if future is None:
            future = self._executor.submit(_read, ref, settings)
        return future.result()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "PagePool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
