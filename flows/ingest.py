"""The Prefect flow behind ``yusuan ingest``: documents, then pages as tasks, then emission.

Tasks pass paths, page references and typed results, never image arrays.
Bad input is never retried (a retry condition refuses it); an engine crash on
a page is retried with backoff, then recorded as a page failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.client.schemas.objects import TaskRun
from prefect.states import State

from models import DocumentInfo, ErrorCode, PageRef, Rejection
from pipeline import PIPELINE_VERSION
from pipeline.catalog import Catalog, load_default
from pipeline.document import DocumentResult, PageFailure, assemble, read_page
from pipeline.errors import YusuanError
from pipeline.intake import IntakeLimits, open_document, page_refs
from pipeline.ocr import OcrEngine, make_engine
from pipeline.page import PageResult
from pipeline.settings import Settings


@cache
def _engine(name: str) -> OcrEngine:
    """One engine per worker process: model loading costs seconds, reading a line milliseconds."""
    return make_engine(name)


@cache
def _catalog(extra_dir: str | None) -> Catalog:
    return load_default(extra_dir)


def _retry_unless_bad_input(task: object, task_run: TaskRun, state: State) -> bool:
    """Transient faults are retried; an input the user must fix is not."""
    try:
        state.result()
    except YusuanError:
        return False
    except Exception:  # noqa: BLE001 - anything else may be transient
        return True
    return False


@task(name="intake", retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=_retry_unless_bad_input)
def intake_task(path: Path, max_pixels: int) -> DocumentInfo:
    return open_document(path, IntakeLimits(max_pixels=max_pixels))


@task(name="page", retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=_retry_unless_bad_input)
def page_task(ref: PageRef, settings: Settings) -> PageResult | PageFailure:
    return read_page(ref, settings, _engine(settings.ocr_engine))


@task(name="assemble")
def assemble_task(document: DocumentInfo, outcomes: list[PageResult | PageFailure], settings: Settings,
                  catalog_dir: str | None) -> DocumentResult:
    return assemble(document, outcomes, settings, _catalog(catalog_dir))


@dataclass
class IngestOutcome:
    """What one run produced; the CLI turns it into files, a summary and an exit status."""

    results: list[DocumentResult] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


def ingest_document(path: Path, settings: Settings, catalog_dir: str | None,
                    on_page: object = None) -> DocumentResult | Rejection:
    try:
        document = intake_task(path, settings.max_page_pixels)
    except YusuanError as exc:
        return exc.to_rejection()
    outcomes: list[PageResult | PageFailure] = []
    for ref in page_refs(document):
        outcomes.append(page_task(ref, settings))
        if callable(on_page):
            on_page(document, ref)
    try:
        return assemble_task(document, outcomes, settings, catalog_dir)
    except Exception as exc:  # noqa: BLE001 - one document's defect must not end the batch
        logger = get_run_logger()
        logger.exception("assembling %s failed", document.source)
        return Rejection(source=document.source, error=ErrorCode.INTERNAL_ERROR,
                         message=f"{document.source}: yusuan failed while assembling it ({type(exc).__name__}: {exc}); "
                                 "please report this with the file")


@flow(name="ingest", version=PIPELINE_VERSION, log_prints=False)
def ingest_flow(paths: list[Path], settings: Settings, catalog_dir: str | None = None,
                sink: object = None) -> IngestOutcome:
    """Ingest each path in turn; ``sink`` (if given) receives each result as soon as it is ready,
    so what is done is written even if a later document fails."""
    outcome = IngestOutcome()
    for path in paths:
        result = ingest_document(path, settings, catalog_dir, on_page=getattr(sink, "on_page", None))
        if isinstance(result, Rejection):
            outcome.rejections.append(result)
        else:
            outcome.results.append(result)
        if sink is not None:
            sink.accept(result)  # type: ignore[attr-defined]
    return outcome
