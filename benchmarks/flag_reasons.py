"""What a review reason costs: the rows it flags, right or wrong against truth.

    .venv/bin/python benchmarks/flag_reasons.py PATTERN RUN_DIR [RUN_DIR ...]

A RUN_DIR holds `out/` (a run's output) and `in/` or `truth/` (its truth files), as each
level folder `benchmarks/accuracy.py` and `benchmarks/realdata.py` write does
(`WORK/seedS/LEVEL`). For every target row and budget line of the output whose review
reasons match PATTERN (a regular expression), it counts whether the row is right (paired
with a truth row, no field wrong but the raw target text), wrong, or spurious (no truth
row), and whether the matching reason is its only one: a right row flagged for that
reason alone is a false alarm the reason made. This is the evidence behind dropping a
reason where something else vouches for the row (`correct._target_row`: a row joined
across a page break whose indicator and goal the catalogue knows whole).
"""

from __future__ import annotations

import collections
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ocr_pipeline import evaluate as ev  # noqa: E402


def flagged_rows(pattern: re.Pattern[str], run: Path) -> list[tuple[str, bool]]:
    """(right / wrong / spurious, the matching reason is the row's only one) of each row
    of a run flagged with a reason that matches `pattern`."""
    truth_dir = run / "truth" if (run / "truth").is_dir() else run / "in"
    report = ev.evaluate(run / "out", [truth_dir])
    outs = {ev.output_id(o): o.doc for o in ev.read_outputs(run / "out")[0]}
    got = []
    for a in report.agreements:
        doc = outs.get(a.output_id)
        if a.status != ev.PAIRED or doc is None:
            continue
        for kind in ("targets", "budget"):
            for i, row in enumerate(ev.rows_of(doc, kind), start=1):
                reasons = row.get("review_reasons") or []
                if not any(pattern.search(why) for why in reasons):
                    continue
                paired = next((r for r in a.rows if r.kind == kind and r.output_row == i), None)
                if paired is None or not paired.truth_row:
                    state = "spurious"
                else:
                    state = "wrong" if set(paired.wrong) - {"target.raw"} else "right"
                got.append((state, len(reasons) == 1))
    return got


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 1
    pattern = re.compile(argv[0])
    counts = collections.Counter(c for run in map(Path, argv[1:]) for c in flagged_rows(pattern, run))
    for (state, alone), n in sorted(counts.items()):
        print(f"{state:8} {'this reason alone' if alone else 'with other reasons':20} {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
