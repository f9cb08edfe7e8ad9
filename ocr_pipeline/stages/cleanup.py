"""Image cleanup: a raw page raster becomes an upright, deskewed, clean page.

Steps (each switchable in `CleanupSettings`, each measured by benchmarks/ocr_benchmark.py;
docs/ocr.md has the table):

1. colour suppression: saturated ink (blue/purple/red stamps and signatures) is
   turned to background so black text under a stamp survives, and so are whole
   strokes of coloured ink that touch no black letter (a navy pen's dark core);
2. dark scanner margins are whitened (bands touching an edge, ragged edge and all);
3. illumination: the page is divided by its own background estimate, which flattens
   uneven light, grey or yellowish paper and bleed-through;
4. orientation: sideways pages are found from the direction of the text lines (of
   solid ink; where that does not tell, by Tesseract's orientation detection) and
   turned a quarter; whether a page is upside down is settled by OCR (see `ocr.py`);
5. deskew: the angle that makes the row histogram of the ink's bottom edges sharpest,
   coarse to fine (error at most 0.06 degree on the OCR benchmark's simulated and real
   pages); the quarter turn and the skew are one resampling of the page;
6. the image OCR reads is made at `OCR_DPI` (150): Otsu's ink, shaded table rows
   made paper, tiny isolated specks removed (`denoise`), the rules of tables taken
   out (`remove_rules`), and the ink kept in its own shades (`soft_ink`);
7. ruling lines go to their own list of segments (for the table stage).

Orientation and skew are judged on a 150 dpi copy of the page. `CleanPage.gray` is the
upright, level, flattened page at full resolution (the work image re-reading and the
review crops use); `CleanPage.to_original` maps its pixels back to the original page.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np

from .._exec import tesseract
from ..config import CleanupSettings
from ..records import CleanPage, PageImage, Rule

log = logging.getLogger(__name__)

Affine = tuple[float, float, float, float, float, float]
IDENTITY: Affine = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)


# --------------------------------------------------------------------------- small helpers


COLOURED = 60  # chroma (max - min of R, G, B) of coloured ink; yellowed paper is ~35
STRAY_NEUTRAL = 0.02  # a coloured stroke's pixels of the black ink's hue (JPEG's noise): it touches no letter
TINGE = 15  # the hue of ink this far from the page's black ink (yellowed or not) is a colour


def to_grey(image: np.ndarray, *, suppress_colour: bool) -> np.ndarray:
    """Grey page; with `suppress_colour`, coloured ink (stamps, signatures) becomes paper.

    Coloured is judged by chroma, the spread of R, G and B (over 3 x 3 pixels, which
    evens out JPEG's colour noise), not by HSV saturation: the saturation of a dark
    pixel is a ratio of small numbers, and JPEG's colour noise made the strokes of
    black text "saturated" (the tuning pages' medium colour scans lost half their words).
    A dark pen's stroke is coloured only at its rims; its core, as dark as text, goes
    with them where the stroke touches no black letter (a signature's pieces were read
    as words: 'pfs', 'Jj', 'Lf'; OCR benchmark, development seed 2626, mild word
    precision 0.976 -> 0.981), and stays where it crosses one, whose letters JPEG tints
    with its colour ('(Joko Susilo)', 'FITRI HANDAYANI' under a signature were eaten).
    """
    if image.ndim == 2:
        return image
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if not suppress_colour:
        return grey
    b, g, r = cv2.split(image)
    chroma = cv2.subtract(cv2.max(cv2.max(b, g), r), cv2.min(cv2.min(b, g), r))
    chroma = cv2.blur(chroma, (3, 3))
    coloured = chroma > COLOURED
    if not coloured.any():
        return grey
    # paper level from the brightest part of the page
    paper = np.uint8(np.percentile(grey[::4, ::4], 95))
    # and the rest of strokes that are coloured ink alone (a navy signature, its dark
    # core duller than COLOURED): dark specks holding coloured pixels and next to none
    # of the hue of the page's black ink. A stroke across black letters keeps all but
    # its coloured pixels: JPEG bleeds its colour into the letters it crosses
    dark = grey < paper * 0.7
    n, labels = cv2.connectedComponents(dark.astype(np.uint8), connectivity=8)
    if n > 1:
        at = np.flatnonzero(dark)  # a few % of the page: only these are looked at
        label = labels.ravel()[at]
        near = cv2.dilate(coloured.astype(np.uint8), np.ones((9, 9), np.uint8)).ravel()[at] > 0
        bgr = [cv2.blur(c, (3, 3)).ravel()[at] for c in (b, g, r)]
        neutral = _ink_hued(bgr, ~near if not near.all() else None)
        touched = np.bincount(label[coloured.ravel()[at]], minlength=n) > 0
        plain = np.bincount(label[neutral], minlength=n)
        stroke = touched & (plain <= STRAY_NEUTRAL * np.bincount(label, minlength=n))
        stroke[0] = False
        coloured.ravel()[at[stroke[label]]] = True
    coloured = cv2.dilate(coloured.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0  # and the soft edges
    out = grey.copy()
    out[coloured] = paper
    return out


def _ink_hued(bgr: list[np.ndarray], ink: np.ndarray | None) -> np.ndarray:
    """Which of these pixels (their blue, green and red) are of the hue of most of
    the `ink` ones (all when None): the page's black text, grey or tinted by a yellowed
    scan, judged by hue, not chroma, which is as high on a tinted page as on a navy
    pen's dark strokes; within `TINGE` in both opponent colours."""
    b, g, r = (c.astype(np.int16) for c in bgr)
    near = np.ones(b.shape, bool)
    for opponent in (b - r, (2 * g - b - r) // 2):  # blue-yellow, green-magenta
        near &= np.abs(opponent - np.median(opponent if ink is None else opponent[ink])) <= TINGE
    return near


def _scale_to(image: np.ndarray, dpi: int, target_dpi: int) -> tuple[np.ndarray, float]:
    f = min(1.0, target_dpi / dpi)
    if f >= 1.0 or min(image.shape[:2]) * f < 2:  # nothing to gain on a tiny image
        return image, 1.0
    return cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA), f


def flatten_light(grey: np.ndarray, dpi: int) -> np.ndarray:
    """Divide the page by its background estimate: even light, white paper."""
    small, f = _scale_to(grey, dpi, 75)
    k = max(3, int(round(75 * f / f * 0.15)) | 1)  # ~4 mm: wider than any stroke at 75 dpi
    bg = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    bg = cv2.medianBlur(bg, 2 * k + 1)
    bg = np.maximum(bg, 1)  # (on the small copy: the resized one stays >= 1)
    bg = cv2.resize(bg, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = cv2.divide(grey, bg, scale=255)
    return out


def whiten_margins(grey: np.ndarray, dpi: int) -> np.ndarray:
    """Whiten dark bands along the page edges (scanner lid, book gutter).

    A band is a dark region touching an edge of the page and running along at least
    a third of it; found at 50 dpi, so its ragged inner edge goes too (a straight cut
    leaves slivers whose level edge would pull deskew towards zero).
    """
    small, f = _scale_to(grey, dpi, 50)
    sh, sw = small.shape
    dark = (small < 90).astype(np.uint8)
    if not dark.any():
        return grey
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    bands = np.zeros(n, bool)
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        along_x = (y == 0 or y + h == sh) and w >= sw / 3
        along_y = (x == 0 or x + w == sw) and h >= sh / 3
        bands[i] = along_x or along_y
    if not bands.any():
        return grey
    mask = bands[labels].astype(np.uint8) * 255
    # grown over the band's soft shadow; painted paper-grey, not white, so that the
    # background estimate of `flatten_light` does not jump at its edge
    r = max(1, int(dpi * 0.03), int(0.012 * min(grey.shape[:2])))
    mask = cv2.resize(mask, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * r + 1, 2 * r + 1)))
    out = grey.copy()
    out[mask > 0] = np.uint8(np.median(small[dark == 0])) if (dark == 0).any() else 255
    return out


ANALYSIS_DPI = 150  # orientation and skew are measured on a copy of the page this fine
INK_MAX = 200  # on a flattened page, nothing lighter than this is solid ink (show-through is)


def binarise(grey: np.ndarray, cap: float = 255.0) -> np.ndarray:
    """Ink = 255, paper = 0: Otsu's threshold (at most `cap`)."""
    t, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    _, ink = cv2.threshold(grey, min(t, cap), 255, cv2.THRESH_BINARY_INV)
    return ink


def unshade(ink: np.ndarray, grey: np.ndarray, dpi: int) -> np.ndarray:
    """Shaded areas (a grey header row, a filled box) are paper; the text on them stays ink.

    Otsu takes a mid-grey fill for ink, which hides the text printed on it; inside
    any area too thick to be a stroke, only what is clearly darker than the fill counts.
    """
    k = max(5, int(dpi * 0.05))
    paper = float(np.percentile(grey[::4, ::4], 90))
    smooth = cv2.medianBlur(grey, 5)  # a noisy fill is solid once smoothed; text strokes stay thin
    _, shaded = cv2.threshold(smooth, max(0.0, paper - 25), 255, cv2.THRESH_BINARY_INV)
    fill = cv2.morphologyEx(shaded, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    if not fill.any():
        return ink
    # a fill is a solid block (a cell, a row): blurred show-through or a smudge is not
    n, labels, stats, _ = cv2.connectedComponentsWithStats(fill, connectivity=4)
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    area = stats[:, cv2.CC_STAT_AREA]
    solid = (np.minimum(w, h) >= 0.2 * dpi) & (area >= (0.3 * dpi) ** 2) & (area >= 0.7 * w * h)
    solid[0] = False
    if not solid.any():
        return ink
    fill = (solid.astype(np.uint8) * 255)[labels]
    fill = cv2.dilate(fill, np.ones((5, 5), np.uint8))
    level = median_under(smooth, fill)
    _, dark = cv2.threshold(grey, max(0.0, level - 50), 255, cv2.THRESH_BINARY_INV)
    return np.where(fill > 0, dark, ink).astype(np.uint8)


def soft_ink(grey: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """The ink in its own shades on white paper: black where the ink is darkest.

    Every pixel that is not `ink` becomes paper (255); the ink pixels are stretched
    from the page's dark ink level (0) to the paper (255), so a light stroke (a grey
    stamp, a signature over a name) stays lighter than the text it crosses, as on
    the page, instead of turning as black as the text.
    """
    vals = grey[ink > 0]
    if vals.size == 0:
        return np.full_like(grey, 255)
    lo = float(np.percentile(vals[:: max(1, vals.size // 20000)], 10))
    hi = float(vals.max()) + 1.0  # the binarisation threshold
    scale = 255.0 / max(1.0, hi - lo)
    lut = np.clip((np.arange(256, dtype=np.float32) - lo) * scale, 0, 255).astype(np.uint8)
    out = cv2.LUT(grey, lut)
    out[ink == 0] = 255
    return out


def despeckle(ink: np.ndarray, dpi: int) -> np.ndarray:
    """Remove tiny specks far from any other ink (keeps i-dots, periods, commas).

    A pixel is a speck when the ink within ~0.5 mm of it (its own included) is no
    more than a dot of noise (12 pixels at 300 dpi): a box sum instead of connected
    components, ten times cheaper with the same result for isolated specks.
    """
    tiny_area = max(2, int((dpi / 300.0) ** 2 * 12))
    r = max(1, int(dpi * 0.02))  # ~0.5 mm
    ones = (ink > 0).astype(np.uint8)
    count = cv2.boxFilter(ones, cv2.CV_16U, (2 * r + 1, 2 * r + 1), normalize=False,
                          borderType=cv2.BORDER_CONSTANT)
    speck = (ones > 0) & (count <= tiny_area)
    if not speck.any():
        return ink
    out = ink.copy()
    out[speck] = 0
    return out


# --------------------------------------------------------------------------- ruling lines


def rule_masks(ink: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Masks of horizontal and vertical ruling lines in a binary ink image.

    A ruling line is an ink run of at least ~4 mm along one axis; text has no such
    runs. Broken pieces of one line are joined later, in `_segments`.
    """
    long = max(10, int(dpi * 0.16))
    gap = max(3, int(dpi * 0.03))  # bridge the breaks of a faded or dashed rule
    # no closing along the rows: it would fuse the letters of a word into a bar
    h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long, 1)))
    v = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, gap)))
    v = cv2.morphologyEx(v, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, long)))
    thick = max(3, int(dpi * MAX_RULE_THICK))
    return _without_blocks(h, True, thick), _without_blocks(v, False, thick)


def _without_blocks(mask: np.ndarray, horizontal: bool, thick: int) -> np.ndarray:
    """A mask of rules of one direction with what is `thick` or more across them cut away.

    A filled block (the speckle of a shaded header row, a stamp) passes the opening that
    finds rules whole, and the rules touching it would be one thick component with it,
    which `_segments` refuses: rules are thin, so the block's thick parts are cut away,
    inside the boxes of components that thick only (most pages have none). In place.
    """
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    kernel = np.ones((thick, 1) if horizontal else (1, thick), np.uint8)
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        if (h if horizontal else w) >= thick:
            roi = mask[y:y + h, x:x + w]  # a view: cut in place
            cv2.subtract(roi, cv2.morphologyEx(roi, cv2.MORPH_OPEN, kernel), dst=roi)
    return mask


MAX_RULE_THICK = 0.08  # inches: a thicker line is a block (a filled bar, a shading), not a rule


EVEN_GREY = 8.0  # grey levels of spread in a strip of shading or paper (letters beside a run: 15-20)


def _flanks_clear(ink: np.ndarray, grey: np.ndarray | None, x: int, y: int, w: int, h: int, horizontal: bool,
                  dpi: int) -> bool:
    """True when the strips along both sides of a candidate line are paper or shading.

    A rule stands alone; a run through a line of (bold) text has the rest of the
    letters right above and below it. A strip is clear when little of it is ink, or
    when its grey is even (a shaded header row that a faded page's ink threshold
    takes in part: letters make a strip uneven, a shading does not).
    """
    gap, band = max(2, int(dpi * 0.01)), max(2, int(dpi * 0.012))

    def strips(img: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if horizontal:
            return (img[max(0, y - gap - band):max(0, y - gap), x:x + w],
                    img[y + h + gap:y + h + gap + band, x:x + w])
        return (img[y:y + h, max(0, x - gap - band):max(0, x - gap)],
                img[y:y + h, x + w + gap:x + w + gap + band])

    greys = strips(grey) if grey is not None else (None, None)
    return all(s.size == 0 or float((s > 0).mean()) < 0.2 or (g is not None and float(g.std()) < EVEN_GREY)
               for s, g in zip(strips(ink), greys, strict=True))


def _segments(mask: np.ndarray, horizontal: bool, dpi: int, ink: np.ndarray | None = None,
              grey: np.ndarray | None = None) -> tuple[list[Rule], np.ndarray]:
    """Line segments of one direction, and the mask of the components kept as lines.

    A component is a line when it is long (>= 0.4 in) and not a filled block, or
    shorter but thin (a rule, not the stem of a large letter), and when the ink
    beside it is sparse (not a run through text).
    """
    # the outer contour of each 8-connected component (its holes are second-level
    # contours): the components' boxes twenty times faster than connectedComponentsWithStats
    contours, hier = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    outer = [c for c, link in zip(contours, hier[0], strict=True) if link[3] < 0] if hier is not None else []
    segs: list[tuple[float, float, float, float]] = []
    kept = []
    for c in outer:
        x, y, w, h = cv2.boundingRect(c)
        length, thick = (w, h) if horizontal else (h, w)
        if thick > dpi * MAX_RULE_THICK or not (length >= dpi * 0.4 or thick <= dpi * 0.022):
            continue
        if ink is not None and not _flanks_clear(ink, grey, x, y, w, h, horizontal, dpi):
            continue
        kept.append(c)
        if horizontal:
            segs.append((x, y + h / 2, x + w - 1, y + h / 2))
        else:
            segs.append((x + w / 2, y, x + w / 2, y + h - 1))
    # join collinear pieces of broken lines
    tol, max_gap = dpi * 0.012, dpi * 0.12
    key = (lambda s: (s[1], s[0])) if horizontal else (lambda s: (s[0], s[1]))
    segs.sort(key=key)
    joined: list[list[float]] = []
    for s in segs:
        for j in joined:
            if horizontal and abs(j[1] - s[1]) <= tol and s[0] - j[2] <= max_gap and s[2] >= j[0] - max_gap:
                j[0], j[2] = min(j[0], s[0]), max(j[2], s[2])
                j[1] = j[3] = (j[1] + s[1]) / 2
                break
            if not horizontal and abs(j[0] - s[0]) <= tol and s[1] - j[3] <= max_gap and s[3] >= j[1] - max_gap:
                j[1], j[3] = min(j[1], s[1]), max(j[3], s[3])
                j[0] = j[2] = (j[0] + s[0]) / 2
                break
        else:
            joined.append(list(s))
    out = np.zeros_like(mask)
    if kept:
        cv2.drawContours(out, kept, -1, 255, thickness=cv2.FILLED)
        out = cv2.bitwise_and(out, mask)
    return [Rule(*s) for s in joined], out


def median_under(grey: np.ndarray, mask: np.ndarray) -> float:
    """`np.median(grey[mask > 0])` of a uint8 image, from its histogram under the mask
    (a tenth of the time on a page; OpenCV counts in float32, exact up to 2**24 pixels
    under the mask: a 300 dpi A4 page has 8.7 million)."""
    counts = np.cumsum(cv2.calcHist([grey], [0], mask, [256], [0, 256]).ravel().astype(np.int64))
    n = int(counts[-1])
    lo, hi = np.searchsorted(counts, ((n - 1) // 2, n // 2), side="right")
    return (int(lo) + int(hi)) / 2


def _hysteresis(grey: np.ndarray, weak: float, strong: float) -> np.ndarray:
    """Ink = 255 where `grey` is under `weak` and its 8-connected run of such pixels
    holds one under `strong`: a faint pixel counts where it touches a clearly dark one."""
    _, faint = cv2.threshold(grey, max(0.0, weak), 255, cv2.THRESH_BINARY_INV)
    n, labels = cv2.connectedComponents(faint, connectivity=8)
    at = np.flatnonzero(faint > 0)  # a few % of the page: only these have a component to look up
    label = labels.ravel()[at]
    keep = np.bincount(label[grey.ravel()[at] < strong], minlength=n) > 0  # (bincount: no sort)
    out = np.zeros_like(grey)
    out.ravel()[at] = keep.astype(np.uint8)[label] * np.uint8(255)
    return out


def line_ink(grey: np.ndarray, dpi: int) -> np.ndarray:
    """Ink for finding ruling lines: anything clearly darker than the paper.

    Thin inner rules of a table often print light grey and fall below Otsu's threshold
    for text; a line is found from its length, so a lighter threshold costs nothing.
    A shaded area (a grey header row) is not ink itself: inside it only what is
    clearly darker than the shading (its rules and text) counts.
    """
    paper, ink = (float(v) for v in np.percentile(grey[::4, ::4], (90, 0.5)))
    # hysteresis: faint pixels count where they touch clearly dark ones, so a faded rule
    # is kept whole while show-through from the other side (faint only) is not. Clearly
    # dark: 70 levels under the paper, or, on a page whose toner faded (its darkest ink
    # itself light), half way from its darkest ink to the paper
    out = _hysteresis(grey, paper - 25, min(paper - 25, max(paper - 70, (ink + paper) / 2)))
    k = max(5, int(dpi * 0.05))
    fill = cv2.morphologyEx(out, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    if cv2.countNonZero(fill):
        # inside the shading, what is darker than it, by the same hysteresis: the rule
        # along a shaded header row's edge is blurred into the shading, only its middle
        # clearly darker (a threshold alone broke it into pieces the grid did not join)
        level = median_under(grey, fill)
        x, y, w, h = cv2.boundingRect(fill)  # (the shading's box only: a few % of the page)
        box = np.s_[y:y + h, x:x + w]
        cv2.copyTo(_hysteresis(grey[box], level - 20, level - 40), fill[box], out[box])
    return out


def find_rules(ink: np.ndarray, dpi: int, grey: np.ndarray | None = None
               ) -> tuple[tuple[Rule, ...], np.ndarray]:
    """Ruling line segments and the mask of their pixels (`grey`: the page the ink is of)."""
    h, v = rule_masks(ink, dpi)
    hr, hm = _segments(h, True, dpi, ink, grey)
    vr, vm = _segments(v, False, dpi, ink, grey)
    return tuple(hr + vr), cv2.bitwise_or(hm, vm)


# --------------------------------------------------------------------------- geometry


def _edge_points(ink_small: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates (float32, centred) of the bottom edge of every ink run in the columns.

    Bottom edges gather on the baselines and along the rules, so their row histogram
    is sharp when the page is level; a fifth of the ink pixels, same answer.
    """
    edge = ink_small[:-1] & ~ink_small[1:]
    ys, xs = np.nonzero(edge)
    h, w = ink_small.shape
    return ys.astype(np.float32) - h / 2, xs.astype(np.float32) - w / 2


def _projection_score(ys: np.ndarray, xs: np.ndarray, angle: float) -> float:
    """Sharpness of the row histogram of the points turned by `angle` (as OpenCV turns)."""
    if len(ys) == 0:  # no edges at all (an all-black or blank page): nothing to level
        return 0.0
    a = math.radians(angle)
    rows = ys * math.cos(a) - xs * math.sin(a)
    bins = (rows - rows.min()).astype(np.int32)
    prof = np.bincount(bins).astype(np.float64)
    d = np.diff(prof)
    return float((d * d).sum())


def _best_angle(ys: np.ndarray, xs: np.ndarray, cands: np.ndarray) -> tuple[float, float]:
    """The best of `cands` refined by a parabola through its neighbours; and its score."""
    scores = [_projection_score(ys, xs, float(a)) for a in cands]
    if max(scores) <= 0:  # nothing to go by: leave the page as it is
        return 0.0, 0.0
    i = int(np.argmax(scores))
    angle = float(cands[i])
    if 0 < i < len(cands) - 1:
        s0, s1, s2 = scores[i - 1], scores[i], scores[i + 1]
        den = s0 - 2 * s1 + s2
        if den < 0:
            angle += float(cands[1] - cands[0]) * 0.5 * (s0 - s2) / den
    return angle, scores[i]


def estimate_skew(ink: np.ndarray, dpi: int, max_angle: float) -> float:
    """Angle (degrees, counter-clockwise positive as in OpenCV) that levels the page.

    The angle that makes the row histogram of the ink's bottom edges sharpest: every
    0.5 degree within `max_angle` at 100 dpi, then every 0.1 degree around the best
    at 150 dpi, each refined by a parabola (error at most 0.06 degree on the OCR
    benchmark's simulated and real pages).
    """
    coarse = _binary_at(ink, dpi, 100)
    if int(coarse.sum()) < 50:
        return 0.0
    ys, xs = _edge_points(coarse)
    best, _ = _best_angle(ys, xs, np.arange(-max_angle, max_angle + 1e-9, 0.5))
    ys, xs = _edge_points(_binary_at(ink, dpi, 150))
    angle, _ = _best_angle(ys, xs, np.arange(best - 0.6, best + 0.6 + 1e-9, 0.1))
    return round(float(np.clip(angle, -max_angle, max_angle)), 3)


def _binary_at(ink: np.ndarray, dpi: int, target_dpi: int) -> np.ndarray:
    """Ink (0/1 uint8) at `target_dpi` (or as is when the page is not finer)."""
    small, _ = _scale_to(ink, dpi, target_dpi)
    return (small > 64).astype(np.uint8)


def _line_energy(ys: np.ndarray, xs: np.ndarray, angle: float) -> float:
    """Energy of the normalised row histogram of points turned by `angle` (text lines: high)."""
    a = math.radians(angle)
    rows = ys * math.cos(a) - xs * math.sin(a)
    prof = np.bincount((rows - rows.min()).astype(np.int32)).astype(np.float64)
    d = np.diff(prof / prof.sum())
    return float((d * d).sum())


def _text_only(ink: np.ndarray, dpi: int) -> np.ndarray:
    small, _ = _scale_to(ink, dpi, 150)
    small = ((small > 64) * 255).astype(np.uint8)
    h, v = rule_masks(small, 150)
    return cv2.bitwise_and(small, cv2.bitwise_not(cv2.bitwise_or(h, v)))


def is_sideways(ink: np.ndarray, dpi: int) -> bool | None:
    """True when the text lines run vertically (page turned 90 or 270 degrees), False
    when they run across, None when the ink does not tell (no text, or neither way
    clearly sharper).

    Compares the sharpest row histogram with the sharpest column histogram of the
    text (rules removed) at 75 dpi, each over the skews deskew will remove.
    """
    text = _binary_at(_text_only(ink, dpi), 150, 75)
    if int(text.sum()) < 200:
        return None
    ys, xs = np.nonzero(text)
    ys = ys.astype(np.float32) - text.shape[0] / 2
    xs = xs.astype(np.float32) - text.shape[1] / 2
    along_rows = max(_line_energy(ys, xs, float(a)) for a in range(-6, 7))
    along_cols = max(_line_energy(xs, ys, float(a)) for a in range(-6, 7))
    if along_rows * SIDEWAYS_MARGIN < along_cols:
        return True
    return False if along_cols * SIDEWAYS_MARGIN < along_rows else None


SIDEWAYS_MARGIN = 1.3  # one direction's lines this much sharper than the other's decides


def turn_around(clean: CleanPage) -> CleanPage:
    """The same cleaned page turned 180 degrees (for a page found upside down after OCR)."""
    h, w = clean.gray.shape[:2]
    m = _quarter_matrix(180, w, h)  # its own inverse
    back = np.array([[*clean.to_original[:3]], [*clean.to_original[3:]], [0, 0, 1]]) @ m
    rules = tuple(Rule(w - 1 - r.x1, h - 1 - r.y1, w - 1 - r.x0, h - 1 - r.y0) for r in clean.rules)
    return replace(
        clean, gray=rotate_quarter(clean.gray, 180), rules=rules, rotation=(clean.rotation + 180) % 360,
        to_original=_affine(back),
        ocr_image=rotate_quarter(clean.ocr_image, 180) if clean.ocr_image is not None else None,
    )


def rotate_quarter(image: np.ndarray, rotation: int) -> np.ndarray:
    if rotation == 90:
        return cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)
    if rotation == 180:
        return cv2.rotate(image, cv2.ROTATE_180)
    if rotation == 270:
        return cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE)
    return image


def _quarter_matrix(rotation: int, w: int, h: int) -> np.ndarray:
    """3x3 matrix mapping original pixels to pixels of the page turned `rotation` clockwise."""
    if rotation == 90:
        return np.array([[0, -1, h - 1], [1, 0, 0], [0, 0, 1]], float)
    if rotation == 180:
        return np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], float)
    if rotation == 270:
        return np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], float)
    return np.eye(3)


def turn_and_level(image: np.ndarray, rotation: int, angle: float, fill: int = 255
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Turn by a quarter `rotation` (clockwise) then by `angle` (counter-clockwise), in one warp.

    Returns the new image and the 3x3 matrix mapping original pixels to it.
    """
    h, w = image.shape[:2]
    q = _quarter_matrix(rotation, w, h)
    if not angle:
        return rotate_quarter(image, rotation), q
    size = (h, w) if rotation in (90, 270) else (w, h)
    m = np.vstack([cv2.getRotationMatrix2D((size[0] / 2, size[1] / 2), angle, 1.0), [0, 0, 1]]) @ q
    out = cv2.warpAffine(image, m[:2], size, flags=cv2.INTER_LINEAR, borderValue=fill)
    return out, m


def _affine(m: np.ndarray) -> Affine:
    return (float(m[0, 0]), float(m[0, 1]), float(m[0, 2]), float(m[1, 0]), float(m[1, 1]),
            float(m[1, 2]))


def _table_zone(groups: Sequence[Sequence[Rule]], shape: tuple[int, ...], dpi: int, f: tuple[float, float]
                ) -> np.ndarray:
    """A mask along the rules that form tables (`groups`, scaled by `f`): only those are
    taken out of the text. A lone line (an underlined name, a signature stroke) may run
    through letters; removing it would cut them.
    """
    zone = np.zeros(shape[:2], np.uint8)
    pad = max(2, int(dpi * 0.015))
    for group in groups:
        for r in group:
            cv2.line(zone, (int(r.x0 * f[0]), int(r.y0 * f[1])), (int(r.x1 * f[0]), int(r.y1 * f[1])), 255,
                     2 * pad + 1)
    return zone


OCR_DPI = 150  # the image OCR reads is made at this resolution (a coarser page: at its own)


def text_image(grey: np.ndarray, dpi: int, rules: tuple[Rule, ...], rule_px: np.ndarray,
               s: CleanupSettings) -> np.ndarray:
    """The image OCR reads, at `OCR_DPI`: the page's ink in its own shades on white paper.

    Made at the resolution Tesseract reads (a quarter of the pixels of a 300 dpi page
    to binarise and clean): Otsu's ink, shaded table rows made paper (`unshade`),
    specks removed, the rules of tables taken out, then `soft_ink` (tuning pages, word
    F1: ink made black 0.965, ink in its shades 0.972; docs/ocr.md). With neither
    denoise nor remove_rules, the flattened grey page itself.
    """
    f = min(1.0, OCR_DPI / dpi)
    h, w = grey.shape[:2]
    # the size rounded by hand takes OpenCV's general area path (14 ms, not the exact 2x
    # path's 0.5 ms): tried, the exact path moved OCR's answer both ways (word F1 0.950 ->
    # 0.952 on the OCR benchmark) and cost the development corpus 6 silent errors, 5 false
    # alarms and hard budget amounts (seed 1717, docs/ocr.md)
    size = (max(1, round(w * f)), max(1, round(h * f)))

    def shrink(image: np.ndarray) -> np.ndarray:
        return cv2.resize(image, size, interpolation=cv2.INTER_AREA) if f < 1.0 else image

    small = shrink(grey)
    if not (s.denoise or s.remove_rules):
        return small
    from .tables import TableSettings, group_rules

    fx, fy = size[0] / w, size[1] / h
    sdpi = max(1, round(dpi * f))
    groups = group_rules(rules, dpi, TableSettings())  # the rules that form tables, grouped once
    ink = binarise(small)
    # shaded header rows are table things: elsewhere (bleed-through, a dark vignette)
    # the same test would take faint text for a fill (measured: -10 F1 on hard scans)
    for x0, y0, x1, y1 in _table_boxes(groups):
        a, b, c, d = int(x0 * fx), int(y0 * fy), int(np.ceil(x1 * fx)), int(np.ceil(y1 * fy))
        ink[b:d, a:c] = unshade(ink[b:d, a:c], small[b:d, a:c], sdpi)
    if s.denoise:
        ink = despeckle(ink, sdpi)
    if s.remove_rules and rules:
        px = shrink(rule_px)
        px = cv2.dilate((px > 0).astype(np.uint8) * 255, np.ones((3, 3), np.uint8))
        px = cv2.bitwise_and(px, _table_zone(groups, small.shape, sdpi, (fx, fy)))
        ink = cv2.bitwise_and(ink, cv2.bitwise_not(px))
    return soft_ink(small, ink)


def _table_boxes(groups: Sequence[Sequence[Rule]]) -> list[tuple[int, int, int, int]]:
    """Pixel boxes (x0, y0, x1, y1) of the groups of rules that form tables."""
    boxes = []
    for group in groups:
        xs = [v for r in group for v in (r.x0, r.x1)]
        ys = [v for r in group for v in (r.y0, r.y1)]
        boxes.append((max(0, int(min(xs))), max(0, int(min(ys))), int(max(xs)) + 1,
                      int(max(ys)) + 1))
    return boxes


# --------------------------------------------------------------------------- the stage


def clean_page(page: PageImage, settings: CleanupSettings | None = None) -> CleanPage:
    """Turn a raw page raster into a `CleanPage` (see the module docstring)."""
    s = settings or CleanupSettings()
    dpi = page.dpi
    born_digital = page.text_layer is not None
    grey = to_grey(page.image, suppress_colour=s.suppress_colour and not born_digital)
    h0, w0 = grey.shape
    forward = np.eye(3)
    rotation, skew = 0, 0.0

    if born_digital:
        # exact text layer: geometry is already right; only the rules are needed
        rules, _ = find_rules(line_ink(grey, dpi), dpi, grey)
        return CleanPage(page.source, page.page, dpi, grey, rules, 0, 0.0, IDENTITY,
                         page.text_layer, page.text_layer_note, None)

    if s.remove_margins:
        grey = whiten_margins(grey, dpi)
    if s.normalise_light:
        grey = flatten_light(grey, dpi)
    # the page's geometry is judged on a 150 dpi copy, the page resampled once for it
    small, _ = _scale_to(grey, dpi, ANALYSIS_DPI)
    adpi = min(dpi, ANALYSIS_DPI)
    if s.orientation:
        # the direction of text lines from solid ink only: on a nearly blank page Otsu
        # would take the show-through of the other side for text; on a faded or noisy
        # page (its text lighter than solid ink: what is solid is specks) that tells
        # nothing, and Tesseract's orientation detection on the grey page is asked (on
        # the 7 of 217 hard pages of seeds 3333-3535 the ink did not judge, Otsu's ink
        # judged 2 wrong, 1 of them upright taken for sideways; Tesseract none)
        turned = is_sideways(binarise(small, INK_MAX), adpi)
        if turned is None:
            turned = tesseract.orientation(small, dpi=adpi) in (90, 270)
        if turned:
            rotation = 90  # OCR turns it around if this lands it upside down (ocr.read_page)
            small = rotate_quarter(small, 90)
    if s.deskew:
        skew = estimate_skew(binarise(small), adpi, s.max_skew)
        if abs(skew) < 0.05:
            skew = 0.0
    if rotation or skew:  # one resampling of the page for both
        grey, forward = turn_and_level(grey, rotation, skew)
    rules, rule_px = find_rules(line_ink(grey, dpi), dpi, grey)
    ocr_image = text_image(grey, dpi, rules, rule_px, s)
    back = np.linalg.inv(forward)
    log.debug("%s p%d: rotation %d, skew %.2f, %d rules", page.source, page.page, rotation,
              skew, len(rules))
    return CleanPage(page.source, page.page, dpi, grey, rules, rotation, skew, _affine(back),
                     None, page.text_layer_note, ocr_image)
