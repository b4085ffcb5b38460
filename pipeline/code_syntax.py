"""What a printed code looks like: 科目编码 (functional, economic) and 目录 codes.

Shared by the page stages (the cross-check leaves codes alone) and the document
stages (structure, facts, codes, catalogs), so it sits below both.
"""

from __future__ import annotations

import re

from pipeline.text import RULE_TRACES, normalize, strip_stray_marks

# 支出功能分类科目: 类 (3 digits), 款 (5), 项 (7).
FUNCTIONAL_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
# 部门/政府预算支出经济分类: 类 (3 digits), 款 (5).
ECONOMIC_CODE = re.compile(r"^\d{3}(?:\d{2})?$")
# 政府购买服务指导性目录: a letter, then two digits per level (A, A01, A0101).
CATALOG_CODE = re.compile(r"^[A-Z](?:\d{2}){0,2}$")
# OCR reads the letter B of 目录 codes as 0 (B0301 -> 00301): still a code cell.
CATALOG_CODE_LOST_LETTER = re.compile(r"^0(\d{2}(?:\d{2})?)$")
# Letters a recogniser returns for digits in a code column.
_DIGIT_CONFUSIONS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})


def clean_code(text: str) -> str:
    """A code cell's text as a comparison key, letters read for digits turned back into digits and
    a speck or a rule's trace read as a mark beside it (201. or -21008) dropped: no code holds one."""
    # One strip of both sets: a mark and a trace in either order (0·~) both go, in one pass.
    return strip_stray_marks(normalize(text), also=RULE_TRACES).translate(_DIGIT_CONFUSIONS)


def is_code(text: str) -> bool:
    """Whether a cell prints a functional, economic or 目录 code (one whose letter OCR lost included)."""
    key = clean_code(text)
    return bool(FUNCTIONAL_CODE.match(key) or CATALOG_CODE.match(key) or CATALOG_CODE_LOST_LETTER.match(key))
