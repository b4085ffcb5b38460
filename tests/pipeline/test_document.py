"""The document recipe: page failures recorded, pages assembled in order, and end to end on the mini sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from _tables import GBE_HEADER, make_grid, page
from models import BBox, DocumentInfo, Fact, PageRef, TableKind, TableRecord
from pipeline.check.catalog import load_default
from models import PageFailure
from pipeline.document import assemble, process_document, read_page
from evaluation.evaluate import read_jsonl, score
from pipeline.image.intake import open_document, page_refs
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


def test_a_page_without_a_table_is_read_whole_line_by_line(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 28)
    image = Image.new("L", (1200, 600), 255)
    lines = ["2025年度本部门预算收入总计2,272.82万元，其中：本年收入", "1,272.82万元，上年结转1,000.00万元。"]
    for i, line in enumerate(lines):
        ImageDraw.Draw(image).text((80, 150 + 60 * i), line, fill=0, font=font)
    path = tmp_path / "prose.png"
    image.save(path)
    ref = PageRef(path=path, source="prose.png", sha256="0" * 64, media_type="image", index=0)
    shown = []

    def reader(image):
        shown.append(image.shape)
        return LineReading("句", 0.99)

    outcome = read_page(ref, Settings(), FakeEngine(reader))
    assert not isinstance(outcome, PageFailure) and outcome.tables == ()
    assert [line.text for line in outcome.text] == ["句", "句"]
    # The last two images the engine saw are the two whole lines (orientation probes come first).
    widths = [font.getbbox(line)[2] for line in lines]
    assert [abs(shape[1] - width) < 40 for shape, width in zip(shown[-2:], widths)] == [True, True]

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


def _prose_page(number: int, lines: list[str]) -> object:
    from dataclasses import replace

    from models import TextPhrase

    blank = page(number)
    return replace(blank, text=tuple(TextPhrase(text=t, confidence=0.99, bbox=BBox(100, 100 + 40 * i, 1500, 130 + 40 * i))
                                     for i, t in enumerate(lines)))


@pytest.mark.parametrize(("stated", "status", "reason"), [("100.00", "accepted", None),
                                                          ("1 20.00", "needs_review", "narrative_mismatch")])
def test_the_prose_figures_check_the_tables(stated: str, status: str, reason: str | None) -> None:
    table_page = page(1, (["2025年一般公共预算支出预算表", "单位：万元"],
                          make_grid(GBE_HEADER + [[("合计", 1, 2), "100.00", "100.00", ""],
                                                  ["201", "一般公共服务支出", "100.00", "100.00", ""]])))
    prose = _prose_page(2, ["五、一般公共预算支出情况说明", f"2025年度本部门一般公共预算当年支出{stated}万",
                            "元，比上年减少3.24万元。"])
    result = assemble(_document(2), [table_page, prose], Settings(), load_default())
    (total,) = [f for f in result.facts if f.labels == ["合计"] and f.column == "2025年预算数/合计"]
    assert total.status == status
    assert (reason in total.reasons) if reason else ("narrative_mismatch" not in total.reasons)
    # The class row the prose does not state keeps its own status.
    (general,) = [f for f in result.facts if f.code == "201" and f.column == "2025年预算数/合计"]
    assert "narrative_mismatch" not in general.reasons


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


@pytest.mark.e2e
@pytest.mark.parametrize("edge_shadow", [False, True])
def test_a_prose_page_read_by_the_real_recogniser_gives_the_seed_s_figures(tmp_path: Path, edge_shadow: bool) -> None:
    """The seed's 第三部分 sentences typeset over wrapped lines at 200 dpi, OCR'd, then parsed;
    also with the dark strip a scanner leaves along a page edge, beside half the lines."""
    from PIL import Image, ImageDraw, ImageFont

    from pipeline.check.narrative import NarrativeMeasure, read_narrative_figures

    paragraphs = [
        "一、部门预算收支数据变动情况及原因",
        "2025年度山阴县商务局（部门）预算收入总计2,272.82万元，其中：本年收入1,272.82万元，上年结转1,000.00万"
        "元，比上年增长251.76万元，增长12.46%，主要原因是增加了消费券资金项目。",
        "三、支出预算情况说明",
        "2025年度山阴县商务局（部门）支出预算2272.82万元，其中：基本支出242.32万元，占10.66%；项目支出2030.5万元，"
        "占89.34%。",
        "七、“三公”经费增减变动原因说明",
        "2025年山阴县商务局（部门）财政拨款安排的“三公”经费预算1.50万元与2024年预算数相同。",
    ]
    font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 30)
    image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw, y, per_line, printed = ImageDraw.Draw(image), 200, 44, 0  # characters per printed line
    for paragraph in paragraphs:
        for start in range(0, len(paragraph), per_line):
            draw.text((140, y), paragraph[start:start + per_line], fill=0, font=font)
            y += 52
            printed += 1
        y += 30
    if edge_shadow:
        draw.rectangle((0, 0, 30, 700), fill=70)
    path = tmp_path / "prose.png"
    image.save(path)
    ref = PageRef(path=path, source="prose.png", sha256="0" * 64, media_type="image", index=0)
    outcome = read_page(ref, Settings(), make_engine("rapidocr"))
    assert not isinstance(outcome, PageFailure) and outcome.tables == ()
    assert len(outcome.text) == printed  # every printed line read as a line of its own
    figures = {(f.measure, str(f.amount)) for f in read_narrative_figures([t.text for t in outcome.text], 1)}
    assert {
        (NarrativeMeasure.INCOME_TOTAL, "2272.82"), (NarrativeMeasure.CURRENT_INCOME, "1272.82"),
        (NarrativeMeasure.CARRY_OVER, "1000.00"), (NarrativeMeasure.EXPENDITURE_TOTAL, "2272.82"),
        (NarrativeMeasure.BASIC_EXPENDITURE, "242.32"), (NarrativeMeasure.PROJECT_EXPENDITURE, "2030.5"),
        (NarrativeMeasure.THREE_PUBLIC_TOTAL, "1.50"),
    } <= figures
    assert not any(str(amount) in ("251.76", "12.46") for _, amount in figures)


# --- the evidence an operator reviews a fact with ------------------------------------------


def test_facts_carry_their_cell_their_readings_and_their_page_image() -> None:
    from dataclasses import replace

    from models import StoredPageImage

    grid = make_grid(GBE_HEADER + [["201", "一般公共服务支出", "100.00", "100.00", ""],
                                   ["20101", "人大事务", "100.00", "100.00", ""]])
    # The cross-check read the name cell too (as it would a project name).
    cells = tuple(replace(c, second_text="人大事物", evidence=replace(c.evidence, agreement=0.75))
                  if c.text == "人大事务" else c for c in grid.cells)
    table_page = page(1, (["2025年一般公共预算支出预算表", "单位：万元"], replace(grid, cells=cells)))
    image = StoredPageImage(page=1, sha256="a" * 64, width=1654, height=2339)
    result = assemble(_document(1), [table_page], Settings(), load_default(), [image])
    (fact,) = [f for f in result.facts if f.code == "20101" and f.column.endswith("基本支出")]
    assert fact.page_image_sha256 == "a" * 64 and result.tables[0].page_image_sha256 == "a" * 64
    assert result.page_images == (image,)
    assert (fact.grid_cell.table, fact.grid_cell.row, fact.grid_cell.col) == (0, 3, 3)
    assert [(r.part, r.engine, r.text) for r in fact.readings] == [
        ("value", "rapidocr", "100.00"), ("label", "rapidocr", "人大事务"), ("label", "tesseract", "人大事物"),
        ("code", "rapidocr", "20101")]
    assert fact.readings[2].agreement == 0.75 and fact.readings[0].confidence == 0.99
    assert fact.evidence.agreement == 0.75 and fact.evidence.checks_passed >= 1


def test_a_merged_value_cell_is_one_fact_with_the_whole_cell() -> None:
    grid = make_grid(GBE_HEADER + [["201", "一般公共服务支出", ("100.00", 2, 1), "100.00", ""],
                                   ["20101", "人大事务", "100.00", ""]])
    result = assemble(_document(1), [page(1, (["2025年一般公共预算支出预算表"], grid))], Settings(), load_default())
    merged = [f for f in result.facts if f.grid_cell.row_span == 2]
    assert len(merged) == 1 and merged[0].value == "100.00"
    # Two rows tall: the bbox covers both (fractions of the page).
    assert merged[0].bbox[3] - merged[0].bbox[1] == pytest.approx(80 / 2339, abs=1e-3)


def test_the_kept_page_image_is_the_upright_page_the_boxes_refer_to(tmp_path: Path) -> None:
    import cv2
    import numpy as np
    from PIL import Image

    from models import Orientation
    from pipeline.output.pages import keep_page_image, page_image_path

    drawn = np.full((400, 300), 255, dtype=np.uint8)
    drawn[20:60, 30:90] = 0  # a mark in the top-left corner of the upright page
    path = tmp_path / "turned.png"
    Image.fromarray(np.rot90(drawn, k=1)).save(path)  # scanned a quarter turn counter-clockwise
    ref = PageRef(path=path, source="turned.png", sha256="0" * 64, media_type="image", index=0)
    result = page(1)
    from dataclasses import replace

    result = replace(result, ref=ref, width=300, height=400, orientation=Orientation(quarter_turns_cw=90, skew_deg=0.0))
    folder = tmp_path / "pages"
    kept = keep_page_image(result, Settings(), folder)
    again = keep_page_image(result, Settings(), folder)
    assert kept == again and (kept.width, kept.height) == (300, 400)
    stored = cv2.imread(str(page_image_path(folder, kept.sha256)), cv2.IMREAD_GRAYSCALE)
    assert stored.shape == (400, 300) and stored[40, 60] == 0 and stored[300, 200] == 255
    assert len(list(folder.rglob("*.png"))) == 1
    with pytest.raises(ValueError):
        page_image_path(folder, "../../etc/passwd")


def test_the_reader_keeps_the_same_page_image_the_assembly_would_make(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A page read with an image folder carries its kept image: byte for byte the one made again from
    the input (so the review workbench's boxes fit it), and the assembly does not make it again."""
    import numpy as np
    from PIL import Image

    import pipeline.output.pages
    from pipeline.ocr import LineReading
    from pipeline.ocr.fake import FakeEngine
    from functools import partial

    from pipeline.output.pages import keep_page_image, keep_page_images, kept_by_reader
    from pipeline.page import process_page

    drawn = np.full((1100, 850), 255, dtype=np.uint8)
    drawn[100:104, 80:770] = 0  # a ruled box with a mark in it, scanned a quarter turn round
    drawn[100:600, 80:84] = 0
    drawn[200:230, 150:400] = 0
    path = tmp_path / "turned.png"
    Image.fromarray(np.rot90(drawn, k=1)).save(path)
    ref = PageRef(path=path, source="turned.png", sha256="1" * 64, media_type="image", index=0)
    settings = Settings(cross_check=False)
    read = process_page(ref, settings, FakeEngine(lambda image: LineReading("预算", 0.95)), None,
                        partial(kept_by_reader, folder=tmp_path / "pages"))
    assert read.image is not None and read.image.page == 1
    assert read.image == keep_page_image(read, settings, tmp_path / "again")

    def no_render(*args: object, **kwargs: object) -> None:
        raise AssertionError("the assembly rendered a page its reader had kept")

    monkeypatch.setattr(pipeline.output.pages, "render_page", no_render)
    assert keep_page_images([read], settings, tmp_path / "pages") == (read.image,)


