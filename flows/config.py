"""The operator's settings: command-line options over ``YUSUAN_*`` environment variables over a TOML file.

pydantic-settings reads them in that order of precedence.  The TOML file is ``--config FILE``,
else ``$YUSUAN_CONFIG``, else ``yusuan.toml`` in the current folder when there is one; its keys
are the field names below (``db = "postgresql://yusuan@db.example/budget"``, ``accept_threshold = 0.85``).

The database password never needs to be on the command line or in a Prefect deployment's
parameters: ``YUSUAN_DB_PASSWORD``, or ``YUSUAN_DB_PASSWORD_FILE`` naming a file that holds it
(a Docker or Kubernetes secret), is joined to the URL only in the process that connects;
a ``--db`` URL with a password in it is refused (it would show in ``ps`` and shell history).

Nothing here imports Prefect, an OCR engine or a database driver: checking the settings costs
milliseconds, so a wrong one is reported before anything slow starts.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from pipeline.errors import UsageError
from pipeline.settings import DEFAULT_ACCEPT_THRESHOLD

DEFAULT_CONFIG_FILE = Path("yusuan.toml")
CONFIG_ENV = "YUSUAN_CONFIG"
# URL schemes the store is tested on (pipeline.output.store); another SQLAlchemy URL is refused up front.
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


class RunConfig(BaseSettings):
    """What an operator may set for ``ingest``, ``serve`` and ``export``; pipeline tolerances stay in pipeline.settings."""

    model_config = SettingsConfigDict(env_prefix="YUSUAN_", extra="forbid", frozen=True)

    db: str | None = None  # a SQLAlchemy URL; default: SQLite in data_dir
    db_password: SecretStr | None = None
    db_password_file: Path | None = None
    data_dir: Path = Path("data")
    engine: Literal["rapidocr", "tesseract"] = "rapidocr"
    dpi: int = Field(default=200, ge=72, le=600)
    dask: str | None = None
    cross_check: bool = True
    # Facts at or above this confidence are accepted, the rest go to review.
    accept_threshold: float = Field(default=DEFAULT_ACCEPT_THRESHOLD, ge=0, le=1)
    # Seconds a page's rendering may take before the page is given up (a hostile or broken page).
    page_timeout: float = Field(default=120.0, gt=0)
    # Seconds to wait for Prefect's temporary API server, per attempt, and the attempts.
    orchestration_timeout: float = Field(default=60.0, gt=0)
    orchestration_attempts: int = Field(default=3, ge=1, le=10)

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = _config_file(getattr(init_settings, "init_kwargs", {}).pop("config_file", None))
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    def password(self) -> str | None:
        """The database password from YUSUAN_DB_PASSWORD or the file YUSUAN_DB_PASSWORD_FILE names."""
        if self.db_password is not None:
            return self.db_password.get_secret_value()
        if self.db_password_file is not None:
            try:
                return self.db_password_file.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise UsageError(f"YUSUAN_DB_PASSWORD_FILE {self.db_password_file}: {exc.strerror}") from None
        return None

    def database_url(self) -> str:
        """The URL to connect with, the password joined in (never print it)."""
        from sqlalchemy.engine import make_url

        from pipeline.output.store import default_url

        url = make_url(self.db or default_url(self.data_dir))
        password = self.password()
        if password is not None and url.password is None and url.get_backend_name() != "sqlite":
            url = url.set(password=password)
        return url.render_as_string(hide_password=False)

    def public_database_url(self) -> str | None:
        """``db`` without any password: what may go into logs and deployment parameters."""
        if self.db is None:
            return None
        from sqlalchemy.engine import make_url

        return make_url(self.db)._replace(password=None).render_as_string(hide_password=False)


def _config_file(given: Path | str | None) -> Path | None:
    if given is not None:
        return Path(given)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    return DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.is_file() else None


def load_config(config_file: Path | None = None, **options: Any) -> RunConfig:
    """The settings, command-line ``options`` (those not None) winning; a bad value is a :class:`UsageError`."""
    path = _config_file(config_file)
    if path is not None:
        _check_toml(path)
    given = {k: v for k, v in options.items() if v is not None}
    try:
        return RunConfig(config_file=path, **given)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        raise UsageError(f"setting {where}: {first['msg']} (got {first.get('input')!r})") from None


def _check_toml(path: Path) -> None:
    """A missing or malformed config file is a usage error, said in one line."""
    try:
        with path.open("rb") as handle:
            tomllib.load(handle)
    except FileNotFoundError:
        raise UsageError(f"config file {path}: no such file") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"config file {path}: {exc}") from None


def check_database_url(url: str, from_command_line: bool) -> None:
    """A URL yusuan can use: parses, names a supported backend, and (on the command line) holds no password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UsageError(f"--db {url!r}: not a database URL (e.g. postgresql://user@host/db or sqlite:///file.db)") \
            from None
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        raise UsageError(f"--db: unsupported database {parsed.get_backend_name()!r} (one of {', '.join(SUPPORTED_BACKENDS)})")
    if from_command_line and parsed.password is not None:
        raise UsageError("--db: the URL holds a password; put it in YUSUAN_DB_PASSWORD or YUSUAN_DB_PASSWORD_FILE "
                         "(a command line shows in ps and shell history)")
