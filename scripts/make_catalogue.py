"""Draft corrections/catalogue.csv from a truth file (the seed bundle by default).

Run once to start a catalogue for an agency; then edit the CSV by hand (ranges, new
entries). The region the office stands for ("Kota Bontang") becomes the slot
`{region}`, so the entry serves every office of the same kind.

    .venv/bin/python scripts/make_catalogue.py truth/kpu-bontang-2026.json "Kota Bontang" > corrections/catalogue.csv
"""

from __future__ import annotations

import csv
import json
import sys

HEADER = """\
# ocr-pipeline catalogue: the canonical indicators, strategic goals, programs and activities
# of an agency. One entry per line; lines starting with # are comments.
#
# id        stable id, written to the output as indicator_id (indicators only)
# kind      indicator | goal | program | activity
# text      canonical text; {region} stands for the office's region as the document prints it
#           ("Kota Bontang", "Kabupaten Paser"): KPU {region} matches KPU Kota Bontang and KPU
#           Kabupaten Paser alike, and the output keeps the document's own region
# program   program the entry belongs to (indicators and activities)
# activity  activity the entry belongs to (indicators)
# unit      expected unit of the target: %, a unit word (laporan, kegiatan, orang...), or empty
#           for a bare number (an index or a score)
# min, max  plausible target range; a target outside it is read again and, if still outside, flagged
"""


def slot(text: str, region: str) -> str:
    return text.replace(region, "{region}")


def plausible(value: float | None, unit: str | None) -> tuple[str, str]:
    """A range real targets of such an indicator fall in (not the seed's value +- a little).

    Percentages of attainment run 50-100 (a 0 % is a misread); a percentage set low on
    purpose (a reduction, a share) anywhere in 0-100; an index or score 50-100; a count
    from 1 to ten times the seed's.
    """
    if value is None:
        return "", ""
    if unit == "%":
        return ("50", "100") if value >= 50 else ("0", "100")
    if unit is None:
        return ("50", "100") if 50 <= value <= 100 else ("0", f"{value * 10:g}")
    return "1", f"{value * 10:g}"


def main(argv: list[str]) -> int:
    truth, region = argv[1], argv[2]
    docs = json.loads(open(truth, encoding="utf-8").read())
    out = csv.writer(sys.stdout, lineterminator="\n")
    sys.stdout.write(HEADER)
    out.writerow(["id", "kind", "text", "program", "activity", "unit", "min", "max"])
    seen: set[tuple[str, str]] = set()
    n_ind = n_goal = 0
    for d in docs:
        for t in d["targets"]:
            for kind, text in (("program", t["program"]), ("activity", t["activity"])):
                if text and (kind, slot(text, region)) not in seen:
                    seen.add((kind, slot(text, region)))
                    out.writerow(["", kind, slot(text, region), t["program"] if kind == "activity" else "", "",
                                  "", "", ""])
            goal = slot(t["strategic_goal"], region)
            if ("goal", goal) not in seen:
                seen.add(("goal", goal))
                n_goal += 1
                out.writerow([f"G{n_goal:03d}", "goal", goal, t["program"] or "", slot(t["activity"] or "", region),
                              "", "", ""])
            ind = slot(t["indicator"], region)
            if ("indicator", ind) not in seen:
                seen.add(("indicator", ind))
                n_ind += 1
                lo, hi = plausible(t["target"]["value"], t["target"]["unit"])
                out.writerow([f"IK{n_ind:03d}", "indicator", ind, t["program"] or "",
                              slot(t["activity"] or "", region), t["target"]["unit"] or "", lo, hi])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
