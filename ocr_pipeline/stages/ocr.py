"""OCR: a cleaned page becomes words with boxes, line ids and confidences.

Born-digital pages keep their exact text-layer words (no OCR). Scanned pages are
read by Tesseract (`OcrSettings.lang`, `ind+eng` by default) from the image cleanup
made for it (at 150 dpi, ruling lines of tables removed), in two calls: the page
without its tables, and a mosaic of the table cells (cells cut to their ink, stacked
with white gaps, read as one block: columns stay apart and short lone values are not
dropped as noise) together with the stretches of lines the first call's layout
analysis lost (`_recover_dropped`). Up and down are
settled here (`_read_upright`): a glance at a band of text read both ways up when the
letters do not plainly stand upright, and the confidence of the reading. Word boxes
are returned in the pixels of the cleaned page (`CleanPage.gray`).

`reread` reads regions again (a crop, upscaled, a single-line mode, an optional
character whitelist; all of them in one call) for the correction stage's doubtful cells.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from .._exec import tesseract
from ..config import OcrSettings
from ..errors import OcrError
from ..records import BBox, CleanPage, OcrPage, Word
from . import cleanup
from .cleanup import turn_around
from .tables import Grid, TableSettings, table_grids

log = logging.getLogger(__name__)


def read_page(clean: CleanPage, settings: OcrSettings | None = None, *,
              timeout: float = 180.0, tables: TableSettings | None = None) -> OcrPage:
    """Words of one cleaned page: its text layer, or Tesseract's reading region by region.
    `timeout` is per Tesseract request; an `OcrError` is raised."""
    if clean.text_layer is not None:
        words, method = clean.text_layer, "text-layer"
    else:
        clean, words = _read_upright(clean, settings or OcrSettings(), timeout, tables)
        method = "ocr"
    h, w = clean.gray.shape[:2]
    return OcrPage(
        source=clean.source, page=clean.page, dpi=clean.dpi, width=w, height=h, words=words,
        rules=clean.rules, method=method, rotation=clean.rotation, skew=clean.skew,
        to_original=clean.to_original,
        warnings=(clean.text_layer_note,) if clean.text_layer_note else (),
    )


POOR_READING = 0.6  # below this mean confidence a page may be upside down
BETTER_BY = 0.1  # the turned reading must be this much better to be kept


def _read_upright(clean: CleanPage, s: OcrSettings, timeout: float, tables: TableSettings | None
                  ) -> tuple[CleanPage, tuple[Word, ...]]:
    """Read a page, turned around when it reads much better upside down.

    Cleanup turns sideways pages a quarter but leaves up and down to OCR. Before the
    page is read, a glance: a page whose letters do not plainly rise above their
    x-height (`upright_evidence`) has a band of its text read both ways up in one small
    call, and is turned around first when it reads much better so. Then, as before, a
    page read upside down gives words of low confidence: the text outside the tables
    is read first; when it reads poorly it is read again turned around and the better
    way up is kept, and only then are the table cells read (once). A page with too
    little text outside its tables is judged on all its words.
    """
    view = _view(clean, tables)
    may_turn = clean.rotation in (0, 90)  # 180 and 270 were turned around by the caller
    if may_turn and _glance_upside_down(view, s, timeout):
        log.info("%s p%d: upside down at a glance, turned", clean.source, clean.page)
        clean = turn_around(clean)
        view = _view(clean, tables)
    rest = _read_rest(view, s, timeout)
    q = _quality(rest[0])
    if may_turn and q is not None and q < POOR_READING:
        turned = turn_around(clean)
        view2 = _view(turned, tables)
        rest2 = _read_rest(view2, s, timeout)
        q2 = _quality(rest2[0])
        if q2 is not None and q2 > q + BETTER_BY:
            log.info("%s p%d: read upside down, turned", clean.source, clean.page)
            clean, view, rest = turned, view2, rest2
        may_turn = False
    words = _to_page(view, _with_cells(view, *rest, s, timeout))
    if may_turn and q is None and reading_quality(words) < POOR_READING:
        turned = turn_around(clean)
        view2 = _view(turned, tables)
        rest2 = _read_rest(view2, s, timeout)
        words2 = _to_page(view2, _with_cells(view2, *rest2, s, timeout))
        if reading_quality(words2) > reading_quality(words) + BETTER_BY:
            log.info("%s p%d: read upside down, turned", clean.source, clean.page)
            clean, words = turned, words2
    return clean, words


UPRIGHT_EVIDENCE = 0.05  # above this a page is taken to be upright without a glance


def upright_evidence(image: np.ndarray, dpi: int) -> float:
    """How plainly the text of a level page stands upright: -1 (upside down) .. 1.

    Latin print has more ink above the x-height band of its words (capitals, b d f h
    k l t, i-dots, digits) than below it (g j p q y). Each word (letters joined along
    the row) gives the ink above and below its densest rows; the score is (above -
    below) / (above + below). Weak evidence, used only to spare upright pages the
    glance: on the tuning pages 81 of 87 upright pages scored above `UPRIGHT_EVIDENCE`
    and 85 of 87 turned around scored below it (the other two are caught by the
    confidence of their reading, at the cost of a second reading).
    """
    ink = (image < 128).astype(np.uint8)
    k = max(3, round(dpi * 0.025))
    blobs = cv2.dilate(ink, np.ones((1, k), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(blobs, connectivity=8)
    lo, hi = dpi * 0.05, dpi * 0.4
    above = below = 0
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if not lo <= h <= hi or w < 2 * h:
            continue
        prof = ink[y:y + h, x:x + w].sum(axis=1)
        core = np.flatnonzero(prof >= 0.5 * prof.max())
        above += int(prof[:core[0]].sum())
        below += int(prof[core[-1] + 1:].sum())
    return (above - below) / (above + below) if above + below else 0.0


def _glance_upside_down(view: _View, s: OcrSettings, timeout: float) -> bool:
    """True when a band of the page's text reads much better upside down (one small call).

    Only pages without plain upright evidence are glanced at; the band (about five
    lines, the inkiest of the page) is read both ways up, one above the other, in the
    first language only.
    """
    if upright_evidence(view.image, view.dpi) >= UPRIGHT_EVIDENCE:
        return False
    band = _text_band(view.image, view.dpi)
    if band is None:
        return False
    gap = round(view.dpi * _GAP)
    pair = np.full((2 * band.shape[0] + gap, band.shape[1]), 255, np.uint8)
    pair[:band.shape[0]] = band
    pair[band.shape[0] + gap:] = cv2.rotate(band, cv2.ROTATE_180)
    words = tesseract.read_words(pair, lang=s.lang.split("+")[0], psm=6, timeout=timeout, dpi=view.dpi)
    split = band.shape[0] + gap / 2
    up = _quality([w for w in words if w.cy < split])
    down = _quality([w for w in words if w.cy >= split])
    if down is None:
        return False
    return down > (up or 0.0) + BETTER_BY


def _text_band(image: np.ndarray, dpi: int) -> np.ndarray | None:
    """The inkiest horizontal band of about an inch (grey), cut to its ink; None if blank."""
    ink = image < 128
    rows = ink.sum(axis=1)
    h = min(len(rows), max(8, round(dpi * 0.9)))
    sums = np.convolve(rows, np.ones(h, np.int64), mode="valid")
    if len(sums) == 0 or sums.max() < dpi * 2:
        return None
    y0 = int(np.argmax(sums))
    band = image[y0:y0 + h]
    cols = np.flatnonzero(ink[y0:y0 + h].any(axis=0))
    if image.ndim != 2 or len(cols) == 0:
        return None
    return np.ascontiguousarray(band[:, max(0, cols[0] - 4):cols[-1] + 5])


@dataclass(frozen=True, slots=True)
class _View:
    """A cleaned page as Tesseract reads it: at most `cleanup.OCR_DPI`, with its table grids."""

    image: np.ndarray
    grids: tuple[Grid, ...]
    fx: float  # view pixels per cleaned-page pixel
    fy: float
    dpi: int


def _view(clean: CleanPage, tables: TableSettings | None) -> _View:
    """What Tesseract reads of a cleaned page: its `ocr_image` (made at `cleanup.OCR_DPI`).

    A page without one (or a finer one) is reduced to `cleanup.OCR_DPI` here: read
    at 150 dpi, the tuning pages gave the words they gave at 200 and 300 dpi, in less
    time (docs/ocr.md); at 120 dpi they did not.
    """
    image = clean.ocr_image if clean.ocr_image is not None else clean.gray
    gh, gw = clean.gray.shape[:2]
    h, w = image.shape[:2]
    if clean.dpi * w / gw > cleanup.OCR_DPI + 0.5:
        f = cleanup.OCR_DPI / (clean.dpi * w / gw)
        size = (max(1, round(w * f)), max(1, round(h * f)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    fx, fy = image.shape[1] / gw, image.shape[0] / gh
    grids = table_grids(clean.rules, clean.dpi, tables)
    if fx != 1.0 or fy != 1.0:
        grids = tuple(Grid(tuple(c * fx for c in g.cols), tuple(r * fy for r in g.rows), g.spans)
                      for g in grids)
    return _View(image, grids, fx, fy, max(1, round(clean.dpi * fx)))


def _to_page(view: _View, words: Sequence[Word]) -> tuple[Word, ...]:
    """Words of a view, boxes in the cleaned page's pixels, top to bottom."""
    out = list(words)
    if view.fx != 1.0 or view.fy != 1.0:
        out = [replace(w, bbox=(w.bbox[0] / view.fx, w.bbox[1] / view.fy, w.bbox[2] / view.fx,
                                w.bbox[3] / view.fy)) for w in out]
    out.sort(key=lambda w: (w.bbox[1], w.bbox[0]))
    return tuple(out)


