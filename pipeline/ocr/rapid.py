"""RapidOCR (PP-OCR models shipped inside the wheel, run with onnxruntime, offline)."""

from __future__ import annotations

import importlib.util
import logging
import math
from collections import defaultdict
from collections.abc import Sequence

import cv2
import numpy as np

from pipeline.ocr.base import MIN_LINE_SIDE_PX, LineReading, OcrEngineError

# The recogniser's input: every line is resized to this height, and padded on the right to the
# widest line of its batch, but never to less than this width (pixels; RapidOCR's rec_img_shape).
_REC_HEIGHT_PX = 48
_REC_MIN_WIDTH_PX = 320
# Most padded pixel columns one recogniser call holds (about 4 lines of the narrowest width).  The
# call's activations grow with it: at 32 lines a worker peaked at ~590 MB inside onnxruntime, at 4
# at ~350 MB, in the same time or less (8 harsh sample pages read in one process, 31-36 s either way).
_BATCH_COLUMNS = 4 * _REC_MIN_WIDTH_PX


def check_rapidocr() -> None:
    """Raise OcrEngineError unless RapidOCR and onnxruntime can be imported (their models ship inside)."""
    missing = [module for module in ("rapidocr", "onnxruntime") if importlib.util.find_spec(module) is None]
    if missing:
        raise OcrEngineError(f"{' and '.join(missing)} not installed: pip install rapidocr onnxruntime")


def padded_width(height: int, width: int) -> int:
    """The width (pixels) RapidOCR's recogniser pads a ``height`` x ``width`` line to when it is read alone."""
    return int(_REC_HEIGHT_PX * max(_REC_MIN_WIDTH_PX / _REC_HEIGHT_PX, width / height))


def width_batches(shapes: Sequence[tuple[int, int]], max_columns: int = _BATCH_COLUMNS) -> list[list[int]]:
    """Indices of the lines grouped so that every line of a group pads to the same width.

    A line read in a batch is padded to the batch's widest line; grouped by the width each line
    pads to alone, every line is shown to the recogniser exactly as if it were read alone, so
    batching changes no reading.  Groups are cut to at most ``max_columns`` padded columns.
    """
    by_width: dict[int, list[int]] = defaultdict(list)
    for index, (height, width) in enumerate(shapes):
        by_width[padded_width(height, width)].append(index)
    batches = []
    for width, indices in sorted(by_width.items()):
        size = max(1, max_columns // width)
        batches.extend(indices[start:start + size] for start in range(0, len(indices), size))
    return batches


class RapidOcrEngine:
    """Recognition only: our own line segmentation replaces RapidOCR's detector.

    The detector costs ~3 s per page and finds nothing the ruled grid has not
    already told us.  Lines are recognised in batches (one onnxruntime call for
    many lines), grouped by padded width so that no line is read differently
    from how it would be read alone.

    onnxruntime, not OpenVINO: on 345 line images of three harsh pages OpenVINO took a third of
    the CPU time (3.8 s against 10.8 s, one thread each) but held 800 MB against 390 MB per
    process, growing with every new line width, and read one more fact of the four sample scans
    wrong (BENCHMARKS.md, speed).  With one worker per core, one thread each: two onnxruntime
    threads took 1.5x the CPU time of one for the same lines.
    """

    name = "rapidocr"

    def __init__(self, threads: int | None = None) -> None:
        """``threads``: onnxruntime's intra-op threads (None: its default, one per core)."""
        try:
            from rapidocr import RapidOCR
            from rapidocr.ch_ppocr_rec import TextRecInput
        except ImportError as exc:  # pragma: no cover - install problem
            raise OcrEngineError("rapidocr is not installed: pip install rapidocr onnxruntime") from exc
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        params: dict[str, object] = {"Global.log_level": "warning", "Rec.rec_batch_num": 10**6}
        if threads is not None:
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
            params["EngineConfig.onnxruntime.inter_op_num_threads"] = 1
        self._engine = RapidOCR(params=params)
        # RapidOCR's own single-image path (load, bound the size, recognise), kept so a batch
        # sees each line exactly as a call per line would.
        self._recognizer = self._engine._load_rec_model()
        self._rec_input = TextRecInput

    def read_lines(self, images: Sequence[np.ndarray]) -> list[LineReading]:
        readings = [LineReading(text="", confidence=0.0)] * len(images)
        prepared: dict[int, np.ndarray] = {}
        for index, image in enumerate(images):
            if min(image.shape[:2]) < MIN_LINE_SIDE_PX:
                # Nothing legible fits; RapidOCR's resizing would fail on it (ResizeImgError).
                continue
            image = _tall_enough(image)
            bgr = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image
            prepared[index], _ = self._engine.preprocess_img(bgr)
        order = list(prepared)
        for batch in width_batches([prepared[i].shape[:2] for i in order]):
            lines = [order[k] for k in batch]
            result = self._recognizer(self._rec_input(img=[prepared[i] for i in lines]))
            for index, text, score in zip(lines, result.txts, result.scores):
                readings[index] = LineReading(text=text, confidence=float(score) if text else 0.0)
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
