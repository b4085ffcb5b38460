"""The ingest database: every document's records, stored once per pipeline version.

``open_store(url)`` migrates the database to the newest schema and returns a
:class:`Store` that owns its engine.  ``save_document`` writes a whole
document in one transaction, keyed by (sha256, pipeline_version), so
re-ingesting a file is a no-op and a crash never leaves half a document.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, func, insert, or_, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from models import DocumentInfo, Fact, Rejection, StoredPageImage, TableCell, TableRecord
from pipeline.output.store.schema import (
    CellRow,
    DocumentRow,
    FactRow,
    LabelAliasRow,
    PageImageRow,
    PageRow,
    RejectionRow,
    TableRow,
)

if TYPE_CHECKING:
    # Annotations only: opening a store must not import the OCR pipeline (and no cycle if it imports us).
    from models import PageFailure
    from pipeline.check.aliases import LabelAlias
from models import DocumentResult

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DB_FILE_NAME = "yusuan.sqlite"
POSTGRES_CONNECT_TIMEOUT_S = 10


def default_url(data_dir: Path) -> str:
    """The embedded SQLite database inside ``data_dir``."""
    return f"sqlite:///{(data_dir / DB_FILE_NAME).as_posix()}"


def _with_default_driver(url: URL) -> URL:
    """``postgresql://`` means psycopg 3: the driver yusuan ships (SQLAlchemy's default is psycopg2)."""
    return url.set(drivername="postgresql+psycopg") if url.drivername == "postgresql" else url


def alembic_config(url: str) -> Config:
    """An Alembic config for the packaged migrations, built in code (no alembic.ini to ship)."""
    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIR.as_posix())
    # configparser treats '%' as interpolation; URL-encoded passwords contain it.
    full = _with_default_driver(make_url(url)).render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", full.replace("%", "%%"))
    return config


def _is_sqlite_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _ensure_sqlite_folder(url: URL) -> None:
    """SQLite creates the file but not its folder; a fresh --out/data dir must just work."""
    if url.get_backend_name() != "sqlite" or _is_sqlite_memory(url) or url.database is None:
        return
    if url.database.startswith("file:"):  # a URI filename: leave it to the user
        return
    Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, and real transactions (pysqlite otherwise runs DDL outside them).

    The listeners are attached to this engine only: no process-wide state.
    BEGIN IMMEDIATE takes the write lock up front, so two ingest processes
    saving at once wait for each other (busy timeout) instead of deadlocking.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _json_dumps(value: object) -> str:
    # Chinese labels stay readable in the database and in the views' text casts.
    return json.dumps(value, ensure_ascii=False)


def create_store_engine(url: str) -> Engine:
    """An engine for ``url`` with the settings the store relies on."""
    parsed = _with_default_driver(make_url(url))
    options: dict[str, Any] = {"json_serializer": _json_dumps}
    if parsed.get_backend_name() == "sqlite":
        if _is_sqlite_memory(parsed):
            options["poolclass"] = StaticPool  # one connection, or each would see an empty database
            options["connect_args"] = {"check_same_thread": False}
        else:
            options["connect_args"] = {"timeout": 30}
    elif parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        # An unreachable server is reported in seconds, not after the system's TCP timeout (minutes).
        options["connect_args"] = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}
    engine = create_engine(parsed, **options)
    if parsed.get_backend_name() == "sqlite":
        _configure_sqlite(engine)
    return engine


def migrate(engine: Engine, url: str) -> None:
    """Upgrade the database behind ``engine`` to the newest migration, in one transaction."""
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_store(url: str) -> Store:
    """The store at ``url``, created and migrated to head as needed."""
    _ensure_sqlite_folder(make_url(url))
    engine = create_store_engine(url)
    try:
        migrate(engine, url)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)


# --- rows from records ---------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _document_row(document: DocumentInfo, result: DocumentResult, pipeline_version: str) -> DocumentRow:
    return DocumentRow(
        sha256=document.sha256,
        source=document.source,
        pipeline_version=pipeline_version,
        media_type=document.media_type,
        page_count=document.page_count,
        size_bytes=document.size_bytes,
        pages_processed=result.pages_processed,
        status="partial" if result.failures else "processed",
        ingested_at=_now(),
        # One decision per document (pipeline.interpret.identity): every fact carries the same.
        fiscal_year=result.facts[0].fiscal_year if result.facts else None,
        department=result.facts[0].department if result.facts else None,
    )


