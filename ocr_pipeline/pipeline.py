"""The pipeline: input files -> pages -> words -> agreements -> the contract's files.

Work is split into tasks that run in worker processes (or on a Dask cluster):

* `pages_task(info, pages, config)`: ingest a few pages of a file, clean them, OCR
  them side by side -> `OcrPage`s (the cleaned images go to the work folder for
  later re-reading);
* once a file's pages are read, `split_file` tells its agreements apart (cheap, in the
  main process), and `agreement_task(path, sha256, index, pages, config)` reads one
  agreement's tables, budget and header, corrects and flags -> agreement (JSON).
  (`file_task` does a file's agreements one after the other, for tools.)

Every input is keyed in the resume ledger by its content hash, the pipeline version
and the settings that change results; a rerun skips what is done. Each agreement
file is written atomically as soon as its input is finished; at the end the review
decisions kept in the corrections folder are applied to the run's agreements, and the
CSV files, the manifest, report.html and agreements.sqlite are rewritten from them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from . import __version__, review
from ._exec import tesseract
from .config import RunConfig
from .errors import BadArgsError, InputFileError, MissingDependencyError, OcrError, OutputError, PipelineError
from .ledger import Ledger
from .records import Agreement, OcrPage
from .stages import cleanup, correct, documents, export, ingest, ocr
from .stages.reconcile import reconcile

log = logging.getLogger(__name__)

WORK_DIR = ".work"


# --------------------------------------------------------------------------- tasks


def work_image_path(out_dir: Path, sha256: str, page: int) -> Path:
    return Path(out_dir) / WORK_DIR / sha256[:16] / f"p{page:04d}_clean.npy"


def _write_work_image(target: Path, image: Any) -> None:
    """Write a work image through a temporary name and a rename (scratch: no fsync).

    A raw NumPy array: written in 6 ms and read back in 2 ms where PNG took 107 and 63
    ms for a cleaned page of 2540x3899 pixels (a tenth of a page's CPU time); 9.9 MB on
    disk against 1.5, scratch that lives until its file is done.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, np.ascontiguousarray(image), allow_pickle=False)
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"cannot write the work image {target}: {exc.strerror or exc}") from exc


def _read_work_image(path: Path) -> Any:
    """A work image, or None when it is missing or damaged."""
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None


_threads_limited = False


def _limit_threads() -> None:
    """One OCR/OpenCV thread per worker process: pages run in parallel across processes.

    Called by the process pool's initializer and again by every task, for the workers
    of a Dask cluster, which run no initializer of ours.
    """
    global _threads_limited
    if not _threads_limited:
        os.environ["OMP_THREAD_LIMIT"] = "1"
        cv2.setNumThreads(1)
        _threads_limited = True


PAGES_PER_TASK = 4  # at most


