"""The document recipe: page failures recorded, pages assembled in order, and end to end on the mini sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from _tables import GBE_HEADER, make_grid, page
from models import DocumentInfo, Fact, PageRef, TableKind, TableRecord
from pipeline.catalog import load_default
from pipeline.document import PageFailure, assemble, process_document, read_page
from pipeline.evaluate import read_jsonl, score
from pipeline.intake import open_document, page_refs
from pipeline.ocr import LineReading, OcrEngineError, make_engine
from pipeline.ocr.fake import FakeEngine
from pipeline.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LEDGER_FREE = {TableKind.PERFORMANCE_OVERALL, TableKind.PERFORMANCE_PROJECT}


def _document(n_pages: int) -> DocumentInfo:
    return DocumentInfo(path=Path("doc.pdf"), source="doc.pdf", sha256="0" * 64, media_type="pdf",
                        page_count=n_pages, size_bytes=1)


def test_a_page_that_cannot_be_rendered_is_a_recorded_failure(tmp_path: Path) -> None:
    broken = tmp_path / "gone.pdf"
    broken.write_bytes(b"%PDF-1.7\n%garbage")
    ref = PageRef(path=broken, source="gone.pdf", sha256="0" * 64, media_type="pdf", index=0)
    outcome = read_page(ref, Settings(), FakeEngine(lambda image: LineReading("", 0.0)))
    assert isinstance(outcome, PageFailure)
    assert (outcome.page, outcome.category) == (1, "corrupt")


def test_an_engine_crash_is_a_recorded_failure(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (600, 300), 255)
    ImageDraw.Draw(image).text((40, 100), "一般公共服务支出预算表", fill=0,
                               font=ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 28))
    path = tmp_path / "page.png"
    image.save(path)
    ref = PageRef(path=path, source="page.png", sha256="0" * 64, media_type="image", index=0)

    def crash(image):
        raise OcrEngineError("engine died")

    outcome = read_page(ref, Settings(), FakeEngine(crash))
    assert isinstance(outcome, PageFailure) and outcome.category == "ocr_engine"


def test_assemble_orders_pages_and_keeps_failures() -> None:
    header_page = page(1, (["2025年一般公共预算支出预算表", "单位：万元"],
                           make_grid(GBE_HEADER + [["201", "一般公共服务支出", "100.00", "100.00", ""]])))
    continuation = page(3, ([], make_grid([["2010101", "行政运行", "100.00", "100.00", ""]])))
    failure = PageFailure(page=2, category="ocr_engine", message="engine died")
    # Out of order, as a parallel run may deliver them.
    result = assemble(_document(3), [continuation, failure, header_page], Settings(), load_default())
    assert result.failures == (failure,)
    assert result.pages_processed == 2
    assert [t.page for t in result.tables] == [1, 3]
    assert [t.continued for t in result.tables] == [False, True]
    assert [(f.page, f.code, f.column) for f in result.facts] == [
        (1, "201", "2025年预算数/合计"), (1, "201", "2025年预算数/基本支出"),
        (3, "2010101", "2025年预算数/合计"), (3, "2010101", "2025年预算数/基本支出"),
    ]
    assert all(f.table == TableKind.GENERAL_BUDGET_EXPENDITURE and f.unit == "万元" for f in result.facts)


# --- end to end -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def mini_mild(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini spec built at the mild scan level, 200 dpi, once per session."""
    from samplegen.build import build_spec, load_spec
    from samplegen.scan import LEVELS

    level = LEVELS["mild"]
    assert level.dpi == 200
    out = tmp_path_factory.mktemp("mini_samples")
    build_spec(load_spec(FIXTURES / "mini_spec.json"), out, levels=[level])
    return out / "mini"


@pytest.mark.e2e
def test_mini_sample_mild_scan_end_to_end(mini_mild: Path) -> None:
    document = open_document(mini_mild / "mini_mild.pdf")
    result = process_document(document, page_refs(document), Settings(), make_engine("rapidocr"), load_default())
    assert result.failures == ()
    assert result.pages_processed == document.page_count

    truth = read_jsonl(mini_mild / "truth" / "mini_mild.records.jsonl", Fact)
    truth_tables = read_jsonl(mini_mild / "truth" / "mini_mild.tables.jsonl", TableRecord)
    ledger_truth = [f for f in truth if f.table not in LEDGER_FREE]
    ledger_emitted = [f for f in result.facts if f.table not in LEDGER_FREE]
    assert ledger_truth, "the mini spec has ledger tables"
    report = score(ledger_emitted, ledger_truth, truth_stems=["mini_mild"])
    assert report.facts.recall >= 0.95, report.missed_examples
    assert report.facts.precision >= 0.95, report.wrong_examples

    # Every table kind of the sample is found, on the page it is printed on.
    truth_kinds = {(t.page, t.table) for t in truth_tables}
    found = {(t.page, t.table) for t in result.tables}
    assert truth_kinds <= found, truth_kinds - found
