"""Canonical code catalogs: 支出功能分类科目, 支出经济分类科目 and the 政府购买服务指导性目录.

A :class:`Catalog` is built once by :func:`load_default` (the CSVs packaged in ``pipeline/data`` plus
user CSVs stored by :func:`import_catalog`) and never changes afterwards. Lookups compare
:func:`pipeline.text.normalize` keys; results always carry the catalog's own spelling.

User rows override packaged rows that have the same kind and code (an imported official list
replaces the seed-derived one). Fuzzy matches never decide anything: the caller applies a threshold.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from pipeline.code_syntax import CATALOG_CODE, ECONOMIC_CODE, FUNCTIONAL_CODE
from pipeline.text import normalize

if TYPE_CHECKING:  # pipeline.check.aliases imports this module
    from pipeline.check.aliases import LabelAlias

__all__ = [
    "Catalog",
    "CatalogEntry",
    "CatalogError",
    "Kind",
    "Match",
    "import_catalog",
    "load_default",
    "parent_code",
]

REQUIRED_COLUMNS = ("code", "name", "level", "edition", "source")
STORED_COLUMNS = ("code", "name", "level", "kind", "edition", "source", "scheme", "note")
PACKAGED_FILES = {
    "functional_subjects.csv": "functional",
    "economic_subjects.csv": "economic",
    "procurement_catalog.csv": "procurement",
}
_CODE_PATTERNS = {
    "functional": FUNCTIONAL_CODE,
    "economic": ECONOMIC_CODE,
    "procurement": CATALOG_CODE,
}
_SCHEMES = {"dept", "gov"}

Scorer = Callable[..., float]


class Kind(StrEnum):
    FUNCTIONAL = "functional"  # 支出功能分类科目 (201, 20113, 2011301)
    ECONOMIC = "economic"  # 部门/政府预算支出经济分类 (301, 30101, 501, 50101)
    PROCUREMENT = "procurement"  # 政府购买服务指导性目录 (A, A01, A0101)


class CatalogError(ValueError):
    """A catalog file that cannot be accepted; the message names the file and rows."""


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    code: str
    name: str
    level: int
    kind: Kind
    edition: str
    source: str
    scheme: str | None = None  # economic only: "dept" (部门预算) or "gov" (政府预算)


@dataclass(frozen=True, slots=True)
class Match:
    entry: CatalogEntry
    score: float  # 0..100, higher is closer; the caller applies a threshold


def parent_code(code: str) -> str | None:
    """The code one level up: 2080505 → 20805 → 208 → None; A0101 → A01 → A → None."""
    if code[:1].isalpha():
        return code[:-2] if len(code) in (3, 5) else None
    return code[:-2] if len(code) in (5, 7) else None


@dataclass(frozen=True)
class Catalog:
    """An immutable set of entries with indexes by code, by normalised name and by parent."""

    entries: tuple[CatalogEntry, ...]
    _by_code: Mapping[tuple[Kind, str], CatalogEntry] = field(repr=False)
    _by_key: Mapping[tuple[Kind, str], tuple[CatalogEntry, ...]] = field(repr=False)
    _children: Mapping[tuple[Kind, str], tuple[CatalogEntry, ...]] = field(repr=False)
    _pools: Mapping[Kind, tuple[CatalogEntry, ...]] = field(repr=False)
    _choices: Mapping[Kind, tuple[str, ...]] = field(repr=False)
    # Labels operators corrected (pipeline.check.aliases.LabelAlias), from the database at ingest.
    aliases: tuple[LabelAlias, ...] = ()

    def with_aliases(self, aliases: Iterable[LabelAlias]) -> Catalog:
        """This catalog with the operators' label aliases, read at the next ingest."""
        return replace(self, aliases=tuple(aliases))

    @classmethod
    def from_entries(cls, entries: Iterable[CatalogEntry]) -> Catalog:
        """Index entries; a later entry with the same kind and code replaces an earlier one."""
        by_code: dict[tuple[Kind, str], CatalogEntry] = {}
        for entry in entries:
            by_code[(entry.kind, entry.code)] = entry
        ordered = tuple(by_code.values())
        pools = {k: tuple(e for e in ordered if e.kind == k) for k in Kind}
        return cls(
            entries=ordered,
            _by_code=MappingProxyType(by_code),
            _by_key=_freeze(_group(ordered, lambda e: (e.kind, normalize(e.name)))),
            _children=_freeze(_group((e for e in ordered if parent_code(e.code)),
                                     lambda e: (e.kind, parent_code(e.code) or ""))),
            _pools=MappingProxyType(pools),
            _choices=MappingProxyType(
                {k: tuple(normalize(e.name) for e in pool) for k, pool in pools.items()}
            ),
        )

    def __len__(self) -> int:
        return len(self.entries)

    def of_kind(self, kind: Kind | str) -> tuple[CatalogEntry, ...]:
        return self._pools[Kind(kind)]

    def by_code(self, code: str, kind: Kind | str | None = None) -> CatalogEntry | None:
        """The entry with this code; without ``kind`` the first of functional, economic, procurement."""
        kinds = (Kind(kind),) if kind is not None else tuple(Kind)
        return next((self._by_code[(k, code)] for k in kinds if (k, code) in self._by_code), None)

    def by_name(self, name: str, kind: Kind | str) -> tuple[CatalogEntry, ...]:
        """Entries whose normalised name equals the normalised ``name`` (several codes may share a name)."""
        return self._by_key.get((Kind(kind), normalize(name)), ())

    def match_name(
        self, text: str, kind: Kind | str, limit: int = 3, scorer: Scorer = fuzz.ratio
    ) -> list[Match]:
        """The ``limit`` closest entries of ``kind`` by ``scorer`` on normalised keys, best first.

        The default ``fuzz.ratio`` compares whole strings; ``fuzz.WRatio`` also rewards substrings,
        which helps truncated cells but lets a short name (商贸事务) outrank the damaged long one
        (其他商贸事务支山 → 其他商贸事务支出). Equal scores keep catalog order (by code).
        """
        kind = Kind(kind)
        pool = self.of_kind(kind)
        found = process.extract(normalize(text), self._choices[kind], scorer=scorer, limit=limit)
        return [Match(pool[index], float(score)) for _, score, index in found]

    def parent_code(self, code: str) -> str | None:
        return parent_code(code)

    def parent(self, code: str, kind: Kind | str | None = None) -> CatalogEntry | None:
        up = parent_code(code)
        return self.by_code(up, kind) if up else None

    def children(self, code: str, kind: Kind | str | None = None) -> tuple[CatalogEntry, ...]:
        """Entries one level below ``code``, in catalog order."""
        kinds = (Kind(kind),) if kind is not None else tuple(Kind)
        return tuple(e for k in kinds for e in self._children.get((k, code), ()))


