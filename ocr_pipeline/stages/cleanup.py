"""Image cleanup: a raw page raster becomes an upright, deskewed, clean page.

Steps (each switchable in `CleanupSettings`, each measured by the benchmark):

1. colour suppression: saturated ink (blue/purple/red stamps and signatures) is
   turned to background so black text under a stamp survives;
2. dark scanner margins are whitened;
3. orientation: sideways pages are found from the direction of the text lines and
   turned a quarter; whether a page is upside down is settled by OCR (see `ocr.py`);
4. illumination: the page is divided by its own background estimate, which flattens
   uneven light, grey or yellowish paper and bleed-through;
5. deskew: the angle that makes the text lines and ruling lines sharpest in the row
   projection, coarse to fine;
6. binarisation (Otsu on the flattened page) and despeckling (tiny isolated specks);
7. ruling lines go to their own list of segments (for the table stage) and are
   removed from the image OCR reads.

`CleanPage.to_original` maps cleaned-page pixels back to the original page.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import cv2
import numpy as np

from ..config import CleanupSettings
from ..records import CleanPage, PageImage, Rule

log = logging.getLogger(__name__)

Affine = tuple[float, float, float, float, float, float]
IDENTITY: Affine = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)


# --------------------------------------------------------------------------- small helpers


def to_grey(image: np.ndarray, *, suppress_colour: bool) -> np.ndarray:
    """Grey page; with `suppress_colour`, saturated ink (stamps, signatures) becomes paper."""
    if image.ndim == 2:
        return image
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if not suppress_colour:
        return grey
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    sat, val = hsv[..., 1], hsv[..., 2]
    coloured = (sat > 70) & (val > 40)
    if not coloured.any():
        return grey
    # paper level from the brightest part of the page
    paper = np.uint8(np.percentile(grey, 95))
    out = grey.copy()
    out[coloured] = paper
    return out


def _scale_to(image: np.ndarray, dpi: int, target_dpi: int) -> tuple[np.ndarray, float]:
    f = min(1.0, target_dpi / dpi)
    if f >= 1.0:
        return image, 1.0
    return cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA), f


def flatten_light(grey: np.ndarray, dpi: int) -> np.ndarray:
    """Divide the page by its background estimate: even light, white paper."""
    small, f = _scale_to(grey, dpi, 75)
    k = max(3, int(round(75 * f / f * 0.15)) | 1)  # ~4 mm: wider than any stroke at 75 dpi
    bg = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    bg = cv2.medianBlur(bg, 2 * k + 1)
    bg = cv2.resize(bg, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    bg = np.maximum(bg, 1)
    out = cv2.divide(grey, bg, scale=255)
    return out


def whiten_margins(grey: np.ndarray, dpi: int) -> np.ndarray:
    """Whiten dark bands along the page edges (scanner lid, book gutter)."""
    h, w = grey.shape
    dark = grey < 90
    max_band = int(0.15 * min(h, w))
    out = grey
    rows = dark.mean(axis=1)
    cols = dark.mean(axis=0)

    def band(profile: np.ndarray) -> int:
        n = 0
        while n < max_band and profile[n] > 0.5:
            n += 1
        return n + (int(dpi * 0.02) if n else 0)

    top, bottom = band(rows), band(rows[::-1])
    left, right = band(cols), band(cols[::-1])
    if top or bottom or left or right:
        out = grey.copy()
        paper = 255
        if top:
            out[:top] = paper
        if bottom:
            out[h - bottom:] = paper
        if left:
            out[:, :left] = paper
        if right:
            out[:, w - right:] = paper
    return out


def binarise(grey: np.ndarray) -> np.ndarray:
    """Ink = 255, paper = 0 (Otsu)."""
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink


def despeckle(ink: np.ndarray, dpi: int) -> np.ndarray:
    """Remove tiny ink specks far from any other ink (keeps i-dots, periods, commas)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return ink
    tiny_area = max(2, int((dpi / 300.0) ** 2 * 12))
    area = stats[:, cv2.CC_STAT_AREA]
    small = area <= tiny_area
    small[0] = False
    if not small.any():
        return ink
    big_mask = (~small)[labels] & (ink > 0)
    r = max(1, int(dpi * 0.02))  # ~0.5 mm
    near = cv2.dilate(big_mask.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                                                          (2 * r + 1, 2 * r + 1)))
    small_pix = small[labels]
    keep_small_labels = np.unique(labels[small_pix & (near > 0)])
    drop = small.copy()
    drop[keep_small_labels] = False
    out = ink.copy()
    out[drop[labels]] = 0
    return out


# --------------------------------------------------------------------------- ruling lines


