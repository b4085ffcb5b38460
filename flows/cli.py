"""``yusuan``: the command line (Typer).  Runs the Prefect flows; maps outcomes to exit codes.

Every argument and setting is checked before any engine, database or Prefect starts (a wrong
one costs well under two seconds); faults of the run are :class:`pipeline.errors.RunFault`
and end as one line and their exit status (pipeline.errors), a traceback only with ``-v``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from flows.config import RunConfig, check_database_url, load_config
from flows.prefect_home import PrefectHome
from flows.summary import RunSummary
from pipeline.errors import (
    EXIT_OK,
    EXIT_USAGE,
    BusyError,
    DatabaseUnreachableError,
    EngineMissingError,
    OrchestrationError,
    RunFault,
    UsageError,
    exit_status,
)
from pipeline.settings import DEFAULT_ACCEPT_THRESHOLD, Settings
from review.cli import review_app

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Scanned budget disclosures in, structured records out.")
catalog_app = typer.Typer(no_args_is_help=True, help="The canonical code lists (科目, 目录).")
app.add_typer(catalog_app, name="catalog")
app.add_typer(review_app, name="review")
console = Console(stderr=True)


def configure_prefect(data_dir: Path) -> PrefectHome:
    """Offline, ephemeral Prefect with its home inside the project's data folder, analytics off;
    a new home's database seeded from the template (flows.prefect_home).

    Must run before Prefect is imported; an operator's own PREFECT_* settings win.
    """
    from flows.prefect_home import prepare_home

    os.environ.setdefault("PREFECT_HOME", str((data_dir / "prefect").resolve()))
    home = prepare_home(Path(os.environ["PREFECT_HOME"]))  # Prefect creates only the last level
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    # The temporary server takes seconds to start, and far longer on a busy machine (its 20 s
    # default ran out while other jobs held both cores); a run should wait for it, not fail.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    return home


def _version_callback(value: bool) -> None:
    if value:
        from importlib.metadata import version

        from pipeline import PIPELINE_VERSION

        Console().print(f"yusuan {version('yusuan')} (pipeline {PIPELINE_VERSION})", highlight=False)
        raise typer.Exit(EXIT_OK)


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version_callback, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Exit statuses: 0 every input processed, 1 some inputs rejected, 2 usage, 3 environment
    (database unreachable, engine missing, orchestration failed)."""


@contextmanager
def _faults(verbosity: int, json_out: bool = False) -> Iterator[None]:
    """A :class:`RunFault` becomes its one line on stderr and its exit status; the traceback only with -v."""
    try:
        yield
    except RunFault as fault:
        if verbosity >= 1:
            console.print_exception()
        console.print(f"[red]yusuan: {escape(fault.message)}[/red]", highlight=False, soft_wrap=True)
        if json_out:
            summary = RunSummary(version=_version(), pipeline_version=_pipeline_version(), exit_status=fault.exit_code,
                                 lines=(), fault=fault.code, message=fault.message)
            print(summary.to_json())
        raise typer.Exit(fault.exit_code) from None


def _version() -> str:
    from importlib.metadata import version

    return version("yusuan")


def _pipeline_version() -> str:
    from pipeline import PIPELINE_VERSION

    return PIPELINE_VERSION


def _require_engines(settings: Settings) -> None:
    """Refuse to start when an engine the run needs is not installed (exit 3: the machine lacks it)."""
    from pipeline.ocr import OcrEngineError
    from pipeline.engines import check_engines

    try:
        check_engines(settings)
    except OcrEngineError as exc:
        raise EngineMissingError(str(exc)) from exc


