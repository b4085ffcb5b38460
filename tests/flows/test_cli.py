"""``yusuan`` end to end through Typer: exit statuses, records.jsonl and rejected.jsonl.

One mixed batch (every kind of bad input next to a good one) is ingested once
per module; the tests then read what it wrote.  Assertions are on stable
error codes and exit statuses, never on message text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner, Result

from _inputs import BODY, HEADER, blank_png, png_claiming
from flows.cli import app
from pipeline.errors import EXIT_ENVIRONMENT, EXIT_NO_FACTS, EXIT_OK, EXIT_REJECTED, EXIT_USAGE

runner = CliRunner()


def ingest(paths: list[Path], out: Path, data_dir: Path, *extra: str) -> Result:
    args = ["ingest", *map(str, paths), "--out", str(out), "--data-dir", str(data_dir), "--no-db", *extra]
    return runner.invoke(app, args)


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass(frozen=True)
class BatchRun:
    result: Result
    out: Path
    rejected: list[dict]
    records: list[dict]
    tables: list[dict]


# The bad inputs of the batch and the code each must be rejected with.
EXPECTED_REJECTIONS = {
    "empty.pdf": "empty",
    "truncated.pdf": "corrupt",
    "notes.txt": "not_a_document",
    "bomb.png": "too_large",
    "locked.pdf": "encrypted",
}


@pytest.fixture(scope="module")
def batch(prefect_harness: None, budget_pdf: bytes, tmp_path_factory: pytest.TempPathFactory) -> BatchRun:
    folder = tmp_path_factory.mktemp("batch")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "truncated.pdf").write_bytes(budget_pdf[: len(budget_pdf) // 2])
    (folder / "notes.txt").write_text("预算收支总表\n单位：万元\n", encoding="utf-8")
    blank_png(folder / "scan_as.pdf")  # a PNG under a .pdf name: readable, blank
    (folder / "bomb.png").write_bytes(png_claiming(100_000, 100_000))
    (folder / "budget.pdf").write_bytes(budget_pdf)
    with pikepdf.open(folder / "budget.pdf") as pdf:
        pdf.save(folder / "locked.pdf", encryption=pikepdf.Encryption(user="secret", owner="owner", aes=True, R=6))
    names = ["empty.pdf", "truncated.pdf", "notes.txt", "scan_as.pdf", "bomb.png", "locked.pdf", "budget.pdf"]
    out = folder / "out"
    result = ingest([folder / n for n in names], out, folder / "data")
    return BatchRun(
        result=result,
        out=out,
        rejected=read_lines(out / "rejected.jsonl"),
        records=read_lines(out / "records.jsonl"),
        tables=read_lines(out / "tables.jsonl"),
    )


def test_a_batch_with_rejections_exits_1(batch: BatchRun) -> None:
    assert batch.result.exception is None or isinstance(batch.result.exception, SystemExit), batch.result.output
    assert batch.result.exit_code == EXIT_REJECTED


def test_each_bad_input_is_rejected_once_with_its_code(batch: BatchRun) -> None:
    got = {}
    for line in batch.rejected:
        assert set(line) == {"source", "error", "message"}
        assert line["source"] not in got, f"{line['source']} rejected twice"
        got[line["source"]] = line["error"]
    assert got == EXPECTED_REJECTIONS


def test_the_valid_document_still_yields_its_facts(batch: BatchRun) -> None:
    by_source = {r["source"] for r in batch.records}
    assert by_source == {"budget.pdf"}
    facts = [r for r in batch.records if r["source"] == "budget.pdf"]
    assert {f["table"] for f in facts} == {"expenditure_summary"}
    # Every printed non-empty value cell of the table comes out once, normalised.
    printed = {(row[1], HEADER[c], value.replace(",", "")) for row in BODY for c, value in enumerate(row) if c >= 2 and value}
    emitted = {(f["labels"][0], f["column"], f["value"]) for f in facts}
    assert emitted == printed
    codes = {f["labels"][0]: f["code"] for f in facts}
    assert codes == {"合计": None, "一般公共服务支出": "201", "人大事务": "20101", "行政运行": "2010101"}
    assert all(f["unit"] == "万元" and f["page"] == 1 and len(f["document"]) == 64 for f in facts)
    # The analysts' fields: the title's year, the 部门 line's name, the column as printed (no year in
    # this header), the amount in 元 exactly.
    assert {(f["fiscal_year"], f["department"]) for f in facts} == {(2025, "阳高县教育局")}
    assert all(f["column_key"] == f["column"] for f in facts)
    total = next(f for f in facts if f["labels"] == ["合计"] and f["column"] == "合计")
    assert total["value"] == "1030.50" and total["amount_yuan"] == "10305000.00"
    (table,) = batch.tables
    assert table["header_rows"] == 1


def test_a_png_named_pdf_is_processed_without_facts(batch: BatchRun) -> None:
    assert "scan_as.pdf" not in {r["source"] for r in batch.rejected}
    assert "scan_as.pdf" not in {r["source"] for r in batch.records}
    # Its one blank page holds no table.
    assert "scan_as.pdf" not in {t["source"] for t in batch.tables}
    assert {t["source"] for t in batch.tables} == {"budget.pdf"}


def test_all_good_inputs_exit_0_and_a_document_without_facts_exits_4(prefect_harness: None, budget_pdf: bytes,
                                                                      tmp_path: Path) -> None:
    (tmp_path / "budget.pdf").write_bytes(budget_pdf)
    result = ingest([tmp_path / "budget.pdf"], tmp_path / "out", tmp_path / "data")
    assert result.exit_code == EXIT_OK, result.output
    assert read_lines(tmp_path / "out" / "rejected.jsonl") == []
    assert read_lines(tmp_path / "out" / "records.jsonl")
    # A readable page that gives nothing beside it: the batch goes on, the run says so and exits 4.
    blank_png(tmp_path / "blank.png")
    result = ingest([tmp_path / "budget.pdf", tmp_path / "blank.png"], tmp_path / "out2", tmp_path / "data")
    assert result.exit_code == EXIT_NO_FACTS, result.output
    assert "no_facts" in result.output and "blank.png" in result.output
    assert read_lines(tmp_path / "out2" / "rejected.jsonl") == []


def test_debug_dir_gets_a_picture_of_each_page_and_verbose_names_the_decisions(
        prefect_harness: None, budget_pdf: bytes, tmp_path: Path) -> None:
    (tmp_path / "budget.pdf").write_bytes(budget_pdf)
    args = ["ingest", str(tmp_path / "budget.pdf"), "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path / "data"),
            "--no-db", "--debug-dir", str(tmp_path / "debug"), "-vv"]
    result = runner.invoke(app, args)
    assert result.exit_code == EXIT_OK, result.output
    (picture,) = (tmp_path / "debug").iterdir()
    assert picture.name == "budget_p001.png" and picture.stat().st_size > 10_000
    # Document-level decisions (a page read earlier in the session may come from the page cache,
    # so the page stages' own messages are not asked for here; tests/pipeline cover them).
    assert "expenditure_summary" in result.output and "identities checked" in result.output


def test_records_go_to_the_database_once_however_often_ingested(prefect_harness: None, budget_pdf: bytes,
                                                                tmp_path: Path) -> None:
    from pipeline.output.store import default_url, open_store

    (tmp_path / "budget.pdf").write_bytes(budget_pdf)
    data = tmp_path / "data"
    for run in ("first", "second"):
        args = ["ingest", str(tmp_path / "budget.pdf"), "--out", str(tmp_path / run), "--data-dir", str(data)]
        result = runner.invoke(app, args)
        assert result.exit_code == EXIT_OK, result.output
    emitted = read_lines(tmp_path / "first" / "records.jsonl")
    assert emitted and emitted == read_lines(tmp_path / "second" / "records.jsonl")
    # The unchanged re-ingest writes the tables too (read back from the database), not an empty file.
    tables = read_lines(tmp_path / "first" / "tables.jsonl")
    assert tables and tables == read_lines(tmp_path / "second" / "tables.jsonl")
    store = open_store(default_url(data))
    try:
        assert store.count_facts() == len(emitted)
    finally:
        store.close()


def test_a_folder_is_expanded(prefect_harness: None, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    blank_png(folder / "a.png")
    (folder / "b.pdf").write_bytes(b"")
    (folder / "readme.txt").write_text("not an input", encoding="utf-8")  # not picked up from a folder
    result = ingest([folder], tmp_path / "out", tmp_path / "data")
    assert result.exit_code == EXIT_REJECTED, result.output
    assert [(r["source"], r["error"]) for r in read_lines(tmp_path / "out" / "rejected.jsonl")] == [("b.pdf", "empty")]


def test_an_unknown_engine_is_a_usage_error(tmp_path: Path) -> None:
    blank_png(tmp_path / "blank.png")
    result = ingest([tmp_path / "blank.png"], tmp_path / "out", tmp_path / "data", "--engine", "nope")
    assert result.exit_code == EXIT_USAGE
    assert not (tmp_path / "out" / "records.jsonl").exists()


@pytest.fixture
def no_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine as one without the tesseract program."""
    import pipeline.ocr.tesseract

    monkeypatch.setattr(pipeline.ocr.tesseract, "TESSERACT_CMD", str(tmp_path / "no-such-tesseract"))


