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

An input that cannot be read fails with an `InputFileError` naming the file, what is
wrong and what to do (empty, not a PDF or image, cut short, damaged, encrypted, no pages,
a pipe or device; beyond a `Limits` value: `LimitExceededError`), whatever the library
underneath raised. `inspect` checks all that before any page is read, every page's pixel
size included (from the headers: a decompression bomb is never decoded). A damaged PDF
that PDFium repairs but pdfminer cannot parse is OCRed rather than lost. File names that
are not UTF-8 are written as `\\xNN` (`display_name`).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import stat
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageSequence

from ..config import Limits
from ..errors import InputFileError, LimitExceededError
from ..records import PageImage, Word

log = logging.getLogger(__name__)
# pdfminer warns of every oddity of a damaged PDF ("Data-loss while decompressing corrupted data")
# without naming the file; what becomes of the file is said once, by its outcome
logging.getLogger("pdfminer").setLevel(logging.ERROR)

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


def display_name(path: str | os.PathLike) -> str:
    """The path as text that can be written anywhere (UTF-8 JSON, CSV, SQLite, HTML).

    A file name that is not UTF-8 (copied from an old system, in Latin-1 say) keeps its
    odd bytes as `\\xNN`: `caf\\xe9.pdf`. Only for messages and outputs: files are opened
    by their `Path`.
    """
    s = str(path)
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return s


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
    name = display_name(path)
    if not head:
        raise InputFileError(f"{name}: the file is empty (0 bytes); copy it again from where it came from")
    raise InputFileError(f"{name}: not a PDF or an image (PNG, JPEG, TIFF): it starts with {head[:8]!r}; "
                         "only scans and PDFs are read")


def _open_pdf(path: Path, password: str | None = None):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path), password=password)
    except pdfium.PdfiumError as exc:
        raise InputFileError(f"{display_name(path)}: {_why_unopenable(path)}") from exc


def _why_unopenable(path: Path) -> str:
    """Why PDFium cannot open a PDF, from the file itself.

    Not from PDFium's error code: it is the last error of the process, and a file
    PDFium refuses without setting one (a PDF without pages) would be reported with the
    error of the file before it (an encrypted one, say).
    """
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 1024))
            tail = fh.read()
        encrypted = _contains(path, b"/Encrypt")
    except OSError as exc:
        return f"cannot read ({exc.strerror or exc})"
    if encrypted:
        return ("the PDF is encrypted and needs a password to open; ask for a copy without one, "
                "or remove it: qpdf --decrypt --password=PASSWORD in.pdf out.pdf")
    try:
        import pdfplumber

        with pdfplumber.open(str(path)) as pdf:
            if len(pdf.pages) == 0:
                return "the file has no pages"
    except Exception:  # noqa: BLE001 - only a diagnosis: the file is broken either way
        pass
    if b"%%EOF" not in tail:
        return ("damaged PDF: it is cut short (no end-of-file marker), as by an interrupted "
                "download or copy; copy it again from where it came from")
    return "damaged PDF: it cannot be opened; copy it again from where it came from, or re-save it as PDF"


def _contains(path: Path, needle: bytes) -> bool:
    """Whether the file holds `needle`, read in chunks (a large file is never read whole)."""
    keep = b""
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            if needle in keep + chunk:
                return True
            keep = chunk[-len(needle):]
    return False


