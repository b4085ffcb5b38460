"""A new Prefect home starts from a copy of an empty, migrated Prefect database.

Prefect's temporary server makes its SQLite database on first start in each home: its schema's
migrations and the block types, 8-9 s before the first flow run of every new data folder (each
``make demo``, each test's, each benchmark's cold run).  The first home made on a machine for a
Prefect version is copied, right after its server came up and before any run wrote to it, into
the user's cache (SQLite's backup API: a consistent copy under the running server); every later
new home starts from that copy, and the server finds nothing left to migrate.

Only the default database is seeded: with PREFECT_API_DATABASE_CONNECTION_URL (another file,
PostgreSQL) nothing is copied.  Everything here is best effort: a failed copy costs the time it
would have saved, never the run.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

log = logging.getLogger(__name__)

DATABASE = "prefect.db"
MEMO = "memo_store.toml"  # Prefect's note that the block types are registered (skips doing it again)


def template_folder() -> Path:
    """Where this Prefect version's empty database is kept: the user's cache."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "yusuan" / f"prefect-{version('prefect')}"


@dataclass(frozen=True)
class PrefectHome:
    """A Prefect home and whether its database was made in this run (so may be kept as the template)."""

    path: Path
    database_was_new: bool

    def keep_as_template(self) -> None:
        """Copy the just-made, still empty database (and Prefect's memo) to the template folder, once."""
        if not self.database_was_new or not _default_database():
            return
        folder = template_folder()
        if (folder / DATABASE).exists():
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
            os.close(handle)
            try:
                with sqlite3.connect(f"file:{self.path / DATABASE}?mode=ro", uri=True) as source, \
                        sqlite3.connect(temp) as copy:
                    source.backup(copy)
                if (self.path / MEMO).exists():
                    shutil.copyfile(self.path / MEMO, folder / MEMO)
                os.replace(temp, folder / DATABASE)
            finally:
                Path(temp).unlink(missing_ok=True)
            log.debug("kept Prefect's empty database as the template in %s", folder)
        except (OSError, sqlite3.Error) as exc:
            log.debug("Prefect's database not kept as a template: %s", exc)


def _default_database() -> bool:
    return not os.environ.get("PREFECT_API_DATABASE_CONNECTION_URL")


def prepare_home(path: Path) -> PrefectHome:
    """``path`` made, and its database seeded from the template when it has none yet."""
    path.mkdir(parents=True, exist_ok=True)
    target = path / DATABASE
    if target.exists() or not _default_database():
        return PrefectHome(path, database_was_new=False)
    template = template_folder() / DATABASE
    if template.exists():
        try:
            handle, temp = tempfile.mkstemp(dir=path, prefix=".", suffix=".tmp")
            os.close(handle)
            shutil.copyfile(template, temp)
            if (template.parent / MEMO).exists() and not (path / MEMO).exists():
                shutil.copyfile(template.parent / MEMO, path / MEMO)
            os.replace(temp, target)
            return PrefectHome(path, database_was_new=False)
        except OSError as exc:
            Path(temp).unlink(missing_ok=True)
            log.debug("Prefect's database template not copied: %s", exc)
    return PrefectHome(path, database_was_new=True)