def _read_rest(view: _View, s: OcrSettings, timeout: float
               ) -> tuple[list[Word], np.ndarray]:
    return _rest_words(view.image, view.grids, lang=s.lang, psm=s.psm, timeout=timeout, dpi=view.dpi)


def _with_cells(view: _View, rest: list[Word], rest_image: np.ndarray, s: OcrSettings, timeout: float
                ) -> list[Word]:
    """The words outside the tables with what the layout analysis lost read back, and the
    words of the table cells: both read in one mosaic (one call)."""
    cells = _cell_crops(view.image, view.grids, view.dpi)
    rest, readings = _recover_dropped(rest_image, rest, lang=s.lang, timeout=timeout, dpi=view.dpi,
                                      also=cells)
    return rest + [replace(w, line=CELL_LINE_BASE + w.line) for cell in readings for w in cell]


def _quality(words: Sequence[Word], least: int = 5) -> float | None:
    """Mean confidence of the words of three letters or more; None below `least` such words."""
    confs = [w.conf for w in words if sum(ch.isalpha() for ch in w.text) >= 3]
    return sum(confs) / len(confs) if confs and len(confs) >= least else None


def reading_quality(words: Sequence[Word]) -> float:
    """Mean confidence of the words of three letters or more (1 when there are under five)."""
    q = _quality(words)
    return 1.0 if q is None else q


