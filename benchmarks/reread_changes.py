"""What re-reading did to targets, against truth: the changes of one digit, by pair.

    .venv/bin/python benchmarks/reread_changes.py RUN_DIR [RUN_DIR ...]

A RUN_DIR holds `out/` (a run's output) and `in/` or `truth/` (its truth files), as
each level folder `benchmarks/accuracy.py` and `benchmarks/realdata.py` write does
(`WORK/seedS/LEVEL`). For every target the correction stage changed by reading it again
(method `reocr`) in a row paired with truth, it counts whether the value taken is
right and whether the row was flagged; for changes of one digit into another, by
pair ('7 -> 1': the first reading's 7 made a 1). This is the evidence behind the
digit rules of `correct.py` (a 7 read again as a 1 does not change a target).
"""

from __future__ import annotations

import collections
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ocr_pipeline import evaluate as ev  # noqa: E402


def changes(run: Path) -> list[tuple[str, str, bool, bool]]:
    """(first reading, reading taken, right, flagged) of each target changed by re-reading."""
    truth_dir = run / "truth" if (run / "truth").is_dir() else run / "in"
    report = ev.evaluate(run / "out", [truth_dir])
    truth = {ev.truth_id(d, ev.basename(ev.header_value(d, "source.file")), i + 1): d
             for p in ev.truth_files([truth_dir]) for i, d in enumerate(ev.read_truth(p))}
    outs = {ev.output_id(o): o.doc for o in ev.read_outputs(run / "out")[0]}
    out = []
    for a in report.agreements:
        t, o = truth.get(a.truth_id), outs.get(a.output_id)
        for r in a.rows:
            if r.kind != "targets" or not (r.truth_row and r.output_row and t and o):
                continue
            want = ev.rows_of(t, "targets")[r.truth_row - 1]["target"]["value"]
            row = ev.rows_of(o, "targets")[r.output_row - 1]
            right, flagged = row["target"]["value"] == want, bool(row["needs_review"])
            out += [(c["from"], c["to"], right, flagged) for c in row.get("corrections", ())
                    if c["field"] == "target" and c["method"] == "reocr"]
    return out


def one_digit(before: str, after: str) -> tuple[str, str] | None:
    """The digit pair of a change of one digit into another, else None."""
    a, b = re.sub(r"\D", "", before), re.sub(r"\D", "", after)
    diff = [(x, y) for x, y in zip(a, b, strict=False) if x != y]
    return diff[0] if len(a) == len(b) and len(diff) == 1 else None


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 1
    every = [c for run in map(Path, argv) for c in changes(run)]
    kinds = collections.Counter((right, flagged) for _, _, right, flagged in every)
    print(f"{len(every)} targets changed by re-reading: {kinds[True, False]} right, "
          f"{kinds[True, True]} right and flagged, {kinds[False, True]} wrong and flagged, "
          f"{kinds[False, False]} wrong and not flagged")
    pairs: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)
    for before, after, right, _ in every:
        pair = one_digit(before, after)
        if pair:
            pairs[pair]["right" if right else "wrong"] += 1
    print("one digit changed (first reading -> taken): right / wrong")
    for (x, y), n in sorted(pairs.items()):
        print(f"  {x} -> {y}: {n['right']} / {n['wrong']}")
    for before, after, right, flagged in every:
        if not right and not flagged:
            print(f"  wrong, not flagged: {before!r} -> {after!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
