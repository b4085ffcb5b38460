"""What a form key's value can look like, and the values that do not (data/form_keys.csv, value_shape).

Most of the 绩效目标 forms' keys take free text, but some take a value of a fixed shape: a count
(内设职能部门数: 7个), a department with its code (主管部门及代码: 029-山阴县商务局（部门）), one of
the national choices (项目属性: data/form_choices.csv), a number of years (项目期: 99年), a
timestamp (填报日期: 20250221170333).  The shape is a check no arithmetic gives text:

* a value that fits its shape once the marks after it are dropped had a speck read after it
  (经常性项目（长期开展）。): the marks go, the shape vouches for the rest;
* a value that fits no shape lost or gained characters (延续性项, 207-, a timestamp two digits
  short) and gets ``value_unlike_key``, whatever its confidence;
* a department with its code whose name is a piece of the document's department, or that
  name with a character or two misread (207-阳高 in 阳高县教育局's disclosure), the same.

Values are compared NFKC-normalised and simplified (pipeline.text.normalize); the value kept is
the one read, never respelt to the choice it matches.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from functools import cache
from importlib import resources

from rapidfuzz.distance import Levenshtein

from models import FORM_KINDS, ReviewReason
from pipeline.interpret.facts import DraftFact
from pipeline.interpret.forms.vocabulary import vocabulary
from pipeline.text import STRAY_MARKS, normalize


class Shape(StrEnum):
    """The shapes of form_keys.csv's ``value_shape`` column (blank: free text)."""

    COUNT = "count"  # digits and a measure word: 7个, 42人
    DEPARTMENT_CODE = "department_code"  # a code, a dash, a department: 029-山阴县商务局（部门）
    CHOICE = "choice"  # one of the key's rows in form_choices.csv
    YEARS = "years"  # 1年, 99年
    TIMESTAMP = "timestamp"  # 20250221170333, or a date: 2025-02-21, 2025年2月21日
    NAME = "name"  # a unit's name: free, but never ending in a mark


_COUNT = re.compile(r"^\d{1,6}[个人名家所]$")
_DEPARTMENT_CODE = re.compile(r"^(\d{2,6})[-－—–](.+?)(?:\(部门\))?$")
_YEARS = re.compile(r"^\d{1,3}年$")
_DATE = re.compile(r"^(\d{4})(?:[-./年])(\d{1,2})(?:[-./月])(\d{1,2})日?$")
# A department's code is printed before its name; its name is at least 县 + 局 long.
_MIN_NAME_CHARS = 3
# Characters a name read against the document's department may differ by and still be taken as
# that department misread (山阴县商务居 for 山阴县商务局), not another department.
_MAX_MISREAD_CHARS = 2
_TRAILING_MARKS = STRAY_MARKS + " "


@cache
def value_shapes() -> dict[str, Shape]:
    """Key (canonical spelling) -> the shape of its values, for the keys that have one."""
    return {entry.key: Shape(entry.value_shape) for entry in vocabulary() if entry.value_shape}


@cache
def value_choices() -> dict[str, frozenset[str]]:
    """Key -> the values the national format lets it take (normalised), for Shape.CHOICE keys."""
    choices: dict[str, set[str]] = {}
    with resources.files("pipeline.data").joinpath("form_choices.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            choices.setdefault(row["key"], set()).add(normalize(row["value"]))
    return {key: frozenset(values) for key, values in choices.items()}


def fits(shape: Shape, key: str, value: str, department: str | None) -> bool:
    """Whether ``value`` (normalised) is a value of ``shape`` for ``key`` in ``department``'s document."""
    if not value or value[-1] in _TRAILING_MARKS:
        return False  # no shape ends in a mark: a name, a count or a date never does
    if shape is Shape.COUNT:
        return bool(_COUNT.match(value))
    if shape is Shape.YEARS:
        return bool(_YEARS.match(value))
    if shape is Shape.CHOICE:
        return value in value_choices().get(key, frozenset())
    if shape is Shape.TIMESTAMP:
        return _is_timestamp(value)
    if shape is Shape.DEPARTMENT_CODE:
        found = _DEPARTMENT_CODE.match(value)
        return found is not None and _is_department(found.group(2), department)
    return True  # Shape.NAME: any text not ending in a mark


def _is_timestamp(value: str) -> bool:
    if value.isdigit() and len(value) == 14:
        try:
            datetime.strptime(value, "%Y%m%d%H%M%S")
        except ValueError:
            return False
        return True
    found = _DATE.match(value)
    if found is None:
        return False
    try:
        datetime(*(int(part) for part in found.groups()))
    except ValueError:
        return False
    return True


def _is_department(name: str, department: str | None) -> bool:
    """A whole department's name: not a piece of the document's own, nor its own misread.  Another
    department (a unit's disclosure names its 主管部门) fits as long as it is long enough."""
    if len(name) < _MIN_NAME_CHARS:
        return False
    if department is None:
        return True
    own = normalize(department)
    if name == own:
        return True
    if own.startswith(name) or own.endswith(name):
        return False  # cut short
    return not (len(name) == len(own) and Levenshtein.distance(name, own) <= _MAX_MISREAD_CHARS)


def with_value_shapes(drafts: Iterable[DraftFact], department: str | None) -> list[DraftFact]:
    """The drafts with each shaped form value checked: marks after a value that fits its shape
    without them dropped, and ``value_unlike_key`` on a value that fits it in no way."""
    return [_shaped(draft, department) for draft in drafts]


def _shaped(draft: DraftFact, department: str | None) -> DraftFact:
    shape = _shape_of(draft)
    if shape is None or not draft.value.strip():
        return draft
    key = draft.labels[0]
    if fits(shape, key, normalize(draft.value), department):
        return draft
    stripped = draft.value.rstrip(_TRAILING_MARKS)
    if stripped != draft.value and fits(shape, key, normalize(stripped), department):
        return replace(draft, value=stripped)
    if ReviewReason.VALUE_UNLIKE_KEY in draft.reasons:
        return draft
    return replace(draft, reasons=draft.reasons + (ReviewReason.VALUE_UNLIKE_KEY,))


def _shape_of(draft: DraftFact) -> Shape | None:
    """The shape of a form key/value fact's value (its one label is the key), if its key has one."""
    if draft.kind not in FORM_KINDS or draft.value_kind != "text" or len(draft.labels) != 1 or draft.column:
        return None
    return value_shapes().get(draft.labels[0])
