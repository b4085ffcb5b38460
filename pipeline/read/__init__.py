"""Reading a page's cells: text lines, OCR of each cell, ink the reading leaves unexplained, the cross-check (page level)."""
