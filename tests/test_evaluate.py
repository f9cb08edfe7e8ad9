"""The scorer: truth against itself, and copies with errors injected one at a time.

The truth is one source file, `bundle.pdf`, holding two agreements: A (pages 1-2, four
target rows, two budget lines) and B (pages 3-4, two target rows, one budget line):
6 target rows, 3 budget lines, 9 rows in all. Every expected figure below is counted
by hand from that.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ocr_pipeline.errors import BadArgsError
from ocr_pipeline.evaluate import EvalReport, align, evaluate
from ocr_pipeline.records import HEADER_FIELDS
from ocr_pipeline.stages.export import schema_errors

SHA = "0" * 64
GOAL_RULES = "Terlaksananya penguatan Peraturan KPU sesuai dengan kaidah yang berlaku"
GOAL_MONEY = "Terwujudnya pengelolaan keuangan yang akuntabel"
TARGET_FIELDS = ("program", "activity", "strategic_goal", "indicator", "indicator_parent",
                 "target.value", "target.unit")


def target(program: str | None, activity: str | None, goal: str, indicator: str,
           value: float | None, unit: str | None, raw: str, page: int) -> dict[str, Any]:
    return {
        "program": program, "activity": activity, "strategic_goal": goal,
        "indicator": indicator, "indicator_id": None, "indicator_parent": None,
        "target": {"raw": raw, "value": value, "unit": unit},
        "page": page, "confidence": 1.0, "needs_review": False, "review_reasons": [],
        "corrections": [],
    }


def budget(name: str, amount: int, raw: str, page: int) -> dict[str, Any]:
    return {"name": name, "amount": amount, "raw": raw, "note": None, "page": page,
            "confidence": 1.0, "needs_review": False, "review_reasons": [], "corrections": []}


def agreement(ident: str, pages: list[int], subunit: str | None, first: tuple[str, str],
              second: tuple[str, str], targets: list[dict[str, Any]],
              lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schema_version": "1.0", "agreement_id": ident,
        "source": {"file": "scans/bundle.pdf", "sha256": SHA, "pages": pages},
        "title": "PERJANJIAN KINERJA TAHUN 2026", "year": 2026,
        "organization": "Sekretariat KPU Kota Bontang", "subunit": subunit,
        "first_party": {"name": first[0], "position": first[1]},
        "second_party": {"name": second[0], "position": second[1]},
        "signed_place": "Bontang", "signed_date": "2026-01-15", "signed_date_raw": None,
        "targets": targets, "budget": lines, "needs_review": [], "warnings": [],
    }


def truth_docs() -> list[dict[str, Any]]:
    pemilu, manajemen = "Program Penyelenggaraan Pemilihan Umum", "Program Dukungan Manajemen"
    a = agreement(
        "bundle-1", [1, 2], None,
        ("Bambang Rahmadhany", "Sekretaris KPU Kota Bontang"),
        ("Muzarroby Renfly", "Ketua KPU Kota Bontang"),
        [
            target(pemilu, "Penguatan Kualitas Peraturan Perundang-Undangan", GOAL_RULES,
                   "Persentase Keputusan KPU Kota Bontang yang disusun dengan tepat waktu",
                   100, "%", "100%", 2),
            target(pemilu, "Penguatan Kualitas Peraturan Perundang-Undangan", GOAL_RULES,
                   "Persentase KPU Kota Bontang dalam Menyajikan Informasi Produk Hukum",
                   100, "%", "100 %", 2),
            target(manajemen, "Pengelolaan Keuangan", GOAL_MONEY,
                   "Persentase Kualitas Tata Kelola Keuangan", 95, "%", "95%", 2),
            target(manajemen, "Pengelolaan Keuangan", "Meningkatnya kepuasan layanan",
                   "Indeks Kepuasan Masyarakat", 3.5, None, "3,5", 2),
        ],
        [budget(pemilu, 21057000, "Rp 21.057.000,-", 2),
         budget(manajemen, 4105373000, "Rp 4.105.373.000,-", 2)],
    )
    b = agreement(
        "bundle-2", [3, 4], "Keuangan, Umum dan Logistik",
        ("Rina Kartika", "Kasubbag Keuangan, Umum dan Logistik"),
        ("Bambang Rahmadhany", "Sekretaris KPU Kota Bontang"),
        [
            target(manajemen, "Pengelolaan Keuangan", GOAL_MONEY,
                   "Persentase Laporan Keuangan yang Tepat Waktu", 4, "laporan", "4 laporan", 4),
            target(manajemen, "Pelayanan Operasional Kantor",
                   "Tersedianya layanan operasional kantor",
                   "Jumlah Pegawai yang Mengikuti Pelatihan", 10, "orang", "10 orang", 4),
        ],
        [budget("Pengelolaan Keuangan", 3691079000, "Rp 3.691.079.000,-", 4)],
    )
    return [a, b]


SPURIOUS_ROW = target(None, None, "Terlaksananya rapat koordinasi", "Jumlah Rapat Koordinasi",
                      12, "kegiatan", "12 kegiatan", 2)


def write_truth(tmp_path: Path, docs: list[dict[str, Any]] | None = None) -> Path:
    path = tmp_path / "truth" / "bundle.truth.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(truth_docs() if docs is None else docs), "utf-8")
    return path


def write_output(tmp_path: Path, docs: list[dict[str, Any]],
                 manifest: dict[str, Any] | None = None) -> Path:
    out = tmp_path / "out"
    (out / "agreements").mkdir(parents=True, exist_ok=True)
    for doc in docs:
        (out / "agreements" / f"{doc['agreement_id']}.json").write_text(json.dumps(doc), "utf-8")
    if manifest is not None:
        (out / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return out


def score(tmp_path: Path, docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Summary figures of `docs` as output against the unchanged truth."""
    return evaluate(write_output(tmp_path, docs), [write_truth(tmp_path)]).to_json()["summary"]


