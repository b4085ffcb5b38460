"""Analyst views of migrations 0002 and 0003: v_fact_wide, the totals of v_document_summary, gov_code.

Runs on SQLite, and on PostgreSQL too when YUSUAN_TEST_PG_URL is set (the
fixtures are test_store.py's: each PostgreSQL test gets a throwaway schema).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text
from test_store import (  # noqa: F401  (fixtures)
    SHA, SOURCE, db_url, economic_fact, make_fact, make_result, store)

from models import Fact, TableKind
from pipeline.output.store import Store, alembic_config

ES = TableKind.EXPENDITURE_SUMMARY
IES = TableKind.INCOME_EXPENDITURE_SUMMARY


def es_fact(labels: list[str], column: str, value: str, **changes: Any) -> Fact:
    """A number fact of the 预算支出总表."""
    fields: dict[str, Any] = dict(table=ES, code=None, code_source=None, labels=labels, raw_labels=labels,
                                  column=column, value=value, raw=value, page=2)
    fields.update(changes)
    return make_fact(**fields)


def summary_facts() -> list[Fact]:
    """A 预算收支总表 and a 预算支出总表 continued over two pages, with the rows analysts ask for."""
    return [
        es_fact(["收入总计"], "收入/2025年", "2272.82", table=IES, page=1),
        es_fact(["支出总计"], "支出/2025年合计", "2272.82", table=IES, page=1),
        es_fact(["合计"], "2025年预算数/合计", "2272.82"),
        es_fact(["合计"], "2025年预算数/基本支出", "242.32"),
        es_fact(["合计"], "2025年预算数/项目支出", "2030.50", status="needs_review", confidence=0.5,
                reasons=["row_sum_mismatch"]),
        es_fact(["一般公共服务支出"], "2025年预算数/合计", "100.00", code="201", code_source="implied"),
        # the same 科目 continued on the next page: one wide row, not two
        es_fact(["一般公共服务支出"], "2025年预算数/基本支出", "60.00", code="201", code_source="implied",
                page=3),
        # printed twice (a repeated row): the first value in document order wins
        es_fact(["一般公共服务支出"], "2025年预算数/合计", "999.00", code="201", code_source="implied",
                page=3),
        es_fact(["备注"], "说明", "无", kind="text", unit=None),
    ]


def as_json(values: Any) -> Any:
    """v_fact_wide.values: a json value on PostgreSQL (since 0004), SQLite's JSON text on SQLite."""
    return values if isinstance(values, dict) else json.loads(values)


def wide_rows(store: Store, where: str = "") -> dict[tuple[str, str], Any]:
    with store.engine.connect() as connection:
        query = f"SELECT * FROM v_fact_wide {where} ORDER BY document_id, row_ordinal"
        rows = connection.execute(text(query))
        return {(r.table_kind, r.row_key): r for r in rows}


def test_views_exist_at_head(store: Store) -> None:
    with store.engine.connect() as connection:
        assert {"v_facts", "v_document_summary", "v_fact_wide"} <= set(inspect(connection).get_view_names())


def test_v_fact_wide_one_row_per_row_key(store: Store) -> None:
    store.save_document(make_result(summary_facts()), "0.1.0")
    rows = wide_rows(store)
    assert list(rows) == [
        ("income_expenditure_summary", "收入总计"), ("income_expenditure_summary", "支出总计"),
        ("expenditure_summary", "合计"), ("expenditure_summary", "201"), ("expenditure_summary", "备注")]

    total = rows["expenditure_summary", "合计"]
    assert as_json(total.values) == {
        "2025年预算数/合计": "2272.82", "2025年预算数/基本支出": "242.32", "2025年预算数/项目支出": "2030.50"}
    assert total.code is None and total.first_label == "合计"
    assert (total.n_values, total.n_needs_review, total.unit) == (3, 1, "万元")
    assert total.source == SOURCE and total.document == SHA and total.is_latest == 1

    gps = rows["expenditure_summary", "201"]
    assert as_json(gps.values) == {"2025年预算数/合计": "100.00", "2025年预算数/基本支出": "60.00"}
    assert gps.code == "201" and json.loads(gps.labels) == ["一般公共服务支出"]
    assert (gps.first_page, gps.n_values) == (2, 2)
    assert "一般公共服务支出" in gps.labels  # readable Chinese, not \\u escapes

    assert as_json(rows["expenditure_summary", "备注"].values) == {"说明": "无"}


