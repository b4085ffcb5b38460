"""Sets of table kinds the stages treat alike, defined once."""

from __future__ import annotations

from models.records import TableKind

# Performance-target forms: key/value grids without a column header, read over the whole document.
FORM_KINDS = frozenset({TableKind.PERFORMANCE_OVERALL, TableKind.PERFORMANCE_PROJECT})
# Two logical tables side by side under 收入 and 支出: each printed row holds two rows.
SIDE_BY_SIDE_KINDS = frozenset({TableKind.INCOME_EXPENDITURE_SUMMARY, TableKind.APPROPRIATION_SUMMARY})
# Ledgers: a column header over rows of labels, codes and amounts (every kind but forms, the 目录 and unknown).
LEDGER_KINDS = frozenset(TableKind) - FORM_KINDS - {TableKind.PROCUREMENT_CATALOG, TableKind.UNKNOWN}
# Ledgers whose rows print 支出功能分类 codes (201, 20101, 2010101).
FUNCTIONAL_CODE_KINDS = frozenset({
    TableKind.INCOME_SUMMARY, TableKind.EXPENDITURE_SUMMARY, TableKind.GENERAL_BUDGET_EXPENDITURE,
    TableKind.GOV_FUND_INCOME, TableKind.GOV_FUND_EXPENDITURE, TableKind.STATE_CAPITAL,
})
# Ledgers whose rows name a project or an implementing unit rather than a 科目.
UNIT_ROW_KINDS = frozenset({TableKind.PROJECT_CURRENT, TableKind.PROJECT_CARRYOVER, TableKind.OPERATING_EXPENSES})
