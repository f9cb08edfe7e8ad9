"""Calibrate the catalogue-matching thresholds on scans with known truth.

For every output row paired with a truth row, the indicator *as read* (before any
correction: the `from` of its first correction, else its text) is matched against the
catalogue. The truth says which entry is right (the one whose template equals the
true indicator) or that there is none (a novel indicator). For a grid of thresholds
(`accept`, `margin`) it counts:

* right snaps  - the row is snapped to its true entry;
* wrong snaps  - snapped to another entry, or a novel indicator snapped: must be 0;
* kept as read - not snapped (a clear match missed costs a flag, not an error).

    .venv/bin/python benchmarks/calibrate_catalogue.py OUTPUT_DIR TRUTH_DIR [--corrections corrections]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ocr_pipeline.catalogue import load_catalogue, regions_in
from ocr_pipeline.evaluate import align_rows, pair_agreements, read_outputs, read_truth, truth_files


def raw_text(row: dict, field: str) -> str:
    for c in row.get("corrections", ()):
        if c["field"] == field:
            return c["from"]
    return row.get(field) or ""


def samples(output_dir: Path, truth_dir: Path, catalogue_path: Path) -> list[dict]:
    cat = load_catalogue(catalogue_path)
    outs = read_outputs(output_dir)[0]
    by_file: dict[str, list] = {}
    for o in outs:
        by_file.setdefault(Path(o.doc["source"]["file"]).name, []).append(o)
    found = []
    for tf in truth_files([truth_dir]):
        truth = read_truth(tf)
        file = Path(truth[0]["source"]["file"]).name
        outs_f = by_file.get(file, [])
        for t, o, _ in pair_agreements(truth, outs_f):
            td, od = truth[t], outs_f[o].doc
            regions = regions_in(td.get("organization") or "") or regions_in(
                (td.get("first_party") or {}).get("position") or "")
            for ti, oi, _ in align_rows("targets", td["targets"], od["targets"]):
                if ti is None or oi is None:
                    continue
                trow, orow = td["targets"][ti], od["targets"][oi]
                true = cat.match(trow["indicator"], "indicator", regions)
                true_id = true.entry.id if true is not None and true.score >= 99.5 else None
                got = cat.match(raw_text(orow, "indicator"), "indicator", regions)
                if got is None:
                    continue
                found.append({"true": true_id, "best": got.entry.id, "score": got.score, "margin": got.margin})
    return found


def table(found: list[dict]) -> list[dict]:
    rows = []
    for accept in (80, 85, 88, 90, 92, 95):
        for margin in (0, 3, 5, 8):
            right = wrong = kept = 0
            for f in found:
                if f["score"] >= accept and f["margin"] >= margin:
                    if f["best"] == f["true"]:
                        right += 1
                    else:
                        wrong += 1
                else:
                    kept += 1
            rows.append({"accept": accept, "margin": margin, "right": right, "wrong": wrong, "kept": kept})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output_dir", type=Path)
    ap.add_argument("truth_dir", type=Path)
    ap.add_argument("--corrections", type=Path, default=Path("corrections"))
    args = ap.parse_args(argv)
    found = samples(args.output_dir, args.truth_dir, args.corrections)
    novel = sum(1 for f in found if f["true"] is None)
    print(f"{len(found)} rows ({novel} novel indicators)")
    worst_novel = max((f["score"] for f in found if f["true"] is None), default=0)
    lowest_true = min((f["score"] for f in found if f["true"] is not None and f["best"] == f["true"]), default=0)
    print(f"highest score of a novel indicator: {worst_novel:.1f}; lowest score of a right match: {lowest_true:.1f}")
    print("| accept | margin | right snaps | wrong snaps | kept as read |\n|---|---|---|---|---|")
    for r in table(found):
        print(f"| {r['accept']} | {r['margin']} | {r['right']} | {r['wrong']} | {r['kept']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
