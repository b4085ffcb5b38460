"""A second OCR engine's opinion on the cells nothing else can check.

Numbers are checked by the arithmetic (pipeline.check.validate), codes and vocabulary
words (科目 names, column headers, form keys, titles) by matching; prose, project
names and indicator values are checked by nothing but the engine that read
them.  Those cells are read again by the other engine, and how closely the two
readings agree becomes evidence for the confidence model.  The engines fail
differently (a CTC recogniser drops a bracket or a dot that Tesseract's keeps,
and the other way round), so agreement is strong evidence and disagreement
marks the cells an operator should see.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from pipeline.ocr.base import OcrEngine
from pipeline.code_syntax import is_code
from pipeline.text import normalize, parse_decimal, strip_enumeration

# Spellings the two engines use for one printed mark; folding them keeps style from
# passing for disagreement.  Round ( and square 〔 stay apart: that difference matters.
_SAME_MARK = str.maketrans({"。": ".", "≧": "≥", "≦": "≤", "[": "〔", "]": "〕", "【": "〔", "】": "〕", "“": '"', "”": '"',
                            "‘": "'", "’": "'", "—": "-"})
# Ruling-line residue that Tesseract (not the CTC recogniser) reads as a bar at a crop's edge.
_EDGE_NOISE = "|｜"
# An indicator value's leading comparison sign: Tesseract's chi_sim reads ≥ as >=, >, =, 二 or 三
# on most scans.  Both readings' sign becomes one placeholder, so only the rest is compared.
_LEADING_COMPARISON = re.compile(r"^(?:[≥≤><=≧≦]{1,2}|[二三](?=\d))(?=\d)")
_SIGN = "≷"
_SIGN_READINGS = frozenset("2二三")


@dataclass(frozen=True, slots=True)
class CrossCheck:
    """The engine that reads a second time, and the words it need not confirm."""

    engine: OcrEngine
    known: frozenset[str]  # normalize() keys of vocabulary words

    def wants(self, text: str) -> bool:
        """Whether a cell reading this text deserves a second reading."""
        stripped = text.strip()
        if not stripped or parse_decimal(stripped) is not None or is_code(stripped):
            return False
        return normalize(strip_enumeration(stripped)) not in self.known


def vocabulary_keys(words: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize(strip_enumeration(word)) for word in words if word.strip())


def agreement_key(text: str) -> str:
    key = unicodedata.normalize("NFKC", text)
    key = "".join(key.split()).strip(_EDGE_NOISE)
    return _LEADING_COMPARISON.sub(_SIGN, key.translate(_SAME_MARK))


def agreement(first: str, second: str) -> float:
    """1.0 when two readings say the same, falling by each character one has and the other lacks.

    ``first`` is the primary engine's reading: where it starts with a comparison sign, the second
    reading's first character (chi_sim reads ≥ as 2 as well: "295%" for ≥95%) stands for that sign.
    """
    a, b = agreement_key(first), agreement_key(second)
    if not a and not b:
        return 1.0
    if a.startswith(_SIGN) and b[:1] in _SIGN_READINGS and not b.startswith(_SIGN):
        b = _SIGN + b[1:]
    return float(Indel.normalized_similarity(a, b))
