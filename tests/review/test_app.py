"""The workbench over HTTP (Starlette's test client): logging in, deciding, undoing, conflicts, and what
is refused: no session, no CSRF token, a path instead of a known image."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from _bench import PASSWORD, Bench
from pipeline.output.store import open_store
from pipeline.output.store.schema import FactRow, ReviewEventRow
from review.app import ReviewConfig, create_app

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def app(bench: Bench):
    return create_app(ReviewConfig(db_url=bench.url, data_dir=bench.data_dir))


def client(app) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1:8000", follow_redirects=False)


def log_in(app, name: str = "alice") -> TestClient:
    browser = client(app)
    form = browser.get("/login")
    token = _CSRF.search(form.text).group(1)
    answer = browser.post("/login", data={"name": name, "password": PASSWORD, "csrf": token, "next": "/"})
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    return browser


def csrf_of(page: str) -> str:
    return _CSRF.search(page).group(1)


def fact(bench: Bench, code: str, column: str) -> FactRow:
    with open_store(bench.url) as store, store.session() as session:
        rows = session.scalars(select(FactRow).where(FactRow.code == code)).all()
        return next(r for r in rows if r.column_path.endswith(column))


@pytest.fixture
def alice(app) -> Iterator[TestClient]:
    with log_in(app) as browser:
        yield browser


def test_the_session_cookie_is_httponly_and_samesite(app) -> None:
    browser = client(app)
    token = csrf_of(browser.get("/login").text)
    answer = browser.post("/login", data={"name": "alice", "password": PASSWORD, "csrf": token})
    cookie = answer.headers["set-cookie"]
    assert "yusuan_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "default-src 'none'" in answer.headers["content-security-policy"]


def test_a_wrong_password_or_a_missing_login_token_is_refused(app) -> None:
    browser = client(app)
    token = csrf_of(browser.get("/login").text)
    assert browser.post("/login", data={"name": "alice", "password": "wrong-one", "csrf": token}).status_code == 401
    fresh = client(app)
    assert fresh.post("/login", data={"name": "alice", "password": PASSWORD}).status_code == 403


def test_unauthenticated_requests_are_refused(app, bench: Bench) -> None:
    browser = client(app)
    target = fact(bench, "2010101", "基本支出")
    queue = browser.get("/")
    assert queue.status_code == 303 and queue.headers["location"].startswith("/login")
    assert browser.get(f"/images/{bench.image_sha256}.png").status_code == 401
    assert browser.get(f"/facts/{target.id}/crop.png").status_code == 401
    decided = browser.post(f"/facts/{target.id}/decide", data={"action": "accept", "version": "1"})
    assert decided.status_code == 401
    assert fact(bench, "2010101", "基本支出").review_state is None


def test_a_change_without_its_csrf_token_is_refused(alice: TestClient, bench: Bench) -> None:
    target = fact(bench, "2010101", "基本支出")
    for token in (None, "forged"):
        data = {"action": "accept", "version": "1"} | ({"csrf": token} if token else {})
        assert alice.post(f"/facts/{target.id}/decide", data=data).status_code == 403
    assert alice.post(f"/facts/{target.id}/undo", data={"version": "1"}).status_code == 403
    assert alice.post("/logout", data={}).status_code == 403
    assert fact(bench, "2010101", "基本支出").version == 1


@pytest.mark.parametrize("name", ["..%2F..%2F..%2Fetc%2Fpasswd", "..%2Fyusuan.sqlite", "%2Fetc%2Fpasswd",
                                  "0" * 64 + ".png", "../../yusuan.sqlite"])
def test_only_images_the_database_knows_are_served(alice: TestClient, bench: Bench, name: str) -> None:
    answer = alice.get(f"/images/{name}")
    assert answer.status_code == 404 and b"SQLite" not in answer.content and b"root:" not in answer.content


def test_a_known_page_image_and_the_crops_are_served(alice: TestClient, bench: Bench) -> None:
    answer = alice.get(f"/images/{bench.image_sha256}.png")
    assert answer.status_code == 200 and answer.content.startswith(b"\x89PNG")
    target = fact(bench, "2010101", "基本支出")
    for what in ("", "?what=row"):
        crop = alice.get(f"/facts/{target.id}/crop.png{what}")
        assert crop.status_code == 200 and crop.headers["content-type"] == "image/png"
    assert alice.get("/static/review.js").status_code == 200
    assert alice.get("/static/..%2Fapp.py").status_code == 404


def test_the_queue_shows_the_doubted_facts_by_impact(alice: TestClient, bench: Bench) -> None:
    page = alice.get("/").text
    assert "一般公共预算支出预算表" in page and "870.60" in page
    # The misread cell's row comes first: it is the largest amount in doubt.
    assert page.index("2010101 行政运行") < page.index("20101 人大事务")
    assert "row_sum_mismatch" in alice.get("/?reason=row_sum_mismatch").text
    assert "Nothing needs review" in alice.get("/?reason=narrative_mismatch").text


def test_the_fact_page_shows_its_evidence(alice: TestClient, bench: Bench) -> None:
    target = fact(bench, "2010101", "基本支出")
    page = alice.get(f"/facts/{target.id}").text
    assert "870.60" in page and "Correct to 830.50" in page and "row_sum_mismatch" in page
    assert "rapidocr" in page  # every engine's reading
    assert "行政运行" in page and "Closest catalog names" in page


def test_correct_then_undo_then_accept_are_audited(alice: TestClient, bench: Bench) -> None:
    target = fact(bench, "2010101", "基本支出")
    page = alice.get(f"/facts/{target.id}").text
    token = csrf_of(page)
    answer = alice.post(f"/facts/{target.id}/decide",
                        data={"csrf": token, "version": "1", "action": "correct", "value": "830.50",
                              "code": "2010101", "label": "行政运行"})
    assert answer.status_code == 303 and f"last={target.id}" in answer.headers["location"]
    assert fact(bench, "2010101", "基本支出").value == "830.50"
    undone = alice.post(f"/facts/{target.id}/undo", data={"csrf": token, "version": "2"})
    assert undone.status_code == 303
    assert fact(bench, "2010101", "基本支出").value == "870.60"
    alice.post(f"/facts/{target.id}/decide", data={"csrf": token, "version": "3", "action": "accept"})
    assert fact(bench, "2010101", "基本支出").review_state == "accepted"
    audit = alice.get("/audit").text
    assert audit.count('class="actor">alice') == 3
    with open_store(bench.url) as store, store.session() as session:
        actions = [e.action for e in session.scalars(select(ReviewEventRow).order_by(ReviewEventRow.id))]
    assert actions == ["correct", "undo", "accept"]


def test_two_operators_on_one_fact_the_second_gets_a_conflict(app, bench: Bench) -> None:
    target = fact(bench, "2010101", "基本支出")
    with log_in(app, "alice") as alice, log_in(app, "bob") as bob:
        alice_page, bob_page = alice.get(f"/facts/{target.id}").text, bob.get(f"/facts/{target.id}").text
        alice.post(f"/facts/{target.id}/decide", data={"csrf": csrf_of(alice_page), "version": "1", "action": "accept"})
        clash = bob.post(f"/facts/{target.id}/decide", data={"csrf": csrf_of(bob_page), "version": "1",
                                                              "action": "correct", "value": "830.50"})
    assert clash.status_code == 409
    assert "alice" in clash.text and "not applied" in clash.text and 'value="830.50"' in clash.text
    kept = fact(bench, "2010101", "基本支出")
    assert (kept.value, kept.reviewed_by) == ("870.60", "alice")


def test_the_page_view_colours_every_cell_and_links_it(alice: TestClient, bench: Bench) -> None:
    target = fact(bench, "2010101", "基本支出")
    page = alice.get(f"/documents/{target.document_id}/pages/1").text
    assert f'href="/facts/{target.id}"' in page and "cell needs-review" in page and "cell accepted" in page
    assert f"/images/{bench.image_sha256}.png" in page
