"""The packaged catalogs load, answer lookups, and accept user catalogs only with a source."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline.check.catalog import (
    Catalog,
    CatalogEntry,
    CatalogError,
    Kind,
    import_catalog,
    load_default,
    parent_code,
)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_default()


def _code(catalog: Catalog, code: str, kind: Kind) -> CatalogEntry:
    entry = catalog.by_code(code, kind)
    assert entry is not None, code
    return entry


def test_every_kind_loads_and_every_row_has_a_source(catalog: Catalog) -> None:
    for kind in Kind:
        assert catalog.of_kind(kind), kind
    assert all(e.source for e in catalog.entries)
    assert all(e.scheme in {"dept", "gov"} for e in catalog.of_kind(Kind.ECONOMIC))


def test_2025_name_wins_and_vendor_suffix_is_gone(catalog: Catalog) -> None:
    entry = _code(catalog, "2011301", Kind.FUNCTIONAL)
    assert entry.name == "行政运行"
    assert entry.edition == "2025"
    assert _code(catalog, "201", Kind.FUNCTIONAL).name == "一般公共服务支出"
    assert _code(catalog, "2169999", Kind.FUNCTIONAL).name == "其他商业服务业等支出"
    assert not any(e.name.endswith("（商贸）") for e in catalog.of_kind(Kind.FUNCTIONAL))


def test_canonical_brackets_survive_suffix_stripping(catalog: Catalog) -> None:
    assert _code(catalog, "20103", Kind.FUNCTIONAL).name == "政府办公厅（室）及相关机构事务"
    assert _code(catalog, "2020201", Kind.FUNCTIONAL).name == "驻外使领馆（团、处）"


def test_modern_codes_are_present(catalog: Catalog) -> None:
    assert _code(catalog, "221", Kind.FUNCTIONAL).name == "住房保障支出"
    assert _code(catalog, "21011", Kind.FUNCTIONAL).name == "行政事业单位医疗"
    assert _code(catalog, "2080505", Kind.FUNCTIONAL).name == "机关事业单位基本养老保险缴费支出"
    assert _code(catalog, "234", Kind.FUNCTIONAL).name == "抗疫特别国债安排的支出"
    assert _code(catalog, "30213", Kind.ECONOMIC).name == "维修（护）费"
    assert _code(catalog, "50101", Kind.ECONOMIC).scheme == "gov"


def test_procurement_catalog_repairs(catalog: Catalog) -> None:
    assert _code(catalog, "B0301", Kind.PROCUREMENT).name == "会计服务"
    assert _code(catalog, "B04", Kind.PROCUREMENT).name == "会议服务"
    assert _code(catalog, "B1001", Kind.PROCUREMENT).name == "机关信息系统开发与维护服务"
    assert _code(catalog, "A1702", Kind.PROCUREMENT).name == "检验检测及认证服务"
    assert _code(catalog, "A13", Kind.PROCUREMENT).name == "交通运输公共服务"
    assert catalog.by_code("00301") is None
    assert [_code(catalog, c, Kind.PROCUREMENT).level for c in ("B", "B04", "B0401")] == [1, 2, 3]


def test_by_code_without_kind(catalog: Catalog) -> None:
    assert (entry := catalog.by_code("30101")) is not None and entry.name == "基本工资"
    assert catalog.by_code("9999999") is None


def test_by_name_is_exact_on_the_key(catalog: Catalog) -> None:
    assert [e.code for e in catalog.by_name("交通運輸公共服务", Kind.PROCUREMENT)] == ["A13"]
    assert [e.code for e in catalog.by_name("维修(护)费", "economic")] == ["30213"]
    assert {e.code for e in catalog.by_name("其他社会保障和就业支出", Kind.FUNCTIONAL)} == {"20899", "2089999"}
    assert catalog.by_name("交通运输公共服", Kind.PROCUREMENT) == ()


def test_parents_and_children(catalog: Catalog) -> None:
    assert parent_code("2080505") == "20805"
    assert catalog.parent_code("20805") == "208"
    assert catalog.parent_code("208") is None
    assert [parent_code("A0101"), parent_code("A01"), parent_code("A")] == ["A01", "A", None]
    assert (parent := catalog.parent("2080505", Kind.FUNCTIONAL)) is not None and parent.code == "20805"
    assert {"2080505", "2080506"} <= {e.code for e in catalog.children("20805", Kind.FUNCTIONAL)}
    assert [e.code for e in catalog.children("B04")] == ["B0401"]
    assert len(catalog.children("B")) == 12


@pytest.mark.parametrize(
    ("damaged", "kind", "code"),
    [
        ("公共安全服努", Kind.PROCUREMENT, "A01"),
        ("公共安全隐患排查治理服", Kind.PROCUREMENT, "A0101"),
        ("检验检测检测及认证服务", Kind.PROCUREMENT, "A1702"),
        ("交通運輸社会监管服务", Kind.PROCUREMENT, "A1302"),
        ("机关事业单位基本养老保险缴费支", Kind.FUNCTIONAL, "2080505"),
        ("其他商贸事务支山", Kind.FUNCTIONAL, "2011399"),
        ("二十三、灾害防治及应 急管理支出", Kind.FUNCTIONAL, "224"),
        ("职工基本医疗保险缴", Kind.ECONOMIC, "30110"),
    ],
)
def test_match_name_finds_damaged_names(catalog: Catalog, damaged: str, kind: Kind, code: str) -> None:
    matches = catalog.match_name(damaged, kind)
    assert matches and matches[0].entry.code == code
    assert 70 <= matches[0].score < 100
    assert all(0 <= m.score <= 100 for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_match_name_forces_nothing(catalog: Catalog) -> None:
    matches = catalog.match_name("实施期资金总额", Kind.PROCUREMENT, limit=2)
    assert len(matches) == 2
    assert matches[0].score < 60  # a caller's threshold rejects it


def test_catalog_is_immutable(catalog: Catalog) -> None:
    entry = catalog.entries[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.name = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalog.entries = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        catalog._by_code[(Kind.FUNCTIONAL, "999")] = entry  # type: ignore[index]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_catalog_round_trip(tmp_path: Path) -> None:
    user = _write(
        tmp_path / "official_2025.csv",
        "code,name,level,edition,source\n"
        "2011301,行政运行（测试）,3,2025 official,MOF 2025年政府收支分类科目 p.12\n"
        "2240106,消防救援事务,3,2025 official,MOF 2025年政府收支分类科目 p.80\n",
    )
    dest = tmp_path / "catalogs"
    assert import_catalog(user, dest, kind="functional") == 2
    assert (dest / "official_2025.csv").is_file()
    loaded = load_default(extra_dir=dest)
    assert (entry := loaded.by_code("2240106", Kind.FUNCTIONAL)) is not None
    assert entry.edition == "2025 official" and entry.source.startswith("MOF")
    assert (override := loaded.by_code("2011301")) is not None and override.name == "行政运行（测试）"
    assert load_default().by_code("2240106") is None  # the packaged catalog is untouched


def test_import_catalog_kind_column_and_scheme(tmp_path: Path) -> None:
    user = _write(
        tmp_path / "eco.csv",
        "code,name,level,kind,scheme,edition,source\n"
        "50208,公务用车运行维护费,2,economic,gov,2025 official,MOF 支出经济分类科目\n"
        "B1301,测试服务,3,procurement,,test,unit test\n",
    )
    assert import_catalog(user, tmp_path / "dest") == 2
    loaded = load_default(extra_dir=tmp_path / "dest")
    assert (entry := loaded.by_code("50208")) is not None and entry.scheme == "gov"
    assert loaded.by_code("B1301", Kind.PROCUREMENT) is not None


def test_import_catalog_rejects_a_row_without_source(tmp_path: Path) -> None:
    user = _write(
        tmp_path / "bad.csv",
        "code,name,level,edition,source\n2240106,消防救援事务,3,2025,MOF\n2240107,无来源,3,2025,\n",
    )
    dest = tmp_path / "dest"
    with pytest.raises(CatalogError, match="row 3: no source"):
        import_catalog(user, dest, kind=Kind.FUNCTIONAL)
    assert not dest.exists() or not any(dest.iterdir())
    assert import_catalog(user, dest, kind=Kind.FUNCTIONAL, skip_invalid=True) == 1
    assert load_default(extra_dir=dest).by_code("2240107") is None


@pytest.mark.parametrize(
    ("header", "row", "message"),
    [
        ("code,name,level,edition", "2240106,消防救援事务,3,2025", "missing columns"),
        ("code,name,level,edition,source", "22401066,x,3,2025,MOF", "not a functional code"),
        ("code,name,level,edition,source,kind", "2240106,x,3,2025,MOF,revenue", "kind 'revenue'"),
    ],
)
def test_import_catalog_validates(tmp_path: Path, header: str, row: str, message: str) -> None:
    user = _write(tmp_path / "x.csv", f"{header}\n{row}\n")
    with pytest.raises(CatalogError, match=message):
        import_catalog(user, tmp_path / "dest", kind="functional" if "kind" not in header else None)


def test_import_catalog_needs_a_kind(tmp_path: Path) -> None:
    user = _write(tmp_path / "x.csv", "code,name,level,edition,source\n201,一般公共服务支出,1,2025,MOF\n")
    with pytest.raises(CatalogError, match="no kind"):
        import_catalog(user, tmp_path / "dest")
