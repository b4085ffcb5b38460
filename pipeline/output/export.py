"""``yusuan export``: the ingest database as files an analyst opens (CSV, Parquet, JSON Lines, Excel).

Two files per export, in ``out_dir``:

- ``facts.<ext>``: one row per fact, the record contract's fields (``document``,
  ``source``, ``page``, ``table``, ``code``, ``labels``, ...), plus the document's
  ``pipeline_version`` and ``amount`` (``value`` as a number, for sums in Excel), and an operator's
  decision (``review``: accepted or corrected, ``reviewed_by``; ``yusuan review``).  With a decision,
  ``value``, ``code`` and ``labels`` are the operator's and ``reasons`` says so; a cell an operator
  said is not a fact is left out.
- ``tables.<ext>``: the tables as printed, one row per grid cell (``document``,
  ``source``, ``pipeline_version``, ``page``, ``table_index``, ``table``, ``title``,
  ``unit``, ``row``, ``col``, ``row_span``, ``col_span``, ``text``, ``confidence``).

Lists (``labels``, ``raw_labels``, ``reasons``, ``bbox``) are native in JSON Lines
and Parquet and JSON text in CSV and Excel.  CSV is UTF-8 with a BOM so Excel
shows Chinese; JSON Lines is plain UTF-8.  Rows are streamed from the database
in chunks, so a large database is never held in memory; a file appears under
its final name only once it is complete.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from sqlalchemy import Connection, Select, func, or_, select
from sqlalchemy.engine import make_url

from pipeline.output.store import open_store
from pipeline.output.store.schema import CellRow, DocumentRow, FactRow, TableRow

ExportFormat = Literal["csv", "parquet", "jsonl", "xlsx"]
FORMATS: tuple[str, ...] = get_args(ExportFormat)
EXTENSIONS = {"csv": "csv", "parquet": "parquet", "jsonl": "jsonl", "xlsx": "xlsx"}
CHUNK_ROWS = 5_000
XLSX_MAX_ROWS = 1_048_576  # Excel's sheet limit, header included; more rows go on facts_2, facts_3, ...

# Column kinds: str, int, float, list of str, list of float.
Kind = Literal["str", "int", "float", "strs", "floats"]


@dataclass(frozen=True)
class Dataset:
    name: str
    columns: tuple[tuple[str, Kind], ...]
    query: Callable[[bool], Select[Any]]


def _latest_ids() -> Select[Any]:
    """The most recently stored version of each file (the views' is_latest)."""
    return select(func.max(DocumentRow.id)).group_by(DocumentRow.sha256)


def _facts_query(latest_only: bool) -> Select[Any]:
    d, f = DocumentRow, FactRow
    query = (
        select(
            d.sha256, d.source, d.pipeline_version, f.page, f.kind, f.code, f.labels, f.raw_labels,
            f.column_path, f.value, f.amount, f.value_kind, f.unit, f.raw, f.confidence, f.status,
            f.reasons, f.bbox, f.form, f.code_source, f.gov_code, f.review_state, f.reviewed_by,
        )
        .join(d, d.id == f.document_id)
        # A cell an operator said is no fact stays stored (and audited), but is not exported.
        .where(or_(f.review_state.is_(None), f.review_state != "not_a_fact"))
        .order_by(d.id, f.ordinal)
    )
    return query.where(d.id.in_(_latest_ids())) if latest_only else query


def _tables_query(latest_only: bool) -> Select[Any]:
    d, t, c = DocumentRow, TableRow, CellRow
    query = (
        select(
            d.sha256, d.source, d.pipeline_version, t.page, t.ordinal, t.kind, t.title, t.unit,
            c.row, c.col, c.row_span, c.col_span, c.text, c.confidence,
        )
        .join(t, t.id == c.table_id)
        .join(d, d.id == t.document_id)
        .order_by(d.id, t.ordinal, c.row, c.col)
    )
    return query.where(d.id.in_(_latest_ids())) if latest_only else query


FACTS = Dataset(
    "facts",
    (
        ("document", "str"), ("source", "str"), ("pipeline_version", "str"), ("page", "int"),
        ("table", "str"), ("code", "str"), ("labels", "strs"), ("raw_labels", "strs"), ("column", "str"),
        ("value", "str"), ("amount", "float"), ("kind", "str"), ("unit", "str"), ("raw", "str"),
        ("confidence", "float"), ("status", "str"), ("reasons", "strs"), ("bbox", "floats"),
        ("form", "str"), ("code_source", "str"), ("gov_code", "str"), ("review", "str"), ("reviewed_by", "str"),
    ),
    _facts_query,
)

TABLES = Dataset(
    "tables",
    (
        ("document", "str"), ("source", "str"), ("pipeline_version", "str"), ("page", "int"),
        ("table_index", "int"), ("table", "str"), ("title", "str"), ("unit", "str"), ("row", "int"),
        ("col", "int"), ("row_span", "int"), ("col_span", "int"), ("text", "str"), ("confidence", "float"),
    ),
    _tables_query,
)


# --- writers ------------------------------------------------------------------


def _json_text(value: object) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _flat(row: Sequence[Any], kinds: Sequence[Kind]) -> list[Any]:
    """A row for a flat format: lists as JSON text."""
    return [_json_text(v) if k in ("strs", "floats") else v for v, k in zip(row, kinds, strict=True)]


class _Writer:
    def __init__(self, path: Path, dataset: Dataset) -> None:
        self.path = path
        self.names = [name for name, _ in dataset.columns]
        self.kinds = [kind for _, kind in dataset.columns]

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class _CsvWriter(_Writer):
    def __init__(self, path: Path, dataset: Dataset) -> None:
        super().__init__(path, dataset)
        # utf-8-sig writes the BOM Excel needs to read UTF-8; newline="" lets csv end lines itself.
        self._file = path.open("w", encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow(self.names)

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        self._csv.writerows(_flat(row, self.kinds) for row in rows)

    def close(self) -> None:
        self._file.close()


class _JsonlWriter(_Writer):
    def __init__(self, path: Path, dataset: Dataset) -> None:
        super().__init__(path, dataset)
        self._file = path.open("w", encoding="utf-8", newline="\n")

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        for row in rows:
            record = dict(zip(self.names, row, strict=True))
            self._file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self._file.close()


class _ParquetWriter(_Writer):
    def __init__(self, path: Path, dataset: Dataset) -> None:
        super().__init__(path, dataset)
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(),
                 "strs": pa.list_(pa.string()), "floats": pa.list_(pa.float64())}
        self._pa = pa
        self._schema = pa.schema([(n, types[k]) for n, k in zip(self.names, self.kinds, strict=True)])
        self._writer = pq.ParquetWriter(path, self._schema, compression="zstd")

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in self.names]
        data = {name: list(values) for name, values in zip(self.names, columns, strict=True)}
        self._writer.write_table(self._pa.Table.from_pydict(data, schema=self._schema))

    def close(self) -> None:
        self._writer.close()


