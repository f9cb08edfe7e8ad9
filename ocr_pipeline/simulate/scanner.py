"""A simulated office scanner: a clean page image in, a degraded scan out.

`scan_page(image, LEVELS["medium"], seed=..., dpi_in=300, dpi_out=200)` returns a
`PageScan`: the scanned image (grey, or RGB for a colour scan) and what was done
to it. The same seed gives the same scan, byte for byte.

Effects, in the order a scan goes through them (all at the output dpi, after
the page is downsampled with area averaging):

1. faded toner - ink lightened and strokes broken in places;
2. paper - grey or yellowish paper, with a faint texture;
3. bleed-through - a mirrored, blurred, faint copy of another page;
4. skew - the page turned by a small angle on the glass;
5. dark scanner margins - black bands along one or two edges, ragged inside;
6. uneven illumination - a gradient across the page or a vignette;
7. blur; 8. gaussian noise; 9. salt-and-pepper speckle;
10. JPEG loss - encoded and decoded at a quality;
11. turning - the whole page fed upside down or sideways (90/180/270).

Conventions of the record:

* `skew`: degrees, positive = the content is turned counter-clockwise as seen on
  screen (text lines rise to the right). Deskewing turns it by `-skew`.
* `rotation`: degrees the scanner turned the page *clockwise* as seen on screen
  (0, 90, 180, 270). Turning the scan counter-clockwise by `rotation`, i.e.
  clockwise by `rotation_to_upright = (360 - rotation) % 360`, makes it upright.
* `to_scan`: the affine (a, b, c, d, e, f) taking a point (x, y) of the clean page
  drawn at the output dpi to (a x + b y + c, d x + e y + f) in the scan: skew and
  turning together.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

Range = tuple[float, float]


@dataclass(frozen=True, slots=True)
class ScanLevel:
    """How hard a scan is: ranges the effects' strengths are drawn from, and how often."""

    name: str
    skew: Range = (0.0, 0.0)  # |skew| in degrees; the sign is random
    turn_prob: float = 0.0  # chance a page is fed turned 90, 180 or 270 degrees
    blur: Range = (0.0, 0.0)  # gaussian sigma, pixels at 200 dpi
    noise: Range = (0.0, 0.0)  # gaussian noise sigma, grey levels
    jpeg: Range = (0.0, 0.0)  # JPEG quality; (0, 0) = no JPEG loss
    light: Range = (0.0, 0.0)  # illumination fall-off, 0..1
    paper: Range = (255.0, 255.0)  # paper brightness
    yellow_prob: float = 0.0  # chance the paper is yellowish rather than grey
    speckle: Range = (0.0, 0.0)  # fraction of pixels hit by speckle
    bleed_prob: float = 0.0
    bleed: Range = (0.0, 0.0)  # opacity of the page showing through
    margin_prob: float = 0.0
    margin: Range = (0.0, 0.0)  # width of a dark band, fraction of the page side
    fade_prob: float = 0.0
    fade: Range = (1.0, 1.0)  # ink strength left (1 = full)

    def __post_init__(self) -> None:
        for name in ("skew", "blur", "noise", "jpeg", "light", "paper", "speckle", "bleed",
                     "margin", "fade"):
            lo, hi = getattr(self, name)
            if lo > hi:
                raise ValueError(f"ScanLevel {self.name}: {name} range {lo}..{hi} is reversed")
        if not 0 <= self.turn_prob <= 1:
            raise ValueError(f"ScanLevel {self.name}: turn_prob must be within 0..1")
        if self.skew[1] > 10:
            raise ValueError(f"ScanLevel {self.name}: skew above 10 degrees is not a scan")


LEVELS: dict[str, ScanLevel] = {lv.name: lv for lv in (
    ScanLevel("clean"),
    ScanLevel("mild", skew=(0.1, 1.0), blur=(0.3, 0.6), noise=(1.0, 2.5), jpeg=(80, 92),
              light=(0.0, 0.05), paper=(238, 250), yellow_prob=0.2, speckle=(0.0, 2e-5),
              bleed_prob=0.15, bleed=(0.03, 0.06), margin_prob=0.1, margin=(0.004, 0.012),
              fade_prob=0.1, fade=(0.8, 0.92)),
    ScanLevel("medium", skew=(0.5, 3.0), blur=(0.6, 1.0), noise=(2.5, 5.0), jpeg=(60, 80),
              light=(0.05, 0.15), paper=(222, 242), yellow_prob=0.35, speckle=(2e-5, 1e-4),
              bleed_prob=0.35, bleed=(0.05, 0.1), margin_prob=0.35, margin=(0.008, 0.03),
              fade_prob=0.3, fade=(0.6, 0.8)),
    ScanLevel("hard", skew=(1.5, 5.0), turn_prob=0.25, blur=(0.9, 1.5), noise=(5.0, 9.0),
              jpeg=(35, 60), light=(0.15, 0.3), paper=(200, 232), yellow_prob=0.5,
              speckle=(1e-4, 4e-4), bleed_prob=0.6, bleed=(0.08, 0.16), margin_prob=0.6,
              margin=(0.015, 0.05), fade_prob=0.55, fade=(0.45, 0.7)),
)}


