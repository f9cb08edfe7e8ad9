"""How often the text flags of the correction stage fire on truth: text as printed.

    .venv/bin/python benchmarks/flags_on_truth.py [FOLDER ...]

Runs `correct.odd_marks`, `correct.non_word` (with the corrections folder's lexicon and
word lists) and `correct.two_goals` on the goal, indicator, list heading, program and
activity of every target row (`correct.small_start` on the goal and the list heading,
`correct.lone_item` on the indicator and its heading),
and on the name of every budget line (with `correct.small_start` and
`correct.acronym_misses` too); and the header's doubts, `correct._header_doubts`, on the
title, organisation, subunit, positions and place of every agreement, with its region,
its protected words and its word counts as the pipeline makes them; of the truth files
(`*.truth.json`) under the folders given (default: `benchmarks/realdata_truth`, `scans`
and every simulated corpus `benchmarks/accuracy.py` wrote under
`benchmarks/results/accuracy/`). A flag that fires here fires on a right value: a
false alarm. Prints the rows read and, for each flag, the rows it fires on, by kind of
reason, with the first few reasons; and the words of those texts that the word rules
of `correct.lexicon_fix` (`confusion_fix`, `marks_in_word`) would change, and the texts
`correct.join_broken_words` would join: each one a right word made wrong.
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
from ocr_pipeline.stages.correct import (  # noqa: E402
    _header_doubts,
    acronym_misses,
    confusion_fix,
    join_broken_words,
    lone_item,
    marks_in_word,
    non_word,
    odd_marks,
    protected_words,
    regions_in,
    small_start,
    two_goals,
    word_counts,
)

HEADER = ("title", "organization", "subunit", "first_party.position", "second_party.position", "signed_place")


def _header(agreement: dict, path: str) -> str | None:
    value = agreement
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, str) else None


def printed_words(agreement: dict) -> collections.Counter[str]:
    """How often each word is printed in the header, goals and indicators (`correct._document_words`)."""
    texts = [_header(agreement, p) or "" for p in (*HEADER, "first_party.name", "second_party.name")]
    texts += [str(r.get(k) or "") for r in agreement.get("targets", [])
              for k in ("strategic_goal", "indicator")]
    return word_counts(texts)


def header_doubts(agreement: dict, lexicon) -> list[str]:
    """The doubts `correct.finalize` would raise on the header values of a truth agreement
    (its region: the organisation's or a position's, as `agreement_regions` takes it)."""
    heads = [r for p in ("organization", "first_party.position", "second_party.position")
             for r in regions_in(_header(agreement, p) or "")]
    regions = heads[:1]
    protected = protected_words(regions, _header(agreement, "signed_place") or "")
    seen = printed_words(agreement)
    return [f"{path}: {why}" for path in HEADER if _header(agreement, path)
            for why in _header_doubts(_header(agreement, path), path, regions, lexicon, seen, protected)]

TEXTS = ("strategic_goal", "indicator", "indicator_parent", "program", "activity", "name")


def main(argv: list[str]) -> int:
    corpora = sorted((ROOT / "benchmarks" / "results" / "accuracy").glob("*/corpus"))
    folders = [Path(a) for a in argv] or [ROOT / "benchmarks" / "realdata_truth", ROOT / "scans", *corpora]
    lexicon = load_lexicon(ROOT / "corrections")
    checks = {"odd_marks": (odd_marks, TEXTS), "non_word": (lambda t: non_word(t, lexicon), TEXTS),
              "two_goals": (two_goals, ("strategic_goal",)),
              "small_start": (small_start, ("strategic_goal", "indicator_parent", "name"))}
    rows, offices, words, fired = 0, 0, 0, collections.defaultdict(list)
    changed: collections.Counter[tuple[str, str]] = collections.Counter()
    for f in sorted(p for folder in folders for p in folder.rglob("*.truth.json")):
        for agreement in json.loads(f.read_text("utf-8")):
            # a target row's texts, a budget line's name
            seen = printed_words(agreement)
            for row in [*agreement.get("targets", []), *agreement.get("budget", [])]:
                rows += 1
                for name, (check, fields) in checks.items():
                    why = next((w for w in (check(row.get(k)) for k in fields) if w), None)
                    if why:
                        fired[name].append(why)
                why = lone_item(row["indicator"], row.get("indicator_parent")) if "indicator" in row else None
                if why:
                    fired["lone_item"].append(why)
                why = acronym_misses(row.get("name"), seen)  # a budget line's name (and the header's)
                if why:
                    fired["acronym_misses"].append(why)
            # the header's values, as `correct.finalize` checks them
            offices += sum(bool(_header(agreement, p)) for p in HEADER)
            fired["header doubts"] += header_doubts(agreement, lexicon)
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
                joined = join_broken_words(text, lexicon)
                if joined != text:
                    changed[(text, joined)] += 1
                for part in text.split():
                    for piece in re.split(r"[/-]", part.strip(".,;:()")):
                        words += 1
                        got = None if piece.lower() in own else (
                            confusion_fix(piece, lexicon) or marks_in_word(piece, lexicon))
                        if got and got != piece:
                            changed[(piece, got)] += 1
    print(f"{rows} rows of truth, {offices} header values")
    print(f"word rules: {sum(changed.values())} of {words} words changed: "
          + ", ".join(f"{a} -> {b} ({n})" for (a, b), n in changed.most_common(10)))
    checks["acronym_misses"] = checks["lone_item"] = checks["header doubts"] = checks["non_word"]  # (names)
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
