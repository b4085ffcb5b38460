"""The Prefect flow behind ``yusuan ingest``: documents, then pages as tasks, then emission.

Tasks pass paths, page references and typed results, never image arrays, so a
page task can run in another process or on another machine (Dask) that sees the
same files.  Bad input is never retried (a retry condition refuses it); an
engine crash on a page is retried with backoff, then recorded as a page failure.

A page's result is cached (Prefect result persistence under PREFECT_HOME) under
a key made of the file's sha256, the page index, the pipeline version, a
fingerprint of the pipeline's code and data, the OCR engine and the settings:
a run killed half way through a document re-reads none of the pages it had
finished.  A document already stored for this pipeline version is not read at
all (``sink.is_stored``): a no-op re-ingest costs one hash and one query.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any, Protocol

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.context import TaskRunContext
from prefect.states import State
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from models import DocumentInfo, DocumentResult, ErrorCode, PageFailure, PageRef, PageResult, Rejection, StoredPageImage
from pipeline import PIPELINE_VERSION
from pipeline.check.aliases import LabelAlias
from pipeline.check.catalog import Catalog, load_default
from pipeline.document import assemble
from pipeline.errors import YusuanError
from pipeline.image.intake import IntakeLimits, open_document, page_refs
from pipeline.ocr import LazyEngine, OcrEngine, OcrEngineError
from pipeline.read.crosscheck import CrossCheck
from pipeline.page import process_page
from pipeline.engines import make_cross_check
from pipeline.settings import Settings
from flows.pool import PagePool

PAGE_RETRY_DELAYS = [1, 5]


@cache
def _engine(name: str) -> OcrEngine:
    """One engine per worker process: model loading costs seconds, reading a line milliseconds; loaded
    at the first page that needs it, as in flows.pool (a born-digital page never does)."""
    return LazyEngine(name)


def _cross_check(settings: Settings) -> CrossCheck | None:
    """The cross-check of these settings, on the worker's loaded engines (cheap: not cached itself)."""
    return make_cross_check(settings, _engine)


@cache
def _catalog(extra_dir: str | None) -> Catalog:
    return load_default(extra_dir)


@cache
def code_fingerprint() -> str:
    """sha256 over the pipeline's and models' source and data files.

    Part of the page cache key, so a code change without a PIPELINE_VERSION bump
    (every developer's checkout) never serves pages read by older code.
    """
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for package in ("pipeline", "models"):
        for path in sorted((root / package).rglob("*")):
            if path.suffix in (".py", ".csv", ".json") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def page_cache_key(context: TaskRunContext | None, parameters: dict[str, Any]) -> str:
    """(file sha256, page, pipeline version + code, engine, settings): what a page's reading depends on.

    The file's path and name are left out on purpose: the same bytes under another
    name are the same page.  ``data_dir`` is not part of the reading either.  The engine
    is named by ``settings.ocr_engine``; tests that swap in a fake engine turn caching off.
    """
    ref: PageRef = parameters["ref"]
    settings: Settings = parameters["settings"]
    # includes ocr_engine and render_dpi; not what only bounds or follows the reading
    recipe = settings.model_dump_json(exclude={"data_dir", "page_timeout_s", "accept_threshold"})
    parts = [PIPELINE_VERSION, code_fingerprint(), ref.sha256, str(ref.index), ref.media_type, recipe]
    return "page-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _retry_unless_bad_input(task: object, task_run: TaskRun, state: State) -> bool:
    """Transient faults are retried; an input the user must fix is not."""
    try:
        state.result()
    except YusuanError:
        return False
    except Exception:  # noqa: BLE001 - anything else may be transient
        return True
    return False


@task(name="intake", retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=_retry_unless_bad_input,
      cache_policy=NO_CACHE)
def intake_task(path: Path, max_pixels: int) -> DocumentInfo | Rejection:
    """The document, or its rejection: an input yusuan refuses is an expected outcome, returned
    (Prefect logs a raised error as a failed task, at ERROR, with a traceback)."""
    try:
        return open_document(path, IntakeLimits(max_pixels=max_pixels))
    except YusuanError as exc:
        return exc.to_rejection()


@task(name="page", retries=len(PAGE_RETRY_DELAYS), retry_delay_seconds=PAGE_RETRY_DELAYS,
      retry_condition_fn=_retry_unless_bad_input, cache_key_fn=page_cache_key, persist_result=True,
      task_run_name="page-{ref.source}-p{ref.number}")
