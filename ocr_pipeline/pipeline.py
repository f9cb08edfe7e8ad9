"""The pipeline: input files -> pages -> words -> agreements -> the contract's files.

Work is split into tasks that run in worker processes (or on a Dask cluster):

* `page_task(path, page, config)`: ingest one page, clean it, OCR it -> `OcrPage`
  (the cleaned image goes to the work folder for later re-reading);
* `file_task(path, pages, config)`: split the file's pages into agreements, read
  their tables, budgets and headers, correct and flag -> agreements (JSON).

Every input is keyed in the resume ledger by its content hash, the pipeline version
and the settings that change results; a rerun skips what is done. Each agreement
file is written atomically as soon as its input is finished; at the end the review
decisions kept in the corrections folder are applied to the run's agreements, and the
CSV files, the manifest, report.html and agreements.sqlite are rewritten from them.
"""

from __future__ import annotations

import logging
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2

from . import __version__, database, report, review
from ._exec import tesseract
from .config import RunConfig
from .errors import InputFileError, OcrError, PipelineError
from .ledger import Ledger
from .records import OcrPage
from .stages import cleanup, correct, documents, export, ingest, ocr

log = logging.getLogger(__name__)

WORK_DIR = ".work"


# --------------------------------------------------------------------------- tasks


def work_image_path(out_dir: Path, sha256: str, page: int) -> Path:
    return Path(out_dir) / WORK_DIR / sha256[:16] / f"p{page:04d}_clean.png"


def page_task(info: ingest.InputFile, page_no: int, config: RunConfig) -> OcrPage:
    """Ingest, clean and read one page. OCR failures become a page without words and a warning.

    The cleaned grey page is kept in the work folder: the correction stage re-reads
    doubtful cells from it and the review crops are cut from it.
    """
    path, sha256 = str(info.path), info.sha256
    for page in ingest.iter_pages(info, config.dpi, config.limits, (page_no,)):
        clean = cleanup.clean_page(page, config.cleanup)
        target = work_image_path(config.out_dir, sha256, page_no)
        target.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(target), clean.gray, [cv2.IMWRITE_PNG_COMPRESSION, 1])
        try:
            return ocr.read_page(clean, config.ocr, timeout=config.limits.seconds_per_page)
        except OcrError as exc:
            h, w = clean.gray.shape[:2]
            log.warning("%s: page %d: %s", path, page_no, exc)
            return OcrPage(path, page_no, page.dpi, w, h, (), clean.rules, "failed", clean.rotation,
                           clean.skew, clean.to_original, (f"page {page_no}: OCR failed: {exc}",))
    raise InputFileError(f"{path}: page {page_no} not found")


def agreement_id(sha256: str, index: int) -> str:
    return f"pk-{sha256[:12]}-{index:02d}"


CROPS_DIR = "crops"
_HEADER_BOXES = {
    "title": "title", "organization": "organization", "subunit": "subunit",
    "first_party.name": "first_name", "first_party.position": "first_position",
    "second_party.name": "second_name", "second_party.position": "second_position",
    "signed_place": "place",
}


class _Pages:
    """The pages of one file: their geometry and (lazily) their cleaned images."""

    def __init__(self, pages: Sequence[OcrPage], out_dir: Path, sha256: str, lang: str = "ind+eng",
                 timeout: float = 30.0) -> None:
        self.by_page = {p.page: p for p in pages}
        self.lang, self.timeout = lang, timeout
        self.out_dir, self.sha256 = Path(out_dir), sha256
        self._images: dict[int, Any] = {}

    def image(self, page: int):
        if page not in self._images:
            img = cv2.imread(str(work_image_path(self.out_dir, self.sha256, page)), cv2.IMREAD_GRAYSCALE)
            self._images[page] = img
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

    def reread(self, page: int, bbox, digits: bool) -> list[str]:
        """Several readings of one region of a cleaned page (the correction stage's re-read)."""
        img = self.image(page)
        if img is None:
            return []
        try:
            if digits:
                got = [ocr.reread(img, bbox, lang="eng", whitelist=ocr.DIGITS, psm=7, scale=2.0,
                                  timeout=self.timeout)]
            else:
                got = [ocr.reread(img, bbox, lang=self.lang, psm=6, scale=s, timeout=self.timeout)
                       for s in (2.0, 3.0)]
        except OcrError as exc:
            log.warning("re-reading page %d failed: %s", page, exc)
            return []
        return [g.text for g in got if g.text]

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


