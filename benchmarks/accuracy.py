"""Accuracy per scan level on a simulated corpus the pipeline was not tuned on.

Generates (deterministically, by seed) agreements of other offices with the scan
simulator at every level, runs the pipeline on each level's scans, scores them with
`ocr-pipeline evaluate`, and prints one markdown table. The development corpus used
while building the pipeline was seed 101; report a different seed.

    .venv/bin/python benchmarks/accuracy.py --seed 202 --n 16
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEVELS = ("clean", "mild", "medium", "hard")


def pct(v: float | None) -> str:
    return "n/a" if v is None else f"{100 * v:.1f}"


def row(level: str, s: dict) -> str:
    t, b, h = s["targets"], s["budget"], s["header"]
    fields = t["accuracy_matched"]
    value_ok = min(fields.get("target.value") or 0, fields.get("target.unit") or 0)
    text_ok = min(fields.get(k) or 0 for k in ("program", "activity", "strategic_goal", "indicator"))
    out_rows = t.get("output") or 0
    fa = s["false_alarms"]
    return (f"| {level} | {s['agreements']['truth']} | {t['truth']} | {pct(t['recall'])} | {pct(t['precision'])} "
            f"| {pct(h['all_right_rate'])} | {pct(text_ok)} | {pct(value_ok)} | {pct(b['accuracy_truth'].get('amount'))} "
            f"| {s['silent_errors']['total']} | {fa['total']} ({pct(fa['total'] / out_rows if out_rows else None)}) |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=202)
    ap.add_argument("--n", type=int, default=16, help="documents (cycled over the levels)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "results" / "accuracy")
    args = ap.parse_args(argv)
    work = args.work / f"seed{args.seed}"
    corpus = work / "corpus"
    if not corpus.exists():
        subprocess.run([sys.executable, "-m", "ocr_pipeline.simulate", "corpus", "--out", str(corpus), "--n",
                        str(args.n), "--levels", ",".join(LEVELS), "--seed", str(args.seed)], check=True)
    lines = ["| level | agreements | rows | row recall % | row precision % | all header fields right % "
             "| program/activity/goal/indicator right % | target value+unit right % | budget amounts right % "
             "| silent errors | false alarms (% of rows) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for level in LEVELS:
        lv = work / level
        shutil.rmtree(lv, ignore_errors=True)
        (lv / "in").mkdir(parents=True)
        for pdf in sorted(corpus.glob(f"*-{level}.pdf")):
            shutil.copy(pdf, lv / "in" / pdf.name)
            shutil.copy(pdf.with_suffix(".truth.json"), lv / "in" / (pdf.stem + ".truth.json"))
        subprocess.run([sys.executable, "-m", "ocr_pipeline", "run", str(lv / "in"), "--out", str(lv / "out"),
                        "--workers", str(args.workers), "-q"], check=False)
        subprocess.run([sys.executable, "-m", "ocr_pipeline", "evaluate", str(lv / "out"), str(lv / "in"),
                        "--json", str(lv / "eval.json")], check=False, stdout=subprocess.DEVNULL)
        lines.append(row(level, json.loads((lv / "eval.json").read_text())["summary"]))
    table = "\n".join(lines)
    print(table)
    (work / "table.md").write_text(table + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
