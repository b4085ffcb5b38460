"""The OCR contract: fake, recording and replay engines; the factory; the two real engines on rendered lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from _images import blank, text_line_image
from pipeline.ocr import LineReading, OcrEngineError, check_engine, make_engine
from pipeline.ocr.tesseract import check_tesseract
from pipeline.ocr.rapid import padded_width, width_batches
from pipeline.ocr.fake import FakeEngine, RecordingEngine, ReplayEngine, image_key


def test_fake_engine_answers_each_image_in_order_and_counts() -> None:
    engine = FakeEngine(lambda image: LineReading(text=str(image.shape[1]), confidence=0.5))
    images = [blank(10, 20), blank(10, 30), blank(10, 40)]
    assert engine.read_lines(images) == [LineReading("20", 0.5), LineReading("30", 0.5), LineReading("40", 0.5)]
    assert engine.read_lines([]) == []
    assert engine.calls == 3


def test_record_then_replay_round_trip(tmp_path: Path) -> None:
    inner = FakeEngine(lambda image: LineReading(text=f"w{int(image.mean())}", confidence=0.75))
    recorder = RecordingEngine(inner)
    images = [blank(12, 40), np.zeros((12, 40), np.uint8), text_line_image("1030.50")]
    readings = recorder.read_lines(images)
    path = tmp_path / "readings.json"
    recorder.save(path)

    replay = ReplayEngine(path)
    assert replay.read_lines(images) == readings
    assert replay.read_lines(list(reversed(images))) == list(reversed(readings))
    # The replay never touched the inner engine.
    assert inner.calls == 3


def test_replay_of_an_unknown_image_raises(tmp_path: Path) -> None:
    recorder = RecordingEngine(FakeEngine(lambda image: LineReading("x", 1.0)))
    recorder.read_lines([blank(12, 40)])
    path = tmp_path / "readings.json"
    recorder.save(path)
    replay = ReplayEngine(path)
    with pytest.raises(OcrEngineError):
        replay.read_lines([blank(12, 41)])
    changed = blank(12, 40)
    changed[5, 5] = 0
    with pytest.raises(OcrEngineError):
        replay.read_lines([changed])


def test_image_key_depends_on_shape_not_only_bytes() -> None:
    assert image_key(blank(10, 20)) != image_key(blank(20, 10))
    assert image_key(blank(10, 20)) == image_key(blank(10, 20))


def test_unknown_engine_name_is_an_engine_error() -> None:
    with pytest.raises(OcrEngineError):
        make_engine("nope")


def test_checking_an_unknown_engine_is_an_engine_error() -> None:
    with pytest.raises(OcrEngineError):
        check_engine("nope")


def test_a_missing_tesseract_program_is_an_engine_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.ocr.tesseract

    monkeypatch.setattr(pipeline.ocr.tesseract, "TESSERACT_CMD", str(tmp_path / "no-such-tesseract"))
    with pytest.raises(OcrEngineError, match="apt-get install tesseract-ocr"):
        check_engine("tesseract")
    with pytest.raises(OcrEngineError):
        make_engine("tesseract")


def test_missing_tesseract_language_data_names_its_package(tesseract) -> None:
    with pytest.raises(OcrEngineError, match="tesseract-ocr-xx-nope"):
        check_tesseract("chi_sim+xx_nope")
    check_tesseract("chi_sim+eng")  # what the engine needs is installed wherever it was built


def test_rapidocr_is_usable_here() -> None:
    check_engine("rapidocr")


# --- real engines ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def tesseract():
    if shutil.which("tesseract") is None:
        pytest.skip("the tesseract binary is not installed")
    return make_engine("tesseract")


@pytest.fixture(scope="module")
def rapid():
    return make_engine("rapidocr")


def test_tesseract_reads_a_line_of_digits(tesseract) -> None:
    (reading,) = tesseract.read_lines([text_line_image("1030.50")])
    assert reading.text == "1030.50"
    assert 0.0 < reading.confidence <= 1.0


def test_tesseract_reads_nothing_from_a_blank_line(tesseract) -> None:
    (reading,) = tesseract.read_lines([blank(40, 200)])
    assert reading == LineReading(text="", confidence=0.0)


def test_tesseract_reads_a_batch_of_lines_each_into_its_own_reading(tesseract) -> None:
    # The lines share one tesseract call (stacked on one sheet); a blank one keeps its place.
    texts = ["1030.50", "", "一般公共服务支出", "242.32", "项目支出"]
    images = [text_line_image(t) if t else blank(40, 200) for t in texts]
    readings = tesseract.read_lines(images)
    assert [r.text for r in readings] == texts
    assert readings[1].confidence == 0.0


def test_rapidocr_reads_a_cjk_line_exactly(rapid) -> None:
    readings = rapid.read_lines([text_line_image("一般公共服务支出"), text_line_image("1,030.50")])
    assert [r.text for r in readings] == ["一般公共服务支出", "1,030.50"]
    assert all(0.9 <= r.confidence <= 1.0 for r in readings)


def test_rapidocr_gives_no_text_and_no_confidence_for_a_blank_line(rapid) -> None:
    (reading,) = rapid.read_lines([blank(40, 200)])
    assert reading.text == "" and reading.confidence == 0.0


def test_rapidocr_is_less_sure_of_upside_down_text(rapid) -> None:
    """orient.upright rests on this: upright text reads with far higher confidence than turned text."""
    line = text_line_image("一般公共服务支出")
    upright, flipped = rapid.read_lines([line, np.ascontiguousarray(line[::-1, ::-1])])
    assert upright.confidence * len(upright.text) > 1.2 * flipped.confidence * len(flipped.text)


def test_rapidocr_gives_an_empty_reading_for_a_sliver_instead_of_failing_the_page() -> None:
    engine = make_engine("rapidocr")
    sliver = np.full((2, 60), 255, np.uint8)
    readings = engine.read_lines([sliver, text_line_image("合计")])
    assert readings[0] == LineReading(text="", confidence=0.0) and readings[1].text == "合计"


def test_rapidocr_reads_a_long_low_line_that_its_downscaling_would_round_away() -> None:
    line = text_line_image("2025年预算收支总表", size=14, pad=2)
    wide = np.full((line.shape[0], 2600), 255, np.uint8)
    wide[:, 1000:1000 + line.shape[1]] = line
    (reading,) = make_engine("rapidocr").read_lines([wide])
    assert "预算收支总表" in reading.text


# --- RapidOCR batches -------------------------------------------------------------------


def test_width_batches_group_lines_that_pad_to_the_same_width() -> None:
    # 40x100, 40x200 and 20x60 all pad to the recogniser's 320 minimum; 40x400 pads to 480 alone.
    shapes = [(40, 100), (40, 400), (40, 200), (20, 60), (40, 401)]
    assert padded_width(40, 400) == 480 and padded_width(40, 401) == 481
    assert width_batches(shapes) == [[0, 2, 3], [1], [4]]


def test_width_batches_cut_a_group_at_the_column_budget() -> None:
    shapes = [(40, 100)] * 5
    assert width_batches(shapes, max_columns=2 * 320) == [[0, 1], [2, 3], [4]]
    # A line wider than the budget still gets a batch of its own.
    assert width_batches([(40, 4000)], max_columns=320) == [[0]]


def test_rapidocr_reads_a_batch_as_it_reads_each_line_alone(rapid) -> None:
    texts = ["1030.50", "一般公共服务支出", "", "242.32", "山阴县商务局行政运行经费项目支出预算"]
    images = [text_line_image(t) if t else blank(40, 200) for t in texts]
    alone = [rapid.read_lines([image])[0] for image in images]
    together = rapid.read_lines(images)
    assert [r.text for r in together] == [r.text for r in alone]
    assert [r.confidence for r in together] == pytest.approx([r.confidence for r in alone], abs=1e-4)
    assert together[2] == LineReading(text="", confidence=0.0)


def test_rapidocr_reads_nothing_from_an_empty_crop(rapid) -> None:
    readings = rapid.read_lines([np.zeros((0, 10), dtype=np.uint8), text_line_image("1030.50")])
    assert readings[0] == LineReading(text="", confidence=0.0)
    assert readings[1].text == "1030.50"


def test_a_lazy_engine_loads_its_model_at_its_first_reading_only() -> None:
    # A page worker given only born-digital pages never loads a recogniser: making one costs nothing,
    # and a fault in building it surfaces where a page is read (and recorded), not at the worker's start.
    from pipeline.ocr import LazyEngine, OcrEngineError

    lazy = LazyEngine("no-such-engine")
    assert lazy.name == "no-such-engine"
    with pytest.raises(OcrEngineError, match="unknown OCR engine"):
        lazy.read_lines([np.zeros((20, 60), dtype=np.uint8)])


def test_a_lazy_engine_reads_as_the_engine_it_stands_for(rapid) -> None:
    from pipeline.ocr import LazyEngine

    images = [text_line_image("1030.50"), text_line_image("行政运行")]
    assert LazyEngine("rapidocr").read_lines(images) == rapid.read_lines(images)
