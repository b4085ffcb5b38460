"""Tesseract through pytesseract, many line images per process.

Starting tesseract and loading chi_sim costs far more than reading one line,
so line images are stacked on one white sheet, well apart, and read in one
call (``--psm 6``: a block of uniform lines); each recognised word goes back
to the line image its box falls in.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.ocr.base import LineReading, OcrEngineError

# The program run; tests point it elsewhere to play a machine without Tesseract.
TESSERACT_CMD = "tesseract"
_CHECK_TIMEOUT_S = 30

# tessedit_do_invert=0: our crops are dark on light; trying the inverted image doubles the time.
_CONFIG = "--psm 6 --oem 1 -c tessedit_do_invert=0"
_TIMEOUT_S = 120
# White space around and between stacked lines, in pixels: more than a line is tall,
# so the layout analysis never joins two of them.
_GAP_PX = 40
_MARGIN_PX = 20
# Lines per tesseract call; bounds the sheet's size (and one timeout's loss).
_BATCH = 80


@dataclass(frozen=True, slots=True)
class _Sheet:
    pixels: np.ndarray
    bands: tuple[tuple[int, int], ...]  # y range of each line on the sheet


def stack_lines(images: Sequence[np.ndarray]) -> _Sheet:
    """The line images one under another on a white sheet, left-aligned."""
    width = max(image.shape[1] for image in images) + 2 * _MARGIN_PX
    height = sum(image.shape[0] for image in images) + _GAP_PX * (len(images) - 1) + 2 * _MARGIN_PX
    sheet = np.full((height, width), 255, dtype=np.uint8)
    bands = []
    y = _MARGIN_PX
    for image in images:
        h, w = image.shape[:2]
        sheet[y:y + h, _MARGIN_PX:_MARGIN_PX + w] = image if image.ndim == 2 else image[..., 0]
        bands.append((y, y + h))
        y += h + _GAP_PX
    return _Sheet(pixels=sheet, bands=tuple(bands))


def readings_from_words(sheet: _Sheet, data: dict[str, list]) -> list[LineReading]:
    """Each word to the line whose band holds its vertical centre, in reading order."""
    words: list[list[tuple[int, str, float]]] = [[] for _ in sheet.bands]
    centres = np.array([(top + bottom) / 2 for top, bottom in sheet.bands])
    for text, conf, top, height, left in zip(data["text"], data["conf"], data["top"], data["height"], data["left"]):
        if not str(text).strip() or float(conf) < 0:
            continue
        centre = int(top) + int(height) / 2
        index = int(np.argmin(np.abs(centres - centre)))
        band_top, band_bottom = sheet.bands[index]
        if band_top - _GAP_PX / 2 <= centre <= band_bottom + _GAP_PX / 2:
            words[index].append((int(left), str(text), float(conf)))
    readings = []
    for line in words:
        if not line:
            readings.append(LineReading(text="", confidence=0.0))
            continue
        line.sort()
        # Tesseract separates CJK glyphs by spaces; the joined text has none.
        readings.append(LineReading(text="".join(w for _, w, _ in line), confidence=min(c for _, _, c in line) / 100.0))
    return readings


def installed_languages() -> set[str]:
    """The languages ``tesseract --list-langs`` names; FileNotFoundError without the program.

    Asked of the program itself, not through pytesseract, whose import (it imports pandas) costs
    more than a second of every run's start."""
    listing = subprocess.run([TESSERACT_CMD, "--list-langs"], capture_output=True, text=True,
                             timeout=_CHECK_TIMEOUT_S, check=False)
    # The first line says where the data is ("List of available languages in ..."), one name a line after.
    return {line.strip() for line in listing.stdout.splitlines()[1:] if line.strip()}


def check_tesseract(languages: str = "chi_sim+eng") -> None:
    """Raise OcrEngineError unless the tesseract program and every language it needs are installed."""
    try:
        installed = installed_languages()
    except (FileNotFoundError, PermissionError, subprocess.TimeoutExpired) as exc:
        raise OcrEngineError("tesseract is not installed: "
                             "apt-get install tesseract-ocr tesseract-ocr-chi-sim") from exc
    missing = [language for language in languages.split("+") if language not in installed]
    if missing:
        # Without chi_sim Tesseract still runs, and reads Chinese as Latin garbage: refuse instead.
        packages = " ".join("tesseract-ocr-" + language.replace("_", "-") for language in missing)
        raise OcrEngineError(f"tesseract has no {'+'.join(missing)} language data: apt-get install {packages}")


class TesseractEngine:
    name = "tesseract"

    def __init__(self, languages: str = "chi_sim+eng") -> None:
        self._languages = languages
        # Tesseract's OpenMP threads fight each other (and onnxruntime) on a small machine: one
        # 115-line sheet took 32 s with the default and 4 s with one thread (2 cores, BENCHMARKS.md).
        # Only the tesseract child processes read this variable; an operator's own value wins.
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        check_tesseract(languages)
        import pytesseract  # here, not at the top: only a run that reads with Tesseract pays its import

        pytesseract.pytesseract.tesseract_cmd = TESSERACT_CMD
        self._pytesseract = pytesseract

    def read_lines(self, images: Sequence[np.ndarray]) -> list[LineReading]:
        readings: list[LineReading] = []
        for start in range(0, len(images), _BATCH):
            readings.extend(self._read_batch(images[start:start + _BATCH]))
        return readings

    def _read_batch(self, images: Sequence[np.ndarray]) -> list[LineReading]:
        # Empty crops (a zero-width box at a page edge) cannot go on the sheet.
        usable = [i for i, image in enumerate(images) if image.size]
        out = [LineReading(text="", confidence=0.0) for _ in images]
        if not usable:
            return out
        sheet = stack_lines([images[i] for i in usable])
        pytesseract = self._pytesseract
        try:
            data = pytesseract.image_to_data(sheet.pixels, lang=self._languages, config=_CONFIG, timeout=_TIMEOUT_S,
                                             output_type=pytesseract.Output.DICT)
        except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout
            raise OcrEngineError(f"tesseract timed out after {_TIMEOUT_S} s") from exc
        for i, reading in zip(usable, readings_from_words(sheet, data)):
            out[i] = reading
        return out
