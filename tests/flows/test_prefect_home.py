"""A new Prefect home starts from the template of an empty database (flows.prefect_home)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from flows.prefect_home import DATABASE, MEMO, prepare_home, template_folder


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PREFECT_API_DATABASE_CONNECTION_URL", raising=False)
    return tmp_path / "cache"


def _migrated_database(home: Path) -> None:
    """What Prefect's server leaves in a new home: its database (in WAL mode, as Prefect keeps it) and memo."""
    with sqlite3.connect(home / DATABASE) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE alembic_version (version_num TEXT)")
        db.execute("INSERT INTO alembic_version VALUES ('head')")
    (home / MEMO).write_text('block_auto_registration = "abc"\n')


def _version(home: Path) -> str:
    with sqlite3.connect(home / DATABASE) as db:
        return str(db.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def test_the_first_new_home_is_kept_as_the_template_and_the_next_starts_from_it(tmp_path: Path) -> None:
    first = prepare_home(tmp_path / "a" / "prefect")
    assert first.database_was_new and not (first.path / DATABASE).exists()
    _migrated_database(first.path)
    first.keep_as_template()
    assert (template_folder() / DATABASE).exists() and (template_folder() / MEMO).exists()

    second = prepare_home(tmp_path / "b" / "prefect")
    assert not second.database_was_new
    assert _version(second.path) == "head" and (second.path / MEMO).read_text() == 'block_auto_registration = "abc"\n'


def test_a_home_with_a_database_is_left_alone_and_never_becomes_the_template(tmp_path: Path) -> None:
    home = tmp_path / "prefect"
    home.mkdir()
    _migrated_database(home)
    prepared = prepare_home(home)
    assert not prepared.database_was_new
    prepared.keep_as_template()  # a used home holds runs: never a template
    assert not (template_folder() / DATABASE).exists()


def test_another_database_is_neither_seeded_nor_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = prepare_home(tmp_path / "a")
    _migrated_database(first.path)
    first.keep_as_template()
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", "postgresql+asyncpg://prefect@db/prefect")
    other = prepare_home(tmp_path / "b")
    assert not (other.path / DATABASE).exists()


def test_an_unwritable_cache_costs_the_template_not_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "not-a-folder").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-a-folder"))
    home = prepare_home(tmp_path / "a")
    _migrated_database(home.path)
    home.keep_as_template()  # no exception
    assert prepare_home(tmp_path / "b").database_was_new
