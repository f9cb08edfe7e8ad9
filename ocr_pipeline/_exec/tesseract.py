"""The one wrapper around Tesseract.

Images are read by Tesseract's library kept loaded: `tesseract_server.py`, one process
per thread that reads, started on first use, initialises each language once and reads
every image sent to it after that (each `tesseract` program run loads its language
data again: 0.2 CPU s for `ind+eng`, a sixth of a page's reading). It reads as the
`tesseract` program reads (the same library, the same settings; the words are the same).
The `tesseract` program is asked, through pytesseract, for its version and its
languages (`check`): a missing program or language is a `MissingDependencyError`
before any work.

Every request has a timeout and Tesseract runs with one OCR thread (`OMP_THREAD_LIMIT=1`),
so that pages run in parallel across processes instead. Errors are mapped to the
pipeline's own: a missing program, library or language to `MissingDependencyError`, a
timeout to `OcrTimeoutError` (the server is stopped), a server that dies (Tesseract
crashes on some specks) or fails to `OcrEngineError` with Tesseract's messages; the next
request starts another server.

The program is `tesseract` on PATH, or `$OCR_PIPELINE_TESSERACT` when that is set (a
Tesseract installed elsewhere; the tests' fake one): it is read at every call, and worker
processes inherit it with the run's environment. `$OCR_PIPELINE_TESSERACT_SERVER` names a
program to run instead of the server (the tests' fakes that crash, hang or fail).
Programs are run with an argument list, never through a shell.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import select
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from functools import cache
from typing import Any

import cv2
import numpy as np

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
    # imported here: it imports pandas (0.2 s), and the worker processes, which read
    # through the server, never ask the program anything
    import pytesseract

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
    import pytesseract

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
    import pytesseract

    version()
    try:
        return frozenset(pytesseract.get_languages(config=""))
    except pytesseract.TesseractError as exc:  # pragma: no cover - broken installs
        raise OcrEngineError(f"tesseract --list-langs failed: {exc.message}") from exc


def orientation(image: np.ndarray, *, dpi: int, timeout: float = 60.0) -> int | None:
    """The clockwise degrees (0, 90, 180, 270) that turn a page's text upright, as
    Tesseract's orientation detection (`--psm 0`, its `osd` data) finds them; None when
    it cannot tell (too little text), fails, or has no `osd` data. A `tesseract` program
    run (1 s a page at 150 dpi), for the pages cleanup cannot judge by their ink alone."""
    import pytesseract

    command()
    try:
        found = pytesseract.image_to_osd(_rgb(image), config=f"--psm 0 --dpi {int(dpi)}", timeout=timeout,
                                         output_type=pytesseract.Output.DICT)
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, RuntimeError, OSError) as exc:
        log.debug("tesseract's orientation detection gave nothing: %s", str(exc).strip()[:200])
        return None
    rotate = int(found.get("rotate", -1))
    return rotate if rotate in (0, 90, 180, 270) else None


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


SERVER_ENV = "OCR_PIPELINE_TESSERACT_SERVER"
"""Environment variable: a program to run instead of `tesseract_server.py` (the tests' fakes)."""

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tesseract_server.py")
LOAD_SECONDS = 60.0  # allowed for starting the server and loading a language


_CHATTER = ("Estimating resolution", "ObjectCache(")  # what Tesseract says on every page, and at exit


class _Server:
    """The `tesseract_server.py` process of this thread: Tesseract with its languages loaded."""

    def __init__(self, args: list[str]) -> None:
        self.args = args
        self.errors = tempfile.TemporaryFile()  # its stderr: Tesseract's messages, read on failure
        try:
            self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self.errors)
        except OSError as exc:
            self.errors.close()
            raise MissingDependencyError(f"could not start {args[-1]}: {exc}") from exc
        self.pid = os.getpid()
        self.loaded: set[str] = set()

    def ask(self, request: dict[str, Any], pixels: Sequence[np.ndarray], timeout: float) -> dict[str, Any]:
        """The server's answer to a request, or the error of a server that died or hung
        (it is stopped, and the next request starts another). A language the server has
        not read with yet is loaded first, in a request of its own (`LOAD_SECONDS`)."""
        if request["lang"] not in self.loaded:
            self._ask({**request, "images": []}, [], LOAD_SECONDS)
            self.loaded.add(request["lang"])
        return self._ask(request, pixels, timeout)

    def _ask(self, request: dict[str, Any], pixels: Sequence[np.ndarray], timeout: float) -> dict[str, Any]:
        self.errors.seek(0)
        self.errors.truncate()
        proc = self.proc
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(json.dumps(request).encode() + b"\n")
            for image in pixels:
                proc.stdin.write(memoryview(image).cast("B"))
            proc.stdin.flush()
            if not select.select([proc.stdout], [], [], timeout)[0]:
                self.stop()
                raise OcrTimeoutError(f"tesseract took longer than {timeout:g} s")
            line = proc.stdout.readline()
        except BrokenPipeError:
            line = b""
        if not line.endswith(b"\n"):  # it died (maybe while answering): let it end, for its exit status
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            code = self.stop()
            raise OcrEngineError(f"tesseract failed (exit {code}): {self._said()}")
        answer = json.loads(line)
        if "error" in answer:
            said = self._said()
            message = f"{answer['error']}" + (f": {said}" if said else "")
            if answer.get("missing"):
                raise MissingDependencyError(f"{message}; {INSTALL_HINT}")
            raise OcrEngineError(f"tesseract failed: {message}")
        return answer

    def _said(self) -> str:
        self.errors.seek(0)
        lines = [line for line in self.errors.read().decode(errors="replace").splitlines()
                 if line.strip() and not line.startswith(_CHATTER)]
        return " ".join(" ".join(lines[-5:]).split())[:500]

    def stop(self) -> int:
        """End the server (at once) and return its exit status."""
        if self.proc.poll() is None:
            self.proc.kill()
        code = self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            if f is not None:
                f.close()
        return code

    def leave(self) -> None:
        """At this process's exit: end the server's input, and so the server (not waited
        for: a process's exit is not held up by it)."""
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()

    def close(self) -> None:
        """End the server as it ends itself: at the end of its input."""
        if self.proc.poll() is None and self.proc.stdin is not None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self.stop()
        self.errors.close()


