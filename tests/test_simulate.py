"""The scan simulator: layout bookkeeping, truth, determinism, scanner levels, other offices.

Pages are drawn at low dpi here (60-100) so the whole file runs in seconds.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import re
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest

from ocr_pipeline.simulate import offices
from ocr_pipeline.simulate.__main__ import main as simulate_main
from ocr_pipeline.simulate.canvas import draw_page
from ocr_pipeline.simulate.corpus import DocSpec, write_document
from ocr_pipeline.simulate.render import RenderOptions, layout_bundle, split_target
from ocr_pipeline.simulate.scanner import LEVELS, draw_params, scan_page
from ocr_pipeline.stages.export import schema_errors

SEED_TRUTH = Path(__file__).resolve().parents[1] / "truth" / "kpu-bontang-2026.json"


# --------------------------------------------------------------------------- fixtures


def _row(program, activity, goal, indicator, raw, value, unit, parent=None):
    return {"program": program, "activity": activity, "strategic_goal": goal,
            "indicator_parent": parent, "indicator": indicator, "indicator_id": None,
            "target": {"raw": raw, "value": value, "unit": unit}, "page": 1, "confidence": 1.0,
            "needs_review": False, "review_reasons": [], "corrections": []}


def _line(name, amount):
    return {"name": name, "amount": amount, "raw": "Rp " + f"{amount:,}".replace(",", ".") + ",-",
            "note": None, "page": 1, "confidence": 1.0, "needs_review": False,
            "review_reasons": []}


PA, PB = "Program Penyelenggaraan Pemilihan Umum", "Program Dukungan Manajemen"
A1, A2 = "Penguatan Kualitas Peraturan Perundang-Undangan", "Teknis Penyelenggaraan Pemilu"
B1 = "Pengelolaan Keuangan"
G_MERGED = "Terlaksananya penguatan Peraturan KPU sesuai dengan kaidah yang berlaku"

ROWS_A = [
    _row(PA, A1, G_MERGED, "Persentase Keputusan KPU Kota Bontang yang disusun dengan tepat "
         "waktu dan sesuai dengan pedoman teknis", "100%", 100, "%"),
    _row(PA, A1, G_MERGED, "Persentase KPU Kota Bontang dalam Menyajikan Informasi Produk "
         "Hukum secara Tepat, Cepat dan Akurat", "100 %", 100, "%"),
    _row(PA, A1, G_MERGED, "Jumlah Lembaga yang Terjalin Kerjasama dengan KPU Kota Bontang",
         "10 Lembaga/ Instansi", 10, "lembaga/instansi"),
    _row(PA, A2, "Terwujudnya Data Pemilih dan Data Peserta Pemilu sesuai ketentuan",
         "Persentase Tersedianya Data Pemutakhiran Partai Politik di SIPOL", "95%", 95, "%"),
]
ROWS_B = [
    _row(PB, B1, "Meningkatnya akuntabilitas keuangan dan kinerja KPU Kota Bontang",
         "Nilai Capaian Indikator Kinerja Pelaksanaan Anggaran (IKPA)", "92", 92, None),
    _row(PB, B1, "Meningkatnya akuntabilitas keuangan dan kinerja KPU Kota Bontang",
         "Jumlah Laporan Sistem Akuntansi dan Pelaporan Keuangan", "2 laporan", 2, "laporan"),
    _row(PB, B1, "Tersusunnya laporan keuangan Kota Bontang yang tepat waktu", "Laporan bulanan",
         "12 laporan", 12, "laporan", "Jumlah laporan keuangan yang disusun :"),
    _row(PB, B1, "Tersusunnya laporan keuangan Kota Bontang yang tepat waktu",
         "Laporan semesteran", "2 laporan", 2, "laporan", "Jumlah laporan keuangan yang disusun :"),
]


def _agreement(k, first, second, subunit, targets, budget):
    return {"schema_version": "1.0", "agreement_id": f"t-{k:02d}",
            "source": {"file": "t.pdf", "sha256": "0" * 64, "pages": [1]},
            "title": "PERJANJIAN KINERJA TAHUN 2026", "year": 2026,
            "organization": "Sekretariat KPU Kota Bontang", "subunit": subunit,
            "first_party": {"name": first[0], "position": first[1]},
            "second_party": {"name": second[0], "position": second[1]},
            "signed_place": "Bontang", "signed_date": "2026-01-15",
            "signed_date_raw": "15 Januari 2026", "targets": copy.deepcopy(targets),
            "budget": budget, "needs_review": [], "warnings": []}


SEKRETARIS = ("Bambang Rahmadhany", "Sekretaris KPU Kota Bontang")


@pytest.fixture()
def bundle():
    """A small KPU bundle: a head and two subordinates whose budgets add up to the head's."""
    return [
        _agreement(1, SEKRETARIS, ("Muzarroby Renfly", "Ketua KPU Kota Bontang"), None,
                   ROWS_A + ROWS_B, [_line(PA, 6_234_000), _line(PB, 4_095_284_000)]),
        _agreement(2, ("Indra Lesmana", "Kasubbag Keuangan, Umum dan Logistik Sekretariat KPU "
                       "Kota Bontang"), SEKRETARIS, "Keuangan, Umum dan Logistik", ROWS_B,
                   [_line(B1, 4_095_284_000)]),
        _agreement(3, ("Tanti Prastuti", "Kasubbag Teknis Penyelenggaraan Pemilu dan Hukum "
                       "Sekretariat KPU Kota Bontang"), SEKRETARIS,
                   "Teknis Penyelenggaraan Pemilu dan Hukum", ROWS_A,
                   [_line("Penguatan Kualitas Perundang – Undangan", 1_893_000),
                    _line("Teknis Penyelengagaraan Pemilu dan Pilkada", 4_341_000)]),
    ]


