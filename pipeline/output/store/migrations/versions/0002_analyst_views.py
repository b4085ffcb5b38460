"""Analyst views: v_fact_wide (one row per 科目 per table, its cells as a JSON object); totals in
v_document_summary.

Views only, no table changes.  ``v_fact_wide`` needs a JSON aggregate, which
SQLite (``json_group_object``) and PostgreSQL (``json_object_agg``) spell
differently, so it is created per dialect; everything else is the same SQL.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of 0001's definition (a migration must not import another's module).
_IS_LATEST = """
    CASE WHEN d.id = (SELECT MAX(d2.id) FROM documents d2 WHERE d2.sha256 = d.sha256)
         THEN 1 ELSE 0 END
"""

# --- v_fact_wide ------------------------------------------------------------
# The row key is the accuracy measure's: code, else the first label.  Pages do
# not split a row (a table continued over pages is one table kind).  When a
# row repeats a column (the same 科目 printed twice), the first fact in
# document order gives the value, so every key of `values` is unique.

_RANKED = """
    SELECT
        f.document_id,
        f.kind,
        COALESCE(f.code, f.first_label) AS row_key,
        f.code,
        f.first_label,
        f.labels,
        f.column_path,
        f.value,
        f.unit,
        f.page,
        f.ordinal,
        f.status,
        ROW_NUMBER() OVER (
            PARTITION BY f.document_id, f.kind, COALESCE(f.code, f.first_label), f.column_path
            ORDER BY f.ordinal) AS column_rank,
        ROW_NUMBER() OVER (
            PARTITION BY f.document_id, f.kind, COALESCE(f.code, f.first_label)
            ORDER BY f.ordinal) AS row_rank
    FROM facts f
"""

# {values} is the dialect's JSON object aggregate over (column_path, value), as text.
_V_FACT_WIDE = """
CREATE VIEW v_fact_wide AS
SELECT
    d.id AS document_id,
    d.sha256 AS document,
    d.source AS source,
    d.pipeline_version AS pipeline_version,
    {is_latest} AS is_latest,
    w.table_kind,
    w.row_key,
    w.code,
    w.first_label,
    w.labels,
    w.unit,
    w.first_page,
    w.row_ordinal,
    w.n_values,
    w.n_needs_review,
    w."values"
FROM (
    SELECT
        r.document_id,
        r.kind AS table_kind,
        r.row_key,
        MAX(r.code) AS code,
        MAX(CASE WHEN r.row_rank = 1 THEN r.first_label END) AS first_label,
        MAX(CASE WHEN r.row_rank = 1 THEN CAST(r.labels AS TEXT) END) AS labels,
        MAX(CASE WHEN r.row_rank = 1 THEN r.unit END) AS unit,
        MIN(r.page) AS first_page,
        MIN(r.ordinal) AS row_ordinal,
        COUNT(*) AS n_values,
        SUM(CASE WHEN r.status = 'needs_review' THEN 1 ELSE 0 END) AS n_needs_review,
        {values} AS "values"
    FROM ({ranked}) r
    WHERE r.column_rank = 1
    GROUP BY r.document_id, r.kind, r.row_key
) w
JOIN documents d ON d.id = w.document_id
"""

_VALUES = {
    # SQLite keeps the input order of the (ordered) subquery; keys in document order.
    "sqlite": "json_group_object(r.column_path, r.value)",
    "postgresql": "CAST(json_object_agg(r.column_path, r.value ORDER BY r.ordinal) AS TEXT)",
}


def _v_fact_wide(dialect: str) -> str:
    try:
        values = _VALUES[dialect]
    except KeyError:
        raise NotImplementedError(f"v_fact_wide: no JSON aggregate known for {dialect!r}") from None
    ranked = _RANKED + "    ORDER BY f.document_id, f.ordinal\n" if dialect == "sqlite" else _RANKED
    return _V_FACT_WIDE.format(is_latest=_IS_LATEST, values=values, ranked=ranked)


# --- v_document_summary -------------------------------------------------------
# Totals as printed: the first number (document order: the 合计 column) of the
# total row.  Expenditure: 预算支出总表's 合计 row, else 预算收支总表's 支出总计.
# Income: 预算收支总表's 收入总计, else 预算收入总表's 合计.  NULL when absent.


def _first_amount(kind: str, label: str, column: str) -> str:
    return f"""(SELECT f.{column} FROM facts f
      WHERE f.document_id = d.id AND f.kind = '{kind}' AND f.first_label = '{label}'
        AND f.amount IS NOT NULL
      ORDER BY f.ordinal LIMIT 1)"""


def _total(column: str, *candidates: tuple[str, str]) -> str:
    return "COALESCE(" + ",\n    ".join(_first_amount(k, label, column) for k, label in candidates) + ")"


_EXPENDITURE = (("expenditure_summary", "合计"), ("income_expenditure_summary", "支出总计"))
_INCOME = (("income_expenditure_summary", "收入总计"), ("income_summary", "合计"))

_SUMMARY_COLUMNS = f"""
    d.id AS document_id,
    d.sha256 AS document,
    d.source AS source,
    d.pipeline_version AS pipeline_version,
    {_IS_LATEST} AS is_latest,
    d.status AS status,
    d.page_count AS page_count,
    d.pages_processed AS pages_processed,
    d.ingested_at AS ingested_at,
    (SELECT COUNT(*) FROM pages p
      WHERE p.document_id = d.id AND p.failure_category IS NOT NULL) AS n_failed_pages,
    (SELECT COUNT(*) FROM tables t WHERE t.document_id = d.id) AS n_tables,
    (SELECT COUNT(*) FROM facts f WHERE f.document_id = d.id) AS n_facts,
    (SELECT COUNT(*) FROM facts f
      WHERE f.document_id = d.id AND f.status = 'needs_review') AS n_needs_review"""

V_DOCUMENT_SUMMARY_0001 = f"""
CREATE VIEW v_document_summary AS
SELECT{_SUMMARY_COLUMNS}
FROM documents d
"""

V_DOCUMENT_SUMMARY = f"""
CREATE VIEW v_document_summary AS
SELECT{_SUMMARY_COLUMNS},
    (SELECT COUNT(*) FROM facts f
      WHERE f.document_id = d.id AND f.status = 'accepted') AS n_accepted,
    (SELECT COUNT(DISTINCT f.kind) FROM facts f WHERE f.document_id = d.id) AS n_table_kinds,
    {_total("amount", *_EXPENDITURE)} AS total_expenditure,
    {_total("amount", *_INCOME)} AS total_income,
    {_total("unit", *_EXPENDITURE, *_INCOME)} AS total_unit
FROM documents d
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute(_v_fact_wide(dialect))
    op.execute("DROP VIEW v_document_summary")
    op.execute(V_DOCUMENT_SUMMARY)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_fact_wide")
    op.execute("DROP VIEW IF EXISTS v_document_summary")
    op.execute(V_DOCUMENT_SUMMARY_0001)
