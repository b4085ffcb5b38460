"""``yusuan export``: the ingest database as files an analyst opens (CSV, Parquet, JSON Lines, Excel).

CSV, Parquet and JSON Lines: in ``out_dir``,

- ``facts.<ext>``: one row per fact, the record contract's fields (``document``,
  ``source``, ``page``, ``table``, ``code``, ``labels``, ...) and its additions
  (``fiscal_year``, ``department``, ``column_key``, ``amount_yuan``), plus the document's
  ``pipeline_version`` and ``amount`` (``value`` as a float in the printed unit, for a quick sum), and an operator's
  decision (``review``: accepted or corrected, ``reviewed_by``; ``yusuan review``).  With a decision,
  ``value``, ``code`` and ``labels`` are the operator's and ``reasons`` says so; a cell an operator
  said is not a fact is left out.
- ``tables.<ext>``: the tables as printed, one row per grid cell (``document``,
  ``source``, ``pipeline_version``, ``page``, ``table_index``, ``table``, ``title``,
  ``unit``, ``row``, ``col``, ``row_span``, ``col_span``, ``text``, ``confidence``).
- ``wide_<table kind>.<ext>``: the pivot (pipeline.output.wide): one row per table row,
  one real column per year-agnostic column.

Excel: one workbook per document (pipeline.output.workbook): each table as printed on its own
sheet, merged cells merged and the header frozen, a facts sheet, and the pivots.

``amount_yuan`` is exact: a Parquet decimal, the decimal's text in CSV and JSON Lines (a JSON
number would be read as a float).  Lists (``labels``, ``raw_labels``, ``reasons``, ``bbox``)
are native in JSON Lines and Parquet and JSON text in CSV.  CSV is UTF-8 with a BOM so Excel
shows Chinese; JSON Lines is plain UTF-8.  Facts and cells are streamed from the database in
chunks, so a large database is never held in memory; a file appears under its final name only
once it is complete.  ``document`` limits an export to one file (its sha256, a prefix of it, or
its source name).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any, Literal, get_args

from sqlalchemy import Connection, Select, func, or_, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from models import Fact
from pipeline.output.store import open_store
from pipeline.output.store.store import stored_facts, stored_tables
from pipeline.output.store.schema import CellRow, DocumentRow, FactRow, TableRow
from pipeline.output.wide import KEY_COLUMNS, WideTable, pivot
from pipeline.output.workbook import write_workbook

ExportFormat = Literal["csv", "parquet", "jsonl", "xlsx"]
FORMATS: tuple[str, ...] = get_args(ExportFormat)
EXTENSIONS = {"csv": "csv", "parquet": "parquet", "jsonl": "jsonl", "xlsx": "xlsx"}
CHUNK_ROWS = 5_000

# Column kinds: str, int, float, exact decimal, list of str, list of float.
Kind = Literal["str", "int", "float", "decimal", "strs", "floats"]
# Parquet's decimal for amounts in 元: 30 integer digits, 8 decimals (a printed amount has at most 6).
DECIMAL_PRECISION, DECIMAL_SCALE = 38, 8


@dataclass(frozen=True)
class Selection:
    """Which documents an export covers: each file's latest version or every version; one file or all."""

    latest_only: bool = True
    document_ids: tuple[int, ...] | None = None  # None: every document

    def where(self, query: Select[Any]) -> Select[Any]:
        if self.latest_only:
            query = query.where(DocumentRow.id.in_(_latest_ids()))
        if self.document_ids is not None:
            query = query.where(DocumentRow.id.in_(self.document_ids))
        return query


@dataclass(frozen=True)
class Dataset:
    name: str
    columns: tuple[tuple[str, Kind], ...]
    query: Callable[[Selection], Select[Any]]


def _latest_ids() -> Select[Any]:
    """The most recently stored version of each file (the views' is_latest)."""
    return select(func.max(DocumentRow.id)).group_by(DocumentRow.sha256)


def _facts_query(selection: Selection) -> Select[Any]:
    d, f = DocumentRow, FactRow
    query = (
        select(
            d.sha256, d.source, d.pipeline_version, f.page, f.kind, f.code, f.labels, f.raw_labels,
            f.column_path, f.value, f.amount, f.value_kind, f.unit, f.raw, f.confidence, f.status,
            f.reasons, f.bbox, f.form, f.code_source, f.gov_code, f.review_state, f.reviewed_by, f.fiscal_year,
            f.department, f.column_key, f.amount_yuan,
        )
        .join(d, d.id == f.document_id)
        # A cell an operator said is no fact stays stored (and audited), but is not exported.
        .where(or_(f.review_state.is_(None), f.review_state != "not_a_fact"))
        .order_by(d.id, f.ordinal)
    )
    return selection.where(query)


