from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from models.records import Fact
from samplegen.build import build_look
from samplegen.captures import CAPTURES
from samplegen.fonts import TYPEFACES
from samplegen.looks import LAYOUTS, LOOKS, NAMED_LOOKS, ORIENTATIONS, Look, Printing, draw_look, print_spec
from samplegen.spec import DocumentSpec


def _fast(look: Look, dpi: int = 60) -> Look:
    return dataclasses.replace(look, level=dataclasses.replace(look.level, dpi=dpi))


def test_the_named_looks_cover_every_axis_value() -> None:
    assert 7 <= len(NAMED_LOOKS) <= 9 and len(LOOKS) == len(NAMED_LOOKS)
    assert {look.typeface.name for look in NAMED_LOOKS} == set(TYPEFACES)
    assert {look.page for look in NAMED_LOOKS} == set(ORIENTATIONS)
    assert {look.layout.name for look in NAMED_LOOKS} == set(LAYOUTS)
    assert {look.capture.name for look in NAMED_LOOKS} == set(CAPTURES)
    for axis in (f.name for f in dataclasses.fields(Printing)):
        assert {getattr(look.printing, axis) for look in NAMED_LOOKS} == {True, False}, axis
    for capture in CAPTURES:
        mine = [look for look in NAMED_LOOKS if look.capture.name == capture]
        if len(mine) > 1:  # a capture seen twice is seen in two typefaces and two layouts
            assert len({look.typeface.name for look in mine}) > 1 and len({look.layout.name for look in mine}) > 1
    assert {look.level.name for look in NAMED_LOOKS} == {"mild", "harsh"}


def test_random_looks_are_drawn_from_the_axes_deterministically() -> None:
    looks = [draw_look(7, i) for i in range(12)]
    assert [look.name for look in looks[:2]] == ["random-7-0", "random-7-1"]
    assert looks == [draw_look(7, i) for i in range(12)]
    assert len({(look.typeface.name, look.capture.name, look.layout.name) for look in looks}) > 4
    assert draw_look(8, 0) != draw_look(7, 0)


def test_an_excel_look_prints_titles_with_the_department(mini_spec: DocumentSpec) -> None:
    printed = print_spec(mini_spec, LOOKS["hei-excel-phone"])
    table = printed.tables[2]
    assert table.title.startswith("山阴县商务局2025年") and table.department is None
    assert table.number_rows == [2]  # the look prints column numbers
    assert print_spec(mini_spec, LOOKS["hei-plain-flatbed"]) == mini_spec


@pytest.mark.parametrize("name", list(LOOKS))
def test_a_look_builds_byte_identically_with_truth_and_sidecar(mini_spec: DocumentSpec, tmp_path: Path,
                                                               name: str) -> None:
    look = _fast(LOOKS[name])
    spec = mini_spec.model_copy(update={"tables": mini_spec.tables[:2]})
    built = build_look(spec, look, tmp_path / "a")
    build_look(spec, look, tmp_path / "b")

    def digests(root: Path) -> dict[str, str]:
        return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*.*"))}

    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    folder = tmp_path / "a" / "mini"
    assert built.path == folder / f"mini_{name}.pdf"
    sidecar = json.loads((folder / f"mini_{name}.look.json").read_text(encoding="utf-8"))
    assert sidecar["look"] == name and sidecar["sha256"] == built.sha256
    assert sidecar["capture"] == look.capture.name and sidecar["typeface"] == look.typeface.name
    assert set(sidecar["printing"]) == {f.name for f in dataclasses.fields(Printing)}
    if look.capture.seal_share:
        assert sidecar["sealed_pages"]
    facts = [Fact.model_validate_json(line) for line in
             (folder / "truth" / f"mini_{name}.records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {f.document for f in facts} == {built.sha256} and len(facts) == built.facts
    assert all(0 <= v <= 1 for f in facts for v in f.bbox)


def test_the_builder_refuses_an_unknown_look(tmp_path: Path) -> None:
    from samplegen.__main__ import main

    assert main(["--looks", "hei-plain-flatbed,no-such-look", "--out", str(tmp_path)]) == 2
    assert not any(tmp_path.iterdir())


@pytest.mark.slow
def test_named_and_random_looks_build_from_the_command_line(tmp_path: Path) -> None:
    from samplegen.__main__ import main

    mini = Path(__file__).resolve().parents[1] / "fixtures" / "mini_spec.json"
    named = ["kai-plain-fax", "fangsong-excel-gray150"]  # the quick ones: every look is built above, at 60 dpi
    assert main(["--looks", ",".join(named), "--random-looks", "1", "--seed", "3", "--out", str(tmp_path),
                 str(mini)]) == 0
    names = [*named, "random-3-0"]
    for name in names:
        assert (tmp_path / "mini" / f"mini_{name}.pdf").is_file()
        assert (tmp_path / "mini" / "truth" / f"mini_{name}.tables.jsonl").is_file()
    sidecar = json.loads((tmp_path / "mini" / "mini_random-3-0.look.json").read_text(encoding="utf-8"))
    assert sidecar["look"] == "random-3-0" and sidecar["typeface"] in TYPEFACES
