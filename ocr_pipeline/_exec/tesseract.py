"""The one wrapper around Tesseract (through pytesseract).

Every call passes a timeout and runs Tesseract with one OCR thread
(`OMP_THREAD_LIMIT=1`), so that pages run in parallel across processes instead.
Errors are mapped to the pipeline's own: a missing program or language to
`MissingDependencyError`, a timeout to `OcrTimeoutError`, any other failure to
`OcrEngineError` with Tesseract's stderr in the message. Images are handed to
Tesseract as uncompressed BMP temporary files (several at once as a list of files,
read in one process: `read_many`): no PNG encoding on the hot path,
and Leptonica reads a BMP by rows where it reads a PNM pixel by pixel (measured:
7% of a call on a page at 150 dpi).

The program is `tesseract` on PATH, or `$OCR_PIPELINE_TESSERACT` when that is set (a
Tesseract installed elsewhere; the tests' fake one that crashes or hangs): it is read
at every call, and worker processes inherit it with the run's environment. Tesseract is
run with an argument list, never through a shell.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

import cv2
import numpy as np
import pytesseract

from ..errors import MissingDependencyError, OcrEngineError, OcrError, OcrTimeoutError
from ..records import Word

log = logging.getLogger(__name__)

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

INSTALL_HINT = "install it with: apt-get install tesseract-ocr tesseract-ocr-ind"

ENV_COMMAND = "OCR_PIPELINE_TESSERACT"
"""Environment variable: the Tesseract program to run instead of `tesseract` on PATH."""

_from_env: str | None = None


def command() -> str:
    """The Tesseract program: `$OCR_PIPELINE_TESSERACT` when set, else pytesseract's (`tesseract`).

    Read at every call, so the worker processes of a run, which inherit its environment,
    run the same program as the run's own checks.
    """
    global _from_env
    cmd = os.environ.get(ENV_COMMAND) or None
    if cmd != _from_env:
        if cmd:
            pytesseract.pytesseract.tesseract_cmd = cmd
        elif pytesseract.pytesseract.tesseract_cmd == _from_env:  # unset again: back to PATH
            pytesseract.pytesseract.tesseract_cmd = "tesseract"
        _from_env = cmd
    return str(pytesseract.pytesseract.tesseract_cmd)


@cache
def version() -> str:
    """Tesseract's version, e.g. '5.3.0'."""
    cmd = command()
    which = "tesseract" if cmd == "tesseract" else f"tesseract ({cmd})"
    try:
        return str(pytesseract.get_tesseract_version())
    except pytesseract.TesseractNotFoundError as exc:
        raise MissingDependencyError(f"{which} is not installed or not on PATH; {INSTALL_HINT}") from exc
    except (subprocess.CalledProcessError, SystemExit) as exc:  # pytesseract exits on an odd version line
        out = getattr(exc, "output", None) or str(exc)
        out = out.decode(errors="replace") if isinstance(out, bytes) else out
        raise MissingDependencyError(f"{which} does not run ({' '.join(out.split())[:200] or exc}); "
                                     f"reinstall it: {INSTALL_HINT}") from exc


@cache
def languages() -> frozenset[str]:
    """The language packs Tesseract has."""
    version()
    try:
        return frozenset(pytesseract.get_languages(config=""))
    except pytesseract.TesseractError as exc:  # pragma: no cover - broken installs
        raise OcrEngineError(f"tesseract --list-langs failed: {exc.message}") from exc


def check(lang: str) -> None:
    """Raise `MissingDependencyError` unless Tesseract and every language in `lang` exist."""
    have = languages()
    missing = [code for code in lang.split("+") if code not in have]
    if missing:
        pkgs = " ".join(f"tesseract-ocr-{code}" for code in missing)
        raise MissingDependencyError(
            f"tesseract has no language data for {'+'.join(missing)} (it has: "
            f"{', '.join(sorted(have)) or 'none'}); install it with: apt-get install {pkgs}"
        )


def _config(psm: int, whitelist: str | None, extra: str, dpi: int | None = None) -> str:
    parts = [f"--psm {psm}", "-c tessedit_do_invert=0"]
    if dpi:
        parts.append(f"--dpi {int(dpi)}")
    if whitelist:
        # pytesseract splits the config with shlex: quote the set
        parts.append(f"-c tessedit_char_whitelist={whitelist}")
    if extra:
        parts.append(extra)
    return " ".join(parts)


def _run(images: Sequence[np.ndarray], fn, *, lang: str, config: str, timeout: float):
    """`fn(path, ...)` on the images: one image's own file, or a list of several files
    (Tesseract reads them all in one process, loading its language data once)."""
    command()
    with tempfile.TemporaryDirectory(prefix="ocrp_") as tmp:
        paths = [os.path.join(tmp, f"{i}.bmp") for i in range(len(images))]
        for path, image in zip(paths, images):
            if not cv2.imwrite(path, image):
                raise OcrEngineError(f"could not write a temporary image for tesseract at {path}")
        if len(paths) > 1:
            with open(os.path.join(tmp, "images.txt"), "w") as f:
                f.write("\n".join(paths) + "\n")
        target = paths[0] if len(paths) == 1 else os.path.join(tmp, "images.txt")
        try:
            return fn(target, lang=lang, config=config, timeout=timeout)
        except pytesseract.TesseractNotFoundError as exc:
            raise MissingDependencyError(f"tesseract is not installed or not on PATH; {INSTALL_HINT}") from exc
        except pytesseract.TesseractError as exc:  # a RuntimeError too: catch it first
            raise OcrEngineError(f"tesseract failed (exit {exc.status}): {exc.message}") from exc
        except RuntimeError as exc:
            if "timeout" in str(exc).lower():
                raise OcrTimeoutError(f"tesseract took longer than {timeout:g} s") from exc
            raise


