"""Scan simulator: draw truth bundles as office documents and degrade them like a scanner.

* `render` - agreements (the contract's JSON) -> laid-out pages and page images,
  with the truth as drawn (pages of rows, budget lines and agreements);
* `scanner` - a page image -> a degraded scan at a `ScanLevel` (clean, mild,
  medium, hard), with the parameters applied recorded;
* `offices` - the seed bundle -> bundles of other offices (KPU and Jawa Barat
  style), with novel indicators;
* `corpus` - writes NAME.pdf, NAME.truth.json and NAME.scan.json;
* `python -m ocr_pipeline.simulate samples|corpus` - the command line.
"""

from .corpus import DocSpec, write_document
from .offices import jabar_bundle, other_office
from .render import Layout, RenderOptions, layout_bundle, render, render_pages
from .scanner import LEVELS, PageScan, ScanLevel, ScanParams, draw_params, scan_page

__all__ = ["LEVELS", "DocSpec", "Layout", "PageScan", "RenderOptions", "ScanLevel", "ScanParams",
           "draw_params", "jabar_bundle", "layout_bundle", "other_office", "render",
           "render_pages", "scan_page", "write_document"]
