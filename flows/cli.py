"""``yusuan``: the command line (Typer).  Runs the Prefect flows; maps outcomes to exit codes."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from models import DocumentInfo, Rejection
from models import DocumentResult
from pipeline.errors import EXIT_USAGE, exit_status
from pipeline.image.intake import iter_inputs
from pipeline.settings import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Scanned budget disclosures in, structured records out.")
catalog_app = typer.Typer(no_args_is_help=True, help="The canonical code lists (科目, 目录).")
app.add_typer(catalog_app, name="catalog")
console = Console(stderr=True)


def configure_prefect(data_dir: Path) -> None:
    """Offline, ephemeral Prefect with its home inside the project's data folder, analytics off.

    Must run before Prefect is imported; an operator's own PREFECT_* settings win.
    """
    prefect_home = (data_dir / "prefect").resolve()
    prefect_home.mkdir(parents=True, exist_ok=True)  # Prefect creates only the last level
    os.environ.setdefault("PREFECT_HOME", str(prefect_home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    # The temporary server takes seconds to start, and far longer on a busy machine (its 20 s
    # default ran out while other jobs held both cores); a run should wait for it, not fail.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def start_prefect_early() -> threading.Thread:
    """Import Prefect and the ingest flow, and start Prefect's temporary server, in a thread: seconds
    of imports here and of the server's own start (a process importing Prefect's server, its database
    made), spent while this process opens its store and the page workers load their engines.

    Join the thread before anything else imports Prefect: two threads importing one package at
    once can each meet the other's half-imported modules.  No server is started when an API URL is
    set (a real server) or ephemeral mode is off; a failure to start is met again, and reported, by
    the flow.
    """
    def start() -> None:
        import flows.ingest  # noqa: F401 - Prefect and the flow, imported while the main thread works
        from prefect.settings import get_current_settings

        current = get_current_settings()
        if current.api.url or not current.server.ephemeral.enabled:
            return
        from prefect.server.api.server import SubprocessASGIServer

        try:
            SubprocessASGIServer().start()
        except Exception:  # noqa: BLE001 - the flow's own start says what went wrong
            pass

    thread = threading.Thread(target=start, name="prefect-start", daemon=True)
    thread.start()
    return thread


def _require_engines(settings: Settings) -> None:
    """Refuse to start (usage error) when an engine the run needs is not installed."""
    from pipeline.ocr import OcrEngineError
    from pipeline.engines import check_engines

    try:
        check_engines(settings)
    except OcrEngineError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from exc


def _open_store(db: str | None, data_dir: Path):
    from flows.sink import open_store

    return open_store(db, data_dir)


DEBUG_DIR_HELP = ("Write a picture of each page read to this folder: ruling lines, grids, "
                  "each cell coloured by its facts' status.")
VERBOSE_HELP = "Say what the pipeline decides: -v stages and tables, -vv every decision (orientation, grids, kinds, corrections)."


def _configure_logging(verbose: int) -> int:
    """The pipeline's decisions on stderr: INFO with -v, DEBUG with -vv; warnings otherwise (the level)."""
    import logging

    from rich.logging import RichHandler

    level = logging.DEBUG if verbose >= 2 else logging.INFO if verbose == 1 else logging.WARNING
    logger = logging.getLogger("pipeline")
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


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="PDF or image files, or folders of them.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for records.jsonl, tables.jsonl, rejected.jsonl.")],
    db: Annotated[Optional[str], typer.Option("--db", help="Database URL (default: SQLite in the data folder).")] = None,
    engine: Annotated[str, typer.Option("--engine", help="OCR engine: rapidocr or tesseract.")] = "rapidocr",
    dpi: Annotated[int, typer.Option("--dpi", help="Render resolution for PDF pages.")] = 200,
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Database, Prefect home, user catalogs.")] = Path("data"),
    no_db: Annotated[bool, typer.Option("--no-db", help="Write the JSONL files only.")] = False,
    dask: Annotated[Optional[str], typer.Option("--dask", envvar="YUSUAN_DASK", help=DASK_HELP)] = None,
    cross_check: Annotated[bool, typer.Option("--cross-check/--no-cross-check", help=CROSS_CHECK_HELP)] = True,
    debug_dir: Annotated[Optional[Path], typer.Option("--debug-dir", help=DEBUG_DIR_HELP)] = None,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help=VERBOSE_HELP)] = 0,
    workers: Annotated[Optional[int], typer.Option("--workers", min=0, help=WORKERS_HELP)] = None,
    text_layer: Annotated[bool, typer.Option("--text-layer/--no-text-layer", help=TEXT_LAYER_HELP)] = True,
) -> None:
    """Ingest disclosures; exit 0 when all were processed, 1 when some were rejected.

    A file already stored for this pipeline version is not read again ("unchanged")."""
    if engine not in ("rapidocr", "tesseract"):
        console.print(f"[red]unknown engine {engine!r}[/red]")
        raise typer.Exit(EXIT_USAGE)
    settings = Settings(ocr_engine=engine, render_dpi=dpi, data_dir=data_dir, cross_check=cross_check,
                        text_layer=text_layer)
    log_level = _configure_logging(verbose)
    _require_engines(settings)
    from flows.pool import PagePool, default_workers

    # Made first: its workers load their engines while Prefect starts (both take seconds).
    n_workers = 0 if dask else (default_workers() if workers is None else workers)
    pool = PagePool(n_workers, settings, log_level) if n_workers else None
    configure_prefect(data_dir)
    prefect_start = start_prefect_early()
    try:
        _ingest(paths, out, settings, db, data_dir, no_db, dask, debug_dir, pool, prefect_start)
    finally:
        if pool is not None:
            pool.close()


