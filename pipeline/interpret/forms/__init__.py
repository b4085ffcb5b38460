"""Performance-target forms (绩效目标表) to facts.

A form is not a ledger: it has no column header, and its grid mixes four kinds
of rows, told apart by the printed words in them (matched to the vocabulary in
``data/form_keys.csv``, so OCR damage such as 安全总额 for 资金总额 still reads):

* key/value rows: ``key | value | key | value`` (部门名称, 实施期资金总额 …);
  the fact is ``labels = [key]``, ``column = ""``.  Merged cells are read through
  the cell that covers the slot, so a key merged down over several rows still
  names the values beside it, and a value merged down is read once.
* a key followed by column headers (总体目标 | 实施期目标 | 年度目标, or
  年度重点工作 | 核心职能 | 重点工作): the rows under it give ``labels = [key]``
  and ``column`` = the header above the value.
* an indicator header (一级指标 | 二级指标 | 三级指标 | 指标值 [| 二级 | 三级 | 指标值]):
  the rows under it give ``labels = [一级, 二级, 三级]`` and ``column`` 指标值, or
  ``实施期/指标值`` and ``年度/指标值`` when the form prints both periods.
* layout rows (section labels, sub-headers) that give no fact of their own but
  may state the money unit (资金总额（万元）, 项目资金（元）).

A form can run over several pages: its continuation is another ResolvedTable
with ``continued=True``.  Forms are therefore read over the whole document,
with the open block (indicator or column block), the unit and the subject
carried from page to page.  Every fact carries the form's subject: its
项目名称, or the 部门名称 of the 整体 form without a leading code (029-).
Whether its money adds up is checked with every other table's arithmetic, by
pipeline.check.validate.
"""

from pipeline.interpret.forms.facts import form_facts_for_document
from pipeline.interpret.forms.vocabulary import Role, indicator_name, match_key, subject_name, vocabulary

__all__ = ["Role", "form_facts_for_document", "indicator_name", "match_key", "subject_name", "vocabulary"]
