"""Frozen record and geometry types. Imports nothing from ``pipeline``."""

from models.document import DocumentInfo, PageRef
from models.evidence import Evidence, combine
from models.geometry import BBox, Grid, GridCell
from models.results import DocumentResult, Orientation, PageFailure, PageResult, PageTable, Sheet, TextPhrase
from models.kinds import FORM_KINDS, FUNCTIONAL_CODE_KINDS, LEDGER_KINDS, SIDE_BY_SIDE_KINDS, UNIT_ROW_KINDS
from models.records import (
    DOUBTING_REASONS,
    INFORMATIONAL_REASONS,
    LOW_CONFIDENCE_REASONS,
    RECORDS_SCHEMA_VERSION,
    ErrorCode,
    Fact,
    Rejection,
    ReviewReason,
    TableCell,
    TableKind,
    TableRecord,
)

__all__ = [
    "DOUBTING_REASONS",
    "FORM_KINDS",
    "FUNCTIONAL_CODE_KINDS",
    "INFORMATIONAL_REASONS",
    "LEDGER_KINDS",
    "LOW_CONFIDENCE_REASONS",
    "SIDE_BY_SIDE_KINDS",
    "UNIT_ROW_KINDS",
    "BBox",
    "DocumentInfo",
    "DocumentResult",
    "PageRef",
    "ErrorCode",
    "Evidence",
    "Fact",
    "Grid",
    "GridCell",
    "Orientation",
    "PageFailure",
    "PageResult",
    "PageTable",
    "TextPhrase",
    "RECORDS_SCHEMA_VERSION",
    "Rejection",
    "ReviewReason",
    "Sheet",
    "TableCell",
    "TableKind",
    "TableRecord",
    "combine",
]
