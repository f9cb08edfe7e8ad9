"""Reconciliation of a head's agreement with its subordinates' (on the seed truth)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from ocr_pipeline.stages.reconcile import reconcile

ROOT = Path(__file__).resolve().parent.parent
SEED = json.loads((ROOT / "truth" / "kpu-bontang-2026.json").read_text("utf-8"))


def flagged(docs):
    return [(d["agreement_id"], r.get("indicator") or r.get("name"), r["review_reasons"])
            for d in docs for r in d["targets"] + d["budget"] if r["needs_review"]]


def row(doc, words):
    return next(t for t in doc["targets"] if words in t["indicator"])


def test_the_seed_bundle_reconciles_cleanly() -> None:
    assert flagged(reconcile(SEED)) == []


def test_a_disagreeing_target_flags_both_rows_with_both_values() -> None:
    docs = copy.deepcopy(SEED)
    row(docs[1], "operator aplikasi SAKTI")["target"] = {"raw": "85%", "value": 85, "unit": "%"}
    out = reconcile(docs)
    head, sub = row(out[0], "operator aplikasi SAKTI"), row(out[1], "operator aplikasi SAKTI")
    assert head["needs_review"] and sub["needs_review"]
    assert any("95%" in r and "85%" in r for r in head["review_reasons"])
    assert any("95%" in r and "85%" in r for r in sub["review_reasons"])
    assert head["target"]["value"] == 95 and sub["target"]["value"] == 85  # neither side trusted over the other


def test_a_doubtful_value_is_taken_from_the_other_agreement_and_stays_flagged() -> None:
    docs = copy.deepcopy(SEED)
    r = row(docs[0], "kepuasan terhadap layanan bidang")
    r["target"] = {"raw": "0%", "value": 0, "unit": "%"}
    r["needs_review"], r["review_reasons"] = True, ["target 0% outside the catalogue's range 70-100"]
    out = reconcile(docs)
    fixed = row(out[0], "kepuasan terhadap layanan bidang")
    assert fixed["target"]["value"] == 90
    assert fixed["needs_review"]
    assert [c["method"] for c in fixed["corrections"]] == ["cross-document"]
    assert fixed["corrections"][0]["from"] == "0%" and fixed["corrections"][0]["to"] == "90%"
    # the other side, which nothing speaks against, is not flagged
    assert not row(out[1], "kepuasan terhadap layanan bidang")["needs_review"]


def test_a_target_whose_unit_is_lost_takes_the_other_copys_and_only_it_is_flagged() -> None:
    docs = copy.deepcopy(SEED)
    row(docs[1], "operator aplikasi SAKTI")["target"] = {"raw": "95", "value": 95, "unit": None}
    out = reconcile(docs)
    head, sub = row(out[0], "operator aplikasi SAKTI"), row(out[1], "operator aplikasi SAKTI")
    assert not head["needs_review"]
    assert sub["needs_review"] and sub["target"] == head["target"]
    taken = [(c["from"], c["to"], c["method"]) for c in sub["corrections"]]
    assert taken == [("95", "95%", "cross-document")]
    # so with a unit misread as marks, which its own checks doubt
    docs = copy.deepcopy(SEED)
    r = row(docs[1], "operator aplikasi SAKTI")
    r["target"] = {"raw": "95 6, i", "value": 95, "unit": "6, i"}
    r["needs_review"], r["review_reasons"] = True, ["unit '6, i' is not a unit word"]
    out = reconcile(docs)
    assert not row(out[0], "operator aplikasi SAKTI")["needs_review"]
    assert row(out[1], "operator aplikasi SAKTI")["target"]["unit"] == "%"
    # a unit lost on one side and a doubted target on the other: both flagged, neither taken
    docs = copy.deepcopy(SEED)
    row(docs[1], "operator aplikasi SAKTI")["target"] = {"raw": "95", "value": 95, "unit": None}
    h = row(docs[0], "operator aplikasi SAKTI")
    h["needs_review"], h["review_reasons"] = True, ["target 95% could not be read well"]
    out = reconcile(docs)
    head, sub = row(out[0], "operator aplikasi SAKTI"), row(out[1], "operator aplikasi SAKTI")
    assert head["needs_review"] and sub["needs_review"] and not sub["corrections"] and not head["corrections"]


def test_a_budget_that_does_not_add_up_is_flagged_on_both_sides() -> None:
    docs = copy.deepcopy(SEED)
    docs[1]["budget"][0]["amount"] += 1000
    out = reconcile(docs)
    head_line = next(b for b in out[0]["budget"] if b["name"] == "Program Dukungan Manajemen")
    assert head_line["needs_review"] and "add up to Rp 4.105.374.000" in head_line["review_reasons"][0]
    assert out[1]["budget"][0]["needs_review"]
    assert not next(b for b in out[0]["budget"] if b["name"] != "Program Dukungan Manajemen")["needs_review"]


def test_a_subordinates_agreement_held_twice_is_counted_once_in_the_sums() -> None:
    # the unit's agreement scanned again (or filed in the unit's own folder too): its
    # copy is the same agreement, not a second subordinate
    copy_ = copy.deepcopy(SEED[1])
    copy_["agreement_id"] = "other-scan-01"
    assert flagged(reconcile([*copy.deepcopy(SEED), copy_])) == []
    # a copy whose amount was misread: the sum counts one copy, the copies disagree
    misread = copy.deepcopy(SEED[1])
    misread["agreement_id"] = "other-scan-01"
    misread["budget"][0]["amount"] += 900
    out = reconcile([*copy.deepcopy(SEED), misread])
    flags = [r for d in out for b in d["budget"] for r in b["review_reasons"]]
    assert len(flags) == 2 and all("a copy of this agreement" in r for r in flags)
    assert out[-1]["budget"][0]["needs_review"] and out[1]["budget"][0]["needs_review"]
    # three copies, one misread: the amount two print is right, only the third copy is flagged
    third = copy.deepcopy(SEED[1])
    third["agreement_id"] = "third-scan-01"
    out = reconcile([*copy.deepcopy(SEED), misread, third])
    flagged_lines = [d["agreement_id"] for d in out for b in d["budget"] if b["needs_review"]]
    assert flagged_lines == ["other-scan-01"]
    assert len(out[-2]["budget"][0]["review_reasons"]) == 2  # against each copy that prints it otherwise
    # a sum both copies break is still flagged
    docs = copy.deepcopy(SEED)
    docs[1]["budget"][0]["amount"] += 1000
    out = reconcile([*docs, copy.deepcopy(docs[1])])
    head_line = next(b for b in out[0]["budget"] if b["name"] == "Program Dukungan Manajemen")
    assert head_line["needs_review"] and "add up to Rp 4.105.374.000" in head_line["review_reasons"][0]


def test_reconciling_twice_changes_nothing_more() -> None:
    docs = copy.deepcopy(SEED)
    row(docs[1], "operator aplikasi SAKTI")["target"] = {"raw": "85%", "value": 85, "unit": "%"}
    once = reconcile(docs)
    assert reconcile(once) == once


def test_agreements_of_other_offices_are_not_compared() -> None:
    docs = copy.deepcopy(SEED)
    for d in docs[1:]:
        d["organization"] = "Sekretariat KPU Kabupaten Paser"
    row(docs[1], "operator aplikasi SAKTI")["target"] = {"raw": "85%", "value": 85, "unit": "%"}
    assert flagged(reconcile(docs)) == []


def test_a_name_spelled_differently_in_two_agreements_is_flagged_in_both() -> None:
    docs = copy.deepcopy(SEED)[:2]  # the head and one subordinate: neither outnumbers the other
    docs[1]["second_party"]["name"] = "Bambang Rahmadhani"
    out = reconcile(docs)
    assert "second_party.name" in out[1]["needs_review"]
    assert "first_party.name" in out[0]["needs_review"]
    assert any("Rahmadhani" in w for w in out[0]["warnings"])
    assert reconcile(out) == out
    # ... but where one reading is in doubt already and the other not, the other is trusted
    docs[1]["needs_review"] = ["second_party.name"]
    docs[1]["warnings"] = ["second_party.name: low OCR confidence (0.41)"]
    out = reconcile(docs)
    assert out[1]["second_party"]["name"] == docs[0]["first_party"]["name"]
    assert "first_party.name" not in out[0]["needs_review"] and "second_party.name" in out[1]["needs_review"]
    assert reconcile(out) == out


def test_a_name_outvoted_by_the_other_agreements_is_flagged_alone() -> None:
    docs = copy.deepcopy(SEED)  # the head and four subordinates name the same person
    right = docs[0]["first_party"]["name"]
    docs[2]["second_party"]["name"] = "Bambang Rahmadhani"
    out = reconcile(docs)
    assert "second_party.name" in out[2]["needs_review"]
    assert any(f"but {right!r} in 4 agreements" in w for w in out[2]["warnings"])
    assert out[2]["second_party"]["name"] == right  # their reading taken, flagged for a person
    assert "first_party.name" not in out[0]["needs_review"]
    assert not any("second_party.name" in d["needs_review"] for i, d in enumerate(out) if i != 2)
    # the head's reading outvoted by its subordinates': the head's alone
    docs = copy.deepcopy(SEED)
    docs[0]["first_party"]["name"] = "Bambang Rahmadhani"
    out = reconcile(docs)
    assert "first_party.name" in out[0]["needs_review"]
    assert not any("second_party.name" in d["needs_review"] for d in out[1:])
    assert reconcile(out) == out


def test_a_superior_read_otherwise_in_one_subordinates_agreement_is_settled_without_the_head() -> None:
    # the units' agreements of a file, their head's not in it (seed 3333: 'Rini Marliua'
    # in one, 'Rini Marlina' in the other units', silent): one superior signs them all
    docs = copy.deepcopy(SEED)[1:]
    right = docs[0]["second_party"]["name"]
    docs[1]["second_party"]["name"] = right[:-2] + "ui"
    docs[2]["second_party"]["position"] = docs[2]["second_party"]["position"].replace("Kota", "Kofa")
    out = reconcile(docs)
    assert out[1]["second_party"]["name"] == right and "second_party.name" in out[1]["needs_review"]
    assert out[2]["second_party"]["position"] == docs[0]["second_party"]["position"]
    assert "second_party.position" in out[2]["needs_review"]
    assert not any(d["needs_review"] for i, d in enumerate(out) if i not in (1, 2))
    assert reconcile(out) == out
    # two people whose names are not alike are not one
    docs = copy.deepcopy(SEED)[1:]
    docs[1]["second_party"]["name"] = "Muhammad Ridwan"
    out = reconcile(docs)
    assert out[1]["second_party"]["name"] == "Muhammad Ridwan" and not out[1]["needs_review"]


def test_a_date_read_otherwise_than_the_offices_other_agreements_is_flagged_not_taken() -> None:
    docs = copy.deepcopy(SEED)  # five agreements of one office, signed on one day
    day = docs[0]["signed_date"]
    docs[2]["signed_date"] = day[:-1] + str((int(day[-1]) + 3) % 10)  # seed 3333: '25' read '28'
    out = reconcile(docs)
    assert "signed_date" in out[2]["needs_review"]
    assert any(f"but {day!r} in 4 agreements" in w for w in out[2]["warnings"])
    assert out[2]["signed_date"] == docs[2]["signed_date"]  # the printed date is its record: not taken
    assert not any("signed_date" in d["needs_review"] for i, d in enumerate(out) if i != 2)
    assert reconcile(out) == out
    # a date printed in part (no day) is no other date
    docs = copy.deepcopy(SEED)
    docs[2]["signed_date"] = None
    assert not any("signed_date" in d["needs_review"] for d in reconcile(docs))


def test_a_list_item_is_matched_under_its_own_heading_only() -> None:
    docs = copy.deepcopy(SEED)
    like = row(docs[1], "operator aplikasi SAKTI")

    def item(parent: str, raw: str, value: float) -> dict:
        return {**copy.deepcopy(like), "indicator": "Daging", "indicator_id": None,
                "indicator_parent": parent, "target": {"raw": raw, "value": value, "unit": None}}

    made = "Jumlah produksi yang dihasilkan (ton) :"
    sni = "Prosentase produk pangan asal hewan yang sesuai SNI (%)"
    docs[0]["targets"] += [{**item(made, "686.020", 686020), "activity": None},  # the head's own row, first
                           item(sni, "72", 72)]
    docs[1]["targets"].append(item(sni, "72", 72))
    assert [f for f in flagged(reconcile(docs)) if f[1] == "Daging"] == []
    docs[1]["targets"][-1]["target"] = {"raw": "70", "value": 70, "unit": None}
    out = reconcile(docs)
    daging = [r for r in out[0]["targets"] if r["indicator"] == "Daging"]
    assert [r["target"]["raw"] for r in daging if r["needs_review"]] == ["72"]
    # the heading read two ways ('asa' for 'asal'): both copies flagged, both readings said
    docs = copy.deepcopy(docs)
    docs[1]["targets"][-1].update(target={"raw": "72", "value": 72, "unit": None},
                                  indicator_parent=sni.replace("asal", "asa"))
    out = reconcile(docs)
    both = [r for d in out for r in d["targets"] if r["indicator"] == "Daging" and r["needs_review"]]
    assert len(both) == 2 and all("list heading" in " ".join(r["review_reasons"]) for r in both)
    # the copy whose heading a flag already doubts is the misread one: it alone is flagged
    docs[1]["targets"][-1].update(indicator_parent="Ld. " + sni, needs_review=True,
                                  review_reasons=["'Ld.' before 'Prosentase' may be a mark read as letters"])
    out = reconcile(docs)
    daging = [(d["agreement_id"], r["needs_review"]) for d in out for r in d["targets"]
              if r["indicator"] == "Daging" and r["indicator_parent"].endswith(sni)]
    assert [flag for _, flag in daging] == [False, True]
    # read with its colon spaced otherwise, it is one reading
    docs[1]["targets"][-1].update(indicator_parent=sni + ":", needs_review=False, review_reasons=[])
    assert [f for f in flagged(reconcile(docs)) if f[1] == "Daging"] == []


def test_a_goal_or_indicator_read_two_ways_in_two_copies_is_flagged() -> None:
    docs = copy.deepcopy(SEED)
    sub = row(docs[1], "operator aplikasi SAKTI")
    goal = sub["strategic_goal"]
    misread = goal.replace(goal.split()[1], goal.split()[1].capitalize(), 1)
    # a small letter read as a capital in the subordinate's copy of every row of the goal
    # (the goal's one cell): neither copy is doubted, no reading printed more: both flagged
    for r in docs[1]["targets"]:
        if r["strategic_goal"] == goal:
            r["strategic_goal"] = misread
    out = reconcile(docs)
    both = [row(d, "operator aplikasi SAKTI") for d in out[:2]]
    assert all(any(r.startswith("cross-check: goal") for r in b["review_reasons"]) for b in both)
    # the copy whose own flag quotes the odd word is the misread one: it alone is flagged
    sub.update(needs_review=True, review_reasons=[f"{misread.split()[1]!r} capitalised: misread?"])
    out = reconcile(docs)
    assert [row(d, "operator aplikasi SAKTI")["needs_review"] for d in out[:2]] == [False, True]
    # misread beside one row only, the goal as both agreements print it elsewhere is right:
    # the odd copy alone is flagged
    docs = copy.deepcopy(SEED)
    row(docs[1], "operator aplikasi SAKTI")["strategic_goal"] = misread
    out = reconcile(docs)
    assert [row(d, "operator aplikasi SAKTI")["needs_review"] for d in out[:2]] == [False, True]
    # an indicator read two ways
    docs = copy.deepcopy(SEED)
    sub = row(docs[1], "operator aplikasi SAKTI")
    sub["indicator"] = sub["indicator"].replace("operator", "operatar")
    out = reconcile(docs)
    head = row(out[0], "operator aplikasi SAKTI")
    assert any(r.startswith("cross-check: indicator") for r in head["review_reasons"])


def test_lines_of_two_copies_are_compared_only_when_their_names_are_one_name() -> None:
    # the words of one name inside another's are two lines, not one line read twice
    a, b = copy.deepcopy(SEED[1]), copy.deepcopy(SEED[1])
    b["agreement_id"] = "other-scan-01"
    a["budget"] = [dict(a["budget"][0], name="Program Peningkatan Pemasaran Hasil Produksi Peternakan",
                        amount=7_319_893_000)]
    b["budget"] = [dict(b["budget"][0], name="Program Peningkatan Produksi Hasil Peternakan",
                        amount=9_903_401_000)]
    assert flagged(reconcile([a, b])) == []
    b["budget"][0]["name"] = "Program Peningkatan Pemasaran Hasil Produksi Petemakan"  # one line, misread
    assert len(flagged(reconcile([a, b]))) == 2


def test_a_place_read_otherwise_than_the_offices_other_agreements_is_flagged_alone() -> None:
    docs = copy.deepcopy(SEED)  # five agreements of one office, signed in one place
    place = docs[0]["signed_place"]
    docs[3]["signed_place"] = place[:-1] + "q"  # one letter misread
    out = reconcile(docs)
    assert "signed_place" in out[3]["needs_review"]
    assert any(f"but {place!r} in 4 agreements" in w for w in out[3]["warnings"])
    assert out[3]["signed_place"] == place  # theirs taken, flagged for a person
    assert not any("signed_place" in d["needs_review"] for i, d in enumerate(out) if i != 3)
    assert reconcile(out) == out
    # a place unlike it is another place, as printed
    docs[3]["signed_place"] = "Samarinda"
    assert not any("signed_place" in d["needs_review"] for d in reconcile(docs))
    # two agreements, each reading it otherwise: neither outnumbers the other, both flagged
    two = copy.deepcopy(SEED)[:2]
    two[1]["signed_place"] = place[:-1] + "q"
    out = reconcile(two)
    assert all("signed_place" in d["needs_review"] for d in out)
    assert [d["signed_place"] for d in out] == [place, place[:-1] + "q"]  # neither taken
