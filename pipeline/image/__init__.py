"""Page images: intake, rendering, orientation, binarisation, ruling lines, grids (page level, before OCR)."""
