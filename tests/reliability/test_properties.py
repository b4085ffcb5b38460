"""Property tests (hypothesis): number parsing, code normalisation and the grid builder hold for every input
drawn, not only the examples someone thought of.  Bounded (max_examples) so the suite stays in minutes."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from _images import blank, draw_table, page_grids, put_text, spans
from pipeline.code_syntax import clean_code, is_code
from pipeline.interpret.amounts import YUAN_PER_UNIT, amount_yuan
from pipeline.text import parse_decimal

amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False,
                      allow_infinity=False)
FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


@given(amounts, st.booleans(), st.booleans())
def test_a_printed_amount_parses_to_itself(value: Decimal, thousands: bool, full_width: bool) -> None:
    printed = f"{value:,.2f}" if thousands else f"{value:.2f}"
    if full_width:
        printed = printed.translate(FULL_WIDTH)
    assert parse_decimal(printed) == value


@given(st.text(max_size=40))
def test_parsing_any_text_never_raises(text: str) -> None:
    result = parse_decimal(text)
    assert result is None or result.is_finite()


@given(amounts, st.sampled_from(sorted(YUAN_PER_UNIT)))
def test_amounts_in_yuan_are_exact(value: Decimal, unit: str) -> None:
    yuan = amount_yuan(f"{value:.2f}", "number", unit)
    assert yuan is not None and Decimal(yuan) == value * YUAN_PER_UNIT[unit]


codes = st.integers(min_value=1, max_value=9).flatmap(
    lambda first: st.sampled_from([3, 5, 7]).flatmap(
        lambda length: st.text("0123456789", min_size=length - 1, max_size=length - 1).map(lambda rest: f"{first}{rest}")))


@given(codes, st.text(" ", max_size=2))
def test_a_functional_code_survives_the_usual_misreadings(code: str, pad: str) -> None:
    misread = pad + code.replace("0", "O").replace("1", "l") + pad
    assert clean_code(misread) == code and is_code(misread)


@given(st.text(max_size=20))
@example("0·~")  # a mark inside a trace: strip one set, then the other, left the mark
def test_code_normalisation_is_idempotent(text: str) -> None:
    assert clean_code(clean_code(text)) == clean_code(text)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=150, max_value=320), min_size=2, max_size=6),
       st.lists(st.integers(min_value=50, max_value=90), min_size=2, max_size=8),
       st.data())
def test_the_grid_builder_recovers_any_ruled_table(widths: list[int], heights: list[int], data: st.DataObject) -> None:
    """A ruled table of random column widths and row heights, one random horizontal merge in the body,
    text in each cell: the grid has the drawn rows, columns and the merge."""
    x0, y0 = 100, 250
    xs = [x0 + sum(widths[:i]) for i in range(len(widths) + 1)]
    ys = [y0 + sum(heights[:i]) for i in range(len(heights) + 1)]
    gray = blank(ys[-1] + 200, xs[-1] + 100)
    merge_row = data.draw(st.integers(min_value=1, max_value=len(heights) - 1))
    merge_col = data.draw(st.integers(min_value=0, max_value=len(widths) - 2))
    table = draw_table(gray, xs, ys, skip_v={(merge_row, merge_col + 1)})
    for r in range(len(heights)):
        for c in range(len(widths)):
            if (r, c) != (merge_row, merge_col + 1):
                put_text(gray, table.cell_origin(r, c, 12, 12), "支出" if c == 0 else f"{r}{c}.50")
    (grid,) = page_grids(gray).grids
    assert (grid.n_rows, grid.n_cols) == (len(heights), len(widths))
    assert spans(grid)[merge_row, merge_col] == (1, 2)
    assert sum(1 for cell in grid.cells if cell.col_span == 2) == 1


@given(st.text(max_size=30))
def test_the_comparison_key_is_a_fixed_point(text: str) -> None:
    from pipeline.text import normalize

    assert normalize(normalize(text)) == normalize(text)
