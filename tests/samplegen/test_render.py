from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4

from samplegen.render import RenderError, RenderResult, fit_lines, register_font, render, wrap
from samplegen.spec import DocumentSpec, SpecTable


def test_mini_spec_page_count_and_text(mini_spec: DocumentSpec, mini_render: RenderResult) -> None:
    # 6 tables, each from a new page; the 11-row table continues once (max 6 body rows).
    assert mini_render.page_count == 7
    doc = pdfium.PdfDocument(mini_render.pdf)
    try:
        assert len(doc) == 7
        texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
        landscape_w, _ = doc[0].get_size()
        portrait_w, _ = doc[1].get_size()
    finally:
        doc.close()
    assert mini_spec.tables[0].title in texts[0]
    assert "单位：万元" in texts[0] and "预算公开表5" in texts[0]
    # Continuation page: header repeated, no title, caption or department line.
    assert "经济科目" in texts[3] and mini_spec.tables[2].title not in texts[3] and "部门名称" not in texts[3]
    assert "注：本表无数据" in texts[6]
    assert round(landscape_w) == round(A4[1]) and round(portrait_w) == round(A4[0])


def test_render_is_deterministic(mini_spec: DocumentSpec, mini_render: RenderResult) -> None:
    assert hashlib.sha256(render(mini_spec).pdf).digest() == hashlib.sha256(mini_render.pdf).digest()


def test_every_cell_has_a_page_and_a_bbox_inside_its_region(mini_render: RenderResult) -> None:
    for tp in mini_render.table_pages:
        rx0, ry0, rx1, ry1 = tp.bbox
        for cell in tp.cells:
            x0, y0, x1, y1 = cell.bbox
            assert rx0 - 1e-4 <= x0 < x1 <= rx1 + 1e-4 and ry0 - 1e-4 <= y0 < y1 <= ry1 + 1e-4


def test_merged_cells_are_one_cell(mini_render: RenderResult) -> None:
    first = mini_render.table_pages[0]
    merged = next(c for c in first.cells if c.text == "2025年预算数")
    parts = [c for c in first.cells if c.grid_row == 1 and c.col >= 2]
    assert merged.col_span == 3
    assert merged.bbox[0] == pytest.approx(parts[0].bbox[0]) and merged.bbox[2] == pytest.approx(parts[-1].bbox[2])


def test_long_text_wraps_and_row_grows() -> None:
    register_font()
    assert len(wrap("一般公共服务支出" * 4, 60)) > 1
    spec = DocumentSpec(
        name="w", department="d", year=2025, source="test",
        tables=[SpecTable(
            kind="unknown", title="T", header_rows=1, layout="ledger", orientation="portrait",
            col_widths=[1, 9], rows=[["名称", "金额"], ["很长的项目名称" * 6, "1.00"], ["短", "2.00"]],
        )],
    )
    cells = {c.text: c for c in render(spec).table_pages[0].cells}
    long_h = cells["很长的项目名称" * 6].bbox[3] - cells["很长的项目名称" * 6].bbox[1]
    short_h = cells["短"].bbox[3] - cells["短"].bbox[1]
    assert long_h > 2 * short_h


def test_row_group_taller_than_a_page_is_an_error() -> None:
    spec = DocumentSpec(
        name="w", department="d", year=2025, source="test",
        tables=[SpecTable(kind="unknown", title="T", header_rows=0, layout="ledger", col_widths=[1, 30],
                          rows=[["很长" * 400, "1"]])],
    )
    with pytest.raises(RenderError, match="taller than a page"):
        render(spec)


def test_numbers_shrink_instead_of_wrapping() -> None:
    register_font()
    lines, size = fit_lines("20250515112732", 40)
    assert lines == ["20250515112732"] and size < 9
    assert fit_lines("1,030.50", 200) == (["1,030.50"], 9.0)


