"""Scheduled ingestion: a served Prefect deployment that empties an inbox folder.

``yusuan serve --watch DIR --cron "*/15 * * * *"`` serves the flow
:func:`watch_inbox` with a cron schedule.  Each run ingests every new or
changed file directly in DIR (changed: its sha256 is not stored for this
pipeline version) and then moves each file, by outcome, to ``DIR/processed/``
(records stored, or already stored) or ``DIR/quarantine/`` (rejected).  Files
are only ever moved with ``os.replace`` to a name that is free, never deleted
or overwritten.  A run ends with a markdown artifact: files, facts, review
counts, rejects.

A run killed part way leaves its files in DIR; the next run finds the
documents that were already stored (no OCR, no new rows) and moves them.

One run at a time per data folder: a run takes an exclusive lock on ``DATA_DIR/inbox.lock``
(``flock``: the kernel drops it when the process ends, even by ``kill -9``); a run that finds
it taken logs so and does nothing.  Each file's outcome is one log line (a reject, expected,
at WARNING with its code; never ERROR).  The database password is read from the serving
process's environment (YUSUAN_DB_PASSWORD or YUSUAN_DB_PASSWORD_FILE), never from the
deployment's parameters, which only ever hold the URL without it.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from models import Rejection
from pipeline import PIPELINE_VERSION
from models import DocumentResult
from pipeline.settings import Settings

from flows.sink import LocalOnly

PROCESSED = "processed"
QUARANTINE = "quarantine"
ARTIFACT_KEY = "yusuan-inbox-run"
DEPLOYMENT_NAME = "inbox"
LOCK_FILE = "inbox.lock"


@dataclass(frozen=True)
class FileOutcome:
    name: str
    outcome: str  # processed, unchanged, rejected:<code>
    facts: int
    needs_review: int
    moved_to: str

    @property
    def without_facts(self) -> bool:
        """Read and not one fact: the warning ``no_facts`` (as flows.summary says it for ingest)."""
        return not self.outcome.startswith("rejected") and self.facts == 0

    def line(self) -> str:
        """The file's one summary line."""
        warning = " (warning no_facts)" if self.without_facts else ""
        return (f"{self.name}: {self.outcome}, {self.facts} facts{warning}, {self.needs_review} need review "
                f"-> {self.moved_to}")

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "warnings": ["no_facts"] if self.without_facts else []}


@contextmanager
def inbox_lock(data_dir: Path) -> Iterator[bool]:
    """Hold ``DATA_DIR/inbox.lock`` for the block: yields True, or False when another run holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / LOCK_FILE).open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()} since {datetime.now(UTC).isoformat(timespec='seconds')}\n")
            handle.flush()
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def inbox_lock_holder(data_dir: Path) -> str | None:
    """Who holds the inbox lock ("pid N since …"), None when it is free."""
    with inbox_lock(data_dir) as acquired:
        if acquired:
            return None
    try:
        return (data_dir / LOCK_FILE).read_text(encoding="utf-8").strip() or "another process"
    except OSError:
        return "another process"


def inbox_files(inbox: Path, settle_seconds: float, now: float | None = None) -> list[Path]:
    """Regular, visible files directly in ``inbox``, oldest name first; files modified in the last
    ``settle_seconds`` are left for the next run (they may still be being copied in)."""
    now = time.time() if now is None else now
    files = []
    for path in sorted(inbox.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        if now - path.stat().st_mtime < settle_seconds:
            continue
        files.append(path)
    return files


def move_without_overwrite(path: Path, folder: Path, tag: str) -> Path:
    """Move ``path`` into ``folder``; if the name is taken, add ``tag`` (and a counter) to it."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    n = 0
    while target.exists():
        n += 1
        suffix = f".{tag}" if n == 1 else f".{tag}-{n}"
        target = folder / f"{path.stem}{suffix}{path.suffix}"
    os.replace(path, target)
    return target