def read_words(image: np.ndarray, **settings) -> tuple[Word, ...]:
    """The words of one image: `read_many([image], **settings)[0]`."""
    return read_many([image], **settings)[0]


def read_many(
    images: Sequence[np.ndarray],
    *,
    lang: str = "ind",
    psm: int = 3,
    timeout: float = 120.0,
    whitelist: str | None = None,
    extra_config: str = "",
    dpi: int | None = None,
) -> list[tuple[Word, ...]]:
    """OCR each image (grey or BGR uint8): its words with boxes and confidences, all
    images read in one Tesseract call with one setting.

    Boxes are pixels of the image; `conf` is Tesseract's word confidence scaled to 0..1;
    `line` is unique per text line of an image, `block` per text block. Each call costs
    the loading of the language data (0.15 s for `ind+eng`, more than reading a small
    crop), so regions read the same way are read together; each image is its own page
    to Tesseract, read exactly as alone. `timeout` is for the call.
    """
    if not images:
        return []
    data = _run(
        images,
        lambda p, **kw: pytesseract.image_to_data(p, output_type=pytesseract.Output.DICT, **kw),
        lang=lang, config=_config(psm, whitelist, extra_config, dpi), timeout=timeout,
    )
    out: list[list[Word]] = [[] for _ in images]
    for i in range(len(data["text"])):
        text = (data["text"][i] or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        x, y, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
        block = int(data["block_num"][i])
        line = block * 10_000 + int(data["par_num"][i]) * 100 + int(data["line_num"][i])
        out[int(data["page_num"][i]) - 1].append(
            Word(text, min(1.0, conf / 100.0), (float(x), float(y), float(x + w), float(y + h)),
                 line=line, block=block))
    return [tuple(words) for words in out]


@dataclass(frozen=True, slots=True)
class Ask:
    """What a reading coroutine yields: read `image` with `settings` (`read_many`'s keywords;
    `timeout` is for this image). The coroutine is sent the image's words."""

    image: np.ndarray
    settings: tuple[tuple[str, Any], ...]


def ask(image: np.ndarray, **settings: Any) -> Ask:
    return Ask(image, tuple(sorted(settings.items())))


T = TypeVar("T")
Reader = Generator[Ask, tuple[Word, ...], T]


def drive(readers: Sequence[Reader[T]]) -> list[T | OcrError]:
    """Run reading coroutines side by side, reading together what they ask to be read alike.

    Each coroutine yields `Ask`s and gets back the words of each; what several ask
    with the same settings is read in one Tesseract call (`read_many`: the language
    data is loaded once, each image read as alone), so pages read together cost fewer
    calls than pages read one by one, with the same words. Of the waiting asks, the
    earliest step of any coroutine goes first (the fewest asks on a tie), with every
    ask of its settings. A call of several images that fails is tried image by
    image (`read_each`); a failure is thrown into its coroutine, and what a coroutine returns or
    raises (an `OcrError`) is its result. A missing Tesseract is raised at once.
    """
    results: list[Any] = [None] * len(readers)
    waiting: dict[int, tuple[Ask, int]] = {}  # coroutine -> its ask and how many it has made

    def step(i: int, send: Any = None, error: OcrError | None = None) -> None:
        try:
            got = readers[i].throw(error) if error is not None else readers[i].send(send)
        except StopIteration as done:
            results[i] = done.value
            waiting.pop(i, None)
        except OcrError as exc:
            results[i] = exc
            waiting.pop(i, None)
        else:
            waiting[i] = (got, waiting[i][1] + 1 if i in waiting else 1)

    for i in range(len(readers)):
        step(i)
    while waiting:
        first = min(waiting.values(), key=lambda a: (a[1], sum(b[0].settings == a[0].settings
                                                                for b in waiting.values())))[0].settings
        group = [i for i, (a, _) in waiting.items() if a.settings == first]
        settings = dict(first)
        timeout = float(settings.pop("timeout", 120.0))
        for i, got in zip(group, read_each([waiting[i][0].image for i in group], timeout=timeout, **settings),
                          strict=True):
            if isinstance(got, OcrError):
                step(i, error=got)
            else:
                step(i, got)
    return results


def read_each(images: Sequence[np.ndarray], *, timeout: float = 120.0, **settings: Any
              ) -> list[tuple[Word, ...] | OcrError]:
    """`read_many` of the images in one call (`timeout` per image); when a call of several
    fails, each image alone, so that one image Tesseract dies on (a near-blank speck:
    SIGFPE) does not cost the others their words. Each image's words, or its error."""
    try:
        return list(read_many(images, timeout=timeout * max(1, len(images)), **settings))
    except OcrError as exc:
        if len(images) <= 1:
            return [exc] * len(images)
        log.info("tesseract failed on %d images read together (%s); reading them one by one",
                 len(images), exc)
    return [read_each([image], timeout=timeout, **settings)[0] for image in images]


def orientation(image: np.ndarray, *, timeout: float = 30.0) -> tuple[int, float]:
    """Tesseract's orientation detection: (degrees to rotate clockwise to be upright, confidence)."""
    try:
        out = _run(
            [image],
            lambda p, **kw: pytesseract.image_to_osd(p, output_type=pytesseract.Output.DICT, **kw),
            lang="osd", config="--psm 0", timeout=timeout,
        )
    except OcrEngineError as exc:
        log.debug("orientation detection failed: %s", exc)
        return 0, 0.0
    return int(out.get("rotate", 0)) % 360, float(out.get("orientation_conf", 0.0))