def silent(summary: dict[str, Any]) -> int:
    return summary["silent_errors"]["total"]


def alarms(summary: dict[str, Any]) -> int:
    return summary["false_alarms"]["total"]


# --------------------------------------------------------------------------- fixtures


def test_fixture_is_valid_against_the_contract():
    docs = truth_docs() + [{**truth_docs()[0], "targets": [SPURIOUS_ROW]}]
    assert [schema_errors(d) for d in docs] == [[]] * 3


# --------------------------------------------------------------------------- truth vs itself


def test_truth_against_itself_is_perfect(tmp_path):
    report = evaluate(write_output(tmp_path, truth_docs()), [write_truth(tmp_path)])
    data = report.to_json()
    s = data["summary"]
    assert s["agreements"] == {"truth": 2, "output": 2, "paired": 2, "missed": 0,
                               "failed": 0, "spurious": 0}
    assert s["header"]["accuracy"] == {f: 1.0 for f in HEADER_FIELDS}
    assert (s["header"]["all_right"], s["header"]["all_right_rate"]) == (2, 1.0)
    for kind, n in (("targets", 6), ("budget", 3)):
        rows = s[kind]
        assert (rows["truth"], rows["output"], rows["matched"]) == (n, n, n)
        assert (rows["recall"], rows["precision"]) == (1.0, 1.0)
        assert set(rows["accuracy_matched"].values()) == {1.0}
        assert set(rows["accuracy_truth"].values()) == {1.0}
    assert (s["cer"]["edits"], s["cer"]["cer"]) == (0, 0.0)
    assert silent(s) == 0
    assert alarms(s) == 0 and s["false_alarms"]["row_rate"] == 0.0
    assert data["documents"]["malformed"] == 0 and data["documents"]["invalid"] == 0
    per = data["agreements"]
    assert [(a["truth_id"], a["output_id"], a["status"], a["similarity"]) for a in per] == [
        ("bundle-1", "bundle-1", "paired", 1.0), ("bundle-2", "bundle-2", "paired", 1.0)]
    assert [a["targets"]["truth"] for a in per] == [4, 2]