def inspect(path: Path, limits: Limits, dpi: int | None = None) -> InputFile:
    """Check an input before any work: readable, known type, within limits.

    Every page's size is checked against `--max-page-megapixels` here, from the file's
    headers (nothing is decoded or rendered): a PDF's pages at `dpi` (unchecked when
    None: `iter_pages` checks each page as it renders it), an image's frames as they are.
    """
    path = Path(path)
    try:
        st = path.stat()
        size = st.st_size
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(st.st_mode):  # reading a pipe or a device would wait forever
            raise InputFileError(f"{display_name(path)}: not a regular file (a pipe, socket or device)")
        with open(path, "rb") as fh:
            head = fh.read(2048)
    except PermissionError as exc:
        raise InputFileError(f"{display_name(path)}: no permission to read the file") from exc
    except FileNotFoundError as exc:
        raise InputFileError(f"{display_name(path)}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputFileError(f"{display_name(path)}: is a folder, not a file") from exc
    except OSError as exc:
        raise InputFileError(f"{display_name(path)}: cannot read ({exc.strerror or exc})") from exc
    if size > limits.max_file_mb * 1e6:
        raise LimitExceededError(
            f"{display_name(path)}: {_mb(size)} MB is over the limit of {limits.max_file_mb:g} MB "
            "(raise it with --max-file-mb)"
        )
    kind = _kind(path, head)
    if kind == "pdf":
        sizes = _pdf_sizes(path, limits)
        scale = None if dpi is None else dpi / 72
    else:
        sizes, scale = _image_sizes(path, limits), 1.0
    if scale is not None:  # every page, before any work: no page is read in vain
        for i, (w, h) in enumerate(sizes, 1):
            _check_pixels(path, i, w * scale, h * scale, limits, kind)
    return InputFile(path, kind, sha256_of(path), size, len(sizes))


def _mb(size: int) -> str:
    """A size in MB, never rounded to a misleading 0 ('0.313', '2.5', '612')."""
    mb = size / 1e6
    return f"{mb:.0f}" if mb >= 100 else f"{mb:.1f}" if mb >= 1 else f"{mb:.3f}"


def _check_pages(path: Path, pages: int, limits: Limits) -> None:
    if pages == 0:
        raise InputFileError(f"{display_name(path)}: the file has no pages")
    if pages > limits.max_pages:
        raise LimitExceededError(
            f"{display_name(path)}: {pages} pages is over the limit of {limits.max_pages} "
            "(raise it with --max-pages)"
        )


def _pdf_sizes(path: Path, limits: Limits) -> list[tuple[float, float]]:
    """Each page's size in pixels at 72 dpi (points), from the PDF's page tree (nothing rendered)."""
    import pypdfium2 as pdfium

    doc = _open_pdf(path)
    sizes = []
    try:
        _check_pages(path, len(doc), limits)
        for i in range(len(doc)):
            try:
                sizes.append(doc.get_page_size(i))
            except pdfium.PdfiumError as exc:  # a page object missing from a damaged file
                raise InputFileError(f"{display_name(path)}: damaged PDF: page {i + 1} cannot be read; "
                                     "copy it again from where it came from, or re-save it as PDF") from exc
    finally:
        doc.close()
    for i, (w, h) in enumerate(sizes, 1):
        if not (w >= 1 and h >= 1):  # also NaN
            raise InputFileError(f"{display_name(path)}: damaged PDF: page {i} has no area ({w:g} x {h:g} "
                                 "points); copy it again from where it came from, or re-save it as PDF")
    return sizes


def _image_sizes(path: Path, limits: Limits) -> list[tuple[float, float]]:
    """Each frame's size in pixels, from the image's headers (nothing decoded)."""
    Image.MAX_IMAGE_PIXELS = int(limits.max_page_megapixels * 1e6)  # as `iter_pages` sets it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # checked below, with its size
        warnings.simplefilter("ignore", UserWarning)  # Pillow's "Corrupt EXIF data" and the like
        try:
            with Image.open(path) as im:
                n = getattr(im, "n_frames", 1)
                _check_pages(path, n, limits)
                sizes = []
                for i in range(n):
                    im.seek(i)
                    sizes.append((float(im.width), float(im.height)))
        except Image.DecompressionBombError as exc:  # more than twice the limit: Pillow refuses to open it
            mp = re.search(r"\((\d+) pixels\)", str(exc))
            big = f" ({int(mp.group(1)) / 1e6:.0f} MP)" if mp else ""
            raise LimitExceededError(
                f"{display_name(path)}: the image is too large{big}, over the limit of "
                f"{limits.max_page_megapixels:g} MP (raise --max-page-megapixels if it is a real scan)"
            ) from exc
        except InputFileError:
            raise
        except Exception as exc:  # Pillow raises many kinds on a damaged file (OSError, TypeError...)
            raise InputFileError(_damaged_image(path, exc)) from exc
    return sizes


def _check_pixels(path: Path, page: int, w: float, h: float, limits: Limits, kind: str = "pdf") -> None:
    """A page of `w` x `h` pixels beyond --max-page-megapixels fails."""
    mp = w * h / 1e6
    if mp > limits.max_page_megapixels:
        what, hint = ("would be", "lower --dpi or raise") if kind == "pdf" else ("is", "raise")
        raise LimitExceededError(
            f"{display_name(path)}: page {page} {what} {int(w)}x{int(h)} pixels ({mp:.0f} MP), over the "
            f"limit of {limits.max_page_megapixels:g} MP ({hint} --max-page-megapixels)"
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
    import pypdfium2 as pdfium

    name = display_name(info.path)
    doc = _open_pdf(info.path)
    stream = None
    try:
        stream = open(info.path, "rb")  # noqa: SIM115 - closed below (pdfplumber's close() may raise)
        plumber, unread = _text_layers(stream, len(doc), name)
        for i in range(len(doc)):
            if only is not None and i + 1 not in only:
                continue
            page = doc[i]
            try:
                w_pt, h_pt = page.get_size()
                _check_pixels(info.path, i + 1, w_pt * dpi / 72, h_pt * dpi / 72, limits)
                layer, note = None, unread
                if plumber is not None:
                    try:
                        pp = plumber.pages[i]
                        layer, note = judge_text_layer(pp, dpi)
                        pp.close()  # its cached objects: memory stays flat in the page count
                    except Exception as exc:  # pdfminer chokes on some broken pages
                        layer, note = None, f"ocr: text layer unreadable ({type(exc).__name__})"
                try:
                    bitmap = page.render(scale=dpi / 72, grayscale=False)
                    image = bitmap.to_numpy()
                except pdfium.PdfiumError as exc:
                    raise InputFileError(f"{name}: damaged PDF: page {i + 1} cannot be rendered ({exc}); "
                                         "copy it again from where it came from") from exc
                image = _compact(image)
                yield PageImage(name, i + 1, dpi, image, layer, note)
            finally:
                page.close()
    except InputFileError:
        raise
    except Exception as exc:  # a library's error on a broken file: the file fails, the batch goes on
        raise InputFileError(f"{name}: damaged PDF ({type(exc).__name__}: {exc})") from exc
    finally:
        if stream is not None:
            stream.close()
        doc.close()


def _text_layers(stream, pages: int, name: str) -> tuple[Any, str]:
    """pdfplumber's view of the PDF for the text layers, or None (and why) when it cannot be trusted.

    A damaged PDF that PDFium repairs may be beyond pdfminer, or seen by it with other
    pages: then every page is OCRed rather than the file lost, or words put on the wrong page.
    """
    import pdfplumber

    try:
        plumber = pdfplumber.open(stream)
        seen = len(plumber.pages)
    except Exception as exc:  # noqa: BLE001 - any parser error: no text layer
        log.info("%s: text layers unreadable (%s: %s); every page is OCRed", name, type(exc).__name__, exc)
        return None, f"ocr: text layer unreadable (damaged PDF: {type(exc).__name__})"
    if seen != pages:
        log.info("%s: pdfminer sees %d pages, PDFium %d; every page is OCRed", name, seen, pages)
        return None, f"ocr: text layer unreadable (damaged PDF: {seen} pages in its text, {pages} drawn)"
    return plumber, ""


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
        warnings.simplefilter("ignore", UserWarning)  # as in `_image_sizes`
        try:
            with Image.open(info.path) as im:
                for i, frame in enumerate(ImageSequence.Iterator(im)):
                    if only is not None and i + 1 not in only:
                        continue
                    _check_pixels(info.path, i + 1, frame.width, frame.height, limits, "image")
                    fdpi = frame.info.get("dpi", (dpi, dpi))[0] or dpi
                    fdpi = int(round(float(fdpi))) if 50 <= float(fdpi) <= 1200 else dpi
                    image = _compact(np.ascontiguousarray(frame_to_array(frame)))
                    yield PageImage(display_name(info.path), i + 1, fdpi, image, None, "ocr: image file")
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise LimitExceededError(f"{display_name(info.path)}: image too large ({exc})") from exc
        except InputFileError:
            raise
        except Exception as exc:  # as in `_image_sizes`
            raise InputFileError(_damaged_image(info.path, exc)) from exc


def _damaged_image(path: Path, exc: Exception) -> str:
    return (f"{display_name(path)}: damaged image ({type(exc).__name__}: {exc}); copy it again from where "
            "it came from, or re-save it")


def frame_to_array(frame: Image.Image) -> np.ndarray:
    """An image frame as 8-bit grey or BGR, as it would look printed.

    16-bit and 32-bit grey are scaled to 8 bits (Pillow's `convert("L")` clips them: a
    16-bit scan came out white); transparent pixels lie on white paper (dropping the
    alpha channel shows what is under it, often black).
    """
    mode = frame.mode
    if mode.startswith("I;16"):
        return (np.asarray(frame).astype(np.uint16) >> 8).astype(np.uint8)
    if mode == "I":
        a = np.asarray(frame)
        return np.clip(a // 257 if a.max(initial=0) > 255 else a, 0, 255).astype(np.uint8)
    if mode == "F":
        a = np.asarray(frame, dtype=np.float32)
        scale = 255.0 if a.max(initial=0) <= 1.0 else 1.0  # 0..1 or 0..255
        return np.clip(a * scale, 0, 255).astype(np.uint8)
    if "A" in mode or "a" in mode or "transparency" in frame.info:
        rgba = frame.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        frame, mode = Image.alpha_composite(paper, rgba).convert("RGB"), "RGB"
    if mode in ("L", "1"):
        return np.asarray(frame.convert("L"))
    return np.asarray(frame.convert("RGB"))[..., ::-1]


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