class _Recorder(LocalOnly):
    """Passes every outcome on to the real sink and keeps a line per input for the summary."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.outcomes: list[Any] = []

    def is_stored(self, sha256: str) -> bool:
        return self._inner.is_stored(sha256)

    def label_aliases(self) -> list[Any]:
        return self._inner.label_aliases()

    def on_page(self, document: Any, ref: Any) -> None:
        self._inner.on_page(document, ref)

    def accept(self, result: Any) -> None:
        self._inner.accept(result)
        self.outcomes.append(result)


def _describe(result: Any, store: Any) -> tuple[str, int, int]:
    if isinstance(result, Rejection):
        return f"rejected: {result.error}", 0, 0
    if isinstance(result, DocumentResult):
        facts = result.facts
        label = "processed" if not result.failures else f"processed ({len(result.failures)} page failures)"
    else:
        facts = tuple(store.facts_for(result.document.sha256, PIPELINE_VERSION)) if store is not None else ()
        label = "unchanged (already stored)"
    return label, len(facts), sum(1 for f in facts if f.status == "needs_review")


def summary_markdown(inbox: Path, rows: list[FileOutcome]) -> str:
    rejected = [r for r in rows if r.outcome.startswith("rejected")]
    lines = [
        f"# yusuan inbox run: {inbox}",
        "",
        f"- files: {len(rows)} (processed {sum(r.outcome.startswith('processed') for r in rows)}, "
        f"unchanged {sum(r.outcome.startswith('unchanged') for r in rows)}, rejected {len(rejected)})",
        f"- facts: {sum(r.facts for r in rows)}",
        f"- needs review: {sum(r.needs_review for r in rows)}",
        f"- rejects: {len(rejected)}",
        f"- pipeline version: {PIPELINE_VERSION}",
        "",
    ]
    if rows:
        lines += ["| file | outcome | facts | needs review | moved to |", "|---|---|---:|---:|---|"]
        lines += [f"| {r.name} | {r.outcome} | {r.facts} | {r.needs_review} | {r.moved_to} |" for r in rows]
    else:
        lines.append("No new files.")
    return "\n".join(lines) + "\n"


@flow(name="watch-inbox", version=PIPELINE_VERSION, log_prints=False)
def watch_inbox(inbox: str, data_dir: str = "data", db: str | None = None, engine: str = "rapidocr",
                dpi: int = 200, out: str | None = None, settle_seconds: float = 5.0,
                dask: str | None = None, cross_check: bool = True) -> list[FileOutcome]:
    """Ingest the inbox's new files, move each by outcome, publish a summary artifact.

    ``db`` is the URL without a password; the password is joined from this process's environment."""
    logger = get_run_logger()
    folder, data = Path(inbox), Path(data_dir)
    with inbox_lock(data) as acquired:
        if not acquired:
            logger.warning("another inbox run holds %s (%s): this run does nothing", data / LOCK_FILE,
                           inbox_lock_holder(data) or "another process")
            return []
        rows = _empty_inbox(folder, data, db, engine, dpi, out, settle_seconds, dask, cross_check)
    for row in rows:
        if row.outcome.startswith("rejected"):
            logger.warning("%s", row.line())  # expected: the input's fault, said with its code
        else:
            logger.info("%s", row.line())
    logger.info("inbox %s: %d file(s)", folder, len(rows))
    create_markdown_artifact(markdown=summary_markdown(folder, rows), key=ARTIFACT_KEY,
                             description=f"yusuan inbox run over {folder}")
    return rows


