"""The record contract of ``../shared/RECORDS.md`` as typed, frozen models.

These are the only shapes that leave the pipeline: ``records.jsonl`` holds
:class:`Fact`, ``tables.jsonl`` holds :class:`TableRecord`, ``rejected.jsonl``
holds :class:`Rejection`.  Fields beyond the contract are additions only.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models.evidence import TableSignals

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
    # A page whose rendering did not finish within the per-page time limit (a page failure's category).
    TIMEOUT = "timeout"


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
    # An amount read through its column's printed format (3.015.24 -> 3015.24: a separator misread);
    # when no identity confirms it, it also gets unparseable_number and goes to review.
    NUMBER_FORMAT_REPAIRED = "number_format_repaired"
    UNPARSEABLE_NUMBER = "unparseable_number"
    # An amount printed with other decimals than the rest of its column (4 where it prints 4.00): a
    # point or digits lost, or a printed column number read into the cell; kept only where no
    # identity confirms the value.
    NUMBER_FORMAT_UNLIKE_COLUMN = "number_format_unlike_column"
    # The ink holds a loose mark (· 、 “) that the reading lacks, and no check vouches for the value.
    UNREAD_MARK = "unread_mark"
    # The value or a label opens a bracket it never closes, or closes one never opened (a lost mark).
    UNBALANCED_BRACKETS = "unbalanced_brackets"
    # The code column holds digits that make no code (0805 for 20805): a digit lost or gained.
    UNREADABLE_CODE = "unreadable_code"
    # A form's value reads a bare > or < (95% or 100% after it): the national 绩效目标 forms print ≥
    # and ≤, and recognisers read those as > and < in some typefaces (Kai), both engines alike.
    COMPARISON_SIGN_UNSURE = "comparison_sign_unsure"
    # The document's numbers break their identities more often than in any document the confidence
    # model was fitted on (a look it has not seen): none of its facts is accepted on the model's word.
    SCAN_QUALITY_UNFAMILIAR = "scan_quality_unfamiliar"
    # A figure the 第三部分 prose states differs from the cell that prints it (pipeline.check.narrative).
    NARRATIVE_MISMATCH = "narrative_mismatch"
    # A form value whose key takes values of a fixed shape fits none: a 项目属性 not among the national
    # choices, a 主管部门及代码 cut short, a 填报日期 with digits lost (pipeline.check.shapes).
    VALUE_UNLIKE_KEY = "value_unlike_key"
    # A text read by OCR prints one Chinese character twice running (补补助) and no second engine read
    # it alike: a recogniser's stutter (pipeline.interpret.facts.with_doubled_character_reasons).
    DOUBLED_CHARACTER = "doubled_character"
    # The cell's table was not recognised as any kind: its facts carry table "unknown".
    UNKNOWN_TABLE = "unknown_table"
    # The table's grid or header does not fit what its kind can be (columns too many or too few for
    # the national format, headers that fit no column): no fact of it is vouched for.
    TABLE_STRUCTURE_DOUBTFUL = "table_structure_doubtful"
    # An operator looked at the fact (``yusuan review``) and accepted it as read.
    ACCEPTED_BY_OPERATOR = "accepted_by_operator"
    # An operator replaced the value, code or label with their own (``raw`` keeps the OCR text).
    CORRECTED_BY_OPERATOR = "corrected_by_operator"
    # An operator said the cell is not a fact (a header, a stray mark read as a value): exports leave it out.
    NOT_A_FACT = "not_a_fact"


# Decisions an operator takes in ``yusuan review``: the reason each leaves on the fact.
OPERATOR_REASONS = frozenset({ReviewReason.ACCEPTED_BY_OPERATOR, ReviewReason.CORRECTED_BY_OPERATOR,
                              ReviewReason.NOT_A_FACT})
# Reasons that explain a fact without doubting it: such a fact may still be accepted.
INFORMATIONAL_REASONS = frozenset({ReviewReason.CORRECTED_BY_ARITHMETIC, ReviewReason.ROUNDING_DIFFERENCE,
                                   ReviewReason.NUMBER_FORMAT_REPAIRED}) | OPERATOR_REASONS
# Reasons that come from the confidence itself being low (added when it is, not evidence of their own).
LOW_CONFIDENCE_REASONS = frozenset({ReviewReason.LOW_OCR_CONFIDENCE, ReviewReason.OCR_ENGINES_DISAGREE})
# Reasons that doubt a fact whatever its confidence: a fact with one is never accepted.
DOUBTING_REASONS = frozenset(ReviewReason) - INFORMATIONAL_REASONS - LOW_CONFIDENCE_REASONS


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GridSlot(_Frozen):
    """Where a fact's cell sits in the grid it was read from: the document's table (0-based, the
    order of tables.jsonl) and the cell's first row and column with its spans (a merged cell whole)."""

    table: int = Field(ge=0)
    row: int = Field(ge=0)
    col: int = Field(ge=0)
    row_span: int = Field(default=1, ge=1)
    col_span: int = Field(default=1, ge=1)


