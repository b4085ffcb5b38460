"""The label aliases operators taught (``yusuan catalog aliases``): listed, revoked (never deleted)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.output.store.schema import LabelAliasRow


class AliasError(ValueError):
    pass


def list_aliases(session: Session, include_revoked: bool = False) -> list[LabelAliasRow]:
    query = select(LabelAliasRow).order_by(LabelAliasRow.id)
    if not include_revoked:
        query = query.where(LabelAliasRow.revoked_at.is_(None))
    return list(session.scalars(query))


def revoke_alias(session: Session, alias_id: int, by: str) -> LabelAliasRow:
    """Later ingests no longer read it; the row stays, with who revoked it and when."""
    row = session.get(LabelAliasRow, alias_id)
    if row is None:
        raise AliasError(f"no alias {alias_id}")
    if row.revoked_at is not None:
        raise AliasError(f"alias {alias_id} was revoked already")
    row.revoked_by, row.revoked_at = by, datetime.now(UTC)
    session.flush()
    return row
