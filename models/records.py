"""The record contract of ``../shared/RECORDS.md`` as typed, frozen models.

These are the only shapes that leave the pipeline: ``records.jsonl`` holds
:class:`Fact`, ``tables.jsonl`` holds :class:`TableRecord`, ``rejected.jsonl``
holds :class:`Rejection`.  Fields beyond the contract are additions only.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RECORDS_SCHEMA_VERSION = "1.0"


class TableKind(StrEnum):
    INCOME_EXPENDITURE_SUMMARY = "income_expenditure_summary"
    INCOME_SUMMARY = "income_summary"
    EXPENDITURE_SUMMARY = "expenditure_summary"
    APPROPRIATION_SUMMARY = "appropriation_summary"
    GENERAL_BUDGET_EXPENDITURE = "general_budget_expenditure"
    BASIC_EXPENDITURE_ECONOMIC = "basic_expenditure_economic"
    GOV_FUND_INCOME = "gov_fund_income"
    GOV_FUND_EXPENDITURE = "gov_fund_expenditure"
    STATE_CAPITAL = "state_capital"
    THREE_PUBLIC = "three_public"
    OPERATING_EXPENSES = "operating_expenses"
    PROJECT_CURRENT = "project_current"
    PROJECT_CARRYOVER = "project_carryover"
    PERFORMANCE_OVERALL = "performance_overall"
    PERFORMANCE_PROJECT = "performance_project"
    PROCUREMENT_CATALOG = "procurement_catalog"
    UNKNOWN = "unknown"


class ErrorCode(StrEnum):
    """Stable codes written to ``rejected.jsonl``; never renamed once released."""

    NOT_A_DOCUMENT = "not_a_document"
    ENCRYPTED = "encrypted"
    CORRUPT = "corrupt"
    TOO_LARGE = "too_large"
    EMPTY = "empty"
    NOT_FOUND = "not_found"
    # Not the input's fault: a defect of yusuan met on this input.  The batch goes on.
    INTERNAL_ERROR = "internal_error"


class ReviewReason(StrEnum):
    """Stable codes of ``Fact.reasons``; never renamed once released.

    Most say why a fact needs review (DOUBTING_REASONS); two only explain what was done
    to a fact or noticed about it (INFORMATIONAL_REASONS).
    """

    LOW_OCR_CONFIDENCE = "low_ocr_confidence"
    # The two OCR engines read the value or its label differently (pipeline.read.crosscheck).
    OCR_ENGINES_DISAGREE = "ocr_engines_disagree"
    ROW_SUM_MISMATCH = "row_sum_mismatch"
    HIERARCHY_SUM_MISMATCH = "hierarchy_sum_mismatch"
    CROSS_TABLE_MISMATCH = "cross_table_mismatch"
    CODE_NAME_MISMATCH = "code_name_mismatch"
    UNMATCHED_LABEL = "unmatched_label"
    # A value changed to the one OCR-plausible reading every identity it takes part in agrees with.
    CORRECTED_BY_ARITHMETIC = "corrected_by_arithmetic"
    # A sum off by exactly one cent with every cell read confidently: the document's own rounding.
    ROUNDING_DIFFERENCE = "rounding_difference"
    UNPARSEABLE_NUMBER = "unparseable_number"
    # The ink holds a loose mark (· 、 “) that the reading lacks, and no check vouches for the value.
    UNREAD_MARK = "unread_mark"
    # The value or a label opens a bracket it never closes, or closes one never opened (a lost mark).
    UNBALANCED_BRACKETS = "unbalanced_brackets"
    # A figure the 第三部分 prose states differs from the cell that prints it (pipeline.check.narrative).
    NARRATIVE_MISMATCH = "narrative_mismatch"
    # The cell's table was not recognised as any kind: its facts carry table "unknown".
    UNKNOWN_TABLE = "unknown_table"


# Reasons that explain a fact without doubting it: such a fact may still be accepted.
INFORMATIONAL_REASONS = frozenset({ReviewReason.CORRECTED_BY_ARITHMETIC, ReviewReason.ROUNDING_DIFFERENCE})
# Reasons that come from the confidence itself being low (added when it is, not evidence of their own).
LOW_CONFIDENCE_REASONS = frozenset({ReviewReason.LOW_OCR_CONFIDENCE, ReviewReason.OCR_ENGINES_DISAGREE})
# Reasons that doubt a fact whatever its confidence: a fact with one is never accepted.
DOUBTING_REASONS = frozenset(ReviewReason) - INFORMATIONAL_REASONS - LOW_CONFIDENCE_REASONS


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Fact(_Frozen):
    """One non-empty cell of a recognised table (one line of records.jsonl)."""

    document: str
    source: str
    page: int = Field(ge=1)
    table: TableKind
    code: str | None
    labels: list[str]
    raw_labels: list[str]
    column: str
    value: str
    kind: Literal["number", "text"]
    unit: str | None
    raw: str
    confidence: float = Field(ge=0.0, le=1.0)
    status: Literal["accepted", "needs_review"]
    reasons: list[str]
    bbox: list[float] = Field(min_length=4, max_length=4)
    # Additions to the contract (allowed: "extend it only by adding fields").
    form: str | None = None
    code_source: Literal["printed", "implied"] | None = None
    # 一般公共预算安排基本支出分经济科目表: the row's 政府预算支出经济分类 code (``code`` holds
    # the 部门预算支出经济分类 one), when its second name column matches the catalog.
    gov_code: str | None = None
    # How the value was read: "text_layer" (a born-digital page's own text, no OCR) or the OCR
    # engine that read it ("rapidocr", "tesseract"); None where nothing says.
    read_by: str | None = None


class TableCell(_Frozen):
    row: int = Field(ge=0)
    col: int = Field(ge=0)
    row_span: int = Field(ge=1)
    col_span: int = Field(ge=1)
    text: str
    confidence: float = Field(ge=0.0, le=1.0)
    # Addition: the cell on its page as fractions, so an operator can see it.
    bbox: list[float] | None = None


class TableRecord(_Frozen):
    """One table region on one page (one line of tables.jsonl)."""

    document: str
    source: str
    page: int = Field(ge=1)
    table: TableKind
    title: str
    unit: str | None
    bbox: list[float] = Field(min_length=4, max_length=4)
    n_rows: int = Field(ge=0)
    n_cols: int = Field(ge=0)
    cells: list[TableCell]
    html: str
    # Additions: continuation pages, and the page an operator opens to see every cell:
    # "<source>#page=N&rotate=<quarter turns cw>&deskew=<deg ccw>&size=WxH" — the boxes
    # are fractions of that upright, deskewed page.
    continued: bool = False
    page_image: str | None = None


class Rejection(_Frozen):
    """One input that could not be read (one line of rejected.jsonl)."""

    source: str
    error: ErrorCode
    message: str
