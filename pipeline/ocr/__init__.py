"""OCR engines behind one contract (:class:`pipeline.ocr.base.OcrEngine`)."""

from __future__ import annotations

from pipeline.ocr.base import LineReading, OcrEngine, OcrEngineError


def make_engine(name: str, threads: int | None = None) -> OcrEngine:
    """Build the engine named in settings; imports lazily so a missing engine only hurts its users.

    ``threads``: how many threads RapidOCR's onnxruntime may use (None: one per core); Tesseract
    reads with one thread whatever it is (pipeline.ocr.tesseract).
    """
    if name == "rapidocr":
        from pipeline.ocr.rapid import RapidOcrEngine

        return RapidOcrEngine(threads=threads)
    if name == "tesseract":
        from pipeline.ocr.tesseract import TesseractEngine

        return TesseractEngine()
    raise OcrEngineError(f"unknown OCR engine {name!r}; choose rapidocr or tesseract")


def check_engine(name: str) -> None:
    """Raise :class:`OcrEngineError` saying what to install when the named engine cannot run here.

    Cheap (no model is loaded), so a run can refuse to start instead of failing every page.
    """
    if name == "rapidocr":
        from pipeline.ocr.rapid import check_rapidocr

        check_rapidocr()
    elif name == "tesseract":
        from pipeline.ocr.tesseract import check_tesseract

        check_tesseract()
    else:
        raise OcrEngineError(f"unknown OCR engine {name!r}; choose rapidocr or tesseract")


__all__ = ["LineReading", "OcrEngine", "OcrEngineError", "check_engine", "make_engine"]
