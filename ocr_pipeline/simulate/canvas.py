"""Pages as display lists, and drawing them at any dpi.

A laid-out page (`PageLayout`) is a tuple of drawing operations in layout pixels
(`fonts.LAYOUT_DPI`): text runs, ruling lines, fills, logos, signatures and
stamps. `draw_page` rasterises it at a chosen dpi into an RGB `numpy` array.
Keeping the layout apart from the pixels lets tests check the bookkeeping (which
cell covers which truth rows, what text is on which page) without drawing, and
lets the same page be drawn at 300 dpi for a corpus or at 60 dpi for a test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw

from . import fonts, marks
from .fonts import LAYOUT_DPI, TextStyle

Color = tuple[int, int, int]
INK: Color = (22, 22, 22)
BLUE_INK: Color = (24, 36, 128)

# page sizes, millimetres
PAGE_SIZES_MM: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "F4": (215.0, 330.0)}


def mm(v: float) -> float:
    """Millimetres to layout pixels."""
    return v * LAYOUT_DPI / 25.4


def pt_px(v: float) -> float:
    """Points to layout pixels."""
    return v * LAYOUT_DPI / 72


@dataclass(frozen=True, slots=True)
class TextOp:
    """A line of text: `x` is its left end, `y` its baseline."""

    x: float
    y: float
    text: str
    style: TextStyle
    gap: float = 0.0  # extra pixels in every gap between words (justified text)
    color: Color = INK
    underline: bool = False


@dataclass(frozen=True, slots=True)
class RuleOp:
    """A horizontal or vertical ruling line of `width` pixels centred on the segment."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    color: Color = INK


@dataclass(frozen=True, slots=True)
class FillOp:
    x0: float
    y0: float
    x1: float
    y1: float
    color: Color


@dataclass(frozen=True, slots=True)
class LogoOp:
    x0: float
    y0: float
    x1: float
    y1: float
    kind: str  # "kpu" | "jabar"
    seed: int


@dataclass(frozen=True, slots=True)
class SignatureOp:
    x0: float
    y0: float
    x1: float
    y1: float
    seed: int
    color: Color = BLUE_INK
    pen_mm: float = 0.4


@dataclass(frozen=True, slots=True)
class StampOp:
    """A round rubber stamp, blended over what is under it (multiply)."""

    cx: float
    cy: float
    radius: float
    top: str
    bottom: str
    center: str
    color: Color
    angle: float
    alpha: float
    seed: int


Op = TextOp | RuleOp | FillOp | LogoOp | SignatureOp | StampOp


@dataclass(frozen=True, slots=True)
class CellRecord:
    """A table cell as drawn: its column, the truth rows it covers, where, and its text."""

    agreement: int  # 0-based index in the bundle
    column: str  # no, goal, indicator, unit, target, section, budget_name, budget_amount, ...
    rows: tuple[int, ...]  # 0-based indices of the agreement's truth rows (targets or budget)
    bbox: tuple[float, float, float, float]  # layout pixels
    text: str


@dataclass(frozen=True, slots=True)
class PageLayout:
    """One laid-out page of a bundle."""

    number: int  # 1-based page of the bundle
    agreement: int  # 0-based agreement the page belongs to
    kind: str  # letter | table | closing (table end, budget and signatures)
    size: str  # A4 | F4
    width: float  # layout pixels
    height: float
    ops: tuple[Op, ...]
    cells: tuple[CellRecord, ...] = ()
    stamp_text: tuple[str, ...] = field(default=())

    def fonts(self) -> tuple[str, ...]:
        """Names of the faces used on the page, sorted."""
        return tuple(sorted({op.style.face for op in self.ops if isinstance(op, TextOp)}))

    def text(self) -> str:
        """The plain text drawn on the page, in reading order (top to bottom, left to right).

        Runs whose baselines are within half a line of each other make one output
        line, as OCR reads a table row across its columns; words are separated by
        single spaces. Stamp and logo lettering is left out (see `stamp_text`).
        """
        runs = sorted((op for op in self.ops if isinstance(op, TextOp) and op.text.strip()),
                      key=lambda o: (o.y, o.x))
        lines: list[list[TextOp]] = []
        for op in runs:
            tol = pt_px(op.style.pt) * 0.5
            if lines and abs(lines[-1][0].y - op.y) <= tol:
                lines[-1].append(op)
            else:
                lines.append([op])
        return "\n".join(" ".join(o.text.strip() for o in sorted(ln, key=lambda o: o.x))
                         for ln in lines)


