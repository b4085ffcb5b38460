"""``yusuan review add-user`` and ``yusuan catalog aliases``."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from _bench import Bench
from flows.cli import app
from pipeline.output.store import open_store
from pipeline.output.store.reviews import Decision, decide
from pipeline.output.store.schema import FactRow, ReviewerRow
from review.accounts import authenticate


def test_add_user_from_a_password_file_stores_only_an_argon2_hash(bench: Bench, tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text("a long enough secret\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["review", "add-user", "carol", "--db", bench.url, "--password-file", str(secret)])
    assert result.exit_code == 0, result.output
    with open_store(bench.url) as store, store.session() as session:
        row = session.scalars(select(ReviewerRow).where(ReviewerRow.name == "carol")).one()
        assert row.password_hash.startswith("$argon2id$") and "secret" not in row.password_hash
        assert authenticate(session, "carol", "a long enough secret") is not None
        assert authenticate(session, "carol", "a long enough secreT") is None


def test_add_user_refuses_a_short_password(bench: Bench, tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text("short\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["review", "add-user", "dave", "--db", bench.url, "--password-file", str(secret)])
    assert result.exit_code == 2


def test_add_user_asks_for_the_password_twice(bench: Bench) -> None:
    result = CliRunner().invoke(app, ["review", "add-user", "erin", "--db", bench.url],
                                input="typed at the prompt\ntyped at the prompt\n")
    assert result.exit_code == 0, result.output
    with open_store(bench.url) as store, store.session() as session:
        assert authenticate(session, "erin", "typed at the prompt") is not None


def test_aliases_are_listed_and_revoked(bench: Bench) -> None:
    with open_store(bench.url) as store, store.session() as session, session.begin():
        row = session.scalars(select(FactRow).where(FactRow.code == "2010102")).first()
        decide(session, row.id, "alice", Decision("correct", label="一般行政管理事务支出"), row.version)
    runner = CliRunner()
    listed = runner.invoke(app, ["catalog", "aliases", "--db", bench.url])
    assert listed.exit_code == 0 and "一般行政管理事务支出" in listed.output and "alice" in listed.output
    revoked = runner.invoke(app, ["catalog", "aliases", "--db", bench.url, "--revoke", "1"])
    assert revoked.exit_code == 0, revoked.output
    with open_store(bench.url) as store:
        assert store.label_aliases() == []
    assert "一般行政管理事务支出" not in runner.invoke(app, ["catalog", "aliases", "--db", bench.url]).output
    assert "一般行政管理事务支出" in runner.invoke(app, ["catalog", "aliases", "--db", bench.url, "--revoked"]).output
    assert runner.invoke(app, ["catalog", "aliases", "--db", bench.url, "--revoke", "1"]).exit_code == 2
