"""OCR engines behind one contract (:class:`pipeline.ocr.base.OcrEngine`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

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


class LazyEngine:
    """The engine of that name, built on its first reading: a worker that is given only born-digital
    pages (read from their text layer) never loads a recognition model (~0.8 s of CPU per worker)."""

    def __init__(self, name: str, threads: int | None = None) -> None:
        self.name = name
        self._threads = threads
        self._engine: OcrEngine | None = None

    def read_lines(self, images: Sequence[np.ndarray]) -> list[LineReading]:
        if self._engine is None:
            self._engine = make_engine(self.name, threads=self._threads)
        return self._engine.read_lines(images)


__all__ = ["LazyEngine", "LineReading", "OcrEngine", "OcrEngineError", "check_engine", "make_engine"]
