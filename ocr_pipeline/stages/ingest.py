"""Ingest: input files become page rasters, one page at a time.

Accepted: PDF (image-only scans, PDFs with a text layer, several agreements in one
file) and PNG / JPEG / TIFF (multi-page TIFF too). Pages are streamed: memory does
not grow with the page count.

A PDF text layer is judged per page before it is trusted:

* a layer lying over a page-size image is a scanner's own OCR: it is ignored and
  the page is OCRed (its quality is unknown and often poor, see the README);
* a layer with undecodable glyphs (`(cid:NN)`, control or private-use characters)
  is ignored;
* otherwise the page is born-digital and its exact words are used without OCR.

`PageImage.text_layer_note` says which way each page was read.
"""

from __future__ import annotations

import hashlib
import logging
import os
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from ..config import Limits
from ..errors import InputFileError, LimitExceededError
from ..records import PageImage, Word

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
INPUT_SUFFIXES = IMAGE_SUFFIXES | {".pdf"}


@dataclass(frozen=True, slots=True)
class InputFile:
    """An input file, identified by its content."""

    path: Path
    kind: str  # "pdf" or "image"
    sha256: str
    size: int
    pages: int


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _kind(path: Path, head: bytes) -> str:
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff") or head[:4] in (
        b"II*\x00", b"MM\x00*"
    ):
        return "image"
    what = "empty" if not head else "not a PDF or an image (PNG, JPEG, TIFF)"
    raise InputFileError(f"{path}: {what}; its first bytes are {head[:8]!r}")


def _open_pdf(path: Path, password: str | None = None):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path), password=password)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower() or "security" in msg.lower():
            raise InputFileError(f"{path}: the PDF is encrypted and needs a password") from exc
        raise InputFileError(f"{path}: broken PDF ({msg})") from exc


def inspect(path: Path, limits: Limits) -> InputFile:
    """Check an input before any work: readable, known type, within limits."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(2048)
    except PermissionError as exc:
        raise InputFileError(f"{path}: no permission to read the file") from exc
    except FileNotFoundError as exc:
        raise InputFileError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputFileError(f"{path}: is a folder, not a file") from exc
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if size > limits.max_file_mb * 1e6:
        raise LimitExceededError(
            f"{path}: {size / 1e6:.0f} MB is over the limit of {limits.max_file_mb:g} MB "
            "(raise it with --max-file-mb)"
        )
    kind = _kind(path, head)
    if kind == "pdf":
        doc = _open_pdf(path)
        try:
            pages = len(doc)
        finally:
            doc.close()
    else:
        try:
            with Image.open(path) as im:
                pages = getattr(im, "n_frames", 1)
        except (UnidentifiedImageError, OSError) as exc:
            raise InputFileError(f"{path}: broken image ({exc})") from exc
    if pages == 0:
        raise InputFileError(f"{path}: the file has no pages")
    if pages > limits.max_pages:
        raise LimitExceededError(
            f"{path}: {pages} pages is over the limit of {limits.max_pages} (raise it with --max-pages)"
        )
    return InputFile(path, kind, sha256_of(path), size, pages)


def _check_pixels(path: Path, page: int, w: float, h: float, limits: Limits) -> None:
    mp = w * h / 1e6
    if mp > limits.max_page_megapixels:
        raise LimitExceededError(
            f"{path}: page {page} would be {int(w)}x{int(h)} pixels ({mp:.0f} MP), over the limit of "
            f"{limits.max_page_megapixels:g} MP (lower --dpi or raise --max-page-megapixels)"
        )


# --------------------------------------------------------------------------- text layer


def _garbled(text: str) -> float:
    """Fraction of characters that cannot be real text."""
    if not text:
        return 1.0
    bad = text.count("(cid:") * 6
    for ch in text:
        o = ord(ch)
        if (o < 32 and ch not in "\t\n\r") or 0xE000 <= o <= 0xF8FF or ch == "\ufffd":
            bad += 1
    return min(1.0, bad / len(text))


def judge_text_layer(plumber_page, dpi: int) -> tuple[tuple[Word, ...] | None, str]:
    """The words of a page's text layer when it can be trusted, else None; and why."""
    chars = plumber_page.chars
    if not chars:
        return None, "ocr: no text layer"
    area = float(plumber_page.width * plumber_page.height) or 1.0
    img_area = 0.0
    for im in plumber_page.images:
        img_area += max(0.0, float(im["x1"]) - float(im["x0"])) * max(
            0.0, float(im["bottom"]) - float(im["top"])
        )
    if img_area / area > 0.5:
        return None, "ocr: text layer over a scanned image (scanner OCR) ignored"
    text = "".join(c["text"] for c in chars)
    bad = _garbled(text)
    if bad > 0.02:
        return None, f"ocr: text layer unreadable ({bad:.0%} undecodable glyphs) ignored"
    words = plumber_page.extract_words(keep_blank_chars=False, use_text_flow=False)
    return _plumber_words(words, dpi, plumber_page), "text-layer: exact born-digital text"


