"""Pages read in worker processes come back as the same typed results as pages read in process."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest

from _inputs import budget_pdf_bytes
from flows.pool import PagePool, default_workers
from models import PageFailure, PageResult
from pipeline.image.intake import open_document, page_refs
from pipeline.ocr import make_engine
from pipeline.page import process_page
from pipeline.output.pages import kept_by_reader, page_image_folder, page_image_path
from pipeline.settings import Settings

SETTINGS = Settings(cross_check=False)


def test_default_workers_is_one_per_core_and_none_on_one_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2})
    assert default_workers() == 3
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0})
    assert default_workers() == 0


@pytest.mark.slow
def test_a_worker_reads_a_page_as_this_process_does(tmp_path: Path) -> None:
    (tmp_path / "budget.pdf").write_bytes(budget_pdf_bytes())
    (ref,) = page_refs(open_document(tmp_path / "budget.pdf"))
    settings = SETTINGS.model_copy(update={"data_dir": tmp_path / "data"})
    expected = process_page(ref, settings, make_engine("rapidocr"), None,
                            partial(kept_by_reader, folder=page_image_folder(tmp_path / "here")))
    with PagePool(1, settings) as pool:
        result = pool.read(ref, settings)
        # A page read ahead (while Prefect starts) is the reading the page task then gets.
        pool.read_ahead(ref, settings)
        ahead = pool.read(ref, settings)
        # The input's own fault comes back as a page failure, as from the page task.
        (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not a pdf after all")
        broken = pool.read(replace(ref, path=tmp_path / "broken.pdf"), settings)
    assert isinstance(result, PageResult)
    assert result == expected and ahead == expected
    # the worker kept the page's image in the run's data folder
    assert result.image is not None and page_image_path(page_image_folder(tmp_path / "data"), result.image.sha256).exists()
    assert isinstance(broken, PageFailure) and broken.category == "corrupt"


@pytest.mark.slow
def test_workers_give_large_blocks_back_to_the_system(monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers fix glibc's mmap threshold as they start (flows.pool: their peak memory on scans)."""
    from flows.pool import fix_mmap_threshold

    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    with PagePool(1, SETTINGS) as pool:
        assert pool._executor.submit(fix_mmap_threshold).result() is True
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "131072")
    assert fix_mmap_threshold() is False  # the operator's own setting wins