def pages_per_task(pages: int, workers: int) -> int:
    """How many pages of a file a task reads: up to `PAGES_PER_TASK`, fewer when the
    batch is small, so that every worker gets four tasks or more. (With Tesseract kept
    loaded, tasks of 1, 2 and 3 pages ran the sample batch alike, docs/batch.md.)"""
    return max(1, min(PAGES_PER_TASK, pages // (4 * max(1, workers))))


def page_chunks(pages: int, size: int) -> list[tuple[int, ...]]:
    """Page numbers 1..`pages` in runs of at most `size`, as even as can be."""
    n = -(-pages // max(1, size))
    bounds = [round(i * pages / n) for i in range(n + 1)] if n else [0]
    return [tuple(range(a + 1, b + 1)) for a, b in zip(bounds, bounds[1:])]


def pages_task(info: ingest.InputFile, page_nos: Sequence[int], config: RunConfig) -> list[OcrPage]:
    """Ingest, clean and read pages of one file, page after page. A page that cannot be
    cleaned or read becomes a page without words and a warning; the others are read.

    The cleaned grey pages are kept in the work folder: the correction stage re-reads
    doubtful cells from them and the review crops are cut from them.
    """
    _limit_threads()
    path, sha256 = ingest.display_name(info.path), info.sha256
    out: dict[int, OcrPage] = {}
    for page in ingest.iter_pages(info, config.dpi, config.limits, page_nos):
        try:
            clean = cleanup.clean_page(page, config.cleanup)
        except Exception as exc:  # a bug on an odd page (all black, one pixel): the others are read (#8)
            h, w = page.image.shape[:2]
            why = f"the page could not be cleaned ({type(exc).__name__}: {' '.join(str(exc).split())})"
            log.error("%s: page %d: %s", path, page.page, why, exc_info=log.isEnabledFor(logging.DEBUG))
            out[page.page] = OcrPage(path, page.page, page.dpi, w, h, (), method="failed",
                                     warnings=(f"page {page.page}: OCR failed: {why}",))
            continue
        _write_work_image(work_image_path(config.out_dir, sha256, page.page), clean.gray)
        try:
            read = ocr.read_page(clean, config.ocr, timeout=config.limits.seconds_per_page)
        except OcrError as exc:
            h, w = clean.gray.shape[:2]
            log.warning("%s: page %d: %s", path, clean.page, exc)
            read = OcrPage(path, clean.page, clean.dpi, w, h, (), clean.rules, "failed", clean.rotation,
                           clean.skew, clean.to_original, (f"page {clean.page}: OCR failed: {exc}",))
        else:
            if config.keep_work:  # the words too: later stages can be rerun without OCR
                work = work_image_path(config.out_dir, sha256, clean.page)
                export.atomic_write(work.with_suffix(".ocr.json"), export.dumps(read.to_json()))
        out[clean.page] = read
    missing = [n for n in page_nos if n not in out]
    if missing:
        raise InputFileError(f"{path}: page {missing[0]} not found")
    return [out[n] for n in page_nos]


def agreement_id(sha256: str, index: int) -> str:
    return f"pk-{sha256[:12]}-{index:02d}"


def _id_prefix(sha256: str) -> str:
    """What every agreement id of the input `sha256` starts with."""
    return agreement_id(sha256, 0)[:-2]


CROPS_DIR = "crops"
REREAD_ROUNDS = 3  # regions read again for an agreement: a reading asks for more at most twice
_HEADER_BOXES = {
    "title": "title", "organization": "organization", "subunit": "subunit",
    "first_party.name": "first_name", "first_party.position": "first_position",
    "second_party.name": "second_name", "second_party.position": "second_position",
    "signed_place": "place",
}


class _Pages:
    """The pages of one file: their geometry and (lazily) their cleaned images.

    Only the last few images read are kept, so that memory stays flat in the page
    count (re-reads and crops go agreement by agreement, page after page).
    """

    KEEP = 3

    def __init__(self, pages: Sequence[OcrPage], out_dir: Path, sha256: str, lang: str = "ind+eng",
                 timeout: float = 30.0) -> None:
        self.by_page = {p.page: p for p in pages}
        self.lang, self.timeout = lang, timeout
        self.out_dir, self.sha256 = Path(out_dir), sha256
        self._images: OrderedDict[int, Any] = OrderedDict()

    def image(self, page: int):
        if page not in self._images:
            img = _read_work_image(work_image_path(self.out_dir, self.sha256, page))
            self._images[page] = img
            while len(self._images) > self.KEEP:
                self._images.popitem(last=False)
        self._images.move_to_end(page)
        return self._images[page]

    def crop(self, page: int, bbox, name: str) -> str | None:
        """Save the crop of `bbox` (cleaned-page pixels) under DIR/crops; its relative path."""
        img = self.image(page)
        p = self.by_page.get(page)
        if img is None or p is None or bbox is None:
            return None
        pad = 0.08 * p.dpi
        h, w = img.shape[:2]
        x0, y0 = max(0, int(bbox[0] - pad)), max(0, int(bbox[1] - pad))
        x1, y1 = min(w, int(bbox[2] + pad)), min(h, int(bbox[3] + pad))
        if x1 <= x0 or y1 <= y0:
            return None
        crop = img[y0:y1, x0:x1]
        f = min(1.0, 150 / p.dpi)
        if f < 1.0:
            crop = cv2.resize(crop, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        ok, buf = cv2.imencode(".png", crop, [cv2.IMWRITE_PNG_COMPRESSION, 9])
        if not ok:
            return None
        rel = f"{CROPS_DIR}/{name}.png"
        export.atomic_write(self.out_dir / rel, buf.tobytes())
        return rel

    # how each kind of region is read again: Tesseract settings, and the scales read at
    _REREAD = {
        "text": ({"psm": 6}, (2.0, 3.0)),  # a doubtful target: read large, twice
        "line": ({"psm": 6}, (1.0,)),  # a name, a cell's text: the full-resolution page, as it is
        "digits": ({"lang": "eng", "whitelist": ocr.DIGITS, "psm": 7}, (2.0,)),
        # a number read with confidence: the run's first model alone at full resolution
        # (`ind` reads a serif '7' that `ind+eng` and `eng` read as '1')
        "alone": ({"psm": 6, "models": 1}, (1.0,)),
    }

    def reread(self, wanted: Sequence[correct.ReadKey]) -> dict[correct.ReadKey, list[str]]:
        """Readings of regions `(page, bbox, kind)` of the cleaned pages, read again.

        A request to Tesseract for each set of settings, however many regions: text
        and header lines in one, digits in the other. A region of a page whose image
        is gone gets no readings.
        """
        got: dict[correct.ReadKey, list[str]] = {key: [] for key in wanted}
        calls: dict[tuple, list[tuple[correct.ReadKey, tuple]]] = {}
        for key in sorted(got, key=lambda k: k[0]):
            page, bbox, kind = key
            img = self.image(page)
            if img is None:
                continue
            settings, scales = self._REREAD[kind]
            group = calls.setdefault(tuple(sorted(settings.items())), [])
            group.extend((key, (img, bbox, scale)) for scale in scales)
        for settings, jobs in calls.items():
            kw = {"lang": self.lang, **dict(settings)}
            kw["lang"] = "+".join(kw["lang"].split("+")[:kw.pop("models", None)])
            read = ocr.reread([region for _, region in jobs], timeout=self.timeout, **kw)
            for (key, _), reading in zip(jobs, read, strict=True):
                if reading.text:
                    got[key].append(reading.text)
        return got

    def to_original(self, page: int, bbox):
        p = self.by_page.get(page)
        return list(p.original_bbox(bbox)) if p is not None and bbox is not None else bbox


def _place(doc: dict[str, Any], draft: documents.Draft, pages: _Pages) -> None:
    """Crops of flagged values for the review report; boxes mapped to the original page."""
    aid = doc["agreement_id"]
    for kind, rows in (("target", doc["targets"]), ("budget", doc["budget"])):
        for i, row in enumerate(rows, 1):
            if row.get("bbox") is None:
                continue
            if row.get("needs_review"):
                rel = pages.crop(row["page"], row["bbox"], f"{aid}/{kind}-{i:03d}")
                if rel:
                    row["crop"] = rel
            row["bbox"] = [round(v, 1) for v in pages.to_original(row["page"], row["bbox"])]
    crops = {}
    for path in doc["needs_review"]:
        box = getattr(draft, _HEADER_BOXES.get(path, ""), None)
        if box is not None and box.bbox is not None:
            rel = pages.crop(box.page, box.bbox, f"{aid}/header-{path}")
            if rel:
                crops[path] = rel
    if crops:
        doc["review_crops"] = crops


def split_file(pages: Sequence[OcrPage]) -> list[list[OcrPage]]:
    """A file's pages grouped into its agreements, in order (cheap: no OCR, no images).

    Pages without a word (blank, or a picture only) make no agreement of their own: a
    blank file has none (its manifest entry says so, see `_page_warnings`).
    """
    groups = documents.split_agreements([documents.view_page(p) for p in pages])
    return [[v.page for v in group] for group in groups if not all(_blank(v.page) for v in group)]


def _blank(page: OcrPage) -> bool:
    """A page read (not failed) on which no word was found."""
    return not page.words and page.method != "failed"


def agreement_task(path: str, sha256: str, index: int, pages: Sequence[OcrPage], config: RunConfig
                   ) -> dict[str, Any]:
    """Agreement number `index` of a file, from its pages, as a contract document (validated).

    Re-reads doubtful values from the pages' work images and writes the crops of the
    values to review; the caller writes the agreement.
    """
    _limit_threads()
    views = documents.inherit_columns([documents.view_page(p) for p in pages])
    geometry = _Pages(pages, config.out_dir, sha256, config.ocr.lang, config.limits.seconds_per_page)
    knowledge = correct.load_knowledge(config.corrections, config.catalogue)
    failed = [w for p in pages for w in p.warnings if "OCR failed" in w]
    draft = documents.draft_agreement(views)
    exact = all(v.page.method == "text-layer" for v in views)
    # Correction runs again while it wants regions read again (doubtful values, names,
    # words that look misread): a run names them, they are read together (one request
    # to Tesseract), the next run gets their readings.
    # Each value asks for its own regions whatever others read, so a run asks for the
    # regions the one before it asked for, and for more only where a reading raised a
    # doubt (an amount read otherwise at full resolution is read three more ways).
    wanted: dict[correct.ReadKey, list[str]] = {}

    def reader(page: int, bbox, kind: str) -> list[str]:
        return wanted.setdefault((page, tuple(bbox), kind), [])

    def agreement_now() -> Agreement:
        return correct.finalize(draft, agreement_id=agreement_id(sha256, index), file=path, sha256=sha256,
                                knowledge=knowledge, reader=reader, exact=exact)

    agreement = agreement_now()
    done: set[correct.ReadKey] = set()
    for _ in range(REREAD_ROUNDS):
        todo = [key for key in wanted if key not in done]
        if not todo:
            break
        wanted.update(geometry.reread(todo))
        done.update(todo)
        agreement = agreement_now()
    doc = agreement.to_json()
    mine = [w for w in failed if int(w.split()[1].rstrip(":")) in draft.pages]
    if mine:
        doc["warnings"] = doc["warnings"] + [f"targets: {w}" for w in mine]
        doc["needs_review"] = list(dict.fromkeys(doc["needs_review"] + ["targets"]))
    _place(doc, draft, geometry)
    export.validate(doc)
    return doc


def _remove_crops(out_dir: Path, sha256: str) -> None:
    """The crops an earlier run cut for this input: they may be of other values."""
    for old in (Path(out_dir) / CROPS_DIR).glob(f"{_id_prefix(sha256)}*"):
        shutil.rmtree(old, ignore_errors=True)


def file_task(path: str, sha256: str, pages: Sequence[OcrPage], config: RunConfig) -> list[dict[str, Any]]:
    """Agreements of one file, one after the other, as contract documents (validated).

    `run` does the same with the agreements of a file in parallel (`split_file`, then
    one `agreement_task` each); the caller writes the agreements.
    """
    _remove_crops(config.out_dir, sha256)
    return [agreement_task(path, sha256, i, group, config) for i, group in enumerate(split_file(pages), 1)]


# --------------------------------------------------------------------------- the run


@dataclass
class Outcome:
    """What happened to one input file (one manifest entry)."""

    file: str
    status: str = "pending"  # ok, failed
    error: str | None = None
    sha256: str | None = None
    pages: int = 0
    agreements: list[str] = field(default_factory=list)
    seconds: float = 0.0
    pages_read: dict[str, list[int]] = field(default_factory=dict)
    flagged: int = 0
    note: str | None = None
    reused: bool = False

    def to_json(self) -> dict[str, Any]:
        d = {"file": self.file, "status": self.status, "error": self.error, "sha256": self.sha256,
             "pages": self.pages, "agreements": len(self.agreements), "agreement_ids": self.agreements,
             "seconds": round(self.seconds, 2), "pages_read": self.pages_read, "flagged_values": self.flagged}
        if self.note:
            d["note"] = self.note
        warnings = _page_warnings(self)
        if warnings:
            d["warnings"] = warnings
        return d


def _page_warnings(o: Outcome) -> list[str]:
    """What an archivist should know of a file that did not fail (issue 8): pages without text,
    pages OCR could not read, no agreement found. From `pages_read`, so a rerun says the same."""
    if o.status != "ok" or o.note:
        return []
    out = []
    blank, failed = o.pages_read.get("blank", []), o.pages_read.get("failed", [])
    if blank:
        out.append(f"no text found on page{'s' if len(blank) > 1 else ''} {', '.join(map(str, blank))} "
                   "(blank, or a picture only)")
    if failed:
        out.append(f"page{'s' if len(failed) > 1 else ''} {', '.join(map(str, failed))} could not be read "
                   "(see the agreement's warnings); a rerun tries again")
    if not o.agreements:
        out.append("no agreement in this file: nothing was extracted")
    return out


@dataclass(frozen=True)
class Summary:
    """What a run did: the closing line of the CLI and the manifest entries (`outcomes`)."""

    files: int
    failed: int
    pages: int
    agreements: int
    flagged: int
    seconds: float
    outcomes: tuple[Outcome, ...]
    reused: int = 0  # inputs the resume ledger had done: not processed again

    @property
    def exit_code(self) -> int:
        from .errors import ExitCode

        if self.failed:
            return int(ExitCode.input_file)
        if any("failed" in o.pages_read for o in self.outcomes):  # written and flagged, but pages unread
            return int(ExitCode.ocr_failed)
        return int(ExitCode.ok)

    def line(self) -> str:
        done = f", {self.reused} already done" if self.reused else ""
        return (f"{self.files} files ({self.failed} failed{done}), {self.pages} pages, {self.agreements} "
                f"agreements, {self.flagged} values flagged for review, {self.seconds:.1f} s")


def _flagged(doc: dict[str, Any]) -> int:
    return (len(doc.get("needs_review", ())) + sum(1 for t in doc.get("targets", ()) if t.get("needs_review"))
            + sum(1 for b in doc.get("budget", ()) if b.get("needs_review")))


@cache
def pipeline_version() -> str:
    """The version the ledger keys on: the release, plus a digest of the code that makes results.

    So code changed in place (an editable install, a patched deployment) redoes the
    inputs as a new release would; views (CSV, report, database) are rewritten by every
    run anyway and are not in the digest.
    """
    root = Path(__file__).resolve().parent
    files = [root / "pipeline.py", root / "records.py", root / "catalogue.py", root / "config.py",
             root / "agreement.schema.json", *sorted((root / "stages").glob("*.py")),
             *sorted((root / "_exec").glob("*.py"))]
    h = hashlib.sha256()
    for f in files:
        h.update(f.relative_to(root).as_posix().encode() + b"\0")
        h.update(f.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


# --------------------------------------------------------------------------- executors


class _LocalExecutor:
    """Runs tasks in this process (workers == 1): no pickling, easy to debug."""

    slots = 1

    def submit(self, fn: Callable, *args: Any) -> Future:
        f: Future = Future()
        try:
            f.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            f.set_exception(exc)
        return f

    def shutdown(self, *a: Any, **k: Any) -> None:
        pass


def _init_worker(run_pid: int | None = None) -> None:
    """Set up a worker process of the local pool: one thread; end with the run's process.

    A run killed with `kill -9` shuts no pool down, and its workers would wait for work
    forever (they hold the task queue open themselves), keeping their fork server and
    its memory alive, or go on writing into the output folder while a rerun cleans it.
    A watchdog thread ends the worker as soon as the run's process is gone.
    """
    _limit_threads()
    if run_pid is not None:
        import threading

        threading.Thread(target=_end_with, args=(run_pid,), name="ocr-pipeline-watchdog", daemon=True).start()


def _end_with(pid: int) -> None:
    """Exit this process when process `pid` has ended."""
    try:
        import select

        fd = os.pidfd_open(pid)  # readable once the process has ended (Linux 5.3)
        select.select([fd], [], [])
    except (AttributeError, OSError):  # no pidfd: look every second
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            except PermissionError:
                pass
            time.sleep(1.0)
    os._exit(1)


class _DaskExecutor:
    """Tasks on a Dask cluster behind the pool's `submit(fn, *args) -> concurrent.futures.Future`.

    A `distributed` future is not a `concurrent.futures` one (`concurrent.futures.wait`
    does not know it; `distributed.wait` does not know the local pool's), so each is
    bridged into one by a done-callback and `run` waits on all of them alike. Tasks are
    submitted with `pure=False`: they write files, and two alike must both run, never be
    merged by key or served from the cluster's memory.
    """

    def __init__(self, client: Any, *, own: bool = False) -> None:
        self.client, self.own = client, own
        self._live: set[Any] = set()  # a dask future nobody holds is released (cancelled)

    @classmethod
    def connect(cls, address: str, timeout: float = 30.0) -> _DaskExecutor:
        try:
            from distributed import Client
        except ImportError as exc:
            raise MissingDependencyError(
                "--scheduler needs Dask's distributed scheduler; install it with: "
                "pip install 'ocr-pipeline[cluster]'") from exc
        try:
            client = Client(address, timeout=f"{timeout}s")
        except (OSError, TimeoutError) as exc:
            raise BadArgsError(f"cannot reach the Dask scheduler at {address} ({exc}); start it with "
                               "`dask scheduler` and give its tcp://HOST:PORT") from exc
        return cls(client, own=True)

    @property
    def slots(self) -> int:
        """Tasks the cluster runs at once (its workers' threads), at least 1."""
        return max(1, sum(self.client.nthreads().values()))

    def submit(self, fn: Callable, *args: Any) -> Future:
        f: Future = Future()
        remote = self.client.submit(fn, *args, pure=False)
        self._live.add(remote)

        def settle(r: Any) -> None:  # runs in a thread of the client
            self._live.discard(r)
            try:
                f.set_result(r.result())
            except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
                f.set_exception(exc)

        remote.add_done_callback(settle)
        return f

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        if cancel_futures and self._live:
            self.client.cancel(list(self._live))
        if self.own:
            self.client.close()


def _is_dask_client(executor: Any) -> bool:
    return type(executor).__module__.split(".")[0] == "distributed"


def _make_executor(config: RunConfig) -> Any:
    if config.scheduler:
        return _DaskExecutor.connect(config.scheduler)
    if config.workers == 1:
        return _LocalExecutor()
    # Workers forked from a server process that has imported the pipeline: they start at
    # once, and do not inherit this process's threads (the progress bar's, a Dask client's).
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    return ProcessPoolExecutor(max_workers=config.workers, mp_context=ctx, initializer=_init_worker,
                               initargs=(os.getpid(),))


# --------------------------------------------------------------------------- the run

LEDGER_FILE = "ledger.sqlite"
LOCK_FILE = ".ocr-pipeline.lock"


def run(inputs: Iterable[str | os.PathLike] | str | os.PathLike, config: RunConfig, *, executor: Any = None,
        progress: Callable[[int, int], None] | None = None) -> Summary:
    """Process every input; write agreements, CSVs, manifest into `config.out_dir`.

    `executor`: anything with `submit(fn, *args) -> concurrent.futures.Future` (a
    process pool), or a `distributed.Client`; by default `config.workers` local
    processes, or the Dask cluster at `config.scheduler`. `progress(done, total)` is
    called as pages finish (and closed, if it has `close()`, at the end).

    One run at a time per output folder (a lock says so). Temporary files and work
    images a killed run left behind are removed first; inputs the resume ledger has
    done under the same settings and pipeline version are not processed again.
    """
    t0 = time.monotonic()
    tesseract.check(config.ocr.lang)
    names = [str(i) for i in ([inputs] if isinstance(inputs, str | os.PathLike) else inputs)]
    config = replace(config, out_dir=Path(config.out_dir).absolute(),
                     corrections=Path(config.corrections).absolute(),
                     catalogue=None if config.catalogue is None else Path(config.catalogue).absolute())
    out = Path(config.out_dir)
    paths = ingest.find_inputs(list(names))
    if not paths:
        raise InputFileError(f"no PDF or image files in {', '.join(names) or 'the inputs given'}")
    decisions = review.load_decisions(config.corrections)
    lock = _lock(out)
    try:
        _remove_leftovers(out, config.keep_work)
        ledger = Ledger(out / LEDGER_FILE)
        try:
            outcomes = _process(paths, config, out, ledger, executor, progress)
            if not _views_up_to_date(out, outcomes, review.decisions_path(config.corrections)):
                _write_views(out, outcomes, decisions)
        finally:
            ledger.close()
            if not config.keep_work:  # scratch: removed also when the run fails (a full disk, issue 8)
                shutil.rmtree(out / WORK_DIR, ignore_errors=True)
    finally:
        _unlock(lock)
    agreements = sum(len(o.agreements) for o in outcomes if not o.note)
    return Summary(len(outcomes), sum(o.status == "failed" for o in outcomes),
                   sum(o.pages for o in outcomes), agreements, sum(o.flagged for o in outcomes),
                   time.monotonic() - t0, tuple(outcomes), sum(o.reused for o in outcomes))


def _lock(out: Path) -> Any:
    """Hold the output folder's lock (released by the kernel if the process dies)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        fh = open(out / LOCK_FILE, "a+b")  # noqa: SIM115 - held until _unlock
    except OSError as exc:
        raise OutputError(f"cannot write the output folder {out}: {exc.strerror or exc}") from exc
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: no lock
        return fh
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        fh.close()
        raise OutputError(f"another ocr-pipeline run is writing to {out}; wait for it to end, "
                          "or give another --out") from exc
    return fh


def _unlock(fh: Any) -> None:
    fh.close()  # closing the file releases the flock


def _remove_leftovers(out: Path, keep_work: bool) -> None:
    """What a killed run may have left: temporary files, and work images (unless kept)."""
    if not keep_work:
        shutil.rmtree(out / WORK_DIR, ignore_errors=True)
    n = export.remove_temp_files(out)
    if n:
        log.info("removed %d temporary files an interrupted run left in %s", n, out)


def _process(paths: Sequence[Path], config: RunConfig, out: Path, ledger: Ledger, executor: Any,
             progress: Callable[[int, int], None] | None) -> list[Outcome]:
    """Inspect the inputs, skip the done ones, run the rest's page and file tasks; the outcomes."""
    key, version = config.result_key(engine=tesseract.version()), pipeline_version()
    outcomes: list[Outcome] = []
    todo: list[tuple[Outcome, ingest.InputFile]] = []
    seen_sha: dict[str, Outcome] = {}
    for p in paths:
        o = Outcome(ingest.display_name(p))  # a name that is not UTF-8 is written as \xNN (issue 8)
        outcomes.append(o)
        # every page's size is checked at the run's dpi before any work; whatever a library raises on
        # a strange file fails that file only (issue 8)
        info = _guard(o, ingest.inspect, p, config.limits, config.dpi)
        if info is None:
            continue
        o.sha256, o.pages = info.sha256, info.pages
        if info.sha256 in seen_sha:
            first = seen_sha[info.sha256]
            o.note = f"same content as {first.file}: not processed again"
            o.status = "duplicate"
            continue
        seen_sha[info.sha256] = o
        done = None if config.force else ledger.done(info.sha256, key, version)
        if done is not None and all(export.agreement_path(out, a).exists() for a in done["agreements"]):
            o.status, o.agreements, o.seconds = "ok", list(done["agreements"]), done["seconds"]
            o.pages_read, o.flagged, o.reused = done["pages_read"], done["flagged"], True
            continue
        # the tasks read the file by its absolute path (a cluster's workers have another cwd)
        todo.append((o, replace(info, path=info.path.absolute())))
    if todo:
        _run_tasks(todo, config, out, ledger, key, version, executor, progress)
    for o in outcomes:
        if o.status == "duplicate":
            first = seen_sha[o.sha256]  # type: ignore[index]
            o.status, o.agreements, o.flagged = first.status, first.agreements, 0
            o.error = first.error
    return outcomes


def _run_tasks(todo: Sequence[tuple[Outcome, ingest.InputFile]], config: RunConfig, out: Path, ledger: Ledger,
               key: str, version: str, executor: Any, progress: Callable[[int, int], None] | None) -> None:
    """Page tasks (a few pages of a file each, `pages_per_task`) in input order, at most
    two per worker queued; once a file's pages are read, its agreements are told apart
    here and one agreement task each is queued.

    Output does not depend on the order tasks finish in nor on how pages are grouped
    into tasks (each page is read as alone): pages are put back in page order,
    agreements are numbered within their file, and the views follow input order.
    """
    total_pages = sum(info.pages for _, info in todo)
    done_pages = 0

    def advance(n: int = 1) -> None:
        nonlocal done_pages
        done_pages += n
        if progress:
            progress(done_pages, total_pages)

    own_pool = executor is None
    if executor is None:
        executor = _make_executor(config)
    elif _is_dask_client(executor):
        executor = _DaskExecutor(executor)  # the caller's client: shut down = cancel what is left
        own_pool = True
    pending: dict[Future, tuple[str, Outcome, ingest.InputFile, Any]] = {}  # pages, or an agreement's index
    page_results: dict[str, dict[int, OcrPage]] = {}
    agreements: dict[str, list[dict[str, Any] | None]] = {}
    started: dict[str, float] = {}
    size = pages_per_task(total_pages, int(getattr(executor, "slots", config.workers)))
    queue = [(o, info, chunk) for o, info in todo for chunk in page_chunks(info.pages, size)]
    qi = 0

    def submit(kind: str, o: Outcome, info: ingest.InputFile, n: Any, fn: Callable, *args: Any) -> None:
        try:
            pending[executor.submit(fn, *args)] = (kind, o, info, n)
        except BrokenExecutor as exc:  # a worker died (killed, out of memory): no more tasks run
            o.status = "failed"
            o.error = (f"{o.file}: a worker process died ({type(exc).__name__}: {exc}); "
                       "rerun the same command to finish the rest")
            log.error("%s", o.error)

    def fill() -> None:
        nonlocal qi
        window = max(2, 2 * int(getattr(executor, "slots", config.workers)))  # a cluster may grow
        queued = sum(1 for v in pending.values() if v[0] == "page")
        while qi < len(queue) and queued < window:
            o, info, chunk = queue[qi]
            qi += 1
            if o.status == "failed":
                advance(len(chunk))  # the pages of a failed file are not read: count them as done
                continue
            started.setdefault(o.file, time.monotonic())
            submit("page", o, info, chunk, pages_task, info, chunk, config)
            queued += 1

    def pages_read(o: Outcome, info: ingest.InputFile, pages: list[OcrPage]) -> None:
        o.pages_read = _methods(pages)
        groups = _guard(o, split_file, pages)
        if groups is None:
            return
        ledger.forget(info.sha256)  # its files are rewritten from here on
        _remove_crops(out, info.sha256)
        if not groups:  # every page blank: done, without an agreement (issue 8)
            _finish_file([], o, info, out, ledger, key, version, started, config)
            return
        agreements[o.file] = [None] * len(groups)
        for i, group in enumerate(groups, 1):
            submit("agreement", o, info, i, agreement_task, o.file, info.sha256, i, group, config)

    try:
        fill()
        while pending:
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for fut in finished:
                kind, o, info, n = pending.pop(fut)
                if kind == "page":
                    advance(len(n))
                got = None if o.status == "failed" else _guard(o, fut.result)
                if got is None:
                    page_results.pop(o.file, None)
                    agreements.pop(o.file, None)
                elif kind == "page":
                    pages = page_results.setdefault(o.file, {})
                    pages.update(zip(n, got, strict=True))
                    if len(pages) == info.pages:
                        del page_results[o.file]
                        pages_read(o, info, [pages[i] for i in range(1, info.pages + 1)])
                else:
                    docs = agreements[o.file]
                    docs[n - 1] = got
                    if all(d is not None for d in docs):
                        del agreements[o.file]
                        _finish_file(docs, o, info, out, ledger, key, version, started, config)  # type: ignore[arg-type]
            fill()
    finally:
        if own_pool:
            executor.shutdown(wait=True, cancel_futures=True)
        close = getattr(progress, "close", None)
        if close is not None:
            close()


def _methods(pages: Sequence[OcrPage]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for p in pages:
        out.setdefault(p.method, []).append(p.page)
    for p in pages:
        if _blank(p):
            out.setdefault("blank", []).append(p.page)  # read, but no word found
    return out


def _guard(o: Outcome, fn: Callable, *args: Any) -> Any:
    """`fn(*args)`; on an error the input `o` fails with its message (None is returned)."""
    try:
        return fn(*args)
    except PipelineError as exc:
        o.status, o.error = "failed", str(exc)
        if os.path.basename(o.file) not in o.error:  # e.g. a full disk: name the input too (issue 8)
            o.error = f"{o.file}: {o.error}"
        log.error("%s", o.error)
    except Exception as exc:  # a bug or a library crash on one file: the others go on
        o.status, o.error = "failed", f"{o.file}: unexpected error: {type(exc).__name__}: {exc}"
        log.error("%s", o.error, exc_info=log.isEnabledFor(logging.DEBUG))
    return None


def _finish_file(docs: Sequence[dict[str, Any]], o: Outcome, info: ingest.InputFile, out: Path,
                 ledger: Ledger, key: str, version: str, started: dict[str, float],
                 config: RunConfig) -> None:
    """Write a finished file's agreements and drop the ones an earlier run made of it; record it as done.

    A file with a page whose OCR failed (a timeout) is written but not recorded: a rerun
    tries it again.
    """
    if _guard(o, lambda: [export.write_agreement(out, d) for d in docs]) is None:
        return
    o.status = "ok"
    o.agreements = [d["agreement_id"] for d in docs]
    o.flagged = sum(_flagged(d) for d in docs)
    o.seconds = time.monotonic() - started.get(o.file, time.monotonic())
    for old in (out / export.AGREEMENTS_DIR).glob(f"{_id_prefix(info.sha256)}*.json"):
        if old.stem not in o.agreements:  # split into fewer agreements than last time
            old.unlink(missing_ok=True)
    if "failed" in o.pages_read:
        log.warning("%s: pages %s could not be read; a rerun tries them again", o.file,
                    ", ".join(map(str, o.pages_read["failed"])))
    else:
        ledger.record(info.sha256, key, version, o.file, o.agreements, o.seconds, o.pages_read, o.flagged)
    if not config.keep_work:
        shutil.rmtree(Path(out) / WORK_DIR / info.sha256[:16], ignore_errors=True)
    if "blank" in o.pages_read or not docs:  # issue 8: said on stderr too, not only in the manifest
        log.warning("%s: %s", o.file, "; ".join(w for w in _page_warnings(o) if "could not be read" not in w))
    log.info("%s: %d agreements, %d pages, %.1f s", o.file, len(docs), info.pages, o.seconds)


def _write_views(out: Path, outcomes: Sequence[Outcome], decisions: review.Decisions = ()) -> None:
    ids: list[str] = []
    for o in outcomes:
        if o.status == "ok" and not o.note:
            ids.extend(o.agreements)
    docs = []
    for a in dict.fromkeys(ids):
        p = export.agreement_path(out, a)
        if p.exists():
            docs.append(json.loads(p.read_text("utf-8")))
    # the agreements of one office and year, in this batch, checked against each other
    checked = reconcile(docs)
    for before, after in zip(docs, checked, strict=True):
        if after != before:
            export.write_agreement(out, after)
    docs, unmatched = review.apply_to_documents(out, checked, decisions)
    for line in unmatched:
        log.warning("review decision not applied: %s", line)
    write_views(out, docs, [o.to_json() for o in outcomes], decisions)
    work = out / WORK_DIR
    if work.exists() and not any(work.iterdir()):
        work.rmdir()


VIEW_FILES = ("targets.csv", "budget.csv", "review.csv", "manifest.json", "report.html", "agreements.sqlite")


def _views_up_to_date(out: Path, outcomes: Sequence[Outcome], decisions_file: Path) -> bool:
    """Whether the views on disk are those this run would write (a rerun with nothing to do).

    They are when every view exists, the manifest lists the same entries, and neither an
    agreement nor the review decisions changed after the manifest was written.
    """
    manifest = out / "manifest.json"
    try:
        if not all((out / name).exists() for name in VIEW_FILES):
            return False
        written = manifest.stat().st_mtime_ns
        if json.loads(manifest.read_text("utf-8")).get("files") != [o.to_json() for o in outcomes]:
            return False
        if decisions_file.exists() and decisions_file.stat().st_mtime_ns > written:
            return False
        return all(export.agreement_path(out, a).stat().st_mtime_ns <= written
                   for o in outcomes if o.status == "ok" for a in o.agreements)
    except (OSError, ValueError):
        return False


def write_views(out: Path, docs: Sequence[dict[str, Any]], manifest: Sequence[dict[str, Any]],
                decisions: review.Decisions = ()) -> None:
    """Rewrite the files made from the agreements: CSVs, manifest, report.html, agreements.sqlite."""
    from . import database, report  # pandas and the report's templates: not needed by a rerun

    export.write_tables(out, docs)
    export.write_manifest(out, manifest)
    report.write_report(out, docs, manifest)
    database.write_database(out, docs, decisions)


def stderr_progress(stream: Any = None) -> Callable[[int, int], None]:
    """Progress of the pages: a bar on a terminal, plain lines otherwise (a log file, CI)."""
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    return _Bar(stream) if isatty is not None and isatty() else _Lines(stream)


class _Bar:
    """A tqdm bar: pages done of total, rate, time left; log lines are printed above it.

    tqdm (not a hand-drawn bar) because it gets the terminal right: it sizes itself
    to the terminal width, redraws at most ~10 times a second, smooths the rate it
    shows and the time left, and writes log records above the bar, not through it.
    """

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self._bar: Any = None
        self._redirect: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            from tqdm import tqdm
            from tqdm.contrib.logging import logging_redirect_tqdm

            self._bar = tqdm(total=total, unit="page", file=self.stream, dynamic_ncols=True, smoothing=0.1,
                             desc="pages")
            self._redirect = logging_redirect_tqdm()
            self._redirect.__enter__()
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._redirect.__exit__(None, None, None)
            self._bar = self._redirect = None


class _Lines:
    """Progress as a plain line every `every` seconds and at the end, for a log file or CI."""

    def __init__(self, stream: Any, every: float = 10.0) -> None:
        self.stream, self.every = stream, every
        self.t0 = self.last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < self.every:
            return
        self.last = now
        elapsed = now - self.t0
        rate = done / elapsed * 60 if elapsed > 0 else 0.0
        left = (total - done) / rate * 60 if rate > 0 else 0.0
        self.stream.write(f"progress: {done}/{total} pages ({100 * done / max(1, total):.0f}%), "
                          f"{rate:.1f} pages/min, {_clock(left)} left\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
