"""The review round trip: review.csv filled by an auditor -> reviews.json -> agreements.

Small agreements are built here (valid against the contract); the end-to-end test
runs the pipeline on one born-digital agreement of ../shared/realdata (exact text
layer, no OCR) and finds the reviewer's values in the JSON, the CSVs and SQLite.
"""

from __future__ import annotations

import copy
import csv
import json
import shutil
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ocr_pipeline import cli, pipeline, review
from ocr_pipeline.config import RunConfig
from ocr_pipeline.errors import CatalogueError
from ocr_pipeline.review import Decision
from ocr_pipeline.stages import export

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
BORN_DIGITAL = REALDATA / "pk_born_digital" / "LAMPIRAN PERJANJIAN KINERJA 2016 KADISPARBUD.pdf"
AID = "pk-0123456789ab-01"


def row(indicator: str, raw: str, value: float | None, unit: str | None, *reasons: str) -> dict[str, Any]:
    return {"program": None, "activity": None, "strategic_goal": "Meningkatnya kinerja",
            "indicator": indicator, "indicator_id": None, "indicator_parent": None,
            "target": {"raw": raw, "value": value, "unit": unit}, "page": 1, "bbox": [10, 20, 300, 60],
            "confidence": 0.4 if reasons else 1.0, "needs_review": bool(reasons),
            "review_reasons": list(reasons), "corrections": []}


def line(name: str, amount: int | None, raw: str, *reasons: str) -> dict[str, Any]:
    return {"name": name, "amount": amount, "raw": raw, "note": None, "page": 2,
            "confidence": 0.5 if reasons else 1.0, "needs_review": bool(reasons),
            "review_reasons": list(reasons), "corrections": []}


def agreement(aid: str = AID) -> dict[str, Any]:
    return {
        "schema_version": "1.0", "agreement_id": aid,
        "source": {"file": "scans/pk.pdf", "sha256": "a" * 64, "pages": [1, 2]},
        "title": "PERJANJIAN KINERJA TAHUN 2026", "year": 2026, "organization": "Dinas Peternakan",
        "subunit": None, "first_party": {"name": "Ir. D0DY", "position": "Kepala Dinas"},
        "second_party": {"name": "Ahmad", "position": "Gubernur"}, "signed_place": "Bandung",
        "signed_date": None, "signed_date_raw": "2026",
        "targets": [row("Persentase layanan", "9O %", 9, None, "low OCR confidence (0.40)"),
                    row("Jumlah laporan", "2 laporan", 2, "laporan", "low OCR confidence (0.45)"),
                    row("Indeks kepuasan", "82", 82, None)],
        "budget": [line("Pengelolaan Keuangan", 4105373, "Rp 4.105.373,-", "budget does not add up")],
        "needs_review": ["first_party.name"], "warnings": ["first_party.name: low OCR confidence (0.20)"],
    }


def fill(review_csv: Path, decisions: dict[tuple[str, str], tuple[str, str]],
         extra: Sequence[dict[str, str]] = (), delimiter: str = ",") -> None:
    """Fill decision / corrected_value of review.csv rows keyed by (kind, row or field)."""
    with review_csv.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        key = (r["kind"], r["row"] or r["field"])
        if key in decisions:
            r["decision"], r["corrected_value"] = decisions[key]
    rows.extend(extra)
    with review_csv.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(export.REVIEW_COLUMNS), delimiter=delimiter)
        w.writeheader()
        w.writerows(rows)


def apply_review(out: Path, corrections: Path, *more: str) -> int:
    return cli.main(["apply-review", str(out / "review.csv"), "--out", str(out),
                     "--corrections", str(corrections), *more])


@pytest.fixture
def out(tmp_path: Path) -> Path:
    d = tmp_path / "out"
    export.write_agreement(d, agreement())
    export.write_tables(d, [agreement()])
    return d


DECIDED = {("target", "1"): ("correct", "90%"), ("target", "2"): ("accept", ""),
           ("budget", "1"): ("correct", "Rp 4.105.373.000,-"),
           ("header", "first_party.name"): ("correct", "Ir. DODY")}


