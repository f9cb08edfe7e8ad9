"""OCR benchmark: the pipeline's cleanup + OCR against bare Tesseract, page by page.

    .venv/bin/python benchmarks/ocr_benchmark.py [--pages N] [--set heldout|tune] [--no-ablation]

Pages (all generated deterministically into benchmarks/results/ocr/, git-ignored):

* ``sim/<level>``: simulator corpora at every scan level (clean, mild, medium, hard),
  one drawn with the tuning seed and one with a different held-out seed, half of the
  documents scanned in colour (every real vendor scan is); truth = the plain text
  each page was drawn with (``NAME.scan.json``), plus its rotation and skew;
* ``real/<level>``: born-digital Jawa Barat agreements (``pk_born_digital``) rasterised
  at 300 dpi and degraded by the simulator's scanner (`scan_pdf_pages`) at mild, medium
  and hard; truth = their exact text layer (pdfplumber). Held-out = the files of the
  held-out half of ``realdata_split.json`` and those in no half; tune = the dev half;
* ``ocrmypdf``: OCRmyPDF's real scans: ``linn.pdf``, its four ``cardinal.pdf`` turns,
  ``skew.pdf`` and ``rotated_skew.pdf`` (truth text = ``linn.txt``, a reference OCR;
  rotation and skew = the image matrices of the PDFs), ``c02-22.pdf`` and ``epson.pdf``
  (no truth text: orientation only).

Every page is written once as a PNG at its scan dpi, and read side by side, in one pool
of as many processes as cores (jobs interleaved, so both sides share the machine's load):

* ``bare ind`` / ``bare ind+eng``: ``tesseract PAGE.png - -l LANG`` on the raw page,
  one process per page, ``OMP_THREAD_LIMIT=1``;
* ``pipeline``: ``cleanup.clean_page`` + ``ocr.read_page`` with the default settings,
  pages of a group in jobs of up to ``pipeline.PAGES_PER_TASK``, as a batch's tasks
  read them (reading the PNGs included; each page is charged its job's time divided
  by its pages);
* ablation: the pipeline with each `CleanupSettings` step switched off in turn.

Word accuracy is the bag-of-words F1 of normalised words against the truth text,
pooled over the pages of a group: a word is a whitespace-separated token, NFKC,
lower-cased, typographic quotes and dashes made ASCII, punctuation stripped from
both ends (inner punctuation kept: ``1.250,00`` and ``s.t`` are words); matched =
the multiset intersection of truth and OCR words; recall = matched / truth words,
precision = matched / OCR words, F1 their harmonic mean. Word order and line
breaks do not count. Orientation error = pages not turned upright; skew error =
|skew removed - skew applied| in degrees (for OCRmyPDF's copies of linn.pdf the
applied skew is their image matrix's angle). Seconds per page = wall time of each
page's job, ratio = pipeline seconds / bare seconds over the same pages; CPU seconds
(the job's process and its Tesseract children) are printed too, as a check that
does not depend on what else the machine runs.

``--pages N`` pages per group (default 8: 65 held-out pages, about 10 minutes on two
cores with the ablation; the simulated pages come from N/3 documents a level, three at
least, so that more pages are more documents, the first ones those of fewer pages);
``--no-ablation`` skips the ablation; ``--set tune`` scores the tuning pages instead (what
the cleanup was tuned on); ``--seed N`` draws the simulated pages with another seed
(seed 31 was the development set of 2026-12-06).
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import multiprocessing
import os
import resource
import subprocess
import sys
import time
import unicodedata
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REAL = ROOT.parent / "shared" / "realdata"
RESULTS = ROOT / "benchmarks" / "results" / "ocr"
SPLIT = ROOT / "benchmarks" / "realdata_split.json"
TRUTH = ROOT / "benchmarks" / "realdata_truth"
TEMPLATE = ROOT / "truth" / "kpu-bontang-2026.json"

SEEDS = {"tune": 11, "heldout": 29}  # simulator corpora: tuned on 11, reported on 29
REAL_SEEDS = {"tune": 5, "heldout": 17}  # scanner seeds of the degraded born-digital pages
LEVELS = ("clean", "mild", "medium", "hard")
REAL_LEVELS = ("mild", "medium", "hard")
DOCS_PER_LEVEL = 3  # at least; more for more pages, about 3 pages drawn from each
COLOR_PROB = 0.5  # share of colour scans (every page of the real vendor scans is colour)
BARE_LANGS = ("ind", "ind+eng")
ABLATE = ("orientation", "deskew", "normalise_light", "remove_margins", "suppress_colour",
          "denoise", "remove_rules")
OCR_DPIS = (200,)  # the ablation also reads the cleaned pages at these resolutions


# --------------------------------------------------------------------------- scoring

_TYPO = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                       "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " "})
_EDGE = "\"'`.,:;!?()[]{}<>|*_-~=+/\\#^"


def words_of(text: str) -> list[str]:
    """Normalised words of a text (see the module doc)."""
    text = unicodedata.normalize("NFKC", text).translate(_TYPO).lower()
    out = []
    for tok in text.split():
        tok = tok.strip(_EDGE)
        if tok:
            out.append(tok)
    return out


def match_counts(truth: str, got: str) -> tuple[int, int, int]:
    """(matched, truth words, OCR words) of the bag-of-words comparison."""
    t, g = collections.Counter(words_of(truth)), collections.Counter(words_of(got))
    return sum((t & g).values()), sum(t.values()), sum(g.values())


def f1_of(matched: int, n_truth: int, n_got: int) -> tuple[float, float, float]:
    r = matched / n_truth if n_truth else 0.0
    p = matched / n_got if n_got else 0.0
    return (2 * p * r / (p + r) if p + r else 0.0), r, p


# --------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class Page:
    """One benchmark page: a PNG at its scan dpi and what is known about it."""

    id: str
    group: str  # sim/<level>, real/<level>, ocrmypdf
    png: str
    dpi: int
    truth: str | None = None  # plain text; None: orientation/skew only
    rotation: int | None = None  # clockwise degrees that make the page upright
    skew: float | None = None  # degrees, positive = content turned counter-clockwise


def _save_png(image: Any, path: Path, dpi: int) -> None:
    import cv2
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    Image.fromarray(image).save(path, dpi=(dpi, dpi), compress_level=1)


def _render(pdf: Path, page_no: int, dpi: int) -> Any:
    """The page as ingest hands it to cleanup (grey, or BGR when it has colour)."""
    from ocr_pipeline.config import Limits
    from ocr_pipeline.stages import ingest

    info = ingest.inspect(pdf, Limits())
    for page in ingest.iter_pages(info, dpi, Limits(), (page_no,)):
        return page.image
    raise ValueError(f"{pdf}: no page {page_no}")


def _round_robin(groups: list[list[Any]], n: int, start: int = 0) -> list[Any]:
    """Up to `n` items, one from each list in turn (starting at list `start`)."""
    out: list[Any] = []
    k = len(groups)
    idx = [0] * k
    while len(out) < n and any(idx[i] < len(groups[i]) for i in range(k)):
        for j in range(k):
            i = (start + j) % k
            if idx[i] < len(groups[i]) and len(out) < n:
                out.append(groups[i][idx[i]])
                idx[i] += 1
    return out


def sim_pages(which: str, n: int, jobs: int, seed: int | None = None) -> list[Page]:
    """`n` pages per level from a simulator corpus drawn with the set's seed (or `seed`)."""
    from ocr_pipeline.simulate import corpus

    seed = SEEDS[which] if seed is None else seed
    folder = RESULTS / f"corpus-{seed}-c{round(COLOR_PROB * 100)}"
    template = corpus.load_template(TEMPLATE)
    docs = max(DOCS_PER_LEVEL, math.ceil(n / 3))  # the first documents stay those of fewer pages
    specs = corpus.corpus_specs(template, docs * len(LEVELS), list(LEVELS), seed,
                                color_prob=COLOR_PROB)
    todo = [s for s in specs if not (folder / f"{s.name}.scan.json").exists()]
    if todo:
        log(f"drawing {len(todo)} simulated documents (seed {seed}) into {folder}")
        corpus.write_all(todo, folder, jobs)
    pages = []
    for lv in LEVELS:
        per_doc = []
        for s in specs:
            if s.level != lv:
                continue
            meta = json.loads((folder / f"{s.name}.scan.json").read_text())
            per_doc.append([(s.name, meta, p) for p in meta["pages"]])
        for name, meta, p in _round_robin(per_doc, n):
            png = folder / "png" / f"{name}-p{p['page']:02d}.png"
            if not png.exists():
                _save_png(_render(folder / f"{name}.pdf", p["page"], meta["dpi"]), png, meta["dpi"])
            pages.append(Page(f"{name}#{p['page']}", f"sim/{lv}", str(png), meta["dpi"], p["text"],
                              p["rotation_to_upright"], p["skew_degrees"]))
    return pages


