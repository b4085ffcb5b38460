"""The workbench as a Starlette app: log in, the queue, one fact, a page, the audit log.

Security, as the issue asks and a reviewer would check:

* every page but the login form needs a session: an HttpOnly, SameSite=Strict cookie holding a
  random token (the database keeps its sha256); a GET without one is sent to the login form, any
  other request refused with 401;
* every change (a decision, an undo, logging out, logging in) is a POST carrying a CSRF token: the
  session's own, or for the login form a double-submit cookie; without it, 403;
* page images are served only by a sha256 the database knows, and the file is found from the
  database's value (pipeline.output.pages.page_image_path), never from the request's text;
  static files are a fixed table of names;
* Content-Security-Policy allows only this origin's scripts, styles and images (no inline code).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipeline.check.catalog import load_default
from pipeline.output.pages import page_image_folder, page_image_path
from pipeline.output.store import open_store
from pipeline.settings import DEFAULT_ACCEPT_THRESHOLD
from pipeline.output.store.reviews import (
    Decision,
    InvalidDecision,
    NothingToUndo,
    ReviewError,
    VersionConflict,
    decide,
    undo,
)
from pipeline.output.store.schema import FactRow, PageImageRow, TableRow
from review import accounts, images, queue

SESSION_COOKIE = "yusuan_session"
LOGIN_CSRF_COOKIE = "yusuan_login_csrf"
_SHA256_PNG = re.compile(r"([0-9a-f]{64})\.png")
_STATIC = {"review.js": "application/javascript", "review.css": "text/css"}
_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True, slots=True)
class ReviewConfig:
    db_url: str
    data_dir: Path = Path("data")
    # Set behind TLS: the cookies then travel only over HTTPS.
    secure_cookie: bool = False
    session_hours: float = 12.0
    accept_threshold: float = DEFAULT_ACCEPT_THRESHOLD


class _SecurityHeaders:
    """Adds the headers above to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


Handler = Callable[[Request, accounts.LoggedIn], Awaitable[Response]]


