"""How often the text flags of the correction stage fire on truth: text as printed.

    .venv/bin/python benchmarks/flags_on_truth.py [FOLDER ...]

Runs `correct.odd_marks`, `correct.non_word` (with the corrections folder's lexicon and
word lists) and `correct.two_goals` on the goal, indicator, list heading, program and
activity of every target row, and on the name of every budget line (and `non_word` on
the organisation, subunit and positions of every agreement), of the truth files
(`*.truth.json`) under the folders given (default: `benchmarks/realdata_truth`, `scans`
and every simulated corpus `benchmarks/accuracy.py` wrote under
`benchmarks/results/accuracy/`). A flag that fires here fires on a right value: a
false alarm. Prints the rows read and, for each flag, the rows it fires on, by kind of
reason, with the first few reasons; and the words of those texts that the word rules
of `correct.lexicon_fix` (`confusion_fix`, `marks_in_word`) would change: each one a
right word made wrong.
"""

from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ocr_pipeline.catalogue import load_lexicon  # noqa: E402
from ocr_pipeline.stages.correct import confusion_fix, marks_in_word, non_word, odd_marks, two_goals  # noqa: E402

TEXTS = ("strategic_goal", "indicator", "indicator_parent", "program", "activity", "name")


def main(argv: list[str]) -> int:
    corpora = sorted((ROOT / "benchmarks" / "results" / "accuracy").glob("*/corpus"))
    folders = [Path(a) for a in argv] or [ROOT / "benchmarks" / "realdata_truth", ROOT / "scans", *corpora]
    lexicon = load_lexicon(ROOT / "corrections")
    checks = {"odd_marks": (odd_marks, TEXTS), "non_word": (lambda t: non_word(t, lexicon), TEXTS),
              "two_goals": (two_goals, ("strategic_goal",))}
    rows, offices, words, fired = 0, 0, 0, collections.defaultdict(list)
    changed: collections.Counter[tuple[str, str]] = collections.Counter()
    for f in sorted(p for folder in folders for p in folder.rglob("*.truth.json")):
        for agreement in json.loads(f.read_text("utf-8")):
            # a target row's texts, a budget line's name
            for row in [*agreement.get("targets", []), *agreement.get("budget", [])]:
                rows += 1
                for name, (check, fields) in checks.items():
                    why = next((w for w in (check(row.get(k)) for k in fields) if w), None)
                    if why:
                        fired[name].append(why)
            # the header's office names and positions (`correct._header_doubts` runs non_word on them)
            parties = (agreement.get(p) or {} for p in ("first_party", "second_party"))
            for text in (agreement.get("organization"), agreement.get("subunit"),
                         *(party.get("position") for party in parties)):
                if text:
                    offices += 1
                    why = non_word(text, lexicon)
                    if why:
                        fired["non_word (office, position)"].append(why)
            # the word rules of `lexicon_fix` (a letter confused, a digit or quote inside a word) on
            # every word of those texts: each change is a right word made wrong. Not the office's
            # own region or place (`protected` in the pipeline: 'Paser' is not 'pasar')
            own = {w.lower() for w in re.findall(r"\w+", agreement.get("organization") or "")}
            parties = [agreement.get(p) or {} for p in ("first_party", "second_party")]
            texts = [row.get(k) or "" for row in [*agreement.get("targets", []), *agreement.get("budget", [])]
                     for k in TEXTS]
            texts += [agreement.get("organization") or "", agreement.get("subunit") or "",
                      *(party.get("position") or "" for party in parties)]
            for text in texts:
                for part in text.split():
                    for piece in re.split(r"[/-]", part.strip(".,;:()")):
                        words += 1
                        got = None if piece.lower() in own else (
                            confusion_fix(piece, lexicon) or marks_in_word(piece, lexicon))
                        if got and got != piece:
                            changed[(piece, got)] += 1
    print(f"{rows} rows of truth, {offices} office names and positions")
    print(f"word rules: {sum(changed.values())} of {words} words changed: "
          + ", ".join(f"{a} -> {b} ({n})" for (a, b), n in changed.most_common(10)))
    checks["non_word (office, position)"] = checks["non_word"]
    for name in checks:
        print(f"{name}: fires on {len(fired[name])}")
        # by kind of reason: its text with the quoted words taken out
        kinds = collections.Counter(re.sub(r"'[^']*'", "'...'", why) for why in fired[name])
        for kind, n in kinds.most_common():
            print(f"  {n} x {kind}")
        for why in sorted(set(fired[name]))[:12]:
            print(f"  {why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
