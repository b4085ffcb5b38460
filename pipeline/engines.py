"""The engines a run reads pages with: the primary one, and the cross-check.

The cross-check is the other engine, asked only about cells that neither the
arithmetic nor a vocabulary can confirm (pipeline.read.crosscheck).  Its vocabulary
is the packaged one, so a page's reading depends on the code and the settings
alone (the page cache key holds both), never on a user's imported catalogs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from pipeline.check.catalog import load_default
from pipeline.interpret.classify import TITLE_VARIANTS
from pipeline.interpret.facts import CROSS_CHECK, PRIMARY
from pipeline.read.crosscheck import CrossCheck, vocabulary_keys
from pipeline.interpret.forms import vocabulary as form_vocabulary
from pipeline.ocr import OcrEngine, OcrEngineError, check_engine, make_engine
from pipeline.settings import Settings
from pipeline.interpret.structure import header_vocabulary

_OTHER_ENGINE = {"rapidocr": "tesseract", "tesseract": "rapidocr"}


@cache
def packaged_vocabulary() -> frozenset[str]:
    """Comparison keys of every word the pipeline knows: 科目 and 目录 names, headers, form keys, titles."""
    words = [entry.name for entry in load_default().entries]
    words += header_vocabulary()
    words += [key.key for key in form_vocabulary()]
    words += [title for titles in TITLE_VARIANTS.values() for title in titles]
    return vocabulary_keys(words)


def make_cross_check(settings: Settings,
                     engine_named: Callable[[str], OcrEngine] = make_engine) -> CrossCheck | None:
    """The cross-check the settings ask for, its engine built (or lent) by ``engine_named``."""
    if not settings.cross_check:
        return None
    return CrossCheck(engine=engine_named(_OTHER_ENGINE[settings.ocr_engine]), known=packaged_vocabulary())


def engine_names(settings: Settings) -> dict[str, str]:
    """The engines' names by the roles a cell's readings carry (pipeline.interpret.facts)."""
    return {PRIMARY: settings.ocr_engine, CROSS_CHECK: _OTHER_ENGINE[settings.ocr_engine]}


def check_engines(settings: Settings) -> None:
    """Raise OcrEngineError, saying what to install or switch off, unless every engine the
    settings need can run.

    Checked once before a run: a missing engine would otherwise fail every page, each after its retries.
    """
    check_engine(settings.ocr_engine)
    if settings.cross_check:
        other = _OTHER_ENGINE[settings.ocr_engine]
        try:
            check_engine(other)
        except OcrEngineError as exc:
            raise OcrEngineError(f"the cross-check reads with {other}: {exc}; "
                                 "or turn the cross-check off with --no-cross-check") from exc