def page_size_px(size: str) -> tuple[float, float]:
    w, h = PAGE_SIZES_MM[size]
    return round(mm(w)), round(mm(h))


# --------------------------------------------------------------------------- drawing


def _draw_text(d: ImageDraw.ImageDraw, op: TextOp, s: float, dpi: int) -> None:
    f = fonts.font(op.style.family, op.style.bold, op.style.pt, dpi)
    x, y = op.x * s, op.y * s
    if op.gap > 0.01:
        space = f.getlength(" ")
        for w in op.text.split(" "):
            if w:
                d.text((x, y), w, font=f, fill=op.color, anchor="ls")
            x += f.getlength(w) + space + op.gap * s
        x -= space + op.gap * s
    else:
        d.text((x, y), op.text, font=f, fill=op.color, anchor="ls")
        x += f.getlength(op.text)
    if op.underline:
        uy = y + max(1.0, 2.5 * s)
        d.rectangle((op.x * s, uy, x, uy + max(1.0, 2.0 * s) - 1), fill=op.color)


def _draw_rule(d: ImageDraw.ImageDraw, op: RuleOp, s: float) -> None:
    w = max(1.0, op.width * s)
    h = w / 2
    if abs(op.y1 - op.y0) <= abs(op.x1 - op.x0):  # horizontal
        y = (op.y0 + op.y1) / 2 * s
        box = (min(op.x0, op.x1) * s - h, y - h, max(op.x0, op.x1) * s + h, y + h)
    else:
        x = (op.x0 + op.x1) / 2 * s
        box = (x - h, min(op.y0, op.y1) * s - h, x + h, max(op.y0, op.y1) * s + h)
    x0, y0, x1, y1 = (round(v) for v in box)
    d.rectangle((x0, y0, max(x0, x1 - 1), max(y0, y1 - 1)), fill=op.color)


def _paste_ink(img: Image.Image, mask: np.ndarray, x0: int, y0: int, color: Color) -> None:
    """Lay ink of `color` with coverage `mask` (0..1) at (x0, y0), clipped to the page."""
    h, w = mask.shape
    layer = Image.fromarray((np.clip(mask, 0, 1) * 255).astype(np.uint8), "L")
    solid = Image.new("RGB", (w, h), color)
    img.paste(solid, (x0, y0), layer)


def _blend_stamp(arr: np.ndarray, op: StampOp, s: float, dpi: int) -> None:
    rng = np.random.default_rng(op.seed)
    mask = marks.stamp_mask(rng, op.radius * s, op.top, op.bottom, op.center, op.angle, dpi)
    mask *= op.alpha
    n = mask.shape[0]
    x0, y0 = round(op.cx * s - n / 2), round(op.cy * s - n / 2)
    H, W = arr.shape[:2]
    ax0, ay0, ax1, ay1 = max(0, x0), max(0, y0), min(W, x0 + n), min(H, y0 + n)
    if ax0 >= ax1 or ay0 >= ay1:
        return
    m = mask[ay0 - y0:ay1 - y0, ax0 - x0:ax1 - x0, None]
    col = np.array(op.color, dtype=np.float32) / 255.0
    region = arr[ay0:ay1, ax0:ax1].astype(np.float32)
    region *= 1.0 - m * (1.0 - col)  # multiply blend: text under the stamp stays visible
    arr[ay0:ay1, ax0:ax1] = np.clip(region, 0, 255).astype(np.uint8)


