"""Store: migrations, one transaction per document, versions, rejections, analyst views.

Every test runs on a fresh SQLite file in tmp_path.  With YUSUAN_TEST_PG_URL
set (e.g. ``postgresql://user:pw@localhost/yusuan_test``) each also runs on
PostgreSQL, inside a throwaway schema that is dropped afterwards, so the
target database is never otherwise touched.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

import pipeline.output.store.store as store_module
from models import DocumentInfo, ErrorCode, Fact, Rejection, TableCell, TableKind, TableRecord
from models import PageFailure
from models import DocumentResult
from pipeline.output.store import Store, alembic_config, default_url, open_store
from pipeline.output.store.schema import Base

PG_ENV = "YUSUAN_TEST_PG_URL"
SHA = "a" * 64
SOURCE = "山阴县商务局2025年部门预算.pdf"

# --- backends -------------------------------------------------------------


def backends() -> list[str]:
    """SQLite always; PostgreSQL when a server is named. Add a backend here and a branch in db_url."""
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


def pg_schema_url(base_url: str) -> Iterator[str]:
    """A URL whose search_path is a new, empty schema; the schema is dropped afterwards."""
    schema = f"yusuan_test_{uuid.uuid4().hex[:12]}"
    base = make_url(base_url)
    if base.drivername == "postgresql":
        base = base.set(drivername="postgresql+psycopg")
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(params=backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield default_url(tmp_path / "data")
    elif request.param == "postgresql":
        yield from pg_schema_url(os.environ[PG_ENV])
    else:
        raise AssertionError(f"no URL recipe for backend {request.param}")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with open_store(db_url) as opened:
        yield opened


# --- builders -------------------------------------------------------------


def document_info(sha256: str = SHA, page_count: int = 3) -> DocumentInfo:
    return DocumentInfo(path=Path("/in") / SOURCE, source=SOURCE, sha256=sha256, media_type="pdf",
                        page_count=page_count, size_bytes=123_456)


def make_fact(**changes: Any) -> Fact:
    fields: dict[str, Any] = dict(
        document=SHA, source=SOURCE, page=1, table=TableKind.GENERAL_BUDGET_EXPENDITURE,
        code="2010301", labels=["行政运行"], raw_labels=["行政运行"], column="一般公共预算支出/基本支出",
        value="1030.50", kind="number", unit="万元", raw="1,030.50", confidence=0.97, status="accepted",
        reasons=[], bbox=[0.5, 0.30, 0.6, 0.32], code_source="printed",
    )
    fields.update(changes)
    return Fact(**fields)


def make_table(**changes: Any) -> TableRecord:
    fields: dict[str, Any] = dict(
        document=SHA, source=SOURCE, page=1, table=TableKind.GENERAL_BUDGET_EXPENDITURE,
        title="2025年一般公共预算支出预算表", unit="万元", bbox=[0.05, 0.1, 0.95, 0.9],
        n_rows=2, n_cols=2,
        cells=[
            TableCell(row=0, col=0, row_span=1, col_span=1, text="科目名称", confidence=0.99),
            TableCell(row=0, col=1, row_span=1, col_span=1, text="基本支出", confidence=0.98),
            TableCell(row=1, col=0, row_span=1, col_span=1, text="行政运行", confidence=0.97,
                      bbox=[0.1, 0.3, 0.2, 0.32]),
            TableCell(row=1, col=1, row_span=1, col_span=1, text="1,030.50", confidence=0.95),
        ],
        html="<table><tr><td>科目名称</td><td>基本支出</td></tr></table>",
    )
    fields.update(changes)
    return TableRecord(**fields)


def make_result(facts: list[Fact] | None = None,
                failures: tuple[PageFailure, ...] = ()) -> DocumentResult:
    """Two tables (pages 1 and 2), three facts: two in the first table (one needs review), one text."""
    tables = (
        make_table(),
        make_table(page=2, table=TableKind.THREE_PUBLIC, title="三公经费", n_rows=1,
                   cells=[TableCell(row=0, col=0, row_span=1, col_span=2, text="合计", confidence=0.9)],
                   continued=True),
    )
    if facts is None:
        facts = [
            make_fact(),
            make_fact(code="2010302", labels=["一般行政管理事务"], raw_labels=["一般行政管理事务"],
                      value="20", raw="2O", confidence=0.4, status="needs_review",
                      reasons=["low_ocr_confidence"], bbox=[0.5, 0.34, 0.6, 0.36]),
            make_fact(page=2, table=TableKind.THREE_PUBLIC, code=None, code_source=None, labels=["合计"],
                      raw_labels=["合计"], column="说明", value="无", kind="text", unit=None, raw="无"),
        ]
    pages = document_info().page_count - len(failures)
    return DocumentResult(document=document_info(), facts=tuple(facts), tables=tables, failures=failures,
                          pages_processed=pages)


def economic_fact(**changes: Any) -> Fact:
    """A 基本支出分经济科目表 row: 部门 code in ``code``, 政府 code in ``gov_code``."""
    fields: dict[str, Any] = dict(
        table=TableKind.BASIC_EXPENDITURE_ECONOMIC, code="30101", labels=["基本工资", "工资奖金津补贴"],
        raw_labels=["基本工资", "工资奖金津补贴"], column="合计", value="120.00", raw="120.00",
        gov_code="50101",
    )
    fields.update(changes)
    return make_fact(**fields)


def migrate_to(store: Store, db_url: str, step: str, revision: str) -> None:
    """Alembic ``upgrade``/``downgrade`` on the store's own engine, as open_store runs it."""
    config = alembic_config(db_url)
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, step)(config, revision)