def _plumber_words(words: list[dict], dpi: int, plumber_page) -> tuple[Word, ...]:
    s = dpi / 72.0
    x_off, y_off = float(plumber_page.bbox[0]), float(plumber_page.bbox[1])
    out: list[Word] = []
    words = sorted(words, key=lambda w: (round(float(w["top"]), 1), float(w["x0"])))
    line, last_mid, last_h = 0, None, 0.0
    for w in words:
        top, bottom = float(w["top"]) - y_off, float(w["bottom"]) - y_off
        mid, hgt = (top + bottom) / 2, bottom - top
        if last_mid is None or abs(mid - last_mid) > 0.5 * max(hgt, last_h):
            line += 1
            last_mid, last_h = mid, hgt
        x0, x1 = float(w["x0"]) - x_off, float(w["x1"]) - x_off
        out.append(Word(w["text"], 1.0, (x0 * s, top * s, x1 * s, bottom * s), line=line, block=0))
    return tuple(out)


# --------------------------------------------------------------------------- page streams


def _pdf_pages(info: InputFile, dpi: int, limits: Limits, only: frozenset[int] | None
               ) -> Iterator[PageImage]:
    import pdfplumber
    import pypdfium2 as pdfium

    doc = _open_pdf(info.path)
    try:
        with pdfplumber.open(str(info.path)) as plumber:
            for i in range(len(doc)):
                if only is not None and i + 1 not in only:
                    continue
                page = doc[i]
                try:
                    w_pt, h_pt = page.get_size()
                    _check_pixels(info.path, i + 1, w_pt * dpi / 72, h_pt * dpi / 72, limits)
                    try:
                        layer, note = judge_text_layer(plumber.pages[i], dpi)
                    except Exception as exc:  # pdfminer chokes on some broken pages
                        layer, note = None, f"ocr: text layer unreadable ({type(exc).__name__})"
                    try:
                        bitmap = page.render(scale=dpi / 72, grayscale=False)
                        image = bitmap.to_numpy()
                    except pdfium.PdfiumError as exc:
                        raise InputFileError(f"{info.path}: page {i + 1} cannot be rendered ({exc})") from exc
                    image = _compact(image)
                    yield PageImage(str(info.path), i + 1, dpi, image, layer, note)
                finally:
                    page.close()
    except InputFileError:
        raise
    except Exception as exc:  # pdfplumber/pdfminer errors on broken files
        raise InputFileError(f"{info.path}: broken PDF ({type(exc).__name__}: {exc})") from exc
    finally:
        doc.close()


def _compact(image: np.ndarray) -> np.ndarray:
    """BGR page as grey when it has no colour (a third of the memory)."""
    if image.ndim == 3 and image.shape[2] == 4:
        image = np.ascontiguousarray(image[..., :3])
    if image.ndim == 3:
        b, g, r = image[..., 0], image[..., 1], image[..., 2]
        step = max(1, image.shape[0] // 200)
        bs, gs, rs = b[::step].astype(np.int16), g[::step].astype(np.int16), r[::step].astype(np.int16)
        if np.abs(bs - gs).max(initial=0) <= 12 and np.abs(gs - rs).max(initial=0) <= 12:
            return np.ascontiguousarray(g)
    return image


def _image_pages(info: InputFile, dpi: int, limits: Limits, only: frozenset[int] | None
                 ) -> Iterator[PageImage]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(info.path) as im:
                for i, frame in enumerate(ImageSequence.Iterator(im)):
                    if only is not None and i + 1 not in only:
                        continue
                    _check_pixels(info.path, i + 1, frame.width, frame.height, limits)
                    fdpi = frame.info.get("dpi", (dpi, dpi))[0] or dpi
                    fdpi = int(round(float(fdpi))) if 50 <= float(fdpi) <= 1200 else dpi
                    if frame.mode in ("L", "1", "I;16", "I"):
                        arr = np.asarray(frame.convert("L"))
                    else:
                        arr = np.asarray(frame.convert("RGB"))[..., ::-1]
                    yield PageImage(str(info.path), i + 1, fdpi, _compact(np.ascontiguousarray(arr)),
                                    None, "ocr: image file")
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise LimitExceededError(f"{info.path}: image too large ({exc})") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise InputFileError(f"{info.path}: broken image ({exc})") from exc


def iter_pages(info: InputFile, dpi: int, limits: Limits, only: Iterable[int] | None = None
               ) -> Iterator[PageImage]:
    """The pages of an inspected input (or only the 1-based pages `only`), one at a time."""
    Image.MAX_IMAGE_PIXELS = int(limits.max_page_megapixels * 1e6)
    want = frozenset(only) if only is not None else None
    if info.kind == "pdf":
        yield from _pdf_pages(info, dpi, limits, want)
    else:
        yield from _image_pages(info, dpi, limits, want)


def find_inputs(paths: list[str | os.PathLike]) -> list[Path]:
    """Files named, files under folders (recursively), and glob matches, in a stable order."""
    import glob

    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in INPUT_SUFFIXES)
        elif p.exists():
            found = [p]
        else:
            found = sorted(Path(g) for g in glob.glob(str(raw), recursive=True) if Path(g).is_file())
            if not found:
                found = [p]  # reported later as "no such file"
        for q in found:
            if q not in seen:
                seen.add(q)
                out.append(q)
    return out
