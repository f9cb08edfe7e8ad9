"""OCR: a cleaned page becomes words with boxes, line ids and confidences.

Born-digital pages keep their exact text-layer words (no OCR). Scanned pages are
read by Tesseract (`ind` by default) from the cleaned image without ruling lines.
`reread` reads one region again (a crop, upscaled, a single-line mode, an optional
character whitelist) for the correction stage to call on doubtful cells.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from .._exec import tesseract
from ..config import OcrSettings
from ..records import BBox, CleanPage, OcrPage, Word
from .cleanup import turn_around
from .tables import Grid, TableSettings, table_grids

log = logging.getLogger(__name__)


def read_page(clean: CleanPage, settings: OcrSettings | None = None, *,
              timeout: float = 180.0, tables: TableSettings | None = None) -> OcrPage:
    """Words of one cleaned page (text layer, or Tesseract region by region)."""
    s = settings or OcrSettings()
    h, w = clean.gray.shape[:2]
    if clean.text_layer is not None:
        words, method = clean.text_layer, "text-layer"
    else:
        words, method = _read(clean, s, timeout, tables), "ocr"
        if clean.rotation in (0, 90) and reading_quality(words) < 0.6:
            # maybe upside down: read it turned around and keep the better reading
            turned = turn_around(clean)
            words2 = _read(turned, s, timeout, tables)
            if reading_quality(words2) > reading_quality(words) + 0.1:
                log.info("%s p%d: read upside down, turned", clean.source, clean.page)
                clean, words = turned, words2
        h, w = clean.gray.shape[:2]
    return OcrPage(
        source=clean.source, page=clean.page, dpi=clean.dpi, width=w, height=h, words=words,
        rules=clean.rules, method=method, rotation=clean.rotation, skew=clean.skew,
        to_original=clean.to_original,
        warnings=(clean.text_layer_note,) if clean.text_layer_note else (),
    )


def _read(clean: CleanPage, s: OcrSettings, timeout: float, tables: TableSettings | None) -> tuple[Word, ...]:
    image = clean.ocr_image if clean.ocr_image is not None else clean.gray
    return read_regions(image, table_grids(clean.rules, clean.dpi, tables), lang=s.lang, psm=s.psm,
                        timeout=timeout)


def reading_quality(words: Sequence[Word]) -> float:
    """Mean confidence of the words of three letters or more (0 when there are none)."""
    confs = [w.conf for w in words if sum(ch.isalpha() for ch in w.text) >= 3]
    return sum(confs) / len(confs) if len(confs) >= 5 else 1.0


CELL_LINE_BASE = 10_000_000  # line ids of words read from table cells start here
_GAP = 28  # white rows between crops of the mosaic
_INSET = 3  # pixels kept clear of a cell's rules


def _ink_crop(image: np.ndarray, box: BBox) -> tuple[int, int, np.ndarray] | None:
    x0, y0 = int(box[0]) + _INSET, int(box[1]) + _INSET
    x1, y1 = int(box[2]) - _INSET, int(box[3]) - _INSET
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    cell = image[y0:y1, x0:x1]
    ink = cell < 128
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if len(rows) == 0 or ink.sum() < 6:
        return None
    a, a2 = max(0, rows[0] - 3), min(cell.shape[0], rows[-1] + 4)
    b, b2 = max(0, cols[0] - 3), min(cell.shape[1], cols[-1] + 4)
    return x0 + b, y0 + a, cell[a:a2, b:b2]


def read_regions(image: np.ndarray, grids: Sequence[Grid], *, lang: str, psm: int,
                 timeout: float) -> tuple[Word, ...]:
    """OCR a page in two calls: the page without its tables, and a mosaic of table cells.

    Cells are cut to their ink, stacked one under the other with white gaps, read as
    one uniform block (psm 6), and every word is mapped back to the page. Reading cell
    by cell keeps columns apart and finds short isolated values (a lone "5", a row
    number) that page segmentation drops.
    """
    if not grids:
        return tesseract.read_words(image, lang=lang, psm=psm, timeout=timeout)
    rest = image.copy()
    crops: list[tuple[int, int, np.ndarray]] = []
    for g in grids:
        x0, y0, x1, y1 = (int(v) for v in g.bbox)
        for span in g.spans:
            c = _ink_crop(image, g.cell_bbox(span))
            if c is not None:
                crops.append(c)
        rest[max(0, y0 - 2):y1 + 3, max(0, x0 - 2):x1 + 3] = 255
    words = list(tesseract.read_words(rest, lang=lang, psm=psm, timeout=timeout)) if (
        (rest < 128).sum() > 20) else []
    if crops:
        width = max(c[2].shape[1] for c in crops) + 2 * _GAP
        height = sum(c[2].shape[0] + _GAP for c in crops) + _GAP
        mosaic = np.full((height, width), 255, np.uint8)
        y = _GAP
        placed = []
        for x, yy, im in crops:
            mosaic[y:y + im.shape[0], _GAP:_GAP + im.shape[1]] = im
            placed.append((y, y + im.shape[0], x - _GAP, yy - y))
            y += im.shape[0] + _GAP
        import bisect

        starts = [p[0] for p in placed]
        for w in tesseract.read_words(mosaic, lang=lang, psm=6, timeout=timeout):
            i = bisect.bisect_right(starts, w.cy) - 1
            if i < 0 or w.cy > placed[i][1] + _GAP / 2:
                continue
            _, _, dx, dy = placed[i]
            words.append(Word(w.text, w.conf, (w.bbox[0] + dx, w.bbox[1] + dy, w.bbox[2] + dx,
                                               w.bbox[3] + dy), CELL_LINE_BASE + w.line, w.block))
    words.sort(key=lambda w: (w.bbox[1], w.bbox[0]))
    return tuple(words)


@dataclass(frozen=True, slots=True)
class Reading:
    """One re-reading of a region."""

    text: str
    conf: float
    words: tuple[Word, ...]
    how: str


DIGITS = "0123456789.,%"


def reread(image: np.ndarray, bbox: BBox, *, lang: str = "ind", whitelist: str | None = None,
           psm: int = 7, scale: float = 2.0, pad: int = 6, timeout: float = 30.0) -> Reading:
    """Read one region of a cleaned page again: crop, upscale, single-line mode.

    Box coordinates of the returned words are in the page's pixels.
    """
    hgt, wid = image.shape[:2]
    x0 = max(0, int(bbox[0]) - pad)
    y0 = max(0, int(bbox[1]) - pad)
    x1 = min(wid, int(bbox[2]) + pad)
    y1 = min(hgt, int(bbox[3]) + pad)
    if x1 <= x0 or y1 <= y0:
        return Reading("", 0.0, (), "empty region")
    crop = image[y0:y1, x0:x1]
    if scale != 1.0:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    border = 20
    crop = cv2.copyMakeBorder(crop, border, border, border, border, cv2.BORDER_CONSTANT,
                              value=255 if crop.ndim == 2 else (255, 255, 255))
    words = tesseract.read_words(crop, lang=lang, psm=psm, timeout=timeout, whitelist=whitelist)
    mapped = tuple(
        Word(w.text, w.conf,
             ((w.bbox[0] - border) / scale + x0, (w.bbox[1] - border) / scale + y0,
              (w.bbox[2] - border) / scale + x0, (w.bbox[3] - border) / scale + y0), w.line, w.block)
        for w in words
    )
    text = " ".join(w.text for w in mapped)
    conf = min((w.conf for w in mapped), default=0.0)
    how = f"reocr psm{psm} x{scale:g}" + (" whitelist" if whitelist else "")
    return Reading(text, conf, mapped, how)