def level(name: str) -> ScanLevel:
    """The named level; `ValueError` naming the known ones otherwise."""
    try:
        return LEVELS[name]
    except KeyError:
        raise ValueError(f"unknown scan level {name!r}; use one of {', '.join(LEVELS)}") from None


@dataclass(frozen=True, slots=True)
class Effect:
    name: str
    params: tuple[tuple[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, **{k: v for k, v in self.params}}


@dataclass(frozen=True, slots=True, eq=False)
class PageScan:
    """A scanned page and the parameters actually applied to it."""

    image: np.ndarray  # H x W grey, or H x W x 3 RGB when `color`
    level: str
    dpi: int
    color: bool
    rotation: int  # clockwise degrees the page was turned: 0, 90, 180, 270
    skew: float  # degrees, positive = counter-clockwise
    effects: tuple[Effect, ...] = field(default=())
    to_scan: tuple[float, float, float, float, float, float] = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)

    @property
    def rotation_to_upright(self) -> int:
        """Clockwise degrees that turn the scan upright."""
        return (360 - self.rotation) % 360

    def to_json(self) -> dict[str, Any]:
        return {"level": self.level, "dpi": self.dpi, "color": self.color,
                "width": int(self.image.shape[1]), "height": int(self.image.shape[0]),
                "rotation": self.rotation, "rotation_to_upright": self.rotation_to_upright,
                "skew_degrees": round(self.skew, 4),
                "to_scan": [round(v, 6) for v in self.to_scan],
                "effects": [e.to_json() for e in self.effects]}


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True, slots=True)
class ScanParams:
    """Everything a scan of one page does, drawn before any pixel is touched.

    The parameters depend on the level and the seed only (not on the image), so a
    page scanned at 200 or 300 dpi gets the same skew, turn and effects.
    """

    skew: float = 0.0  # degrees, positive = counter-clockwise
    rotation: int = 0  # clockwise: 0, 90, 180, 270
    fade: float | None = None  # ink strength left; None: no fading
    broken: float = 0.0  # share of ink pixels broken off when faded
    paper: float = 255.0
    yellow: bool = False
    bleed: float | None = None  # opacity of the page behind; None: none
    margins: tuple[tuple[str, float], ...] = ()  # (edge, width as a fraction of the side)
    margin_value: float = 30.0
    light: tuple[str, float, float] | None = None  # (gradient|vignette, strength, direction)
    blur: float = 0.0  # gaussian sigma, pixels at 200 dpi
    noise: float = 0.0
    speckle: float = 0.0
    jpeg: int | None = None
    pixel_seed: int = 0


def _u(rng: np.random.Generator, r: Range) -> float:
    return float(rng.uniform(r[0], r[1])) if r[1] > r[0] else float(r[0])


def draw_params(lv: ScanLevel, seed: int | Sequence[int]) -> ScanParams:
    """The parameters of one page's scan at level `lv`; the same seed, the same parameters."""
    rng = np.random.default_rng(seed)
    fade = _u(rng, lv.fade) if rng.random() < lv.fade_prob else None
    broken = float(rng.uniform(0.05, 0.3) * (1.0 - fade) / 0.5) if fade is not None else 0.0
    paper = _u(rng, lv.paper)
    yellow = bool(rng.random() < lv.yellow_prob)
    bleed = _u(rng, lv.bleed) if rng.random() < lv.bleed_prob else None
    skew = _u(rng, lv.skew) * (1 if rng.random() < 0.5 else -1)
    margins: tuple[tuple[str, float], ...] = ()
    if rng.random() < lv.margin_prob:
        edges = rng.choice(["left", "right", "top", "bottom"],
                           size=1 if rng.random() < 0.6 else 2, replace=False)
        margins = tuple((str(e), _u(rng, lv.margin)) for e in edges)
    margin_value = float(rng.uniform(10, 45))
    light = None
    if lv.light[1] > 0:
        kind = "gradient" if rng.random() < 0.5 else "vignette"
        light = (kind, _u(rng, lv.light), float(rng.uniform(0, 360)))
    blur, noise, speckle = _u(rng, lv.blur), _u(rng, lv.noise), _u(rng, lv.speckle)
    jpeg = int(round(_u(rng, lv.jpeg))) if lv.jpeg[1] > 0 else None
    rotation = int(rng.choice((90, 180, 270))) if rng.random() < lv.turn_prob else 0
    return ScanParams(round(skew, 6), rotation, fade, broken, paper, yellow, bleed, margins,
                      margin_value, light, blur, noise, speckle, jpeg,
                      int(rng.integers(1 << 62)))