def test_v_fact_wide_keeps_versions_apart(store: Store) -> None:
    store.save_document(make_result(summary_facts()), "0.1.0")
    store.save_document(make_result([es_fact(["合计"], "2025年预算数/合计", "2300.00")]), "0.2.0")
    old = wide_rows(store, "WHERE pipeline_version = '0.1.0'")
    new = wide_rows(store, "WHERE is_latest = 1")
    assert len(old) == 5 and all(r.is_latest == 0 for r in old.values())
    assert list(new) == [("expenditure_summary", "合计")]
    assert as_json(new["expenditure_summary", "合计"].values) == {"2025年预算数/合计": "2300.00"}


def test_v_fact_wide_gov_code(store: Store) -> None:
    store.save_document(make_result([
        economic_fact(column="合计"), economic_fact(column="基本支出"), make_fact()]), "0.1.0")
    rows = wide_rows(store)
    economic = rows["basic_expenditure_economic", "30101"]
    assert (economic.code, economic.gov_code, economic.n_values) == ("30101", "50101", 2)
    assert rows["general_budget_expenditure", "2010301"].gov_code is None


def test_v_document_summary_totals(store: Store) -> None:
    store.save_document(make_result(summary_facts()), "0.1.0")
    # 0.2.0 has no 预算支出总表: the expenditure total falls back to 预算收支总表's 支出总计
    store.save_document(make_result([
        es_fact(["支出总计"], "支出/2025年合计", "2500.00", table=IES, page=1),
        make_fact(),
    ]), "0.2.0")
    with store.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT pipeline_version, is_latest, n_facts, n_needs_review, n_accepted, n_table_kinds,"
            " total_expenditure, total_income, total_unit"
            " FROM v_document_summary ORDER BY document_id")).all()
    first, second = rows
    assert first[:6] == ("0.1.0", 0, 9, 1, 8, 2)
    assert first.total_expenditure == pytest.approx(2272.82)  # the 合计 column, not the sum of the row
    assert first.total_income == pytest.approx(2272.82) and first.total_unit == "万元"
    assert second[:6] == ("0.2.0", 1, 2, 0, 2, 2)
    assert second.total_expenditure == pytest.approx(2500.0) and second.total_income is None


def test_totals_are_null_without_summary_tables(store: Store) -> None:
    store.save_document(make_result(), "0.1.0")
    with store.engine.connect() as connection:
        row = connection.execute(text(
            "SELECT n_facts, total_expenditure, total_income, total_unit FROM v_document_summary")).one()
    assert tuple(row) == (3, None, None, None)


def test_downgrade_and_upgrade_again(store: Store, db_url: str) -> None:  # noqa: F811
    store.save_document(make_result(summary_facts()), "0.1.0")
    config = alembic_config(db_url)

    def run(step: str, revision: str) -> None:
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            getattr(command, step)(config, revision)

    run("downgrade", "0002")
    with store.engine.connect() as connection:
        for name in ("facts", "v_facts", "v_fact_wide"):
            assert "gov_code" not in {c["name"] for c in inspect(connection).get_columns(name)}
    assert len(wide_rows(store)) == 5
    run("downgrade", "0001")
    with store.engine.connect() as connection:
        assert "v_fact_wide" not in inspect(connection).get_view_names()
        columns = {c["name"] for c in inspect(connection).get_columns("v_document_summary")}
        assert "n_needs_review" in columns and "total_expenditure" not in columns
    run("upgrade", "head")
    assert len(wide_rows(store)) == 5
    with store.engine.connect() as connection:
        for name in ("facts", "v_facts", "v_fact_wide"):
            assert "gov_code" in {c["name"] for c in inspect(connection).get_columns(name)}
