"""Write simulated scans: NAME.pdf, NAME.truth.json and NAME.scan.json.

`write_document(DocSpec(...), out_dir)` lays out a truth bundle, draws each page
at `render_dpi`, scans it at the spec's level and output dpi, and writes:

* ``NAME.pdf`` - an image-only PDF, one JPEG image per page (greyscale unless the
  spec asks for a colour scan), page size = image size / dpi, written with
  Pillow's PDF writer with fixed metadata dates, so a seed gives the same bytes;
* ``NAME.truth.json`` - the bundle's agreements as drawn, valid against the
  contract, with ``source.file`` = ``NAME.pdf``, its sha256 and the pages;
* ``NAME.scan.json`` - level, seed, dpi, page size, style, and per page the
  rotation, skew, effects, affine to the scan, fonts, the plain text drawn (for
  OCR word-accuracy benchmarks), the stamp lettering and the table cells.

`sample_specs` and `corpus_specs` say what `python -m ocr_pipeline.simulate
samples|corpus` writes.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import logging
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import PIL
from PIL import Image

from ..errors import BadArgsError, SchemaError
from ..stages.export import atomic_write, dumps, schema_errors
from . import offices
from .canvas import PAGE_SIZES_MM, PageLayout, draw_page
from .fonts import LAYOUT_DPI
from .render import Layout, RenderOptions, layout_bundle
from .scanner import LEVELS, PageScan, level, scan_page

log = logging.getLogger(__name__)

PDF_DATE = time.struct_time((2026, 1, 1, 0, 0, 0, 3, 1, 0))  # fixed: same bytes every run
PDF_QUALITY = {"clean": 75, "mild": 65, "medium": 55, "hard": 45}  # JPEG quality in the PDF


@dataclass(frozen=True, slots=True)
class DocSpec:
    """One simulated scan to write."""

    name: str  # file stem
    agreements: tuple[dict[str, Any], ...]
    level: str
    seed: int
    dpi: int = 200
    render_dpi: int = 300
    color: bool = False
    variant: str | None = None
    page_size: str | None = None
    note: str = ""  # what this document is, for scan.json
    pdf_quality: int | None = None  # JPEG quality of the PDF's images; None: by level
    bullet: str | None = None  # the mark of every list's items ('' none); None: by the RNG

    @property
    def quality(self) -> int:
        return self.pdf_quality or PDF_QUALITY[self.level]

    def __post_init__(self) -> None:
        level(self.level)
        if not 30 <= self.dpi <= self.render_dpi <= 600:
            raise ValueError(f"{self.name}: need 30 <= dpi <= render_dpi <= 600 "
                             f"(got {self.dpi} / {self.render_dpi}); scans are 200 or 300 dpi")
        if not self.agreements:
            raise ValueError(f"{self.name}: no agreements to draw")


@dataclass(frozen=True, slots=True)
class Written:
    pdf: Path
    truth: Path
    scan: Path
    pages: int
    bytes: int = 0
    agreements: int = field(default=0)


def _scans(spec: DocSpec, lay: Layout) -> Iterator[tuple[PageLayout, PageScan]]:
    """Draw and scan the pages in order; the page behind shows through (bleed-through)."""
    lv = level(spec.level)
    pages = lay.pages
    drawn: dict[int, np.ndarray] = {}

    def get(i: int) -> np.ndarray:
        if i not in drawn:
            drawn[i] = draw_page(pages[i], spec.render_dpi)
        return drawn[i]

    for i, page in enumerate(pages):
        back_i = i + 1 if i + 1 < len(pages) else i - 1
        back = get(back_i) if back_i >= 0 else None
        scan = scan_page(get(i), lv, seed=[spec.seed, i + 1], dpi_in=spec.render_dpi,
                         dpi_out=spec.dpi, color=spec.color, backside=back,
                         backside_page=back_i + 1 if back is not None else None)
        drawn.pop(i - 1, None)
        yield page, scan


def image_pdf(images: Sequence[Image.Image], dpi: float, quality: int, title: str) -> bytes:
    """An image-only PDF: one JPEG per page, page size = pixels / dpi (Pillow's PDF writer),
    fixed dates (the same images give the same bytes)."""
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=list(images[1:]),
                   resolution=float(dpi), quality=quality, optimize=True,
                   title=title, producer="ocr_pipeline.simulate", creator="ocr_pipeline",
                   creationDate=PDF_DATE, modDate=PDF_DATE)
    return buf.getvalue()


def _page_record(page: PageLayout, scan: PageScan, spec: DocSpec) -> dict[str, Any]:
    s = spec.dpi / LAYOUT_DPI
    return {
        "page": page.number, "agreement": page.agreement + 1, "kind": page.kind,
        **scan.to_json(),
        "fonts": list(page.fonts()),
        "text": page.text(),
        "stamp_text": list(page.stamp_text),
        "cells": [{"agreement": c.agreement + 1, "column": c.column,
                   "rows": [r + 1 for r in c.rows],
                   "bbox": [round(v * s, 1) for v in c.bbox], "text": c.text}
                  for c in page.cells],
    }


def _finish_truth(lay: Layout, spec: DocSpec, sha: str) -> list[dict[str, Any]]:
    docs = []
    for k, t in enumerate(lay.truth):
        doc = dict(t)
        doc["agreement_id"] = f"{spec.name}-{k + 1:02d}"
        doc["source"] = {"file": f"{spec.name}.pdf", "sha256": sha,
                         "pages": list(t["source"]["pages"])}
        errs = schema_errors(doc)
        if errs:
            raise SchemaError(f"{spec.name}: agreement {k + 1} breaks the contract: "
                              + "; ".join(errs[:5]))
        docs.append(doc)
    return docs


def write_document(spec: DocSpec, out_dir: Path) -> Written:
    """Lay out, draw, scan and write one document (see the module doc)."""
    out_dir = Path(out_dir)
    lay = layout_bundle(list(spec.agreements), RenderOptions(spec.seed, spec.variant,
                                                               spec.page_size, bullet=spec.bullet))
    images, records = [], []
    for page, scan in _scans(spec, lay):
        images.append(Image.fromarray(scan.image, "RGB" if spec.color else "L"))
        records.append(_page_record(page, scan, spec))
    pdf = image_pdf(images, spec.dpi, spec.quality, spec.name)
    sha = hashlib.sha256(pdf).hexdigest()
    truth = _finish_truth(lay, spec, sha)
    paths = (out_dir / f"{spec.name}.pdf", out_dir / f"{spec.name}.truth.json",
             out_dir / f"{spec.name}.scan.json")
    atomic_write(paths[0], pdf)
    atomic_write(paths[1], dumps(truth))
    size_mm = PAGE_SIZES_MM[lay.style.size]
    meta = {
        "file": paths[0].name, "truth": paths[1].name, "note": spec.note,
        "level": spec.level, "seed": spec.seed, "dpi": spec.dpi, "render_dpi": spec.render_dpi,
        "color": spec.color, "page_size": lay.style.size, "page_size_mm": list(size_mm),
        "pdf": {"writer": f"Pillow {PIL.__version__}", "jpeg_quality": spec.quality,
                "sha256": sha},
        "style": lay.style.to_json(),
        "conventions": {
            "skew_degrees": "positive = content turned counter-clockwise on screen",
            "rotation": "clockwise degrees the scanner turned the page (0/90/180/270); "
                        "rotation_to_upright = clockwise degrees that make it upright",
            "to_scan": "affine a,b,c,d,e,f: clean page pixel (x, y) at dpi -> scan pixel "
                       "(a x + b y + c, d x + e y + f)",
            "cells.bbox": "x0, y0, x1, y1 in pixels of the clean page at dpi (before the scan)",
            "cells.rows": "1-based rows of the agreement's targets (or budget lines) covered",
        },
        "agreements": [{"agreement": k + 1, "agreement_id": t["agreement_id"],
                        "pages": t["source"]["pages"]} for k, t in enumerate(truth)],
        "pages": records,
    }
    atomic_write(paths[2], json.dumps(meta, ensure_ascii=False, indent=1) + "\n")
    for p in paths:  # atomic_write creates 0600 files; scans are to be shared
        p.chmod(0o644)
    log.info("wrote %s: %d agreements, %d pages, %s, %.0f kB", paths[0].name, len(truth),
             len(records), spec.level, len(pdf) / 1024)
    return Written(*paths, pages=len(records), bytes=len(pdf), agreements=len(truth))


# --------------------------------------------------------------------------- what to write


def load_template(path: Path) -> list[dict[str, Any]]:
    """The seed truth bundle, the template of KPU-style documents."""
    path = Path(path)
    if not path.is_file():
        raise BadArgsError(f"the seed truth {path} does not exist; pass --truth with the path "
                           "of truth/kpu-bontang-2026.json")
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BadArgsError(f"cannot read the seed truth {path}: {exc}") from exc
    if not isinstance(data, list) or not data:
        raise BadArgsError(f"{path} must hold a JSON list of agreements")
    return data


def sample_specs(template: Sequence[dict[str, Any]], seed: int = 2026) -> list[DocSpec]:
    """The few small samples of `scans/`: four offices, four levels, both layouts."""
    t = tuple(template)
    paser = offices.other_office(t, "KPU Kabupaten Paser", seed=seed + 1)
    jabar = offices.jabar_bundle("Dinas Peternakan Provinsi Jawa Barat", seed=seed + 2, year=2016)
    kaltim = offices.other_office(t, "KPU Provinsi Kalimantan Timur", seed=seed + 3)
    one = len(t) - 2 if len(t) > 1 else 0  # a subordinate's agreement (the head comes first)
    return [
        DocSpec("sim-kpu-bontang-2026-mild", t, "mild", seed, variant="kpu", page_size="F4",
                pdf_quality=50, note="the seed bundle, redrawn and scanned"),
        DocSpec("sim-kpu-kabupaten-paser-2026-medium", tuple(paser[-1:]), "medium", seed + 1,
                variant="kpu", note="another KPU office, novel indicators, varied targets"),
        DocSpec("sim-dinas-peternakan-jabar-2016-hard", tuple(jabar[2:3]), "hard", seed + 2,
                variant="jabar", note="Jawa Barat layout, list items, scanned hard"),
        DocSpec("sim-kpu-provinsi-kaltim-2026-clean", tuple(kaltim[one:one + 1]), "clean", seed + 3,
                page_size="A4", note="one subordinate's agreement, clean scan"),
    ]


def corpus_specs(template: Sequence[dict[str, Any]] | None, n: int, levels: Sequence[str],
                 seed: int, dpis: Sequence[int] = (200, 300), color_prob: float = 0.2,
                 bullet: str | None = None) -> list[DocSpec]:
    """`n` documents cycling through `levels`, offices, layouts, sizes and bundle sizes.

    The documents of one office are parts of one bundle, as an archive's scans of one
    office and year are: its head's targets are the union of its subordinates' in every
    document, so reconciling them across the corpus finds no disagreement the truth
    does not have. `bullet` fixes the mark of every list's items ('' none: lists printed
    without marks, as some real agreements print them), else the RNG picks it.
    """
    for lv in levels:
        if lv not in LEVELS:
            raise BadArgsError(f"unknown level {lv!r}; use {','.join(LEVELS)}")
    kpu = list(offices.KPU_OFFICES) if template else []
    jab = list(offices.jabar_offices())
    specs = []
    bundles: dict[str, list[dict[str, Any]]] = {}
    for i in range(n):
        rng = np.random.default_rng([seed, i])
        pool = kpu if (kpu and rng.random() < 0.6) else jab
        office = pool[int(rng.integers(len(pool)))]
        rng.integers(1 << 31)  # a bundle's seed once: drawn still, so that the other draws stay as they were
        if office.slug not in bundles:
            office_seed = int(np.random.default_rng([seed, *office.slug.encode()]).integers(1 << 31))
            bundles[office.slug] = offices.make_bundle(office, seed=office_seed, template=template)
        bundle = copy.deepcopy(bundles[office.slug])  # rendering writes pages into its rows
        k = len(bundle)
        if rng.random() < 0.4:
            start = int(rng.integers(k))
            bundle = bundle[start:start + 1]
        elif k > 2:
            start = int(rng.integers(k - 1))
            bundle = bundle[start:start + int(rng.integers(2, k - start + 1))]
        variant = office.layout if rng.random() < 0.8 else \
            ("jabar" if office.layout == "kpu" else "kpu")
        lv = levels[i % len(levels)]
        specs.append(DocSpec(f"sim-{i:04d}-{office.slug}-{lv}", tuple(bundle), lv,
                             int(rng.integers(1 << 31)), dpi=int(rng.choice(list(dpis))),
                             color=bool(rng.random() < color_prob), variant=variant,
                             note=f"{office.name}, {len(bundle)} agreement(s), {variant} layout",
                             bullet=bullet))
    return specs


def write_all(specs: Sequence[DocSpec], out_dir: Path, jobs: int = 1) -> list[Written]:
    """Write every spec, in `jobs` processes; the files do not depend on `jobs`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if jobs <= 1:
        return [write_document(s, out_dir) for s in specs]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(write_document, specs, [out_dir] * len(specs)))
