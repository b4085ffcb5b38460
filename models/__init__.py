"""Frozen record and geometry types. Imports nothing from ``pipeline``."""

from models.document import DocumentInfo, PageRef
from models.geometry import BBox, Grid, GridCell, Token
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
    "PageRef",
    "ErrorCode",
    "Fact",
    "Grid",
    "GridCell",
    "RECORDS_SCHEMA_VERSION",
    "Rejection",
    "ReviewReason",
    "TableCell",
    "TableKind",
    "TableRecord",
    "Token",
]
