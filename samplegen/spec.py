"""The document spec: a disclosure transcribed by hand, from which samples are built.

A spec describes what is *printed*: each table as rows of cells placed like an
HTML ``<table>`` (a cell with ``colspan``/``rowspan`` covers the slots to its
right/below; later rows skip covered slots).  It also carries the few
annotations a person adds while transcribing (which columns hold labels, codes
and values; codes a row implies without printing), so that the truth facts are
derived from the transcription, never from the pipeline under test.

Files live in ``samples/spec/*.json``; ``python -m samplegen`` renders them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models.records import TableKind


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SpecCell(_Spec):
    text: str = ""
    colspan: int = Field(default=1, ge=1)
    rowspan: int = Field(default=1, ge=1)
    # None: numbers right-aligned, header cells centred, other text left-aligned.
    align: Literal["left", "center", "right"] | None = None


SpecRow = list[str | SpecCell]


class LedgerGroup(_Spec):
    """One logical row group of a ledger table (side-by-side tables have two).

    Column indices are grid slots after span placement, 0-based.
    """

    label_cols: list[int]
    code_col: int | None = None
    value_cols: list[int]


class ImpliedCode(_Spec):
    """A code the row implies but does not print (e.g. 一、一般公共服务支出 -> 201)."""

    row: int  # index into SpecTable.rows
    group: int = 0
    code: str


class FormFact(_Spec):
    """A fact of a performance form or other key/value layout, written out by hand."""

    labels: list[str]
    column: str = ""
    value: str
    kind: Literal["number", "text"] = "text"
    unit: str | None = None
    row: int  # the grid slot (row, col) of the value cell, to locate its bbox
    col: int


class SpecTable(_Spec):
    kind: TableKind
    caption: str | None = None  # e.g. 预算公开表3, printed above the title
    title: str  # e.g. 2025年预算支出总表
    department: str | None = None  # e.g. 部门名称：山阴县商务局（部门）
    unit: str | None = None  # 万元 / 元; rendered as 单位：万元
    orientation: Literal["portrait", "landscape"] = "landscape"
    header_rows: int = Field(ge=0)  # leading rows repeated on continuation pages
    number_rows: list[int] = []  # header rows holding column numbers 1 2 3 ... (not a header level)
    col_widths: list[float] | None = None  # relative widths per grid column
    rows: list[SpecRow]
    layout: Literal["ledger", "catalog", "form"]
    groups: list[LedgerGroup] = []
    implied_codes: list[ImpliedCode] = []
    form_subject: str | None = None  # forms: 项目名称 or 部门名称
    form_facts: list[FormFact] = []
    note: str | None = None  # e.g. 注：本表无数据, printed under the table
    max_body_rows_per_page: int | None = None  # force a continuation page


class DocumentSpec(_Spec):
    name: str  # file stem of the samples built from it
    department: str
    year: int
    source: str  # where the transcription came from
    tables: list[SpecTable]
    # 第三部分 (部门预算情况说明): paragraphs typeset on pages after the tables; headings
    # are paragraphs of their own.  They state figures the tables print.
    narrative: list[str] = []
