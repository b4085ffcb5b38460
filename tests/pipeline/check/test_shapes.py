"""Form values of keys with a fixed shape (pipeline.check.shapes): specks after them dropped where the
shape vouches for the rest, values that fit no shape doubted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models import BBox, Evidence, ReviewReason, TableKind
from models.records import DOUBTING_REASONS
from pipeline.check.shapes import Shape, fits, value_choices, value_shapes, with_value_shapes
from pipeline.interpret.facts import DraftFact

SAMPLES = Path(__file__).resolve().parents[3] / "samples"


def _form_draft(key: str, value: str, kind: TableKind = TableKind.PERFORMANCE_PROJECT, column: str = "",
                reasons: tuple[str, ...] = ()) -> DraftFact:
    return DraftFact(table_index=0, kind=kind, page=1, row=0, col=1, code=None, code_source=None,
                     labels=(key,), raw_labels=(key,), column=column, value=value, value_kind="text", unit=None,
                     raw=value, evidence=Evidence(ocr_confidence=0.99), bbox=BBox(0, 0, 1, 1), reasons=reasons,
                     form="某项目")


def _checked(key: str, value: str, department: str | None = "阳高县教育局") -> DraftFact:
    (draft,) = with_value_shapes([_form_draft(key, value)], department)
    return draft


@pytest.mark.parametrize(("key", "value"), [
    ("项目属性", "经常性项目（长期开展）"),
    ("项目属性", "一次性项目(1年结束)"),  # the brackets as a recogniser gives them
    ("主管部门及代码", "207-阳高县教育局（部门）"),
    ("主管部门及代码", "207-阳高县教育局"),
    ("主管部门及代码", "118-阳高县卫生健康局（部门）"),  # a unit's disclosure names another department
    ("内设职能部门数", "7个"),
    ("在职人员编制数", "42人"),
    ("项目期", "99年"),
    ("填报日期", "20250221170333"),
    ("填报日期", "2025年2月21日"),
    ("实施单位", "阳高县教育事业发展中心"),
])
def test_a_value_of_its_key_shape_is_left_as_read(key: str, value: str) -> None:
    draft = _checked(key, value)
    assert (draft.value, draft.reasons) == (value, ())


@pytest.mark.parametrize(("key", "read", "kept"), [
    ("项目属性", "经常性项目(长期开展)。", "经常性项目(长期开展)"),
    ("主管部门及代码", "207-阳高县教育局（部门)。", "207-阳高县教育局（部门)"),
    ("内设职能部门数", "3个。", "3个"),
    ("项目期", "2年.", "2年"),
    ("实施单位", "阳高县教育局、", "阳高县教育局"),
])
def test_a_speck_after_a_value_its_shape_vouches_for_is_dropped(key: str, read: str, kept: str) -> None:
    draft = _checked(key, read)
    assert (draft.value, draft.reasons) == (kept, ())


@pytest.mark.parametrize(("key", "value"), [
    ("项目属性", "延续性项"),  # cut short
    ("项目属性", "延续性项目（阶段开展)。x"),
    ("主管部门及代码", "207-"),
    ("主管部门及代码", "207-阳高"),  # a piece of the document's department
    ("主管部门及代码", "207-阳高县教肓局（部门）"),  # the department misread
    ("主管部门及代码", "阳高县教育局（部门）"),  # its code lost
    ("内设职能部门数", "7"),
    ("项目期", "9"),
    ("填报日期", "202508095214"),  # two digits lost
    ("填报日期", "20251321170333"),  # no 13th month
])
def test_a_value_that_fits_no_shape_of_its_key_is_doubted(key: str, value: str) -> None:
    draft = _checked(key, value)
    assert draft.value == value
    assert draft.reasons == (ReviewReason.VALUE_UNLIKE_KEY,)
    assert ReviewReason.VALUE_UNLIKE_KEY in DOUBTING_REASONS


def test_free_text_keys_indicators_and_amounts_are_not_shaped() -> None:
    free = _form_draft("总体目标", "完成全县教师培训。")
    indicator = _form_draft("项目期", "9", column="年度/指标值")  # a column: not a key/value pair
    table_cell = _form_draft("项目期", "9", kind=TableKind.BASIC_EXPENDITURE_ECONOMIC)
    assert with_value_shapes([free, indicator, table_cell], "阳高县教育局") == [free, indicator, table_cell]


def test_a_department_is_only_compared_with_the_document_when_the_document_names_one() -> None:
    assert _checked("主管部门及代码", "207-阳高县教育局", department=None).reasons == ()
    assert _checked("主管部门及代码", "207-阳高", department=None).reasons == (ReviewReason.VALUE_UNLIKE_KEY,)


def test_every_shaped_value_of_the_samples_truth_fits_its_shape() -> None:
    """The shapes describe what the forms print: every value of a shaped key in the four synthetic
    departments' truth (built from the seed's format) fits, in its own document's department."""
    shapes = value_shapes()
    checked = 0
    for truth in sorted(SAMPLES.glob("*/truth/*_digital.records.jsonl")):
        records = [json.loads(line) for line in truth.read_text(encoding="utf-8").splitlines()]
        departments = {r["value"].split("-", 1)[1].removesuffix("（部门）") for r in records
                       if r["labels"] == ["主管部门及代码"]}
        (department,) = departments
        for record in records:
            key = record["labels"][0] if len(record["labels"]) == 1 else None
            if record["table"].startswith("performance") and key in shapes and not record["column"] and record["value"]:
                assert fits(shapes[key], key, _normalised(record["value"]), department), record
                checked += 1
    assert checked > 100


def test_the_shapes_data_names_a_known_shape_and_every_choice_key_has_choices() -> None:
    shapes = value_shapes()
    assert {key for key, shape in shapes.items() if shape is Shape.CHOICE} <= set(value_choices())
    assert value_choices()["项目属性"] == {"一次性项目(1年结束)", "延续性项目(阶段开展)", "经常性项目(长期开展)"}


def _normalised(value: str) -> str:
    from pipeline.text import normalize

    return normalize(value)