def _tables_query(selection: Selection) -> Select[Any]:
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
    return selection.where(query)


FACTS = Dataset(
    "facts",
    (
        ("document", "str"), ("source", "str"), ("pipeline_version", "str"), ("page", "int"),
        ("table", "str"), ("code", "str"), ("labels", "strs"), ("raw_labels", "strs"), ("column", "str"),
        ("value", "str"), ("amount", "float"), ("kind", "str"), ("unit", "str"), ("raw", "str"),
        ("confidence", "float"), ("status", "str"), ("reasons", "strs"), ("bbox", "floats"),
        ("form", "str"), ("code_source", "str"), ("gov_code", "str"), ("review", "str"), ("reviewed_by", "str"),
        ("fiscal_year", "int"), ("department", "str"), ("column_key", "str"), ("amount_yuan", "decimal"),
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


def decimal_text(value: Any) -> str | None:
    """An exact amount as stored (text on SQLite, a Decimal on PostgreSQL) as its plain decimal text."""
    return value if value is None or isinstance(value, str) else format(value, "f")


def _flat(row: Sequence[Any], kinds: Sequence[Kind]) -> list[Any]:
    """A row for a flat format: lists as JSON text, decimals as their exact text."""
    out = []
    for value, kind in zip(row, kinds, strict=True):
        if kind in ("strs", "floats"):
            value = _json_text(value)
        elif kind == "decimal":
            value = decimal_text(value)
        out.append(value)
    return out


def parquet_decimal(value: Any) -> Decimal | None:
    """An amount for Parquet's decimal column (more than DECIMAL_SCALE decimals rounded half-even)."""
    if value is None:
        return None
    number = Decimal(decimal_text(value))
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > DECIMAL_SCALE:
        number = number.quantize(Decimal(1).scaleb(-DECIMAL_SCALE), rounding=ROUND_HALF_EVEN)
    return number


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
            values = [decimal_text(v) if k == "decimal" else v for v, k in zip(row, self.kinds, strict=True)]
            record = dict(zip(self.names, values, strict=True))
            self._file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self._file.close()


class _ParquetWriter(_Writer):
    def __init__(self, path: Path, dataset: Dataset) -> None:
        super().__init__(path, dataset)
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(),
                 "decimal": pa.decimal128(DECIMAL_PRECISION, DECIMAL_SCALE),
                 "strs": pa.list_(pa.string()), "floats": pa.list_(pa.float64())}
        self._pa = pa
        self._schema = pa.schema([(n, types[k]) for n, k in zip(self.names, self.kinds, strict=True)])
        self._writer = pq.ParquetWriter(path, self._schema, compression="zstd")

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in self.names]
        data = {name: [parquet_decimal(v) for v in values] if kind == "decimal" else list(values)
                for name, kind, values in zip(self.names, self.kinds, columns, strict=True)}
        self._writer.write_table(self._pa.Table.from_pydict(data, schema=self._schema))

    def close(self) -> None:
        self._writer.close()


_WRITERS: dict[str, type[_Writer]] = {"csv": _CsvWriter, "jsonl": _JsonlWriter, "parquet": _ParquetWriter}


# --- export -------------------------------------------------------------------


def _chunks(connection: Connection, query: Select[Any]) -> Iterator[list[Any]]:
    """The query's rows, CHUNK_ROWS at a time (a server-side cursor on PostgreSQL)."""
    result = connection.execution_options(stream_results=True, yield_per=CHUNK_ROWS).execute(query)
    for partition in result.partitions():
        yield [tuple(row) for row in partition]


def _atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """``write`` to a hidden partial file, renamed to ``path`` once complete."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        write(partial)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def _write(connection: Connection, dataset: Dataset, fmt: str, out_dir: Path, selection: Selection) -> Path:
    def write(partial: Path) -> None:
        writer = _WRITERS[fmt](partial, dataset)
        for rows in _chunks(connection, dataset.query(selection)):
            writer.write(rows)
        writer.close()

    return _atomically(out_dir / f"{dataset.name}.{EXTENSIONS[fmt]}", write)


def _write_wide(wide: WideTable, fmt: str, out_dir: Path) -> Path:
    """One pivot with pandas (CSV, JSON Lines) or pyarrow (Parquet, decimal columns exact)."""
    import pandas as pd

    columns = wide.columns
    records = wide.records()

    def write(partial: Path) -> None:
        if fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            key_types = {"fiscal_year": pa.int64()}
            fields, arrays = [], []
            for i, name in enumerate(columns):
                values = [r[i] for r in records]
                if name in key_types or name in KEY_COLUMNS:
                    kind = key_types.get(name, pa.string())
                elif wide.is_decimal(name):
                    kind, values = pa.decimal128(DECIMAL_PRECISION, DECIMAL_SCALE), [parquet_decimal(v) for v in values]
                else:
                    kind, values = pa.string(), [None if v is None else decimal_text(v) for v in values]
                fields.append(pa.field(name, kind))
                arrays.append(pa.array(values, type=kind))
            pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), partial, compression="zstd")
            return
        frame = pd.DataFrame([[decimal_text(v) if isinstance(v, Decimal) else v for v in r] for r in records],
                             columns=columns, dtype=object)
        if fmt == "csv":
            frame.to_csv(partial, index=False, encoding="utf-8-sig")
        else:
            frame.to_json(partial, orient="records", lines=True, force_ascii=False)

    return _atomically(out_dir / f"wide_{wide.kind}.{EXTENSIONS[fmt]}", write)


def _check_database_exists(url: str) -> None:
    """Exporting from a mistyped SQLite path must not create an empty database there."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    if parsed.database.startswith("file:"):
        return
    if not Path(parsed.database).expanduser().is_file():
        raise FileNotFoundError(f"no database at {parsed.database}")


