"""The storage schema: one declarative model per table of the ingest database.

The tables mirror the record contract (``shared/RECORDS.md``) with a few
additions an analyst needs (document order, a numeric ``amount``, the first
label as a column so views can key rows without dialect-specific JSON
functions).  Alembic migrations in ``migrations/versions`` create exactly this
schema; ``tests/pipeline/test_store.py`` checks that the two never drift.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Deterministic constraint names, so migrations can name (and later alter or
# drop) every constraint the same way on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Nullable JSON columns store SQL NULL, not the JSON text 'null', so that
# ``IS NULL`` means what an analyst expects.
_NULLABLE_JSON = JSON(none_as_null=True)

DOCUMENT_STATUSES = ("processed", "partial")
FACT_STATUSES = ("accepted", "needs_review")
VALUE_KINDS = ("number", "text")
# reject: "not a fact"; undo: an earlier event of the fact undone; carry: a decision on an earlier
# stored version of the same file applied to this version's fact at ingest.
REVIEW_ACTIONS = ("accept", "correct", "reject", "undo", "carry")
# What an operator decided about a fact (facts.review_state; NULL: nobody has yet).
REVIEW_STATES = ("accepted", "corrected", "not_a_fact")

# An exact decimal: NUMERIC on PostgreSQL; on SQLite, which has no exact decimal type (its NUMERIC
# affinity stores a float), the decimal's text, which CAST(... AS NUMERIC) reads in a query.
EXACT_DECIMAL = Numeric(asdecimal=True).with_variant(Text(), "sqlite")


def _in(column: str, values: tuple[str, ...]) -> str:
    """A CHECK expression ``column IN (...)`` for a closed set of strings."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DocumentRow(Base):
    """One input file as read by one pipeline version."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("sha256", "pipeline_version"),
        CheckConstraint(_in("status", DOCUMENT_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    pipeline_version: Mapped[str] = mapped_column(String(32))
    media_type: Mapped[str] = mapped_column(String(16))
    page_count: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    pages_processed: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Migration 0004: whose budget and which year (pipeline.interpret.identity), as its facts say.
    fiscal_year: Mapped[int | None] = mapped_column(Integer)
    department: Mapped[str | None] = mapped_column(Text)


class PageRow(Base):
    """One page of a document; the failure columns are set when the page could not be read."""

    __tablename__ = "pages"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    failure_category: Mapped[str | None] = mapped_column(String(32))
    failure_message: Mapped[str | None] = mapped_column(Text)


class TableRow(Base):
    """One table region on one page (a line of tables.jsonl)."""

    __tablename__ = "tables"
    __table_args__ = (
        UniqueConstraint("document_id", "ordinal"),
        Index("ix_tables_document_id", "document_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    page: Mapped[int] = mapped_column(Integer)
    ordinal: Mapped[int] = mapped_column(Integer)  # position among the document's tables, 0-based
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(16))
    bbox: Mapped[list[float]] = mapped_column(JSON)
    n_rows: Mapped[int] = mapped_column(Integer)
    n_cols: Mapped[int] = mapped_column(Integer)
    html: Mapped[str] = mapped_column(Text)
    continued: Mapped[bool] = mapped_column(Boolean)
    page_image: Mapped[str | None] = mapped_column(Text)
    # Migration 0005: the kept upright page image (page_images.sha256).
    page_image_sha256: Mapped[str | None] = mapped_column(String(64))
    header_rows: Mapped[int | None] = mapped_column(Integer)  # migration 0004; None for forms


class CellRow(Base):
    """One grid cell of a table, text as OCR read it."""

    __tablename__ = "cells"
    __table_args__ = (Index("ix_cells_table_id", "table_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("tables.id", ondelete="CASCADE"))
    row: Mapped[int] = mapped_column(Integer)
    col: Mapped[int] = mapped_column(Integer)
    row_span: Mapped[int] = mapped_column(Integer)
    col_span: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    bbox: Mapped[list[float] | None] = mapped_column(_NULLABLE_JSON)


class FactRow(Base):
    """One fact (a line of records.jsonl); ``document``/``source`` come from its document row."""

    __tablename__ = "facts"
    __table_args__ = (
        CheckConstraint(_in("status", FACT_STATUSES), name="status"),
        CheckConstraint(_in("value_kind", VALUE_KINDS), name="value_kind"),
        Index("ix_facts_document_id", "document_id"),
        Index("ix_facts_kind_code", "kind", "code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    # NULL when the fact's table cannot be told apart (no table, or several equal candidates).
    table_id: Mapped[int | None] = mapped_column(ForeignKey("tables.id", ondelete="SET NULL"))
    ordinal: Mapped[int] = mapped_column(Integer)  # document order, 0-based
    page: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))  # the table kind
    code: Mapped[str | None] = mapped_column(String(32))
    code_source: Mapped[str | None] = mapped_column(String(16))
    labels: Mapped[list[str]] = mapped_column(JSON)
    raw_labels: Mapped[list[str]] = mapped_column(JSON)
    first_label: Mapped[str | None] = mapped_column(Text)  # labels[0], for portable row keys in SQL
    column_path: Mapped[str] = mapped_column(Text)
    value: Mapped[str] = mapped_column(Text)
    value_kind: Mapped[str] = mapped_column(String(8))
    # value as a number when value_kind is 'number' and it parses; value stays the exact text.
    amount: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(16))
    raw: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[str]] = mapped_column(JSON)
    bbox: Mapped[list[float]] = mapped_column(JSON)
    form: Mapped[str | None] = mapped_column(Text)
    # Last because migration 0003 appended it; ``code`` holds the 部门 classification's code.
    gov_code: Mapped[str | None] = mapped_column(String(32))
    # Migration 0005, the review evidence (record contract additions) ...
    page_image_sha256: Mapped[str | None] = mapped_column(String(64))
    grid_cell: Mapped[dict | None] = mapped_column(_NULLABLE_JSON)
    readings: Mapped[list | None] = mapped_column(_NULLABLE_JSON)
    broken_identities: Mapped[list | None] = mapped_column(_NULLABLE_JSON)
    evidence: Mapped[dict | None] = mapped_column(_NULLABLE_JSON)
    # ... and the operator's decision: value, code, labels, status and reasons above then hold the
    # operator's, and review_events the readings before.  ``version`` rises with every decision, so
    # two operators saving over one reading cannot both win.
    review_state: Mapped[str | None] = mapped_column(String(16))
    # The fields a decision or a re-validation changes, as the pipeline emitted them; NULL while unchanged.
    as_read: Mapped[dict | None] = mapped_column(_NULLABLE_JSON)
    reviewed_by: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, server_default="1", default=1)
    # Migration 0004, the analysts' fields of the record (models.Fact).
    fiscal_year: Mapped[int | None] = mapped_column(Integer)
    department: Mapped[str | None] = mapped_column(Text)
    column_key: Mapped[str | None] = mapped_column(Text)
    amount_yuan: Mapped[Any] = mapped_column(EXACT_DECIMAL, nullable=True)
    # How the value was read (Fact.read_by); last because migration 0006 appended it.
    read_by: Mapped[str | None] = mapped_column(String(16))


class ReviewEventRow(Base):
    """A reviewer's decision on one fact, with the fact's reviewable fields before and after it.

    The fact row holds the current state; these rows are the whole history (who, when, what was
    there before), and an undo is an event of its own that names the event it undoes.
    """

    __tablename__ = "review_events"
    __table_args__ = (
        CheckConstraint(_in("action", REVIEW_ACTIONS), name="action"),
        Index("ix_review_events_fact_id", "fact_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fact_id: Mapped[int] = mapped_column(ForeignKey("facts.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(16))
    new_value: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # Migration 0005: {value, code, labels, status, reasons, confidence, review_state} before and after.
    before: Mapped[dict | None] = mapped_column(_NULLABLE_JSON)
    after: Mapped[dict | None] = mapped_column(_NULLABLE_JSON)
    undoes: Mapped[int | None] = mapped_column(Integer)  # the event an undo reverted
    fact_version: Mapped[int | None] = mapped_column(Integer)  # facts.version the event left


class RejectionRow(Base):
    """One refused input (a line of rejected.jsonl), one row per attempt."""

    __tablename__ = "rejections"
    __table_args__ = (Index("ix_rejections_sha256", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PageImageRow(Base):
    """A kept upright page image (pipeline.output.pages): only these are ever served to an operator."""

    __tablename__ = "page_images"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewerRow(Base):
    """An operator of ``yusuan review``; the password only as an argon2 hash."""

    __tablename__ = "reviewers"
    __table_args__ = (UniqueConstraint("name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled: Mapped[bool] = mapped_column(Boolean, server_default="0", default=False)


class ReviewSessionRow(Base):
    """A logged-in browser: the cookie's token only as its sha256, and the CSRF token its forms carry."""

    __tablename__ = "review_sessions"
    __table_args__ = (UniqueConstraint("token_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewers.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LabelAliasRow(Base):
    """A label an operator corrected: later ingests read ``alias`` as ``label`` (and ``code``)."""

    __tablename__ = "label_aliases"
    __table_args__ = (Index("ix_label_aliases_alias_key", "alias_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alias: Mapped[str] = mapped_column(Text)  # the label as it was read
    alias_key: Mapped[str] = mapped_column(Text)  # its comparison key (pipeline.text.normalize)
    label: Mapped[str] = mapped_column(Text)  # the operator's label
    code: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str | None] = mapped_column(String(40))  # the table kind it was corrected in
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    fact_id: Mapped[int | None] = mapped_column(Integer)  # the fact whose correction taught it
    revoked_by: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