# --------------------------------------------------------------------------- reading review.csv


def test_read_review_csv_reads_the_filled_rows(out: Path) -> None:
    fill(out / "review.csv", DECIDED)
    got = {(d.kind, d.row, d.field): d for d in review.read_review_csv(out / "review.csv")}
    assert set(got) == {("target", 1, "target"), ("target", 2, "target"), ("budget", 1, "amount"),
                        ("header", None, "first_party.name")}
    assert got["target", 1, "target"].corrected_value == "90%"
    assert got["target", 1, "target"].value == "Persentase layanan = 9O %"
    assert got["target", 2, "target"].decision == "accept"
    assert got["target", 2, "target"].reasons == "low OCR confidence (0.45)"


def test_read_review_csv_as_a_european_spreadsheet_saves_it(out: Path) -> None:
    fill(out / "review.csv", {("target", "1"): ("Correct ", "90 %")}, delimiter=";")
    (d,) = review.read_review_csv(out / "review.csv")
    assert (d.decision, d.corrected_value) == ("correct", "90 %")


@pytest.mark.parametrize(("decision", "message"), [
    (("maybe", ""), "decision must be 'accept', 'correct' or empty"),
    (("correct", ""), "needs the right value in corrected_value"),
    (("correct", "lots"), "cannot read a target"),
])
def test_a_bad_decision_names_file_and_line(out: Path, decision: tuple[str, str], message: str) -> None:
    fill(out / "review.csv", {("target", "2"): decision})  # line 1 the header, 2 first_party.name, 3 row 1
    with pytest.raises(CatalogueError, match=rf"review\.csv, line 4: .*{message}"):
        review.read_review_csv(out / "review.csv")


