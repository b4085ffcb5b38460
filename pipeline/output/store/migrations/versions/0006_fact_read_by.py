"""facts.read_by: how a fact's value was read ("text_layer", "rapidocr", "tesseract").

Without it a fact read back from the database (a re-ingested unchanged document, whose
stored facts are written to records.jsonl again) lost ``read_by``.  The column is nullable
and added in place; rows stored before this revision read back with ``read_by`` NULL, as
they were written without it.  No view lists it (the views name their columns, so none
needs rebuilding), which also lets downgrade drop it with a plain ALTER TABLE.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("facts", sa.Column("read_by", sa.String(16), nullable=True))


def downgrade() -> None:
    op.drop_column("facts", "read_by")