def _ingest(paths: list[Path], out: Path, settings: Settings, db: str | None, data_dir: Path, no_db: bool,
            dask: str | None, debug_dir: Path | None, pool, prefect_start: threading.Thread) -> None:
    from flows.sink import OutputSink

    inputs = list(iter_inputs(paths))
    store = None if no_db else _open_store(db, data_dir)
    if pool is not None:
        _read_ahead(inputs, settings, store, pool)
    prefect_start.join()
    from prefect.task_runners import ThreadPoolTaskRunner

    from flows.ingest import dask_worker_count, ingest_flow, make_task_runner

    try:
        runner_ = make_task_runner(dask)
    except ValueError as exc:
        console.print(f"[red]--dask: {exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from exc
    if pool is not None:
        # One task-runner thread per worker, and pages submitted ahead, keep every worker busy.
        runner_ = ThreadPoolTaskRunner(max_workers=pool.workers)
    flow = ingest_flow if runner_ is None else ingest_flow.with_options(task_runner=runner_)
    prefetch = 2 * pool.workers if pool is not None else (0 if not dask else 2 * dask_worker_count(dask))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        sink = OutputSink(out, store, progress, n_documents=len(inputs))
        try:
            outcome = flow(inputs, settings, str(data_dir / "catalogs"), sink, prefetch,
                           str(debug_dir) if debug_dir is not None else None, pool)
        finally:
            sink.close()
    _print_summary(outcome.results, outcome.rejections, outcome.unchanged)
    raise typer.Exit(exit_status(len(outcome.rejections)))


def _read_ahead(inputs: list[Path], settings: Settings, store, pool) -> None:
    """Hand the first pages to the workers now, so they read while Prefect starts (seconds).

    As many pages as the flow will have in flight at first; a document already stored for this
    pipeline version (which the flow will not read) and an input intake refuses are skipped."""
    from pipeline import PIPELINE_VERSION
    from pipeline.errors import YusuanError
    from pipeline.image.intake import IntakeLimits, open_document, page_refs

    budget = 2 * pool.workers
    for path in inputs:
        try:
            document = open_document(path, IntakeLimits(max_pixels=settings.max_page_pixels))
        except YusuanError:
            continue
        if store is not None and store.has_document(document.sha256, PIPELINE_VERSION):
            continue
        for ref in page_refs(document)[:budget]:
            pool.read_ahead(ref, settings)
            budget -= 1
        if budget <= 0:
            return


def _print_summary(results: list[DocumentResult], rejections: list[Rejection],
                   unchanged: list[DocumentInfo] = ()) -> None:
    table = Table(title="yusuan ingest")
    for name in ("source", "pages", "tables", "facts", "needs review", "page failures"):
        table.add_column(name)
    for r in results:
        review = sum(1 for f in r.facts if f.status == "needs_review")
        table.add_row(r.document.source, str(r.document.page_count), str(len(r.tables)), str(len(r.facts)),
                      str(review), str(len(r.failures)))
    for doc in unchanged:
        table.add_row(doc.source, str(doc.page_count), "-", "-", "-", "unchanged (already stored)")
    for rej in rejections:
        table.add_row(rej.source, "-", "-", "-", "-", f"rejected: {rej.error}")
    Console().print(table)


@app.command()
def serve(
    watch: Annotated[Path, typer.Option("--watch", help="Inbox folder: new or changed files in it are ingested.")],
    cron: Annotated[str, typer.Option("--cron", help='Schedule, e.g. "*/15 * * * *".')] = "*/15 * * * *",
    db: Annotated[Optional[str], typer.Option("--db", help="Database URL (default: SQLite in the data folder).")] = None,
    engine: Annotated[str, typer.Option("--engine", help="OCR engine: rapidocr or tesseract.")] = "rapidocr",
    dpi: Annotated[int, typer.Option("--dpi", help="Render resolution for PDF pages.")] = 200,
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Database, Prefect home, user catalogs.")] = Path("data"),
    out: Annotated[Optional[Path], typer.Option("--out", help="Folder for each run's JSONL files (default DATA_DIR/inbox-runs).")] = None,
    settle: Annotated[float, typer.Option("--settle", help="Leave files modified in the last N seconds for the next run.")] = 5.0,
    dask: Annotated[Optional[str], typer.Option("--dask", envvar="YUSUAN_DASK", help=DASK_HELP)] = None,
    name: Annotated[str, typer.Option("--name", help="Deployment name (watch-inbox/NAME).")] = "inbox",
    cross_check: Annotated[bool, typer.Option("--cross-check/--no-cross-check", help=CROSS_CHECK_HELP)] = True,
    once: Annotated[bool, typer.Option("--once", help="Run one pass over the inbox now and exit.")] = False,
) -> None:
    """Serve the scheduled ingestion of an inbox folder as a Prefect deployment (blocks; Ctrl-C stops).

    Files go to WATCH/processed/ or WATCH/quarantine/ by outcome; nothing is ever deleted.
    With PREFECT_API_URL (a `prefect server start`) the server schedules runs of the deployment;
    in Prefect's ephemeral mode this process sleeps until each cron time and runs the flow itself."""
    if engine not in ("rapidocr", "tesseract"):
        console.print(f"[red]unknown engine {engine!r}[/red]")
        raise typer.Exit(EXIT_USAGE)
    if not watch.is_dir():
        console.print(f"[red]--watch {watch}: not a folder[/red]")
        raise typer.Exit(EXIT_USAGE)
    _require_engines(Settings(ocr_engine=engine, cross_check=cross_check))
    configure_prefect(data_dir)
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=cron)
    except ValueError as exc:
        console.print(f"[red]--cron {cron!r}: not a cron expression[/red]")
        raise typer.Exit(EXIT_USAGE) from exc
    from flows.serve import inbox_parameters, serve_inbox, watch_inbox

    parameters = inbox_parameters(watch, data_dir, db=db, engine=engine, dpi=dpi, out=out, settle_seconds=settle,
                                  dask=dask, cross_check=cross_check)
    if once:
        rows = watch_inbox(**parameters)
        rejected = sum(1 for r in rows if r.outcome.startswith("rejected"))
        Console().print(f"{len(rows)} file(s): {len(rows) - rejected} processed or unchanged, {rejected} quarantined")
        raise typer.Exit(exit_status(rejected))
    serve_inbox(cron, parameters, name=name)


