"""RapidOCR (PP-OCR models shipped inside the wheel, run with onnxruntime, offline)."""

from __future__ import annotations

import importlib.util
import logging
import math
from collections.abc import Sequence

import cv2
import numpy as np

from pipeline.ocr.base import MIN_LINE_SIDE_PX, LineReading, OcrEngineError


def check_rapidocr() -> None:
    """Raise OcrEngineError unless RapidOCR and onnxruntime can be imported (their models ship inside)."""
    missing = [module for module in ("rapidocr", "onnxruntime") if importlib.util.find_spec(module) is None]
    if missing:
        raise OcrEngineError(f"{' and '.join(missing)} not installed: pip install rapidocr onnxruntime")


class RapidOcrEngine:
    """Recognition only: our own line segmentation replaces RapidOCR's detector.

    The detector costs ~3 s per page and finds nothing the ruled grid has not
    already told us; recognition of a line crop takes ~15 ms.
    """

    name = "rapidocr"

    def __init__(self) -> None:
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:  # pragma: no cover - install problem
            raise OcrEngineError("rapidocr is not installed: pip install rapidocr onnxruntime") from exc
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        self._engine = RapidOCR(params={"Global.log_level": "warning"})

    def read_lines(self, images: Sequence[np.ndarray]) -> list[LineReading]:
        readings = []
        for image in images:
            if min(image.shape[:2]) < MIN_LINE_SIDE_PX:
                # Nothing legible fits; RapidOCR's resizing would fail on it (ResizeImgError).
                readings.append(LineReading(text="", confidence=0.0))
                continue
            image = _tall_enough(image)
            bgr = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image
            result = self._engine(bgr, use_det=False, use_cls=False, use_rec=True)
            texts = tuple(result.txts or ())
            scores = tuple(result.scores or ())
            text = "".join(texts)
            confidence = float(min(scores)) if scores else 0.0
            readings.append(LineReading(text=text, confidence=confidence if text else 0.0))
        return readings


# RapidOCR scales an image longer than this (pixels) down to it and rounds the height to a multiple of
# 32: a long, low line image (a title across a landscape page) rounds to 0 and raises ResizeImgError.
_RAPID_MAX_SIDE = 2000
_RAPID_ROUNDING = 32


def _tall_enough(image: np.ndarray) -> np.ndarray:
    """A line image padded with white above and below where RapidOCR's downscaling would round it
    to nothing; any other image unchanged."""
    height, width = image.shape[:2]
    longest = max(height, width)
    if longest <= _RAPID_MAX_SIDE:
        return image
    # Rounded to the nearest multiple, half of one rounds to 0 (Python rounds half to even): aim for three quarters.
    needed = math.ceil(0.75 * _RAPID_ROUNDING * longest / _RAPID_MAX_SIDE)
    if height >= needed:
        return image
    top = (needed - height) // 2
    pad = ((top, needed - height - top),) + ((0, 0),) * (image.ndim - 1)
    return np.pad(image, pad, constant_values=255)