# --------------------------------------------------------------------------- effects


def _smooth_field(rng: np.random.Generator, h: int, w: int, cells: int) -> np.ndarray:
    """A smooth random field in 0..1, varying over about `cells` cells per side."""
    low = rng.random((cells, cells)).astype(np.float32)
    return cv2.resize(low, (w, h), interpolation=cv2.INTER_CUBIC).clip(0, 1)


def _fade(img: np.ndarray, rng: np.random.Generator, strength: float, broken: float
          ) -> tuple[np.ndarray, Effect]:
    h, w = img.shape[:2]
    ink = 255.0 - img
    grain: np.ndarray = rng.random((h // 2 + 1, w // 2 + 1)).astype(np.float32)
    grain = cv2.resize(grain, (w, h), interpolation=cv2.INTER_NEAREST)
    patchy = 0.6 + 0.4 * _smooth_field(rng, h, w, 12)
    keep = np.where(grain < broken, 0.25, 1.0).astype(np.float32) * patchy * strength
    ink *= keep if img.ndim == 2 else keep[..., None]
    return 255.0 - ink, Effect("faded_toner", (("ink", round(strength, 3)),
                                               ("broken", round(broken, 3))))


def _paper(img: np.ndarray, rng: np.random.Generator, b: float, yellow: bool
           ) -> tuple[np.ndarray, tuple[float, float, float], Effect]:
    tint = (b, b * 0.975, b * 0.86) if yellow else (b, b, b)
    h, w = img.shape[:2]
    texture = (_smooth_field(rng, h, w, 60) - 0.5) * min(4.0, (255 - b) * 0.15)
    if img.ndim == 2:
        grey = 0.299 * tint[0] + 0.587 * tint[1] + 0.114 * tint[2]
        out = img * (grey / 255.0) + texture
    else:
        out = img * (np.array(tint, np.float32) / 255.0) + texture[..., None]
    return out, tint, Effect("paper", (("brightness", round(b, 1)),
                                       ("tint", "yellow" if yellow else "grey")))


def _bleed(img: np.ndarray, back: np.ndarray, alpha: float, source: int | None
           ) -> tuple[np.ndarray, Effect]:
    h, w = img.shape[:2]
    b = back if back.ndim == 2 else cv2.cvtColor(back, cv2.COLOR_RGB2GRAY)
    b = cv2.resize(b, (w, h), interpolation=cv2.INTER_AREA)[:, ::-1].astype(np.float32)
    b = cv2.GaussianBlur(b, (0, 0), 2.5)
    shade = 1.0 - alpha * (1.0 - b / 255.0)
    out = img * (shade if img.ndim == 2 else shade[..., None])
    return out, Effect("bleed_through", (("alpha", round(alpha, 3)), ("source_page", source)))


def _skew_matrix(w: int, h: int, angle: float) -> np.ndarray:
    return cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle, 1.0)


def _margins(img: np.ndarray, rng: np.random.Generator, margins: tuple[tuple[str, float], ...],
             dark: float) -> tuple[np.ndarray, Effect]:
    h, w = img.shape[:2]
    widths = []
    for edge, frac in margins:
        side = w if edge in ("left", "right") else h
        length = h if edge in ("left", "right") else w
        width = frac * side
        walk: np.ndarray = np.cumsum(rng.normal(0, 0.6, length)).astype(np.float32)
        walk = cv2.GaussianBlur(walk.reshape(1, -1), (0, 0), 15).ravel()
        depth = np.clip(width + walk - walk.mean(), 1, side * 0.2)
        idx = np.arange(side, dtype=np.float32)[None, :]
        band = np.clip((depth[:, None] - idx) / 3.0, 0, 1)  # 1 inside the band, soft edge
        shadow = np.clip(1 - (idx - depth[:, None]) / (side * 0.01), 0, 1) * 0.25
        cover = np.maximum(band, shadow * (1 - band))
        if edge in ("top", "bottom"):
            cover = cover.T
        if edge == "right":
            cover = cover[:, ::-1]
        if edge == "bottom":
            cover = cover[::-1, :]
        c = cover if img.ndim == 2 else cover[..., None]
        img = img * (1 - c) + dark * c
        widths.append(round(width, 1))
    return img, Effect("dark_margins", (("edges", ",".join(e for e, _ in margins)),
                                        ("width_px", widths), ("value", round(dark, 1))))


def _light(img: np.ndarray, light: tuple[str, float, float]) -> tuple[np.ndarray, Effect]:
    kind, strength, direction = light
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "gradient":
        ang = math.radians(direction)
        ramp = (xx / w - 0.5) * math.cos(ang) + (yy / h - 0.5) * math.sin(ang)
        ramp = (ramp - ramp.min()) / max(1e-6, float(ramp.max() - ramp.min()))
        gain = 1.0 - strength * ramp
        eff = Effect("illumination", (("kind", "gradient"), ("strength", round(strength, 3)),
                                      ("direction_deg", round(direction, 1))))
    else:
        r2 = ((xx / w - 0.5) ** 2 + (yy / h - 0.5) ** 2) / 0.5
        gain = 1.0 - strength * r2
        eff = Effect("illumination", (("kind", "vignette"), ("strength", round(strength, 3))))
    return img * (gain if img.ndim == 2 else gain[..., None]), eff


def _speckle(img: np.ndarray, rng: np.random.Generator, density: float
             ) -> tuple[np.ndarray, Effect]:
    h, w = img.shape[:2]
    n = int(density * h * w)
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    dark = rng.random(n) < 0.8
    vals = np.where(dark, rng.uniform(0, 90, n), rng.uniform(235, 255, n)).astype(np.float32)
    img = img.copy()
    img[ys, xs] = vals if img.ndim == 2 else vals[:, None]
    big = rng.random(n) < 0.3  # some dots are 2 x 2
    y2, x2 = np.minimum(ys[big] + 1, h - 1), np.minimum(xs[big] + 1, w - 1)
    img[y2, x2] = vals[big] if img.ndim == 2 else vals[big][:, None]
    return img, Effect("speckle", (("density", float(f"{density:.2e}")), ("dots", n)))


def _jpeg(img: np.ndarray, quality: int) -> tuple[np.ndarray, Effect]:
    arr = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".jpg", arr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:  # pragma: no cover - OpenCV always encodes a uint8 image
        raise RuntimeError("JPEG encoding failed")
    flag = cv2.IMREAD_GRAYSCALE if img.ndim == 2 else cv2.IMREAD_COLOR
    out = cv2.imdecode(buf, flag)
    if out is None:  # pragma: no cover - OpenCV decodes what it encoded
        raise RuntimeError("JPEG decoding failed")
    if img.ndim == 3:
        out = cv2.cvtColor(out, cv2.COLOR_BGR2RGB)
    return out, Effect("jpeg", (("quality", quality),))


def _turn_matrix(w: int, h: int, rotation: int) -> np.ndarray:
    """3x3 map of pixel coordinates when an image w x h is turned clockwise by `rotation`."""
    return {0: np.eye(3),
            90: np.array([[0, -1, h - 1], [1, 0, 0], [0, 0, 1]], float),
            180: np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], float),
            270: np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], float)}[rotation]


