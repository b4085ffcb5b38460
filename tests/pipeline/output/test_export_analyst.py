"""Export for analysts: exact amounts in 元, the pivot per table kind, a workbook per document, one document or all.

Runs on SQLite, and on PostgreSQL too when YUSUAN_TEST_PG_URL is set (test_store.py's fixtures).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from test_export import read_csv, read_jsonl, read_parquet
from test_store import (  # noqa: F401  (fixtures)
    SHA, SOURCE, db_url, document_info, make_fact, make_result, make_table, store)

from models import DocumentResult, TableCell, TableKind
from pipeline.output.export import export
from pipeline.output.store import Store

ES = TableKind.EXPENDITURE_SUMMARY
WHO = dict(fiscal_year=2025, department="山阴县商务局")
OTHER = "b" * 64


def es_fact(labels: list[str], column: str, value: str, **changes: Any) -> Any:
    fields: dict[str, Any] = dict(table=ES, code=None, code_source=None, labels=labels, raw_labels=labels,
                                  column=column, column_key=column.replace("2025年", "本年"), value=value, raw=value,
                                  **WHO)
    if changes.get("kind", "number") == "number":
        fields["amount_yuan"] = format(Decimal(value) * 10000, "f")
    fields.update(changes)
    return make_fact(**fields)


def printed_table() -> Any:
    """A 预算支出总表 as printed: a two-row header with a merged 2025年预算数 over three columns."""
    cells = [
        TableCell(row=0, col=0, row_span=2, col_span=1, text="科目名称", confidence=0.99),
        TableCell(row=0, col=1, row_span=1, col_span=2, text="2025年预算数", confidence=0.99),
        TableCell(row=1, col=1, row_span=1, col_span=1, text="合计", confidence=0.99),
        TableCell(row=1, col=2, row_span=1, col_span=1, text="基本支出", confidence=0.99),
        TableCell(row=2, col=0, row_span=1, col_span=1, text="合计", confidence=0.99),
        TableCell(row=2, col=1, row_span=1, col_span=1, text="1,030.50", confidence=0.99),
        TableCell(row=2, col=2, row_span=1, col_span=1, text="830.5", confidence=0.99),
        TableCell(row=3, col=0, row_span=1, col_span=1, text="2010101", confidence=0.99),
    ]
    return make_table(table=ES, title="2025年预算支出总表", n_rows=4, n_cols=3, cells=cells, header_rows=2)


def document(sha: str = SHA, source: str = SOURCE, total: str = "1030.50") -> DocumentResult:
    facts = (
        es_fact(["合计"], "2025年预算数/合计", total, document=sha, source=source),
        es_fact(["合计"], "2025年预算数/基本支出", "830.50", document=sha, source=source),
        es_fact(["行政运行"], "2025年预算数/合计", "830.50", code="2010101", document=sha, source=source),
        es_fact(["合计"], "说明", "无", kind="text", unit=None, column_key="说明",
                document=sha, source=source),
    )
    table = printed_table().model_copy(update={"document": sha, "source": source})
    info = document_info(sha256=sha)
    info = type(info)(path=info.path, source=source, sha256=sha, media_type=info.media_type,
                      page_count=info.page_count, size_bytes=info.size_bytes)
    return DocumentResult(document=info, facts=facts, tables=(table,), failures=(), pages_processed=3)


@pytest.fixture
def two(store: Store, db_url: str) -> str:  # noqa: F811
    store.save_document(document(), "0.1.0")
    store.save_document(document(OTHER, "应县农业农村局2026.pdf", total="2000.00"), "0.1.0")
    return db_url


def test_facts_carry_the_analyst_fields_exactly(two: str, tmp_path: Path) -> None:
    facts = read_parquet(export(two, "parquet", tmp_path)[0])
    first = facts[0]
    assert (first["fiscal_year"], first["department"], first["column_key"]) == (2025, "山阴县商务局", "本年预算数/合计")
    assert first["amount_yuan"] == Decimal("10305000.00")  # a decimal column, not a float
    assert facts[3]["amount_yuan"] is None
    assert read_csv(export(two, "csv", tmp_path / "csv")[0])[0]["amount_yuan"] == "10305000.00"
    assert read_jsonl(export(two, "jsonl", tmp_path / "jsonl")[0])[0]["amount_yuan"] == "10305000.00"


def test_the_pivot_has_a_row_per_printed_row_and_a_column_per_column(two: str, tmp_path: Path) -> None:
    paths = export(two, "parquet", tmp_path)
    assert [p.name for p in paths] == ["facts.parquet", "tables.parquet", "wide_expenditure_summary.parquet"]
    rows = read_parquet(paths[2])
    assert [(r["source"], r["labels"]) for r in rows] == [
        (SOURCE, "合计"), (SOURCE, "行政运行"), ("应县农业农村局2026.pdf", "合计"), ("应县农业农村局2026.pdf", "行政运行")]
    total = rows[0]
    assert total["本年预算数/合计"] == Decimal("10305000.00") and total["本年预算数/基本支出"] == Decimal("8305000.00")
    assert total["说明"] == "无" and (total["fiscal_year"], total["department"]) == (2025, "山阴县商务局")
    assert rows[1]["code"] == "2010101" and rows[1]["本年预算数/基本支出"] is None
    assert rows[2]["本年预算数/合计"] == Decimal("20000000.00")
    wide_csv = read_csv(export(two, "csv", tmp_path / "csv")[2])
    assert wide_csv[0]["本年预算数/合计"] == "10305000.00"


def test_one_document_or_all(two: str, tmp_path: Path) -> None:
    one = read_parquet(export(two, "parquet", tmp_path / "one", document=OTHER[:8])[0])
    assert {f["document"] for f in one} == {OTHER}
    by_name = read_parquet(export(two, "parquet", tmp_path / "name", document=SOURCE)[0])
    assert {f["document"] for f in by_name} == {SHA}
    with pytest.raises(LookupError):
        export(two, "parquet", tmp_path / "none", document="nothing-like-it")


def test_a_workbook_per_document_with_each_table_as_printed(two: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    paths = export(two, "xlsx", tmp_path)
    assert [p.name for p in paths] == [Path(SOURCE).stem + ".xlsx", "应县农业农村局2026.xlsx"]
    book = load_workbook(paths[0])
    assert book.sheetnames == ["p1 2025年预算支出总表", "facts", "wide expenditure_summary"]
    table = book["p1 2025年预算支出总表"]
    assert table["A1"].value == "2025年预算支出总表"
    # the grid from row 3: merged cells merged, the two header rows frozen
    assert {str(r) for r in table.merged_cells.ranges} == {"A3:A4", "B3:C3"}
    assert table.freeze_panes == "A5"
    assert (table["A3"].value, table["B3"].value, table["B4"].value) == ("科目名称", "2025年预算数", "合计")
    amount = table["B5"]
    assert amount.value == 1030.5 and amount.number_format == "#,##0.00"  # a number, shown as printed
    assert table["A6"].value == "2010101"  # a code stays text
    facts = book["facts"]
    header = [c.value for c in facts[1]]
    first = dict(zip(header, [c.value for c in facts[2]]))
    assert (first["fiscal_year"], first["department"], first["amount_yuan"]) == (2025, "山阴县商务局", 10305000)
    assert first["labels"] == "合计" and facts.freeze_panes == "A2"
    wide = book["wide expenditure_summary"]
    assert [c.value for c in wide[1]][-3:] == ["本年预算数/合计", "本年预算数/基本支出", "说明"]
    one = export(two, "xlsx", tmp_path / "one", document=SHA)
    assert [p.name for p in one] == [Path(SOURCE).stem + ".xlsx"]
