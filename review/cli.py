"""``yusuan review``: serve the workbench, add operators (Typer; the web stack is imported only when used)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from pipeline.errors import EXIT_USAGE

review_app = typer.Typer(invoke_without_command=True, no_args_is_help=False,
                         help="The operators' workbench for facts that need review (a web app).")
console = Console(stderr=True)

DB_HELP = "Database URL (default: SQLite in the data folder)."
DATA_DIR_HELP = "Data folder: the database by default, the kept page images (pages/), user catalogs."
SECURE_HELP = "Send cookies over HTTPS only (behind a TLS proxy)."
PASSWORD_FILE_HELP = "Read the password from the first line of this file instead of a prompt."


def _url(db: str | None, data_dir: Path) -> str:
    from pipeline.output.store import default_url

    return db or default_url(data_dir)


@review_app.callback()
def serve(
    context: typer.Context,
    db: Annotated[Optional[str], typer.Option("--db", help=DB_HELP)] = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    data_dir: Annotated[Path, typer.Option("--data-dir", help=DATA_DIR_HELP)] = Path("data"),
    secure_cookie: Annotated[bool, typer.Option("--secure-cookie", help=SECURE_HELP)] = False,
) -> None:
    """Serve the review workbench: log in, the queue, each doubted fact with its evidence, decisions."""
    if context.invoked_subcommand is not None:
        return
    import uvicorn

    from review.app import ReviewConfig, create_app

    app = create_app(ReviewConfig(db_url=_url(db, data_dir), data_dir=data_dir, secure_cookie=secure_cookie))
    console.print(f"yusuan review on http://{host}:{port}/ (Ctrl-C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


@review_app.command("add-user")
def add_user(
    name: Annotated[str, typer.Argument(help="The operator's login name.")],
    db: Annotated[Optional[str], typer.Option("--db", help=DB_HELP)] = None,
    data_dir: Annotated[Path, typer.Option("--data-dir", help=DATA_DIR_HELP)] = Path("data"),
    password_file: Annotated[Optional[Path], typer.Option("--password-file", help=PASSWORD_FILE_HELP)] = None,
) -> None:
    """Add an operator (or set a new password, which ends their sessions); the password is stored as an argon2 hash."""
    from pipeline.output.store import open_store
    from review.accounts import AccountError, add_operator

    if password_file is not None:
        try:
            lines = password_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            console.print(f"[red]--password-file: {exc}[/red]")
            raise typer.Exit(EXIT_USAGE) from exc
        password = lines[0] if lines else ""
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with open_store(_url(db, data_dir)) as store, store.session() as session:
        try:
            with session.begin():
                operator = add_operator(session, name, password)
        except AccountError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(EXIT_USAGE) from exc
    Console().print(f"operator {operator.name} can log in")