# --------------------------------------------------------------------------- target rows


def test_wrong_target_value_unflagged_is_one_silent_error(tmp_path):
    docs = truth_docs()
    docs[0]["targets"][1]["target"]["value"] = 95
    s = score(tmp_path, docs)
    assert s["targets"]["accuracy_matched"]["target.value"] == 5 / 6
    assert s["targets"]["accuracy_truth"]["target.value"] == 5 / 6
    assert s["targets"]["accuracy_matched"]["indicator"] == 1.0
    assert s["targets"]["recall"] == 1.0
    assert silent(s) == 1 and s["silent_errors"]["targets"]["target.value"] == 1
    assert alarms(s) == 0


def test_wrong_target_value_flagged_is_not_silent(tmp_path):
    docs = truth_docs()
    row = docs[0]["targets"][1]
    row.update(needs_review=True, review_reasons=["low OCR confidence"])
    row["target"]["value"] = 95
    s = score(tmp_path, docs)
    assert s["targets"]["accuracy_matched"]["target.value"] == 5 / 6
    assert silent(s) == 0
    assert alarms(s) == 0


def test_missing_row_drops_recall_by_one_row_and_is_silent(tmp_path):
    docs = truth_docs()
    del docs[0]["targets"][2]
    s = score(tmp_path, docs)
    assert s["targets"]["recall"] == 5 / 6 == 1 - 1 / 6
    assert s["targets"]["precision"] == 1.0
    assert s["targets"]["accuracy_matched"] == {f: 1.0 for f in (*TARGET_FIELDS, "target.raw")}
    assert s["targets"]["accuracy_truth"]["indicator"] == 5 / 6
    assert silent(s) == 1 and s["silent_errors"]["missed_rows"] == {"targets": 1, "budget": 0}


@pytest.mark.parametrize("flag", [{"needs_review": ["targets"]},
                                  {"warnings": ["targets: the table ends mid-page"]}])
def test_missing_row_under_a_rows_may_be_missing_flag_is_not_silent(tmp_path, flag):
    docs = truth_docs()
    del docs[0]["targets"][2]
    docs[0].update(flag)
    s = score(tmp_path, docs)
    assert s["targets"]["recall"] == 5 / 6
    assert silent(s) == 0
    assert alarms(s) == 0


def test_rows_may_be_missing_flag_with_nothing_missing_is_a_false_alarm(tmp_path):
    docs = truth_docs()
    docs[1]["needs_review"] = ["budget"]
    s = score(tmp_path, docs)
    assert silent(s) == 0
    assert alarms(s) == 1 and s["false_alarms"]["row_sets"] == 1


def test_spurious_row_unflagged_is_silent(tmp_path):
    docs = truth_docs()
    docs[0]["targets"].insert(2, copy.deepcopy(SPURIOUS_ROW))
    s = score(tmp_path, docs)
    assert (s["targets"]["output"], s["targets"]["matched"]) == (7, 6)
    assert s["targets"]["precision"] == 6 / 7
    assert s["targets"]["recall"] == 1.0
    assert silent(s) == 1 and s["silent_errors"]["spurious_rows"]["targets"] == 1


def test_spurious_row_flagged_is_neither_silent_nor_false_alarm(tmp_path):
    docs = truth_docs()
    docs[0]["targets"].insert(2, {**copy.deepcopy(SPURIOUS_ROW), "needs_review": True})
    s = score(tmp_path, docs)
    assert s["targets"]["precision"] == 6 / 7
    assert silent(s) == 0
    assert alarms(s) == 0


def test_right_row_flagged_is_one_false_alarm(tmp_path):
    docs = truth_docs()
    docs[0]["targets"][0].update(needs_review=True, review_reasons=["no catalogue match"])
    s = score(tmp_path, docs)
    assert silent(s) == 0
    assert alarms(s) == 1 and s["false_alarms"]["targets"] == 1
    assert s["false_alarms"]["output_rows"] == 9
    assert s["false_alarms"]["row_rate"] == 1 / 9


