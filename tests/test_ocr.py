"""OCR: text layers, orientation settled by reading, re-reading, and Tesseract's failures.

Tests that run Tesseract are marked `tesseract` and read small pages (a synthetic
page at 200 dpi, OCRmyPDF's cardinal.pdf at 150 dpi); those that need
../shared/realdata are marked `realdata`.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import cv2
import numpy as np
import pdfplumber
import pytest
from conftest import fake_server
from PIL import Image, ImageDraw, ImageFont

from ocr_pipeline._exec import tesseract
from ocr_pipeline.config import Limits, OcrSettings
from ocr_pipeline.errors import MissingDependencyError, OcrEngineError, OcrTimeoutError
from ocr_pipeline.records import PageImage, Word
from ocr_pipeline.simulate.fonts import font_file
from ocr_pipeline.simulate.scanner import LEVELS, ScanParams, scan_page
from ocr_pipeline.stages import cleanup, ingest, ocr

DPI = 200
REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata"
LINES = ("PERJANJIAN KINERJA TAHUN 2026",
         "Dalam rangka mewujudkan manajemen pemerintahan",
         "yang efektif, transparan dan akuntabel serta",
         "berorientasi pada hasil, kami yang bertanda tangan",
         "di bawah ini berjanji akan mewujudkan target kinerja")
MARK = (600, 700)  # where the word KUNCI is drawn, page pixels


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_file("LiberationSans-Bold.ttf" if bold else
                                            "LiberationSans-Regular.ttf")), size)


def _page() -> np.ndarray:
    img = Image.new("L", (1100, 900), 255)
    d = ImageDraw.Draw(img)
    for i, line in enumerate(LINES):
        d.text((80, 120 + 60 * i), line, font=_font(32, i == 0), fill=0)
    d.text(MARK, "KUNCI", font=_font(44, True), fill=0)
    return np.asarray(img)


def _scan(rotation: int, skew: float):
    scan = scan_page(_page(), LEVELS["clean"], seed=0, dpi_in=DPI, dpi_out=DPI,
                     params=ScanParams(skew=skew, rotation=rotation))
    return scan, PageImage("synthetic", 1, DPI, scan.image, None, "ocr: image file")


def _words(read) -> set[str]:
    return {w.text.strip(".,").upper() for w in read.words}


# --------------------------------------------------------------------------- orientation


@pytest.mark.tesseract
@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_turned_synthetic_page_read_upright(rotation):
    scan, page = _scan(rotation, 2.0)
    read = ocr.read_page(cleanup.clean_page(page), timeout=60)
    assert read.rotation == scan.rotation_to_upright
    assert {"PERJANJIAN", "KINERJA", "MEWUJUDKAN", "KUNCI"} <= _words(read)


@pytest.mark.tesseract
def test_word_box_maps_back_onto_the_turned_and_skewed_scan():
    scan, page = _scan(270, -3.0)
    read = ocr.read_page(cleanup.clean_page(page), timeout=60)
    word = next(w for w in read.words if w.text == "KUNCI")
    x0, y0, x1, y1 = read.original_bbox(word.bbox)
    a, b, c, d, e, f = scan.to_scan
    # the centre of the word as drawn, through the scanner's own map
    cx, cy = MARK[0] + 75, MARK[1] + 27
    want = (a * cx + b * cy + c, d * cx + e * cy + f)
    assert math.dist(((x0 + x1) / 2, (y0 + y1) / 2), want) < 15


@pytest.mark.tesseract
@pytest.mark.realdata
def test_cardinal_pdf_every_turn_read_upright():
    info = ingest.inspect(REAL / "ocrmypdf_scans" / "cardinal.pdf", Limits())
    got = []
    for page in ingest.iter_pages(info, 150, Limits()):
        # the middle of the page, the same text in every turn (the whole dense page
        # takes Tesseract seconds; a tenth of it is enough to tell up from down)
        h, w = page.image.shape[:2]
        middle = page.image[int(h * 0.36):int(h * 0.64), int(w * 0.3):int(w * 0.7)]
        page = PageImage(page.source, page.page, page.dpi, np.ascontiguousarray(middle), None,
                         page.text_layer_note)
        read = ocr.read_page(cleanup.clean_page(page), timeout=60)
        got.append(read.rotation)
        assert {"TRACK", "SEQUENCE"} & _words(read)
    # the pages show the scan upright, turned 90 clockwise, upside down, turned 90
    # counter-clockwise: clockwise degrees that make each upright
    assert got == [0, 270, 180, 90]


# --------------------------------------------------------------------------- text layers


@pytest.mark.realdata
def test_born_digital_page_read_exactly_without_ocr(monkeypatch):
    def no_ocr(*args, **kwargs):
        raise AssertionError("a born-digital page must not be OCRed")

    monkeypatch.setattr(tesseract, "_run", no_ocr)
    pdf = REAL / "pk_born_digital" / "PK KADIS 2017.pdf"
    info = ingest.inspect(pdf, Limits())
    page = next(iter(ingest.iter_pages(info, 150, Limits(), (2,))))
    assert page.text_layer is not None
    read = ocr.read_page(cleanup.clean_page(page))
    assert read.method == "text-layer"
    with pdfplumber.open(pdf) as doc:
        want = [w["text"] for w in doc.pages[1].extract_words()]
    assert sorted(w.text for w in read.words) == sorted(want)
    assert all(w.conf == 1.0 for w in read.words)


@pytest.mark.tesseract
@pytest.mark.realdata
def test_vendor_ocr_page_is_read_again():
    pdf = REAL / "pk_scans_vendor_ocr" / "PK Kadis.pdf"
    info = ingest.inspect(pdf, Limits())
    page = next(iter(ingest.iter_pages(info, 200, Limits(), (1,))))
    assert page.text_layer is None
    assert "scanner OCR" in page.text_layer_note
    read = ocr.read_page(cleanup.clean_page(page), timeout=120)
    assert read.method == "ocr"
    assert {"PERJANJIAN", "KINERJA"} <= _words(read)


# --------------------------------------------------------------------------- re-reading


@pytest.mark.tesseract
def test_reread_crops_give_the_digits_with_a_whitelist():
    img = Image.new("L", (700, 200), 255)
    draw = ImageDraw.Draw(img)
    draw.text((60, 60), "Target", font=_font(40), fill=0)
    draw.text((260, 60), "1.250,75 %", font=_font(40), fill=0)
    draw.text((60, 130), "92,5%", font=_font(40), fill=0)
    x0, y0, x1, y1 = draw.textbbox((260, 60), "1.250,75 %", font=_font(40))
    page = np.asarray(img)
    got, other, empty = ocr.reread([(page, (x0, y0, x1, y1), 2.0),
                                    (page, draw.textbbox((60, 130), "92,5%", font=_font(40)), 2.0),
                                    (page, (800, 10, 900, 50), 2.0)], lang="eng", whitelist=ocr.DIGITS, psm=7)
    assert got.text.replace(" ", "") == "1.250,75%"
    assert other.text.replace(" ", "") == "92,5%"  # each region read as alone, in the order given
    assert empty.text == "" and empty.words == ()
    assert all(set(w.text) <= set(ocr.DIGITS) for w in got.words)
    # the words come back in the page's pixels, where they were drawn
    assert abs(got.words[0].bbox[0] - x0) < 6 and abs(got.words[-1].bbox[2] - x1) < 6


# --------------------------------------------------------------------------- letters the layout lost


def _line_image() -> np.ndarray:
    img = Image.new("L", (1000, 260), 255)
    d = ImageDraw.Draw(img)
    d.text((40, 40), "PERJANJIAN KINERJA TAHUN 2026", font=_font(32, True), fill=0)
    d.text((40, 150), "Sekretariat Komisi Pemilihan Umum", font=_font(32), fill=0)
    return np.asarray(img)


@pytest.mark.tesseract
def test_letters_the_layout_analysis_lost_are_read_back():
    image = _line_image()
    words = list(tesseract.read_words(image, lang="ind", psm=3, timeout=60, dpi=DPI))
    assert "PERJANJIAN" in [w.text for w in words]
    # what Tesseract's column guess does to a line: the middle of a word lost at the cut
    per = next(w for w in words if w.text == "PERJANJIAN")
    x0, y0, x1, y1 = per.bbox
    cut = [w for w in words if w is not per] + [
        Word("PERJ", per.conf, (x0, y0, x0 + 0.38 * (x1 - x0), y1), per.line, per.block),
        Word("JIAN", per.conf, (x0 + 0.62 * (x1 - x0), y0, x1, y1), per.line, per.block)]
    cut = [w for w in cut if w.cy <= 120]  # and the second line lost whole
    got, _ = ocr._recover_dropped(image, cut, lang="ind", timeout=60, dpi=DPI)
    texts = [w.text for w in got]
    assert "PERJANJIAN" in texts and "PERJ" not in texts and "JIAN" not in texts
    assert {"Sekretariat", "Komisi", "Pemilihan", "Umum"} <= set(texts)
    back = [w for w in got if w.text == "PERJANJIAN"][0]
    assert back.line == per.line and abs(back.bbox[0] - x0) < 8  # in its line, where it was drawn


@pytest.mark.tesseract
def test_a_lost_line_is_read_back_to_its_broken_end():
    img = Image.new("L", (1000, 140), 255)
    d = ImageDraw.Draw(img)
    d.text((40, 40), "PERJANJIAN KINERJA TAHUN 2026", font=_font(32, True), fill=0)
    x = d.textbbox((40, 40), "PERJANJIAN KINERJA ", font=_font(32, True))[2]
    image = np.asarray(img).copy()
    image[::4, x:] = 255  # a thin type's strokes broken into specks too small to be letters
    assert max(b[2] for b in ocr._uncovered_letters(image, [], DPI)) < x
    others = [Word("x", 0.9, (900, 100, 930, 130), 1, 1)]  # the page's one word read, elsewhere
    got, _ = ocr._recover_dropped(image, others, lang="ind", timeout=60, dpi=DPI)
    line = [w for w in got if w.cy < 90]
    assert [w.text for w in line][:3] == ["PERJANJIAN", "KINERJA", "TAHUN"]
    assert max(w.bbox[2] for w in line) > x + 150  # and the year after it


def test_a_stretch_read_again_keeps_what_was_read_with_confidence_and_the_numbers():
    # 'Bandung, ........ 2026' read again over its dotted leader: the leader's dots
    # spoil the words beside them, and read as letters themselves
    old = [Word("Bandung,", 0.9, (100, 10, 260, 40), 1, 1)]
    lost = [(700.0, 12.0, 720.0, 40.0)]  # the year's first digit, which no word covered
    again = [Word("BANGUN,", 0.03, (100, 10, 262, 40), 9, 9), Word("voce,", 0.26, (300, 30, 600, 40), 9, 9),
             Word("2026", 0.76, (700, 10, 800, 40), 9, 9)]
    assert [w.text for w in ocr._doubt_dropped(again, old, lost)] == ["Bandung,", "2026"]
    # a number read before stays, however it was read: the value stage reads it again
    # at full resolution and weighs its confidence
    old = [Word("Rp.", 0.9, (100, 10, 140, 40), 1, 1), Word("2.868.", 0.21, (150, 10, 250, 40), 1, 1),
           Word("200,00", 0.2, (260, 10, 340, 40), 1, 1)]
    again = [Word("Rp.", 0.9, (100, 10, 140, 40), 9, 9), Word("2.868.900,00", 0.61, (150, 10, 340, 40), 9, 9)]
    assert [w.text for w in ocr._doubt_dropped(again, old, lost)] == ["Rp.", "2.868.", "200,00"]
    # ... unless it reads back lost digits of its own ('4.105.' and '.000' read, '373' lost)
    old = [Word("4.105.", 0.9, (150, 10, 230, 40), 1, 1), Word(".000", 0.9, (290, 10, 340, 40), 1, 1)]
    again = [Word("4.105.373.000", 0.9, (150, 10, 340, 40), 9, 9)]
    assert ocr._doubt_dropped(again, old, [(240.0, 12.0, 280.0, 40.0)]) == again
    old = [Word("Bandung,", 0.9, (100, 10, 260, 40), 1, 1)]
    # read with confidence, or over a lost letter, the new reading stands
    sure = [Word("Bandung,", 0.95, (100, 10, 262, 40), 9, 9), Word("2O26", 0.3, (700, 10, 800, 40), 9, 9)]
    assert ocr._doubt_dropped(sure, old, lost) == sure


@pytest.mark.tesseract
def test_letters_read_back_over_several_lines_are_not_read_twice():
    img = Image.new("L", (1000, 300), 255)
    d = ImageDraw.Draw(img)
    for i, text in enumerate(("Program Peningkatan Produksi", "Program Pencegahan Penyakit")):
        d.text((40, 40 + 70 * i), text, font=_font(32), fill=0)
    image = np.asarray(img)
    words = list(tesseract.read_words(image, lang="ind", psm=3, timeout=60, dpi=DPI))
    assert [w.text for w in words].count("Program") == 2
    # the layout analysis lost the second 'Program' and read one tall mark over both lines
    # beside it, with some confidence (a word across lines read with little is dropped
    # first): the stretch read again reaches over the first line
    lost = next(w for w in words if w.text == "Program" and w.cy > 100)
    first = next(w for w in words if w.text == "Peningkatan")
    tall = Word("um", 0.7, (first.bbox[0], first.bbox[1], first.bbox[0] + 12, lost.bbox[3]),
                first.line, first.block)
    cut = [w for w in words if w is not lost and w is not first] + [tall]
    got, _ = ocr._recover_dropped(image, cut, lang="ind", timeout=60, dpi=DPI)
    texts = [w.text for w in got]
    assert texts.count("Program") == 2 and "um" not in texts
    for w in got:  # each word in its own line
        assert w.line == next(o.line for o in words if abs(o.cy - w.cy) < 15), w


@pytest.mark.tesseract
def test_a_column_of_item_numbers_read_as_one_tall_word_is_read_back_line_by_line():
    img = Image.new("L", (1000, 300), 255)
    d = ImageDraw.Draw(img)
    for i, text in enumerate(("Program Peningkatan Produksi", "Program Pencegahan Penyakit")):
        d.text((40, 40 + 70 * i), f"{i + 1}.", font=_font(32), fill=0)
        d.text((110, 40 + 70 * i), text, font=_font(32), fill=0)
    image = np.asarray(img)
    words = list(tesseract.read_words(image, lang="ind", psm=3, timeout=60, dpi=DPI))
    numbers = [w for w in words if w.text in ("1.", "2.")]
    assert len(numbers) == 2
    # the layout analysis read the column of numbers as one word over both lines ('Ni')
    x0, y0 = min(w.bbox[0] for w in numbers), min(w.bbox[1] for w in numbers)
    x1, y1 = max(w.bbox[2] for w in numbers), max(w.bbox[3] for w in numbers)
    stacked = [w for w in words if w not in numbers] + [Word("Ni", 0.14, (x0, y0, x1, y1), 1, 1)]
    got, _ = ocr._recover_dropped(image, stacked, lang="ind", timeout=60, dpi=DPI)
    texts = [w.text for w in got]
    assert "Ni" not in texts and texts.count("Program") == 2
    assert [w.text for w in sorted(got, key=lambda w: w.cy) if w.text[0].isdigit()] == ["1.", "2."]


@pytest.mark.tesseract
def test_a_logo_on_a_line_of_its_own_is_not_read_as_words():
    img = Image.new("L", (1000, 400), 255)
    d = ImageDraw.Draw(img)
    d.text((40, 40), "Komisi Pemilihan Umum", font=_font(32), fill=0)
    for i in range(6):  # letter-sized marks of a seal, side by side
        d.ellipse((60 + 40 * i, 250, 84 + 40 * i, 274), outline=0, width=3)
    image = np.asarray(img)
    words = list(tesseract.read_words(image, lang="ind", psm=3, timeout=60, dpi=DPI))
    words = [w for w in words if w.cy < 150]  # as if the layout analysis left the marks out
    got, _ = ocr._recover_dropped(image, words, lang="ind", timeout=60, dpi=DPI)
    assert [w.text for w in got] == [w.text for w in words]


# --------------------------------------------------------------------------- failures


@pytest.mark.tesseract
def test_missing_language_names_its_package():
    with pytest.raises(MissingDependencyError, match="tesseract-ocr-xyz"):
        tesseract.check("xyz")


def test_missing_ind_reported_clearly(monkeypatch):
    monkeypatch.setattr(tesseract, "languages", lambda: frozenset({"eng", "osd"}))
    with pytest.raises(MissingDependencyError) as err:
        tesseract.check("ind+eng")
    msg = str(err.value)
    assert "apt-get install tesseract-ocr-ind" in msg
    assert "it has: eng, osd" in msg
    assert err.value.exit_code == 3


@pytest.mark.tesseract
def test_a_tesseract_that_hangs_times_out(tmp_path, monkeypatch):
    monkeypatch.setenv(tesseract.SERVER_ENV, str(fake_server(tmp_path, "if images: time.sleep(30)")))
    image = np.full((60, 200), 255, np.uint8)
    with pytest.raises(OcrTimeoutError, match="longer than 0.5 s"):
        tesseract.read_words(image, lang="ind", timeout=0.5)
    monkeypatch.delenv(tesseract.SERVER_ENV)
    assert tesseract.read_words(image, lang="ind", timeout=10) == ()  # the next read: another server


@pytest.mark.tesseract
def test_a_tesseract_that_fails_keeps_its_stderr(tmp_path, monkeypatch):
    monkeypatch.setenv(tesseract.SERVER_ENV, str(fake_server(tmp_path, """
        if images:
            print("Error: out of paper", file=sys.stderr)
            sys.exit(1)""")))
    with pytest.raises(OcrEngineError, match=r"\(exit 1\): Error: out of paper"):
        tesseract.read_words(np.full((60, 200), 255, np.uint8), lang="ind", timeout=10)


@pytest.mark.tesseract
def test_no_tesseract_library_is_a_missing_dependency(tmp_path, monkeypatch):
    monkeypatch.setenv(tesseract.SERVER_ENV, str(fake_server(tmp_path, "")))
    server = tmp_path / "tesseract_server"
    server.write_text(server.read_text().replace("real.serve(",
                                                 "real.LIBRARY = 'libtesseract.so.0'\nreal.serve("))
    with pytest.raises(MissingDependencyError, match="libtesseract.so.0.*apt-get install tesseract-ocr"):
        tesseract.read_words(np.full((60, 200), 255, np.uint8), lang="ind", timeout=10)


@pytest.mark.tesseract
def test_a_language_tesseract_cannot_load_is_an_engine_error_naming_it():
    with pytest.raises(OcrEngineError, match="language data of 'xyz'"):
        tesseract.read_words(np.full((60, 200), 255, np.uint8), lang="xyz", timeout=10)


def test_ocr_settings_reject_a_bad_language():
    from ocr_pipeline.errors import BadArgsError

    with pytest.raises(BadArgsError):
        OcrSettings(lang="ind;rm")


@pytest.mark.tesseract
def test_read_page_maps_words_of_a_reduced_view_back(monkeypatch):
    # a 400 dpi page is read at ocr.OCR_DPI: boxes come back in the page's own pixels
    big = cv2.resize(_page(), None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    page = PageImage("big", 1, 400, big, None, "ocr: image file")
    read = ocr.read_page(cleanup.clean_page(page), timeout=60)
    word = next(w for w in read.words if w.text == "KUNCI")
    assert abs(word.bbox[0] - 2 * MARK[0]) < 12 and abs(word.bbox[1] - 2 * (MARK[1] + 8)) < 20
    assert os.environ.get("OMP_THREAD_LIMIT") == "1"


# --------------------------------------------------------------------------- several images at once


def test_a_call_of_several_images_that_fails_is_tried_image_by_image(monkeypatch):
    def read_many(images, **kw):
        if any(im[0, 0] == 0 for im in images):  # the bad image: Tesseract fails on it
            raise OcrEngineError("tesseract failed (exit 1): bad image")
        return [(Word(f"w{int(im[0, 1])}", 0.9, (0, 0, 1, 1)),) for im in images]

    monkeypatch.setattr(tesseract, "read_many", read_many)
    images = [np.full((4, 4), 255, np.uint8) for _ in range(3)]
    for n, image in enumerate(images, 1):
        image[0, 1] = n
    images[1][0, 0] = 0
    got = tesseract.read_each(images, lang="ind", psm=6, timeout=5)
    assert got[0][0].text == "w1" and got[2][0].text == "w3"
    assert isinstance(got[1], OcrEngineError) and "bad image" in str(got[1])


def test_an_empty_cell_read_again_is_empty_and_a_number_beside_a_rule_is_read_without_it():
    page = np.full((400, 900), 255, np.uint8)
    for x0 in (0, 450):  # two ruled cells, like the target cells of a table at 300 dpi
        cv2.rectangle(page, (x0 + 20, 20), (x0 + 420, 380), 0, 4)
    cv2.putText(page, "80", (560, 240), cv2.FONT_HERSHEY_SIMPLEX, 3, 0, 8)
    empty, number = ocr.reread([(page, (20, 20, 420, 380), 2.0), (page, (470, 20, 870, 380), 2.0)], psm=6)
    assert empty.text == "" and not empty.words  # the frame of an empty cell is no '0'
    assert number.text == "80"


def test_a_faint_number_in_a_faintly_ruled_cell_is_read_again():
    # a faded scan: grey rules and a grey number; a dark speck sets the crop's darkest ink.
    # Left in the crop, the frame round the number made Tesseract read nothing at all
    page = np.full((400, 900), 248, np.uint8)
    cv2.rectangle(page, (20, 20), (420, 380), 185, 3)
    cv2.putText(page, "75%", (110, 150), cv2.FONT_HERSHEY_SIMPLEX, 2.2, 165, 5)
    page[300:304, 300:304] = 110
    crop, ink = ocr.without_rules(page[14:386, 14:426])
    assert crop[:, :12].min() >= 248 and crop[-12:, :].min() >= 248  # the frame is paper
    assert ink > ocr.MIN_INK  # the number is ink
    got = ocr.reread([(page, (20, 20, 420, 380), 1.0)], psm=6)[0]
    assert any(ch.isdigit() for ch in got.text)  # read, if not read right: it is flagged, not empty


def test_a_region_tesseract_dies_on_costs_the_others_nothing(monkeypatch):
    def read_many(images, **kw):
        if any(im[25, 25] == 0 for im in images):  # the speck Tesseract dies on (SIGFPE: exit -8)
            raise OcrEngineError("tesseract failed (exit -8): Page 1")
        return [(Word("80%", 0.9, (20, 20, 30, 30)),) for _ in images]

    monkeypatch.setattr(tesseract, "read_many", read_many)
    page = np.full((100, 100), 255, np.uint8)
    page[2:8, 2:8] = 0
    page[20:30, 20:30] = page[60:70, 60:70] = 0
    boxes = [(10, 10, 40, 40), (0, 0, 10, 10), (50, 50, 90, 90)]
    got = ocr.reread([(page, box, 1.0) for box in boxes], pad=0)
    assert [r.text for r in got] == ["80%", "", "80%"]
