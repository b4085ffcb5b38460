"""Where the ingest flow's outcomes go: JSONL files, the database, a progress display.

No Prefect and no Typer here: the CLI and the scheduled inbox flow share it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import logging

from models import DocumentInfo, PageRef, Rejection
from pipeline import PIPELINE_VERSION
from models import DocumentResult

from flows.summary import DocumentLine, rejected_line, result_line, unchanged_line

log = logging.getLogger(__name__)


def _database_errors() -> tuple[type[BaseException], ...]:
    """What a database that went away raises (connection lost, server down, file unusable)."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    return (OperationalError, InterfaceError)


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

    A database that fails mid-run (server gone, connection lost) costs no records: the files
    are written first, the run goes on without the database, and ``database_error`` says what
    happened; each document read meanwhile is marked not stored, and a rerun stores it with its
    pages from the page cache.  ``lines`` is one :class:`DocumentLine` per input, for the summary.
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
        self.lines: list[DocumentLine] = []
        self.database_error: str | None = None

    def _database_failed(self, exc: BaseException) -> None:
        if self.database_error is None:
            self.database_error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
            log.error("the database failed; going on without it (records still go to the files): %s",
                      self.database_error)

    @property
    def _database(self) -> Any | None:
        """The store while it works; None without one or after it failed."""
        return self._store if self.database_error is None else None

    def is_stored(self, sha256: str) -> bool:
        store = self._database
        if store is None:
            return False
        try:
            return store.has_document(sha256, PIPELINE_VERSION)
        except _database_errors() as exc:
            self._database_failed(exc)
            return False

    def attach_progress(self, progress: Any, n_documents: int) -> None:
        """Show documents and pages on ``progress`` (a rich Progress) from now on."""
        self._progress = progress
        self._documents = progress.add_task("documents", total=n_documents)
        self._pages = progress.add_task("pages", total=None)

    def label_aliases(self) -> list[Any]:
        """The labels operators corrected (``yusuan review``), for this run to read their way."""
        store = self._database
        if store is None:
            return []
        try:
            return store.label_aliases()
        except _database_errors() as exc:
            self._database_failed(exc)
            return []

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
            self._save(lambda store: store.save_rejection(result, None))
            self.lines.append(rejected_line(result))
            self._advance(result.source)
            return
        stored = False
        if isinstance(result, DocumentResult):
            facts, tables = result.facts, result.tables
            document = result.document
            # Stored first, then emitted as stored: operators' decisions on an earlier version of the
            # same file carry over to this reading (pipeline.output.store.reviews).  A database that
            # fails here costs nothing: the facts as read go to the files.
            stored = self._save(lambda store: store.save_document(result, PIPELINE_VERSION))
            if stored:
                try:
                    facts = self._store.facts_for(document.sha256, PIPELINE_VERSION)
                except _database_errors() as exc:
                    self._database_failed(exc)
        else:  # Unchanged: already stored, re-emit what the database holds
            document = result.document
            try:
                facts = self._store.facts_for(document.sha256, PIPELINE_VERSION)
                tables = self._store.tables_for(document.sha256, PIPELINE_VERSION)
            except _database_errors() as exc:
                self._database_failed(exc)
                facts, tables = [], []
        for fact in facts:
            self._records.write(fact.model_dump_json() + "\n")
        for table in tables:
            self._tables.write(table.model_dump_json() + "\n")
        self._records.flush()
        self._tables.flush()
        self.facts_written += len(facts)
        if isinstance(result, DocumentResult):
            self.lines.append(result_line(result, stored=stored or self._store is None))
        else:
            self.lines.append(unchanged_line(document, facts, len(tables)))
        self._advance(document.source)

    def _save(self, write: Any) -> bool:
        """Run one write against the database; False when there is none that works."""
        store = self._database
        if store is None:
            return False
        try:
            write(store)
        except _database_errors() as exc:
            self._database_failed(exc)
            return False
        return True

    def close(self) -> None:
        for handle in (self._records, self._tables, self._rejected):
            handle.close()
        if self._store is not None:
            self._store.close()


def open_store(db: str | None, data_dir: Path) -> Any:
    """The database at ``db``, or the embedded SQLite file in ``data_dir``."""
    from pipeline.output.store import default_url, open_store as _open

    return _open(db or default_url(data_dir))
