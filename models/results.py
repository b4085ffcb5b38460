"""Frozen results: what one page yields before any document-level step, and what a document yields.

Page results pass from the page recipe (pipeline.page) to the document stages
(pipeline.interpret and after) and are what the page cache stores; a document
result is what the flows write out.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields

from models.document import DocumentInfo, PageRef
from models.geometry import BBox, Grid
from models.records import Fact, TableRecord


@dataclass(frozen=True, slots=True)
class Sheet:
    """The sheet of paper in a photo or a bordered scan: its corners in the rendered image (top-left,
    top-right, bottom-right, bottom-left; pixels) and the size (width, height) it is warped to."""

    corners: tuple[tuple[float, float], ...]
    size: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Orientation:
    """How the rendered page was made upright, in order: the sheet cut out and rectified (when the
    page did not fill its image), turned by quarter turns, deskewed."""

    quarter_turns_cw: int  # rotation applied to make the page upright, degrees clockwise
    skew_deg: float  # small rotation applied after it, degrees counter-clockwise
    sheet: Sheet | None = None


@dataclass(frozen=True, slots=True)
class TextPhrase:
    """One piece of text read outside a grid (a title, a 单位 line, a line of prose), with its box and confidence (0..1)."""

    text: str
    confidence: float
    bbox: BBox


@dataclass(frozen=True, slots=True)
class PageTable:
    grid: Grid
    context: tuple[TextPhrase, ...]  # text above the table, top to bottom, left to right
    footer: tuple[TextPhrase, ...]  # text right below it (notes such as 注：本表无数据)


@dataclass(frozen=True, slots=True)
class PageResult:
    ref: PageRef
    width: int
    height: int
    orientation: Orientation
    char_height: float
    tables: tuple[PageTable, ...]
    # A page without a table (the 情况说明 prose): its lines, top to bottom.
    text: tuple[TextPhrase, ...] = ()
    # The upright page image, kept by whoever read the page (a worker: pipeline.output.pages);
    # None when not kept yet (the document's assembly then keeps it).
    image: StoredPageImage | None = None

    def __setstate__(self, state: tuple[object, ...]) -> None:
        # Pickled page readings from before a field was added (page caches) load with its default.
        names = [f.name for f in fields(self)]
        defaults = {f.name: f.default for f in fields(self) if f.default is not MISSING}
        values = dict(zip(names, state))
        for name in names:
            object.__setattr__(self, name, values[name] if name in values else defaults[name])

    def __getstate__(self) -> tuple[object, ...]:
        return tuple(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True, slots=True)
class PageFailure:
    """A page that could not be read; the document goes on without it."""

    page: int
    category: str  # an ErrorCode value or "ocr_engine"
    message: str


@dataclass(frozen=True, slots=True)
class StoredPageImage:
    """The upright page a page's boxes refer to, kept as a PNG named by its sha256 (pipeline.output.pages)."""

    page: int  # 1-based
    sha256: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class DocumentResult:
    document: DocumentInfo
    facts: tuple[Fact, ...]
    tables: tuple[TableRecord, ...]
    failures: tuple[PageFailure, ...]
    pages_processed: int
    page_images: tuple[StoredPageImage, ...] = ()
