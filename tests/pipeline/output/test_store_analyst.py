"""Migration 0004: the analysts' fields stored and read back exactly, tables read back, totals that add up.

Runs on SQLite, and on PostgreSQL too when YUSUAN_TEST_PG_URL is set (test_store.py's fixtures).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import inspect, text
from test_store import (  # noqa: F401  (fixtures)
    SHA, db_url, make_fact, make_result, make_table, migrate_to, store)

from models import Fact, TableKind
from pipeline.output.store import Store

IS = TableKind.INCOME_SUMMARY
ANALYST = dict(fiscal_year=2025, department="山阴县商务局")


def analyst_fact(labels: list[str], column: str, value: str, **changes: Any) -> Fact:
    fields: dict[str, Any] = dict(table=IS, code=None, code_source=None, labels=labels, raw_labels=labels,
                                  column=column, value=value, raw=value, column_key=column.replace("2025年", "本年"),
                                  amount_yuan=format(Decimal(value) * 10000, "f"), **ANALYST)
    fields.update(changes)
    return make_fact(**fields)


def excerpt_facts() -> list[Fact]:
    """The 2-page excerpt of the issue: a 预算收入总表 and no 预算收支总表; 收入总计 is 2272.82."""
    return [
        analyst_fact(["合计"], "本年收入/合计", "1272.82"),
        analyst_fact(["合计"], "本年收入/一般公共预算", "1272.82"),
        analyst_fact(["合计"], "上年结转", "1000.00"),
        analyst_fact(["商业服务业等支出"], "本年收入/合计", "701.29", code="216"),
    ]


def test_the_analyst_fields_round_trip_exactly(store: Store) -> None:
    huge = make_fact(**ANALYST, column_key="本年预算数/合计", amount_yuan="123456789012345678.90")
    text_fact = make_fact(**ANALYST, value="无", kind="text", unit=None, raw="无", column_key="说明")
    store.save_document(make_result([huge, text_fact]), "0.1.0")
    back = store.facts_for(SHA)
    assert back == [huge, text_fact]  # every field, amount_yuan to the cent with its trailing zero
    assert back[0].amount_yuan == "123456789012345678.90"
    with store.engine.connect() as connection:
        row = connection.execute(text("SELECT fiscal_year, department FROM documents")).one()
    assert tuple(row) == (2025, "山阴县商务局")


def test_the_tables_are_read_back_as_printed(store: Store) -> None:
    result = make_result()
    result = type(result)(document=result.document, facts=result.facts,
                          tables=(make_table(header_rows=1), *result.tables[1:]), failures=(), pages_processed=3)
    store.save_document(result, "0.1.0")
    assert store.tables_for(SHA, "0.1.0") == list(result.tables)
    assert store.tables_for(SHA, "9.9.9") == []


def test_total_income_counts_the_carry_over(store: Store) -> None:
    store.save_document(make_result(excerpt_facts()), "0.1.0")
    with store.engine.connect() as connection:
        row = connection.execute(text(
            "SELECT total_income, total_income_yuan, total_expenditure, fiscal_year, department, total_unit"
            " FROM v_document_summary")).one()
    assert row.total_income == pytest.approx(2272.82)
    assert Decimal(str(row.total_income_yuan)) == Decimal("22728200")
    assert row.total_expenditure is None
    assert (row.fiscal_year, row.department, row.total_unit) == (2025, "山阴县商务局", "万元")


def test_a_printed_total_column_wins(store: Store) -> None:
    facts = [analyst_fact(["合计"], "合计", "2272.82"), *excerpt_facts()[:3]]
    store.save_document(make_result(facts), "0.1.0")
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT total_income FROM v_document_summary")).scalar_one() \
            == pytest.approx(2272.82)


def test_v_facts_shows_the_analyst_fields(store: Store) -> None:
    store.save_document(make_result(excerpt_facts()), "0.1.0")
    with store.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT fiscal_year, department, column_key, amount_yuan FROM v_facts ORDER BY ordinal")).all()
    assert rows[2][:3] == (2025, "山阴县商务局", "上年结转")
    assert Decimal(str(rows[2].amount_yuan)) == Decimal("10000000")


def test_v_fact_wide_values_are_json_and_carry_the_year(store: Store) -> None:
    store.save_document(make_result(excerpt_facts()), "0.1.0")
    with store.engine.connect() as connection:
        row = connection.execute(text(
            "SELECT \"values\", fiscal_year, department FROM v_fact_wide WHERE row_key = '合计'")).one()
        if connection.dialect.name == "postgresql":
            # a json value, not text: the server's JSON operators work on it
            assert connection.execute(text(
                "SELECT \"values\" ->> '上年结转' FROM v_fact_wide WHERE row_key = '合计'")).scalar_one() == "1000.00"
    values = row.values if isinstance(row.values, dict) else json.loads(row.values)
    assert values == {"本年收入/合计": "1272.82", "本年收入/一般公共预算": "1272.82", "上年结转": "1000.00"}
    assert (row.fiscal_year, row.department) == (2025, "山阴县商务局")


def test_downgrade_to_0003_and_up_again(store: Store, db_url: str) -> None:  # noqa: F811
    store.save_document(make_result(excerpt_facts()), "0.1.0")
    migrate_to(store, db_url, "downgrade", "0003")
    with store.engine.connect() as connection:
        assert "amount_yuan" not in {c["name"] for c in inspect(connection).get_columns("facts")}
        assert "fiscal_year" not in {c["name"] for c in inspect(connection).get_columns("v_document_summary")}
        # 0003's total: the first amount of the row, 本年收入 alone
        assert connection.execute(text("SELECT total_income FROM v_document_summary")).scalar_one() \
            == pytest.approx(1272.82)
    migrate_to(store, db_url, "upgrade", "head")
    back = store.facts_for(SHA)
    assert len(back) == 4 and all(f.amount_yuan is None and f.fiscal_year is None for f in back)
