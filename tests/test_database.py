"""agreements.sqlite answers the questions of docs/auditors.md; the CSV files open cleanly."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ocr_pipeline import database, review
from ocr_pipeline.review import Decision
from ocr_pipeline.stages import export

INDICATOR = "Jumlah kelompok yang meningkatkan usahanya (kelompok)"
MISREAD = "Jumlah kelompok yang meningkatkan usahaya (kelompok)"

# the example queries of docs/auditors.md, word for word
TARGETS_OF_AN_INDICATOR = """
SELECT a.organization, a.year, t.target_raw, t.target_value, t.target_unit
FROM targets t JOIN agreements a USING (agreement_id)
WHERE t.indicator LIKE 'Jumlah kelompok yang meningkatkan usahanya%'
ORDER BY t.target_value DESC, a.organization
"""
BUDGET_PER_OFFICE = """
SELECT a.organization, COUNT(*) AS lines, SUM(b.amount) AS total_rupiah
FROM budget_lines b JOIN agreements a USING (agreement_id)
GROUP BY a.organization ORDER BY total_rupiah DESC
"""
WHAT_REVIEWERS_CHANGED = """
SELECT c.agreement_id, c.kind, c.row, c.field, c.from_value, c.to_value, d.decided_at
FROM corrections c JOIN review_decisions d
  ON d.agreement_id = c.agreement_id AND d.kind = c.kind AND d.row IS c.row
 AND (c.kind <> 'header' OR d.field = c.field)