def page_task(ref: PageRef, settings: Settings, pool: PagePool | None = None) -> PageResult | PageFailure:
    """One page, in this process or (with ``pool``) in a worker process.  A page the input itself
    spoils is a (cached) PageFailure; an engine fault raises, so Prefect retries it, and is never cached."""
    if pool is not None:
        return pool.read(ref, settings)
    from pipeline.output.pages import kept_by_reader, page_image_folder

    try:
        return process_page(ref, settings, _engine(settings.ocr_engine), _cross_check(settings),
                            partial(kept_by_reader, folder=page_image_folder(settings.data_dir)))
    except YusuanError as exc:
        return PageFailure(page=ref.number, category=str(exc.code), message=exc.message)


@task(name="page-images", cache_policy=NO_CACHE)
def page_images_task(outcomes: list[PageResult | PageFailure], settings: Settings) -> tuple[StoredPageImage, ...]:
    """The upright page images an operator reviews the facts on, kept by their sha256 under the data
    directory (pipeline.output.pages): most kept already by the page's reader; one that is not (a
    cached reading, a failed write) is made again from the input, which may be moved afterwards."""
    from pipeline.output.pages import keep_page_images, page_image_folder

    pages = [o for o in outcomes if isinstance(o, PageResult)]
    return keep_page_images(pages, settings, page_image_folder(settings.data_dir))


@task(name="assemble", cache_policy=NO_CACHE)
def assemble_task(document: DocumentInfo, outcomes: list[PageResult | PageFailure], settings: Settings,
                  catalog_dir: str | None, page_images: tuple[StoredPageImage, ...] = (),
                  aliases: tuple[LabelAlias, ...] = ()) -> DocumentResult:
    return assemble(document, outcomes, settings, _catalog(catalog_dir).with_aliases(aliases), page_images)


@task(name="debug-overlays", cache_policy=NO_CACHE)
def overlay_task(outcomes: list[PageResult | PageFailure], result: DocumentResult, settings: Settings,
                 debug_dir: str) -> None:
    """A picture of each page read: what the pipeline found and decided on it (pipeline.output.overlay)."""
    from pipeline.output.overlay import write_overlays

    pages = [o for o in outcomes if isinstance(o, PageResult)]
    write_overlays(pages, result.facts, settings, Path(debug_dir))


@dataclass(frozen=True)
class Unchanged:
    """A document whose records are already stored for this pipeline version: not read again."""

    document: DocumentInfo


Outcome = DocumentResult | Rejection | Unchanged


class Sink(Protocol):
    def accept(self, result: Outcome) -> None: ...


@dataclass
class IngestOutcome:
    """What one run produced; the CLI turns it into files, a summary and an exit status."""

    results: list[DocumentResult] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    unchanged: list[DocumentInfo] = field(default_factory=list)


def _page_failure(ref: PageRef, state: State) -> PageFailure:
    """The failure of a page task whose retries are spent."""
    exc = state.result(raise_on_failure=False)
    category = "ocr_engine" if isinstance(exc, OcrEngineError) else str(ErrorCode.INTERNAL_ERROR)
    return PageFailure(page=ref.number, category=category, message=f"{type(exc).__name__}: {exc}")


@dataclass
class _InFlight:
    """A document whose pages have been submitted; finished in input order."""

    path: Path
    document: DocumentInfo | None = None
    early: Rejection | Unchanged | None = None  # decided at intake, no pages
    pages: list[tuple[PageRef, Any]] = field(default_factory=list)  # (ref, PrefectFuture)


def _start(path: Path, settings: Settings, is_stored: Callable[[str], bool] | None,
           pool: PagePool | None) -> _InFlight:
    document = intake_task(path, settings.max_page_pixels)
    if isinstance(document, Rejection):
        return _InFlight(path, early=document)
    if is_stored is not None and is_stored(document.sha256):
        return _InFlight(path, document=document, early=Unchanged(document))
    pages = [(ref, page_task.submit(ref, settings, pool)) for ref in page_refs(document)]
    return _InFlight(path, document=document, pages=pages)


def _finish(item: _InFlight, settings: Settings, catalog_dir: str | None,
            on_page: Callable[[DocumentInfo, PageRef], None] | None, debug_dir: str | None = None,
            aliases: tuple[LabelAlias, ...] = ()) -> Outcome:
    if item.early is not None:
        return item.early
    assert item.document is not None
    outcomes: list[PageResult | PageFailure] = []
    for ref, future in item.pages:
        future.wait()
        state = future.state
        outcomes.append(state.result() if state.is_completed() else _page_failure(ref, state))
        if on_page is not None:
            on_page(item.document, ref)
    try:
        # quote(): these hold no futures, and Prefect's walk through every cell of every page in
        # search of one cost more than assembling the document (a second on 60 pages).
        images = page_images_task(quote(outcomes), settings)
        result = assemble_task(item.document, quote(outcomes), settings, catalog_dir, quote(images), quote(aliases))
        if debug_dir is not None:
            overlay_task(quote(outcomes), quote(result), settings, debug_dir)
        return result
    except Exception as exc:  # noqa: BLE001 - one document's defect must not end the batch
        get_run_logger().exception("assembling %s failed", item.document.source)
        return Rejection(source=item.document.source, error=ErrorCode.INTERNAL_ERROR,
                         message=f"{item.document.source}: yusuan failed while assembling it "
                                 f"({type(exc).__name__}: {exc}); please report this with the file")