class _XlsxWriter(_Writer):
    def __init__(self, path: Path, dataset: Dataset) -> None:
        super().__init__(path, dataset)
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        self._cell = WriteOnlyCell
        self._illegal = ILLEGAL_CHARACTERS_RE
        self._book = Workbook(write_only=True)
        self._base = dataset.name
        self._sheets = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        self._sheets += 1
        title = self._base if self._sheets == 1 else f"{self._base}_{self._sheets}"
        self._sheet = self._book.create_sheet(title)
        self._sheet.append(self.names)
        self._rows = 1

    def _value(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        value = self._illegal.sub("", value)  # control characters are not allowed in a sheet
        if value.startswith("="):
            # openpyxl would store it as a formula; OCR text is text.
            cell = self._cell(self._sheet, value=value)
            cell.data_type = "s"
            return cell
        return value

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        for row in rows:
            if self._rows >= XLSX_MAX_ROWS:
                self._new_sheet()
            self._sheet.append([self._value(v) for v in _flat(row, self.kinds)])
            self._rows += 1

    def close(self) -> None:
        self._book.save(self.path)


_WRITERS: dict[str, type[_Writer]] = {
    "csv": _CsvWriter, "jsonl": _JsonlWriter, "parquet": _ParquetWriter, "xlsx": _XlsxWriter,
}


# --- export -------------------------------------------------------------------


def _chunks(connection: Connection, query: Select[Any]) -> Iterator[list[Any]]:
    """The query's rows, CHUNK_ROWS at a time (a server-side cursor on PostgreSQL)."""
    result = connection.execution_options(stream_results=True, yield_per=CHUNK_ROWS).execute(query)
    for partition in result.partitions():
        yield [tuple(row) for row in partition]


def _write(connection: Connection, dataset: Dataset, fmt: str, out_dir: Path, latest_only: bool) -> Path:
    path = out_dir / f"{dataset.name}.{EXTENSIONS[fmt]}"
    partial = path.with_name(f".{path.name}.partial")
    writer = _WRITERS[fmt](partial, dataset)
    try:
        for rows in _chunks(connection, dataset.query(latest_only)):
            writer.write(rows)
        writer.close()
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def _check_database_exists(url: str) -> None:
    """Exporting from a mistyped SQLite path must not create an empty database there."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    if parsed.database.startswith("file:"):
        return
    if not Path(parsed.database).expanduser().is_file():
        raise FileNotFoundError(f"no database at {parsed.database}")


def export(url: str, fmt: ExportFormat, out_dir: Path, latest_only: bool = True) -> list[Path]:
    """Write ``facts.<ext>`` and ``tables.<ext>`` for the database at ``url`` into ``out_dir``.

    ``latest_only``: only the most recently stored version of each file (as the
    views' ``is_latest``); otherwise every stored version, told apart by
    ``pipeline_version``.  Returns the paths written.  Raises ``ValueError`` for
    an unknown format and ``FileNotFoundError`` for a SQLite file that does not exist.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: one of {', '.join(FORMATS)}")
    _check_database_exists(url)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open_store(url) as store, store.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # facts and tables from one snapshot, even while an ingest is writing
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            return [_write(connection, dataset, fmt, out_dir, latest_only) for dataset in (FACTS, TABLES)]
