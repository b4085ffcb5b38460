"""Settings: command line over environment over TOML file over defaults; the password never in a URL shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.config import check_database_url, load_config
from pipeline.errors import UsageError
from pipeline.settings import DEFAULT_ACCEPT_THRESHOLD


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("YUSUAN_DB", "YUSUAN_DB_PASSWORD", "YUSUAN_DB_PASSWORD_FILE", "YUSUAN_CONFIG", "YUSUAN_DPI",
                 "YUSUAN_ACCEPT_THRESHOLD", "YUSUAN_DASK", "YUSUAN_ENGINE", "YUSUAN_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no ./yusuan.toml unless a test writes one


def test_defaults() -> None:
    config = load_config()
    assert (config.engine, config.dpi, config.accept_threshold, config.db) == ("rapidocr", 200, DEFAULT_ACCEPT_THRESHOLD, None)
    assert config.database_url() == "sqlite:///data/yusuan.sqlite"


def test_precedence_command_line_environment_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "yusuan.toml").write_text('dpi = 300\naccept_threshold = 0.8\nengine = "tesseract"\n',
                                          encoding="utf-8")
    monkeypatch.setenv("YUSUAN_DPI", "250")
    config = load_config(engine="rapidocr")
    assert config.accept_threshold == 0.8  # the file (./yusuan.toml found by default)
    assert config.dpi == 250  # the environment over the file
    assert config.engine == "rapidocr"  # the command line over both


def test_config_file_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "elsewhere.toml"
    path.write_text('db = "postgresql://yusuan@db/budget"\n', encoding="utf-8")
    monkeypatch.setenv("YUSUAN_CONFIG", str(path))
    assert load_config().db == "postgresql://yusuan@db/budget"


def test_the_password_joins_the_url_only_where_it_connects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YUSUAN_DB", "postgresql://yusuan@db/budget")
    monkeypatch.setenv("YUSUAN_DB_PASSWORD", "s3cr%t")
    config = load_config()
    assert config.database_url() == "postgresql://yusuan:s3cr%25t@db/budget"
    assert config.public_database_url() == "postgresql://yusuan@db/budget"
    assert "s3cr" not in repr(config)  # a SecretStr


def test_the_password_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pw").write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.setenv("YUSUAN_DB_PASSWORD_FILE", str(tmp_path / "pw"))
    assert load_config(db="postgresql://yusuan@db/budget").database_url() == "postgresql://yusuan:from-a-file@db/budget"
    monkeypatch.setenv("YUSUAN_DB_PASSWORD_FILE", str(tmp_path / "missing"))
    with pytest.raises(UsageError):
        load_config(db="postgresql://yusuan@db/budget").password()


def test_bad_values_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        load_config(dpi=5000)
    with pytest.raises(UsageError):
        load_config(config_file=tmp_path / "missing.toml")
    with pytest.raises(UsageError):
        check_database_url("postgresql://u:pw@h/db", from_command_line=True)
    check_database_url("postgresql://u:pw@h/db", from_command_line=False)  # the environment may hold it


def test_deployment_parameters_never_hold_the_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.serve import inbox_parameters

    monkeypatch.setenv("YUSUAN_DB", "postgresql://yusuan:hunter2@db/budget")
    config = load_config()
    parameters = inbox_parameters(tmp_path, tmp_path / "data", db=config.public_database_url())
    assert parameters["db"] == "postgresql://yusuan@db/budget"
    # even a URL handed over with one in it is stripped
    assert inbox_parameters(tmp_path, tmp_path, db="postgresql://u:pw@h/db")["db"] == "postgresql://u@h/db"
    assert "hunter2" in config.database_url()  # where it connects, from the environment
