"""The Prefect flow behind ``yusuan ingest``: task logic with ``.fn``, the flow under the test harness.

flows.ingest imports Prefect, so it is imported inside the tests, after the
session harness has set Prefect's home and started its temporary server.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from _inputs import blank_png, budget_pdf_bytes

from pipeline.errors import CorruptError
from pipeline.ocr.base import LineReading, OcrEngineError
from pipeline.ocr.fake import FakeEngine
from pipeline.settings import Settings


class ListSink:
    def __init__(self) -> None:
        self.accepted: list[object] = []
        self.pages: list[tuple[str, int]] = []

    def on_page(self, document, ref) -> None:
        self.pages.append((document.source, ref.number))

    def accept(self, result) -> None:
        self.accepted.append(result)


def _failing_engine(image: np.ndarray) -> LineReading:
    raise OcrEngineError("engine crashed")


def use_engine(monkeypatch: pytest.MonkeyPatch, engine: object) -> None:
    """Swap the flow's engine; the page cache is keyed by the engine's *name*, so it is turned
    off (a fake must not be served pages read by the real engine, nor leave its own behind),
    and retries wait no time."""
    from prefect.cache_policies import NO_CACHE

    import flows.ingest

    monkeypatch.setattr(flows.ingest, "_engine", lambda name: engine)
    monkeypatch.setattr(flows.ingest, "page_task", flows.ingest.page_task.with_options(
        cache_policy=NO_CACHE, persist_result=False, retry_delay_seconds=0))


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch, prefect_harness: None) -> FakeEngine:
    """Replace the cached real engine of the flow by a fake that reads every line as "0"."""
    engine = FakeEngine(lambda image: LineReading("0", 0.99))
    use_engine(monkeypatch, engine)
    return engine


def test_retry_condition_refuses_bad_input_and_retries_the_rest(prefect_harness: None) -> None:
    from prefect.states import Failed

    from flows.ingest import _retry_unless_bad_input

    assert _retry_unless_bad_input(None, None, Failed(data=CorruptError("x.pdf", "broken"))) is False
    assert _retry_unless_bad_input(None, None, Failed(data=RuntimeError("connection reset"))) is True


def test_intake_task_fn_describes_a_document(prefect_harness: None, tmp_path: Path) -> None:
    from flows.ingest import intake_task

    path = blank_png(tmp_path / "page.png")
    info = intake_task.fn(path, Settings().max_page_pixels)
    assert (info.source, info.media_type, info.page_count) == ("page.png", "image", 1)


def test_flow_sends_each_outcome_to_the_sink_in_input_order(fake_engine: FakeEngine, tmp_path: Path) -> None:
    from flows.ingest import ingest_flow

    (tmp_path / "empty.pdf").write_bytes(b"")
    blank_png(tmp_path / "blank.png")
    (tmp_path / "budget.pdf").write_bytes(budget_pdf_bytes())
    paths = [tmp_path / "empty.pdf", tmp_path / "blank.png", tmp_path / "budget.pdf"]
    sink = ListSink()
    outcome = ingest_flow(paths, Settings(data_dir=tmp_path / "data"), None, sink).unquote()
    assert [type(x).__name__ for x in sink.accepted] == ["Rejection", "DocumentResult", "DocumentResult"]
    assert [r.error for r in outcome.rejections] == ["empty"]
    assert [r.document.source for r in outcome.results] == ["blank.png", "budget.pdf"]
    assert sink.pages == [("blank.png", 1), ("budget.pdf", 1)]
    # The fake engine was used for the table's cells (every line read "0").
    assert fake_engine.calls > 0
    # Each page read is kept as an upright image under the data folder, named on its facts.
    kept = {image.sha256 for r in outcome.results for image in r.page_images}
    assert len(kept) == 2 and all(list((tmp_path / "data" / "pages").glob(f"*/{sha}.png")) for sha in kept)
    assert {f.page_image_sha256 for f in outcome.results[1].facts} <= kept
    assert outcome.results[1].tables and not outcome.results[0].tables


@pytest.mark.parametrize("cross_check", [True, False])
def test_the_page_task_has_the_other_engine_cross_check_text_cells(
        prefect_harness: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cross_check: bool) -> None:
    import flows.ingest
    from pipeline.image.intake import open_document, page_refs

    primary = FakeEngine(lambda image: LineReading("校舍维修改造", 0.99))  # text no vocabulary confirms
    second = FakeEngine(lambda image: LineReading("校舍维修改选", 0.8))
    monkeypatch.setattr(flows.ingest, "_engine", lambda name: primary if name == "rapidocr" else second)
    (tmp_path / "budget.pdf").write_bytes(budget_pdf_bytes())
    (ref,) = page_refs(open_document(tmp_path / "budget.pdf"))
    page = flows.ingest.page_task.fn(ref, Settings(cross_check=cross_check))
    cells = [c for t in page.tables for c in t.grid.cells if not c.blank]
    assert cells and primary.calls > 0
    if cross_check:
        assert second.calls > 0 and all(c.evidence.agreement is not None and c.evidence.agreement < 1.0 for c in cells)
    else:
        assert second.calls == 0 and all(c.evidence.agreement is None for c in cells)


def test_bad_input_is_not_retried(prefect_harness: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import flows.ingest

    calls = []

    def always_corrupt(path, limits):
        calls.append(path)
        raise CorruptError(path.name, "broken")

    monkeypatch.setattr(flows.ingest, "open_document", always_corrupt)
    result = flows.ingest.ingest_flow([tmp_path / "x.pdf"], Settings(data_dir=tmp_path / "data"), None, None).unquote()
    assert len(calls) == 1
    assert [(r.source, r.error) for r in result.rejections] == [("x.pdf", "corrupt")]


def test_a_transient_intake_fault_is_retried(prefect_harness: None, monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    import flows.ingest

    real = flows.ingest.open_document
    calls = []

    def flaky(path, limits):
        calls.append(path)
        if len(calls) == 1:
            raise OSError("NFS hiccup")
        return real(path, limits)

    monkeypatch.setattr(flows.ingest, "open_document", flaky)
    path = blank_png(tmp_path / "blank.png")
    outcome = flows.ingest.ingest_flow([path], Settings(data_dir=tmp_path / "data"), None, None).unquote()
    assert len(calls) == 2
    assert outcome.rejections == [] and [r.document.source for r in outcome.results] == ["blank.png"]


def test_an_engine_crash_is_a_page_failure_not_a_crash(prefect_harness: None, monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    import flows.ingest

    engine = FakeEngine(_failing_engine)
    use_engine(monkeypatch, engine)
    (tmp_path / "budget.pdf").write_bytes(budget_pdf_bytes())
    outcome = flows.ingest.ingest_flow([tmp_path / "budget.pdf"], Settings(data_dir=tmp_path / "data"), None, None).unquote()
    assert outcome.rejections == []
    (result,) = outcome.results
    assert [(f.page, f.category) for f in result.failures] == [(1, "ocr_engine")]
    assert result.facts == () and result.pages_processed == 0
    # The crash was retried (it may be transient) before it was recorded: 1 + len(PAGE_RETRY_DELAYS) tries.
    calls_per_try = engine.calls // (1 + len(flows.ingest.PAGE_RETRY_DELAYS))
    assert calls_per_try > 0 and engine.calls == calls_per_try * (1 + len(flows.ingest.PAGE_RETRY_DELAYS))



def _pdf_of_pages(path: Path, pages: int) -> Path:
    """A PDF of ``pages`` copies of the budget page."""
    import pypdfium2 as pdfium

    one = pdfium.PdfDocument(budget_pdf_bytes())
    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.import_pages(one)
    document.save(str(path))
    return path


@pytest.mark.parametrize("prefetch", [0, 2])
def test_the_next_document_is_opened_while_the_last_pages_are_read(
        fake_engine: FakeEngine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, prefetch: int) -> None:
    """With ``prefetch_pages`` the workers go on to the next document while the one before is still
    being read and then assembled; with 0 a document is opened only once the one before is finished.
    Either way the sink gets the documents in input order."""
    import time

    from prefect.task_runners import ThreadPoolTaskRunner

    import flows.ingest

    events: list[str] = []
    open_document, assemble, process_page = (flows.ingest.open_document, flows.ingest.assemble,
                                             flows.ingest.process_page)

    def opening(path, limits):
        events.append(f"open {path.name}")
        return open_document(path, limits)

    def assembling(document, *args, **kwargs):
        events.append(f"assemble {document.source}")
        return assemble(document, *args, **kwargs)

    def slow_reading(*args, **kwargs):
        time.sleep(0.3)  # a page takes long enough that the order of events is the flow's, not chance's
        return process_page(*args, **kwargs)

    monkeypatch.setattr(flows.ingest, "open_document", opening)
    monkeypatch.setattr(flows.ingest, "assemble", assembling)
    monkeypatch.setattr(flows.ingest, "process_page", slow_reading)
    paths = [_pdf_of_pages(tmp_path / "first.pdf", 3), _pdf_of_pages(tmp_path / "second.pdf", 1)]
    sink = ListSink()
    flow = flows.ingest.ingest_flow.with_options(task_runner=ThreadPoolTaskRunner(max_workers=1))
    flow(paths, Settings(data_dir=tmp_path / "data"), None, sink, prefetch)

    assert [r.document.source for r in sink.accepted] == ["first.pdf", "second.pdf"]
    assert events.index("assemble first.pdf") < events.index("assemble second.pdf")
    opened_before_first_assembled = events.index("open second.pdf") < events.index("assemble first.pdf")
    assert opened_before_first_assembled is (prefetch > 0)
    assert sink.pages == [("first.pdf", 1), ("first.pdf", 2), ("first.pdf", 3), ("second.pdf", 1)]
