"""Checks on the hand-made truth of the seed bundle (KPU Kota Bontang 2026).

`truth/kpu-bontang-2026.json` is the reference the pipeline is scored against;
`truth/JUDGEMENTS.md` says how every uncertain value in it was decided. These
tests guard the properties a user relies on: it follows the contract, the head's
agreement is the union of the four subordinates', no OCR error is left in it,
and every number agrees with the text it was read from.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from ocr_pipeline.stages.export import schema_errors

TRUTH = Path(__file__).resolve().parents[1] / "truth" / "kpu-bontang-2026.json"

HEAD_ID = "kpu-bontang-2026-01"
SUB_IDS = [f"kpu-bontang-2026-{n:02d}" for n in range(2, 6)]

# Rows (indicator, target raw) of a subordinate that are NOT in the head's
# agreement although the document means them to be. None is known: every
# difference found between the copies was an OCR error (see JUDGEMENTS.md,
# e.g. SAKTI operator capacity 85% vs 95%, decided as 95% in both copies).
# Add a real exception here, with the reason, rather than loosening the check.
EXPECTED_SUB_ROWS_NOT_IN_HEAD: set[tuple[str, str, str]] = set()  # (agreement_id, indicator, raw)

# Rows of the head that no subordinate carries. None: the head is exactly the
# union of the four subordinates' rows.
EXPECTED_HEAD_ROWS_NOT_IN_SUBS: set[tuple[str, str]] = set()  # (indicator, raw)

# OCR errors seen in the seed text; none may survive into the truth.
OCR_ERRORS = (
    "Pegawal", "Wakiu", "Milai", "KFU", "fingkat", "peggelclaan", "Progran",
    "Drgamsam", "govemnance", "Fegawaf", "vyang", "sesual", "iiepuasan", "Permchonan",
    "Jumilah", "Tehun", "Scraya", "MNegara", "Iayanan", "Kotai", "Tersediénya",
    "kapasitaé", "Meningkatnyé",
)

# Which program each subordinate's budget line (activity) belongs to, as the
# tables place the activities.
PROGRAM_OF_BUDGET_LINE = {
    "Pengelolaan Keuangan": "Program Dukungan Manajemen",
    "Pelayanan Operasional Kantor dan Dukungan Sarana Prasarana": "Program Dukungan Manajemen",
    "Manajemen Perencanaan dan Organisasi": "Program Dukungan Manajemen",
    "Pendataan DPT Berkelanjutan": "Program Dukungan Manajemen",
    "Pendidikan Pemilih Pemula, Kelompok Rentan, dan Marjinal":
        "Program Penyelenggaraan Pemilihan Umum",
    "Pengelolaan Sumber Daya Manusia": "Program Dukungan Manajemen",
    "Penguatan Kualitas Perundang \u2013 Undangan": "Program Penyelenggaraan Pemilihan Umum",
    "Teknis Penyelengagaraan Pemilu dan Pilkada": "Program Penyelenggaraan Pemilihan Umum",
}

UNIT_WORDS = {"laporan", "kegiatan", "orang", "lembaga/instansi"}


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    return json.loads(TRUTH.read_text("utf-8"))


@pytest.fixture(scope="module")
def by_id(docs) -> dict[str, dict]:
    return {d["agreement_id"]: d for d in docs}


def _key(row: dict) -> tuple[str, str]:
    return row["indicator"], row["target"]["raw"]


def test_every_agreement_follows_the_contract(docs):
    for d in docs:
        assert schema_errors(d) == [], d["agreement_id"]


def test_five_agreements_in_bundle_order(docs):
    assert [d["agreement_id"] for d in docs] == [HEAD_ID, *SUB_IDS]
    assert [d["subunit"] for d in docs] == [
        None,
        "Keuangan, Umum dan Logistik",
        "Perencanaan, Data dan Informasi",
        "Partisipasi, Hubungan Masyarakat dan Sumber Daya Manusia",
        "Teknis Penyelenggaraan Pemilu dan Hukum",
    ]


def test_row_and_budget_line_counts(docs):
    assert [len(d["targets"]) for d in docs] == [51, 20, 13, 10, 8]
    assert [len(d["budget"]) for d in docs] == [2, 2, 2, 2, 2]


def test_subordinates_report_to_the_head(by_id):
    head = by_id[HEAD_ID]
    assert head["first_party"] == {"name": "Bambang Rahmadhany",
                                   "position": "Sekretaris KPU Kota Bontang"}
    for sid in SUB_IDS:
        assert by_id[sid]["second_party"] == head["first_party"]
        assert by_id[sid]["first_party"]["position"].startswith("Kasubbag ")
        assert by_id[sid]["first_party"]["position"].endswith(" Sekretariat KPU Kota Bontang")


def test_pages_cover_the_bundle_in_order(docs):
    pages = [p for d in docs for p in d["source"]["pages"]]
    assert pages == list(range(1, 22))
    for d in docs:
        own = d["source"]["pages"]
        # the first page of each agreement is the signed letter, the table follows
        for row in d["targets"] + d["budget"]:
            assert row["page"] in own[1:], (d["agreement_id"], row)


def test_each_subordinate_row_is_in_the_head(by_id):
    head_rows = {_key(r) for r in by_id[HEAD_ID]["targets"]}
    missing = {
        (sid, *_key(r))
        for sid in SUB_IDS
        for r in by_id[sid]["targets"]
        if _key(r) not in head_rows
    }
    assert missing == EXPECTED_SUB_ROWS_NOT_IN_HEAD


def test_head_is_the_union_of_the_subordinates(by_id):
    head = Counter(_key(r) for r in by_id[HEAD_ID]["targets"])
    subs = Counter(_key(r) for sid in SUB_IDS for r in by_id[sid]["targets"])
    assert set((head - subs).keys()) == EXPECTED_HEAD_ROWS_NOT_IN_SUBS
    assert not subs - head, "a row is in two subordinates but only once in the head"


def test_copies_of_a_row_agree_on_strategic_goal(by_id):
    head = {_key(r): r for r in by_id[HEAD_ID]["targets"]}
    for sid in SUB_IDS:
        for r in by_id[sid]["targets"]:
            h = head[_key(r)]
            assert r["strategic_goal"] == h["strategic_goal"], (sid, r["indicator"])
            assert r["program"] == h["program"], (sid, r["indicator"])


def test_no_known_ocr_error_remains(docs):
    text = json.dumps(docs, ensure_ascii=False)
    left = [e for e in OCR_ERRORS if e.lower() in text.lower()]
    assert left == []


def test_text_fields_are_normalised(docs):
    for d in docs:
        texts = [d["organization"], d["subunit"] or "", d["first_party"]["name"],
                 d["first_party"]["position"], d["second_party"]["name"],
                 d["second_party"]["position"]]
        for r in d["targets"]:
            texts += [r["program"], r["activity"], r["strategic_goal"], r["indicator"]]
        texts += [b["name"] for b in d["budget"]]
        for t in texts:
            assert t == t.strip() and "  " not in t and "\n" not in t, t
            assert "|" not in t and "_" not in t, t


_RAW = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(.*)$")


def test_every_target_value_matches_its_raw_text(docs):
    for d in docs:
        for r in d["targets"]:
            t = r["target"]
            if t["raw"] == "":
                # printed cell empty/unreadable in every copy (see JUDGEMENTS.md)
                assert t["value"] is None and t["unit"] is None
                continue
            m = _RAW.match(t["raw"])
            assert m, t
            assert t["value"] == float(m.group(1).replace(",", ".")), t
            rest = m.group(2).strip()
            if rest == "":
                assert t["unit"] is None, t
            elif rest == "%":
                assert t["unit"] == "%", t
            else:
                assert t["unit"] == rest.lower().replace(" ", ""), t
                assert t["unit"] in UNIT_WORDS, t


def test_the_only_target_without_a_value(docs):
    empty = [(d["agreement_id"], r["indicator"]) for d in docs for r in d["targets"]
             if r["target"]["value"] is None]
    assert empty == [
        (HEAD_ID, "Nilai Evaluasi atas Akuntabilitas Kinerja KPU Kota Bontang"),
        ("kpu-bontang-2026-03", "Nilai Evaluasi atas Akuntabilitas Kinerja KPU Kota Bontang"),
    ]


def test_every_budget_amount_matches_its_raw_text(docs):
    for d in docs:
        for b in d["budget"]:
            m = re.fullmatch(r"Rp (\d{1,3}(?:\.\d{3})*),-", b["raw"])
            assert m, b
            assert b["amount"] == int(m.group(1).replace(".", "")), b


def test_head_budget_per_program_is_the_sum_of_the_subordinates(by_id):
    # A finding, not a constraint put on the data: the printed numbers add up.
    head = {b["name"]: b["amount"] for b in by_id[HEAD_ID]["budget"]}
    sums: Counter[str] = Counter()
    for sid in SUB_IDS:
        for b in by_id[sid]["budget"]:
            sums[PROGRAM_OF_BUDGET_LINE[b["name"]]] += b["amount"]
    assert head == dict(sums)
    assert head == {"Program Penyelenggaraan Pemilihan Umum": 21_057_000,
                    "Program Dukungan Manajemen": 4_105_373_000}
