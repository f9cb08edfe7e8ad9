"""Score the pipeline on the real Jawa Barat agreements of ../shared/realdata.

Truth: benchmarks/realdata_truth/*.truth.json (made from the exact text, see NOTES.md).
The files are split once, by a hash of their names, into a development half (looked
at while building the pipeline) and a held-out half (only scored): see
benchmarks/realdata_split.json.

    .venv/bin/python benchmarks/realdata.py --set heldout --mode text   # born-digital text layer
    .venv/bin/python benchmarks/realdata.py --set heldout --mode scan --level medium

`--mode scan` rasterises every page at 300 dpi, degrades it with the scan simulator
at the given level, writes image-only PDFs and runs the pipeline on those (OCR).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "realdata"
TRUTH = ROOT / "benchmarks" / "realdata_truth"
SPLIT = ROOT / "benchmarks" / "realdata_split.json"


def source_pdf(truth: Path) -> Path:
    name = json.loads(truth.read_text())[0]["source"]["file"]
    for d in ("pk_born_digital", "pk_docx_rendered/pdf"):
        p = REAL / d / name
        if p.exists():
            return p
    raise FileNotFoundError(name)


def degrade_pdf(src: Path, dst: Path, level: str, seed: int) -> None:
    """Rasterise a PDF and write it back as an image-only scan at `level`."""
    from ocr_pipeline.simulate.scanner import scan_pdf_pages

    scan_pdf_pages(src, dst, level=level, seed=seed)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=("dev", "heldout", "all"), default="heldout")
    ap.add_argument("--mode", choices=("text", "scan"), default="text")
    ap.add_argument("--level", default="medium")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "results" / "realdata")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    if not REAL.exists():
        print(f"no real data at {REAL}", file=sys.stderr)
        return 1
    split = json.loads(SPLIT.read_text())
    names = split["dev"] + split["heldout"] if args.set == "all" else split[args.set]
    tag = f"{args.set}-{args.mode}" + (f"-{args.level}" if args.mode == "scan" else "")
    work = args.work / tag
    shutil.rmtree(work, ignore_errors=True)
    (work / "in").mkdir(parents=True)
    (work / "truth").mkdir()
    for i, n in enumerate(names):
        t = TRUTH / n
        shutil.copy(t, work / "truth" / n)
        src = source_pdf(t)
        dst = work / "in" / src.name
        if args.mode == "text":
            dst.symlink_to(src)
        else:
            degrade_pdf(src, dst, args.level, args.seed + i)
    exe = [sys.executable, "-m", "ocr_pipeline"]
    subprocess.run(exe + ["run", str(work / "in"), "--out", str(work / "out"), "--workers",
                          str(args.workers), "-q"], check=False)
    subprocess.run(exe + ["evaluate", str(work / "out"), str(work / "truth"), "--json",
                          str(work / "eval.json")], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
