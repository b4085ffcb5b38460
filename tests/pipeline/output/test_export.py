"""Export: facts and tables-as-printed to CSV (UTF-8 with BOM), JSON Lines, Parquet and Excel.

Runs on SQLite, and on PostgreSQL too when YUSUAN_TEST_PG_URL is set (test_store.py's fixtures).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from test_store import (  # noqa: F401  (fixtures)
    SHA, SOURCE, db_url, economic_fact, make_fact, make_result, store)

import pipeline.output.export as export_module
from pipeline.output.export import export
from pipeline.output.store import Store, default_url

N_FACTS, N_CELLS = 3, 5  # make_result(): three facts, two tables with 4 + 1 cells


@pytest.fixture
def saved(store: Store, db_url: str) -> str:  # noqa: F811
    """A database holding one document (make_result) under pipeline version 0.1.0."""
    assert store.save_document(make_result(), "0.1.0")
    return db_url


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_parquet(path: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def read_xlsx(path: Path) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    rows = []
    for sheet in book.worksheets:
        header, *body = sheet.iter_rows(values_only=True)
        # read-only sheets drop a row's trailing empty cells: pad them back
        rows += [dict(zip(header, (*r, *[None] * (len(header) - len(r))), strict=True)) for r in body]
    book.close()
    return rows


READERS = {"csv": read_csv, "jsonl": read_jsonl, "parquet": read_parquet, "xlsx": read_xlsx}


def as_list(value: Any) -> list[Any]:
    """Lists are native in JSON Lines and Parquet, JSON text in CSV and Excel."""
    return json.loads(value) if isinstance(value, str) else list(value)


LONG_FORMATS = ["csv", "jsonl", "parquet"]


@pytest.mark.parametrize("fmt", LONG_FORMATS)
def test_export_round_trips(saved: str, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    paths = export(saved, fmt, out)  # type: ignore[arg-type]
    assert paths == [out / f"facts.{fmt}", out / f"tables.{fmt}", out / f"wide_general_budget_expenditure.{fmt}",
                     out / f"wide_three_public.{fmt}"]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)  # no leftovers
    facts, cells = (READERS[fmt](p) for p in paths[:2])

    assert len(facts) == N_FACTS and len(cells) == N_CELLS
    first = facts[0]
    assert (first["document"], first["source"], first["pipeline_version"]) == (SHA, SOURCE, "0.1.0")
    assert (first["table"], first["code"], first["column"]) == (
        "general_budget_expenditure", "2010301", "一般公共预算支出/基本支出")
    assert first["value"] == "1030.50" and first["raw"] == "1,030.50"  # printed digits kept, as text
    assert float(first["amount"]) == pytest.approx(1030.5)
    assert int(first["page"]) == 1 and float(first["confidence"]) == pytest.approx(0.97)
    assert as_list(first["labels"]) == ["行政运行"]
    assert as_list(first["bbox"]) == pytest.approx([0.5, 0.30, 0.6, 0.32])
    assert as_list(facts[1]["reasons"]) == ["low_ocr_confidence"] and facts[1]["status"] == "needs_review"
    assert facts[2]["value"] == "无" and facts[2]["kind"] == "text" and facts[2]["amount"] in (None, "")

    assert [c["text"] for c in cells] == ["科目名称", "基本支出", "行政运行", "1,030.50", "合计"]
    head = cells[0]
    assert (head["source"], head["table"], head["title"]) == (
        SOURCE, "general_budget_expenditure", "2025年一般公共预算支出预算表")
    assert [int(head[k]) for k in ("page", "table_index", "row", "col", "row_span", "col_span")] == [
        1, 0, 0, 0, 1, 1]
    merged = cells[4]
    assert [int(merged[k]) for k in ("page", "table_index", "col_span")] == [2, 1, 2]


@pytest.mark.parametrize("fmt", LONG_FORMATS)
def test_gov_code_is_exported(store: Store, db_url: str, tmp_path: Path, fmt: str) -> None:  # noqa: F811
    store.save_document(make_result([economic_fact(), make_fact()]), "0.1.0")
    facts = READERS[fmt](export(db_url, fmt, tmp_path)[0])  # type: ignore[arg-type]
    assert (facts[0]["code"], facts[0]["gov_code"]) == ("30101", "50101")
    assert facts[1]["gov_code"] in (None, "")  # empty in CSV


def test_csv_is_utf8_with_bom(saved: str, tmp_path: Path) -> None:
    for path in export(saved, "csv", tmp_path):
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
        assert data.count(b"\xef\xbb\xbf") == 1
    text = (tmp_path / "facts.csv").read_bytes()[3:].decode("utf-8")
    assert "行政运行" in text and SOURCE in text and "\\u" not in text


def test_jsonl_is_plain_utf8(saved: str, tmp_path: Path) -> None:
    data = export(saved, "jsonl", tmp_path)[0].read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert "行政运行".encode() in data


def test_latest_only_or_every_version(store: Store, db_url: str, tmp_path: Path) -> None:  # noqa: F811
    store.save_document(make_result(), "0.1.0")
    store.save_document(make_result([make_fact(value="1031.50", raw="1,031.50")]), "0.2.0")

    latest = read_jsonl(export(db_url, "jsonl", tmp_path / "latest")[0])
    assert [(f["pipeline_version"], f["value"]) for f in latest] == [("0.2.0", "1031.50")]

    every = read_jsonl(export(db_url, "jsonl", tmp_path / "all", latest_only=False)[0])
    assert [f["pipeline_version"] for f in every] == ["0.1.0"] * 3 + ["0.2.0"]


def test_rows_are_streamed_in_chunks(saved: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_module, "CHUNK_ROWS", 2)
    sizes: list[int] = []
    real = export_module._chunks

    def spy(connection: Any, query: Any) -> Any:
        for chunk in real(connection, query):
            sizes.append(len(chunk))
            yield chunk

    monkeypatch.setattr(export_module, "_chunks", spy)
    facts, cells = (read_parquet(p) for p in export(saved, "parquet", tmp_path)[:2])
    assert len(facts) == N_FACTS and len(cells) == N_CELLS
    assert max(sizes) == 2 and sum(sizes) == N_FACTS + N_CELLS


@pytest.mark.parametrize("fmt", LONG_FORMATS)
def test_empty_database_gives_headers_only(store: Store, db_url: str, tmp_path: Path, fmt: str) -> None:  # noqa: F811
    facts, cells = (READERS[fmt](p) for p in export(db_url, fmt, tmp_path))  # type: ignore[arg-type]
    assert facts == [] and cells == []
    if fmt == "csv":
        assert (tmp_path / "facts.csv").read_text(encoding="utf-8-sig").startswith("document,source,")


def test_xlsx_keeps_formula_like_text_as_text(store: Store, db_url: str, tmp_path: Path) -> None:  # noqa: F811
    store.save_document(make_result([make_fact(value="=1+1", raw="=1+1", kind="text", unit=None)]), "0.1.0")
    from openpyxl import load_workbook

    book = load_workbook(export(db_url, "xlsx", tmp_path)[0])
    sheet = book["facts"]
    column = [c.value for c in sheet[1]].index("value") + 1
    cell = sheet.cell(row=2, column=column)
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    url = default_url(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError):
        export(url, "csv", tmp_path / "out")
    assert not (tmp_path / "nowhere").exists()


def test_unknown_format(saved: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export(saved, "docx", tmp_path)  # type: ignore[arg-type]