CELL_LINE_BASE = 10_000_000  # line ids of words read from table cells start here
_GAP = 0.19  # inches of white between crops of the mosaic (and around the text read)
_INSET = 0.01  # inches kept clear of a cell's rules (more cuts the descenders of its last line)


def _same_ink(a: tuple[int, int, np.ndarray], b: tuple[int, int, np.ndarray]) -> bool:
    """Whether two crops cover mostly the same ink (a cell found by two overlapping grids)."""
    ax0, ay0, ah, aw = a[0], a[1], a[2].shape[0], a[2].shape[1]
    bx0, by0, bh, bw = b[0], b[1], b[2].shape[0], b[2].shape[1]
    ix = max(0, min(ax0 + aw, bx0 + bw) - max(ax0, bx0))
    iy = max(0, min(ay0 + ah, by0 + bh) - max(ay0, by0))
    return ix * iy >= 0.5 * min(aw * ah, bw * bh)


def _ink_crop(image: np.ndarray, box: BBox, inset: int = 3) -> tuple[int, int, np.ndarray] | None:
    x0, y0 = int(box[0]) + inset, int(box[1]) + inset
    x1, y1 = int(box[2]) - inset, int(box[3]) - inset
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


def _rest_words(image: np.ndarray, grids: Sequence[Grid], *, lang: str, psm: int,
                timeout: float, dpi: int | None) -> tuple[list[Word], np.ndarray]:
    """Words of the page with its tables blanked out (one Tesseract call, `psm`), and
    that page.

    Tesseract gets only the part of the page that has ink (plus a margin): blank
    margins cost it time, not words.
    """
    rest = image
    if grids:
        rest = image.copy()
        for g in grids:
            x0, y0, x1, y1 = (int(v) for v in g.bbox)
            rest[max(0, y0 - 2):y1 + 3, max(0, x0 - 2):x1 + 3] = 255
    ink = rest < 128
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if len(rows) == 0 or (grids and int(ink.sum()) <= 20):
        return [], rest
    pad = round((dpi or 300) * _GAP)
    y0, x0 = max(0, int(rows[0]) - pad), max(0, int(cols[0]) - pad)
    y1, x1 = min(rest.shape[0], int(rows[-1]) + pad + 1), min(rest.shape[1], int(cols[-1]) + pad + 1)
    words = tesseract.read_words(rest[y0:y1, x0:x1], lang=lang, psm=psm, timeout=timeout, dpi=dpi)
    return [replace(w, bbox=(w.bbox[0] + x0, w.bbox[1] + y0, w.bbox[2] + x0, w.bbox[3] + y0))
            for w in words], rest


