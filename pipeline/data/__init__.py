"""Packaged catalogs (CSV) read by :mod:`pipeline.catalog`; see README.md here."""