def count(store: Store, table: str) -> int:
    with store.engine.connect() as connection:
        return connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


def counts(store: Store) -> dict[str, int]:
    return {t: count(store, t) for t in ("documents", "pages", "tables", "cells", "facts")}


EXPECTED = {"documents": 1, "pages": 3, "tables": 2, "cells": 5, "facts": 3}
EMPTY = dict.fromkeys(EXPECTED, 0)

# --- migrations -----------------------------------------------------------


def test_fresh_database_is_migrated_to_head(store: Store, db_url: str) -> None:
    head = ScriptDirectory.from_config(alembic_config(db_url)).get_current_head()
    with store.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head == "0006"
        names = inspect(connection)
        assert set(names.get_table_names()) >= {
            "documents", "pages", "tables", "cells", "facts", "review_events", "rejections",
            "page_images", "reviewers", "review_sessions", "label_aliases"}
        assert set(names.get_view_names()) >= {"v_facts", "v_document_summary"}
        fact_indexes = {i["name"] for i in names.get_indexes("facts")}
        assert fact_indexes >= {"ix_facts_document_id", "ix_facts_kind_code"}
        assert "ix_tables_document_id" in {i["name"] for i in names.get_indexes("tables")}


def test_migration_matches_the_models(store: Store) -> None:
    """The migrations are written by hand: any drift from schema.py shows up here."""
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_reopening_keeps_data_and_version(db_url: str) -> None:
    with open_store(db_url) as first:
        assert first.save_document(make_result(), "0.1.0")
    with open_store(db_url) as second:
        assert counts(second) == EXPECTED
        assert second.has_document(SHA, "0.1.0")


def test_sqlite_folder_is_created(tmp_path: Path) -> None:
    url = default_url(tmp_path / "deep" / "er")
    assert url == f"sqlite:///{tmp_path.as_posix()}/deep/er/yusuan.sqlite"
    with open_store(url) as opened:
        assert opened.count_facts() == 0
    assert (tmp_path / "deep" / "er" / "yusuan.sqlite").is_file()


def test_facts_stored_before_0003_survive_the_upgrade(db_url: str) -> None:
    """A database ingested at 0002 (no gov_code column) keeps every fact when opened at head."""
    with open_store(db_url) as first:
        first.save_document(make_result(), "0.1.0")
        migrate_to(first, db_url, "downgrade", "0002")
        with first.engine.connect() as connection:
            assert "gov_code" not in {c["name"] for c in inspect(connection).get_columns("facts")}
    with open_store(db_url) as reopened:
        assert counts(reopened) == EXPECTED
        assert reopened.facts_for(SHA) == list(make_result().facts)
        with_gov_code = make_result([economic_fact()])
        assert reopened.save_document(with_gov_code, "0.2.0")
        assert reopened.facts_for(SHA) == list(with_gov_code.facts)