def _uncovered_letters(image: np.ndarray, words: Sequence[Word], dpi: int) -> list[BBox]:
    """Letter-sized blobs of ink inside no word's box (what the layout analysis dropped)."""
    ink = (image < 128).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    lo, hi, thin = dpi * 0.06, dpi * 0.45, dpi * 0.012  # an l is two pixels wide at 150 dpi
    boxes = np.array([w.bbox for w in words], dtype=np.float64).reshape(-1, 4)
    out: list[BBox] = []
    for x, y, w, h, _ in stats[1:]:
        if not lo <= h <= hi or w < thin or w > 3 * h:
            continue
        cx, cy = x + w / 2, y + h / 2
        inside = ((boxes[:, 0] - 2 <= cx) & (cx <= boxes[:, 2] + 2)
                  & (boxes[:, 1] - 2 <= cy) & (cy <= boxes[:, 3] + 2))
        if not inside.any():
            out.append((float(x), float(y), float(x + w), float(y + h)))
    return out


TALL_CROP = 2.5  # a stretch read again this many times a word's height is read apart from the others
LOST_LINE_BLOBS = 4  # letter blobs side by side that make a line worth reading when it has no words


def _recover_dropped(image: np.ndarray, words: list[Word], *, lang: str, timeout: float, dpi: int,
                     also: Sequence[tuple[int, int, np.ndarray]] = ()
                     ) -> tuple[list[Word], list[list[Word]]]:
    """Letters that Tesseract's page layout analysis lost, read back line by line; and
    the words of the crops `also` (the table cells), read in the same call.

    With page segmentation, Tesseract sometimes cuts a line into blocks where it
    guesses a column edge and loses the letters at the cut (`PERJANJIAN` read
    `PERJ` and `JIAN`; which lines suffer changes with the crop). A letter-sized
    blob of ink that no word covers marks such a cut: the cut (its blobs no more than
    a third of an inch apart, and the broken strokes beside them: `_along`) and the
    words either side of it are read again as one
    line (all the cuts of a page in one call, `_read_mosaic`), and the new reading (less
    any word on a word read already: a stretch may reach over other lines) replaces those
    words when it covers the lost letters and has no fewer letters. A line lost whole
    (four blobs or more side by side, no word)
    is kept only when it reads back as plain text with confidence: the blobs of a logo,
    a stamp or a signature do not.
    """
    words = _without_stacks(words)
    lost = _uncovered_letters(image, words, dpi) if words else []
    boxes = np.array([w.bbox for w in words], dtype=np.float64).reshape(-1, 4)
    reach = dpi / 3
    segments: list[tuple[list[float], set[int], set[int]]] = []  # box, word indices, blobs
    done: set[int] = set()
    for k, blob in enumerate(lost):
        if k in done:
            continue
        cy = (blob[1] + blob[3]) / 2
        box, blobs = list(blob), {k}
        grew = True
        while grew:  # the blobs of one cut, side by side
            grew = False
            for j, o in enumerate(lost):
                if (j not in blobs and o[1] <= cy <= o[3]
                        and o[0] - reach <= box[2] and box[0] <= o[2] + reach):
                    blobs.add(j)
                    box = _union(box, o)
                    grew = True
        box = _along(image, box, boxes, reach)
        blobs |= {j for j, o in enumerate(lost) if box[0] <= (o[0] + o[2]) / 2 <= box[2]
                  and box[1] <= (o[1] + o[3]) / 2 <= box[3]}
        done |= blobs
        members = {i for i, w in enumerate(words) if w.bbox[1] <= cy <= w.bbox[3]
                   and w.bbox[0] - reach <= box[2] and box[0] <= w.bbox[2] + reach}
        for i in members:  # and the words either side of it
            box = _union(box, words[i].bbox)
        if not members and len(blobs) < LOST_LINE_BLOBS:
            continue
        for seg in segments:  # two cuts with a word between them, or side by side: one stretch
            if seg[1] & members or (seg[0][0] < box[2] and box[0] < seg[0][2]
                                    and seg[0][1] <= cy <= seg[0][3]):
                seg[0][:] = _union(seg[0], box)
                seg[1].update(members)
                seg[2].update(blobs)
                break
        else:
            segments.append((box, members, blobs))
    pad = max(2, dpi // 30)
    height, width = image.shape[:2]
    crops = []
    for box, _, _ in segments:
        x0, y0 = max(0, int(box[0]) - pad), max(0, int(box[1]) - pad)
        x1, y1 = min(width, int(box[2]) + pad + 1), min(height, int(box[3]) + pad + 1)
        crops.append((x0, y0, image[y0:y1, x0:x1]))
    # a stretch much taller than a line (a signature's or a stamp's strokes over a name) is
    # read apart: in one block with them, Tesseract took the lines of text for specks
    line_h = float(np.median(boxes[:, 3] - boxes[:, 1])) if len(boxes) else 0.0
    tall = [k for k, c in enumerate(crops) if line_h and c[2].shape[0] > TALL_CROP * line_h]
    apart = tall if len(tall) < len(crops) else []
    together = [k for k in range(len(crops)) if k not in apart]
    got = _read_mosaic([crops[k] for k in together] + list(also), lang=lang, timeout=timeout, dpi=dpi)
    readings: list[list[Word]] = [[] for _ in crops]
    for k, r in zip(together, got[:len(together)], strict=True):
        readings[k] = r
    others = got[len(together):]
    if apart:
        for k, r in zip(apart, _read_mosaic([crops[k] for k in apart], lang=lang, timeout=timeout, dpi=dpi),
                        strict=True):
            readings[k] = r
    if not segments:
        return words, others
    gone: set[int] = set()
    put: dict[int, list[Word]] = {}  # new words, before the word of this index
    line, block = max(w.line for w in words), max(w.block for w in words)
    taken = np.zeros((0, 4))  # the boxes of the words read again so far
    for (box, members, blobs), again in zip(segments, readings, strict=True):
        old = [words[i] for i in members]
        kept = np.vstack([np.delete(boxes, sorted(members), axis=0), taken])
        again = [w for w in again if not _on_words(w.bbox, kept)]  # a stretch over lines read whole
        again = _doubt_dropped(again, old, [lost[j] for j in blobs])
        if _covered(blobs, lost, again) <= 0 or _letters(again) < _letters(old):
            continue
        if not old and (2 * _letters(again) < len(blobs) or (_quality(again, 1) or 0.0) < POOR_READING):
            continue  # a whole line lost must read back as plain text, not a stamp's or logo's
        log.debug("layout lost letters: %r read again as %r", " ".join(w.text for w in old),
                  " ".join(w.text for w in again))
        if old:
            at = min(members)  # in reading order
            # each word in the line of the word it took the place of (a stretch may reach over lines)
            ids = [(o.line, o.block) for o in (min(old, key=lambda o: abs(o.cy - w.cy)) for w in again)]
        else:
            line, block = line + 1, block + 1
            ids = [(line, block)] * len(again)
            cy = (box[1] + box[3]) / 2
            at = next((i for i, w in enumerate(words) if w.cy > cy), len(words))
        gone |= members
        taken = np.vstack([taken, [w.bbox for w in again]])
        put.setdefault(at, []).extend(Word(w.text, w.conf, w.bbox, ln, bl) for w, (ln, bl) in zip(again, ids))
    # a piece of a word left by the first reading under a word read again is that word's
    gone |= {i for i, w in enumerate(words) if _on_words(w.bbox, taken)}
    out: list[Word] = []
    for i, word in enumerate(words):
        out.extend(put.get(i, ()))
        if i not in gone:
            out.append(word)
    out.extend(put.get(len(words), ()))
    return out, others


FAINT = 224  # a pixel this dark or darker is ink, however faint (the paper of the image read is white)


def _along(image: np.ndarray, box: list[float], words: np.ndarray, reach: float) -> list[float]:
    """`box` widened along its line over ink no word covers, across gaps under `reach`:
    the strokes of thin or faint letters too broken to count as letters."""
    y0, y1 = int(box[1]), int(box[3]) + 1
    band = image[y0:y1] < FAINT
    cy = (words[:, 1] + words[:, 3]) / 2
    for x0, _, x1, _ in words[(cy >= y0) & (cy <= y1)]:
        band[:, max(0, int(x0)):int(x1) + 1] = False
    ink = np.flatnonzero(band.any(axis=0))
    left, right = box[0], box[2]
    i = int(np.searchsorted(ink, right))
    while i < len(ink) and ink[i] - right <= reach:
        right, i = float(ink[i] + 1), i + 1
    i = int(np.searchsorted(ink, left)) - 1
    while i >= 0 and left - ink[i] <= reach:
        left, i = float(ink[i]), i - 1
    return [left, box[1], right, box[3]]


def _doubt_dropped(again: list[Word], old: Sequence[Word], lost: Sequence[BBox]) -> list[Word]:
    """A stretch's new reading less what it read with little confidence: over a word
    read before with confidence, that word stays ('Bandung.' read again beside a
    dotted leader as 'BANGUN,'); over no old word and no lost letter (the leader's
    dots read as letters), nothing. And over a number read before, with no lost letter
    of its own, that number stays, however it was read: the value stage reads numbers
    again at full resolution and weighs their confidence; a second reading at the same
    resolution is no evidence (`2.868. 200,00`, read with little confidence and so
    checked, read `2.868.900,00`); a number with lost digits read back is taken."""
    out: list[Word] = []
    for w in again:
        under = [o for o in old if min(o.bbox[2], w.bbox[2]) - max(o.bbox[0], w.bbox[0])
                 >= 0.5 * min(o.bbox[2] - o.bbox[0], w.bbox[2] - w.bbox[0])]
        on_lost = any(w.bbox[0] <= (b[0] + b[2]) / 2 <= w.bbox[2]
                      and w.bbox[1] <= (b[1] + b[3]) / 2 <= w.bbox[3] for b in lost)
        if (not on_lost and any(ch.isdigit() for ch in w.text)
                and any(ch.isdigit() for o in under for ch in o.text)):
            out.extend(o for o in under if o not in out)
            continue
        if w.conf >= POOR_READING:
            out.append(w)
            continue
        if under and all(o.conf >= POOR_READING for o in under):
            out.extend(o for o in under if o not in out)
        elif under or on_lost:
            out.append(w)
    return sorted(out, key=lambda w: w.bbox[0])


STACK_HEIGHT = 1.8  # a word this many times as tall as the page's words spans lines


def _without_stacks(words: list[Word]) -> list[Word]:
    """The words less those read across lines: narrow, as tall as two lines or more,
    read with little confidence (a column of item numbers read as one word: 'Ni' for
    '1.' over '2.'). Their letters are then lost ones, read back line by line."""
    if len(words) < 5:
        return words
    line = float(np.median([w.bbox[3] - w.bbox[1] for w in words]))
    return [w for w in words if not (w.bbox[3] - w.bbox[1] >= STACK_HEIGHT * line
                                     and w.bbox[2] - w.bbox[0] < w.bbox[3] - w.bbox[1]
                                     and w.conf < POOR_READING)]


def _on_words(box: BBox, boxes: np.ndarray) -> bool:
    """Whether half of `box` or more lies on one of `boxes` (words read already)."""
    if len(boxes) == 0:
        return False
    ix = np.clip(np.minimum(boxes[:, 2], box[2]) - np.maximum(boxes[:, 0], box[0]), 0, None)
    iy = np.clip(np.minimum(boxes[:, 3], box[3]) - np.maximum(boxes[:, 1], box[1]), 0, None)
    area = max(1.0, (box[2] - box[0]) * (box[3] - box[1]))
    return bool((ix * iy >= 0.5 * area).any())


def _union(a: Sequence[float], b: Sequence[float]) -> list[float]:
    return [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]


def _covered(blobs: set[int], lost: Sequence[BBox], words: Sequence[Word]) -> int:
    """How many of the `blobs` lie inside a box of `words`."""
    return sum(any(w.bbox[0] - 2 <= (lost[j][0] + lost[j][2]) / 2 <= w.bbox[2] + 2
                   and w.bbox[1] - 2 <= (lost[j][1] + lost[j][3]) / 2 <= w.bbox[3] + 2 for w in words)
               for j in blobs)


def _letters(words: Sequence[Word]) -> int:
    return sum(ch.isalnum() for w in words for ch in w.text)


def _cell_crops(image: np.ndarray, grids: Sequence[Grid], dpi: int | None) -> list[tuple[int, int, np.ndarray]]:
    """The table cells of a page cut to their ink, `(x, y, image)`, each cell once."""
    inset = max(1, round((dpi or 300) * _INSET))
    crops: list[tuple[int, int, np.ndarray]] = []
    for g in grids:
        for span in g.spans:
            c = _ink_crop(image, g.cell_bbox(span), inset)
            if c is not None and not any(_same_ink(c, k) for k in crops):  # overlapping grids
                crops.append(c)
    return crops


def _read_mosaic(crops: Sequence[tuple[int, int, np.ndarray]], *, lang: str, timeout: float,
                 dpi: int | None) -> list[list[Word]]:
    """Crops `(x, y, image)` of a page stacked with white gaps and read in one call (psm 6).

    Returns the words of each crop in the page's pixels; one Tesseract reading however
    many crops.
    """
    if not crops:
        return []
    gap = round((dpi or 300) * _GAP)
    width = max(c[2].shape[1] for c in crops) + 2 * gap
    height = sum(c[2].shape[0] + gap for c in crops) + gap
    mosaic = np.full((height, width), 255, np.uint8)
    y = gap
    placed = []
    for x, yy, im in crops:
        mosaic[y:y + im.shape[0], gap:gap + im.shape[1]] = im
        placed.append((y, y + im.shape[0], x - gap, yy - y))
        y += im.shape[0] + gap
    starts = [p[0] for p in placed]
    out: list[list[Word]] = [[] for _ in crops]
    for w in tesseract.read_words(mosaic, lang=lang, psm=6, timeout=timeout, dpi=dpi):
        i = bisect.bisect_right(starts, w.cy) - 1
        if i < 0 or w.cy > placed[i][1] + gap / 2:
            continue
        _, _, dx, dy = placed[i]
        out[i].append(Word(w.text, w.conf, (w.bbox[0] + dx, w.bbox[1] + dy, w.bbox[2] + dx,
                                            w.bbox[3] + dy), w.line, w.block))
    return out


@dataclass(frozen=True, slots=True)
class Reading:
    """One re-reading of a region."""

    text: str
    conf: float
    words: tuple[Word, ...]
    how: str


DIGITS = "0123456789.,%"


MIN_INK = 20  # pixels of ink a region needs to be read again (a '1' at 300 dpi has some 200)


def without_rules(crop: np.ndarray) -> tuple[np.ndarray, int]:
    """A crop with the ruling lines along it whitened, and the count of ink pixels left.

    A run of ink across 90 % of the crop's width or height is a rule at a cell's edge,
    never text (the crop is padded round its text): Tesseract reads the frame of an
    empty cell as '0', a rule beside a number as '1' or '|', and nothing at all of a
    grey number in a grey frame. Ink is darker than a quarter of the way from the
    crop's paper to its darkest pixel (pages differ in contrast; a faded scan's rules
    are grey), for the rules and for the ink left.
    """
    grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    if grey.size == 0:
        return crop, 0
    paper, ink = float(np.median(grey)), float(grey.min())
    faint = paper - 0.25 * (paper - ink)  # ink is darker than this, faint ink too
    dark = (grey < faint).astype(np.uint8)
    h, w = dark.shape
    rules = np.zeros_like(dark)
    for size in ((max(1, int(0.9 * w)), 1), (1, max(1, int(0.9 * h)))):
        rules |= cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size))
    if rules.any():
        wide = cv2.dilate(rules, np.ones((5, 5), np.uint8)) > 0  # with the grey fringe of the rule
        crop, grey = crop.copy(), grey.copy()
        crop[wide], grey[wide] = 255, 255
    return crop, int(np.count_nonzero(grey < faint))