@app.command("eval")
def evaluate_command(
    out: Annotated[Path, typer.Argument(help="The --out folder of an ingest run.")],
    samples: Annotated[Path, typer.Option("--samples", help="Folder with <name>/truth/*.jsonl.")] = Path("samples"),
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the report as JSON.")] = None,
    all_truth: Annotated[bool, typer.Option("--all-truth", help="Score against every truth file, ingested or not.")] = False,
) -> None:
    """Score records.jsonl and tables.jsonl against the truth of the samples that were ingested."""
    from evaluation.evaluate import discover_truth, evaluate, format_report

    truth_records, truth_tables = discover_truth(samples)
    if not all_truth:
        ingested = _ingested_stems(out / "records.jsonl", out / "rejected.jsonl")
        truth_records = [p for p in truth_records if p.name.split(".")[0] in ingested]
        truth_tables = [p for p in truth_tables if p.name.split(".")[0] in ingested]
    if not truth_records:
        console.print(f"[red]no truth files under {samples}[/red]")
        raise typer.Exit(EXIT_USAGE)
    report = evaluate(out / "records.jsonl", truth_records, out / "tables.jsonl", truth_tables)
    Console().print(format_report(report), markup=False, highlight=False)
    if json_out is not None:
        json_out.write_text(report.to_json(), encoding="utf-8")


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for facts.<ext> and tables.<ext>.")],
    fmt: Annotated[str, typer.Option("--format", help="csv, parquet, jsonl or xlsx.")] = "csv",
    db: Annotated[Optional[str], typer.Option("--db", help="Database URL (default: SQLite in the data folder).")] = None,
    data_dir: Annotated[Path, typer.Option("--data-dir")] = Path("data"),
    all_versions: Annotated[bool, typer.Option("--all-versions", help="Every stored pipeline version, not only the latest.")] = False,
) -> None:
    """Export facts and tables-as-printed from the database (CSV in UTF-8 with a BOM for Excel)."""
    from pipeline.output.export import FORMATS, export
    from pipeline.output.store import default_url

    if fmt not in FORMATS:
        console.print(f"[red]unknown format {fmt!r}: one of {', '.join(FORMATS)}[/red]")
        raise typer.Exit(EXIT_USAGE)
    try:
        paths = export(db or default_url(data_dir), fmt, out, latest_only=not all_versions)  # type: ignore[arg-type]
    except FileNotFoundError as exc:
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
