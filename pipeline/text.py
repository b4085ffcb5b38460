"""Comparison keys for OCR'd Chinese budget text.

Everything here builds *keys* for matching and numbers for arithmetic. None of
it may be used to rewrite the canonical spelling that leaves the pipeline:
match on ``normalize(a) == normalize(b)``, then emit the catalog's own name.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Protocol

__all__ = ["COLUMN_LINE_TRACES", "RULE_TRACES", "STRAY_MARKS", "collapse_doubled", "confusion_key", "normalize", "one_final_mark", "only_stray_marks",
           "parse_decimal", "strip_enumeration", "strip_stray_marks", "to_simplified"]

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# NFKC already folds full-width （） and ［］ to ASCII; these it leaves alone.
_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "【": "(", "】": ")", "[": "(", "]": ")", "〈": "(", "〉": ")"})
_WHITESPACE = re.compile(r"\s+")
# What a toner speck, a dropout's edge or a fleck of a cell border is read as.  No column header,
# code or 科目 name begins or ends with one, and a cell holding nothing else holds nothing.
# Quotes and dashes are left out: “三公”经费 starts with a quote, and a dash is a printed nil.
STRAY_MARKS = ".。,，、·・．:：;；'`´•●∙◦˙"
# What the end of a ruling line or a speck beside a code or caption is read as (-21008, -栏次).
RULE_TRACES = "-—–_~"
# What a piece of a column line inside a cell is read as: a stroke (a merged cell's lost rule, a
# dropout's remnant of a cell's own border).
COLUMN_LINE_TRACES = "1lI|丨!"
_INNER_MARK_RUN = re.compile(f"(?<=[{_CJK}])([{re.escape(STRAY_MARKS)}])[{re.escape(STRAY_MARKS)}]+(?=[{_CJK}])")
_TRAILING_MARKS = re.compile(f"([{re.escape(STRAY_MARKS)}])[{re.escape(STRAY_MARKS)}\\s]+$")


def strip_stray_marks(text: str, also: str = "") -> str:
    """``text`` without the marks of STRAY_MARKS (or spaces, or the characters of ``also``) at either end."""
    return text.strip(STRAY_MARKS + also + " \t\n\u3000")


def only_stray_marks(text: str) -> bool:
    """Whether a non-blank cell holds nothing but stray marks (a speck read as 。)."""
    return bool(text.strip()) and not strip_stray_marks(text)


def one_mark_between_words(text: str) -> str:
    """Chinese text with a run of marks between two characters cut to its first (突出；.道路: a speck
    read after the semicolon).  Prose never prints two of these marks in a row inside a sentence."""
    return _INNER_MARK_RUN.sub(r"\1", text)


def one_final_mark(text: str) -> str:
    """A sentence ends with one mark: a run of them (。.。。) is the stop and specks after it.  A
    Chinese sentence never ends with a full stop in ASCII after a word or a sign (积极性. ≥95%.):
    that one is a speck, dropped."""
    text = _TRAILING_MARKS.sub(r"\1", text)
    if len(text) > 1 and text[-1] in ".．" and not text[-2].isdigit():
        return text[:-1]
    return text
# OCR sometimes reads the character 和 as the English word "and".
_OCR_AND = re.compile(rf"(?<=[{_CJK}])and(?=[{_CJK}])", re.IGNORECASE)
_DOUBLED = re.compile(rf"([{_CJK}]{{2,}})\1+")

_CN_NUM = "一二三四五六七八九十百零〇两"
_ENUMERATION = re.compile(
    r"^\s*(?:"
    rf"[{_CN_NUM}]+\s*[、.．]"  # 一、 十六、 三．
    rf"|[（(]\s*(?:[{_CN_NUM}]+|\d{{1,3}})\s*[）)]\s*[、.．]?"  # （一） (1) （12）、
    r"|\d{1,3}\s*[、．](?!\d)"  # 1、 2．
    r"|\d{1,3}\.(?!\d)"  # 1.  (but not 1030.50)
    r"|[\u2460-\u2473\u2776-\u277f\u2780-\u2793]"  # ① … ⑳, ❶, ➀
    r")\s*"
)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_NUMBER_NOISE = str.maketrans({"'": None, "’": None, "_": None})
# Thousands separators stand between groups of exactly three digits: 1,030.50, never 14,04 (a decimal
# point misread as a comma, which pipeline.interpret.numbers repairs where the column's format says so).
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


# Distinct strings normalize remembers (labels, header words, cell texts of a run).
_KEY_CACHE = 2**16


@cache
def _t2s() -> _Converter:
    """One OpenCC converter per process, built on first use (it loads its dictionaries)."""
    from opencc import OpenCC  # opencc-python-reimplemented

    converter: _Converter = OpenCC("t2s")
    return converter


def to_simplified(text: str) -> str:
    """Traditional → simplified characters (交通運輸 → 交通运输); other text unchanged."""
    return _t2s().convert(text)


@lru_cache(maxsize=_KEY_CACHE)
def normalize(text: str) -> str:
    """The comparison key of a label: NFKC, simplified, no whitespace, ``and`` → 和, one bracket style.

    Remembered: the pure-Python OpenCC converter takes ~25 µs a string, and a document's assembly
    asks for the same header words' and labels' keys ~90,000 times (matching each untitled header
    against every kind's template); the runtime's one caller of :func:`to_simplified`.

    >>> normalize("交通運輸 公共服务")
    '交通运输公共服务'
    """
    key = unicodedata.normalize("NFKC", text)
    key = to_simplified(key)
    key = _WHITESPACE.sub("", key)
    # NFKC spells a spacing mark (´) as a space and a combining mark; with the space gone the mark
    # composes with the letter before it, so normalise once more or the key is not a fixed point
    # (found by tests/reliability/test_properties.py).
    key = unicodedata.normalize("NFKC", key)
    key = _OCR_AND.sub("和", key)
    return key.translate(_BRACKETS)


def strip_enumeration(text: str) -> str:
    """Drop one leading enumeration marker: 一、 十六、 （一） (1) 1. 1、 ① and the like."""
    return _ENUMERATION.sub("", text, count=1).strip()


def collapse_doubled(text: str) -> str:
    """Remove an immediately repeated run of 2+ CJK characters (检验检测检测 → 检验检测).

    Single repeated characters (常常) are left alone: they occur in real names.
    """
    previous = None
    while previous != text:
        previous, text = text, _DOUBLED.sub(r"\1", text)
    return text


def parse_decimal(text: str | None) -> Decimal | None:
    """An OCR'd amount as a Decimal, printed decimals kept; None when the cell is not a number.

    Tolerates full-width digits, thousands separators between groups of three, and stray spaces:
    ``"1,030.50"`` → ``Decimal("1030.50")``; ``"14,04"``, ``"—"``, ``""`` → ``None``.
    """
    if text is None:
        return None
    cleaned = unicodedata.normalize("NFKC", text).translate(_NUMBER_NOISE)
    cleaned = _WHITESPACE.sub("", cleaned).replace("−", "-")
    if "," in cleaned:
        if not _GROUPED.fullmatch(cleaned):
            return None
        cleaned = cleaned.replace(",", "")
    if not _NUMBER.fullmatch(cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        return None


@cache
def _confusions() -> dict[int, str]:
    """Characters OCR reads for others (全 for 金 …), from pipeline/data/ocr_confusions.csv."""
    import csv
    from importlib import resources

    with resources.files("pipeline.data").joinpath("ocr_confusions.csv").open(encoding="utf-8") as handle:
        return str.maketrans({row["read"]: row["meant"] for row in csv.DictReader(handle)})


def confusion_key(text: str) -> str:
    """:func:`normalize`, then each confusable character replaced by the one it is mistaken for.

    Both sides of a comparison must use it: it merges characters (安全 and 资金
    compare equal), which is right for matching a damaged word to a vocabulary and
    wrong for anything else.
    """
    return normalize(text).translate(_confusions())


# Bracket families as OCR writes them: a full-width mark may come back as its ASCII twin.
_BRACKET_FAMILY = {**dict.fromkeys("（(）)", "round"), **dict.fromkeys("〔[【〕]】", "square"),
                   **dict.fromkeys("《》〈〉", "book")}
_OPENING_BRACKETS = frozenset("（(〔[【《〈")


def brackets_balanced(text: str) -> bool:
    """Whether every 〔 《 （ in ``text`` is closed, in order, and every 〕 》 opened.

    A lost bracket is the commonest silent OCR error in document numbers (阳财教〔202458号).
    A round bracket closing what nothing opened is allowed after an enumerating number or letter
    (1）2）, 一）, a）); after a word it lost its opening (303-应县农业农村局部门）).
    """
    depth = dict.fromkeys(("round", "square", "book"), 0)
    for index, char in enumerate(text):
        family = _BRACKET_FAMILY.get(char)
        if family is None:
            continue
        if char in _OPENING_BRACKETS:
            depth[family] += 1
        elif depth[family]:
            depth[family] -= 1
        elif family != "round" or not _ENUMERATES.fullmatch(text[_enumeration_start(text, index):index]):
            return False
    return not any(depth.values())


# What a round bracket may close without opening: a list number (1 12 一 十二 a), alone in its clause.
_ENUMERATES = re.compile(r"\d{1,2}|[一二三四五六七八九十]{1,3}|[a-zA-Z]")


def _enumeration_start(text: str, end: int) -> int:
    """Where the clause ending at ``end`` begins: after the last mark or space before it."""
    start = end
    while start > 0 and text[start - 1] not in "，,。；;：:、 \t\n（(":
        start -= 1
    return start