def test_narrative_paragraphs_follow_the_tables_on_pages_of_their_own(mini_spec: DocumentSpec,
                                                                       mini_render: RenderResult) -> None:
    sentence = "2025年度本部门预算收入总计2,272.82万元，其中：本年收入1,272.82万元，上年结转1,000.00万元。"
    spec = mini_spec.model_copy(update={"narrative": ["第三部分 2025年度部门预算情况说明", sentence * 80]})
    result = render(spec)
    # The tables keep their pages; the prose (long enough to wrap over a page) comes after.
    assert result.table_pages == mini_render.table_pages
    assert result.page_count >= mini_render.page_count + 2
    doc = pdfium.PdfDocument(result.pdf)
    try:
        assert len(doc) == result.page_count
        prose = "".join(doc[i].get_textpage().get_text_range() for i in range(mini_render.page_count, len(doc)))
    finally:
        doc.close()
    assert "预算情况说明" in prose and "2,272.82" in prose.replace("\r", "").replace("\n", "")


def test_another_typeface_prints_the_samples_in_its_glyphs(tmp_path: Path) -> None:
    # A Song/Ming face (fonts-arphic-uming, installed by scripts/setup.sh): the samples as most
    # disclosures are printed, for measuring the pipeline on a typeface it was not tuned on.
    # Its own process: reportlab keeps one face per font name for the life of a process.
    spec = "samples/spec/yanggao_education.json"
    uming = "/usr/share/fonts/truetype/arphic/uming.ttc"
    done = subprocess.run([sys.executable, "-m", "samplegen", "--levels", "", "--font", uming, "--out", str(tmp_path), spec],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    pdf = (tmp_path / "yanggao_education" / "yanggao_education_digital.pdf").read_bytes()
    assert b"+UMingCN" in pdf and b"WenQuanYi" not in pdf


def test_a_second_typeface_in_one_process_is_refused(mini_spec: DocumentSpec) -> None:
    render(mini_spec)
    with pytest.raises(RenderError):
        render(mini_spec, Path("/usr/share/fonts/truetype/arphic/uming.ttc"))


def test_the_sample_builder_refuses_a_missing_font(tmp_path: Path) -> None:
    from samplegen.__main__ import main

    assert main(["--font", str(tmp_path / "none.ttc"), "--out", str(tmp_path)]) == 2


def _pixels(pdf: bytes, page: int = 0, dpi: int = 100):
    import numpy as np

    doc = pdfium.PdfDocument(pdf)
    try:
        return np.asarray(doc[page].render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
    finally:
        doc.close()


def test_a_print_style_fills_the_header_frames_the_table_and_numbers_the_pages(mini_spec: DocumentSpec) -> None:
    from samplegen.fonts import HEI
    from samplegen.render import PrintStyle

    excel = PrintStyle(rule_width=0.3, frame_width=1.8, header_fill=0.78, bold_headings=True, page_footer=True)
    result = render(mini_spec, style=excel, typeface=HEI)
    plain = render(mini_spec, typeface=HEI)
    assert [tp.cells for tp in result.table_pages] == [tp.cells for tp in plain.table_pages]  # same geometry
    fancy, bare = _pixels(result.pdf), _pixels(plain.pdf)
    h, w = fancy.shape
    tp = result.table_pages[0]
    header = next(c for c in tp.cells if c.is_header and not c.text)  # an empty header cell: fill only
    x0, y0, x1, y1 = header.bbox
    inside = fancy[round((y0 + 0.3 * (y1 - y0)) * h):round((y1 - 0.3 * (y1 - y0)) * h),
                   round((x0 + 0.3 * (x1 - x0)) * w):round((x1 - 0.3 * (x1 - x0)) * w)]
    assert abs(float(inside.mean()) - 0.78 * 255) < 6
    # Down a value column's left edge (amounts are right-aligned: nothing but rules there): the
    # table's bottom edge (the frame) against the rule between two body rows.
    last = max(tp.cells, key=lambda c: (c.bbox[3], c.col))
    x = round((last.bbox[0] + 0.1 * (last.bbox[2] - last.bbox[0])) * w)
    above = next(c for c in tp.cells if c.col == last.col and c.page_row == last.page_row - 1)

    def dark_run(image, y: float) -> int:
        centre = round(y * h)
        return int((image[centre - 3: centre + 4, x] < 160).sum())

    assert dark_run(fancy, last.bbox[3]) > dark_run(fancy, above.bbox[3]) >= 1
    assert dark_run(fancy, last.bbox[3]) > dark_run(bare, last.bbox[3])
    doc = pdfium.PdfDocument(result.pdf)
    try:
        texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    assert "第 1 页，共 1 页" in texts[0]
    assert "第 1 页，共 2 页" in texts[2] and "第 2 页，共 2 页" in texts[3]  # the table over two pages