@dataclass(frozen=True)
class _Stored:
    id: int
    sha256: str
    source: str
    pipeline_version: str


def _documents(connection: Connection, selection: Selection) -> list[_Stored]:
    d = DocumentRow
    query = selection.where(select(d.id, d.sha256, d.source, d.pipeline_version).order_by(d.id))
    return [_Stored(*row) for row in connection.execute(query)]


def find_documents(connection: Connection, document: str, latest_only: bool) -> tuple[int, ...]:
    """The stored documents ``document`` names: a sha256, a prefix of one (6 characters or more), or a source name."""
    d = DocumentRow
    named = (d.sha256 == document) | (d.source == document)
    if len(document) >= 6:
        named = named | d.sha256.startswith(document.lower())
    ids = tuple(row[0] for row in connection.execute(Selection(latest_only).where(select(d.id).where(named))))
    if not ids:
        raise LookupError(f"no stored document is named {document!r} (give its sha256, a prefix of it, or its file name)")
    return ids


def _workbook_name(document: _Stored, taken: set[str]) -> str:
    name = f"{Path(document.source).stem}.xlsx"
    if name in taken:
        name = f"{Path(document.source).stem}-{document.sha256[:8]}-{document.pipeline_version}.xlsx"
    taken.add(name)
    return name


def _facts_of(session: Session, documents: Sequence[_Stored]) -> Iterator[tuple[Fact, str]]:
    for document in documents:
        for fact in stored_facts(session, document.sha256, document.pipeline_version):
            yield fact, document.pipeline_version


def export(url: str, fmt: ExportFormat, out_dir: Path, latest_only: bool = True,
           document: str | None = None) -> list[Path]:
    """Export the database at ``url`` into ``out_dir``; returns the paths written.

    CSV, Parquet, JSON Lines: ``facts``, ``tables`` and a ``wide_<kind>`` pivot per table kind.
    Excel: a workbook per document.  ``latest_only``: only the most recently stored version of
    each file (as the views' ``is_latest``); otherwise every stored version, told apart by
    ``pipeline_version``.  ``document``: only that file (sha256, a prefix of it, or source name).
    Raises ``ValueError`` for an unknown format, ``FileNotFoundError`` for a SQLite file that
    does not exist, ``LookupError`` when ``document`` names no stored file.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: one of {', '.join(FORMATS)}")
    _check_database_exists(url)
    with open_store(url) as store, store.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # facts and tables from one snapshot, even while an ingest is writing
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            ids = find_documents(connection, document, latest_only) if document is not None else None
            selection = Selection(latest_only=latest_only, document_ids=ids)
            documents = _documents(connection, selection)
            out_dir.mkdir(parents=True, exist_ok=True)
            # The models are read on the export's own connection: one transaction (one snapshot on
            # PostgreSQL), and on SQLite no second connection waiting for the first one's lock.
            session = Session(bind=connection)
            if fmt == "xlsx":
                return _export_workbooks(session, documents, out_dir)
            paths = [_write(connection, dataset, fmt, out_dir, selection) for dataset in (FACTS, TABLES)]
            wides = pivot(_facts_of(session, documents))
            return paths + [_write_wide(wide, fmt, out_dir) for wide in wides.values()]


def _export_workbooks(session: Session, documents: Sequence[_Stored], out_dir: Path) -> list[Path]:
    paths, taken = [], set()
    for document in documents:
        facts = stored_facts(session, document.sha256, document.pipeline_version)
        tables = stored_tables(session, document.sha256, document.pipeline_version)
        wides = pivot((fact, document.pipeline_version) for fact in facts)
        path = out_dir / _workbook_name(document, taken)
        paths.append(_atomically(path, lambda partial: write_workbook(partial, tables, facts, wides)))
    return paths
