"""Checks over the document's facts: codes, canonical names, catalogs, arithmetic, the prose's figures."""
