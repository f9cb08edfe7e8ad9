"""Rerun the stages after OCR on the pages a `--keep-work` run recorded (no OCR).

A run with `--keep-work` keeps, per page, the cleaned image and the words read
(`DIR/.work/<sha>/p0001_clean.npy`, a NumPy array, `p0001_clean.ocr.json`). This rebuilds every
agreement of that run from them with the current table, document and correction
code, into a new output folder, so those stages can be measured in seconds:

    .venv/bin/python benchmarks/reassemble.py RUN_DIR NEW_DIR
    .venv/bin/ocr-pipeline evaluate NEW_DIR TRUTH...
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ocr_pipeline import pipeline
from ocr_pipeline.config import RunConfig
from ocr_pipeline.records import OcrPage
from ocr_pipeline.stages import export
from ocr_pipeline.stages.reconcile import reconcile


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run_dir", type=Path)
    ap.add_argument("new_dir", type=Path)
    ap.add_argument("--corrections", type=Path, default=Path("corrections"))
    args = ap.parse_args(argv)
    manifest = json.loads((args.run_dir / "manifest.json").read_text("utf-8"))
    config = RunConfig(out_dir=args.run_dir, corrections=args.corrections)
    docs = []
    for entry in manifest["files"]:
        sha = entry.get("sha256")
        if entry.get("status") != "ok" or not sha:
            continue
        work = pipeline.work_image_path(args.run_dir, sha, 1).parent
        pages = [OcrPage.from_json(json.loads(p.read_text("utf-8"))) for p in sorted(work.glob("*.ocr.json"))]
        if len(pages) != entry["pages"]:
            print(f"{entry['file']}: {len(pages)} of {entry['pages']} pages recorded; rerun with --keep-work",
                  file=sys.stderr)
            continue
        docs.extend(pipeline.file_task(entry["file"], sha, pages, config))
    docs = reconcile(docs)  # as the batch does at its end
    for d in docs:
        export.write_agreement(args.new_dir, d)
    export.write_tables(args.new_dir, docs)
    export.write_manifest(args.new_dir, manifest["files"])
    print(f"{len(docs)} agreements rebuilt into {args.new_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