def test_a_missing_cross_check_engine_stops_the_run_before_any_page(no_tesseract: None, tmp_path: Path) -> None:
    blank_png(tmp_path / "blank.png")
    result = ingest([tmp_path / "blank.png"], tmp_path / "out", tmp_path / "data")
    assert result.exit_code == EXIT_ENVIRONMENT  # the machine lacks it, not the command line
    # The one line an operator needs: what is missing, and the switch that does without it.
    assert "tesseract is not installed" in result.output and "--no-cross-check" in result.output
    assert not (tmp_path / "out" / "records.jsonl").exists()


def test_a_missing_primary_engine_stops_the_run_too(no_tesseract: None, tmp_path: Path) -> None:
    blank_png(tmp_path / "blank.png")
    result = ingest([tmp_path / "blank.png"], tmp_path / "out", tmp_path / "data", "--engine", "tesseract",
                    "--no-cross-check")
    assert result.exit_code == EXIT_ENVIRONMENT
    assert "tesseract is not installed" in result.output and "--no-cross-check" not in result.output


def test_without_the_cross_check_a_missing_tesseract_is_not_needed(prefect_harness: None, no_tesseract: None,
                                                                   tmp_path: Path) -> None:
    (tmp_path / "empty.pdf").write_bytes(b"")
    result = ingest([tmp_path / "empty.pdf"], tmp_path / "out", tmp_path / "data", "--no-cross-check")
    assert result.exit_code == EXIT_REJECTED, result.output
    assert [r["error"] for r in read_lines(tmp_path / "out" / "rejected.jsonl")] == ["empty"]