# --------------------------------------------------------------------------- the scan


def scan_page(image: np.ndarray, lv: ScanLevel, *, seed: int | Sequence[int], dpi_in: int = 300,
              dpi_out: int = 200, color: bool = False, backside: np.ndarray | None = None,
              backside_page: int | None = None, params: ScanParams | None = None) -> PageScan:
    """Scan `image` (RGB or grey uint8 at `dpi_in`) at level `lv`; deterministic by `seed`.

    `backside` is the page that may show through (bleed-through), drawn at any dpi;
    `backside_page` is its page number, for the record. `params` overrides the
    parameters `draw_params(lv, seed)` would draw (tests use it to force a turn).
    """
    p = params or draw_params(lv, seed)
    rng = np.random.default_rng(p.pixel_seed)
    src = image
    if not color and src.ndim == 3:
        src = cv2.cvtColor(src, cv2.COLOR_RGB2GRAY)
    if color and src.ndim == 2:
        src = cv2.cvtColor(src, cv2.COLOR_GRAY2RGB)
    h0, w0 = src.shape[:2]
    w, h = max(1, round(w0 * dpi_out / dpi_in)), max(1, round(h0 * dpi_out / dpi_in))
    img: np.ndarray = cv2.resize(src, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)
    effects: list[Effect] = []

    if p.fade is not None:
        img, e = _fade(img, rng, p.fade, p.broken)
        effects.append(e)
    img, tint, e = _paper(img, rng, p.paper, p.yellow)
    if p.paper < 255 or p.yellow:
        effects.append(e)
    if backside is not None and p.bleed is not None:
        img, e = _bleed(img, backside, p.bleed, backside_page)
        effects.append(e)
    m = _skew_matrix(w, h, p.skew)
    if p.skew:
        border = tint if img.ndim == 3 else (0.299 * tint[0] + 0.587 * tint[1]
                                             + 0.114 * tint[2],)
        img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=border)
    if p.margins:
        img, e = _margins(img, rng, p.margins, p.margin_value)
        effects.append(e)
    if p.light is not None:
        img, e = _light(img, p.light)
        effects.append(e)
    if p.blur > 0:
        sigma = p.blur * dpi_out / 200.0
        img = cv2.GaussianBlur(img, (0, 0), sigma)
        effects.append(Effect("blur", (("sigma_px", round(sigma, 3)),)))
    if p.noise > 0:
        img = img + rng.standard_normal(img.shape, dtype=np.float32) * p.noise
        effects.append(Effect("noise", (("sigma", round(p.noise, 3)),)))
    if p.speckle > 0:
        img, e = _speckle(img, rng, p.speckle)
        effects.append(e)
    out = np.clip(img + 0.5, 0, 255).astype(np.uint8)
    if p.jpeg is not None:
        out, e = _jpeg(out, p.jpeg)
        effects.append(e)
    if p.rotation:
        out = np.ascontiguousarray(np.rot90(out, k=-p.rotation // 90))
    a, b, c, d, e_, f = (float(v) for v in
                         (_turn_matrix(w, h, p.rotation) @ np.vstack([m, [0, 0, 1]]))[:2].ravel())
    return PageScan(out, lv.name, dpi_out, color, p.rotation, p.skew, tuple(effects),
                    (a, b, c, d, e_, f))


# --------------------------------------------------------------------------- real PDFs


def scan_pdf_pages(src: Path, dst: Path, *, level: str, seed: int, dpi: int = 300,
                   dpi_out: int | None = None) -> tuple[dict[str, Any], ...]:
    """Rasterise the PDF `src` at `dpi`, scan every page at `level`, write an image-only PDF.

    Turns a born-digital PDF into a simulated scan with an exact truth (its text
    layer). Page i is scanned with seed ``[seed, i]`` (1-based), the next page (or the
    one before the last) showing through, like `corpus.write_document`; `dpi_out` is
    the scan's dpi (default `dpi`). The PDF at `dst` holds one JPEG per page (quality
    by level, fixed dates: a seed gives the same bytes). Returns each page's
    `PageScan.to_json()` (rotation, skew, effects).
    """

    import pypdfium2 as pdfium
    from PIL import Image

    from .corpus import PDF_QUALITY, image_pdf

    if level not in LEVELS:
        raise ValueError(f"unknown scan level {level!r}; use one of {', '.join(LEVELS)}")
    lv = LEVELS[level]
    out_dpi = dpi_out or dpi
    doc = pdfium.PdfDocument(str(src))
    try:
        def raster(i: int) -> np.ndarray:
            page = doc[i]
            try:
                return page.render(scale=dpi / 72, grayscale=True).to_numpy().copy()
            finally:
                page.close()

        n = len(doc)
        images: list[Image.Image] = []
        records: list[dict[str, Any]] = []
        current = raster(0) if n else None
        for i in range(n):
            nxt = raster(i + 1) if i + 1 < n else None
            back_i = i + 1 if nxt is not None else i - 1  # 0-based page showing through
            back = nxt if nxt is not None else (raster(back_i) if back_i >= 0 else None)
            assert current is not None
            scan = scan_page(current, lv, seed=[seed, i + 1], dpi_in=dpi, dpi_out=out_dpi,
                             backside=back, backside_page=back_i + 1 if back is not None else None)
            images.append(Image.fromarray(scan.image, "L"))
            records.append({"page": i + 1, **scan.to_json()})
            current = nxt
    finally:
        doc.close()
    if not images:
        raise ValueError(f"{src}: the PDF has no pages")
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    Path(dst).write_bytes(image_pdf(images, out_dpi, PDF_QUALITY[lv.name], Path(src).stem))
    return tuple(records)
