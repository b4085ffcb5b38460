"""Engines for tests: a scripted fake and a replay of recorded readings."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from pipeline.ocr.base import LineReading, OcrEngineError


def image_key(image: np.ndarray) -> str:
    return hashlib.sha1(np.ascontiguousarray(image).tobytes() + str(image.shape).encode()).hexdigest()


class FakeEngine:
    """Answers each line image with ``reader(image)``; lets tests inject faults."""

    name = "fake"

    def __init__(self, reader: Callable[[np.ndarray], LineReading]) -> None:
        self._reader = reader
        self.calls = 0

    def read_lines(self, images: Sequence[np.ndarray]) -> list[LineReading]:
        self.calls += len(images)
        return [self._reader(image) for image in images]


class RecordingEngine:
    """Wraps a real engine and keeps what it read, keyed by image content, for replay."""

    def __init__(self, inner) -> None:
        self.name = inner.name
        self._inner = inner
        self.recorded: dict[str, LineReading] = {}

    def read_lines(self, images: Sequence[np.ndarray]) -> list[LineReading]:
        readings = self._inner.read_lines(images)
        for image, reading in zip(images, readings):
            self.recorded[image_key(image)] = reading
        return readings

    def save(self, path: Path) -> None:
        payload = {k: [r.text, r.confidence] for k, r in sorted(self.recorded.items())}
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=0), encoding="utf-8")


class ReplayEngine:
    """Replays readings recorded by :class:`RecordingEngine`; an unknown image is an error."""

    name = "replay"

    def __init__(self, path: Path) -> None:
        raw = json.loads(path.read_text(encoding="utf-8"))
        self._readings = {k: LineReading(text=v[0], confidence=float(v[1])) for k, v in raw.items()}

    def read_lines(self, images: Sequence[np.ndarray]) -> list[LineReading]:
        out = []
        for image in images:
            key = image_key(image)
            if key not in self._readings:
                raise OcrEngineError(f"replay has no reading for image {key[:12]}")
            out.append(self._readings[key])
        return out