def _open_store(config: RunConfig) -> Any:
    """The database, migrated; an unreachable one is exit 3 with one line (no password in it)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    from flows.sink import open_store

    url = config.database_url()
    try:
        return open_store(url, config.data_dir)
    except DBAPIError as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc).splitlines()[0]
        raise DatabaseUnreachableError(f"database {shown} unreachable: {reason}") from exc


def _check_paths(paths: list[Path]) -> None:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")


def _check_out(out: Path, option: str = "--out") -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"{option} {out}: is a file, not a folder")


def _check_dask(dask: str | None) -> None:
    if not dask:
        return
    if dask.startswith("local:"):
        count = dask.split(":", 1)[1]
        if not count.isdigit() or int(count) < 1:
            raise UsageError(f"--dask {dask!r}: local:N needs a whole number N >= 1")
    elif "://" not in dask:
        raise UsageError(f"--dask {dask!r}: give local:N or a scheduler address such as tcp://host:8786")


def _check_config(config: RunConfig, db_option: str | None) -> None:
    """Every check that needs no engine, database or Prefect: milliseconds, before anything slow."""
    if db_option is not None:
        check_database_url(db_option, from_command_line=True)
    elif config.db is not None:
        check_database_url(config.db, from_command_line=False)
    _check_out(config.data_dir, "--data-dir")
    _check_dask(config.dask)
    config.password()  # a password file that cannot be read is said now, not at the first save


# Pages each worker is given before the flow runs.  Prefect's server takes 4-7 s to come up on two
# busy cores; a born-digital page takes a worker ~0.3 s, so two pages each (a scan's few seconds)
# left the workers idle for about 3 s of a 63-page born-digital run.
_READ_AHEAD_PER_WORKER = 8

DEBUG_DIR_HELP = ("Write a picture of each page read to this folder: ruling lines, grids, "
                  "each cell coloured by its facts' status.")
VERBOSE_HELP = ("Say more: -v stages and tables (and a traceback with any error), -vv every decision "
                "(orientation, grids, kinds, corrections).")
QUIET_HELP = "Say less: -q only warnings and errors (no progress bar, no summary table), -qq errors only."
JSON_HELP = "Print a machine-readable summary (JSON) on stdout instead of the table."
CONFIG_HELP = "A TOML file of settings (default: $YUSUAN_CONFIG, else ./yusuan.toml if present)."


def _configure_logging(verbosity: int) -> int:
    """The pipeline's decisions on stderr: INFO with -v, DEBUG with -vv; warnings by default; -qq errors
    only.  The level chosen (page workers log at it too)."""
    import logging

    from rich.logging import RichHandler

    levels = {-2: logging.ERROR, -1: logging.WARNING, 0: logging.WARNING, 1: logging.INFO}
    level = logging.DEBUG if verbosity >= 2 else levels[max(-2, verbosity)]
    for name in ("pipeline", "flows"):
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not any(isinstance(h, RichHandler) for h in logger.handlers):
            logger.addHandler(RichHandler(console=console, show_path=False))
    return level


DASK_HELP = ("Run page tasks on Dask: the address of a running scheduler (tcp://host:8786), "
             "or local:N for a LocalCluster of N worker processes. Default: in this process.")
TEXT_LAYER_HELP = ("Read born-digital PDF pages from their own text layer (exact, no OCR) when it passes the "
                   "checks (no mojibake, not another tool's invisible OCR, matches the ink); off: OCR every page.")
WORKERS_HELP = ("Worker processes reading pages (default: one per core on a multi-core machine; "
                "0: pages read in this process).  Ignored with --dask.")
CROSS_CHECK_HELP = ("Read prose, project names and indicator values a second time with the other OCR engine; "
                    "agreement feeds the confidence. Off: faster, and doubtful text is found less often.")
DB_HELP = "Database URL without a password (YUSUAN_DB; password: YUSUAN_DB_PASSWORD[_FILE]). Default: SQLite in the data folder."


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="PDF or image files, or folders of them.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for records.jsonl, tables.jsonl, rejected.jsonl.")],
    db: Annotated[Optional[str], typer.Option("--db", help=DB_HELP)] = None,
    engine: Annotated[Optional[str], typer.Option("--engine", help="OCR engine: rapidocr or tesseract (YUSUAN_ENGINE).")] = None,
    dpi: Annotated[Optional[int], typer.Option("--dpi", help="Render resolution for PDF pages (YUSUAN_DPI).")] = None,
    data_dir: Annotated[Optional[Path], typer.Option("--data-dir", help="Database, Prefect home, user catalogs (YUSUAN_DATA_DIR; default data).")] = None,
    no_db: Annotated[bool, typer.Option("--no-db", help="Write the JSONL files only.")] = False,
    dask: Annotated[Optional[str], typer.Option("--dask", help=DASK_HELP + " (YUSUAN_DASK)")] = None,
    cross_check: Annotated[Optional[bool], typer.Option("--cross-check/--no-cross-check", help=CROSS_CHECK_HELP)] = None,
    accept_threshold: Annotated[Optional[float], typer.Option("--accept-threshold", help=f"Facts below this confidence go to review (YUSUAN_ACCEPT_THRESHOLD; default {DEFAULT_ACCEPT_THRESHOLD:g}).")] = None,
    debug_dir: Annotated[Optional[Path], typer.Option("--debug-dir", help=DEBUG_DIR_HELP)] = None,
    config_file: Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)] = None,
    json_out: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help=VERBOSE_HELP)] = 0,
    quiet: Annotated[int, typer.Option("--quiet", "-q", count=True, help=QUIET_HELP)] = 0,
    workers: Annotated[Optional[int], typer.Option("--workers", min=0, help=WORKERS_HELP)] = None,
    text_layer: Annotated[bool, typer.Option("--text-layer/--no-text-layer", help=TEXT_LAYER_HELP)] = True,
) -> None:
    """Ingest disclosures. Exit 0 all processed, 1 some rejected, 2 usage, 3 environment (database, engine, Prefect).

    A file already stored for this pipeline version is not read again ("unchanged")."""
    verbosity = verbose - quiet
    with _faults(verbosity, json_out):
        config = load_config(config_file, db=db, data_dir=data_dir, engine=engine, dpi=dpi, dask=dask,
                             cross_check=cross_check, accept_threshold=accept_threshold)
        _check_paths(paths)
        _check_out(out)
        _check_config(config, db)
        settings = Settings(ocr_engine=config.engine, render_dpi=config.dpi, data_dir=config.data_dir,
                            cross_check=config.cross_check, accept_threshold=config.accept_threshold,
                            page_timeout_s=config.page_timeout, text_layer=text_layer)
        log_level = _configure_logging(verbosity)
        _require_engines(settings)
        from flows.pool import PagePool, default_workers
        from pipeline.image.intake import iter_inputs

        inputs = list(iter_inputs(paths))
        server = home = None
        if inputs:
            # Launched first: Prefect's temporary server boots (seconds) while the rest starts.
            home = configure_prefect(config.data_dir)
            from flows.orchestration import launch_temporary_server

            server = launch_temporary_server()
        pool = None
        try:
            store = None if no_db else _open_store(config)
            wanted = 0 if config.dask or not inputs else (default_workers() if workers is None else workers)
            first_pages = _first_pages(inputs, settings, store, _READ_AHEAD_PER_WORKER * wanted) if wanted else []
            # No more workers than pages to read (a worker costs a process and its engines), made
            # now: the workers read the first pages (loading an engine where one is needed) while Prefect starts.
            n_workers = min(wanted, len(first_pages))
            pool = PagePool(n_workers, settings, log_level) if n_workers else None
            for ref in first_pages if pool is not None else ():
                pool.read_ahead(ref, settings)
            summary = _run_ingest(inputs, out, store, settings, config, debug_dir,
                                  show_progress=verbosity >= 0 and not json_out, pool=pool, server=server,
                                  prefect_home=home)
        finally:
            if pool is not None:
                pool.close()
            if server is not None:
                server.stop()
        _report(summary, verbosity, json_out)
        raise typer.Exit(summary.exit_status)


def _run_ingest(inputs: list[Path], out: Path, store: Any, settings: Settings, config: RunConfig,
                debug_dir: Path | None, show_progress: bool, pool: Any = None, server: Any = None,
                prefect_home: PrefectHome | None = None) -> RunSummary:
    """The flow over ``inputs``; whatever completes is written even when Prefect fails part way."""
    from flows.sink import OutputSink

    sink = OutputSink(out, store)  # the files exist (empty) from here on, whatever happens next
    fault: RunFault | None = None
    try:
        if inputs:
            import flows.ingest  # noqa: F401 - Prefect's import (a second) while its server boots
            from flows.orchestration import run_api

            when_up = prefect_home.keep_as_template if prefect_home is not None else None
            with run_api(config.orchestration_timeout, config.orchestration_attempts, server, when_up=when_up):
                fault = _flow_run(inputs, sink, settings, config, debug_dir, show_progress, pool)
    except RunFault as exc:
        fault = exc
    finally:
        sink.close()
    rejected = sum(1 for line in sink.lines if line.outcome == "rejected")
    database_fault = sink.database_error is not None
    if fault is None and database_fault:
        fault = DatabaseUnreachableError(f"the database failed during the run: {sink.database_error}")
    without_facts = sum(1 for line in sink.lines if line.without_facts)
    status = fault.exit_code if fault is not None else exit_status(rejected, database_fault, without_facts)
    return RunSummary(version=_version(), pipeline_version=_pipeline_version(), exit_status=status,
                      lines=tuple(sink.lines), fault=fault.code if fault else None,
                      message=fault.message if fault else None)


def _flow_run(inputs: list[Path], sink: Any, settings: Settings, config: RunConfig, debug_dir: Path | None,
              show_progress: bool, pool: Any = None) -> RunFault | None:
    from prefect.task_runners import ThreadPoolTaskRunner

    from flows.ingest import dask_worker_count, ingest_flow, make_task_runner

    runner_ = make_task_runner(config.dask)
    if pool is not None:
        # One task-runner thread per worker, and pages submitted ahead, keep every worker busy.
        runner_ = ThreadPoolTaskRunner(max_workers=pool.workers)
    flow = ingest_flow if runner_ is None else ingest_flow.with_options(task_runner=runner_)
    if pool is not None:
        prefetch = 2 * pool.workers
    else:
        prefetch = 0 if runner_ is None else 2 * dask_worker_count(config.dask)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True, disable=not show_progress) as progress:
        sink.attach_progress(progress, len(inputs))
        try:
            flow(inputs, settings, str(config.data_dir / "catalogs"), sink, prefetch,
                 str(debug_dir) if debug_dir is not None else None, pool)
        except Exception as exc:  # noqa: BLE001 - Prefect's API or the flow engine failed: say it, keep what is done
            import logging

            logging.getLogger("flows").debug("the flow run failed", exc_info=True)
            first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
            return OrchestrationError(f"the run failed after {len(sink.lines)} of {len(inputs)} input(s) "
                                      f"({type(exc).__name__}: {first}); what completed is written")
    return None


def _first_pages(inputs: list[Path], settings: Settings, store: Any, budget: int) -> list[Any]:
    """The first ``budget`` pages the flow will read: those the workers read while Prefect starts.

    A document already stored for this pipeline version (which the flow will not read) and an
    input intake refuses are skipped; fewer pages than ``budget`` means the run has no more."""
    from pipeline import PIPELINE_VERSION
    from pipeline.errors import YusuanError
    from pipeline.image.intake import IntakeLimits, open_document, page_refs

    refs: list[Any] = []
    for path in inputs:
        if len(refs) >= budget:
            break
        try:
            document = open_document(path, IntakeLimits(max_pixels=settings.max_page_pixels))
        except YusuanError:
            continue
        if store is not None and store.has_document(document.sha256, PIPELINE_VERSION):
            continue
        refs.extend(page_refs(document)[:budget - len(refs)])
    return refs


def _report(summary: RunSummary, verbosity: int, json_out: bool) -> None:
    if json_out:
        print(summary.to_json())
    elif verbosity >= 0:
        _print_summary(summary)
    for note in summary.notes:
        if verbosity >= -1 or summary.fault is not None:
            console.print(f"[yellow]yusuan: {escape(note)}[/yellow]", highlight=False, soft_wrap=True)


def _print_summary(summary: RunSummary) -> None:
    table = Table(title="yusuan ingest")
    for name in ("source", "pages", "tables", "facts", "needs review", "note"):
        table.add_column(name)
    for line in summary.lines:
        dash = line.outcome == "rejected"
        table.add_row(escape(line.source), "-" if line.pages is None else str(line.pages),
                      "-" if dash else str(line.tables), "-" if dash else str(line.facts),
                      "-" if dash else str(line.needs_review), escape(line.note))
    Console().print(table)


@app.command()
def serve(
    watch: Annotated[Path, typer.Option("--watch", help="Inbox folder: new or changed files in it are ingested.")],
    cron: Annotated[str, typer.Option("--cron", help='Schedule, e.g. "*/15 * * * *".')] = "*/15 * * * *",
    db: Annotated[Optional[str], typer.Option("--db", help=DB_HELP)] = None,
    engine: Annotated[Optional[str], typer.Option("--engine", help="OCR engine: rapidocr or tesseract.")] = None,
    dpi: Annotated[Optional[int], typer.Option("--dpi", help="Render resolution for PDF pages.")] = None,
    data_dir: Annotated[Optional[Path], typer.Option("--data-dir", help="Database, Prefect home, user catalogs, the inbox lock.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Folder for each run's JSONL files (default DATA_DIR/inbox-runs).")] = None,
    settle: Annotated[float, typer.Option("--settle", help="Leave files modified in the last N seconds for the next run.")] = 5.0,
    dask: Annotated[Optional[str], typer.Option("--dask", help=DASK_HELP)] = None,
    name: Annotated[str, typer.Option("--name", help="Deployment name (watch-inbox/NAME).")] = "inbox",
    cross_check: Annotated[Optional[bool], typer.Option("--cross-check/--no-cross-check", help=CROSS_CHECK_HELP)] = None,
    once: Annotated[bool, typer.Option("--once", help="Run one pass over the inbox now and exit.")] = False,
    config_file: Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)] = None,
    json_out: Annotated[bool, typer.Option("--json", help="With --once: a JSON line per file on stdout.")] = False,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help=VERBOSE_HELP)] = 0,
    quiet: Annotated[int, typer.Option("--quiet", "-q", count=True, help=QUIET_HELP)] = 0,
) -> None:
    """Serve the scheduled ingestion of an inbox folder as a Prefect deployment (blocks; Ctrl-C stops).

    Files go to WATCH/processed/ or WATCH/quarantine/ by outcome; nothing is ever deleted.  One
    run at a time: a run finding another's lock in the data folder says so and does nothing.
    With PREFECT_API_URL (a `prefect server start`) the server schedules runs of the deployment;
    in Prefect's ephemeral mode this process sleeps until each cron time and runs the flow itself.
    The database password comes from YUSUAN_DB_PASSWORD(_FILE) in the serving process, never
    from the deployment's parameters."""
    verbosity = verbose - quiet
    with _faults(verbosity):
        config = load_config(config_file, db=db, data_dir=data_dir, engine=engine, dpi=dpi, dask=dask,
                             cross_check=cross_check)
        if not watch.is_dir():
            raise UsageError(f"--watch {watch}: not a folder")
        if out is not None:
            _check_out(out)
        _check_config(config, db)
        _configure_logging(verbosity)
        _require_engines(Settings(ocr_engine=config.engine, cross_check=config.cross_check))
        # The inbox's per-file lines are Prefect run-log lines: shown at INFO unless -q.
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbosity >= 0 else "WARNING")
        configure_prefect(config.data_dir)
        from prefect.client.schemas.schedules import CronSchedule

        try:
            CronSchedule(cron=cron)
        except ValueError as exc:
            raise UsageError(f"--cron {cron!r}: not a cron expression") from exc
        from flows.orchestration import start_orchestration
        from flows.serve import inbox_lock_holder, inbox_parameters, serve_inbox, watch_inbox

        parameters = inbox_parameters(watch, config.data_dir, db=config.public_database_url(), engine=config.engine,
                                      dpi=config.dpi, out=out, settle_seconds=settle, dask=config.dask,
                                      cross_check=config.cross_check)
        if once:
            holder = inbox_lock_holder(config.data_dir)
            if holder is not None:
                raise BusyError(f"another inbox run holds the lock ({holder}); this run does nothing")
            start_orchestration(config.orchestration_timeout, config.orchestration_attempts)
            rows = watch_inbox(**parameters)
            rejected = sum(1 for r in rows if r.outcome.startswith("rejected"))
            if json_out:
                for row in rows:
                    print(json.dumps(row.as_dict(), ensure_ascii=False))
            elif verbosity >= 0:
                for row in rows:
                    Console().print(row.line(), highlight=False, markup=False)
                Console().print(f"{len(rows)} file(s): {len(rows) - rejected} processed or unchanged, "
                                f"{rejected} quarantined", highlight=False)
            raise typer.Exit(exit_status(rejected, n_without_facts=sum(1 for r in rows if r.without_facts)))
        start_orchestration(config.orchestration_timeout, config.orchestration_attempts)
        serve_inbox(cron, parameters, name=name)