class Reading(_Frozen):
    """One engine's reading of a cell the fact rests on (its value, a label or its code)."""

    part: Literal["value", "label", "code"]
    engine: str  # the engine's name (rapidocr, tesseract)
    text: str
    # The engine's own score, 0..1; None where only the agreement with the first reading is kept.
    confidence: float | None = None
    # How closely this reading matches the first engine's, 0..1 (the cross-check's readings only).
    agreement: float | None = None


# A cell of a document's grids: (table, row, col) as in GridSlot.
CellRef = tuple[int, int, int]


class BrokenIdentity(_Frozen):
    """An arithmetic identity the fact takes part in that does not add up, and what would close it."""

    reason: str  # the ReviewReason it gave (row_sum_mismatch, hierarchy_sum_mismatch, ...)
    identity: str  # the identity in words: "合计 = 基本支出 + 项目支出 (2010101 行政运行)"
    # The value this fact would need, every other cell as read, for the identity to hold.
    expected: str
    total: list[CellRef]  # the cells summed on the left ...
    parts: list[CellRef]  # ... and on the right


class FactEvidence(_Frozen):
    """What the confidence was computed from (models.Evidence and the identities kept and broken)."""

    ocr_confidence: float
    agreement: float | None = None
    unexplained_ink: float = 0.0
    unread_marks: int = 0
    checks_passed: int = 0
    checks_failed: int = 0
    # What the fact's table and document said (models.TableSignals): a fact judged again after an
    # operator's correction (pipeline.score.confidence.refinish) keeps its table's doubts.  None on
    # records written before it was kept.
    table: TableSignals | None = None


class Review(_Frozen):
    """An operator's decision on the fact (``yusuan review``)."""

    action: Literal["accepted", "corrected", "not_a_fact"]
    by: str
    at: datetime


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
    # The evidence an operator reviews the fact with (issue 11).  The upright page image ``bbox``
    # refers to: the sha256 of its PNG, kept under the data directory (pages/<2 hex>/<sha256>.png).
    page_image_sha256: str | None = None
    grid_cell: GridSlot | None = None
    # Every engine's reading of the cells the fact rests on, the value's first.
    readings: list[Reading] = []
    # Identities the fact takes part in that do not add up, each with the value that would close it.
    broken_identities: list[BrokenIdentity] = []
    evidence: FactEvidence | None = None
    # Set once an operator has decided (then ``reasons`` says so too: accepted_by_operator, ...).
    review: Review | None = None
    # Analysts' additions: whose budget and which year (pipeline.interpret.identity, one decision
    # per document), the column with its years said relative to that year (``2025年预算数/合计``
    # of a 2025 disclosure -> ``本年预算数/合计``; ``column`` stays as printed), and a number's
    # amount in 元 as an exact decimal string (``1030.50`` 万元 -> ``10305000.00``; None for text
    # and for numbers without a money unit).
    fiscal_year: int | None = None
    department: str | None = None
    column_key: str | None = None
    amount_yuan: str | None = None
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
    # The sha256 of the upright page image's PNG kept under the data directory (as Fact's).
    page_image_sha256: str | None = None
    # Addition: how many rows at the top are the column header (a 栏次 row under it included),
    # so a spreadsheet can freeze them; None for forms, which have no column header.
    header_rows: int | None = None


class Rejection(_Frozen):
    """One input that could not be read (one line of rejected.jsonl)."""

    source: str
    error: ErrorCode
    message: str