def _born_digital_files(which: str) -> list[Path]:
    split = json.loads(SPLIT.read_text())
    def files(names: list[str]) -> set[str]:
        return {json.loads((TRUTH / n).read_text())[0]["source"]["file"] for n in names}
    dev = files(split["dev"])
    folder = REAL / "pk_born_digital"
    every = sorted(p.name for p in folder.glob("*.pdf"))
    names = [f for f in every if f in dev] if which == "tune" else \
        [f for f in every if f not in dev]  # held-out half and files in neither half
    return [folder / f for f in names]


def _scan_real(task: tuple[str, str, str, int]) -> list[dict[str, Any]]:
    src, dst, lv, seed = task
    from ocr_pipeline.simulate.scanner import scan_pdf_pages

    meta = Path(dst).with_suffix(".scan.json")
    if meta.exists() and Path(dst).exists():
        return json.loads(meta.read_text())
    records = list(scan_pdf_pages(Path(src), Path(dst), level=lv, seed=seed, dpi=300))
    meta.write_text(json.dumps(records))
    return records


def real_pages(which: str, n: int, jobs: int) -> list[Page]:
    """`n` degraded born-digital pages per level; truth = their exact text layer."""
    import pdfplumber

    if not REAL.exists():
        log(f"no real data at {REAL}: real pages skipped")
        return []
    files = _born_digital_files(which)
    texts: dict[Path, list[str]] = {}
    for f in files:
        with pdfplumber.open(str(f)) as pdf:
            texts[f] = [pg.extract_text() or "" for pg in pdf.pages]
    folder = RESULTS / f"real-{which}"
    pages: list[Page] = []
    plan: list[tuple[str, Path, int, list[tuple[Path, int]]]] = []
    for k, lv in enumerate(REAL_LEVELS):
        per_file = [[(f, i + 1) for i, t in enumerate(texts[f]) if len(words_of(t)) >= 20]
                    for f in files]
        chosen = _round_robin(per_file, n, start=k * 3)
        plan.append((lv, folder / lv, REAL_SEEDS[which] + k, chosen))
    tasks = sorted({(str(f), str(d / f.name), lv, seed) for lv, d, seed, chosen in plan
                    for f, _ in chosen})
    todo = [t for t in tasks if not Path(t[1]).with_suffix(".scan.json").exists()]
    if todo:
        log(f"degrading {len(todo)} born-digital files into {folder}")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")
                             ) as pool:  # spawned: see main()
        scans = dict(zip(tasks, pool.map(_scan_real, tasks), strict=True))
    for lv, d, seed, chosen in plan:
        for f, page_no in chosen:
            rec = scans[(str(f), str(d / f.name), lv, seed)][page_no - 1]
            png = d / "png" / f"{f.stem}-p{page_no:02d}.png"
            if not png.exists():
                _save_png(_render(d / f.name, page_no, rec["dpi"]), png, rec["dpi"])
            pages.append(Page(f"{lv}:{f.name}#{page_no}", f"real/{lv}", str(png), rec["dpi"],
                              texts[f][page_no - 1], rec["rotation_to_upright"],
                              rec["skew_degrees"]))
    return pages