def file_task(path: str, sha256: str, pages: Sequence[OcrPage], config: RunConfig) -> list[dict[str, Any]]:
    """Agreements of one file, as contract documents (validated)."""
    views = [documents.view_page(p) for p in pages]
    geometry = _Pages(pages, config.out_dir, sha256, config.ocr.lang, config.limits.seconds_per_page)
    knowledge = correct.load_knowledge(config.corrections, config.catalogue)
    failed = [w for p in pages for w in p.warnings if "OCR failed" in w]
    docs = []
    for i, group in enumerate(documents.split_agreements(views), 1):
        draft = documents.draft_agreement(group)
        exact = all(v.page.method == "text-layer" for v in group)
        agreement = correct.finalize(draft, agreement_id=agreement_id(sha256, i), file=path, sha256=sha256,
                                     knowledge=knowledge, reader=geometry.reread, exact=exact)
        doc = agreement.to_json()
        mine = [w for w in failed if int(w.split()[1].rstrip(":")) in draft.pages]
        if mine:
            doc["warnings"] = doc["warnings"] + [f"targets: {w}" for w in mine]
            doc["needs_review"] = list(dict.fromkeys(doc["needs_review"] + ["targets"]))
        _place(doc, draft, geometry)
        export.validate(doc)
        docs.append(doc)
    return docs


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
        return d


@dataclass(frozen=True)
class Summary:
    files: int
    failed: int
    pages: int
    agreements: int
    flagged: int
    seconds: float
    outcomes: tuple[Outcome, ...]

    @property
    def exit_code(self) -> int:
        from .errors import ExitCode

        return int(ExitCode.input_file if self.failed else ExitCode.ok)

    def line(self) -> str:
        return (f"{self.files} files ({self.failed} failed), {self.pages} pages, {self.agreements} agreements, "
                f"{self.flagged} values flagged for review, {self.seconds:.1f} s")


def _flagged(doc: dict[str, Any]) -> int:
    return (len(doc.get("needs_review", ())) + sum(1 for t in doc.get("targets", ()) if t.get("needs_review"))
            + sum(1 for b in doc.get("budget", ()) if b.get("needs_review")))


class _LocalExecutor:
    """Runs tasks in this process (workers == 1): no pickling, easy to debug."""

    def submit(self, fn: Callable, *args: Any) -> Future:
        f: Future = Future()
        try:
            f.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            f.set_exception(exc)
        return f

    def shutdown(self, *a: Any, **k: Any) -> None:
        pass


def _init_worker() -> None:
    import os

    os.environ["OMP_THREAD_LIMIT"] = "1"
    cv2.setNumThreads(1)


