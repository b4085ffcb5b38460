"""Frozen record and geometry types. Imports nothing from ``pipeline``."""

from models.document import DocumentInfo, PageRef
from models.evidence import Evidence, combine
from models.geometry import BBox, Grid, GridCell
from models.results import DocumentResult, Orientation, PageFailure, PageResult, PageTable, TextPhrase
from models.records import (
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
    "TableCell",
    "TableKind",
    "TableRecord",
    "combine",
]
