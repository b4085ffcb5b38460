"""``yusuan``: the command line (Typer).  Runs the Prefect flows; maps outcomes to exit codes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from models import DocumentInfo, PageRef, Rejection
from pipeline.document import DocumentResult
from pipeline.errors import EXIT_USAGE, exit_status
from pipeline.intake import iter_inputs
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


class OutputSink:
    """Writes each document's records as soon as it is assembled, so finished work survives."""

    def __init__(self, out_dir: Path, store: object | None, progress: Progress | None) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self._records = (out_dir / "records.jsonl").open("w", encoding="utf-8")
        self._tables = (out_dir / "tables.jsonl").open("w", encoding="utf-8")
        self._rejected = (out_dir / "rejected.jsonl").open("w", encoding="utf-8")
        self._store = store
        self._progress = progress
        self._task = progress.add_task("pages", total=None) if progress else None

    def on_page(self, document: DocumentInfo, ref: PageRef) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, total=document.page_count, completed=ref.number,
                                  description=f"{document.source} p{ref.number}/{document.page_count}")

    def accept(self, result: DocumentResult | Rejection) -> None:
        if isinstance(result, Rejection):
            self._rejected.write(result.model_dump_json() + "\n")
            self._rejected.flush()
            if self._store is not None:
                self._store.save_rejection(result, None)  # type: ignore[attr-defined]
            return
        for fact in result.facts:
            self._records.write(fact.model_dump_json() + "\n")
        for table in result.tables:
            self._tables.write(table.model_dump_json() + "\n")
        self._records.flush()
        self._tables.flush()
        if self._store is not None:
            from pipeline import PIPELINE_VERSION

            self._store.save_document(result, PIPELINE_VERSION)  # type: ignore[attr-defined]

    def close(self) -> None:
        for handle in (self._records, self._tables, self._rejected):
            handle.close()
        if self._store is not None:
            self._store.close()  # type: ignore[attr-defined]


def _open_store(db: str | None, data_dir: Path):
    try:
        from pipeline.store import default_url, open_store
    except ImportError:  # storage layer not installed
        return None
    return open_store(db or default_url(data_dir))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="PDF or image files, or folders of them.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for records.jsonl, tables.jsonl, rejected.jsonl.")],
    db: Annotated[Optional[str], typer.Option("--db", help="Database URL (default: SQLite in the data folder).")] = None,
    engine: Annotated[str, typer.Option("--engine", help="OCR engine: rapidocr or tesseract.")] = "rapidocr",
    dpi: Annotated[int, typer.Option("--dpi", help="Render resolution for PDF pages.")] = 200,
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Database, Prefect home, user catalogs.")] = Path("data"),
    no_db: Annotated[bool, typer.Option("--no-db", help="Write the JSONL files only.")] = False,
) -> None:
    """Ingest disclosures; exit 0 when all were processed, 1 when some were rejected."""
    if engine not in ("rapidocr", "tesseract"):
        console.print(f"[red]unknown engine {engine!r}[/red]")
        raise typer.Exit(EXIT_USAGE)
    configure_prefect(data_dir)
    from flows.ingest import ingest_flow

    settings = Settings(ocr_engine=engine, render_dpi=dpi, data_dir=data_dir)
    inputs = list(iter_inputs(paths))
    store = None if no_db else _open_store(db, data_dir)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        sink = OutputSink(out, store, progress)
        try:
            outcome = ingest_flow(inputs, settings, str(data_dir / "catalogs"), sink)
        finally:
            sink.close()
    _print_summary(outcome.results, outcome.rejections)
    raise typer.Exit(exit_status(len(outcome.rejections)))


def _print_summary(results: list[DocumentResult], rejections: list[Rejection]) -> None:
    table = Table(title="yusuan ingest")
    for name in ("source", "pages", "tables", "facts", "needs review", "page failures"):
        table.add_column(name)
    for r in results:
        review = sum(1 for f in r.facts if f.status == "needs_review")
        table.add_row(r.document.source, str(r.document.page_count), str(len(r.tables)), str(len(r.facts)),
                      str(review), str(len(r.failures)))
    for rej in rejections:
        table.add_row(rej.source, "-", "-", "-", "-", f"rejected: {rej.error}")
    Console().print(table)


@app.command("eval")
def evaluate_command(
    out: Annotated[Path, typer.Argument(help="The --out folder of an ingest run.")],
    samples: Annotated[Path, typer.Option("--samples", help="Folder with <name>/truth/*.jsonl.")] = Path("samples"),
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the report as JSON.")] = None,
    all_truth: Annotated[bool, typer.Option("--all-truth", help="Score against every truth file, ingested or not.")] = False,
) -> None:
    """Score records.jsonl and tables.jsonl against the truth of the samples that were ingested."""
    from pipeline.evaluate import discover_truth, evaluate, format_report

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
    from pipeline.catalog import CatalogError, import_catalog

    try:
        count = import_catalog(file, data_dir / "catalogs", kind=kind)
    except (CatalogError, OSError, ValueError) as exc:  # ValueError: an unknown --kind
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from exc
    Console().print(f"imported {count} rows from {file} into {data_dir / 'catalogs'}")