def rule_masks(ink: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Masks of horizontal and vertical ruling lines in a binary ink image.

    A ruling line is an ink run of at least ~4 mm along one axis; text has no such
    runs. Broken pieces of one line are joined later, in `_segments`.
    """
    long = max(10, int(dpi * 0.16))
    h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long, 1)))
    v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, long)))
    return h, v


def _segments(mask: np.ndarray, horizontal: bool, dpi: int) -> tuple[list[Rule], np.ndarray]:
    """Line segments of one direction, and the mask of the components kept as lines.

    A component is a line when it is long (>= 0.4 in) and not a filled block, or
    shorter but thin (a rule, not the stem of a large letter).
    """
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    segs: list[tuple[float, float, float, float]] = []
    keep = np.zeros(n, bool)
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        length, thick = (w, h) if horizontal else (h, w)
        if thick > dpi * 0.08 or not (length >= dpi * 0.4 or thick <= dpi * 0.022):
            continue
        keep[i] = True
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
    return [Rule(*s) for s in joined], (keep[labels] * 255).astype(np.uint8)


def find_rules(ink: np.ndarray, dpi: int) -> tuple[tuple[Rule, ...], np.ndarray]:
    """Ruling line segments and the mask of their pixels."""
    h, v = rule_masks(ink, dpi)
    hr, hm = _segments(h, True, dpi)
    vr, vm = _segments(v, False, dpi)
    return tuple(hr + vr), cv2.bitwise_or(hm, vm)


# --------------------------------------------------------------------------- geometry


def _profile_score(ink_small: np.ndarray, angle: float) -> float:
    h, w = ink_small.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rot = cv2.warpAffine(ink_small, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    prof = rot.sum(axis=1, dtype=np.float64)
    d = np.diff(prof)
    return float((d * d).sum())


def estimate_skew(ink: np.ndarray, dpi: int, max_angle: float) -> float:
    """Angle (degrees, counter-clockwise positive as in OpenCV) that levels the page."""
    small, f = _scale_to(ink, dpi, 100)
    small = (small > 64).astype(np.uint8)
    if small.sum() < 50:
        return 0.0
    best = max(np.arange(-max_angle, max_angle + 1e-9, 0.5), key=lambda a: _profile_score(small, a))
    fine_img, _ = _scale_to(ink, dpi, 200)
    fine_img = (fine_img > 64).astype(np.uint8)
    cands = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    scores = [_profile_score(fine_img, a) for a in cands]
    i = int(np.argmax(scores))
    angle = float(cands[i])
    if 0 < i < len(cands) - 1:  # parabolic refinement
        s0, s1, s2 = scores[i - 1], scores[i], scores[i + 1]
        den = s0 - 2 * s1 + s2
        if den < 0:
            angle += 0.05 * 0.5 * (s0 - s2) / den
    return round(angle, 3)


def _line_energy(ink_small: np.ndarray) -> float:
    prof = ink_small.sum(axis=1, dtype=np.float64)
    if prof.sum() == 0:
        return 0.0
    d = np.diff(prof / prof.sum())
    return float((d * d).sum())


def _text_only(ink: np.ndarray, dpi: int) -> np.ndarray:
    small, _ = _scale_to(ink, dpi, 150)
    small = ((small > 64) * 255).astype(np.uint8)
    h, v = rule_masks(small, 150)
    return cv2.bitwise_and(small, cv2.bitwise_not(cv2.bitwise_or(h, v)))


def is_sideways(ink: np.ndarray, dpi: int) -> bool:
    """True when the text lines run vertically (page turned 90 or 270 degrees)."""
    text, _ = _scale_to(_text_only(ink, dpi), 150, 75)
    text = (text > 64).astype(np.uint8)
    if text.sum() < 200:
        return False

    def energy(img: np.ndarray) -> float:  # best over the skews deskew will remove
        h, w = img.shape
        best = 0.0
        for a in range(-6, 7, 1):
            m = cv2.getRotationMatrix2D((w / 2, h / 2), float(a), 1.0)
            best = max(best, _line_energy(cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_NEAREST)))
        return best

    return energy(text) * 1.3 < energy(np.ascontiguousarray(text.T))


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


def rotate_by(image: np.ndarray, angle: float, fill: int = 255) -> tuple[np.ndarray, np.ndarray]:
    """Rotate by `angle` degrees (counter-clockwise), same size; returns image and 3x3 matrix."""
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out = cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)
    return out, np.vstack([m, [0, 0, 1]])


def _affine(m: np.ndarray) -> Affine:
    return (float(m[0, 0]), float(m[0, 1]), float(m[0, 2]), float(m[1, 0]), float(m[1, 1]),
            float(m[1, 2]))


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
        ink = binarise(grey)
        rules, _ = find_rules(ink, dpi)
        return CleanPage(page.source, page.page, dpi, grey, rules, 0, 0.0, IDENTITY,
                         page.text_layer, page.text_layer_note, None)

    if s.remove_margins:
        grey = whiten_margins(grey, dpi)
    if s.normalise_light:
        grey = flatten_light(grey, dpi)
    ink = binarise(grey)
    if s.orientation and is_sideways(ink, dpi):
        rotation = 90  # turned the other way below if this lands it upside down
        forward = _quarter_matrix(90, w0, h0) @ forward
        grey, ink = rotate_quarter(grey, 90), rotate_quarter(ink, 90)
    if s.deskew:
        skew = estimate_skew(ink, dpi, s.max_skew)
        if abs(skew) >= 0.05:
            grey, m = rotate_by(grey, skew)
            forward = m @ forward
            ink = binarise(grey)
        else:
            skew = 0.0
    if s.denoise:
        ink = despeckle(ink, dpi)
    rules, rule_px = find_rules(ink, dpi)
    if s.remove_rules and rules:
        rule_px = cv2.dilate(rule_px, np.ones((3, 3), np.uint8))
        text_ink = cv2.bitwise_and(ink, cv2.bitwise_not(rule_px))
    else:
        text_ink = ink
    ocr_image = cv2.bitwise_not(text_ink) if (s.denoise or s.remove_rules) else grey
    back = np.linalg.inv(forward)
    log.debug("%s p%d: rotation %d, skew %.2f, %d rules", page.source, page.page, rotation,
              skew, len(rules))
    return CleanPage(page.source, page.page, dpi, grey, rules, rotation, skew, _affine(back),
                     None, page.text_layer_note, ocr_image)