def test_facts_stored_before_0005_survive_the_upgrade(db_url: str) -> None:
    """A database at 0003 (no review columns) keeps every fact when opened at head, each at version 1."""
    with open_store(db_url) as first:
        first.save_document(make_result(), "0.1.0")
        migrate_to(first, db_url, "downgrade", "0003")
        with first.engine.connect() as connection:
            assert "version" not in {c["name"] for c in inspect(connection).get_columns("facts")}
            assert "page_images" not in inspect(connection).get_table_names()
    with open_store(db_url) as reopened:
        assert counts(reopened) == EXPECTED
        assert reopened.facts_for(SHA) == list(make_result().facts)
        with reopened.engine.connect() as connection:
            assert set(connection.execute(text("SELECT version FROM facts")).scalars()) == {1}


# --- documents ------------------------------------------------------------


def test_save_document_stores_every_row(store: Store) -> None:
    result = make_result()
    assert not store.has_document(SHA, "0.1.0")
    assert store.save_document(result, "0.1.0") is True
    assert store.has_document(SHA, "0.1.0")
    assert not store.has_document(SHA, "0.2.0")
    assert counts(store) == EXPECTED
    assert store.count_facts() == 3
    assert store.facts_for(SHA) == list(result.facts)  # round trip, document order kept


def test_gov_code_round_trips(store: Store) -> None:
    result = make_result([economic_fact(), economic_fact(code="30199", gov_code=None, labels=["其他"],
                                                         raw_labels=["其他"])])
    store.save_document(result, "0.1.0")
    read = store.facts_for(SHA)
    assert read == list(result.facts)
    assert [f.gov_code for f in read] == ["50101", None]
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT code, gov_code FROM v_facts ORDER BY ordinal")).all()
    assert [tuple(r) for r in rows] == [("30101", "50101"), ("30199", None)]


def test_read_by_round_trips(store: Store) -> None:
    """How each value was read comes back from the database (a re-ingested document's records.jsonl)."""
    facts = [economic_fact().model_copy(update={"read_by": "text_layer"}),
             economic_fact(code="30199", labels=["其他"], raw_labels=["其他"]).model_copy(update={"read_by": "rapidocr"})]
    result = make_result(facts)
    store.save_document(result, "0.1.0")
    assert [f.read_by for f in store.facts_for(SHA)] == ["text_layer", "rapidocr"]
    assert store.facts_for(SHA) == list(result.facts)


def test_facts_stored_before_0004_read_back_without_read_by(db_url: str) -> None:
    with open_store(db_url) as first:
        first.save_document(make_result(), "0.1.0")
        migrate_to(first, db_url, "downgrade", "0003")
    with open_store(db_url) as reopened:
        assert reopened.facts_for(SHA) == list(make_result().facts)
        assert all(f.read_by is None for f in reopened.facts_for(SHA))


def test_facts_are_linked_to_their_tables(store: Store) -> None:
    store.save_document(make_result(), "0.1.0")
    with store.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT f.ordinal, t.ordinal FROM facts f LEFT JOIN tables t ON t.id = f.table_id"
            " ORDER BY f.ordinal"
        )).all()
    assert [tuple(r) for r in rows] == [(0, 0), (1, 0), (2, 1)]


def test_resaving_is_a_no_op(store: Store) -> None:
    assert store.save_document(make_result(), "0.1.0") is True
    assert store.save_document(make_result(), "0.1.0") is False
    assert counts(store) == EXPECTED


def test_a_new_pipeline_version_keeps_the_old_one(store: Store) -> None:
    old = make_result()
    new = make_result([make_fact(value="1031.50", raw="1,031.50")])
    assert store.save_document(old, "0.1.0")
    assert store.save_document(new, "0.2.0")
    assert count(store, "documents") == 2
    assert store.count_facts() == 4
    assert store.facts_for(SHA) == list(new.facts)
    assert store.facts_for(SHA, "0.1.0") == list(old.facts)
    assert store.facts_for(SHA, "9.9.9") == []
    assert store.facts_for("b" * 64) == []


