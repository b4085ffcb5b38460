"""Analyst fields: fiscal year, department, year-agnostic column, exact amounts in 元; totals that add up.

- ``facts`` gains ``fiscal_year``, ``department``, ``column_key`` and ``amount_yuan`` (the record's
  additions, models.Fact); ``documents`` gains ``fiscal_year`` and ``department``; ``tables``
  gains ``header_rows``.  All nullable and added in place: rows stored before read back NULL.
  ``amount_yuan`` is NUMERIC on PostgreSQL (exact) and the decimal's text on SQLite, which has
  no exact decimal type; the views cast it to NUMERIC either way.
- ``v_facts`` shows the new fields; ``v_fact_wide`` shows the year and department, and on
  PostgreSQL its ``values`` is a ``json`` value (it was cast to text); SQLite has no JSON type,
  its JSON functions read the text as it is.
- ``v_document_summary``: the year and department, and ``total_income`` from 预算收入总表 counts
  上年结转: its 合计 row's 合计 column where printed, else 本年收入 plus 上年结转 (before, the first
  amount of the row, 本年收入 alone: 1272.82 for a document whose 收入总计 is 2272.82).
  ``total_income_yuan`` and ``total_expenditure_yuan`` give the totals in 元, exactly.

Views are dropped and created again (a view cannot gain columns in place on both dialects);
downgrade restores 0003's views, then drops the columns (SQLite >= 3.35's DROP COLUMN, no batch
rebuild, as 0003 explains).

Revision ID: 0004
Revises: 0003
Create Date: 2025-01-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the earlier definitions (a migration must not import another's module).

_IS_LATEST = """
    CASE WHEN d.id = (SELECT MAX(d2.id) FROM documents d2 WHERE d2.sha256 = d.sha256)
         THEN 1 ELSE 0 END
"""

_FACT_COLUMNS = ("fiscal_year", "department", "column_key", "amount_yuan")


# --- v_facts ----------------------------------------------------------------


def _v_facts(analyst: bool) -> str:
    extra = """,
    f.fiscal_year AS fiscal_year,
    f.department AS department,
    f.column_key AS column_key,
    CAST(f.amount_yuan AS NUMERIC) AS amount_yuan""" if analyst else ""
    return f"""
CREATE VIEW v_facts AS
SELECT
    f.id AS fact_id,
    d.id AS document_id,
    d.sha256 AS document,
    d.source AS source,
    d.pipeline_version AS pipeline_version,
    {_IS_LATEST} AS is_latest,
    f.ordinal AS ordinal,
    f.page AS page,
    f.table_id AS table_id,
    f.kind AS table_kind,
    f.code AS code,
    f.code_source AS code_source,
    f.gov_code AS gov_code,
    COALESCE(f.code, f.first_label) AS row_key,
    f.first_label AS first_label,
    CAST(f.labels AS TEXT) AS labels,
    CAST(f.raw_labels AS TEXT) AS raw_labels,
    f.column_path AS column_path,
    f.value AS value,
    f.value_kind AS value_kind,
    f.amount AS amount,
    f.unit AS unit,
    f.raw AS raw,
    f.confidence AS confidence,
    f.status AS status,
    CAST(f.reasons AS TEXT) AS reasons,
    f.form AS form{extra}
FROM facts f
JOIN documents d ON d.id = f.document_id
"""


# --- v_fact_wide --------------------------------------------------------------

_RANKED = """
    SELECT
        f.document_id,
        f.kind,
        COALESCE(f.code, f.first_label) AS row_key,
        f.code,
        f.gov_code,
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