def test_ocr_errors_in_an_indicator_keep_the_row_paired(tmp_path):
    docs = truth_docs()
    # three substitutions: l->1, I->l, u->v
    docs[0]["targets"][1]["indicator"] = (
        "Persentase KPU Kota Bontang da1am Menyajikan lnformasi Produk Hukvm")
    s = score(tmp_path, docs)
    assert (s["targets"]["recall"], s["targets"]["precision"]) == (1.0, 1.0)
    assert s["targets"]["accuracy_matched"]["indicator"] == 5 / 6
    assert silent(s) == 1 and s["silent_errors"]["targets"]["indicator"] == 1
    # indicators of the truth: 69 + 67 + 40 + 26 + 44 + 39 = 285 characters
    assert s["cer"]["fields"]["targets.indicator"] == {"edits": 3, "chars": 285,
                                                       "cer": 3 / 285}
    assert s["cer"]["edits"] == 3


def test_unrelated_row_in_place_of_a_truth_row_is_not_paired(tmp_path):
    docs = truth_docs()
    docs[0]["targets"][3] = copy.deepcopy(SPURIOUS_ROW)
    s = score(tmp_path, docs)
    assert (s["targets"]["recall"], s["targets"]["precision"]) == (5 / 6, 5 / 6)
    assert s["silent_errors"]["missed_rows"]["targets"] == 1
    assert s["silent_errors"]["spurious_rows"]["targets"] == 1
    assert silent(s) == 2


def test_raw_target_is_informational_and_ignores_the_space_before_percent(tmp_path):
    docs = truth_docs()
    docs[0]["targets"][0]["target"]["raw"] = "100 %"  # truth "100%": same
    docs[0]["targets"][2]["target"]["raw"] = "95 persen"  # different, not scored
    s = score(tmp_path, docs)
    assert s["targets"]["accuracy_matched"]["target.raw"] == 5 / 6
    assert silent(s) == 0


def test_a_list_heading_compares_without_its_closing_colon(tmp_path):
    truth = truth_docs()
    truth[0]["targets"][0]["indicator_parent"] = "Jumlah populasi ternak (ekor) :"
    docs = copy.deepcopy(truth)
    docs[0]["targets"][0]["indicator_parent"] = "Jumlah populasi ternak (ekor)"
    docs[0]["targets"][1]["indicator_parent"] = "Jumlah populasi ternak (ekor)"  # truth: none
    s = evaluate(write_output(tmp_path, docs), [write_truth(tmp_path, truth)]).to_json()["summary"]
    assert s["targets"]["right"]["indicator_parent"] == 5
    assert silent(s) == 1


def test_wrong_budget_amount_unflagged_is_silent(tmp_path):
    docs = truth_docs()
    docs[0]["budget"][1]["amount"] = 4105373
    s = score(tmp_path, docs)
    assert s["budget"]["recall"] == 1.0
    assert s["budget"]["accuracy_matched"] == {"name": 1.0, "amount": 2 / 3}
    assert silent(s) == 1 and s["silent_errors"]["budget"]["amount"] == 1


# --------------------------------------------------------------------------- header


def test_wrong_first_party_name_unflagged_is_silent(tmp_path):
    docs = truth_docs()
    docs[0]["first_party"]["name"] = "Bambang Rahmadany"
    s = score(tmp_path, docs)
    assert s["header"]["accuracy"]["first_party.name"] == 0.5
    assert s["header"]["accuracy"]["title"] == 1.0
    assert (s["header"]["all_right"], s["header"]["all_right_rate"]) == (1, 0.5)
    assert silent(s) == 1 and s["silent_errors"]["header"]["first_party.name"] == 1
    assert s["cer"]["fields"]["first_party.name"]["edits"] == 1