def _image_geometry(pdf: Path, page_no: int) -> tuple[int, float, int]:
    """(clockwise quarter turns to upright, skew, native dpi) of a page's one big image.

    Read from the image's placement matrix and the page's /Rotate: a PDF angle is
    counter-clockwise with y up, as seen on screen.
    """
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[page_no - 1]
        imgs = [o for o in page.get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
        big = max(imgs, key=lambda o: abs(o.get_matrix().a * o.get_matrix().d
                                          - o.get_matrix().b * o.get_matrix().c))
        m = big.get_matrix()
        angle = math.degrees(math.atan2(m.b, m.a)) - page.get_rotation()  # ccw on screen
        quarter = round(angle / 90) * 90
        skew = angle - quarter
        px_w, _ = big.get_px_size()
        dpi = int(round(px_w / (math.hypot(m.a, m.b) / 72)))
    finally:
        doc.close()
    # content turned counter-clockwise by `quarter`: turning it clockwise by as much is upright
    return int(quarter) % 360, round(skew, 3), dpi


def ocrmypdf_pages() -> list[Page]:
    folder = REAL / "ocrmypdf_scans"
    if not folder.exists():
        return []
    linn = (folder / "linn.txt").read_text("utf-8")
    out = []
    for name, truth in (("linn.pdf", linn), ("cardinal.pdf", linn), ("skew.pdf", linn),
                        ("rotated_skew.pdf", linn), ("c02-22.pdf", None), ("epson.pdf", None)):
        pdf = folder / name
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(pdf))
        n = len(doc)
        doc.close()
        for i in range(1, n + 1):
            rot, skew, dpi = _image_geometry(pdf, i)
            png = RESULTS / "ocrmypdf" / f"{pdf.stem}-p{i}.png"
            if not png.exists():
                _save_png(_render(pdf, i, dpi), png, dpi)
            out.append(Page(f"{name}#{i}", "ocrmypdf", str(png), dpi, truth, rot,
                            skew if name in ("skew.pdf", "rotated_skew.pdf", "linn.pdf",
                                             "cardinal.pdf") else None))
    return out


