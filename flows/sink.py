"""Where the ingest flow's outcomes go: JSONL files, the database, a progress display.

No Prefect and no Typer here: the CLI and the scheduled inbox flow share it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models import DocumentInfo, PageRef, Rejection
from pipeline import PIPELINE_VERSION
from models import DocumentResult


class DetachedSink:
    """What an :class:`OutputSink` becomes when pickled.

    Prefect ships the flow run's context (its parameters included) to Dask workers; a sink
    holds open files and a database engine, which belong to the process that opened them.
    The workers never call the sink, and a copy that did would fail loudly here.
    """

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"sink.{name}: a sink is only usable in the process that opened it")


def _detached() -> DetachedSink:
    return DetachedSink()


class LocalOnly:
    """Mixin: pickles to a :class:`DetachedSink` (see there)."""

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return (_detached, ())


class OutputSink(LocalOnly):
    """Writes each document's records as soon as it is assembled, so finished work survives.

    A document already stored for this pipeline version (``is_stored``) is not read again;
    its stored facts and tables are written to records.jsonl and tables.jsonl again, so the
    files always hold every record of every input of the run.
    The database is never written twice for one (sha256, pipeline version).
    """

    def __init__(self, out_dir: Path, store: Any | None, progress: Any | None = None,
                 n_documents: int | None = None) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self._records = (out_dir / "records.jsonl").open("w", encoding="utf-8")
        self._tables = (out_dir / "tables.jsonl").open("w", encoding="utf-8")
        self._rejected = (out_dir / "rejected.jsonl").open("w", encoding="utf-8")
        self._store = store
        self._progress = progress
        self._documents = progress.add_task("documents", total=n_documents) if progress else None
        self._pages = progress.add_task("pages", total=None) if progress else None
        self.facts_written = 0

    def is_stored(self, sha256: str) -> bool:
        return self._store is not None and self._store.has_document(sha256, PIPELINE_VERSION)

    def label_aliases(self) -> list[Any]:
        """The labels operators corrected (``yusuan review``), for this run to read their way."""
        return self._store.label_aliases() if self._store is not None else []

    def on_page(self, document: DocumentInfo, ref: PageRef) -> None:
        if self._progress is not None:
            self._progress.update(self._pages, total=document.page_count, completed=ref.number,
                                  description=f"{document.source} p{ref.number}/{document.page_count}")

    def _advance(self, label: str) -> None:
        if self._progress is not None:
            self._progress.update(self._documents, advance=1, description=f"documents ({label})")

    def accept(self, result: Any) -> None:
        if isinstance(result, Rejection):
            self._rejected.write(result.model_dump_json() + "\n")
            self._rejected.flush()
            if self._store is not None:
                self._store.save_rejection(result, None)
            self._advance(result.source)
            return
        if isinstance(result, DocumentResult):
            facts, tables = result.facts, result.tables
            document = result.document
            if self._store is not None:
                # Stored first, then emitted as stored: operators' decisions on an earlier version
                # of the same file carry over to this reading (pipeline.output.store.reviews).
                self._store.save_document(result, PIPELINE_VERSION)
                facts = self._store.facts_for(document.sha256, PIPELINE_VERSION)
        else:  # Unchanged: already stored, re-emit what the database holds
            document = result.document
            facts = self._store.facts_for(document.sha256, PIPELINE_VERSION)
            tables = self._store.tables_for(document.sha256, PIPELINE_VERSION)
        for fact in facts:
            self._records.write(fact.model_dump_json() + "\n")
        for table in tables:
            self._tables.write(table.model_dump_json() + "\n")
        self._records.flush()
        self._tables.flush()
        self.facts_written += len(facts)
        self._advance(document.source)

    def close(self) -> None:
        for handle in (self._records, self._tables, self._rejected):
            handle.close()
        if self._store is not None:
            self._store.close()


def open_store(db: str | None, data_dir: Path) -> Any:
    """The database at ``db``, or the embedded SQLite file in ``data_dir``."""
    from pipeline.output.store import default_url, open_store as _open

    return _open(db or default_url(data_dir))
