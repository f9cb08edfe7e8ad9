"""OCR: a cleaned page becomes words with boxes, line ids and confidences.

Born-digital pages keep their exact text-layer words (no OCR). Scanned pages are
read by Tesseract (`ind` by default) from the cleaned image without ruling lines.
`reread` reads one region again (a crop, upscaled, a single-line mode, an optional
character whitelist) for the correction stage to call on doubtful cells.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np

from .._exec import tesseract
from ..config import OcrSettings
from ..records import BBox, CleanPage, OcrPage, Word

log = logging.getLogger(__name__)


def read_page(clean: CleanPage, settings: OcrSettings | None = None, *,
              timeout: float = 180.0) -> OcrPage:
    """Words of one cleaned page (text layer or Tesseract)."""
    s = settings or OcrSettings()
    h, w = clean.gray.shape[:2]
    if clean.text_layer is not None:
        words, method = clean.text_layer, "text-layer"
    else:
        image = clean.ocr_image if clean.ocr_image is not None else clean.gray
        words, method = tesseract.read_words(image, lang=s.lang, psm=s.psm, timeout=timeout), "ocr"
    return OcrPage(
        source=clean.source, page=clean.page, dpi=clean.dpi, width=w, height=h, words=words,
        rules=clean.rules, method=method, rotation=clean.rotation, skew=clean.skew,
        to_original=clean.to_original,
        warnings=(clean.text_layer_note,) if clean.text_layer_note else (),
    )


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