def _page_rows(document_id: int, page_count: int, failures: tuple[PageFailure, ...]) -> list[PageRow]:
    """One row per page of the input; a failed page carries its failure."""
    by_page = {f.page: f for f in failures}
    numbers = sorted(set(range(1, page_count + 1)) | set(by_page))
    return [
        PageRow(
            document_id=document_id,
            number=n,
            failure_category=by_page[n].category if n in by_page else None,
            failure_message=by_page[n].message if n in by_page else None,
        )
        for n in numbers
    ]


def _table_row(document_id: int, ordinal: int, table: TableRecord) -> TableRow:
    return TableRow(
        document_id=document_id,
        page=table.page,
        ordinal=ordinal,
        kind=str(table.table),
        title=table.title,
        unit=table.unit,
        bbox=list(table.bbox),
        n_rows=table.n_rows,
        n_cols=table.n_cols,
        html=table.html,
        continued=table.continued,
        page_image=table.page_image,
        page_image_sha256=table.page_image_sha256,
        header_rows=table.header_rows,
    )


def _cell_values(table_id: int, cell: TableCell) -> dict[str, Any]:
    """A CellRow's column values (inserted in bulk: a document has thousands of cells)."""
    return {
        "table_id": table_id,
        "row": cell.row,
        "col": cell.col,
        "row_span": cell.row_span,
        "col_span": cell.col_span,
        "text": cell.text,
        "confidence": cell.confidence,
        "bbox": list(cell.bbox) if cell.bbox is not None else None,
    }


def _amount(value: str, kind: str) -> float | None:
    """The numeric value of a number fact, or None when it does not parse as a finite number."""
    if kind != "number":
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return float(number) if number.is_finite() else None


def _contains(bbox: list[float], x: float, y: float) -> bool:
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _table_index(fact: Fact, tables: tuple[TableRecord, ...]) -> int | None:
    """The table a fact was read from: its grid slot's table, or (facts stored before grid slots)
    the one of the same page and kind, disambiguated by position.

    When the link cannot be told (no candidate, or several that all contain the cell) it stays NULL
    rather than guessed.
    """
    if fact.grid_cell is not None and fact.grid_cell.table < len(tables):
        return fact.grid_cell.table
    candidates = [i for i, t in enumerate(tables) if t.page == fact.page and t.table == fact.table]
    if len(candidates) == 1:
        return candidates[0]
    x, y = (fact.bbox[0] + fact.bbox[2]) / 2, (fact.bbox[1] + fact.bbox[3]) / 2
    inside = [i for i in candidates if _contains(tables[i].bbox, x, y)]
    return inside[0] if len(inside) == 1 else None


def _fact_values(document_id: int, ordinal: int, fact: Fact, table_id: int | None) -> dict[str, Any]:
    """A FactRow's column values (inserted in bulk, as cells are)."""
    return {
        "document_id": document_id,
        "table_id": table_id,
        "ordinal": ordinal,
        "page": fact.page,
        "kind": str(fact.table),
        "code": fact.code,
        "code_source": fact.code_source,
        "labels": list(fact.labels),
        "raw_labels": list(fact.raw_labels),
        "first_label": fact.labels[0] if fact.labels else None,
        "column_path": fact.column,
        "value": fact.value,
        "value_kind": fact.kind,
        "amount": _amount(fact.value, fact.kind),
        "unit": fact.unit,
        "raw": fact.raw,
        "confidence": fact.confidence,
        "status": fact.status,
        "reasons": list(fact.reasons),
        "bbox": list(fact.bbox),
        "form": fact.form,
        "gov_code": fact.gov_code,
        "page_image_sha256": fact.page_image_sha256,
        "grid_cell": fact.grid_cell.model_dump() if fact.grid_cell is not None else None,
        "readings": [r.model_dump(mode="json") for r in fact.readings],
        "broken_identities": [b.model_dump(mode="json") for b in fact.broken_identities],
        "evidence": fact.evidence.model_dump(mode="json") if fact.evidence is not None else None,
        "review_state": fact.review.action if fact.review is not None else None,
        "reviewed_by": fact.review.by if fact.review is not None else None,
        "reviewed_at": fact.review.at if fact.review is not None else None,
        "version": 1,
        "fiscal_year": fact.fiscal_year,
        "department": fact.department,
        "column_key": fact.column_key,
        "amount_yuan": fact.amount_yuan,
        "read_by": fact.read_by,
    }


def _decimal_text(value: object) -> str | None:
    """An EXACT_DECIMAL read back: text on SQLite, a Decimal on PostgreSQL; the record's string either way."""
    if value is None or isinstance(value, str):
        return value
    return format(value, "f")


