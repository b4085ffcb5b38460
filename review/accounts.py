"""Operators and their browser sessions.

Passwords are kept only as argon2id hashes (argon2-cffi's defaults).  A session is a random token
in an HttpOnly cookie; the database keeps only the token's sha256 (a stolen database opens no
browser's session), the operator, an expiry, and the CSRF token every form of that session carries.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pipeline.output.store.schema import ReviewerRow, ReviewSessionRow

MIN_PASSWORD_LENGTH = 8
_NAME_MAX = 64


class AccountError(ValueError):
    """An account that cannot be made as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class Operator:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class LoggedIn:
    operator: Operator
    csrf_token: str


def _hasher() -> PasswordHasher:
    return PasswordHasher()


def _now() -> datetime:
    return datetime.now(UTC)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def add_operator(session: Session, name: str, password: str) -> Operator:
    """A new operator, or a new password for an existing one."""
    name = name.strip()
    if not name or len(name) > _NAME_MAX or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise AccountError(f"an operator's name is 1 to {_NAME_MAX} printable characters without spaces")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    hashed = _hasher().hash(password)
    row = session.scalars(select(ReviewerRow).where(ReviewerRow.name == name)).first()
    if row is None:
        row = ReviewerRow(name=name, password_hash=hashed, created_at=_now(), disabled=False)
        session.add(row)
    else:
        row.password_hash = hashed
        # A new password ends every session opened with the old one.
        session.execute(delete(ReviewSessionRow).where(ReviewSessionRow.reviewer_id == row.id))
    session.flush()
    return Operator(row.id, row.name)


def authenticate(session: Session, name: str, password: str) -> Operator | None:
    row = session.scalars(select(ReviewerRow).where(ReviewerRow.name == name.strip())).first()
    if row is None or row.disabled:
        # Hash anyway, so a wrong name takes as long as a wrong password.
        _hasher().hash(password or "x")
        return None
    try:
        _hasher().verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return Operator(row.id, row.name)


def open_session(session: Session, operator: Operator, lifetime: timedelta) -> tuple[str, LoggedIn]:
    """A new session for ``operator``: the cookie's token (shown once, never stored) and its state."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = _now()
    session.execute(delete(ReviewSessionRow).where(ReviewSessionRow.expires_at < now))
    session.add(ReviewSessionRow(token_sha256=_token_hash(token), reviewer_id=operator.id, csrf_token=csrf,
                                 created_at=now, expires_at=now + lifetime))
    session.flush()
    return token, LoggedIn(operator, csrf)


def logged_in(session: Session, token: str | None) -> LoggedIn | None:
    """The operator a session cookie belongs to, while it has not expired."""
    if not token:
        return None
    found = session.execute(
        select(ReviewSessionRow, ReviewerRow).join(ReviewerRow, ReviewerRow.id == ReviewSessionRow.reviewer_id)
        .where(ReviewSessionRow.token_sha256 == _token_hash(token))).first()
    if found is None:
        return None
    state, reviewer = found
    if reviewer.disabled or _aware(state.expires_at) <= _now():
        return None
    return LoggedIn(Operator(reviewer.id, reviewer.name), state.csrf_token)


def close_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(ReviewSessionRow).where(ReviewSessionRow.token_sha256 == _token_hash(token)))


def same_token(expected: str, given: str | None) -> bool:
    """Constant-time comparison of a CSRF token."""
    return bool(given) and secrets.compare_digest(expected.encode(), (given or "").encode())
