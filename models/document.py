"""Frozen descriptions of an input document and of one page of it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

MediaType = Literal["pdf", "image"]


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """An input that passed intake: its real type, its hash and its page count."""

    path: Path
    source: str  # the file name as given
    sha256: str
    media_type: MediaType
    page_count: int
    size_bytes: int


@dataclass(frozen=True, slots=True)
class PageRef:
    """A reference to one page: cheap to pickle, enough to render it anywhere."""

    path: Path
    source: str
    sha256: str
    media_type: MediaType
    index: int  # 0-based

    @property
    def number(self) -> int:
        return self.index + 1