def reread(regions: Sequence[tuple[np.ndarray, BBox, float]], *, lang: str = "ind",
           whitelist: str | None = None, psm: int = 7, pad: int = 6, timeout: float = 30.0) -> list[Reading]:
    """Read regions `(page image, box, scale)` again: crop, upscale, single-line mode.

    All in one Tesseract call, each crop read as alone; `timeout` is per crop. When the
    call fails, the crops are read one by one and a crop that fails alone reads as
    nothing (Tesseract dies on some specks: one must not cost the others their
    readings). The rules along a crop's edges are whitened first, and a crop with no
    ink left reads as nothing (`without_rules`). Box coordinates of the returned words
    are in the page's pixels.
    """
    border = 20
    crops, places = [], []
    for image, bbox, scale in regions:
        hgt, wid = image.shape[:2]
        x0, y0 = max(0, int(bbox[0]) - pad), max(0, int(bbox[1]) - pad)
        x1, y1 = min(wid, int(bbox[2]) + pad), min(hgt, int(bbox[3]) + pad)
        if x1 <= x0 or y1 <= y0:
            places.append(None)
            continue
        crop, ink = without_rules(image[y0:y1, x0:x1])
        if ink < MIN_INK:  # nothing to read but specks: Tesseract would make letters of the paper's grain
            places.append(None)
            continue
        if scale != 1.0:
            crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        crops.append(cv2.copyMakeBorder(crop, border, border, border, border, cv2.BORDER_CONSTANT,
                                        value=255 if crop.ndim == 2 else (255, 255, 255)))
        places.append((x0, y0, scale))
    read = iter(tesseract.read_each(crops, lang=lang, psm=psm, timeout=timeout, whitelist=whitelist))
    out = []
    for place in places:
        if place is None:
            out.append(Reading("", 0.0, (), "empty region"))
            continue
        x0, y0, scale = place
        words = next(read)
        if isinstance(words, OcrError):
            log.warning("re-reading a region failed: %s", words)
            words = ()
        mapped = tuple(
            Word(w.text, w.conf,
                 ((w.bbox[0] - border) / scale + x0, (w.bbox[1] - border) / scale + y0,
                  (w.bbox[2] - border) / scale + x0, (w.bbox[3] - border) / scale + y0), w.line, w.block)
            for w in words
        )
        how = f"reocr psm{psm} x{scale:g}" + (" whitelist" if whitelist else "")
        out.append(Reading(" ".join(w.text for w in mapped), min((w.conf for w in mapped), default=0.0),
                           mapped, how))
    return out
