"""Builds sample disclosures (born-digital and simulated scans) with their truth."""