def test_wrong_first_party_name_flagged_is_not_silent(tmp_path):
    docs = truth_docs()
    docs[0]["first_party"]["name"] = "Bambang Rahmadany"
    docs[0]["needs_review"] = ["first_party.name"]
    s = score(tmp_path, docs)
    assert s["header"]["accuracy"]["first_party.name"] == 0.5
    assert silent(s) == 0
    assert alarms(s) == 0


def test_names_compare_case_insensitively(tmp_path):
    docs = truth_docs()
    docs[0]["first_party"]["name"] = "BAMBANG  RAHMADHANY"
    s = score(tmp_path, docs)
    assert s["header"]["accuracy"]["first_party.name"] == 1.0
    assert s["cer"]["edits"] == 0


def test_right_header_field_flagged_is_a_false_alarm(tmp_path):
    docs = truth_docs()
    docs[1]["needs_review"] = ["title"]
    s = score(tmp_path, docs)
    assert silent(s) == 0
    assert alarms(s) == 1 and s["false_alarms"]["header"]["title"] == 1
    assert s["false_alarms"]["row_rate"] == 0.0


# --------------------------------------------------------------------------- agreements


def test_agreements_pair_by_content_not_by_position(tmp_path):
    docs = truth_docs()[1:]  # only B was extracted
    report = evaluate(write_output(tmp_path, docs), [write_truth(tmp_path)]).to_json()
    s = report["summary"]
    assert [(a["truth_id"], a["status"]) for a in report["agreements"]] == [
        ("bundle-1", "missed"), ("bundle-2", "paired")]
    assert s["targets"]["recall"] == 2 / 6
    assert s["budget"]["recall"] == 1 / 3
    # the missed agreement, and its 4 target rows and 2 budget lines
    assert s["silent_errors"]["agreements"] == {"missed": 1, "spurious": 0}
    assert silent(s) == 1 + 4 + 2


def test_spurious_agreement_and_its_rows_are_counted(tmp_path):
    extra = {**copy.deepcopy(truth_docs()[0]), "agreement_id": "bundle-3",
             "source": {"file": "bundle.pdf", "sha256": SHA, "pages": [5]},
             "first_party": {"name": "Siti Aminah", "position": "Bendahara"},
             "targets": [copy.deepcopy(SPURIOUS_ROW)], "budget": []}
    s = score(tmp_path, truth_docs() + [extra])
    assert s["agreements"]["spurious"] == 1
    assert s["targets"]["precision"] == 6 / 7
    assert silent(s) == 2  # the agreement and its one row


def test_outputs_of_files_outside_the_sample_are_not_scored(tmp_path):
    other = {**copy.deepcopy(truth_docs()[0]), "agreement_id": "other-1",
             "source": {"file": "other.pdf", "sha256": SHA, "pages": [1]}}
    report = evaluate(write_output(tmp_path, truth_docs() + [other]), [write_truth(tmp_path)])
    data = report.to_json()
    assert data["documents"]["unscored_files"] == ["other-1.json"]
    assert data["summary"]["agreements"]["spurious"] == 0
    assert silent(data["summary"]) == 0


# --------------------------------------------------------------------------- broken output


def test_malformed_output_files_are_counted_and_skipped(tmp_path):
    out = write_output(tmp_path, truth_docs())
    (out / "agreements" / "broken.json").write_text("{not json", "utf-8")
    (out / "agreements" / "list.json").write_text("[1, 2]", "utf-8")
    (out / "agreements" / "nosource.json").write_text('{"agreement_id": "x"}', "utf-8")
    data = evaluate(out, [write_truth(tmp_path)]).to_json()
    assert data["documents"]["output"] == 5
    assert data["documents"]["malformed"] == 3
    assert data["documents"]["malformed_files"] == ["broken.json", "list.json", "nosource.json"]
    assert silent(data["summary"]) == 0
    assert data["summary"]["targets"]["recall"] == 1.0


