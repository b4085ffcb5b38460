"""Packaged catalogs (CSV) read by :mod:`pipeline.check.catalog`; see README.md here."""
