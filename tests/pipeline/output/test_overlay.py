"""Debug overlays: the page as the pipeline saw it, with its lines, grid and fact statuses drawn over it."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from _images import blank, draw_table, page_grids, put_text
from models import Fact, Orientation, PageRef, PageResult, PageTable, TableKind
from pipeline.output.overlay import write_overlays
from pipeline.settings import Settings


def _page(tmp_path: Path) -> tuple[PageResult, tuple[int, int]]:
    gray = blank(1200, 900)
    table = draw_table(gray, [100, 400, 800], [200, 260, 320, 380])
    for row in range(3):
        put_text(gray, table.cell_origin(row, 0), "科目名称")
    path = tmp_path / "page.png"
    cv2.imwrite(str(path), gray)
    (grid,) = page_grids(gray).grids
    ref = PageRef(path=path, source="page.png", sha256="0" * 64, media_type="image", index=0)
    page = PageResult(ref=ref, width=900, height=1200, orientation=Orientation(0, 0.0), char_height=28.0,
                      tables=(PageTable(grid=grid, context=(), footer=()),))
    return page, gray.shape


def _fact(box: list[float], status: str, reasons: list[str]) -> Fact:
    return Fact(document="0" * 64, source="page.png", page=1, table=TableKind.EXPENDITURE_SUMMARY, code=None,
                labels=["行"], raw_labels=["行"], column="合计", value="1.00", kind="number", unit="万元", raw="1.00",
                confidence=0.5, status=status, reasons=reasons, bbox=box)


def test_each_cell_is_coloured_by_its_facts_status_over_the_lines_found(tmp_path: Path) -> None:
    page, (height, width) = _page(tmp_path)
    accepted = [400 / width, 200 / height, 800 / width, 260 / height]
    review = [400 / width, 260 / height, 800 / width, 320 / height]
    facts = [_fact(accepted, "accepted", []), _fact(review, "needs_review", ["row_sum_mismatch"])]
    (path,) = write_overlays([page], facts, Settings(), tmp_path / "debug")
    image = cv2.imread(str(path))
    assert path.name == "page_p001.png" and image.shape[:2] == (height, width)

    def mean_colour(y: int) -> np.ndarray:  # blank paper inside a cell: only the fill tints it
        return image[y - 8:y + 8, 700:780].reshape(-1, 3).mean(axis=0)

    b, g, r = mean_colour(230)
    assert g > r + 30 and g > b + 30  # green: accepted
    b, g, r = mean_colour(290)
    assert r > b + 60 and g > b + 30  # orange: needs review
    assert np.ptp(mean_colour(350)) < 5  # a cell without facts keeps its grey
    # the ruling lines the line stage found are drawn in blue over the page
    around_line = image[315:326, 500].astype(int)
    assert any(b > 150 and r < 100 for b, g, r in around_line)
