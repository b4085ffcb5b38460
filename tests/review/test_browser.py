"""The workbench in a real browser: Playwright drives Debian's chromium (installed by scripts/setup.sh;
no browser is downloaded) against ``yusuan review`` served on loopback, over a real ingest of a
scanned one-page budget table with one misprinted amount.

An operator logs in, reviews the queue, corrects the misprint with the keyboard, undoes it, corrects
it again from the identity's expected value and accepts the next fact; the export and the audit log
show it.  A second operator deciding on a fact the first just decided gets a conflict.  Requests
without a session, without a CSRF token, or with a path for an image are refused.

Screenshots of the queue, a fact and the page view land in the test's folder; with
YUSUAN_REVIEW_SCREENSHOTS=docs they are also written there (how docs/review-*.png were made).
"""

from __future__ import annotations

import csv
import os
import shutil
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "flows"))  # _inputs

CHROMIUM = Path("/usr/bin/chromium")
# As tests/... the machine notes say: headless, and no background traffic this closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
PASSWORD = "correct horse battery"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (scripts/setup.sh)")]


@dataclass(frozen=True)
class Served:
    base: str
    url: str
    data_dir: Path
    document_id: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ingest(pdf: Path, data_dir: Path, url: str) -> int:
    """The ingest recipe without Prefect's start-up: pages read, page images kept, the document stored."""
    from pipeline import PIPELINE_VERSION
    from pipeline.check.catalog import load_default
    from pipeline.document import process_document
    from pipeline.engines import make_cross_check
    from pipeline.image.intake import open_document, page_refs
    from pipeline.ocr import make_engine
    from pipeline.output.pages import page_image_folder
    from pipeline.output.store import open_store
    from pipeline.settings import Settings

    settings = Settings(data_dir=data_dir)
    document = open_document(pdf)
    result = process_document(document, page_refs(document), settings, make_engine(settings.ocr_engine),
                              load_default(), cross_check=make_cross_check(settings),
                              image_folder=page_image_folder(data_dir))
    with open_store(url) as store:
        assert store.save_document(result, PIPELINE_VERSION)
        with store.session() as session:
            from sqlalchemy import select

            from pipeline.output.store.schema import DocumentRow

            return session.scalars(select(DocumentRow.id)).one()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    import uvicorn

    from _inputs import MISPRINTED_BODY, budget_pdf_bytes
    from pipeline.output.store import default_url, open_store
    from review.accounts import add_operator
    from review.app import ReviewConfig, create_app

    folder = tmp_path_factory.mktemp("review_browser")
    pdf = folder / "阳高县教育局2025年预算支出总表.pdf"
    pdf.write_bytes(budget_pdf_bytes(body=MISPRINTED_BODY))
    data_dir = folder / "data"
    url = default_url(data_dir)
    document_id = _ingest(pdf, data_dir, url)
    with open_store(url) as store, store.session() as session, session.begin():
        add_operator(session, "alice", PASSWORD)
        add_operator(session, "bob", PASSWORD)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(ReviewConfig(db_url=url, data_dir=data_dir)),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the workbench did not start"
        time.sleep(0.05)
    try:
        yield Served(f"http://127.0.0.1:{port}", url, data_dir, document_id)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(served: Served) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield playwright, chromium
        finally:
            chromium.close()