def _group(
    entries: Iterable[CatalogEntry], key: Callable[[CatalogEntry], tuple[Kind, str]]
) -> dict[tuple[Kind, str], list[CatalogEntry]]:
    groups: dict[tuple[Kind, str], list[CatalogEntry]] = {}
    for entry in entries:
        groups.setdefault(key(entry), []).append(entry)
    return groups


def _freeze(
    groups: dict[tuple[Kind, str], list[CatalogEntry]],
) -> Mapping[tuple[Kind, str], tuple[CatalogEntry, ...]]:
    return MappingProxyType({key: tuple(value) for key, value in groups.items()})


# ------------------------------------------------------------------ reading and validation


def _read_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(text.splitlines())
    columns = [c.strip() for c in (reader.fieldnames or [])]
    rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    return columns, rows


def _row_problem(row: Mapping[str, str], kind: str | None) -> str | None:
    if kind not in _CODE_PATTERNS:
        return f"kind {kind!r} is not one of {sorted(_CODE_PATTERNS)}"
    if not row.get("source"):
        return "no source"
    if not row.get("name"):
        return "no name"
    if not _CODE_PATTERNS[kind].match(row.get("code", "")):
        return f"code {row.get('code')!r} is not a {kind} code"
    if not row.get("level", "").isdigit():
        return f"level {row.get('level')!r} is not a number"
    if kind == "economic" and row.get("scheme") not in _SCHEMES:
        return f"economic rows need scheme dept or gov, got {row.get('scheme')!r}"
    return None


