"""What the read grids mean: table kind, header paths, facts of ledgers and forms (document level)."""
