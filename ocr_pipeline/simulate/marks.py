"""Hand and rubber marks: scribbled signatures, round office stamps, drawn logos.

Each function draws in pixels of the image it is given; the shapes come from a
`numpy.random.Generator`, so the same seed draws the same mark at any dpi.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw

from . import fonts

Color = tuple[int, int, int]


# --------------------------------------------------------------------------- signatures


def _bezier(p: np.ndarray, n: int = 60) -> np.ndarray:
    """Points of the cubic Bezier curve with control points p (4 x 2)."""
    t = np.linspace(0.0, 1.0, n)[:, None]
    return ((1 - t) ** 3 * p[0] + 3 * (1 - t) ** 2 * t * p[1] + 3 * (1 - t) * t ** 2 * p[2]
            + t ** 3 * p[3])


def _cursive(rng: np.random.Generator) -> list[np.ndarray]:
    """A capital stroke, a looping body and a flourish, in a unit box (y down)."""
    strokes = []
    x0 = rng.uniform(0.02, 0.12)
    cap = np.array([[x0, rng.uniform(0.6, 0.9)], [x0 + rng.uniform(0.0, 0.15), -0.1],
                    [x0 + rng.uniform(0.15, 0.3), rng.uniform(0.0, 0.3)],
                    [x0 + rng.uniform(0.1, 0.25), rng.uniform(0.75, 1.0)]])
    strokes.append(_bezier(cap))
    u0, u1 = x0 + rng.uniform(0.1, 0.2), rng.uniform(0.65, 0.92)
    words = 1 if rng.random() < 0.6 else 2
    cut = rng.uniform(0.35, 0.55)
    spans = [(u0, u1)] if words == 1 else [(u0, u0 + (u1 - u0) * cut),
                                           (u0 + (u1 - u0) * (cut + 0.08), u1)]
    v0 = rng.uniform(0.5, 0.62)
    y = np.array([v0])
    for a0, a1 in spans:
        t = np.linspace(0.0, 1.0, 300)
        loops = int(rng.integers(3, 7))
        om = 2 * math.pi * loops
        ph = rng.uniform(0, 2 * math.pi)
        a = rng.uniform(0.6, 1.5) * (a1 - a0) / om
        env = np.full_like(t, rng.uniform(0.06, 0.11))
        for _ in range(int(rng.integers(1, 4))):  # ascenders and descenders
            env += rng.uniform(0.1, 0.3) * np.exp(-((t - rng.uniform(0, 1)) / 0.06) ** 2)
        x = a0 + (a1 - a0) * t - a * np.sin(om * t + ph)
        y = (v0 - env * np.cos(om * t + ph) + rng.uniform(-0.12, 0.08) * t
             + 0.02 * np.sin(2 * math.pi * rng.uniform(1, 3) * t))
        strokes.append(np.stack([x, y], axis=1))
    if rng.random() < 0.85:
        fl = np.array([[u1, y[-1]], [rng.uniform(0.8, 1.1), rng.uniform(0.7, 1.0)],
                       [rng.uniform(0.3, 0.6), rng.uniform(0.75, 1.05)],
                       [rng.uniform(-0.05, 0.2), rng.uniform(0.6, 0.95)]])
        strokes.append(_bezier(fl, 80))
    slant = rng.uniform(0.1, 0.45)  # handwriting leans right
    return [np.stack([st[:, 0] + slant * (0.6 - st[:, 1]) * 0.5, st[:, 1]], axis=1)
            for st in strokes]


def _angular(rng: np.random.Generator) -> list[np.ndarray]:
    """A zigzag through a few points ending in a long stroke, like a quick paraf."""
    n = int(rng.integers(5, 10))
    xs = np.sort(rng.uniform(0.05, 0.75, n))
    ys = rng.uniform(0.15, 0.85, n)
    pts = np.stack([xs, ys], axis=1)
    path = [pts[0:1]]
    for i in range(1, n):
        ctrl = np.array([pts[i - 1], pts[i - 1] + rng.normal(0, 0.08, 2),
                         pts[i] + rng.normal(0, 0.08, 2), pts[i]])
        path.append(_bezier(ctrl, 25))
    strokes = [np.concatenate(path)]
    tail = np.array([[xs[-1], ys[-1]], [rng.uniform(0.9, 1.05), rng.uniform(0.3, 0.7)],
                     [rng.uniform(0.2, 0.5), rng.uniform(0.5, 0.9)],
                     [rng.uniform(0.0, 0.2), rng.uniform(0.4, 0.8)]])
    strokes.append(_bezier(tail, 70))
    if rng.random() < 0.5:
        y = rng.uniform(0.7, 0.95)
        strokes.append(_bezier(np.array([[0.15, y], [0.4, y + 0.05], [0.7, y - 0.05],
                                         [rng.uniform(0.85, 1.0), y]]), 50))
    return strokes


def signature_mask(rng: np.random.Generator, w: int, h: int, pen: float) -> np.ndarray:
    """Coverage (0..1, float32, h x w) of a scribbled signature with pen width `pen` px."""
    ss = 2  # draw at twice the size, then shrink: smooth edges
    img = Image.new("L", (max(1, w * ss), max(1, h * ss)), 0)
    d = ImageDraw.Draw(img)
    strokes = _cursive(rng) if rng.random() < 0.6 else _angular(rng)
    for s in strokes:
        pts = s * np.array([w * ss, h * ss])
        n = len(pts)
        # pen pressure: the width swells and thins along the stroke
        pressure = 0.55 + 0.6 * np.abs(np.sin(np.linspace(0, math.pi * rng.uniform(1, 3), n)
                                             + rng.uniform(0, math.pi)))
        step = 6
        for i in range(0, n - 1, step):
            seg = [tuple(p) for p in pts[i:i + step + 1]]
            if len(seg) < 2:
                continue
            width = max(1, round(pen * ss * pressure[i]))
            d.line(seg, fill=255, width=width, joint="curve")
    small = img.resize((max(1, w), max(1, h)), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.float32) / 255.0


# --------------------------------------------------------------------------- stamps


def _arc_text(canvas: Image.Image, text: str, c: float, radius: float, style: fonts.TextStyle,
              dpi: int, top: bool) -> None:
    """Write `text` along a circle: over the top (reading clockwise) or along the bottom."""
    f = fonts.font(style.family, style.bold, style.pt, dpi)
    widths = [f.getlength(ch) * 1.08 for ch in text]
    total = sum(widths) / radius  # radians
    start = (-math.pi / 2 - total / 2) if top else (math.pi / 2 + total / 2)
    acc = 0.0
    size = int(f.size * 2) + 4
    for ch, w in zip(text, widths, strict=True):
        mid = acc + w / 2
        theta = start + mid / radius if top else start - mid / radius
        acc += w
        if ch == " ":
            continue
        tile = Image.new("L", (size, size), 0)
        ImageDraw.Draw(tile).text((size / 2, size / 2), ch, font=f, fill=255, anchor="mm")
        angle = -(math.degrees(theta) + 90) if top else 90 - math.degrees(theta)
        tile = tile.rotate(angle, resample=Image.Resampling.BILINEAR)
        x = c + radius * math.cos(theta) - size / 2
        y = c + radius * math.sin(theta) - size / 2
        canvas.paste(255, (round(x), round(y)), tile)


def _star(cx: float, cy: float, r: float, rot: float = -math.pi / 2) -> list[tuple[float, float]]:
    pts = []
    for i in range(10):
        rr = r if i % 2 == 0 else r * 0.42
        a = rot + i * math.pi / 5
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return pts


def stamp_mask(rng: np.random.Generator, radius: float, top: str, bottom: str, center: str,
               angle: float, dpi: int) -> np.ndarray:
    """Coverage (0..1, float32, square) of a round stamp, turned by `angle` degrees.

    Two rings with the office's name around, a star and a word in the middle; the
    ink is uneven (thin and missing in places), as rubber stamps print.
    """
    r = radius
    size = int(2 * r + 8)
    c = size / 2
    img = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(img)
    lw = max(1, round(r * 0.045))
    d.ellipse((c - r, c - r, c + r, c + r), outline=255, width=lw)
    ri = r * 0.66
    d.ellipse((c - ri, c - ri, c + ri, c + ri), outline=255, width=max(1, round(r * 0.025)))
    # text size: the band between the rings, in points at this dpi
    band_px = r * 0.22
    pt = band_px * 72 / dpi / 0.9
    style = fonts.TextStyle("LiberationSans", pt, True)
    _arc_text(img, top, c, r * 0.82, style, dpi, top=True)
    if bottom:
        _arc_text(img, bottom, c, r * 0.82 - band_px * 0.55, style, dpi, top=False)
    d.polygon(_star(c, c - ri * 0.35, ri * 0.28), fill=255)
    if center:
        f = fonts.font("LiberationSans", True, pt * 0.95, dpi)
        d.text((c, c + ri * 0.3), center, font=f, fill=255, anchor="mm")
    mask = np.asarray(img.rotate(angle, resample=Image.Resampling.BILINEAR), dtype=np.float32)
    mask /= 255.0
    # uneven ink: a smooth random field in 0.35..1 with a few bare patches
    low = rng.uniform(0.0, 1.0, (9, 9)).astype(np.float32)
    field = cv2.resize(low, (size, size), interpolation=cv2.INTER_CUBIC)
    field = np.clip(0.35 + 0.8 * field, 0.0, 1.0)
    grain = rng.uniform(0.75, 1.0, (size, size)).astype(np.float32)
    return mask * field * grain


# --------------------------------------------------------------------------- logos


def draw_logo(img: Image.Image, box: tuple[float, float, float, float], kind: str,
              rng: np.random.Generator) -> None:
    """Draw a simple coloured emblem in `box` (pixels of `img`).

    `kpu`: a gold shield with a star and a ballot box; `jabar`: a green oval with a
    yellow rim, a mountain, waves and a ribbon, in the manner of the provincial arms.
    """
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    d = ImageDraw.Draw(img)
    lw = max(1, round(w * 0.03))
    if kind == "jabar":
        d.ellipse((x0 + w * 0.08, y0, x1 - w * 0.08, y0 + h * 0.86), fill=(232, 190, 40))
        d.ellipse((x0 + w * 0.14, y0 + h * 0.04, x1 - w * 0.14, y0 + h * 0.82),
                  fill=(30, 128, 62))
        cx = (x0 + x1) / 2
        d.polygon([(cx - w * 0.22, y0 + h * 0.56), (cx, y0 + h * 0.38),
                   (cx + w * 0.22, y0 + h * 0.56)], fill=(120, 40, 30))
        for i in range(3):
            yy = y0 + h * (0.58 + 0.06 * i)
            d.rectangle((cx - w * 0.26, yy, cx + w * 0.26, yy + h * 0.03),
                        fill=(40, 90, 200) if i % 2 == 0 else (245, 245, 245))
        d.arc((cx - w * 0.08, y0 + h * 0.1, cx + w * 0.12, y0 + h * 0.45), 100, 300,
              fill=(250, 250, 250), width=max(1, round(w * 0.05)))
        d.chord((x0, y0 + h * 0.72, x1, y1 + h * 0.1), 200, 340, fill=(232, 190, 40),
                outline=(90, 70, 10))
        return
    # kpu: shield
    cx = (x0 + x1) / 2
    shield = [(x0, y0), (x1, y0), (x1, y0 + h * 0.6), (cx, y1), (x0, y0 + h * 0.6)]
    d.polygon(shield, fill=(214, 170, 40), outline=(40, 30, 10))
    d.line(shield + [shield[0]], fill=(40, 30, 10), width=lw)
    d.polygon(_star(cx, y0 + h * 0.24, w * 0.16), fill=(250, 250, 245))
    d.rectangle((cx - w * 0.22, y0 + h * 0.45, cx + w * 0.22, y0 + h * 0.68),
                fill=(200, 30, 35), outline=(40, 30, 10), width=lw)
    d.rectangle((cx - w * 0.12, y0 + h * 0.44, cx + w * 0.12, y0 + h * 0.47), fill=(20, 20, 20))
    if rng.random() < 0.5:
        d.line((x0 + w * 0.1, y0 + h * 0.12, x1 - w * 0.1, y0 + h * 0.12), fill=(40, 30, 10),
               width=lw)
