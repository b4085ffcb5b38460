"""The review workbench: facts' review evidence and decisions, page images, reviewers, sessions, aliases.

Added in place, nullable (or with a server default), so every stored row stays as it was:

* ``facts``: the record contract's review additions (``page_image_sha256``, ``grid_cell``,
  ``readings``, ``broken_identities``, ``evidence``), an operator's decision (``review_state``,
  ``reviewed_by``, ``reviewed_at``), ``as_read`` (the changed fields as the pipeline emitted them)
  and ``version`` (1 for every existing row), the optimistic lock two operators saving over one
  fact meet;
* ``tables.page_image_sha256``;
* ``review_events``: ``before`` and ``after`` (the fact's reviewable fields), ``undoes`` and
  ``fact_version``, and two more actions, ``undo`` and ``carry``.  SQLite cannot alter a CHECK
  constraint, so the table is rebuilt (batch mode); no view reads it.
* new tables ``page_images``, ``reviewers``, ``review_sessions``, ``label_aliases``.

The views are left alone: they read ``facts``' value, status and reasons, which a decision rewrites,
so they show the operator's values without being redefined.

Revision ID: 0005
Revises: 0004
Create Date: 2025-01-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_ACTIONS = "action IN ('accept', 'correct', 'reject')"
_NEW_ACTIONS = "action IN ('accept', 'correct', 'reject', 'undo', 'carry')"
_JSON = sa.JSON(none_as_null=True)

_FACT_COLUMNS = (
    sa.Column("page_image_sha256", sa.String(64), nullable=True),
    sa.Column("grid_cell", _JSON, nullable=True),
    sa.Column("readings", _JSON, nullable=True),
    sa.Column("broken_identities", _JSON, nullable=True),
    sa.Column("evidence", _JSON, nullable=True),
    sa.Column("review_state", sa.String(16), nullable=True),
    sa.Column("as_read", _JSON, nullable=True),
    sa.Column("reviewed_by", sa.Text(), nullable=True),
    sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
)
_EVENT_COLUMN_NAMES = ("before", "after", "undoes", "fact_version")


def _event_columns() -> list[sa.Column]:
    """Fresh Column objects each time (a Column belongs to the one table it is added to)."""
    return [sa.Column("before", _JSON, nullable=True), sa.Column("after", _JSON, nullable=True),
            sa.Column("undoes", sa.Integer(), nullable=True), sa.Column("fact_version", sa.Integer(), nullable=True)]


def _events_table(actions: str, with_new_columns: bool) -> sa.Table:
    """review_events as it stands before a step: batch mode on SQLite copies it from this definition,
    since SQLite does not report the CHECK constraint's name to reflection."""
    columns = [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("fact_id", sa.Integer(), sa.ForeignKey("facts.id", ondelete="CASCADE",
                                                         name="fk_review_events_fact_id_facts"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
    ]
    if with_new_columns:
        columns += _event_columns()
    return sa.Table("review_events", sa.MetaData(), *columns,
                    sa.CheckConstraint(actions, name="ck_review_events_action"),
                    sa.Index("ix_review_events_fact_id", "fact_id"))


def _alter_events(old: str, new: str, adding: bool) -> None:
    """review_events gains (or loses) the new columns and its action CHECK becomes ``new``.

    SQLite: one batch rebuild from the table as it stands (:func:`_events_table`).  PostgreSQL:
    in place; the old CHECK is found by what it checks, since 0001's name went through the naming
    convention there (ck_review_events_ck_review_events_action).
    """
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        with op.batch_alter_table("review_events", recreate="always",
                                  copy_from=_events_table(old, with_new_columns=not adding)) as batch:
            if adding:
                for column in _event_columns():
                    batch.add_column(column)
            batch.drop_constraint(op.f("ck_review_events_action"), type_="check")
            batch.create_check_constraint(op.f("ck_review_events_action"), sa.text(new))
            if not adding:
                for name in reversed(_EVENT_COLUMN_NAMES):
                    batch.drop_column(name)
        return
    for check in sa.inspect(bind).get_check_constraints("review_events"):
        if "action" in (check.get("sqltext") or ""):
            op.drop_constraint(op.f(check["name"]), "review_events", type_="check")
    if adding:
        for column in _event_columns():
            op.add_column("review_events", column)
    else:
        for name in reversed(_EVENT_COLUMN_NAMES):
            op.drop_column("review_events", name)
    op.create_check_constraint(op.f("ck_review_events_action"), "review_events", sa.text(new))


def upgrade() -> None:
    # Plain ADD COLUMN on facts (no batch rebuild: the views name facts, see 0003).
    for column in _FACT_COLUMNS:
        op.add_column("facts", column)
    op.add_column("tables", sa.Column("page_image_sha256", sa.String(64), nullable=True))
    _alter_events(_OLD_ACTIONS, _NEW_ACTIONS, adding=True)
    op.create_table(
        "page_images",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_page_images"),
    )
    op.create_table(
        "reviewers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="pk_reviewers"),
        sa.UniqueConstraint("name", name="uq_reviewers_name"),
    )
    op.create_table(
        "review_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_sessions"),
        sa.ForeignKeyConstraint(["reviewer_id"], ["reviewers.id"], ondelete="CASCADE",
                                name="fk_review_sessions_reviewer_id_reviewers"),
        sa.UniqueConstraint("token_sha256", name="uq_review_sessions_token_sha256"),
    )
    op.create_table(
        "label_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.Text(), nullable=False),
        sa.Column("alias_key", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("code", sa.String(32), nullable=True),
        sa.Column("kind", sa.String(40), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fact_id", sa.Integer(), nullable=True),
        sa.Column("revoked_by", sa.Text(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_label_aliases"),
    )
    op.create_index("ix_label_aliases_alias_key", "label_aliases", ["alias_key"])


def downgrade() -> None:
    op.drop_index("ix_label_aliases_alias_key", table_name="label_aliases")
    for table in ("label_aliases", "review_sessions", "reviewers", "page_images"):
        op.drop_table(table)
    # Events of the new actions cannot stay under the old constraint.
    op.execute("DELETE FROM review_events WHERE action IN ('undo', 'carry')")
    _alter_events(_NEW_ACTIONS, _OLD_ACTIONS, adding=False)
    op.drop_column("tables", "page_image_sha256")
    # The views read none of these columns, so SQLite's DROP COLUMN accepts them (>= 3.35).
    for column in reversed(_FACT_COLUMNS):
        op.drop_column("facts", column.name)