def _empty_inbox(folder: Path, data: Path, db: str | None, engine: str, dpi: int, out: str | None,
                 settle_seconds: float, dask: str | None, cross_check: bool) -> list[FileOutcome]:
    from flows.config import load_config
    from flows.ingest import dask_worker_count, ingest_flow, make_task_runner
    from flows.sink import OutputSink, open_store

    files = inbox_files(folder, settle_seconds)
    rows: list[FileOutcome] = []
    if not files:
        return rows
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_out = Path(out) if out else data / "inbox-runs"
    run_out = run_out / f"{stamp}-{flow_run.get_name() or 'run'}"
    # The password joins the URL here, in the process that connects: from YUSUAN_DB_PASSWORD(_FILE),
    # or from a YUSUAN_DB holding it, when that names the same database the parameters do.
    config = load_config(data_dir=data)
    if config.public_database_url() != db:
        config = load_config(db=db, data_dir=data)
    url = config.database_url()
    settings = Settings(ocr_engine=engine, render_dpi=dpi, data_dir=data, cross_check=cross_check,
                        accept_threshold=config.accept_threshold, page_timeout_s=config.page_timeout)
    store = open_store(url, data)
    recorder = _Recorder(OutputSink(run_out, store))
    runner = make_task_runner(dask)
    ingest = ingest_flow if runner is None else ingest_flow.with_options(task_runner=runner)
    prefetch = 0 if runner is None else 2 * dask_worker_count(dask)
    report_store = open_store(url, data)  # the sink closes its own store
    try:
        try:
            ingest(files, settings, str(data / "catalogs"), recorder, prefetch)
        finally:
            recorder._inner.close()
        # One outcome per input, in input order (ingest_flow's contract).
        for path, result in zip(files, recorder.outcomes, strict=True):
            label, facts, review = _describe(result, report_store)
            target = QUARANTINE if isinstance(result, Rejection) else PROCESSED
            moved = move_without_overwrite(path, folder / target, stamp)
            rows.append(FileOutcome(path.name, label, facts, review, f"{target}/{moved.name}"))
    finally:
        report_store.close()
    return rows


def _has_api_server() -> bool:
    """True when PREFECT_API_URL names a Prefect server (whose scheduler runs cron schedules)."""
    from prefect.settings import get_current_settings

    return bool(get_current_settings().api.url)


def run_on_schedule(cron: str, parameters: dict[str, Any], max_runs: int | None = None,
                    sleep: Callable[[float], None] = time.sleep,
                    now: Callable[[], datetime] = lambda: datetime.now().astimezone()) -> int:
    """Ephemeral mode: Prefect's temporary server runs no scheduler, so this loop does: sleep until
    the next cron time (local time zone), run :func:`watch_inbox` (a normal, recorded flow run), repeat.
    A failed run is logged by Prefect and the loop goes on.  Returns the number of runs."""
    from prefect._vendor.croniter import croniter

    times = croniter(cron, now())
    runs = 0
    while max_runs is None or runs < max_runs:
        next_time = times.get_next(datetime)
        while (wait := (next_time - now()).total_seconds()) > 0:
            sleep(min(wait, 60.0))
        watch_inbox(**parameters, return_state=True)
        runs += 1
    return runs


def inbox_parameters(inbox: Path, data_dir: Path, db: str | None = None, engine: str = "rapidocr",
                     dpi: int = 200, out: Path | None = None, settle_seconds: float = 5.0,
                     dask: str | None = None, cross_check: bool = True) -> dict[str, Any]:
    return {
        "inbox": str(inbox.resolve()),
        "data_dir": str(data_dir.resolve()),
        "db": _without_password(db),  # deployment parameters are stored and shown by the server
        "engine": engine,
        "dpi": dpi,
        "out": str(out.resolve()) if out else None,
        "settle_seconds": settle_seconds,
        "dask": dask,
        "cross_check": cross_check,
    }


def _without_password(db: str | None) -> str | None:
    if db is None:
        return None
    from sqlalchemy.engine import make_url

    return make_url(db)._replace(password=None).render_as_string(hide_password=False)


def serve_inbox(cron: str, parameters: dict[str, Any], name: str = DEPLOYMENT_NAME) -> None:
    """Run :func:`watch_inbox` on ``cron`` until stopped (blocks).

    With a Prefect server (PREFECT_API_URL): served as the deployment ``watch-inbox/<name>``,
    scheduled by the server, one run at a time (``limit=1``: two runs never move the same
    file), and runnable on demand with ``prefect deployment run watch-inbox/<name>``.
    In ephemeral mode: :func:`run_on_schedule`.
    """
    if _has_api_server():
        watch_inbox.serve(name=name, cron=cron, parameters=parameters, limit=1)
    else:
        run_on_schedule(cron, parameters)