def test_invalid_document_is_scored_with_what_is_usable(tmp_path):
    docs = truth_docs()
    docs[0]["targets"] = "oops"
    docs[0]["year"] = "2026"
    data = evaluate(write_output(tmp_path, docs), [write_truth(tmp_path)]).to_json()
    s = data["summary"]
    assert data["documents"]["invalid_files"] == ["bundle-1.json"]
    assert s["agreements"]["paired"] == 2
    assert s["header"]["accuracy"]["year"] == 0.5
    assert s["targets"]["recall"] == 2 / 6
    # year, and the four target rows of A
    assert silent(s) == 1 + 4


@pytest.mark.parametrize("make", ["no folder", "empty agreements"])
def test_empty_output_does_not_crash_and_misses_everything(tmp_path, make):
    out = tmp_path / "out"
    if make == "empty agreements":
        (out / "agreements").mkdir(parents=True)
    report = evaluate(out, [write_truth(tmp_path)])
    s = report.to_json()["summary"]
    assert s["agreements"]["missed"] == 2 and s["agreements"]["paired"] == 0
    assert s["targets"]["recall"] == 0.0 and s["targets"]["precision"] is None
    assert s["header"]["accuracy"]["title"] is None
    assert s["targets"]["accuracy_truth"]["indicator"] == 0.0
    # 2 agreements, 6 target rows, 3 budget lines
    assert silent(s) == 2 + 6 + 3
    assert "n/a" in report.format()


def test_failed_file_in_the_manifest_is_loud_not_silent(tmp_path):
    manifest = {"files": [{"file": "scans/bundle.pdf", "status": "failed",
                           "error": "tesseract timed out", "agreements": 0}]}
    out = write_output(tmp_path, [], manifest)
    data = evaluate(out, [write_truth(tmp_path)]).to_json()
    s = data["summary"]
    assert data["documents"]["failed_files"] == 1
    assert data["documents"]["failed_file_names"] == ["bundle.pdf"]
    assert (s["agreements"]["failed"], s["agreements"]["missed"]) == (2, 0)
    assert s["targets"]["recall"] == 0.0
    assert silent(s) == 0


# --------------------------------------------------------------------------- truth and report


def test_truth_folder_takes_its_truth_files(tmp_path):
    write_truth(tmp_path)
    (tmp_path / "truth" / "notes.json").write_text("not truth", "utf-8")
    out = write_output(tmp_path, truth_docs())
    data = evaluate(out, [tmp_path / "truth"]).to_json()
    assert len(data["truth_files"]) == 1
    assert silent(data["summary"]) == 0 and data["summary"]["agreements"]["paired"] == 2


def test_unusable_truth_is_an_argument_error(tmp_path):
    out = write_output(tmp_path, truth_docs())
    bad = tmp_path / "bad.json"
    bad.write_text('{"agreements": []}', "utf-8")
    with pytest.raises(BadArgsError):
        evaluate(out, [bad])
    with pytest.raises(BadArgsError):
        evaluate(out, [tmp_path / "missing.truth.json"])
    with pytest.raises(BadArgsError):
        evaluate(out, [])


def test_report_is_json_and_a_few_dozen_lines(tmp_path):
    docs = truth_docs()
    docs[0]["first_party"]["name"] = "Bambang Rahmadany"
    report = evaluate(write_output(tmp_path, docs), [write_truth(tmp_path)])
    assert isinstance(report, EvalReport)
    json.dumps(report.to_json())
    text = report.format()
    assert 20 <= len(text.splitlines()) <= 60
    assert "Silent errors (wrong or missing, not flagged): 1" in text
    assert "header first_party.name: 1" in text


def test_align_keeps_order_and_skips_rows_below_the_threshold():
    sim = np.array([[1.0, 0.2, 0.1],
                    [0.3, 0.5, 0.2],
                    [0.1, 0.2, 0.9]])
    assert align(sim, 0.7) == ((0, 0), (1, None), (None, 1), (2, 2))
    crossing = np.array([[0.0, 0.9], [0.8, 0.0]])
    assert align(crossing, 0.7) == ((None, 0), (0, 1), (1, None))  # the better of two