def _spec(bundle, seed=5, level="medium", **kw):
    return DocSpec("t-doc", tuple(bundle), level, seed, dpi=60, render_dpi=60, **kw)


def _cells(layout, agreement, column):
    return [(p.number, c) for p in layout.pages for c in p.cells
            if c.agreement == agreement and c.column == column]


# --------------------------------------------------------------------------- layout and truth


@pytest.mark.parametrize("variant", ["kpu", "jabar"])
def test_truth_pages_follow_the_layout(bundle, variant):
    lay = layout_bundle(bundle, RenderOptions(seed=3, variant=variant))
    n = len(lay.pages)
    spans = [t["source"]["pages"] for t in lay.truth]
    assert [p for s in spans for p in s] == list(range(1, n + 1))  # consecutive, no gaps
    for k, t in enumerate(lay.truth):
        assert all(p.agreement == k for p in lay.pages if p.number in t["source"]["pages"])
        for i, r in enumerate(t["targets"]):
            pages = {pg for pg, c in _cells(lay, k, "target") if i in c.rows and c.text}
            if r["target"]["raw"]:
                assert r["page"] in pages, (i, r["page"], pages)
            assert r["page"] in t["source"]["pages"]
        for b in t["budget"]:
            assert b["page"] in t["source"]["pages"]
            texts = " ".join(p.text() for p in lay.pages if p.number == b["page"])
            assert b["raw"].split()[-1] in texts


def test_truth_text_is_what_was_drawn(bundle):
    lay = layout_bundle(bundle, RenderOptions(seed=11, variant="kpu"))
    for k, t in enumerate(lay.truth):
        for i, r in enumerate(t["targets"]):
            ind = " ".join(c.text for _, c in _cells(lay, k, "indicator") if c.rows == (i,))
            if r["indicator_parent"]:
                listed = " ".join(c.text for _, c in _cells(lay, k, "indicator") if i in c.rows)
                assert r["indicator_parent"] in listed and r["indicator"] in listed
            else:
                assert ind == r["indicator"]
            tgt = " ".join(c.text for _, c in _cells(lay, k, "target") if c.rows == (i,))
            assert tgt == r["target"]["raw"] or r["indicator_parent"]
            goal = [c.text for _, c in _cells(lay, k, "goal") if i in c.rows]
            assert " ".join(goal) == r["strategic_goal"]
        text = "\n".join(p.text() for p in lay.pages if p.agreement == k)
        for field in ("organization", "title"):
            assert t[field] in text
        assert t["first_party"]["name"] in text and t["second_party"]["name"] in text