# --------------------------------------------------------------------------- jobs


def _cpu() -> float:
    """CPU seconds of this process, of its finished children (bare Tesseract), and of
    its Tesseract server's reading (the pipeline's: a child never waited for)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    tesseract = sys.modules.get("ocr_pipeline._exec.tesseract")
    return (me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
            + (tesseract.server_cpu() if tesseract else 0.0))


def run_job(pages: tuple[Page, ...], method: str) -> list[dict[str, Any]]:
    """Read pages one way (bare Tesseract: one page); returns the text, geometry, wall and
    CPU seconds of each page (the pipeline's: its job's time divided among its pages)."""
    cpu0 = _cpu()
    if method.startswith("bare "):
        (page,) = pages
        lang = method.split()[1]
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        t0 = time.perf_counter()
        res = subprocess.run(["tesseract", page.png, "-", "-l", lang], capture_output=True,
                             text=True, env=env, check=False)
        secs = time.perf_counter() - t0
        return [{"id": page.id, "method": method, "seconds": secs, "cpu": _cpu() - cpu0,
                 "text": res.stdout, "rotation": None, "skew": None}]
    import cv2

    from ocr_pipeline.config import CleanupSettings, OcrSettings
    from ocr_pipeline.records import PageImage
    from ocr_pipeline.stages import cleanup, ocr

    settings, ocr_dpi = CleanupSettings(), cleanup.OCR_DPI
    if method.startswith("pipeline -"):
        settings = replace(settings, **{method.split("-", 1)[1]: False})
    elif method.startswith("pipeline ocr@"):
        ocr_dpi = int(method.split("@", 1)[1])
    saved, cleanup.OCR_DPI = cleanup.OCR_DPI, ocr_dpi
    try:
        t0 = time.perf_counter()
        cleans = [cleanup.clean_page(PageImage(page.png, 1, page.dpi, cv2.imread(page.png, cv2.IMREAD_UNCHANGED),
                                               None, "ocr: image file"), settings) for page in pages]
        reads = [ocr.read_page(clean, OcrSettings(), timeout=300) for clean in cleans]
        secs = (time.perf_counter() - t0) / len(pages)
    finally:
        cleanup.OCR_DPI = saved
    cpu = (_cpu() - cpu0) / len(pages)
    out = []
    for page, read in zip(pages, reads, strict=True):
        lines: dict[int, list[Any]] = collections.defaultdict(list)
        for w in read.words:
            lines[w.line].append(w)
        text = "\n".join(" ".join(w.text for w in sorted(ws, key=lambda w: w.bbox[0]))
                         for _, ws in sorted(lines.items(), key=lambda kv: min(w.bbox[1] for w in kv[1])))
        out.append({"id": page.id, "method": method, "seconds": secs, "cpu": cpu,
                    "text": text, "rotation": read.rotation, "skew": read.skew})
    return out


def _run(args: tuple[tuple[Page, ...], str]) -> list[dict[str, Any]]:
    return run_job(*args)


def _side_by_side(pages: list[Page]) -> list[tuple[Page, ...]]:
    """Pages of each group in runs of up to `pipeline.PAGES_PER_TASK` (as a batch's tasks)."""
    from ocr_pipeline.pipeline import PAGES_PER_TASK

    by_group: dict[str, list[Page]] = collections.defaultdict(list)
    for p in pages:
        by_group[p.group].append(p)
    return [tuple(ps[i:i + PAGES_PER_TASK]) for ps in by_group.values()
            for i in range(0, len(ps), PAGES_PER_TASK)]


def _worker_init() -> None:
    """One OpenCV and one Tesseract thread per process, as the pipeline's workers have."""
    import cv2

    os.environ["OMP_THREAD_LIMIT"] = "1"
    cv2.setNumThreads(1)


# --------------------------------------------------------------------------- report


def summarise(pages: list[Page], results: list[dict[str, Any]], methods: list[str]
              ) -> dict[str, Any]:
    by = {(r["id"], r["method"]): r for r in results}
    groups = list(dict.fromkeys(p.group for p in pages))
    out: dict[str, Any] = {}
    for g in groups + ["all"]:
        gp = [p for p in pages if g in ("all", p.group)]
        row: dict[str, Any] = {"pages": len(gp), "turned": sum(1 for p in gp if p.rotation)}
        for m in methods:
            rs = [(p, by[(p.id, m)]) for p in gp if (p.id, m) in by]
            if not rs:
                continue
            matched = n_t = n_g = 0
            for p, r in rs:
                if p.truth is not None:
                    a, b, c = match_counts(p.truth, r["text"])
                    matched, n_t, n_g = matched + a, n_t + b, n_g + c
            f1, rec, prec = f1_of(matched, n_t, n_g)
            d: dict[str, Any] = {"seconds": sum(r["seconds"] for _, r in rs) / len(rs),
                                 "cpu": sum(r["cpu"] for _, r in rs) / len(rs)}
            if n_t:
                d.update(f1=f1, recall=rec, precision=prec)
            rot = [(p, r) for p, r in rs if p.rotation is not None and r["rotation"] is not None]
            if rot:
                d["orientation_errors"] = sum(1 for p, r in rot if r["rotation"] != p.rotation)
                d["orientation_pages"] = len(rot)
            sk = [abs(r["skew"] + p.skew) for p, r in rs
                  if p.skew is not None and r["skew"] is not None and r["rotation"] == p.rotation]
            if sk:
                d["skew_error_mean"] = sum(sk) / len(sk)
                d["skew_error_max"] = max(sk)
            row[m] = d
        out[g] = row
    return out


def _fmt(v: float | None, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def table_accuracy(summary: dict[str, Any]) -> str:
    """Word F1 of bare Tesseract and of the pipeline; the pipeline's orientation and skew."""
    head = ("| pages | n (turned) | F1 bare ind | F1 bare ind+eng | F1 pipeline | recall pipeline"
            " | precision pipeline | orientation wrong | skew error mean / max (deg) |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for g, row in summary.items():
        b1, b2, pl = row.get("bare ind", {}), row.get("bare ind+eng", {}), row.get("pipeline", {})
        if not pl:
            continue
        ow = f"{pl['orientation_errors']}/{pl['orientation_pages']}" if "orientation_pages" in pl \
            else "-"
        sk = (f"{pl['skew_error_mean']:.3f} / {pl['skew_error_max']:.3f}"
              if "skew_error_mean" in pl else "-")
        lines.append(
            f"| {g} | {row['pages']} ({row['turned']}) | {_fmt(b1.get('f1'), '.3f')} | "
            f"{_fmt(b2.get('f1'), '.3f')} | **{_fmt(pl.get('f1'), '.3f')}** | "
            f"{_fmt(pl.get('recall'), '.3f')} | {_fmt(pl.get('precision'), '.3f')} | {ow} | {sk} |")
    return "\n".join(lines)


def _ratio(a: dict[str, Any], b: dict[str, Any], key: str) -> str:
    return _fmt(a[key] / b[key] if b.get(key) else None, ".2f")


def table_time(summary: dict[str, Any]) -> str:
    """Seconds per page (wall, and CPU of the process and its Tesseract) and the ratios."""
    head = ("| pages | s/page bare ind | s/page bare ind+eng | s/page pipeline | ratio vs bare ind"
            " | ratio vs bare ind+eng | CPU s/page bare ind | bare ind+eng | pipeline"
            " | CPU ratio vs ind | vs ind+eng |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for g, row in summary.items():
        b1, b2, pl = row.get("bare ind", {}), row.get("bare ind+eng", {}), row.get("pipeline", {})
        if not pl:
            continue

        lines.append(
            f"| {g} | {_fmt(b1.get('seconds'), '.2f')} | {_fmt(b2.get('seconds'), '.2f')} | "
            f"{pl['seconds']:.2f} | **{_ratio(pl, b1, 'seconds')}** | "
            f"**{_ratio(pl, b2, 'seconds')}** | {_fmt(b1.get('cpu'), '.2f')} | "
            f"{_fmt(b2.get('cpu'), '.2f')} | {pl['cpu']:.2f} | {_ratio(pl, b1, 'cpu')} | "
            f"{_ratio(pl, b2, 'cpu')} |")
    return "\n".join(lines)


def _variant_label(v: str) -> str:
    if v == "pipeline":
        return "none (the pipeline as it is)"
    if v.startswith("pipeline ocr@"):
        return f"(OCR at {v.split('@')[1]} dpi instead of {OCR_DPI_NOW})"
    return v.split("-", 1)[1]


OCR_DPI_NOW = 0  # set in main(): the pipeline's own OCR resolution


def table_ablation(summary: dict[str, Any], variants: list[str]) -> str:
    """F1 per group and seconds per page of each variant, against the pipeline on the same pages."""
    groups = [g for g, row in summary.items() if g != "all" and any(v in row for v in variants)]
    head = ("| step switched off | " + " | ".join(f"{g} F1" for g in groups)
            + " | all F1 | s/page | time vs pipeline |")
    lines = [head, "|" + "---|" * (len(groups) + 4)]
    for v in ["pipeline"] + variants:
        cells = []
        for g in groups + ["all"]:
            d, base = summary[g].get(v, {}), summary[g].get("pipeline", {})
            if "f1" in d and v != "pipeline" and "f1" in base:
                cells.append(f"{d['f1']:.3f} ({d['f1'] - base['f1']:+.3f})")
            else:
                cells.append(_fmt(d.get("f1"), ".3f"))
        secs = summary["all"].get(v, {}).get("seconds")
        base_secs = summary["all"].get("pipeline", {}).get("seconds")
        ratio = secs / base_secs if secs and base_secs else None
        lines.append(f"| {_variant_label(v)} | " + " | ".join(cells)
                     + f" | {_fmt(secs, '.2f')} | {_fmt(ratio, '.2f')} |")
    return "\n".join(lines)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=8, help="pages per level and source (default 8)")
    ap.add_argument("--set", choices=("heldout", "tune"), default="heldout")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-ablation", action="store_true")
    ap.add_argument("--ablation-pages", type=int, default=None,
                    help="pages per group in the ablation (default: --pages)")
    ap.add_argument("--seed", type=int, default=None,
                    help="draw the simulated pages with this seed, not the set's (a development set)")
    ap.add_argument("--groups", default="", help="only these groups (comma-separated prefixes)")
    ap.add_argument("--methods", default="", help="only these methods (comma-separated)")
    ap.add_argument("--out", type=Path, default=None, help="JSON result (default in results/)")
    args = ap.parse_args(argv)

    t0 = time.time()
    pages = sim_pages(args.set, args.pages, args.jobs, args.seed)
    pages += real_pages(args.set, args.pages, args.jobs)
    if args.set == "heldout":
        pages += ocrmypdf_pages()
    if args.groups:
        pages = [p for p in pages if any(p.group.startswith(g) for g in args.groups.split(","))]
    log(f"{len(pages)} pages ready in {time.time() - t0:.0f} s")

    from ocr_pipeline.stages import cleanup

    global OCR_DPI_NOW
    OCR_DPI_NOW = cleanup.OCR_DPI
    main_methods = [f"bare {lang}" for lang in BARE_LANGS] + ["pipeline"]
    variants = [] if args.no_ablation else (
        [f"pipeline -{f}" for f in ABLATE] + [f"pipeline ocr@{d}" for d in OCR_DPIS])
    if args.methods:
        keep = args.methods.split(",")
        main_methods = [m for m in main_methods if m in keep]
        variants = [m for m in variants if m in keep]
    n_ab = args.ablation_pages or args.pages
    ab_pages = {p.id for p in _per_group([p for p in pages if p.group != "ocrmypdf"], n_ab)}
    runs = _side_by_side(pages)
    jobs = [((p,), m) for p in pages for m in main_methods if m.startswith("bare ")]
    jobs += [(run, m) for run in runs for m in main_methods if not m.startswith("bare ")]
    jobs += [(run, v) for run in _side_by_side([p for p in pages if p.id in ab_pages]) for v in variants]
    # interleave pages of different groups so that the load is even across methods
    jobs.sort(key=lambda j: (zlib.crc32(j[0][0].id.encode()), j[0][0].id))
    log(f"{len(jobs)} jobs on {args.jobs} processes")
    t1 = time.time()
    results = []
    # spawned, not forked: a child forked after OpenCV's thread pool has run (drawing
    # the corpus) can hang on its lock
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=args.jobs, mp_context=ctx,
                             initializer=_worker_init) as pool:
        for k, r in enumerate(pool.map(_run, jobs, chunksize=1), 1):
            results.extend(r)
            if k % 25 == 0:
                log(f"  {k}/{len(jobs)} jobs, {time.time() - t1:.0f} s")
    summary = summarise(pages, results, main_methods)
    md = [f"## OCR benchmark ({args.set} pages; {args.jobs} processes; OCR at {OCR_DPI_NOW} dpi)",
          "", "### Word accuracy", "", table_accuracy(summary), "",
          "### Time per page, side by side in one run", "", table_time(summary)]
    ablation: dict[str, Any] = {}
    if variants:
        ablation = summarise([p for p in pages if p.id in ab_pages], results,
                             ["pipeline"] + variants)
        md += ["", f"### Ablation: each cleanup step off in turn ({len(ab_pages)} pages)", "",
               table_ablation(ablation, variants)]
    text = "\n".join(md)
    print(text)
    out = args.out or RESULTS / f"ocr_benchmark-{args.set}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    per_page = []
    by = {(r["id"], r["method"]): r for r in results}
    for p in pages:
        row: dict[str, Any] = {k: v for k, v in asdict(p).items() if k != "truth"}
        for m in main_methods + variants:
            r = by.get((p.id, m))
            if r is None:
                continue
            d: dict[str, Any] = {"seconds": round(r["seconds"], 3), "cpu": round(r["cpu"], 3)}
            if p.truth is not None:
                d["f1"] = round(f1_of(*match_counts(p.truth, r["text"]))[0], 4)
            if r["rotation"] is not None:
                d.update(rotation=r["rotation"], skew=r["skew"])
            row[m] = d
        per_page.append(row)
    out.write_text(json.dumps({"set": args.set, "jobs": args.jobs, "seeds": SEEDS,
                               "real_seeds": REAL_SEEDS, "pages_per_group": args.pages,
                               "ocr_dpi": OCR_DPI_NOW, "summary": summary,
                               "ablation": ablation, "pages": per_page, "markdown": text,
                               "wall_seconds": round(time.time() - t0, 1)}, indent=1))
    log(f"wrote {out} ({time.time() - t0:.0f} s in all)")
    return 0


def _per_group(pages: list[Page], n: int) -> list[Page]:
    seen: dict[str, int] = collections.Counter()
    out = []
    for p in pages:
        if seen[p.group] < n:
            seen[p.group] += 1
            out.append(p)
    return out


if __name__ == "__main__":
    sys.exit(main())