def _fact_model(row: FactRow, document: DocumentRow) -> Fact:
    """The stored fact as the contract's model, validated again on the way out."""
    return Fact.model_validate({
        "document": document.sha256,
        "source": document.source,
        "page": row.page,
        "table": row.kind,
        "code": row.code,
        "labels": row.labels,
        "raw_labels": row.raw_labels,
        "column": row.column_path,
        "value": row.value,
        "kind": row.value_kind,
        "unit": row.unit,
        "raw": row.raw,
        "confidence": row.confidence,
        "status": row.status,
        "reasons": row.reasons,
        "bbox": row.bbox,
        "form": row.form,
        "code_source": row.code_source,
        "gov_code": row.gov_code,
        "page_image_sha256": row.page_image_sha256,
        "grid_cell": row.grid_cell,
        "readings": row.readings or [],
        "broken_identities": row.broken_identities or [],
        "evidence": row.evidence,
        "review": ({"action": row.review_state, "by": row.reviewed_by, "at": row.reviewed_at}
                   if row.review_state is not None else None),
        "fiscal_year": row.fiscal_year,
        "department": row.department,
        "column_key": row.column_key,
        "amount_yuan": _decimal_text(row.amount_yuan),
        "read_by": row.read_by,
    })


def _is_a_fact() -> Any:
    """Facts an operator has not said are no facts ("not a fact" rows stay stored, but not emitted)."""
    return or_(FactRow.review_state.is_(None), FactRow.review_state != "not_a_fact")


def _table_model(row: TableRow, cells: list[CellRow], document: DocumentRow) -> TableRecord:
    """A stored table as tables.jsonl has it, validated again on the way out."""
    return TableRecord(
        document=document.sha256,
        source=document.source,
        page=row.page,
        table=row.kind,  # type: ignore[arg-type]
        title=row.title,
        unit=row.unit,
        bbox=row.bbox,
        n_rows=row.n_rows,
        n_cols=row.n_cols,
        cells=[TableCell(row=c.row, col=c.col, row_span=c.row_span, col_span=c.col_span, text=c.text,
                         confidence=c.confidence, bbox=c.bbox) for c in cells],
        html=row.html,
        continued=row.continued,
        page_image=row.page_image,
        page_image_sha256=row.page_image_sha256,
        header_rows=row.header_rows,
    )


def _check_same_document(result: DocumentResult) -> None:
    """Records of another file in a document's result are a pipeline bug; refuse to store them."""
    sha = result.document.sha256
    foreign = [r for r in (*result.facts, *result.tables) if r.document != sha]
    if foreign:
        raise ValueError(f"{len(foreign)} record(s) in the result of {sha} name another document")


def _insert_document(session: Session, result: DocumentResult, pipeline_version: str) -> None:
    """All rows of one document. Flushes in stages because children need their parents' ids."""
    document = _document_row(result.document, result, pipeline_version)
    session.add(document)
    session.flush()
    session.add_all(_page_rows(document.id, result.document.page_count, result.failures))
    tables = [_table_row(document.id, i, t) for i, t in enumerate(result.tables)]
    session.add_all(tables)
    session.flush()
    pairs = zip(tables, result.tables, strict=True)
    # ORM bulk INSERTs (executemany): a unit of work per object cost ~1 s a document (4,000 rows).
    cells = [_cell_values(row.id, cell) for row, table in pairs for cell in table.cells]
    if cells:
        session.execute(insert(CellRow), cells)
    facts = []
    for ordinal, fact in enumerate(result.facts):
        index = _table_index(fact, result.tables)
        table_id = tables[index].id if index is not None else None
        facts.append(_fact_values(document.id, ordinal, fact, table_id))
    if facts:
        session.execute(insert(FactRow), facts)
    _insert_page_images(session, result.page_images)
    session.flush()
    if session.scalar(select(func.count()).select_from(DocumentRow).where(
            DocumentRow.sha256 == document.sha256, DocumentRow.id != document.id)):
        # An earlier version of the same file: its operators' decisions hold for this reading too.
        from pipeline.output.store.reviews import carry_over

        carry_over(session, document.id)


def _insert_page_images(session: Session, images: tuple[StoredPageImage, ...]) -> None:
    """A row per kept page image not yet known (the same page of a file re-read is the same image);
    ON CONFLICT DO NOTHING, so two ingests storing one image at once both succeed."""
    if not images:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    rows = [{"sha256": i.sha256, "width": i.width, "height": i.height, "created_at": _now()}
            for i in {i.sha256: i for i in images}.values()]
    session.execute(upsert(PageImageRow).values(rows).on_conflict_do_nothing(index_elements=["sha256"]))