def test_merged_goal_is_drawn_once(bundle):
    lay = layout_bundle(bundle, RenderOptions(seed=1, variant="kpu"))
    merged_rows = (0, 1, 2)  # same program, activity and goal
    goal_cells = [c for _, c in _cells(lay, 0, "goal") if set(c.rows) & set(merged_rows)]
    pages = {pg for pg, c in _cells(lay, 0, "goal") if set(c.rows) & set(merged_rows)}
    assert len(goal_cells) == len(pages)  # one merged cell per page it spans
    assert set(merged_rows) <= {r for c in goal_cells for r in c.rows}
    assert " ".join(c.text for c in goal_cells) == G_MERGED
    indicator_cells = [c for _, c in _cells(lay, 0, "indicator") if set(c.rows) & set(merged_rows)]
    assert sorted(r for c in indicator_cells for r in c.rows) == [0, 1, 2]  # a cell per row
    other = [c for _, c in _cells(lay, 0, "goal") if 3 in c.rows]
    assert other and all(c.rows == (3,) for c in other)  # another activity: its own cell


def test_kpu_draws_sections_jabar_drops_them(bundle):
    kpu = layout_bundle(bundle, RenderOptions(seed=2, variant="kpu"))
    sections = [c.text for _, c in _cells(kpu, 0, "section")]
    assert any(PA in s for s in sections) and any(A1 in s for s in sections)
    assert kpu.truth[0]["targets"][0]["program"] == PA
    jabar = layout_bundle(bundle, RenderOptions(seed=2, variant="jabar"))
    assert not _cells(jabar, 0, "section")
    assert all(r["program"] is None and r["activity"] is None
               for t in jabar.truth for r in t["targets"])
    text = jabar.pages[0].text()
    assert "PIHAK KESATU" in text and "Pihak Pertama" not in text


def test_satuan_column_moves_the_unit(bundle):
    lay = layout_bundle(bundle, RenderOptions(seed=4, variant="jabar", satuan=True))
    for t, src in zip(lay.truth, bundle, strict=True):
        for r, s in zip(t["targets"], src["targets"], strict=True):
            assert r["target"]["raw"] == split_target(s["target"]["raw"])[0]
            assert r["target"]["unit"] == s["target"]["unit"]
            assert r["target"]["value"] == s["target"]["value"]
    units = [c.text for _, c in _cells(lay, 0, "unit")]
    assert "Lembaga/ Instansi" in units and "laporan" in units


def test_partial_dates_are_kept_raw(bundle):
    seen = set()
    for seed in range(12):
        for t in layout_bundle(bundle, RenderOptions(seed=seed, variant="jabar")).truth:
            raw = t["signed_date_raw"]
            if t["signed_date"] is None:
                assert raw in ("Januari 2026", "2026")
                seen.add(raw)
            else:
                assert raw == "15 Januari 2026"
    assert seen == {"Januari 2026", "2026"}


# --------------------------------------------------------------------------- written files