@app.command("eval")
def evaluate_command(
    out: Annotated[Path, typer.Argument(help="The --out folder of an ingest run.")],
    samples: Annotated[Path, typer.Option("--samples", help="Folder with <name>/truth/*.jsonl.")] = Path("samples"),
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the report as JSON.")] = None,
    all_truth: Annotated[bool, typer.Option("--all-truth", help="Score against every truth file, ingested or not.")] = False,
    by_look: Annotated[bool, typer.Option("--by-look", help="One row per look (the truth file's name after its "
                                          "department): fact P/R, accepted P, wrong → review, review rate, ECE.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="With --by-look: the matrix as a Markdown table.")] = False,
) -> None:
    """Score records.jsonl and tables.jsonl against the truth of the samples that were ingested."""
    from evaluation.evaluate import discover_truth, evaluate, format_report, read_jsonl

    truth_records, truth_tables = discover_truth(samples)
    if not all_truth:
        ingested = _ingested_stems(out / "records.jsonl", out / "rejected.jsonl")
        truth_records = [p for p in truth_records if p.name.split(".")[0] in ingested]
        truth_tables = [p for p in truth_tables if p.name.split(".")[0] in ingested]
    if not truth_records:
        console.print(f"[red]no truth files under {samples}[/red]")
        raise typer.Exit(EXIT_USAGE)
    if by_look:
        from evaluation.looks import format_matrix, score_by_look
        from models import Fact

        scores = score_by_look(read_jsonl(out / "records.jsonl", Fact), truth_records)
        Console().print(format_matrix(scores, markdown=markdown), markup=False, highlight=False)
        return
    report = evaluate(out / "records.jsonl", truth_records, out / "tables.jsonl", truth_tables)
    Console().print(format_report(report), markup=False, highlight=False)
    if json_out is not None:
        json_out.write_text(report.to_json(), encoding="utf-8")


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for facts, tables and wide_<kind> files, or the workbooks.")],
    fmt: Annotated[str, typer.Option("--format", help="csv, parquet, jsonl or xlsx (a workbook per document).")] = "csv",
    db: Annotated[Optional[str], typer.Option("--db", help="Database URL (default: SQLite in the data folder).")] = None,
    data_dir: Annotated[Path, typer.Option("--data-dir")] = Path("data"),
    all_versions: Annotated[bool, typer.Option("--all-versions", help="Every stored pipeline version, not only the latest.")] = False,
    document: Annotated[Optional[str], typer.Option("--document", help="Only this file: its sha256, a prefix of it, or its file name.")] = None,
) -> None:
    """Export facts, tables as printed and a pivot per table kind from the database (CSV in UTF-8 with a BOM for Excel)."""
    from pipeline.output.export import FORMATS, export
    from pipeline.output.store import default_url

    if fmt not in FORMATS:
        console.print(f"[red]unknown format {fmt!r}: one of {', '.join(FORMATS)}[/red]")
        raise typer.Exit(EXIT_USAGE)
    try:
        paths = export(db or default_url(data_dir), fmt, out, latest_only=not all_versions,  # type: ignore[arg-type]
                       document=document)
    except (FileNotFoundError, LookupError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from exc
    for path in paths:
        Console().print(f"wrote {path}")


def _ingested_stems(*paths: Path) -> set[str]:
    """File stems of the sources an ingest run saw (emitted facts or rejections)."""
    import json

    stems = set()
    for path in paths:
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                stems.update(Path(json.loads(line)["source"]).stem for line in handle if line.strip())
    return stems


@catalog_app.command("import")
def catalog_import(
    file: Annotated[Path, typer.Argument(help="CSV with code,name,level,edition,source[,kind].")],
    kind: Annotated[Optional[str], typer.Option("--kind", help="functional, economic or procurement.")] = None,
    data_dir: Annotated[Path, typer.Option("--data-dir")] = Path("data"),
) -> None:
    """Add a user catalog (each row with its source); later runs match against it too."""
    from pipeline.check.catalog import CatalogError, import_catalog

    try:
        count = import_catalog(file, data_dir / "catalogs", kind=kind)
    except (CatalogError, OSError, ValueError) as exc:  # ValueError: an unknown --kind
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from exc
    Console().print(f"imported {count} rows from {file} into {data_dir / 'catalogs'}")


@catalog_app.command("aliases")
def catalog_aliases(
    db: Annotated[Optional[str], typer.Option("--db", help="Database URL (default: SQLite in the data folder).")] = None,
    data_dir: Annotated[Path, typer.Option("--data-dir")] = Path("data"),
    revoke: Annotated[Optional[int], typer.Option("--revoke", help="Revoke the alias with this id: later ingests no longer read it.")] = None,
    revoked: Annotated[bool, typer.Option("--revoked", help="List revoked aliases too.")] = False,
) -> None:
    """List the labels operators corrected in `yusuan review` (aliases later ingests read), or revoke one."""
    from pipeline.output.store import default_url, open_store
    from pipeline.output.store.aliases import AliasError, list_aliases, revoke_alias

    with open_store(db or default_url(data_dir)) as store, store.session() as session:
        if revoke is not None:
            try:
                with session.begin():
                    revoke_alias(session, revoke, by=os.environ.get("USER") or "cli")
            except AliasError as exc:
                console.print(f"[red]{exc}[/red]")
                raise typer.Exit(EXIT_USAGE) from exc
            Console().print(f"alias {revoke} revoked")
            return
        rows = list_aliases(session, include_revoked=revoked)
    # One alias a line, tab-separated: readable, and easy to cut or grep.
    out = Console(soft_wrap=True, highlight=False)
    out.print("\t".join(("id", "read as", "label", "code", "table", "by", "at", "revoked")), markup=False)
    for row in rows:
        revoked_by = f"{row.revoked_by} {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else ""
        out.print("\t".join((str(row.id), row.alias, row.label, row.code or "", row.kind or "any", row.created_by,
                             f"{row.created_at:%Y-%m-%d %H:%M}", revoked_by)), markup=False)