def _document_id(session: Session, sha256: str, pipeline_version: str) -> int | None:
    query = select(DocumentRow.id).where(
        DocumentRow.sha256 == sha256, DocumentRow.pipeline_version == pipeline_version
    )
    return session.scalar(query)


def _find_document(session: Session, sha256: str, pipeline_version: str | None) -> DocumentRow | None:
    """The given version of a file, or its most recently stored one (highest id, as the views say)."""
    query = select(DocumentRow).where(DocumentRow.sha256 == sha256)
    if pipeline_version is not None:
        query = query.where(DocumentRow.pipeline_version == pipeline_version)
    return session.scalars(query.order_by(DocumentRow.id.desc()).limit(1)).first()


def stored_facts(session: Session, sha256: str, pipeline_version: str | None) -> list[Fact]:
    """:meth:`Store.facts_for` in a session the caller holds (an export reads in one transaction)."""
    document = _find_document(session, sha256, pipeline_version)
    if document is None:
        return []
    rows = session.scalars(
        select(FactRow).where(FactRow.document_id == document.id, _is_a_fact()).order_by(FactRow.ordinal))
    return [_fact_model(row, document) for row in rows]


def stored_tables(session: Session, sha256: str, pipeline_version: str | None) -> list[TableRecord]:
    """:meth:`Store.tables_for` in a session the caller holds."""
    document = _find_document(session, sha256, pipeline_version)
    if document is None:
        return []
    tables = list(session.scalars(
        select(TableRow).where(TableRow.document_id == document.id).order_by(TableRow.ordinal)))
    cells: dict[int, list[CellRow]] = {t.id: [] for t in tables}
    if tables:
        query = select(CellRow).where(CellRow.table_id.in_(list(cells))).order_by(CellRow.table_id, CellRow.id)
        for cell in session.scalars(query):
            cells[cell.table_id].append(cell)
    return [_table_model(t, cells[t.id], document) for t in tables]


class Store:
    """The ingest database. Owns its engine; close it (or use ``with``) when done."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def engine(self) -> Engine:
        return self._engine

    def has_document(self, sha256: str, pipeline_version: str) -> bool:
        with self._sessions() as session:
            return _document_id(session, sha256, pipeline_version) is not None

    def save_document(self, result: DocumentResult, pipeline_version: str) -> bool:
        """Store a document's records in one transaction; False when this version is already stored."""
        _check_same_document(result)
        sha256 = result.document.sha256
        try:
            with self._sessions.begin() as session:
                if _document_id(session, sha256, pipeline_version) is not None:
                    return False
                _insert_document(session, result, pipeline_version)
        except IntegrityError:
            # Another process stored the same (sha256, version) between our check and
            # our insert: the unique key kept the data single, and that is a no-op too.
            if self.has_document(sha256, pipeline_version):
                return False
            raise
        return True

    def save_rejection(self, rejection: Rejection, sha256: str | None) -> None:
        """Log one refused input; every attempt is a row, with its time."""
        with self._sessions.begin() as session:
            session.add(
                RejectionRow(
                    source=rejection.source,
                    sha256=sha256,
                    error=str(rejection.error),
                    message=rejection.message,
                    at=_now(),
                )
            )

    def facts_for(self, sha256: str, pipeline_version: str | None = None) -> list[Fact]:
        """A file's facts in document order: of ``pipeline_version``, or of its latest stored version."""
        with self._sessions() as session:
            return stored_facts(session, sha256, pipeline_version)

    def label_aliases(self) -> list[LabelAlias]:
        """The labels operators corrected and nobody revoked, oldest first (pipeline.check.aliases)."""
        from pipeline.check.aliases import LabelAlias

        with self._sessions() as session:
            rows = session.scalars(select(LabelAliasRow).where(LabelAliasRow.revoked_at.is_(None))
                                   .order_by(LabelAliasRow.id))
            return [LabelAlias(alias_key=r.alias_key, label=r.label, code=r.code, kind=r.kind) for r in rows]

    def session(self) -> Session:
        """A session on the store's engine, for the review workbench's queries and decisions."""
        return self._sessions()
    def tables_for(self, sha256: str, pipeline_version: str | None = None) -> list[TableRecord]:
        """A file's tables as printed, in document order: of ``pipeline_version``, or of its latest version."""
        with self._sessions() as session:
            return stored_tables(session, sha256, pipeline_version)

    def count_facts(self) -> int:
        """Fact rows across all documents and versions."""
        with self._sessions() as session:
            return session.scalar(select(func.count()).select_from(FactRow)) or 0

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