@flow(name="ingest", version=PIPELINE_VERSION, log_prints=False, task_runner=ThreadPoolTaskRunner(max_workers=1))
def ingest_flow(paths: list[Path], settings: Settings, catalog_dir: str | None = None,
                sink: Any = None, prefetch_pages: int = 0, debug_dir: str | None = None,
                pool: PagePool | None = None) -> quote[IngestOutcome]:
    """Ingest each path; ``sink`` (if given) receives each outcome, in input order, as soon as it is
    ready, so what is done is written even if a later document fails.

    Page tasks go to the flow's task runner: by default one worker thread (pages one after
    another, as OCR is CPU-bound); ``ingest_flow.with_options(task_runner=DaskTaskRunner(...))``
    spreads them over Dask workers.  ``prefetch_pages`` is how many submitted pages may still be
    unread when the next document is started (0: one document at a time), so several small
    documents keep several workers busy, and a document's pages are read while the one before is
    assembled.  With ``pool`` the page tasks hand their pages to its
    worker processes (run the flow with as many task-runner threads as the pool has workers).

    Returns the :class:`IngestOutcome` quoted (``.unquote()`` gives it): Prefect otherwise walks a
    flow's return value, every fact of every document, in search of futures (1.6 s on 60 pages).
    """
    on_page = getattr(sink, "on_page", None)
    is_stored = getattr(sink, "is_stored", None)
    # The labels operators corrected (yusuan review), read their way in this run.
    label_aliases = getattr(sink, "label_aliases", None)
    aliases = tuple(label_aliases()) if label_aliases is not None else ()
    outcome = IngestOutcome()
    in_flight: deque[_InFlight] = deque()

    def finish_first() -> None:
        result = _finish(in_flight.popleft(), settings, catalog_dir, on_page, debug_dir, aliases)
        if isinstance(result, Rejection):
            outcome.rejections.append(result)
        elif isinstance(result, Unchanged):
            outcome.unchanged.append(result.document)
        else:
            outcome.results.append(result)
        if sink is not None:
            sink.accept(result)

    def finish_ready() -> None:
        while in_flight and _all_read(in_flight[0]):
            finish_first()

    for path in paths:
        in_flight.append(_start(path, settings, is_stored, pool))
        finish_ready()
        # The next document is opened and its pages queued once no more than prefetch_pages of the
        # pages submitted are unread: the workers go on to it while this thread assembles the last.
        while (waiting := _unread(in_flight)) and len(waiting) > prefetch_pages:
            waiting[0].wait()
            finish_ready()
    while in_flight:
        finish_first()
    return quote(outcome)


def _unread(in_flight: deque[_InFlight]) -> list[Any]:
    """The page futures not yet done, oldest first."""
    return [future for item in in_flight for _, future in item.pages if not _done(future)]


def _all_read(item: _InFlight) -> bool:
    return item.early is not None or all(_done(future) for _, future in item.pages)


def _done(future: Any) -> bool:
    """Whether a page task has ended, asked of the future it runs in: a Prefect future's ``state``
    would ask the API server while the task runs."""
    return bool(future.wrapped_future.done())


def make_task_runner(dask: str | None) -> Any:
    """The task runner for ``--dask``: None (in process), ``local:N`` (a LocalCluster of N worker
    processes on loopback) or the address of a running scheduler (``tcp://host:8786``)."""
    if not dask:
        return None
    import os

    # Dask's scheduler and nannies log every worker (de)registration at INFO; workers inherit this.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    from prefect_dask import DaskTaskRunner

    if dask.startswith("local:"):
        workers = int(dask.split(":", 1)[1])
        if workers < 1:
            raise ValueError("local:N needs N >= 1")
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "host": "127.0.0.1", "dashboard_address": None})
    return DaskTaskRunner(address=dask)


def dask_worker_count(dask: str | None) -> int:
    """Workers to keep busy: N for local:N; for a remote scheduler, asked once from it."""
    if not dask:
        return 1
    if dask.startswith("local:"):
        return int(dask.split(":", 1)[1])
    from distributed import Client

    with Client(dask, timeout=30) as client:
        return max(1, len(client.scheduler_info().get("workers", {})))
