"""The forms' vocabulary (data/form_keys.csv): which printed word is a key, a header or a section, and how
damaged OCR text is matched to it."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from rapidfuzz import fuzz, process

from models import TableKind
from pipeline.text import (
    STRAY_MARKS,
    confusion_key,
    one_final_mark,
    one_mark_between_words,
    parse_decimal,
    strip_enumeration,
)

# rapidfuzz ratio (0..100) a cell needs to count as a vocabulary key.  Low enough
# for two damaged characters in a seven-character key (实施期安全总额 scores 71
# against 实施期资金总额), high enough that form values (names, goals, "6人")
# stay values: the vocabulary is small and its words are distinctive.
KEY_SCORE = 70.0
# Indicator names (产出指标, 社会效益 …) are only respelt when the match is this
# close and no other name comes within _NAME_MARGIN: 社会效益 and 社会效益指标
# are both real names, and a guess between them would invent text.
NAME_SCORE = 85.0
_NAME_MARGIN = 4.0
# Cells longer than this (after normalising) are values: no key is half as long.
_MAX_KEY_CHARS = 24

CJK = re.compile(r"[\u3400-\u9fff]")
# A subject printed with its code (029-山阴县商务局（部门）): the code is not part of the name.
_CODE_PREFIX = re.compile(r"^\s*\d+\s*[-－—–_]\s*")
_SPACE_NEXT_TO_WIDE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
SPACES = re.compile(r"\s+")


class Role(StrEnum):
    """What a vocabulary word does in a form (column ``role`` of form_keys.csv)."""

    SUBJECT = "subject"  # a key whose value names the form
    TEXT = "text"  # a key with a text value
    MONEY = "money"  # a key with an amount
    MONEY_TOTAL = "money_total"  # a key whose amount is the sum of the amounts listed under it
    SECTION = "section"  # a group label merged down the left edge; no fact
    MONEY_SECTION = "money_section"  # a group label over amounts (项目资金（元）)
    SUBHEADER = "subheader"  # a header over key/value pairs (按资金来源划分); no fact
    COLUMN = "column"  # a header naming the values of the key on its left (实施期目标)
    INDICATOR_FIRST = "indicator_first"
    INDICATOR_SECOND = "indicator_second"
    INDICATOR_THIRD = "indicator_third"
    INDICATOR_VALUE = "indicator_value"
    INDICATOR_NAME = "indicator_name"  # a printed 一级/二级 indicator (产出指标)


MONEY_ROLES = frozenset({Role.MONEY, Role.MONEY_TOTAL})
KEY_ROLES = frozenset({Role.SUBJECT, Role.TEXT}) | MONEY_ROLES
LAYOUT_ROLES = frozenset({Role.SECTION, Role.MONEY_SECTION, Role.SUBHEADER})
INDICATOR_HEADERS = frozenset({Role.INDICATOR_FIRST, Role.INDICATOR_SECOND, Role.INDICATOR_THIRD,
                               Role.INDICATOR_VALUE})
# A row holding one of these starts something new: it ends a block that has no known extent.
BLOCK_ENDING_ROLES = KEY_ROLES | LAYOUT_ROLES



@dataclass(frozen=True, slots=True)
class FormKey:
    key: str  # canonical spelling, as emitted in labels
    role: Role
    value_shape: str = ""  # what its values look like (pipeline.check.shapes.Shape); "" for free text


@dataclass(frozen=True, slots=True)
class KeyMatch:
    key: str
    role: Role
    score: float


@cache
def vocabulary() -> tuple[FormKey, ...]:
    with resources.files("pipeline.data").joinpath("form_keys.csv").open(encoding="utf-8") as handle:
        return tuple(FormKey(row["key"], Role(row["role"]), row["value_shape"]) for row in csv.DictReader(handle))


@cache
def _choices(names_only: bool) -> dict[str, FormKey]:
    """Comparison key -> vocabulary entry: every word, or only the indicator names.

    Cells are matched against every word so that a printed indicator name
    (效益指标) is recognised as itself and not as the nearest key (绩效指标).
    """
    return {key_text(k.key): k for k in vocabulary() if not names_only or k.role == Role.INDICATOR_NAME}


def key_text(text: str) -> str:
    """The comparison key of a key cell: normalised, no enumeration, no trailing colon, no 其中 prefix."""
    key = strip_enumeration(confusion_key(text)).rstrip(":").strip()
    for prefix in ("其中:", "其中"):
        key = key.removeprefix(prefix)
    return key


def match_key(text: str) -> KeyMatch | None:
    """The vocabulary word a cell prints, or None when it prints a value."""
    key = key_text(text)
    if not key or len(key) > _MAX_KEY_CHARS or not CJK.search(key) or parse_decimal(text) is not None:
        return None
    choices = _choices(False)
    found = process.extractOne(key, list(choices), scorer=fuzz.ratio)
    if found is None or found[1] < KEY_SCORE:
        return None
    entry = choices[found[0]]
    return KeyMatch(entry.key, entry.role, float(found[1]))


def indicator_name(text: str) -> str:
    """A printed 一级/二级 indicator in its canonical spelling when the match is unambiguous."""
    key = key_text(text)
    choices = _choices(True)
    found = process.extract(key, list(choices), scorer=fuzz.ratio, limit=2)
    if not found or found[0][1] < NAME_SCORE:
        # A name merged with a neighbour's text (产出指标绩效指, a lost ruling line): the longest name inside.
        inside = [name for name in choices if name in key]
        return choices[max(inside, key=len)].key if inside else clean_text(text)
    if len(found) > 1 and found[0][1] < 100 and found[0][1] - found[1][1] < _NAME_MARGIN:
        return clean_text(text)
    return choices[found[0][0]].key


def clean_text(text: str, opening: bool = True) -> str:
    """Printed text without the spaces OCR puts between wrapped Chinese lines, beginning with no mark
    (a speck before the first word read as 。) and ending with one mark at most (specks after a
    sentence's stop read as 。.。).  ``opening=False``: the text goes on from a piece before it (a
    printed cell the grid split), and a mark it begins with is the sentence's own (≥95% | ，孕产妇)."""
    cleaned = one_final_mark(one_mark_between_words(SPACES.sub(" ", _SPACE_NEXT_TO_WIDE.sub("", text.strip()))))
    return cleaned.lstrip(STRAY_MARKS + " ") if opening else cleaned


def subject_name(value: str, kind: TableKind) -> str:
    """The form subject: the 项目名称 as printed, or the 部门名称 without its code (029-).

    Only the 整体 form prints a code before the name; a project may well be
    called 2024-2026年… and keeps its name whole.
    """
    if kind == TableKind.PERFORMANCE_OVERALL:
        return _CODE_PREFIX.sub("", value, count=1)
    return value
