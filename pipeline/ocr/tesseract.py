"""Tesseract through pytesseract (one process per line image)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytesseract

from pipeline.ocr.base import LineReading, OcrEngineError

# psm 7: treat the image as a single text line, which is what we hand it.
_CONFIG = "--psm 7 --oem 1"
_TIMEOUT_S = 30


class TesseractEngine:
    name = "tesseract"

    def __init__(self, languages: str = "chi_sim+eng") -> None:
        self._languages = languages
        try:
            pytesseract.get_tesseract_version()
        except pytesseract.TesseractNotFoundError as exc:
            raise OcrEngineError("tesseract is not installed: apt-get install tesseract-ocr tesseract-ocr-chi-sim") from exc

    def read_lines(self, images: Sequence[np.ndarray]) -> list[LineReading]:
        return [self._read_one(image) for image in images]

    def _read_one(self, image: np.ndarray) -> LineReading:
        # Tesseract reads best with some white margin around the glyphs.
        padded = np.pad(image, 10, constant_values=255)
        try:
            data = pytesseract.image_to_data(
                padded, lang=self._languages, config=_CONFIG, timeout=_TIMEOUT_S, output_type=pytesseract.Output.DICT
            )
        except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout
            raise OcrEngineError(f"tesseract timed out after {_TIMEOUT_S} s") from exc
        words = [(w, float(c)) for w, c in zip(data["text"], data["conf"]) if w.strip() and float(c) >= 0]
        if not words:
            return LineReading(text="", confidence=0.0)
        # Tesseract separates CJK glyphs by spaces; the joined text has none.
        text = "".join(w for w, _ in words)
        confidence = min(c for _, c in words) / 100.0
        return LineReading(text=text, confidence=confidence)
