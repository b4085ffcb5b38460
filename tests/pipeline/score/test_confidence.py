"""From a draft fact's evidence to one probability and a review status."""

from __future__ import annotations

from dataclasses import replace

import pytest

from models import BBox, Evidence, Fact, ReviewReason, TableKind
from pipeline.score.confidence import DocumentIdentity, finish
from pipeline.interpret.facts import DraftFact, with_bracket_reasons, with_unread_mark_reasons
from pipeline.settings import Settings

ACCEPT = Settings().accept_threshold
DOC = DocumentIdentity(sha256="a" * 64, source="budget.pdf")
DRAFT = DraftFact(
    table_index=0, kind=TableKind.GENERAL_BUDGET_EXPENDITURE, page=3, row=4, col=2, code="2010101",
    code_source="printed", labels=("行政运行",), raw_labels=("行政运行",), column="2025年预算数/合计",
    value="1030.50", value_kind="number", unit="万元", raw="1,030.50", evidence=Evidence(ocr_confidence=0.99),
    bbox=BBox(0.1, 0.2, 0.3, 0.25), reasons=(),
)


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback before any model is fitted: OCR confidence, capped when a check failed."""
    monkeypatch.setattr("pipeline.score.confidence.packaged_model", lambda: None)


def test_a_clean_confident_fact_is_accepted(no_model: None) -> None:
    fact = finish(DRAFT, DOC, ACCEPT)
    assert isinstance(fact, Fact)
    assert (fact.status, fact.reasons, fact.confidence) == ("accepted", [], 0.99)
    assert (fact.document, fact.source, fact.page, fact.table) == ("a" * 64, "budget.pdf", 3, TableKind.GENERAL_BUDGET_EXPENDITURE)
    assert (fact.code, fact.labels, fact.column, fact.value, fact.kind, fact.unit, fact.raw) == (
        "2010101", ["行政运行"], "2025年预算数/合计", "1030.50", "number", "万元", "1,030.50")
    assert fact.bbox == [0.1, 0.2, 0.3, 0.25] and fact.code_source == "printed"


def test_an_unparseable_number_needs_review(no_model: None) -> None:
    fact = finish(replace(DRAFT, value="1O3#.5", value_kind="text", reasons=("unparseable_number",)), DOC, ACCEPT)
    assert fact.status == "needs_review"
    assert fact.reasons == ["unparseable_number"]
    assert fact.confidence <= 0.5


@pytest.mark.parametrize("reason", ["code_name_mismatch", "unmatched_label", "row_sum_mismatch", "unread_mark",
                                    "unbalanced_brackets"])
def test_a_failed_check_is_never_accepted_however_sure_the_ocr(reason: str) -> None:
    fact = finish(replace(DRAFT, evidence=Evidence(ocr_confidence=1.0), reasons=(reason,)), DOC, ACCEPT)
    assert fact.status == "needs_review" and reason in fact.reasons
    clean = finish(replace(DRAFT, evidence=Evidence(ocr_confidence=1.0)), DOC, ACCEPT)
    assert fact.confidence < clean.confidence  # the fitted model weighs the failed check


def test_a_mark_in_the_ink_that_the_reading_lacks_sends_an_unchecked_fact_to_review() -> None:
    # Both engines read 720元/生年 with full confidence; the · is only in the ink.
    indicator = replace(DRAFT, kind=TableKind.PERFORMANCE_PROJECT, code=None, value="720元/生年", value_kind="text",
                        unit=None, raw="720元/生年", evidence=Evidence(ocr_confidence=0.999, agreement=1.0, unread_marks=1))
    (flagged,) = with_unread_mark_reasons([indicator])
    fact = finish(flagged, DOC, ACCEPT)
    assert fact.status == "needs_review" and fact.reasons == ["unread_mark"]
    assert finish(replace(indicator, evidence=replace(indicator.evidence, unread_marks=0)), DOC, ACCEPT).status == "accepted"


def test_a_value_a_check_vouches_for_is_not_doubted_for_a_speck_beside_it() -> None:
    vouched = replace(DRAFT, evidence=replace(DRAFT.evidence, unread_marks=1), checks_passed=2)
    assert with_unread_mark_reasons([vouched]) == [vouched]
    assert with_unread_mark_reasons([replace(DRAFT, evidence=replace(DRAFT.evidence, unread_marks=0))]) == [replace(DRAFT, evidence=replace(DRAFT.evidence, unread_marks=0))]


def test_a_row_label_that_lost_a_bracket_sends_its_numbers_to_review_even_when_they_add_up() -> None:
    # The amount is right, the fact is not: its project name (the row key) lost the 〕.
    carryover = replace(DRAFT, kind=TableKind.PROJECT_CARRYOVER, code=None, value="620.00", raw="620.00",
                        labels=("2024年义务教育薄弱环节改善与能力提升补助资金（阳财教〔202458号)",),
                        evidence=Evidence(ocr_confidence=0.98), checks_passed=2)
    (flagged,) = with_bracket_reasons([carryover])
    fact = finish(flagged, DOC, ACCEPT)
    assert fact.status == "needs_review" and fact.reasons == ["unbalanced_brackets"]
    whole = replace(carryover, labels=("2024年义务教育薄弱环节改善与能力提升补助资金（阳财教〔2024〕58号）",))
    assert with_bracket_reasons([whole]) == [whole]


def test_without_a_model_a_failed_check_caps_the_confidence(no_model: None) -> None:
    fact = finish(replace(DRAFT, evidence=Evidence(ocr_confidence=1.0), reasons=("row_sum_mismatch",)), DOC, ACCEPT)
    assert fact.status == "needs_review" and fact.confidence <= 0.5


def test_the_shipped_model_says_where_it_was_fitted_and_checked() -> None:
    from pipeline.score.calibration import packaged_model

    model = packaged_model()
    assert model is not None and model.fitted_on and model.checked_on
    assert not set(model.fitted_on) & set(model.checked_on)


def test_every_default_accept_threshold_is_the_one_chosen_with_the_shipped_model() -> None:
    # One number, chosen with the weights it applies to: ingest, the review app and re-validation
    # after an operator's decision must not judge the same fact by different bars.
    from flows.config import RunConfig
    from pipeline.score.calibration import packaged_model
    from pipeline.settings import DEFAULT_ACCEPT_THRESHOLD
    from review.app import ReviewConfig

    model = packaged_model()
    assert model is not None and model.accept_threshold == DEFAULT_ACCEPT_THRESHOLD
    assert Settings().accept_threshold == ReviewConfig(db_url="sqlite://").accept_threshold == DEFAULT_ACCEPT_THRESHOLD
    assert RunConfig.model_fields["accept_threshold"].default == DEFAULT_ACCEPT_THRESHOLD


def test_more_identities_satisfied_means_more_confidence() -> None:
    weak = finish(replace(DRAFT, checks_passed=0), DOC, ACCEPT)
    strong = finish(replace(DRAFT, checks_passed=3), DOC, ACCEPT)
    assert strong.confidence > weak.confidence


def test_low_ocr_confidence_is_a_reason_of_its_own(no_model: None) -> None:
    fact = finish(replace(DRAFT, evidence=Evidence(ocr_confidence=0.6)), DOC, ACCEPT)
    assert (fact.status, fact.reasons, fact.confidence) == ("needs_review", ["low_ocr_confidence"], 0.6)


def test_an_informational_reason_does_not_send_to_review() -> None:
    # Whatever the fitted weights make of a correction, the reason itself forbids nothing.
    fact = finish(replace(DRAFT, reasons=("corrected_by_arithmetic",), checks_passed=2), DOC, ACCEPT,
                  model=_sure_model(1.0))
    assert fact.status == "accepted" and fact.reasons == ["corrected_by_arithmetic"]


def test_confidence_is_clamped_and_reasons_deduplicated() -> None:
    fact = finish(replace(DRAFT, evidence=Evidence(ocr_confidence=1.7), reasons=("unmatched_label", "unmatched_label")), DOC, ACCEPT)
    assert 0.0 <= fact.confidence <= 1.0
    assert fact.reasons == ["unmatched_label"]


def test_when_the_ocr_engines_disagree_that_is_the_reason_named(no_model: None) -> None:
    fact = finish(replace(DRAFT, evidence=Evidence(ocr_confidence=0.6, agreement=0.8)), DOC, ACCEPT)
    assert (fact.status, fact.reasons) == ("needs_review", ["ocr_engines_disagree"])
    agreeing = finish(replace(DRAFT, evidence=Evidence(ocr_confidence=0.6, agreement=1.0)), DOC, ACCEPT)
    assert agreeing.reasons == ["low_ocr_confidence"]


PROSE = replace(DRAFT, kind=TableKind.PERFORMANCE_PROJECT, code=None, code_source=None, labels=("项目概况",),
                raw_labels=("项目概况",), column="", value="组织全县中小学教师参加全员培训，提升教师专业素养",
                value_kind="text", unit=None, raw="组织全县中小学教师参加全员培训，提升教师专业素养",
                evidence=Evidence(ocr_confidence=0.99))


def test_a_second_engine_disagreeing_lowers_the_confidence_and_more_never_raises_it() -> None:
    agreed = finish(replace(PROSE, evidence=replace(PROSE.evidence, agreement=1.0)), DOC, ACCEPT).confidence
    one_off = finish(replace(PROSE, evidence=replace(PROSE.evidence, agreement=0.96)), DOC, ACCEPT).confidence
    far_off = finish(replace(PROSE, evidence=replace(PROSE.evidence, agreement=0.7)), DOC, ACCEPT).confidence
    assert agreed > one_off >= far_off


def _sure_model(document_failed_max: float) -> object:
    from pipeline.score.calibration import FEATURES, ConfidenceModel

    weights = tuple(8.0 if name == "bias" else 0.0 for name in FEATURES)  # says 0.9997 to everything
    return ConfidenceModel(weights=weights, fitted_on=("x",), checked_on=("y",), note="test",
                           document_failed_max=document_failed_max)


def test_a_scan_read_worse_than_any_the_model_was_fitted_on_is_not_taken_on_its_word() -> None:
    from models import TableSignals

    model = _sure_model(document_failed_max=0.25)
    poor = replace(DRAFT, table=TableSignals(document_failed_share=0.55))
    fact = finish(poor, DOC, ACCEPT, model=model)
    assert (fact.status, fact.reasons) == ("needs_review", ["scan_quality_unfamiliar"])
    # Even an amount its identities confirm: a poor scan misreads a figure alike wherever it is printed.
    assert finish(replace(poor, checks_passed=2), DOC, ACCEPT, model=model).status == "needs_review"
    # A document read as well as those the model was fitted on is scored as usual.
    fine = replace(DRAFT, table=TableSignals(document_failed_share=0.2))
    assert finish(fine, DOC, ACCEPT, model=model).status == "accepted"


def test_an_unfamiliar_document_s_facts_keep_the_model_s_probability_and_go_to_review() -> None:
    """The reason says where the model extrapolates; it is no evidence the model was fitted with, so
    it does not lower the probability the way a doubt about the fact itself would."""
    from models import TableSignals
    from pipeline.score.calibration import FEATURES, ConfidenceModel

    weights = tuple(-3.0 if name == "doubt_reason" else 1.0 if name == "bias" else 0.0 for name in FEATURES)
    model = ConfidenceModel(weights=weights, fitted_on=("x",), checked_on=("y",), note="test", document_failed_max=0.25)
    poor = replace(DRAFT, table=TableSignals(document_failed_share=0.55))
    fact = finish(poor, DOC, 0.5, model=model)
    assert fact.confidence == round(model.probability(poor), 4) > 0.5
    assert (fact.status, fact.reasons) == ("needs_review", ["scan_quality_unfamiliar"])


def test_the_document_s_share_of_broken_identities_counts_no_further_than_the_model_has_seen() -> None:
    from models import TableSignals
    from pipeline.score.calibration import FEATURES, ConfidenceModel

    weights = tuple(-4.0 if name == "document_failed_share" else 2.0 if name == "bias" else 0.0 for name in FEATURES)
    model = ConfidenceModel(weights=weights, fitted_on=("x",), checked_on=("y",), note="test", document_failed_max=0.25)
    at_edge, beyond = (model.probability(replace(DRAFT, table=TableSignals(document_failed_share=share)))
                       for share in (0.25, 0.9))
    assert at_edge == beyond and at_edge < model.probability(replace(DRAFT, table=TableSignals(document_failed_share=0.1)))


def test_a_bare_comparison_sign_in_a_form_is_doubted() -> None:
    from pipeline.interpret.facts import with_comparison_sign_reasons
    from pipeline.read.textcells import READ_BY as TEXT_LAYER

    form = replace(DRAFT, kind=TableKind.PERFORMANCE_PROJECT, value_kind="text", value=">95%")
    flagged, printed_sign, ledger, born_digital = with_comparison_sign_reasons(
        [form, replace(form, value="≥95%"), replace(DRAFT, value=">95%"), replace(form, read_by=TEXT_LAYER)])
    assert flagged.reasons == ("comparison_sign_unsure",)
    assert printed_sign.reasons == ledger.reasons == born_digital.reasons == ()
    assert finish(flagged, DOC, ACCEPT, model=_sure_model(1.0)).status == "needs_review"


@pytest.mark.parametrize("read_by", ["", "text_layer"])
def test_a_fact_judged_again_from_its_record_keeps_its_table_s_doubts_and_how_it_was_read(read_by: str) -> None:
    # refinish (after an operator's correction) rebuilds the draft from the stored record: the table's
    # signals and the text-layer origin must come back with it, or the fact is scored as if its table held.
    from models import TableSignals
    from pipeline.read.textcells import READ_BY
    from pipeline.score.confidence import refinish

    shaky = replace(DRAFT, table=TableSignals(header_fit=0.6, failed_share=0.5, unconfirmed_share=0.3,
                                              unmatched_share=0.4, document_failed_share=0.2),
                    read_by=READ_BY if read_by else "")
    fact = finish(shaky, DOC, ACCEPT)
    stored = Fact.model_validate_json(fact.model_dump_json())
    again = refinish(stored, ACCEPT)
    assert (again.confidence, again.status) == (fact.confidence, fact.status)
    assert fact.confidence < finish(replace(shaky, table=TableSignals()), DOC, ACCEPT).confidence


def test_an_unread_mark_has_a_weight_of_its_own_and_still_sends_the_fact_to_review() -> None:
    # A photocopy's toner speck prints as large as a 。: the model weighs this doubt apart from the
    # others (a broken identity, a value unlike its key), yet it is a doubt all the same.
    from pipeline.score.calibration import FEATURES, features

    marked = replace(DRAFT, value_kind="text", value="按学期核定学生人数拨付资金", reasons=(ReviewReason.UNREAD_MARK,))
    row = dict(zip(FEATURES, features(marked)))
    assert (row["unread_mark"], row["doubt_reason"]) == (1.0, 1.0)
    assert dict(zip(FEATURES, features(DRAFT)))["unread_mark"] == 0.0
    assert finish(marked, DOC, ACCEPT).status == "needs_review"