def _safe_next(target: str | None) -> str:
    """Only a path of this site (never //host or a scheme) is followed after logging in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _filters(source: Any) -> queue.QueueFilter:
    return queue.QueueFilter(reason=source.get("reason") or None, kind=source.get("kind") or None,
                             document=source.get("document") or None)


class Workbench:
    """The app's state (store, catalog, templates) and its endpoints; nothing global."""

    def __init__(self, config: ReviewConfig) -> None:
        self.config = config
        self.store = open_store(config.db_url)
        self.catalog = load_default(config.data_dir / "catalogs")
        self.pages = page_image_folder(config.data_dir)
        folder = resources.files("review").joinpath("templates")
        self.templates = Jinja2Templates(directory=str(folder))
        self.templates.env.filters["query"] = lambda params: urlencode(params)

    # --- plumbing ---------------------------------------------------------------------

    def _render(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    def _cookie(self, response: Response, name: str, value: str, max_age: int | None) -> None:
        response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict",
                            secure=self.config.secure_cookie, path="/")

    def _user(self, request: Request) -> accounts.LoggedIn | None:
        with self.store.session() as session:
            return accounts.logged_in(session, request.cookies.get(SESSION_COOKIE))

    def protected(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            user = self._user(request)
            if user is None:
                if request.method == "GET" and not request.url.path.endswith(".png"):
                    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
                return PlainTextResponse("log in first", status_code=401)
            try:
                if request.method == "POST":
                    await self._check_csrf(request, user.csrf_token)
                return await handler(request, user)
            except Refused as refused:
                return self._render(request, "error.html", refused.status, user=user, message=refused.message)

        return endpoint

    async def _check_csrf(self, request: Request, expected: str) -> None:
        form = await request.form()
        if not accounts.same_token(expected, str(form.get("csrf") or "")):
            raise Refused(403, "This form is missing its security token (or it expired): reload the page and try again.")

    # --- logging in and out -------------------------------------------------------------

    async def login_form(self, request: Request) -> Response:
        token = secrets.token_urlsafe(32)
        response = self._render(request, "login.html", csrf=token, next=_safe_next(request.query_params.get("next")),
                                error=None, user=None)
        self._cookie(response, LOGIN_CSRF_COOKIE, token, max_age=3600)
        return response

    async def login(self, request: Request) -> Response:
        form = await request.form()
        expected = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
        if not expected or not accounts.same_token(expected, str(form.get("csrf") or "")):
            return PlainTextResponse("the login form's security token is missing: reload the login page", 403)
        with self.store.session() as session, session.begin():
            operator = accounts.authenticate(session, str(form.get("name") or ""), str(form.get("password") or ""))
            if operator is not None:
                token, _ = accounts.open_session(session, operator, timedelta(hours=self.config.session_hours))
        if operator is None:
            fresh = secrets.token_urlsafe(32)
            response = self._render(request, "login.html", 401, csrf=fresh, next=_safe_next(str(form.get("next") or "")),
                                    error="Wrong name or password.", user=None)
            self._cookie(response, LOGIN_CSRF_COOKIE, fresh, max_age=3600)
            return response
        response = RedirectResponse(_safe_next(str(form.get("next") or "")), status_code=303)
        self._cookie(response, SESSION_COOKIE, token, max_age=int(self.config.session_hours * 3600))
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
        return response

    async def logout(self, request: Request, user: accounts.LoggedIn) -> Response:
        with self.store.session() as session, session.begin():
            accounts.close_session(session, request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # --- the queue and one fact -----------------------------------------------------------

    async def queue_page(self, request: Request, user: accounts.LoggedIn) -> Response:
        flt = _filters(request.query_params)
        with self.store.session() as session:
            groups = queue.queue(session, flt)
            choices = queue.filter_choices(session)
            last = self._last(session, request.query_params.get("last"))
        return self._render(request, "queue.html", user=user, groups=groups, flt=flt, choices=choices,
                            total=sum(d.count for d in groups), last=last)

    async def fact_page(self, request: Request, user: accounts.LoggedIn) -> Response:
        fact_id = request.path_params["fact_id"]
        flt = _filters(request.query_params)
        with self.store.session() as session:
            detail = queue.fact_detail(session, fact_id, self.catalog)
            if detail is None:
                raise Refused(404, f"There is no fact {fact_id}.")
            ids = queue.queue_ids(queue.queue(session, flt))
            last = self._last(session, request.query_params.get("last"))
        previous_id, next_id = _neighbours(ids, fact_id)
        return self._render(request, "fact.html", user=user, d=detail, flt=flt, previous_id=previous_id,
                            next_id=next_id, position=(ids.index(fact_id) + 1) if fact_id in ids else None,
                            remaining=len(ids), last=last, message=request.query_params.get("message"))

    def _last(self, session: Any, last: str | None) -> FactRow | None:
        """The fact decided just before, for its undo button."""
        return session.get(FactRow, int(last)) if last and last.isdigit() else None

    async def decide_fact(self, request: Request, user: accounts.LoggedIn) -> Response:
        fact_id = request.path_params["fact_id"]
        form = await request.form()
        action = str(form.get("action") or "")
        if action not in ("accept", "correct", "reject"):
            raise Refused(400, f"Unknown action {action!r}.")
        decision = Decision(action, value=_field(form, "value"), code=_field(form, "code"),  # type: ignore[arg-type]
                            label=_field(form, "label"))
        version = _version(form)
        flt = _filters(form)
        try:
            with self.store.session() as session, session.begin():
                decide(session, fact_id, user.operator.name, decision, version, self.config.accept_threshold)
        except VersionConflict as conflict:
            return self._conflict(request, user, conflict, decision, flt)
        except InvalidDecision as invalid:
            return self._back(fact_id, flt, message=str(invalid))
        except ReviewError as error:
            raise Refused(404, str(error)) from error
        with self.store.session() as session:
            ids = queue.queue_ids(queue.queue(session, flt))
        following = str(form.get("next_id") or "")
        target = int(following) if following.isdigit() and int(following) in ids else (ids[0] if ids else None)
        if target is None:
            return RedirectResponse(f"/?{urlencode({**flt.query(), 'last': fact_id})}", status_code=303)
        return RedirectResponse(f"/facts/{target}?{urlencode({**flt.query(), 'last': fact_id})}", status_code=303)

    async def undo_fact(self, request: Request, user: accounts.LoggedIn) -> Response:
        fact_id = request.path_params["fact_id"]
        form = await request.form()
        flt = _filters(form)
        try:
            with self.store.session() as session, session.begin():
                undo(session, fact_id, user.operator.name, _version(form), self.config.accept_threshold)
        except VersionConflict as conflict:
            return self._conflict(request, user, conflict, None, flt)
        except NothingToUndo as nothing:
            return self._back(fact_id, flt, message=str(nothing))
        except ReviewError as error:
            raise Refused(404, str(error)) from error
        return self._back(fact_id, flt, message="Undone.")

    def _back(self, fact_id: int, flt: queue.QueueFilter, message: str) -> Response:
        return RedirectResponse(f"/facts/{fact_id}?{urlencode({**flt.query(), 'message': message})}", status_code=303)

    def _conflict(self, request: Request, user: accounts.LoggedIn, conflict: VersionConflict,
                  decision: Decision | None, flt: queue.QueueFilter) -> Response:
        """Nothing of either operator is lost: the first decision stands, and the second operator sees
        it beside what they asked for, ready to apply again on the new version."""
        with self.store.session() as session:
            current = session.get(FactRow, conflict.fact_id)
        return self._render(request, "conflict.html", 409, user=user, conflict=conflict, decision=decision,
                            current=current, flt=flt)

    # --- pictures ---------------------------------------------------------------------------

    async def crop(self, request: Request, user: accounts.LoggedIn) -> Response:
        fact_id = request.path_params["fact_id"]
        with self.store.session() as session:
            fact = session.get(FactRow, fact_id)
            if fact is None or not fact.page_image_sha256 or not queue.known_image(session, fact.page_image_sha256):
                return PlainTextResponse("no page image for this fact", 404)
            table = session.get(TableRow, fact.table_id) if fact.table_id is not None else None
            grid = [c.bbox for c in queue.table_cells(session, table.id) if c.bbox] if table is not None else []
            sha256 = fact.page_image_sha256
        gray = images.load_page(self.pages, sha256)
        if gray is None:
            return PlainTextResponse("the page image's file is missing from the data directory", 404)
        png = images.crop(gray, fact.bbox, grid, table.bbox if table is not None else None,
                          whole_row=request.query_params.get("what") == "row")
        return Response(png, media_type="image/png")

    async def page_image(self, request: Request, user: accounts.LoggedIn) -> Response:
        match = _SHA256_PNG.fullmatch(request.path_params["name"])
        if match is None:
            return PlainTextResponse("not found", 404)
        with self.store.session() as session:
            known = session.get(PageImageRow, match.group(1))
            if known is None:
                return PlainTextResponse("not found", 404)
            sha256 = known.sha256  # the database's value names the file, not the request's
        path = page_image_path(self.pages, sha256)
        if not path.is_file():
            return PlainTextResponse("not found", 404)
        return Response(path.read_bytes(), media_type="image/png")

    async def page_page(self, request: Request, user: accounts.LoggedIn) -> Response:
        document_id, number = request.path_params["document_id"], request.path_params["page"]
        with self.store.session() as session:
            view = queue.page_view(session, document_id, number)
            if view is None:
                raise Refused(404, "There is no such document.")
            size = session.get(PageImageRow, view.image_sha256) if view.image_sha256 else None
        return self._render(request, "page.html", user=user, view=view, size=size, status_class=queue.status_class)

    async def audit(self, request: Request, user: accounts.LoggedIn) -> Response:
        fact = request.query_params.get("fact")
        with self.store.session() as session:
            events = queue.audit_log(session, fact_id=int(fact) if fact and fact.isdigit() else None)
        return self._render(request, "audit.html", user=user, events=events)

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _STATIC:
            return PlainTextResponse("not found", 404)
        body = resources.files("review").joinpath("static", name).read_bytes()
        return Response(body, media_type=_STATIC[name], headers={"Cache-Control": "max-age=300"})

    def close(self) -> None:
        self.store.close()


def _field(form: Any, name: str) -> str | None:
    value = form.get(name)
    return None if value is None else str(value)


def _version(form: Any) -> int:
    text = str(form.get("version") or "")
    if not text.isdigit():
        raise Refused(400, "The form does not say which version of the fact it was made on.")
    return int(text)


def _neighbours(ids: list[int], fact_id: int) -> tuple[int | None, int | None]:
    if fact_id not in ids:
        return None, ids[0] if ids else None
    at = ids.index(fact_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


def create_app(config: ReviewConfig) -> Starlette:
    bench = Workbench(config)
    p = bench.protected

    @asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        yield
        bench.close()

    routes = [
        Route("/login", bench.login_form, methods=["GET"]),
        Route("/login", bench.login, methods=["POST"]),
        Route("/logout", p(bench.logout), methods=["POST"]),
        Route("/", p(bench.queue_page), methods=["GET"]),
        Route("/facts/{fact_id:int}", p(bench.fact_page), methods=["GET"]),
        Route("/facts/{fact_id:int}/decide", p(bench.decide_fact), methods=["POST"]),
        Route("/facts/{fact_id:int}/undo", p(bench.undo_fact), methods=["POST"]),
        Route("/facts/{fact_id:int}/crop.png", p(bench.crop), methods=["GET"]),
        Route("/documents/{document_id:int}/pages/{page:int}", p(bench.page_page), methods=["GET"]),
        Route("/images/{name}", p(bench.page_image), methods=["GET"]),
        Route("/audit", p(bench.audit), methods=["GET"]),
        Route("/static/{name}", bench.static, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(_SecurityHeaders)
    app.state.workbench = bench
    return app