def _validate(
    name: str, columns: Sequence[str], rows: list[dict[str, str]], kind: str | None
) -> list[dict[str, str]]:
    """Rows with their kind filled in; raises CatalogError naming every bad row."""
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise CatalogError(f"{name}: missing columns {missing}")
    if kind is None and "kind" not in columns:
        raise CatalogError(f"{name}: no kind column and no kind given")
    checked = [{**row, "kind": row.get("kind") or kind or ""} for row in rows]
    problems = [
        f"row {i}: {p}" for i, row in enumerate(checked, start=2) if (p := _row_problem(row, row["kind"]))
    ]
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(checked, start=2):
        if (row["kind"], row["code"]) in seen:
            problems.append(f"row {i}: duplicate code {row['code']}")
        seen.add((row["kind"], row["code"]))
    if problems:
        raise CatalogError(f"{name}: " + "; ".join(problems))
    return checked


def _entries(rows: Iterable[Mapping[str, str]]) -> list[CatalogEntry]:
    return [
        CatalogEntry(
            code=row["code"],
            name=row["name"],
            level=int(row["level"]),
            kind=Kind(row["kind"]),
            edition=row["edition"],
            source=row["source"],
            scheme=row.get("scheme") or None,
        )
        for row in rows
    ]


def _packaged_entries() -> list[CatalogEntry]:
    folder = resources.files("pipeline.data")
    entries: list[CatalogEntry] = []
    for filename, kind in PACKAGED_FILES.items():
        columns, rows = _read_rows(folder.joinpath(filename).read_text(encoding="utf-8-sig"))
        entries += _entries(_validate(filename, columns, rows, kind))
    return entries


def _user_entries(extra_dir: Path) -> list[CatalogEntry]:
    entries: list[CatalogEntry] = []
    for path in sorted(extra_dir.glob("*.csv")):
        columns, rows = _read_rows(path.read_text(encoding="utf-8-sig"))
        entries += _entries(_validate(str(path), columns, rows, None))
    return entries


def load_default(extra_dir: Path | str | None = None) -> Catalog:
    """The packaged catalogs, then every ``*.csv`` in ``extra_dir`` (user rows win on equal kind and code)."""
    entries = _packaged_entries()
    if extra_dir is not None and Path(extra_dir).is_dir():
        entries += _user_entries(Path(extra_dir))
    return Catalog.from_entries(entries)


def import_catalog(
    file: Path | str, dest_dir: Path | str, kind: Kind | str | None = None, *, skip_invalid: bool = False
) -> int:
    """Validate a user CSV and store it in ``dest_dir`` for ``load_default(extra_dir=dest_dir)``.

    Required columns: code, name, level, edition, source; the kind comes from a ``kind`` column
    (functional / economic / procurement) or, for rows without one, from ``kind``. Economic rows also
    need ``scheme`` (dept / gov). A row without a source (or otherwise invalid) rejects the whole file
    with :class:`CatalogError`, unless ``skip_invalid`` is set: then such rows are dropped. The file is
    stored as ``dest_dir/<name>.csv`` (replacing an earlier import of the same name). Returns the
    number of rows imported.
    """
    source = Path(file)
    columns, rows = _read_rows(source.read_text(encoding="utf-8-sig"))
    default_kind = Kind(kind).value if kind is not None else None
    if skip_invalid:
        rows = [r for r in rows if _row_problem({**r, "kind": r.get("kind") or default_kind or ""},
                                                r.get("kind") or default_kind) is None]
    checked = _validate(str(source), columns, rows, default_kind)
    _write_atomically(Path(dest_dir) / f"{source.stem}.csv", checked)
    return len(checked)


def _write_atomically(target: Path, rows: list[dict[str, str]]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(STORED_COLUMNS), extrasaction="ignore")
            writer.writeheader()
            writer.writerows({c: row.get(c, "") for c in STORED_COLUMNS} for row in rows)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