def test_same_seed_same_bytes_other_seed_other_bytes(bundle, tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_document(_spec(bundle, seed=5), a)
    write_document(_spec(bundle, seed=5), b)
    write_document(_spec(bundle, seed=6), c)
    for name in ("t-doc.pdf", "t-doc.truth.json", "t-doc.scan.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "t-doc.pdf").read_bytes() != (c / "t-doc.pdf").read_bytes()


@pytest.mark.parametrize("level", ["clean", "hard"])
def test_written_truth_is_valid_and_matches_the_pdf(bundle, tmp_path, level):
    w = write_document(_spec(bundle, level=level, color=level == "hard"), tmp_path)
    truth = json.loads(w.truth.read_text("utf-8"))
    scan = json.loads(w.scan.read_text("utf-8"))
    pdf = pdfium.PdfDocument(str(w.pdf))
    n = len(pdf)
    assert n == w.pages == len(scan["pages"])
    sha = hashlib.sha256(w.pdf.read_bytes()).hexdigest()
    assert [p for t in truth for p in t["source"]["pages"]] == list(range(1, n + 1))
    for t in truth:
        assert schema_errors(t) == []
        assert t["source"] == {"file": "t-doc.pdf", "sha256": sha, "pages": t["source"]["pages"]}
        assert all(r["page"] in t["source"]["pages"] for r in t["targets"] + t["budget"])
    for page, rec in zip(pdf, scan["pages"], strict=True):  # page size = pixels / dpi
        turned = rec["rotation"] in (90, 270)
        w_in, h_in = page.get_width() / 72, page.get_height() / 72
        assert abs(w_in * 60 - rec["width"]) < 1 and abs(h_in * 60 - rec["height"]) < 1
        portrait = h_in > w_in
        assert portrait != turned
        assert rec["text"] and rec["fonts"] and rec["level"] == level


def test_other_office_replaces_the_name_everywhere(bundle, tmp_path):
    other = offices.other_office(bundle, "KPU Kabupaten Paser", seed=3, novel_rate=0.5)
    dumped = json.dumps(other, ensure_ascii=False)
    assert "Bontang" not in dumped and "KPU Kabupaten Paser" in dumped
    assert {t["signed_place"] for t in other} == {"Tanah Grogot"}
    old = {p["name"] for a in bundle for p in (a["first_party"], a["second_party"])}
    new = {p["name"] for a in other for p in (a["first_party"], a["second_party"])}
    assert not old & new and len(new) == len(old)
    novel = {n["indicator"].replace("{office}", "KPU Kabupaten Paser")
             for n in offices.novel_indicators()}
    assert any(r["indicator"] in novel for a in other for r in a["targets"])
    head = other[0]["budget"]  # the head's program lines are the sums of the activities
    assert head[0]["amount"] == sum(b["amount"] for b in other[2]["budget"])
    assert head[1]["amount"] == other[1]["budget"][0]["amount"]
    w = write_document(_spec(other, seed=9), tmp_path)
    assert "Bontang" not in w.scan.read_text("utf-8") + w.truth.read_text("utf-8")


@pytest.mark.skipif(not SEED_TRUTH.is_file(), reason="the seed truth is not in this checkout")
@pytest.mark.parametrize("office", ["KPU Kota Balikpapan", "KPU Provinsi Kalimantan Timur"])
def test_seed_bundle_as_another_office(office):
    seed = json.loads(SEED_TRUTH.read_text("utf-8"))
    other = offices.other_office(seed, office, seed=1)
    assert "bontang" not in json.dumps(other).lower()
    assert all(schema_errors(a) == [] for a in other)
    lay = layout_bundle(other, RenderOptions(seed=1))
    assert "bontang" not in "\n".join(lay.page_texts()).lower()
    novel = {n["indicator"].replace("{office}", office) for n in offices.novel_indicators()}
    seed_text = json.dumps(seed, ensure_ascii=False)
    assert any(r["indicator"] in novel for a in other for r in a["targets"])
    assert not any(n.split(office)[0] in seed_text for n in novel if len(n.split(office)[0]) > 25)
    sums = {}
    for a in other[1:]:
        for b in a["budget"]:
            prog = offices._program_of_line(b["name"], a)[0]
            sums[prog] = sums.get(prog, 0) + b["amount"]
    assert {b["name"]: b["amount"] for b in other[0]["budget"]} == sums


def test_novel_indicators_are_many_and_new():
    novel = offices.novel_indicators()
    assert len(novel) >= 40
    assert len({n["indicator"] for n in novel}) == len(novel)
    if SEED_TRUTH.is_file():
        seen = {r["indicator"].lower() for a in json.loads(SEED_TRUTH.read_text("utf-8"))
                for r in a["targets"]}
        assert not seen & {n["indicator"].replace("{office}", "KPU Kota Bontang").lower()
                           for n in novel}


@pytest.mark.parametrize("office", [o.name for o in offices.jabar_offices()])
def test_jabar_bundles(office):
    b = offices.jabar_bundle(office, seed=7)
    assert all(schema_errors(a) == [] for a in b)
    assert all(r["program"] is None for a in b for r in a["targets"])
    parents = {r["indicator_parent"] for a in b for r in a["targets"] if r["indicator_parent"]}
    assert parents and all(p.endswith(":") for p in parents)
    head, units = b[0], b[1:]
    assert sum(x["amount"] for x in head["budget"]) == sum(x["amount"] for u in units
                                                           for x in u["budget"])
    assert all(u["second_party"]["name"] == head["first_party"]["name"] for u in units)
    lay = layout_bundle(b, RenderOptions(seed=7, variant="jabar"))
    for k, t in enumerate(lay.truth):
        listed = " ".join(c.text for _, c in _cells(lay, k, "indicator"))
        for r in t["targets"]:
            assert r["indicator"] in listed
            if r["indicator_parent"]:
                assert r["indicator_parent"] in listed



@pytest.mark.parametrize("bullet", ["-", ""])
def test_list_items_are_printed_with_the_mark_asked_for_or_none(bullet):
    # some real agreements print a list's items without marks: the corpus can ask for that
    b = offices.jabar_bundle(offices.jabar_offices()[0].name, seed=7)
    lay = layout_bundle(b, RenderOptions(seed=7, variant="jabar", bullet=bullet))
    items = [r["indicator"] for t in lay.truth for r in t["targets"] if r["indicator_parent"]]
    cells = " ".join(c.text for p in lay.pages for c in p.cells if c.column == "indicator")
    assert items and all(item in cells for item in items)
    assert all((f"- {item}" in cells) == (bullet == "-") for item in items)
    with pytest.raises(ValueError):
        RenderOptions(bullet="*")

# --------------------------------------------------------------------------- the scanner


def _grey(img):
    return cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) if img.ndim == 3 else img


def _upright(scan):
    return np.rot90(scan.image, k=scan.rotation // 90)


def _best_angle(clean, scan, lo=-6.0, hi=6.0, step=0.1):
    """The skew (degrees) that best turns `clean` into `scan` (both grey, same size)."""
    h, w = clean.shape
    a = cv2.GaussianBlur(255 - clean.astype(np.float32), (0, 0), 1.5)
    b = cv2.GaussianBlur(255 - scan.astype(np.float32), (0, 0), 1.5)
    b = (b - b.mean()) / (b.std() + 1e-6)

    def score(angle):
        m = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle, 1.0)
        r = cv2.warpAffine(a, m, (w, h))
        r = (r - r.mean()) / (r.std() + 1e-6)
        return float((r * b).mean())

    coarse = max(np.arange(lo, hi + 1e-9, step), key=score)
    fine = max(np.arange(coarse - step, coarse + step + 1e-9, step / 5), key=score)
    return float(fine), score(fine)


@pytest.fixture(scope="module")
def table_page():
    rows = ROWS_A + ROWS_B
    b = [_agreement(1, SEKRETARIS, ("Muzarroby Renfly", "Ketua KPU Kota Bontang"), None,
                    rows * 2, [_line(PA, 6_234_000)])]
    lay = layout_bundle(b, RenderOptions(seed=1, variant="kpu", page_size="A4"))
    return draw_page(lay.pages[1], 100), draw_page(lay.pages[0], 100)


def test_levels_degrade_more_and_more(table_page):
    page, back = table_page
    clean = _grey(scan_page(page, LEVELS["clean"], seed=0, dpi_in=100, dpi_out=100).image)
    mad = {}
    for name in LEVELS:
        diffs = [np.abs(_grey(_upright(scan_page(page, LEVELS[name], seed=[s, 1], dpi_in=100,
                                                 dpi_out=100, backside=back))).astype(float)
                        - clean).mean() for s in range(4)]
        mad[name] = float(np.mean(diffs))
    assert mad["clean"] == 0
    assert mad["clean"] < mad["mild"] < mad["medium"] < mad["hard"], mad


def test_recorded_skew_is_what_was_applied(table_page):
    page, _ = table_page
    clean = _grey(page)
    for seed in range(3):
        for name in ("mild", "medium", "hard"):
            p = dataclasses.replace(draw_params(LEVELS[name], [seed, 1]), rotation=0)
            scan = scan_page(page, LEVELS[name], seed=0, dpi_in=100, dpi_out=100, params=p)
            angle, _ = _best_angle(clean, _grey(scan.image))
            assert abs(angle - scan.skew) <= 0.1, (name, seed, angle, scan.skew)
            assert abs(scan.skew) <= LEVELS[name].skew[1]


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_recorded_rotation_is_what_was_applied(table_page, rotation):
    page, _ = table_page
    clean = _grey(page)
    p = dataclasses.replace(draw_params(LEVELS["hard"], [1, 1]), rotation=rotation)
    scan = scan_page(page, LEVELS["hard"], seed=0, dpi_in=100, dpi_out=100, params=p)
    assert scan.rotation == rotation and scan.rotation_to_upright == (360 - rotation) % 360
    scores = {}
    for k in range(4):  # turn the scan counter-clockwise by k * 90 and compare
        img = _grey(np.rot90(scan.image, k=k))
        if img.shape != clean.shape:
            continue
        scores[k * 90] = _best_angle(clean, img, step=0.5)[1]
    assert max(scores, key=scores.get) == rotation
    # the recorded affine maps the clean page onto the scan
    m = np.array(scan.to_scan, dtype=np.float64).reshape(2, 3)
    size = (scan.image.shape[1], scan.image.shape[0])
    mapped = cv2.warpAffine(clean, m, size, borderValue=255)
    assert _ncc(mapped, _grey(scan.image)) > 0.6
    assert _ncc(mapped, _grey(scan.image)) > _ncc(mapped, _grey(np.rot90(scan.image, 2)))


def _ncc(a, b):
    a = cv2.GaussianBlur(255 - a.astype(np.float32), (0, 0), 1.5)
    b = cv2.GaussianBlur(255 - b.astype(np.float32), (0, 0), 1.5)
    if a.shape != b.shape:
        return -1.0
    a, b = (a - a.mean()) / (a.std() + 1e-6), (b - b.mean()) / (b.std() + 1e-6)
    return float((a * b).mean())


def test_hard_turns_about_a_page_in_four_and_never_below():
    turned = [draw_params(LEVELS["hard"], [s, p]).rotation != 0 for s in range(50)
              for p in range(4)]
    assert 0.15 < np.mean(turned) < 0.35
    for name in ("clean", "mild", "medium"):
        assert all(draw_params(LEVELS[name], [s, 1]).rotation == 0 for s in range(50))


def test_scan_parameters_do_not_depend_on_the_image_size(table_page):
    page, _ = table_page
    small = cv2.resize(page, (page.shape[1] // 2, page.shape[0] // 2))
    s1 = scan_page(page, LEVELS["hard"], seed=[3, 2], dpi_in=100, dpi_out=100)
    s2 = scan_page(small, LEVELS["hard"], seed=[3, 2], dpi_in=50, dpi_out=50)
    assert (s1.skew, s1.rotation) == (s2.skew, s2.rotation)
    assert [e.name for e in s1.effects] == [e.name for e in s2.effects]


# --------------------------------------------------------------------------- command line


def test_cli_rejects_bad_arguments(tmp_path):
    assert simulate_main(["corpus", "--out", str(tmp_path), "--n", "1", "--levels", "wet",
                          "--truth", str(SEED_TRUTH)]) == 1
    assert simulate_main(["samples", "--out", str(tmp_path), "--truth",
                          str(tmp_path / "missing.json")]) == 1


@pytest.mark.slow
@pytest.mark.skipif(not SEED_TRUTH.is_file(), reason="the seed truth is not in this checkout")
def test_cli_corpus_writes_valid_documents(tmp_path, request):
    if not request.config.getoption("--runslow", default=False):
        pytest.skip("slow: needs --runslow")
    code = simulate_main(["corpus", "--out", str(tmp_path), "--n", "2", "--levels", "mild,hard",
                          "--seed", "3", "--truth", str(SEED_TRUTH), "--dpi", "200"])
    assert code == 0
    pdfs = sorted(tmp_path.glob("*.pdf"))
    assert len(pdfs) == 2
    for pdf in pdfs:
        truth = json.loads(pdf.with_suffix(".truth.json").read_text("utf-8"))
        assert all(schema_errors(t) == [] for t in truth)
        n = len(pdfium.PdfDocument(str(pdf)))
        assert max(p for t in truth for p in t["source"]["pages"]) == n
        assert re.search(r"-(mild|hard)$", pdf.stem)


def test_documents_of_one_office_in_a_corpus_are_parts_of_one_bundle() -> None:
    """As an archive's scans of one office and year: the same agreement has the same
    targets in every document that holds it (reconciliation finds no false disagreement)."""
    from ocr_pipeline.simulate.corpus import corpus_specs
    specs = corpus_specs(json.loads(SEED_TRUTH.read_text("utf-8")), 40, ["clean"], 5)
    seen: dict[tuple[str, str], list] = {}
    repeated = 0
    for spec in specs:
        for a in spec.agreements:
            key = (a["organization"], a["first_party"]["name"])
            rows = [(r["indicator"], r["target"]["raw"]) for r in a["targets"]]
            repeated += key in seen
            assert seen.setdefault(key, rows) == rows, key
    assert repeated  # the corpus does hold an agreement twice
