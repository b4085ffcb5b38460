"""Helpers of the workbench tests: a document with one misread amount (the hand-built grids of
tests/pipeline/_tables), a page image kept as ingest keeps it, the operators' password."""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pipeline"))  # _tables

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Bench:
    url: str
    data_dir: Path
    image_sha256: str


def page_png(folder: Path) -> str:
    """A page-sized grayscale PNG kept under ``folder`` by its sha256, as pipeline.output.pages does."""
    from pipeline.output.pages import page_image_path

    gray = np.full((2339, 1654), 255, dtype=np.uint8)
    cv2.putText(gray, "page", (200, 200), cv2.FONT_HERSHEY_SIMPLEX, 3, 0, 5)
    data = cv2.imencode(".png", gray)[1].tobytes()
    sha256 = hashlib.sha256(data).hexdigest()
    path = page_image_path(folder, sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return sha256


def misread_result(image_sha256: str):
    from _tables import GBE_HEADER, make_grid, page
    from models import DocumentInfo, StoredPageImage
    from pipeline.check.catalog import load_default
    from pipeline.document import assemble
    from pipeline.settings import Settings

    rows = [
        [("合计", 1, 2), "1030.50", "830.50", "200.00"],
        ["201", "一般公共服务支出", "1030.50", "830.50", "200.00"],
        ["20101", "人大事务", "1030.50", "830.50", "200.00"],
        ["2010101", "行政运行", "830.50", "870.60", ""],
        ["2010102", "一般行政管理事务", "200.00", "", "200.00"],
    ]
    info = DocumentInfo(path=Path("budget.pdf"), source="budget.pdf", sha256="c" * 64, media_type="pdf",
                        page_count=1, size_bytes=1)
    table_page = page(1, (["2025年一般公共预算支出预算表", "单位：万元"], make_grid(GBE_HEADER + rows)))
    image = StoredPageImage(page=1, sha256=image_sha256, width=1654, height=2339)
    return assemble(info, [table_page], Settings(), load_default(), [image])
