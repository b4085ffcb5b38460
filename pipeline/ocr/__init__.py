"""OCR engines behind one contract (:class:`pipeline.ocr.base.OcrEngine`)."""

from __future__ import annotations

from pipeline.ocr.base import LineReading, OcrEngine, OcrEngineError


def make_engine(name: str) -> OcrEngine:
    """Build the engine named in settings; imports lazily so a missing engine only hurts its users."""
    if name == "rapidocr":
        from pipeline.ocr.rapid import RapidOcrEngine

        return RapidOcrEngine()
    if name == "tesseract":
        from pipeline.ocr.tesseract import TesseractEngine

        return TesseractEngine()
    raise OcrEngineError(f"unknown OCR engine {name!r}; choose rapidocr or tesseract")


__all__ = ["LineReading", "OcrEngine", "OcrEngineError", "make_engine"]