WHERE c.method = 'review'
ORDER BY c.agreement_id, c.kind, c.row, c.field
"""


def target(indicator: str, raw: str, value: float, unit: str | None, flagged: bool = False) -> dict[str, Any]:
    return {"program": None, "activity": None, "strategic_goal": "Meningkatnya usaha peternakan",
            "indicator": indicator, "indicator_id": None, "indicator_parent": None,
            "target": {"raw": raw, "value": value, "unit": unit}, "page": 1, "confidence": 1.0,
            "needs_review": flagged, "review_reasons": ["low OCR confidence (0.30)"] if flagged else [],
            "corrections": [{"field": "indicator", "from": indicator.rstrip(")"), "to": indicator,
                             "method": "catalogue", "score": 0.97}]}


def line(name: str, amount: int) -> dict[str, Any]:
    return {"name": name, "amount": amount, "raw": f"Rp {amount:,},-".replace(",", "."), "note": "APBD",
            "page": 2, "confidence": 1.0, "needs_review": False, "review_reasons": [], "corrections": []}


def agreement(n: int, organization: str, targets: list[dict[str, Any]],
              lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schema_version": "1.0", "agreement_id": f"pk-00000000000{n}-01",
        "source": {"file": f"scans/{n}.pdf", "sha256": str(n) * 64, "pages": [1, 2]},
        "title": "PERJANJIAN KINERJA TAHUN 2016", "year": 2016, "organization": organization, "subunit": None,
        "first_party": {"name": "A", "position": "Kepala"},
        "second_party": {"name": "B", "position": "Kepala Dinas"},
        "signed_place": "Bandung", "signed_date": "2016-01-04", "signed_date_raw": None,
        "targets": targets, "budget": lines, "needs_review": [], "warnings": [],
    }


@pytest.fixture
def docs() -> list[dict[str, Any]]:
    return [
        agreement(1, "DINAS PETERNAKAN", [target(INDICATOR, "30 kelompok", 30, "kelompok"),
                                          target("Persentase layanan", "100%", 100, "%")],
                  [line("Pengelolaan Keuangan", 4_105_373_000), line("Pengadaan", 895_000_000)]),
        agreement(2, "BIDANG PRASARANA DAN SARANA", [target(MISREAD, "1O kelompok", 1, "kelompok", True)],
                  [line("Sarana", 1_200_000_000)]),
        agreement(3, "BALAI PELATIHAN PETERNAKAN", [target(INDICATOR, "30 kelompok", 30, "kelompok")], []),
    ]


def reviewed(docs: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Decision]]:
    decisions = [Decision(docs[1]["agreement_id"], "target", 1, "target", "correct",
                          f"{INDICATOR} = 10 kelompok", value=f"{MISREAD} = 1O kelompok",
                          decided_at="2026-02-01T09:00:00+00:00"),
                 Decision(docs[1]["agreement_id"], "budget", 5, "amount", "accept",
                          decided_at="2026-02-01T09:01:00+00:00")]
    return [review.apply_decisions(d, decisions)[0] for d in docs], decisions


def query(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_example_queries(tmp_path: Path, docs: list[dict[str, Any]]) -> None:
    docs, decisions = reviewed(docs)
    path = database.write_database(tmp_path, docs, decisions)
    assert path == tmp_path / "agreements.sqlite"
    assert [p.name for p in tmp_path.iterdir()] == ["agreements.sqlite"]  # no temporary file left
    assert query(path, TARGETS_OF_AN_INDICATOR) == [
        ("BALAI PELATIHAN PETERNAKAN", 2016, "30 kelompok", 30.0, "kelompok"),
        ("DINAS PETERNAKAN", 2016, "30 kelompok", 30.0, "kelompok"),
        ("BIDANG PRASARANA DAN SARANA", 2016, "10 kelompok", 10.0, "kelompok"),
    ]
    assert query(path, BUDGET_PER_OFFICE) == [("DINAS PETERNAKAN", 2, 5_000_373_000),
                                              ("BIDANG PRASARANA DAN SARANA", 1, 1_200_000_000)]
    when = "2026-02-01T09:00:00+00:00"
    assert query(path, WHAT_REVIEWERS_CHANGED) == [
        ("pk-000000000002-01", "target", 1, "indicator", MISREAD, INDICATOR, when),
        ("pk-000000000002-01", "target", 1, "target", "1O kelompok", "10 kelompok", when)]
    assert query(path, "SELECT row, decision, status FROM review_decisions ORDER BY row") == [
        (1, "correct", "applied"), (5, "accept", "no such row (the agreement has 1 budget lines)")]


def test_keys_and_every_correction(tmp_path: Path, docs: list[dict[str, Any]]) -> None:
    path = database.write_database(tmp_path, docs)
    con = sqlite3.connect(path)
    try:
        pk = {t: [r[1] for r in con.execute(f"PRAGMA table_info({t})") if r[5]]
              for t in ("agreements", "targets", "budget_lines")}
        assert pk == {"agreements": ["agreement_id"], "targets": ["agreement_id", "row"],
                      "budget_lines": ["agreement_id", "row"]}
        with pytest.raises(sqlite3.IntegrityError):
            con.execute("INSERT INTO targets (agreement_id, row) VALUES ('pk-000000000001-01', 1)")
        assert con.execute("SELECT COUNT(*), COUNT(DISTINCT agreement_id) FROM corrections "
                           "WHERE method = 'catalogue'").fetchone() == (4, 3)
        assert con.execute("SELECT amount, typeof(amount) FROM budget_lines WHERE row = 1 "
                           "AND agreement_id = 'pk-000000000001-01'").fetchone() == (4_105_373_000, "integer")
        assert con.execute("SELECT COUNT(*) FROM review_decisions").fetchone() == (0,)
    finally:
        con.close()


def test_an_empty_run_still_has_every_table(tmp_path: Path) -> None:
    path = database.write_database(tmp_path, [])
    names = {r[0] for r in query(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names == {"agreements", "targets", "budget_lines", "corrections", "review_decisions"}


@pytest.mark.parametrize(("name", "columns"), [("targets.csv", export.TARGET_COLUMNS),
                                               ("budget.csv", export.BUDGET_COLUMNS),
                                               ("review.csv", export.REVIEW_COLUMNS)])
def test_csv_files_open_with_one_header_row(tmp_path: Path, docs: list[dict[str, Any]], name: str,
                                            columns: tuple[str, ...]) -> None:
    export.write_tables(tmp_path, docs)
    raw = (tmp_path / name).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1  # BOM once, for Excel
    with (tmp_path / name).open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == columns
    assert all(len(r) == len(columns) for r in rows)
    assert sum(tuple(r) == columns for r in rows) == 1
    frame = pd.read_csv(tmp_path / name, encoding="utf-8-sig", dtype=str)
    assert tuple(frame.columns) == columns
    expected = {"targets.csv": 4, "budget.csv": 3, "review.csv": 1}[name]
    assert len(frame) == expected