def test_a_whole_amount_in_a_document_whose_sums_confirm_it_is_accepted_as_printed() -> None:
    """Through the whole document: the bare 4 that the row's sum (104.00 = 100.00 + 4) confirms carries no doubt."""
    rows = [["201", "一般公共服务支出", "104.00", "100.00", "4"], ["20101", "人大事务", "104.00", "100.00", "4.00"],
            ["2010101", "行政运行", "104.00", "100.00", "4.00"]]
    result = assemble(_document(1), [page(1, (["2025年一般公共预算支出预算表"], make_grid(GBE_HEADER + rows)))],
                      Settings(), load_default())
    (bare,) = [f for f in result.facts if f.raw == "4"]
    assert "number_format_unlike_column" not in bare.reasons and bare.evidence.checks_passed >= 1


def test_a_bilevel_page_is_shown_to_the_recogniser_smoothed(tmp_path: Path) -> None:
    """A fax's black-and-white glyphs reach the engine with grey edges; the grid is found on the page as it is."""
    import numpy as np
    from PIL import Image

    from pipeline.ocr import LineReading
    from pipeline.ocr.fake import FakeEngine
    from pipeline.page import process_page

    drawn = np.full((1100, 850), 255, dtype=np.uint8)
    drawn[100:104, 80:770] = 0
    drawn[600:604, 80:770] = 0
    drawn[100:604, 80:84] = 0
    drawn[100:604, 766:770] = 0
    drawn[300:330:2, 150:400] = 0  # a fax's stair-stepped text
    seen: list[np.ndarray] = []

    def reader(image: np.ndarray) -> LineReading:
        seen.append(image)
        return LineReading("预算", 0.95)

    path = tmp_path / "fax.png"
    Image.fromarray(drawn).convert("1").save(path)  # a 1-bit image, as a fax is
    ref = PageRef(path=path, source="fax.png", sha256="2" * 64, media_type="image", index=0)
    read = process_page(ref, Settings(cross_check=False), FakeEngine(reader))
    assert len(read.tables) == 1 and read.orientation.skew_deg == 0.0 and seen
    # Cut from the page as it is, a line image would hold only black and white.
    assert any(((image > 0) & (image < 255)).any() for image in seen)