def draw_page(page: PageLayout, dpi: int = 300) -> np.ndarray:
    """Rasterise `page` at `dpi`: an H x W x 3 uint8 RGB array, white paper."""
    s = dpi / LAYOUT_DPI
    size = (max(1, round(page.width * s)), max(1, round(page.height * s)))
    img = Image.new("RGB", size, (255, 255, 255))
    d = ImageDraw.Draw(img)
    for op in page.ops:
        if isinstance(op, FillOp):
            d.rectangle((op.x0 * s, op.y0 * s, op.x1 * s, op.y1 * s), fill=op.color)
    for op in page.ops:
        if isinstance(op, LogoOp):
            marks.draw_logo(img, (op.x0 * s, op.y0 * s, op.x1 * s, op.y1 * s), op.kind,
                            np.random.default_rng(op.seed))
    for op in page.ops:
        if isinstance(op, RuleOp):
            _draw_rule(d, op, s)
        elif isinstance(op, TextOp):
            _draw_text(d, op, s, dpi)
    for op in page.ops:
        if isinstance(op, SignatureOp):
            w, h = round((op.x1 - op.x0) * s), round((op.y1 - op.y0) * s)
            pen = max(1.0, mm(op.pen_mm) * s)
            mask = marks.signature_mask(np.random.default_rng(op.seed), w, h, pen)
            _paste_ink(img, mask, round(op.x0 * s), round(op.y0 * s), op.color)
    arr = np.array(img)
    for op in page.ops:
        if isinstance(op, StampOp):
            _blend_stamp(arr, op, s, dpi)
    return arr


# --------------------------------------------------------------------------- page flow


@dataclass(slots=True)
class _PageBuf:
    kind: str
    ops: list[Op] = field(default_factory=list)
    cells: list[CellRecord] = field(default_factory=list)
    stamp_text: list[str] = field(default_factory=list)


class Flow:
    """Pages being filled top to bottom while a bundle is laid out.

    `y` is the next free position on the current page; `room()` is what is left
    above the bottom margin. Pages are numbered from `first_page` on.
    """

    def __init__(self, size: str, margins: tuple[float, float, float, float], agreement: int,
                 first_page: int) -> None:
        self.size = size
        self.width, self.height = page_size_px(size)
        self.left, self.top, self.right, self.bottom = (
            margins[0], margins[1], self.width - margins[2], self.height - margins[3])
        self.agreement = agreement
        self.first_page = first_page
        self._pages: list[_PageBuf] = []
        self.y = self.top

    @property
    def page(self) -> int:
        """1-based bundle page number of the current page."""
        return self.first_page + len(self._pages) - 1

    def new_page(self, kind: str) -> None:
        self._pages.append(_PageBuf(kind))
        self.y = self.top

    def set_kind(self, kind: str) -> None:
        self._pages[-1].kind = kind

    def room(self) -> float:
        return self.bottom - self.y

    def add(self, op: Op) -> None:
        self._pages[-1].ops.append(op)

    def add_cell(self, cell: CellRecord) -> None:
        self._pages[-1].cells.append(cell)

    def add_stamp_text(self, text: str) -> None:
        self._pages[-1].stamp_text.append(text)

    def text(self, x: float, y: float, text: str, style: TextStyle, **kw: object) -> None:
        self.add(TextOp(x, y, text, style, **kw))  # type: ignore[arg-type]

    def box(self, x0: float, y0: float, x1: float, y1: float, width: float) -> None:
        """The four sides of a cell."""
        self.add(RuleOp(x0, y0, x1, y0, width))
        self.add(RuleOp(x0, y1, x1, y1, width))
        self.add(RuleOp(x0, y0, x0, y1, width))
        self.add(RuleOp(x1, y0, x1, y1, width))

    def pages(self) -> tuple[PageLayout, ...]:
        return tuple(
            PageLayout(self.first_page + i, self.agreement, p.kind, self.size, self.width,
                       self.height, tuple(p.ops), tuple(p.cells), tuple(p.stamp_text))
            for i, p in enumerate(self._pages))