def test_a_missing_out_option_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "x.pdf")])
    assert result.exit_code == EXIT_USAGE


# --- yusuan catalog import --------------------------------------------------------


def test_catalog_import_of_a_valid_csv(tmp_path: Path) -> None:
    csv = tmp_path / "official_2025.csv"
    csv.write_text("code,name,level,edition,source\n2240106,消防救援事务,3,2025 official,MOF 2025 p.80\n", encoding="utf-8")
    result = runner.invoke(app, ["catalog", "import", str(csv), "--kind", "functional", "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == EXIT_OK, result.output
    from pipeline.check.catalog import Kind, load_default

    entry = load_default(tmp_path / "data" / "catalogs").by_code("2240106", Kind.FUNCTIONAL)
    assert entry is not None and entry.name == "消防救援事务"


def test_catalog_import_of_an_invalid_csv_is_refused(tmp_path: Path) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("code,name,level,edition,source\n2240106,消防救援事务,3,2025,\n", encoding="utf-8")  # no source
    result = runner.invoke(app, ["catalog", "import", str(csv), "--kind", "functional", "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == EXIT_USAGE
    catalogs = tmp_path / "data" / "catalogs"
    assert not catalogs.exists() or not any(catalogs.glob("*.csv"))


def test_catalog_import_of_a_missing_file_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["catalog", "import", str(tmp_path / "nope.csv"), "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == EXIT_USAGE


def test_catalog_import_with_an_unknown_kind_is_a_usage_error(tmp_path: Path) -> None:
    csv = tmp_path / "ok.csv"
    csv.write_text("code,name,level,edition,source\n2240106,消防救援事务,3,2025,MOF\n", encoding="utf-8")
    result = runner.invoke(app, ["catalog", "import", str(csv), "--kind", "nope", "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == EXIT_USAGE


def test_export_command_writes_csv_with_a_bom(tmp_path) -> None:
    """`yusuan export` over a fresh store: two files, UTF-8 with a BOM (Excel reads Chinese)."""
    from typer.testing import CliRunner

    from flows.cli import app
    from pipeline.output.store import default_url, open_store

    data = tmp_path / "data"
    with open_store(default_url(data)):
        pass  # an empty, migrated database
    result = CliRunner().invoke(app, ["export", "--data-dir", str(data), "--format", "csv", "--out", str(tmp_path / "x")])
    assert result.exit_code == 0, result.output
    for name in ("facts.csv", "tables.csv"):
        assert (tmp_path / "x" / name).read_bytes().startswith(b"\xef\xbb\xbf")
    bad = CliRunner().invoke(app, ["export", "--data-dir", str(data), "--format", "docx", "--out", str(tmp_path / "y")])
    assert bad.exit_code == 2


def test_a_document_without_facts_is_said_plainly(prefect_harness: None, tmp_path: Path) -> None:
    blank_png(tmp_path / "blank.png")
    result = ingest([tmp_path / "blank.png"], tmp_path / "out", tmp_path / "data", "--json", "--no-cross-check")
    assert result.exit_code == EXIT_NO_FACTS, result.output
    summary = json.loads(result.stdout[result.stdout.index("{"):])
    (line,) = summary["documents"]
    assert (line["outcome"], line["facts"], line["tables"]) == ("processed", 0, 0)
    assert line["note"].startswith("no_facts") and summary["totals"]["without_facts"] == 1
    assert summary["warnings"] == [{"code": "no_facts", "source": "blank.png"}]
    assert summary["exit_status"] == EXIT_NO_FACTS


def test_an_inbox_run_logs_a_line_per_file_rejects_as_warnings(prefect_harness: None, budget_pdf: bytes,
                                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    from flows.serve import watch_inbox

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "notes.txt").write_text("not a disclosure", encoding="utf-8")
    (inbox / "budget.pdf").write_bytes(budget_pdf)
    import flows.serve

    # The run logger watch_inbox writes to, as a plain logger with a handler of our own (Prefect's
    # dictConfig at the flow's start replaces the root handlers, caplog's among them).
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("test.inbox")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def run_logger() -> logging.Logger:
        logger.disabled = False  # dictConfig also disables loggers it did not make
        return logger

    monkeypatch.setattr(flows.serve, "get_run_logger", run_logger)
    try:
        rows = watch_inbox(str(inbox), data_dir=str(tmp_path / "data"), settle_seconds=0, cross_check=False)
    finally:
        logger.removeHandler(handler)
    assert {r.name: r.outcome for r in rows} == {"budget.pdf": "processed", "notes.txt": "rejected: not_a_document"}
    by_file = {name: [rec for rec in records if rec.getMessage().startswith(f"{name}:")]
               for name in ("budget.pdf", "notes.txt")}
    assert [rec.levelno for rec in by_file["notes.txt"]] == [logging.WARNING]  # with its code, never ERROR
    assert [rec.levelno for rec in by_file["budget.pdf"]] == [logging.INFO]
    assert not [rec for rec in records if rec.levelno >= logging.ERROR]  # nor anything else at ERROR