def run(inputs: Iterable[str | Path], config: RunConfig, *, executor: Any = None,
        progress: Callable[[int, int], None] | None = None) -> Summary:
    """Process every input; write agreements, CSVs, manifest into `config.out_dir`."""
    t0 = time.monotonic()
    tesseract.check(config.ocr.lang)
    out = Path(config.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = ingest.find_inputs(list(inputs))
    decisions = review.load_decisions(config.corrections)
    ledger = Ledger(out / "ledger.sqlite")
    key = config.result_key()
    outcomes: list[Outcome] = []
    todo: list[tuple[Outcome, ingest.InputFile]] = []
    seen_sha: dict[str, Outcome] = {}
    for p in paths:
        o = Outcome(str(p))
        outcomes.append(o)
        try:
            info = ingest.inspect(p, config.limits)
        except PipelineError as exc:
            o.status, o.error = "failed", str(exc)
            log.error("%s", exc)
            continue
        o.sha256, o.pages = info.sha256, info.pages
        if info.sha256 in seen_sha:
            first = seen_sha[info.sha256]
            o.note = f"same content as {first.file}: not processed again"
            o.status = "duplicate"
            continue
        seen_sha[info.sha256] = o
        done = None if config.force else ledger.done(info.sha256, key, __version__)
        if done is not None and all(export.agreement_path(out, a).exists() for a in done["agreements"]):
            o.status, o.agreements, o.seconds = "ok", list(done["agreements"]), done["seconds"]
            o.pages_read, o.flagged, o.reused = done["pages_read"], done["flagged"], True
            continue
        todo.append((o, info))

    total_pages = sum(info.pages for _, info in todo)
    done_pages = 0
    own_pool = executor is None
    if executor is None:
        executor = _LocalExecutor() if config.workers == 1 else ProcessPoolExecutor(
            max_workers=config.workers, initializer=_init_worker)
    try:
        pending: dict[Future, tuple[str, Outcome, ingest.InputFile, int]] = {}
        page_results: dict[str, dict[int, OcrPage]] = {}
        started: dict[str, float] = {}
        queue = [(o, info, n) for o, info in todo for n in range(1, info.pages + 1)]
        qi = 0
        window = max(2, 2 * config.workers)

        def fill() -> None:
            nonlocal qi
            while qi < len(queue) and sum(1 for v in pending.values() if v[0] == "page") < window:
                o, info, n = queue[qi]
                qi += 1
                if o.status == "failed":
                    continue
                started.setdefault(o.file, time.monotonic())
                fut = executor.submit(page_task, info, n, config)
                pending[fut] = ("page", o, info, n)

        fill()
        while pending:
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for fut in finished:
                kind, o, info, n = pending.pop(fut)
                if kind == "page":
                    done_pages += 1
                    if progress:
                        progress(done_pages, total_pages)
                    if o.status == "failed":
                        continue
                    try:
                        page = fut.result()
                    except PipelineError as exc:
                        o.status, o.error = "failed", str(exc)
                        log.error("%s", exc)
                        continue
                    except Exception as exc:  # a bug or a library crash on one file
                        o.status, o.error = "failed", f"{o.file}: unexpected error: {type(exc).__name__}: {exc}"
                        log.error("%s", o.error, exc_info=log.isEnabledFor(logging.DEBUG))
                        continue
                    got = page_results.setdefault(o.file, {})
                    got[n] = page
                    if len(got) == info.pages:
                        pages = [got[i] for i in range(1, info.pages + 1)]
                        o.pages_read = _methods(pages)
                        fut2 = executor.submit(file_task, str(info.path), info.sha256, pages, config)
                        pending[fut2] = ("file", o, info, 0)
                        del page_results[o.file]
                else:
                    _finish_file(fut, o, info, out, ledger, key, started, config)
            fill()
    finally:
        if own_pool:
            executor.shutdown(wait=True, cancel_futures=True)
    for o in outcomes:
        if o.status == "duplicate":
            first = seen_sha[o.sha256]  # type: ignore[index]
            o.status, o.agreements, o.flagged = first.status, first.agreements, 0
            o.error = first.error
    _write_views(out, outcomes, decisions)
    ledger.close()
    agreements = sum(len(o.agreements) for o in outcomes if not o.note)
    return Summary(len(outcomes), sum(o.status == "failed" for o in outcomes),
                   sum(o.pages for o in outcomes), agreements, sum(o.flagged for o in outcomes),
                   time.monotonic() - t0, tuple(outcomes))


def _methods(pages: Sequence[OcrPage]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for p in pages:
        out.setdefault(p.method, []).append(p.page)
    return out


def _finish_file(fut: Future, o: Outcome, info: ingest.InputFile, out: Path, ledger: Ledger, key: str,
                 started: dict[str, float], config: RunConfig) -> None:
    try:
        docs = fut.result()
        for d in docs:
            export.write_agreement(out, d)
    except PipelineError as exc:
        o.status, o.error = "failed", str(exc)
        log.error("%s", exc)
        return
    except Exception as exc:
        o.status, o.error = "failed", f"{o.file}: unexpected error: {type(exc).__name__}: {exc}"
        log.error("%s", o.error, exc_info=log.isEnabledFor(logging.DEBUG))
        return
    o.status = "ok"
    o.agreements = [d["agreement_id"] for d in docs]
    o.flagged = sum(_flagged(d) for d in docs)
    o.seconds = time.monotonic() - started.get(o.file, time.monotonic())
    ledger.record(info.sha256, key, __version__, o.file, o.agreements, o.seconds, o.pages_read, o.flagged)
    if not config.keep_work:
        shutil.rmtree(Path(out) / WORK_DIR / info.sha256[:16], ignore_errors=True)
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
            import json

            docs.append(json.loads(p.read_text("utf-8")))
    docs, unmatched = review.apply_to_documents(out, docs, decisions)
    for line in unmatched:
        log.warning("review decision not applied: %s", line)
    write_views(out, docs, [o.to_json() for o in outcomes], decisions)
    work = out / WORK_DIR
    if work.exists() and not any(work.iterdir()):
        work.rmdir()


def write_views(out: Path, docs: Sequence[dict[str, Any]], manifest: Sequence[dict[str, Any]],
                decisions: review.Decisions = ()) -> None:
    """Rewrite the files made from the agreements: CSVs, manifest, report.html, agreements.sqlite."""
    export.write_tables(out, docs)
    export.write_manifest(out, manifest)
    report.write_report(out, docs, manifest)
    database.write_database(out, docs, decisions)


def stderr_progress() -> Callable[[int, int], None] | None:
    """A progress bar on a terminal; None when stderr is not one."""
    if not sys.stderr.isatty():
        return None
    t0 = time.monotonic()

    def show(done: int, total: int) -> None:
        el = time.monotonic() - t0
        rate = done / el if el > 0 else 0.0
        left = (total - done) / rate if rate > 0 else 0.0
        width = 30
        fill = int(width * done / max(1, total))
        sys.stderr.write(f"\r[{'#' * fill}{'.' * (width - fill)}] {done}/{total} pages "
                         f"{rate * 60:.0f}/min, {left:.0f} s left ")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show