def _log_in(chromium, served: Served, name: str):
    context = chromium.new_context(base_url=served.base, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto("/")
    assert "/login" in page.url  # no session: sent to the login form
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("#login")
    page.wait_for_selector("#queue-total")
    return context, page


def _shoot(page, name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=True)
    target = os.environ.get("YUSUAN_REVIEW_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / name)


def test_an_operator_reviews_corrects_undoes_and_accepts(browser, served: Served, tmp_path: Path) -> None:
    from pipeline.output.export import export

    _, chromium = browser
    context, page = _log_in(chromium, served, "alice")
    assert int(page.inner_text("#queue-total")) >= 3
    assert "row_sum_mismatch" in page.content() and "870.60" in page.content()
    _shoot(page, "review-queue.png", tmp_path)

    # The misprinted cell: its evidence, then a correction typed with the keyboard.
    page.click("a.fact-link:text-is('870.60')")
    misread_url = page.url.split("?")[0]
    assert "870.60" in page.inner_text("#readings") and "830.50" in page.inner_text("#identities")
    # The row's crop is cut from the page image on request: on a busy machine it may still be loading.
    page.wait_for_function("() => { const img = document.querySelector('#crop-row');"
                           " return img && img.complete && img.naturalWidth > 0; }", timeout=20_000)
    _shoot(page, "review-fact.png", tmp_path)
    page.keyboard.press("c")
    page.fill("#correct-value", "830.5")
    page.keyboard.press("Enter")
    page.wait_for_selector("#last-decision")
    assert "corrected" in page.inner_text("#last-decision")

    # Undo it from the next fact's page ...
    page.keyboard.press("u")
    page.wait_for_selector("#message")
    assert page.url.split("?")[0] == misread_url and "870.60" in page.inner_text("#fact-value")
    # ... correct it again to what its identities expect, and accept the fact that follows.
    page.click(".use-expected >> nth=0")
    page.wait_for_selector("#last-decision")
    accepted_url = page.url.split("?")[0]
    page.keyboard.press("a")
    page.wait_for_selector("#last-decision")
    assert "accepted" in page.inner_text("#last-decision")

    # The page view: every cell coloured by status; a click on a cell opens it.
    page.goto(f"/documents/{served.document_id}/pages/1")
    assert page.locator("rect.cell.reviewed").count() == 2 and page.locator("rect.cell.accepted").count() >= 1
    _shoot(page, "review-page.png", tmp_path)
    fact_id = misread_url.rsplit("/", 1)[1]
    page.click(f"#fact-{fact_id} rect")
    page.wait_for_selector("#fact-value")
    assert page.url.split("?")[0] == misread_url and "830.50" in page.inner_text("#fact-value")

    # The audit log shows every step, and the export the operator's values.
    page.goto("/audit")
    actions = page.locator("#audit td.action").all_inner_texts()
    assert [a.split()[0] for a in actions] == ["accept", "correct", "undo", "correct"]
    assert set(page.locator("#audit td.actor").all_inner_texts()) == {"alice"}
    facts_csv = export(served.url, "csv", tmp_path / "export")[0]  # then tables and the pivots
    with facts_csv.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    (corrected,) = [r for r in rows if r["code"] == "2010101" and r["column"] == "基本支出"]
    assert (corrected["value"], corrected["raw"], corrected["status"], corrected["review"], corrected["reviewed_by"]) == (
        "830.50", "870.60", "accepted", "corrected", "alice")
    assert "corrected_by_operator" in corrected["reasons"]
    assert sum("accepted_by_operator" in r["reasons"] for r in rows) == 1
    assert accepted_url != misread_url
    context.close()


def test_two_operators_on_one_fact_the_second_gets_a_conflict(browser, served: Served) -> None:
    _, chromium = browser
    alice_context, alice = _log_in(chromium, served, "alice")
    bob_context, bob = _log_in(chromium, served, "bob")
    alice.click("a.fact-link >> nth=0")
    bob.goto(alice.url)
    value = bob.inner_text("#fact-value")
    alice.keyboard.press("a")
    alice.wait_for_selector("#last-decision")
    bob.keyboard.press("c")
    bob.fill("#correct-value", "1.00")
    bob.keyboard.press("Enter")
    bob.wait_for_selector("#conflict")
    assert "alice" in bob.inner_text("#conflict") and "not applied" in bob.inner_text("#conflict")
    # Nothing lost: alice's decision stands, bob's value waits in the form to apply again.
    assert bob.input_value("#reapply-value") == "1.00"
    assert bob.inner_text("#conflict-current").split()[0] == value.split()[0]
    alice_context.close()
    bob_context.close()


def test_requests_without_a_session_a_csrf_token_or_a_known_image_are_refused(browser, served: Served) -> None:
    playwright, chromium = browser
    from sqlalchemy import select

    from pipeline.output.store import open_store
    from pipeline.output.store.schema import FactRow, PageImageRow

    with open_store(served.url) as store, store.session() as session:
        image = session.scalars(select(PageImageRow.sha256)).first()
        target = session.scalars(select(FactRow).where(FactRow.review_state.is_(None))).first()
    anonymous = playwright.request.new_context(base_url=served.base)
    assert anonymous.get("/", max_redirects=0).status == 303
    assert anonymous.get(f"/images/{image}.png").status == 401
    assert anonymous.post(f"/facts/{target.id}/decide", form={"action": "accept", "version": str(target.version)}
                          ).status == 401
    context, _ = _log_in(chromium, served, "alice")
    assert context.request.get(f"/images/{image}.png").status == 200
    refused = context.request.post(f"/facts/{target.id}/decide",
                                   form={"action": "accept", "version": str(target.version)})
    assert refused.status == 403
    for name in ("..%2F..%2Fyusuan.sqlite", "..%2F..%2F..%2F..%2Fetc%2Fpasswd", "0" * 64 + ".png"):
        assert context.request.get(f"/images/{name}").status == 404
    with open_store(served.url) as store, store.session() as session:
        assert session.get(FactRow, target.id).version == target.version  # nothing changed
    anonymous.dispose()
    context.close()
