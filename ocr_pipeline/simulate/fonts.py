"""Fonts of the scan simulator: where they are, how wide a text is, how it wraps.

The simulator lays pages out in pixels at `LAYOUT_DPI` (300) and draws them at any
dpi by scaling, so a page has the same line breaks whatever dpi it is drawn at.
Only the fonts every project machine has are used (`scripts/setup.sh` installs
them): Liberation, DejaVu and FreeFont, serif and sans, regular and bold.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import ImageFont

from ..errors import MissingDependencyError

LAYOUT_DPI = 300
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")


@dataclass(frozen=True, slots=True)
class Family:
    """A font family: file names of its regular and bold faces, and its kind."""

    name: str
    regular: str
    bold: str
    serif: bool
    scale: float = 1.0  # DejaVu is wide: its 11 pt sets like 10 pt of the others


FAMILIES: dict[str, Family] = {f.name: f for f in (
    Family("LiberationSerif", "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", True),
    Family("FreeSerif", "FreeSerif.ttf", "FreeSerifBold.ttf", True),
    Family("DejaVuSerif", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", True, 0.88),
    Family("LiberationSans", "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", False),
    Family("FreeSans", "FreeSans.ttf", "FreeSansBold.ttf", False),
    Family("DejaVuSans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", False, 0.88),
    Family("LiberationSansNarrow", "LiberationSansNarrow-Regular.ttf",
           "LiberationSansNarrow-Bold.ttf", False),
    Family("DejaVuSansCondensed", "DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf",
           False, 0.92),
)}
BODY_FAMILIES = ("LiberationSerif", "FreeSerif", "DejaVuSerif", "LiberationSans", "FreeSans",
                 "DejaVuSans")
TABLE_FAMILIES = BODY_FAMILIES + ("LiberationSansNarrow", "DejaVuSansCondensed")


@cache
def font_file(filename: str) -> Path:
    """Path of an installed font file; `MissingDependencyError` when it is not installed."""
    for root in FONT_DIRS:
        if root.is_dir():
            for path in sorted(root.rglob(filename)):
                return path
    raise MissingDependencyError(
        f"font {filename} is not installed; run `make setup` (it installs fonts-dejavu-core, "
        "fonts-liberation and fonts-freefont-ttf)")


def face_name(family: str, bold: bool) -> str:
    """File stem of a face, e.g. LiberationSerif-Bold: the name recorded in scan.json."""
    fam = FAMILIES[family]
    return Path(fam.bold if bold else fam.regular).stem


@cache
def _font(family: str, bold: bool, px_q: int) -> ImageFont.FreeTypeFont:
    fam = FAMILIES[family]
    path = font_file(fam.bold if bold else fam.regular)
    return ImageFont.truetype(str(path), size=max(1.0, px_q / 4))


def font(family: str, bold: bool, pt: float, dpi: int = LAYOUT_DPI) -> ImageFont.FreeTypeFont:
    """The face at `pt` points (family scale applied) for drawing at `dpi`."""
    px = pt * FAMILIES[family].scale * dpi / 72
    return _font(family, bold, round(px * 4))


@dataclass(frozen=True, slots=True)
class TextStyle:
    """Family, weight and size of a run of text."""

    family: str
    pt: float
    bold: bool = False

    def with_bold(self, bold: bool = True) -> TextStyle:
        return TextStyle(self.family, self.pt, bold)

    def with_pt(self, pt: float) -> TextStyle:
        return TextStyle(self.family, pt, self.bold)

    @property
    def face(self) -> str:
        return face_name(self.family, self.bold)


@cache
def text_width(text: str, style: TextStyle) -> float:
    """Width of `text` in layout pixels."""
    return font(style.family, style.bold, style.pt).getlength(text)


@cache
def metrics(style: TextStyle) -> tuple[float, float]:
    """(ascent, descent) in layout pixels."""
    asc, desc = font(style.family, style.bold, style.pt).getmetrics()
    return float(asc), float(desc)


def line_height(style: TextStyle, leading: float = 1.2) -> float:
    """Distance between baselines of consecutive lines, layout pixels."""
    return style.pt * FAMILIES[style.family].scale * LAYOUT_DPI / 72 * leading


@dataclass(frozen=True, slots=True)
class Line:
    """One wrapped line: its text and the extra pixels put in each gap when justified."""

    text: str
    gap: float = 0.0


def wrap(text: str, width: float, style: TextStyle, *, justify: bool = False) -> tuple[Line, ...]:
    """Break `text` at spaces into lines no wider than `width` (layout pixels).

    Lines break only at spaces (never inside `Perundang-Undangan`), so joining the
    lines with single spaces gives the text back. A word wider than the column
    stands alone on its line. With `justify` every line but the last gets the
    extra space spread over its gaps.
    """
    words = text.split()
    if not words:
        return ()
    space = text_width(" ", style)
    lines: list[list[str]] = [[words[0]]]
    widths = [text_width(words[0], style)]
    for w in words[1:]:
        ww = text_width(w, style)
        if widths[-1] + space + ww <= width:
            lines[-1].append(w)
            widths[-1] += space + ww
        else:
            lines.append([w])
            widths.append(ww)
    out = []
    for i, (ws, lw) in enumerate(zip(lines, widths, strict=True)):
        gap = 0.0
        if justify and i < len(lines) - 1 and len(ws) > 1:
            gap = max(0.0, (width - lw) / (len(ws) - 1))
        out.append(Line(" ".join(ws), gap))
    return tuple(out)
