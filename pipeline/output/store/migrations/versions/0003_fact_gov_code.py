"""facts.gov_code: the 政府预算支出经济分类 code of a 基本支出分经济科目表 row; v_facts and v_fact_wide show it.

Until now a fact read back from the database lost ``gov_code`` (a re-ingested
unchanged document, ``yusuan export``).  The column is nullable and added in
place, so every stored row stays as it was; rows stored before this revision
read back with ``gov_code`` NULL, as they were written without it.

A view cannot gain a column in place on both dialects (PostgreSQL's CREATE OR
REPLACE VIEW only appends, SQLite has no such statement), so the two views
that list fact columns are dropped and created again.  ``v_document_summary``
lists no fact columns and is left alone.

Downgrade drops the views that read ``gov_code`` before the column: SQLite
refuses to drop a column a view uses.  The column goes with a plain ALTER
TABLE DROP COLUMN (SQLite >= 3.35), not a batch rebuild, because a rebuild
renames a copy of ``facts`` while the other views still name the original,
which SQLite rejects.

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of 0001's and 0002's definitions (a migration must not import
# another's module).  Built with and without gov_code, so downgrade restores
# exactly what 0002 left.

_IS_LATEST = """
    CASE WHEN d.id = (SELECT MAX(d2.id) FROM documents d2 WHERE d2.sha256 = d.sha256)
         THEN 1 ELSE 0 END
"""


# --- v_facts (0001) ---------------------------------------------------------

_FACTS_LINE = "    f.gov_code AS gov_code,\n"


def _v_facts(with_gov_code: bool) -> str:
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
{_FACTS_LINE if with_gov_code else ""}\
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
    f.form AS form
FROM facts f
JOIN documents d ON d.id = f.document_id
"""


# --- v_fact_wide (0002) -----------------------------------------------------
# gov_code is read from the row's labels, so like labels it is the row's first
# fact's.

_RANKED_LINE = "        f.gov_code,\n"
_WIDE_LINE = "    w.gov_code,\n"
_GROUP_LINE = "        MAX(CASE WHEN r.row_rank = 1 THEN r.gov_code END) AS gov_code,\n"


def _ranked(with_gov_code: bool) -> str:
    return f"""
    SELECT
        f.document_id,
        f.kind,
        COALESCE(f.code, f.first_label) AS row_key,
        f.code,
{_RANKED_LINE if with_gov_code else ""}\
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


def _wide(with_gov_code: bool) -> str:
    # {values} is the dialect's JSON object aggregate over (column_path, value), as text.
    return f"""
CREATE VIEW v_fact_wide AS
SELECT
    d.id AS document_id,
    d.sha256 AS document,
    d.source AS source,
    d.pipeline_version AS pipeline_version,
    {{is_latest}} AS is_latest,
    w.table_kind,
    w.row_key,
    w.code,
{_WIDE_LINE if with_gov_code else ""}\
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
{_GROUP_LINE if with_gov_code else ""}\
        MAX(CASE WHEN r.row_rank = 1 THEN r.first_label END) AS first_label,
        MAX(CASE WHEN r.row_rank = 1 THEN CAST(r.labels AS TEXT) END) AS labels,
        MAX(CASE WHEN r.row_rank = 1 THEN r.unit END) AS unit,
        MIN(r.page) AS first_page,
        MIN(r.ordinal) AS row_ordinal,
        COUNT(*) AS n_values,
        SUM(CASE WHEN r.status = 'needs_review' THEN 1 ELSE 0 END) AS n_needs_review,
        {{values}} AS "values"
    FROM ({{ranked}}) r
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


def _v_fact_wide(dialect: str, with_gov_code: bool) -> str:
    try:
        values = _VALUES[dialect]
    except KeyError:
        raise NotImplementedError(f"v_fact_wide: no JSON aggregate known for {dialect!r}") from None
    ranked = _ranked(with_gov_code)
    if dialect == "sqlite":
        ranked += "    ORDER BY f.document_id, f.ordinal\n"
    return _wide(with_gov_code).format(is_latest=_IS_LATEST, values=values, ranked=ranked)


def _create_views(dialect: str, with_gov_code: bool) -> None:
    op.execute(_v_facts(with_gov_code))
    op.execute(_v_fact_wide(dialect, with_gov_code))


def _drop_views() -> None:
    op.execute("DROP VIEW v_fact_wide")
    op.execute("DROP VIEW v_facts")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column("facts", sa.Column("gov_code", sa.String(32), nullable=True))
    _drop_views()
    _create_views(dialect, with_gov_code=True)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_views()
    op.drop_column("facts", "gov_code")
    _create_views(dialect, with_gov_code=False)