_WIDE = """
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
    w.gov_code,
    w.first_label,
    w.labels,
    w.unit,
    w.first_page,
    w.row_ordinal,
    w.n_values,
    w.n_needs_review,
    w."values"{analyst}
FROM (
    SELECT
        r.document_id,
        r.kind AS table_kind,
        r.row_key,
        MAX(r.code) AS code,
        MAX(CASE WHEN r.row_rank = 1 THEN r.gov_code END) AS gov_code,
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

# (dialect, 0004?) -> the JSON object aggregate over (column_path, value).
_VALUES = {
    # SQLite keeps the input order of the (ordered) subquery; keys in document order.
    ("sqlite", False): "json_group_object(r.column_path, r.value)",
    ("sqlite", True): "json_group_object(r.column_path, r.value)",
    ("postgresql", False): "CAST(json_object_agg(r.column_path, r.value ORDER BY r.ordinal) AS TEXT)",
    ("postgresql", True): "json_object_agg(r.column_path, r.value ORDER BY r.ordinal)",
}


def _v_fact_wide(dialect: str, analyst: bool) -> str:
    try:
        values = _VALUES[dialect, analyst]
    except KeyError:
        raise NotImplementedError(f"v_fact_wide: no JSON aggregate known for {dialect!r}") from None
    ranked = _RANKED + ("    ORDER BY f.document_id, f.ordinal\n" if dialect == "sqlite" else "")
    extra = ",\n    d.fiscal_year AS fiscal_year,\n    d.department AS department" if analyst else ""
    return _WIDE.format(is_latest=_IS_LATEST, values=values, ranked=ranked, analyst=extra)


# --- v_document_summary -----------------------------------------------------------


def _first(kind: str, label: str, column: str) -> str:
    """The first number (document order: the 合计 column) of a total row."""
    return f"""(SELECT {column} FROM facts f
      WHERE f.document_id = d.id AND f.kind = '{kind}' AND f.first_label = '{label}'
        AND f.amount IS NOT NULL
      ORDER BY f.ordinal LIMIT 1)"""


def _income_summary_total(column: str) -> str:
    """预算收入总表's 合计 row: its 合计 column, else 本年收入 (合计) plus 上年结转 (合计)."""
    return f"""(SELECT COALESCE(
        MAX(CASE WHEN f.column_key IN ('合计', '本年合计', '收入合计', '收入总计') THEN {column} END),
        MAX(CASE WHEN f.column_key IN ('本年收入/合计', '本年收入') THEN {column} END)
          + COALESCE(MAX(CASE WHEN f.column_key IN ('上年结转', '上年结转/合计') THEN {column} END), 0))
      FROM facts f
      WHERE f.document_id = d.id AND f.kind = 'income_summary' AND f.first_label = '合计'
        AND f.amount IS NOT NULL)"""


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
      WHERE f.document_id = d.id AND f.status = 'needs_review') AS n_needs_review,
    (SELECT COUNT(*) FROM facts f
      WHERE f.document_id = d.id AND f.status = 'accepted') AS n_accepted,
    (SELECT COUNT(DISTINCT f.kind) FROM facts f WHERE f.document_id = d.id) AS n_table_kinds"""

_EXPENDITURE = (("expenditure_summary", "合计"), ("income_expenditure_summary", "支出总计"))
_INCOME = (("income_expenditure_summary", "收入总计"), ("income_summary", "合计"))


def _expenditure(column: str) -> str:
    return "COALESCE(" + ",\n    ".join(_first(k, label, column) for k, label in _EXPENDITURE) + ")"


def _income(column: str, analyst: bool) -> str:
    """收入总计, else 预算收入总表's total (0003 and before: its first amount, 本年收入 alone)."""
    ies, summary = (_first(k, label, column) for k, label in _INCOME)
    return f"COALESCE({ies},\n    {_income_summary_total(column)},\n    {summary})" if analyst \
        else f"COALESCE({ies},\n    {summary})"


def _v_document_summary(analyst: bool) -> str:
    yuan = "CAST(f.amount_yuan AS NUMERIC)"
    extra = f""",
    d.fiscal_year AS fiscal_year,
    d.department AS department,
    {_expenditure(yuan)} AS total_expenditure_yuan,
    {_income(yuan, True)} AS total_income_yuan""" if analyst else ""
    units = "COALESCE(" + ",\n    ".join(_first(k, label, "unit") for k, label in (*_EXPENDITURE, *_INCOME)) + ")"
    return f"""
CREATE VIEW v_document_summary AS
SELECT{_SUMMARY_COLUMNS},
    {_expenditure("amount")} AS total_expenditure,
    {_income("amount", analyst)} AS total_income,
    {units} AS total_unit{extra}
FROM documents d
"""


# --- steps ----------------------------------------------------------------------


def _drop_views() -> None:
    for view in ("v_document_summary", "v_fact_wide", "v_facts"):
        op.execute(f"DROP VIEW {view}")


def _create_views(dialect: str, analyst: bool) -> None:
    op.execute(_v_facts(analyst))
    op.execute(_v_fact_wide(dialect, analyst))
    op.execute(_v_document_summary(analyst))


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    exact = sa.Numeric(asdecimal=True).with_variant(sa.Text(), "sqlite")
    op.add_column("facts", sa.Column("fiscal_year", sa.Integer(), nullable=True))
    op.add_column("facts", sa.Column("department", sa.Text(), nullable=True))
    op.add_column("facts", sa.Column("column_key", sa.Text(), nullable=True))
    op.add_column("facts", sa.Column("amount_yuan", exact, nullable=True))
    op.add_column("documents", sa.Column("fiscal_year", sa.Integer(), nullable=True))
    op.add_column("documents", sa.Column("department", sa.Text(), nullable=True))
    op.add_column("tables", sa.Column("header_rows", sa.Integer(), nullable=True))
    _drop_views()
    _create_views(dialect, analyst=True)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_views()
    for column in _FACT_COLUMNS:
        op.drop_column("facts", column)
    op.drop_column("documents", "fiscal_year")
    op.drop_column("documents", "department")
    op.drop_column("tables", "header_rows")
    _create_views(dialect, analyst=False)