def test_a_file_that_is_not_a_review_file(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("a,b\n1,2\n", "utf-8")
    with pytest.raises(CatalogueError, match="missing columns"):
        review.read_review_csv(tmp_path / "x.csv")


# --------------------------------------------------------------------------- keeping decisions


def test_store_merges_by_key_and_keeps_the_date_of_a_decision_made_again(tmp_path: Path) -> None:
    a = Decision(AID, "target", 1, "target", "correct", "90%")
    b = Decision(AID, "budget", 1, "amount", "accept")
    path = review.store_decisions([a, b], tmp_path / "corr")
    first = review.load_decisions(tmp_path / "corr")
    assert [d.key for d in first] == sorted([a.key, b.key])
    assert all(d.decided_at for d in first)
    review.store_decisions([replace(a, corrected_value="95%")], tmp_path / "corr")
    review.store_decisions([b], tmp_path / "corr")
    kept = {d.key: d for d in review.load_decisions(tmp_path / "corr")}
    assert kept[a.key].corrected_value == "95%"
    assert kept[b.key].decided_at == {d.key: d for d in first}[b.key].decided_at
    data = json.loads(path.read_text("utf-8"))
    assert data["format"] == review.FORMAT and data["version"] == 1 and len(data["decisions"]) == 2


def test_a_broken_decisions_file_is_a_catalogue_error(tmp_path: Path) -> None:
    (tmp_path / review.DECISIONS_FILE).write_text("{", "utf-8")
    with pytest.raises(CatalogueError, match="reviews.json"):
        review.load_decisions(tmp_path)
    assert review.load_decisions(tmp_path / "none") == ()


# --------------------------------------------------------------------------- applying decisions


def decisions() -> list[Decision]:
    return [
        Decision(AID, "target", 1, "target", "correct", "90%", value="Persentase layanan = 9O %"),
        Decision(AID, "target", 2, "target", "accept", value="Jumlah laporan = 2 laporan"),
        Decision(AID, "budget", 1, "amount", "correct", "Rp 4.105.373.000,-"),
        Decision(AID, "header", None, "first_party.name", "correct", "Ir. DODY"),
        Decision(AID, "target", 7, "target", "accept"),
        Decision("pk-other-01", "target", 1, "target", "accept"),
    ]


def test_apply_decisions_sets_values_clears_flags_and_keeps_the_trail() -> None:
    doc = agreement()
    before = copy.deepcopy(doc)
    new, unmatched = review.apply_decisions(doc, decisions())
    assert doc == before  # the input is not changed
    assert export.schema_errors(new) == []
    t1, t2, t3 = new["targets"]
    assert t1["target"] == {"raw": "90%", "value": 90, "unit": "%"}
    assert t1["corrections"] == [{"field": "target", "from": "9O %", "to": "90%", "method": "review"}]
    assert (t1["needs_review"], t1["review_reasons"], t1["reviewed"]) == (False, [], "corrected")
    assert t2["target"] == before["targets"][1]["target"] and t2["corrections"] == []
    assert (t2["needs_review"], t2["reviewed"]) == (False, "accepted")
    assert "reviewed" not in t3
    b = new["budget"][0]
    assert (b["amount"], b["raw"], b["reviewed"]) == (4105373000, "Rp 4.105.373.000,-", "corrected")
    assert b["corrections"][-1] == {"field": "amount", "from": "Rp 4.105.373,-", "to": "Rp 4.105.373.000,-",
                                    "method": "review"}
    assert new["first_party"]["name"] == "Ir. DODY" and new["needs_review"] == []
    assert new["reviewed"] == {"first_party.name": "corrected"}
    assert new["header_corrections"] == [{"field": "first_party.name", "from": "Ir. D0DY", "to": "Ir. DODY",
                                          "method": "review"}]
    assert unmatched == [f"{AID} target row 7 target: accept: no such row (the agreement has 3 target rows)"]


def test_apply_decisions_twice_changes_nothing_more() -> None:
    once, _ = review.apply_decisions(agreement(), decisions())
    twice, unmatched = review.apply_decisions(once, decisions())
    assert twice == once
    assert len(unmatched) == 1


def test_a_decision_about_a_value_that_changed_is_reported_not_applied() -> None:
    doc = agreement()
    doc["targets"][1]["target"]["raw"] = "3 laporan"
    doc["targets"][0]["indicator"] = "Something else"
    new, unmatched = review.apply_decisions(doc, decisions()[:2])
    assert new == doc
    assert [u.split(": ", 2)[-1].split(":")[0] for u in unmatched] == [
        "the row is now 'Something else', not 'Persentase layanan'",
        "the row now reads 'Jumlah laporan = 3 laporan', not 'Jumlah laporan = 2 laporan'"]


def test_a_correction_may_fix_the_indicator_too_the_way_review_csv_shows_a_row() -> None:
    fix = Decision(AID, "target", 1, "target", "correct", "Persentase layanan publik = 90%",
                   value="Persentase layanan = 9O %")
    once, unmatched = review.apply_decisions(agreement(), [fix])
    t = once["targets"][0]
    assert unmatched == []
    assert (t["indicator"], t["target"]["value"], t["target"]["unit"]) == (
        "Persentase layanan publik", 90, "%")
    assert [(c["field"], c["from"], c["to"]) for c in t["corrections"]] == [
        ("indicator", "Persentase layanan", "Persentase layanan publik"), ("target", "9O %", "90%")]
    assert review.apply_decisions(once, [fix]) == (once, [])  # the new indicator is the same row


def test_header_dates_and_years_are_parsed() -> None:
    new, unmatched = review.apply_decisions(agreement(), [
        Decision(AID, "header", None, "signed_date", "correct", "15 Januari 2026"),
        Decision(AID, "header", None, "year", "correct", "2025")])
    assert unmatched == []
    assert (new["signed_date"], new["year"]) == ("2026-01-15", 2025)
    assert export.schema_errors(new) == []


# --------------------------------------------------------------------------- the command


def test_apply_review_command(out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fill(out / "review.csv", DECIDED, extra=[{"agreement_id": AID, "kind": "budget", "row": "9",
                                               "field": "amount", "decision": "accept"}])
    corr = tmp_path / "corr"
    assert apply_review(out, corr) == 0
    err = capsys.readouterr().err
    assert f"not applied: {AID} budget row 9 amount: accept: no such row" in err
    assert "5 decisions read, 4 applied, 1 not applied; 1 agreements rewritten" in err
    doc = json.loads(export.agreement_path(out, AID).read_text("utf-8"))
    assert doc["targets"][0]["target"]["raw"] == "90%"
    assert (out / "report.html").exists() and (out / "agreements.sqlite").exists()
    with (out / "review.csv").open(encoding="utf-8-sig") as fh:
        assert list(csv.DictReader(fh)) == []  # nothing left to review


def test_apply_review_command_with_a_bad_file_exits_5(out: Path, tmp_path: Path) -> None:
    fill(out / "review.csv", {("target", "1"): ("yes", "")})
    corr = tmp_path / "corr"
    assert apply_review(out, corr, "-q") == 5
    assert not (corr / review.DECISIONS_FILE).exists()


# --------------------------------------------------------------------------- end to end


@pytest.mark.realdata
@pytest.mark.tesseract
def test_round_trip_sticks_across_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in" / "kadisparbud.pdf"
    src.parent.mkdir()
    shutil.copy(BORN_DIGITAL, src)
    out, corr = tmp_path / "out", tmp_path / "corrections"
    pipeline.run([src], RunConfig(out_dir=out, corrections=corr, workers=1))
    (aid,) = [p.stem for p in (out / "agreements").glob("*.json")]
    doc = json.loads(export.agreement_path(out, aid).read_text("utf-8"))
    n_rows = len(doc["targets"])
    assert n_rows >= 4

    def decided(n: int, decision: str, value: str = "") -> dict[str, str]:
        t = doc["targets"][n - 1]
        return {"agreement_id": aid, "kind": "target", "row": str(n), "field": "target",
                "value": f"{t['indicator']} = {t['target']['raw']}", "decision": decision,
                "corrected_value": value}

    fill(out / "review.csv", {}, extra=[decided(3, "accept"), decided(4, "correct", "7 jenis seni tradisi"),
                                        {**decided(4, "accept"), "row": "40", "value": ""}])
    assert apply_review(out, corr) == 0
    assert f"not applied: {aid} target row 40 target: accept: no such row" in capsys.readouterr().err

    pipeline.run([src], RunConfig(out_dir=out, corrections=corr, workers=1, force=True))  # extracted again
    err = capsys.readouterr().err
    assert f"review decision not applied: {aid} target row 40 target: accept: no such row" in err
    doc = json.loads(export.agreement_path(out, aid).read_text("utf-8"))
    t3, t4 = doc["targets"][2], doc["targets"][3]
    assert (t3["reviewed"], t3["needs_review"], t3["review_reasons"]) == ("accepted", False, [])
    assert t4["target"] == {"raw": "7 jenis seni tradisi", "value": 7, "unit": "jenis seni tradisi"}
    assert t4["corrections"][-1]["method"] == "review" and t4["reviewed"] == "corrected"
    assert sum(c["method"] == "review" for c in t4["corrections"]) == 1

    with (out / "targets.csv").open(encoding="utf-8-sig") as fh:
        rows = {r["row"]: r for r in csv.DictReader(fh)}
    assert rows["4"]["target_raw"] == "7 jenis seni tradisi" and rows["4"]["needs_review"] == "false"
    assert '"method": "review"' in rows["4"]["corrections"]
    with (out / "review.csv").open(encoding="utf-8-sig") as fh:
        assert not [r for r in csv.DictReader(fh) if r["kind"] == "target" and r["row"] in ("3", "4")]

    con = sqlite3.connect(out / "agreements.sqlite")
    assert con.execute("SELECT target_raw, target_value, reviewed FROM targets "
                       "WHERE agreement_id = ? AND row = 4", (aid,)).fetchone() == (
        "7 jenis seni tradisi", 7.0, "corrected")
    assert con.execute("SELECT field, to_value FROM corrections WHERE method = 'review'").fetchall() == [
        ("target", "7 jenis seni tradisi")]
    assert sorted(con.execute("SELECT row, decision, status FROM review_decisions").fetchall()) == [
        (3, "accept", "applied"), (4, "correct", "applied"),
        (40, "accept", f"no such row (the agreement has {n_rows} target rows)")]
    con.close()