def test_a_failing_insert_leaves_no_partial_rows(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    real = store_module._fact_values
    calls: list[int] = []

    def fail_on_second(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:  # document, pages, tables and cells are already flushed by now
            raise RuntimeError("disk on fire")
        return real(*args)

    monkeypatch.setattr(store_module, "_fact_values", fail_on_second)
    with pytest.raises(RuntimeError):
        store.save_document(make_result(), "0.1.0")
    assert counts(store) == EMPTY
    assert not store.has_document(SHA, "0.1.0")
    monkeypatch.setattr(store_module, "_fact_values", real)
    assert store.save_document(make_result(), "0.1.0") is True  # nothing left in the way
    assert counts(store) == EXPECTED


def test_a_constraint_violation_rolls_back(store: Store) -> None:
    bad = Fact.model_construct(**{**make_fact().model_dump(), "status": "bogus"})  # skips validation
    with pytest.raises(IntegrityError):
        store.save_document(make_result([make_fact(), bad]), "0.1.0")
    assert counts(store) == EMPTY


def test_records_of_another_document_are_refused(store: Store) -> None:
    with pytest.raises(ValueError):
        store.save_document(make_result([make_fact(document="c" * 64)]), "0.1.0")
    assert counts(store) == EMPTY


def test_failed_pages_make_a_partial_document(store: Store) -> None:
    failure = PageFailure(page=3, category="ocr_engine", message="engine crashed")
    store.save_document(make_result(failures=(failure,)), "0.1.0")
    with store.engine.connect() as connection:
        status, processed = connection.execute(text("SELECT status, pages_processed FROM documents")).one()
        pages = connection.execute(
            text("SELECT number, failure_category FROM pages ORDER BY number")).all()
    assert (status, processed) == ("partial", 2)
    assert [tuple(p) for p in pages] == [(1, None), (2, None), (3, "ocr_engine")]


# --- rejections -----------------------------------------------------------


def test_save_rejection(store: Store) -> None:
    refused = Rejection(source="x.docx", error=ErrorCode.NOT_A_DOCUMENT, message="x.docx: no")
    store.save_rejection(refused, "d" * 64)
    store.save_rejection(Rejection(source="gone.pdf", error=ErrorCode.NOT_FOUND, message="gone"), None)
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT source, sha256, error FROM rejections ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [
        ("x.docx", "d" * 64, "not_a_document"), ("gone.pdf", None, "not_found")]


# --- views ----------------------------------------------------------------


def test_v_facts(store: Store) -> None:
    store.save_document(make_result(), "0.1.0")
    store.save_document(make_result([make_fact()]), "0.2.0")
    with store.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT pipeline_version, is_latest, source, table_kind, row_key, labels, value, amount, status"
            " FROM v_facts ORDER BY document_id, ordinal")).all()
    assert [(r[0], r[1]) for r in rows] == [("0.1.0", 0)] * 3 + [("0.2.0", 1)]
    first = rows[0]
    assert first.source == SOURCE and first.table_kind == "general_budget_expenditure"
    assert first.row_key == "2010301" and first.value == "1030.50" and first.amount == pytest.approx(1030.5)
    assert "行政运行" in first.labels  # readable text, not \\u escapes
    text_fact = rows[2]
    assert text_fact.row_key == "合计" and text_fact.amount is None
    assert rows[1].status == "needs_review"


def test_v_document_summary(store: Store) -> None:
    store.save_document(make_result(), "0.1.0")
    store.save_document(make_result([make_fact()]), "0.2.0")
    with store.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT pipeline_version, is_latest, source, n_tables, n_facts, n_needs_review, n_failed_pages"
            " FROM v_document_summary ORDER BY document_id")).all()
    assert [tuple(r) for r in rows] == [("0.1.0", 0, SOURCE, 2, 3, 1, 0), ("0.2.0", 1, SOURCE, 2, 1, 0, 0)]
