"""Tesseract kept loaded: a small program that reads images sent to it, one request at a time.

Run by `tesseract.py` (its only client) as `python -I tesseract_server.py`, one per
process that reads, for as long as that process lives. It loads `libtesseract` (the
library the `tesseract` program runs on) through its C API, initialises each language
once, the first time it is asked for it, and then reads any number of images with it:
the language data is not loaded again for each call as it is when the `tesseract` program
is run per call (0.2 CPU s each time for `ind+eng`). Each image is read exactly as
`tesseract IMAGE - --psm N -c VAR=VALUE... tsv` reads it (same library, same settings).

It imports nothing of the pipeline (it starts in a few tens of milliseconds) and runs in
its own process, so that Tesseract dying on an image (it does, on some specks) or hanging
costs the client one call, not its process.

The protocol, on stdin and stdout. A request is one line of JSON, `{"lang": ..., "psm": N,
"vars": {name: value}, "images": [[height, width, channels], ...]}`, followed by the raw
pixels of each image (uint8, rows top to bottom, grey or RGB). The answer is one line of
JSON: `{"tsv": [text of each image], "cpu": seconds}` or `{"error": message}`. A request
of no images loads its language. The server ends at the end of its input.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import sys
import time

LIBRARY = ctypes.util.find_library("tesseract") or "libtesseract.so.5"  # the system's (ldconfig)


def _library() -> ctypes.CDLL:
    lib = ctypes.CDLL(LIBRARY)
    handle, text = ctypes.c_void_p, ctypes.c_char_p
    lib.TessBaseAPICreate.restype = handle
    lib.TessBaseAPIInit3.argtypes = [handle, text, text]
    lib.TessBaseAPISetVariable.argtypes = [handle, text, text]
    lib.TessBaseAPISetPageSegMode.argtypes = [handle, ctypes.c_int]
    lib.TessBaseAPISetImage.argtypes = [handle, text, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.TessBaseAPIRecognize.argtypes = [handle, handle]
    lib.TessBaseAPIGetTsvText.argtypes = [handle, ctypes.c_int]
    lib.TessBaseAPIGetTsvText.restype = handle  # freed with TessDeleteText: not a c_char_p
    lib.TessDeleteText.argtypes = [handle]
    lib.TessBaseAPIDelete.argtypes = [handle]
    return lib


class Engine:
    """One Tesseract handle per language, initialised on first use."""

    def __init__(self) -> None:
        self.lib = _library()
        self.apis: dict[str, int] = {}

    def api(self, lang: str) -> int:
        if lang not in self.apis:
            api = self.lib.TessBaseAPICreate()
            if self.lib.TessBaseAPIInit3(api, None, lang.encode()) != 0:
                self.lib.TessBaseAPIDelete(api)
                raise RuntimeError(f"could not load the language data of {lang!r}")
            self.apis[lang] = api
        return self.apis[lang]

    def read(self, lang: str, psm: int, variables: dict[str, str], image: bytes,
             shape: tuple[int, int, int], page: int) -> str:
        """The TSV lines (no header) of one image, `page` its 0-based number in the request."""
        lib, api = self.lib, self.api(lang)
        lib.TessBaseAPISetPageSegMode(api, psm)
        for name, value in variables.items():
            if not lib.TessBaseAPISetVariable(api, name.encode(), value.encode()):
                raise RuntimeError(f"tesseract has no variable {name!r}")
        h, w, c = shape
        lib.TessBaseAPISetImage(api, image, w, h, c, w * c)
        if lib.TessBaseAPIRecognize(api, None) != 0:
            raise RuntimeError("tesseract could not recognise the image")
        out = lib.TessBaseAPIGetTsvText(api, page)
        try:
            return ctypes.string_at(out).decode("utf-8", errors="replace") if out else ""
        finally:
            lib.TessDeleteText(out)


def answer(engine: Engine, request: dict, pixels: list[bytes]) -> dict:
    """What one request gets back."""
    start = time.process_time()
    try:
        engine.api(request["lang"])
        tsv = [engine.read(request["lang"], int(request["psm"]), request.get("vars", {}), data,
                           tuple(shape), page)
               for page, (shape, data) in enumerate(zip(request["images"], pixels, strict=True))]
    except RuntimeError as exc:
        return {"error": str(exc)}
    return {"tsv": tsv, "cpu": time.process_time() - start}


def serve(reply=answer) -> None:
    """Answer requests from stdin until it ends (`reply(engine, request, pixels)`)."""
    engine = None
    stdin = sys.stdin.buffer
    stdout = os.fdopen(os.dup(1), "wb")  # the answers; what the library prints goes to stderr
    os.dup2(2, 1)
    for line in stdin:
        request = json.loads(line)
        pixels = [stdin.read(h * w * c) for h, w, c in request["images"]]
        if any(len(p) != h * w * c for p, (h, w, c) in zip(pixels, request["images"], strict=True)):
            break  # the input ended inside an image: the client is gone
        if engine is None:
            try:
                engine = Engine()
            except OSError as exc:
                stdout.write(json.dumps({"error": f"could not load {LIBRARY}: {exc}", "missing": True})
                             .encode() + b"\n")
                stdout.flush()
                continue
        stdout.write(json.dumps(reply(engine, request, pixels)).encode() + b"\n")
        stdout.flush()


if __name__ == "__main__":
    serve()