_servers = threading.local()
_server_cpu = 0.0


def _server() -> _Server:
    """This thread's server, started on first use, and again in a forked process, after
    one ended, or when `$OCR_PIPELINE_TESSERACT_SERVER` has changed."""
    args = [os.environ[SERVER_ENV]] if os.environ.get(SERVER_ENV) else [sys.executable, "-I", SERVER]
    server = getattr(_servers, "server", None)
    if server is not None and server.pid == os.getpid() and (server.args != args
                                                              or server.proc.poll() is not None):
        atexit.unregister(server.leave)
        server.close()
    if server is None or server.pid != os.getpid() or server.proc.returncode is not None:
        server = _servers.server = _Server(args)
        atexit.register(server.leave)
    return server


def server_cpu() -> float:
    """CPU seconds this process's servers spent reading (for the benchmarks)."""
    return _server_cpu


def _run(images: Sequence[np.ndarray], *, lang: str, psm: int, variables: dict[str, str],
         timeout: float) -> list[str]:
    """The TSV text of each image, read by this thread's server in one request."""
    global _server_cpu
    pixels = [_rgb(image) for image in images]
    request = {"lang": lang, "psm": psm, "vars": variables,
               "images": [[p.shape[0], p.shape[1], 1 if p.ndim == 2 else p.shape[2]] for p in pixels]}
    answer = _server().ask(request, pixels, timeout)
    _server_cpu += float(answer.get("cpu", 0.0))
    return list(answer["tsv"])


def _rgb(image: np.ndarray) -> np.ndarray:
    """A grey or RGB copy of a grey, BGR or BGRA image, its rows contiguous (as Tesseract takes it)."""
    if image.dtype != np.uint8:
        raise OcrEngineError(f"tesseract reads 8-bit images, not {image.dtype}")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    elif image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2RGB if image.shape[2] == 4 else cv2.COLOR_BGR2RGB)
    return np.ascontiguousarray(image)


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
    dpi: int | None = None,
) -> list[tuple[Word, ...]]:
    """OCR each image (grey or BGR uint8): its words with boxes and confidences, all
    images read in one request with one setting.

    Boxes are pixels of the image; `conf` is Tesseract's word confidence scaled to 0..1;
    `line` is unique per text line of an image, `block` per text block. Each image is
    read exactly as `tesseract IMAGE - --psm PSM [--dpi DPI] -c tessedit_do_invert=0
    [-c tessedit_char_whitelist=...] tsv` reads it alone. `timeout` is for the request.
    """
    if not images:
        return []
    variables = {"tessedit_do_invert": "0", "user_defined_dpi": str(int(dpi or 0)),
                 "tessedit_char_whitelist": whitelist or ""}
    out: list[tuple[Word, ...]] = []
    for tsv in _run(images, lang=lang, psm=psm, variables=variables, timeout=timeout):
        words = []
        for row in tsv.splitlines():
            f = row.split("\t", 11)
            conf = int(float(f[10])) if len(f) == 12 else -1  # whole percents, as pytesseract gave them
            if conf < 0 or not f[11].strip():
                continue
            x, y, w, h = (int(v) for v in f[6:10])
            block = int(f[2])
            words.append(Word(f[11].strip(), min(1.0, conf / 100.0),
                              (float(x), float(y), float(x + w), float(y + h)),
                              line=block * 10_000 + int(f[3]) * 100 + int(f[4]), block=block))
        out.append(tuple(words))
    return out


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
