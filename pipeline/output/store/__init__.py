"""Storage of ingested records (SQLAlchemy models, Alembic migrations, the Store)."""

from pipeline.output.store.store import Store, alembic_config, default_url, open_store

__all__ = ["Store", "alembic_config", "default_url", "open_store"]
