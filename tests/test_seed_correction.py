"""The correction stage on what a plain OCR really read of the seed bundle.

tests/fixtures/seed_ocr_rows.json holds the seed's OCR text of every row and budget
line (errors included: "Pegawal", "fingkat", "peggelclaan", "Wakiu", "Milai", "KFU",
the "0%" that is 90 %), aligned to the truth. No image is at hand, so nothing can be
re-read: what the catalogue, the lexicon and the other agreements settle is
corrected and recorded; what they cannot settle is flagged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ocr_pipeline.evaluate import evaluate
from ocr_pipeline.records import Word
from ocr_pipeline.stages import export
from ocr_pipeline.stages.budget import RawBudget
from ocr_pipeline.stages.correct import finalize, load_knowledge
from ocr_pipeline.stages.documents import Draft
from ocr_pipeline.stages.layout import clean_text
from ocr_pipeline.stages.reconcile import reconcile
from ocr_pipeline.stages.rows import RawRow, TextBox
from ocr_pipeline.stages.values import ParsedDate, parse_rupiah

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = json.loads((ROOT / "tests" / "fixtures" / "seed_ocr_rows.json").read_text("utf-8"))
TRUTH = json.loads((ROOT / "truth" / "kpu-bontang-2026.json").read_text("utf-8"))
ERRORS = ("Pegawal", "fingkat", "peggelclaan", "Wakiu", "Milai", "KFU", "Progran")


LEXICON = load_knowledge(ROOT / "corrections").lexicon


def box(text: str | None, page: int = 1) -> TextBox:
    text = clean_text(text or "")  # as the layout stage normalises every cell
    # plain OCR text has no confidences; Tesseract is sure of dictionary words and unsure of
    # the others, so: 0.95 for a word of the lexicon (or a number), 0.5 for any other
    words = tuple(Word(t, 0.95 if (t.strip(".,;:()").lower() in LEXICON or not t.isalpha()) else 0.5,
                       (0, 0, 1, 1)) for t in text.split())
    conf = min((w.conf for w in words), default=1.0)
    return TextBox(text, page, (0.0, 0.0, 1.0, 1.0) if text else None, conf, words)


def draft(agreement: dict, truth: dict) -> Draft:
    rows: list[RawRow] = []
    program = activity = None
    for r in agreement["targets"]:
        if r["program"] and r["program"] != program:
            program = r["program"]
            rows.append(RawRow("program", 1, section=program))
        if r["activity"] and r["activity"] != activity:
            activity = r["activity"]
            rows.append(RawRow("activity", 1, section=activity))
        rows.append(RawRow("data", 1, box(r["strategic_goal"]), box(r["indicator"]), box(r["target"])))
    budget = tuple(RawBudget(box(b["name"]), box(b["raw"]), parse_rupiah(b["raw"]), None) for b in agreement["budget"])
    first, second = truth["first_party"], truth["second_party"]
    return Draft(pages=tuple(truth["source"]["pages"]), title=box(truth["title"]), year=2026,
                 organization=box(agreement["organization"]), subunit=box(truth["subunit"]),
                 first_name=box(first["name"]), first_position=box(agreement["first_party_position"]),
                 second_name=box(second["name"]), second_position=box(second["position"]),
                 place=box("Bontang"), date=ParsedDate("2026-01-15", "15 Januari 2026", 2026),
                 rows=tuple(rows), budget=budget)


@pytest.fixture(scope="module")
def corrected() -> list[dict]:
    knowledge = load_knowledge(ROOT / "corrections")
    docs = []
    for a, t in zip(FIXTURE, TRUTH, strict=True):
        doc = finalize(draft(a, t), agreement_id=t["agreement_id"], file=t["source"]["file"],
                       sha256=t["source"]["sha256"], knowledge=knowledge).to_json()
        docs.append(doc)
    return reconcile(docs)


VALUE_FIELDS = ("program", "activity", "strategic_goal", "indicator", "name")


def texts(docs: list[dict]) -> str:
    """Every extracted text value (not the audit trail, which quotes what was read)."""
    return json.dumps([[r.get(k) for k in VALUE_FIELDS] + [(r.get("target") or {}).get("raw")]
                       for d in docs for r in d["targets"] + d["budget"]], ensure_ascii=False)


def test_the_fixture_holds_the_seed_errors() -> None:
    raw = json.dumps(FIXTURE, ensure_ascii=False)
    assert all(e in raw for e in ERRORS)


def test_every_seed_error_is_resolved_and_recorded(corrected: list[dict]) -> None:
    out = texts(corrected)
    for e in ERRORS:
        assert e not in out, e
    fixes = [c for d in corrected for r in d["targets"] + d["budget"] for c in r["corrections"]]
    for e in ERRORS:
        mine = [c for c in fixes if e in c["from"]]
        assert mine, f"no recorded correction of {e}"
        assert all(c["method"] in ("catalogue", "lexicon") for c in mine)


def test_the_0_percent_that_is_90_is_taken_from_the_subordinate_and_flagged(corrected: list[dict]) -> None:
    head = corrected[0]
    row = next(r for r in head["targets"] if "kepuasan terhadap layanan bidang" in r["indicator"])
    assert row["target"]["value"] == 90
    assert [c["method"] for c in row["corrections"] if c["field"] == "target"] == ["cross-document"]
    assert row["needs_review"]
    assert any("taken from agreement" in r for r in row["review_reasons"])


def test_against_the_truth_nothing_wrong_goes_unflagged(corrected: list[dict], tmp_path: Path) -> None:
    for d in corrected:
        export.write_agreement(tmp_path, d)
    truth = tmp_path / "truth.json"
    truth.write_text(json.dumps(TRUTH), "utf-8")
    report = evaluate(tmp_path, [truth]).to_json()["summary"]
    assert report["targets"]["recall"] == 1.0
    assert report["silent_errors"]["total"] == 0, report["silent_errors"]
