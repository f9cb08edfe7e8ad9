"""Image cleanup: orientation, deskew, margins, specks, rules, the map back to the original.

Synthetic pages (text and a ruled table drawn with PIL at 200 dpi) are turned and
skewed by known amounts with the scan simulator, so every expected value is exact.
No test here runs Tesseract; the real scans of OCRmyPDF are marked `realdata`.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr_pipeline.config import CleanupSettings, Limits
from ocr_pipeline.records import PageImage
from ocr_pipeline.simulate.fonts import font_file
from ocr_pipeline.simulate.scanner import LEVELS, ScanParams, scan_page
from ocr_pipeline.stages import cleanup, ingest
from ocr_pipeline.stages.tables import table_grids

DPI = 200
REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata"
OCRMYPDF = REAL / "ocrmypdf_scans"

LINES = (
    "Dalam rangka mewujudkan manajemen pemerintahan yang efektif,",
    "transparan dan akuntabel serta berorientasi pada hasil, kami",
    "yang bertanda tangan di bawah ini berjanji akan mewujudkan",
    "target kinerja yang seharusnya sesuai lampiran perjanjian ini.",
    "Keberhasilan dan kegagalan pencapaian target kinerja tersebut",
    "menjadi tanggung jawab kami sepenuhnya.",
)
TABLE = (("No", "Sasaran", "Indikator", "Target"),
         ("1", "Meningkatnya layanan", "Persentase", "85%"),
         ("2", "Tertibnya arsip", "Jumlah dokumen", "120"))
MARK = (700, 1240)  # where the word KUNCI is drawn (left, top), page pixels


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_file("LiberationSans-Bold.ttf" if bold else
                                            "LiberationSans-Regular.ttf")), size)


def synthetic_page(*, table: bool = True, text: bool = True, shade: int = 255) -> np.ndarray:
    """A 5.5 x 7 inch page at 200 dpi: a title, six lines of text, a 3 x 4 ruled table, KUNCI.

    `shade` is the grey of the table's header row (255: not shaded).
    """
    img = Image.new("L", (1100, 1400), 255)
    d = ImageDraw.Draw(img)
    if table and shade < 255:
        d.rectangle((90, 560, 1010, 640), fill=shade)
    if text:
        d.text((150, 90), "PERJANJIAN KINERJA TAHUN 2026", font=_font(34, True), fill=0)
        for i, line in enumerate(LINES):
            d.text((90, 190 + 48 * i), line, font=_font(29), fill=0)
        d.text(MARK, "KUNCI", font=_font(40, True), fill=0)
    if table:
        cols, rows = (90, 170, 520, 800, 1010), (560, 640, 720, 800)
        for x in cols:
            d.line([(x, rows[0]), (x, rows[-1])], fill=0, width=3)
        for y in rows:
            d.line([(cols[0], y), (cols[-1], y)], fill=0, width=3)
        for r, row in enumerate(TABLE):
            for c, cell in enumerate(row):
                d.text((cols[c] + 12, rows[r] + 22), cell, font=_font(28), fill=0)
    return np.asarray(img)


def scanned(image: np.ndarray, *, skew: float = 0.0, rotation: int = 0):
    """The page turned `rotation` (clockwise) and skewed `skew` degrees, nothing else."""
    scan = scan_page(image, LEVELS["clean"], seed=0, dpi_in=DPI, dpi_out=DPI,
                     params=ScanParams(skew=skew, rotation=rotation))
    return scan, PageImage("synthetic", 1, DPI, scan.image, None, "ocr: image file")


# --------------------------------------------------------------------------- geometry


@pytest.mark.parametrize("angle", [-5.0, -3.3, -1.2, -0.4, 0.6, 2.05, 4.0, 5.0])
def test_skew_of_synthetic_page_within_a_fifth_of_a_degree(angle):
    scan, page = scanned(synthetic_page(), skew=angle)
    clean = cleanup.clean_page(page)
    assert clean.rotation == 0
    # the cleanup turns by `skew` counter-clockwise: it undoes a skew of -skew
    assert abs(clean.skew + scan.skew) < 0.2, (clean.skew, scan.skew)


@pytest.mark.parametrize("rotation", [90, 270])
def test_quarter_turns_found_from_the_text_lines(rotation):
    scan, page = scanned(synthetic_page(), rotation=rotation, skew=1.5)
    clean = cleanup.clean_page(page)
    # cleanup turns sideways pages a quarter; whether that lands them upside down is
    # settled by OCR (tests/test_ocr.py)
    assert clean.rotation == 90
    assert abs(clean.skew + scan.skew) < 0.2
    h, w = clean.gray.shape
    assert (w, h) == (scan.image.shape[0], scan.image.shape[1])


@pytest.mark.parametrize("rotation", [0, 180])
def test_upright_and_upside_down_pages_are_not_turned_a_quarter(rotation):
    _, page = scanned(synthetic_page(), rotation=rotation, skew=-2.0)
    assert cleanup.clean_page(page).rotation == 0


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_a_faded_sideways_page_with_specks_is_turned_a_quarter(rotation):
    # toner so faded that no letter is solid ink, and dark specks that are: the specks
    # alone tell no direction, the faded letters do
    rng = np.random.default_rng(1)
    faded = 255 - (255 - synthetic_page().astype(np.float32)) * 0.2 + rng.normal(0, 8, (1400, 1100))
    faded = np.clip(faded, 0, 255).astype(np.uint8)
    ys, xs = rng.integers(0, faded.shape[0] - 3, 400), rng.integers(0, faded.shape[1] - 3, 400)
    for y, x in zip(ys, xs, strict=True):
        faded[y:y + 3, x:x + 3] = 80
    _, page = scanned(faded, rotation=rotation, skew=1.5)
    assert cleanup.clean_page(page).rotation == (90 if rotation in (90, 270) else 0)


def test_synthetic_page_cleaned_gives_the_angle_and_the_rotation():
    # turned 270 clockwise and skewed: a quarter turn clockwise makes it upright
    scan, page = scanned(synthetic_page(), rotation=270, skew=-3.7)
    clean = cleanup.clean_page(page)
    assert clean.rotation == scan.rotation_to_upright == 90
    assert abs(clean.skew - 3.7) < 0.2


def _marker_box(grey: np.ndarray) -> tuple[float, float, float, float]:
    """Box of the biggest blob of ink: the square drawn by the test."""
    ink = (grey < 128).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    i = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h = (float(v) for v in stats[i, :4])
    return x, y, x + w, y + h


def _apply(affine, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = affine
    return a * x + b * y + c, d * x + e * y + f


@pytest.mark.parametrize("rotation,skew", [(0, 2.5), (90, -4.0), (180, 1.0), (270, 3.2)])
def test_to_original_maps_a_box_back_onto_the_scan(rotation, skew):
    image = synthetic_page(table=False).copy()
    image[1000:1080, 300:380] = 0  # a solid square: the biggest blob of the page
    scan, page = scanned(image, rotation=rotation, skew=skew)
    clean = cleanup.clean_page(page)
    x0, y0, x1, y1 = _marker_box(clean.gray)
    got = _apply(clean.to_original, (x0 + x1) / 2, (y0 + y1) / 2)
    want = _apply(scan.to_scan, 340, 1040)
    assert math.dist(got, want) < 3.0, (got, want)


# --------------------------------------------------------------------------- rules


def test_rules_found_on_a_ruled_table():
    _, page = scanned(synthetic_page(text=False), skew=1.0)
    clean = cleanup.clean_page(page)
    horizontal = [r for r in clean.rules if r.horizontal]
    vertical = [r for r in clean.rules if not r.horizontal]
    assert len(horizontal) == 4 and len(vertical) == 5
    grids = table_grids(clean.rules, clean.dpi)
    assert len(grids) == 1
    assert (len(grids[0].rows) - 1, len(grids[0].cols) - 1) == (3, 4)


def test_the_faded_rules_of_a_shaded_header_row_are_found():
    """A faded page: paper 254, a header row shaded 232 (grain +-4) between rules of 205.
    The ink threshold takes part of the shading, so the strips beside the rules are
    part ink; their grey is even, unlike letters', and the rules are rules."""
    rng = np.random.default_rng(0)
    grey = np.full((400, 1400), 254, np.uint8)
    grey[103:175, 100:1300] = (232 + rng.integers(-4, 5, (72, 1200))).astype(np.uint8)
    for y in (100, 175):
        grey[y:y + 3, 100:1300] = 205
    grey[100:300, 100:103] = grey[100:300, 1297:1300] = 205
    grey[297:300, 100:1300] = 205
    rules, _ = cleanup.find_rules(cleanup.line_ink(grey, 300), 300, grey)
    found = [r for r in rules if r.y0 == r.y1 and r.x1 - r.x0 > 1000]
    ys = [r.y0 for r in sorted(found, key=lambda r: r.y0)]
    assert len(ys) == 3 and all(abs(y - want) <= 2 for y, want in zip(ys, (101, 176, 298), strict=True)), ys


def test_the_blurred_rule_along_a_shaded_header_rows_edge_is_found_whole():
    """A blurred scan: the rule under a header row shaded 222 is a dip to 180 only in its
    middle, its sides blurred into the shading above and the paper below (the profile
    measured on a simulated medium scan). It is found whole, not in pieces."""
    rng = np.random.default_rng(0)
    grey = np.full((400, 1400), 253, np.uint8)
    grey[100:103, 100:1300] = 150
    grey[103:168, 100:1300] = (222 + rng.integers(-4, 5, (65, 1200))).astype(np.uint8)
    profile = (214, 208, 195, 181, 180, 199, 226, 245)
    for i, v in enumerate(profile):
        grey[168 + i, 100:1300] = np.clip(v + rng.integers(-3, 4, 1200), 0, 255)
    grey[100:300, 100:103] = grey[100:300, 1297:1300] = grey[297:300, 100:1300] = 150
    rules, _ = cleanup.find_rules(cleanup.line_ink(grey, 300), 300, grey)
    found = [r for r in rules if r.horizontal and 165 <= r.y0 <= 178]
    assert len(found) == 1 and found[0].x1 - found[0].x0 > 1150, found


def test_the_rules_through_a_speckled_shaded_header_row_are_found():
    """A header row shaded light and grainy: the grain above the ink threshold leaves
    holes in the shading, so it is not taken as a fill, and its speckle is ink. That
    block touches every vertical rule of the table, and is no rule: the rules are."""
    rng = np.random.default_rng(0)
    grey = np.full((1200, 1400), 250, np.uint8)
    grey[103:175, 100:1300] = np.clip(224 + rng.normal(0, 6, (72, 1200)), 0, 255).astype(np.uint8)
    for y in (100, 175, 600, 1100):
        grey[y:y + 4, 100:1300] = 130
    for x in (100, 300, 800, 1296):
        grey[100:1104, x:x + 4] = 130
    rules, _ = cleanup.find_rules(cleanup.line_ink(grey, 300), 300, grey)
    vertical = sorted(r.x0 for r in rules if r.x0 == r.x1 and r.y1 - r.y0 > 800)
    assert len(vertical) == 4, vertical
    assert all(abs(x - want) <= 3 for x, want in zip(vertical, (101.5, 301.5, 801.5, 1297.5), strict=True))


def test_no_rules_on_plain_text():
    _, page = scanned(synthetic_page(table=False), skew=-2.0)
    assert cleanup.clean_page(page).rules == ()


def test_shaded_header_row_is_paper_and_its_text_ink():
    _, page = scanned(synthetic_page(shade=170), skew=0.0)
    clean = cleanup.clean_page(page)
    f = clean.ocr_image.shape[1] / clean.gray.shape[1]  # OCR reads a reduced page
    header = clean.ocr_image[int(575 * f):int(630 * f), int(100 * f):int(1000 * f)]  # in the row
    assert (header < 128).mean() < 0.25  # the fill is paper (it was all "ink" to Otsu)
    assert (header < 128).sum() > 500  # "No", "Sasaran", "Indikator", "Target" are ink


def test_unshade_makes_a_solid_fill_paper_and_keeps_its_text():
    grey = np.full((600, 1000), 250, np.uint8)
    grey[100:400, 50:950] = 150  # a shaded box Otsu takes for ink
    cv2.putText(grey, "Indikator Kinerja", (80, 260), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 0, 4)
    ink = cleanup.binarise(grey)
    assert (ink[110:390, 60:940] > 0).all()
    out = cleanup.unshade(ink, grey, DPI)
    assert (out[110:390, 60:940] > 0).mean() < 0.05
    text = grey[200:280, 80:700] < 50
    assert (out[200:280, 80:700][text] > 0).all()


def test_unshade_leaves_a_blurred_smudge_alone():
    grey = np.full((600, 1000), 250, np.uint8)
    cv2.putText(grey, "teks tembus", (80, 300), cv2.FONT_HERSHEY_SIMPLEX, 3.0, 200, 14)
    grey = cv2.GaussianBlur(grey, (0, 0), 6)  # show-through from the back: blurred, faint
    cv2.putText(grey, "Indikator", (100, 260), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 185, 3)  # faded
    ink = cleanup.binarise(grey)
    assert np.array_equal(cleanup.unshade(ink, grey, DPI), ink)


@pytest.mark.parametrize("seed", range(6))
def test_median_under_a_mask_is_numpys_median(seed):
    rng = np.random.default_rng(seed)
    grey = rng.integers(0, 256, (97, 131), dtype=np.uint8)
    mask = ((rng.random(grey.shape) < 0.3) * 255).astype(np.uint8)  # odd and even counts
    mask[0, : seed + 1] = 255
    assert cleanup.median_under(grey, mask) == float(np.median(grey[mask > 0]))


def test_table_rules_are_not_in_the_image_ocr_reads():
    _, page = scanned(synthetic_page(), skew=0.0)
    clean = cleanup.clean_page(page)
    assert clean.ocr_image is not None
    f = clean.ocr_image.shape[1] / clean.gray.shape[1]
    assert abs(f - cleanup.OCR_DPI / DPI) < 0.01
    row = clean.ocr_image[round(640 * f), int(100 * f):int(1000 * f)]  # the second rule
    assert (row < 128).mean() < 0.05
    assert (clean.gray[640, 100:1000] < 128).mean() > 0.9


# --------------------------------------------------------------------------- pixels


def test_despeckle_removes_isolated_specks_and_keeps_dots():
    ink = np.zeros((400, 400), np.uint8)
    cv2.putText(ink, "i. j, 5", (40, 200), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 255, 4)
    rng = np.random.default_rng(1)
    ys, xs = rng.integers(260, 400, 60), rng.integers(0, 400, 60)
    specks = ink.copy()
    specks[ys, xs] = 255
    out = cleanup.despeckle(specks, 200)
    assert (out[260:] > 0).sum() == 0  # every speck away from the text is gone
    assert np.array_equal(out[:260] > 0, ink[:260] > 0)  # the text, dots and comma kept


def test_dark_scanner_margin_is_whitened_and_text_kept():
    grey = np.full((1400, 1100), 235, np.uint8)
    cv2.putText(grey, "Teks halaman", (200, 700), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 0, 4)
    x = np.arange(1100)
    depth = (65 + 12 * np.sin(x / 70) + 4 * np.sin(x / 9)).astype(int)  # a ragged band
    for x, d in enumerate(depth):
        grey[:d, x] = 20
    out = cleanup.whiten_margins(grey, DPI)
    assert (out[:100] < 128).sum() == 0
    assert (out[650:720] < 128).sum() == (grey[650:720] < 128).sum()


def test_flatten_light_evens_a_gradient():
    ramp = np.linspace(150, 250, 1100, dtype=np.float32)[None, :].repeat(1400, axis=0)
    grey = ramp.astype(np.uint8)
    flat = cleanup.flatten_light(grey, DPI)
    assert flat[:, 50].mean() > 240 and flat[:, 1050].mean() > 240


def test_grey_stamp_suppressed_in_colour_scans():
    page = np.full((300, 300, 3), 250, np.uint8)
    cv2.circle(page, (150, 150), 100, (200, 60, 40), 8)  # a blue stamp (BGR)
    cv2.putText(page, "ABC", (90, 170), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (0, 0, 0), 3)
    grey = cleanup.to_grey(page, suppress_colour=True)
    assert (grey[148:152, 48:54] > 200).all()  # the ring is paper now
    assert (grey < 100).sum() > 200  # the black text is not


@pytest.mark.parametrize("black", [(0, 0, 0), (30, 50, 58)])  # black ink; tinted by a yellowed scan
def test_dull_core_of_a_navy_signature_suppressed_not_the_letters_it_crosses(black):
    page = np.full((300, 500, 3), (225, 240, 245) if black[0] else 250, np.uint8)
    cv2.putText(page, "ABC", (40, 200), cv2.FONT_HERSHEY_SIMPLEX, 2.0, black, 5)
    free = np.array([[300, 60], [360, 150], [420, 40], [480, 160]], np.int32)  # away from the text
    across = np.array([[20, 120], [120, 230], [220, 110]], np.int32)  # across the letters
    for stroke in (free, across):
        cv2.polylines(page, [stroke], False, (190, 120, 90), 9)  # a blue rim (BGR; chroma 100)
        cv2.polylines(page, [stroke], False, (110, 82, 74), 5)  # a dark core (chroma 36)
    page = cv2.imdecode(cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, 80])[1], cv2.IMREAD_COLOR)
    grey = cleanup.to_grey(page, suppress_colour=True)
    assert (grey[20:180, 280:500] > 200).all()  # the free stroke is paper, its dark core too
    text = np.zeros((300, 500), np.uint8)
    cv2.putText(text, "ABC", (40, 200), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 1, 5)
    painted = np.zeros((300, 500), np.uint8)
    cv2.polylines(painted, [across], False, 1, 15)  # the pen, and the 3 x 3 blur and dilation around it
    beside = (text > 0) & (painted == 0) & (cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) < 128)
    assert ((grey < 128) & beside).sum() == beside.sum()  # the letters it crosses stay


def test_born_digital_page_keeps_its_geometry():
    from ocr_pipeline.records import Word

    words = (Word("KUNCI", 1.0, (700, 1240, 820, 1290)),)
    page = PageImage("born-digital", 1, DPI, synthetic_page(), words, "text-layer: exact")
    clean = cleanup.clean_page(page, CleanupSettings())
    assert (clean.rotation, clean.skew, clean.to_original) == (0, 0.0, cleanup.IDENTITY)
    assert clean.text_layer == words
    assert len(clean.rules) == 9


# --------------------------------------------------------------------------- real scans


def _pages(name: str, dpi: int = 300) -> list[PageImage]:
    info = ingest.inspect(OCRMYPDF / name, Limits())
    return list(ingest.iter_pages(info, dpi, Limits()))


def _pdf_angle(name: str) -> float:
    """Counter-clockwise degrees, as seen, of the scan image placed on the PDF page."""
    doc = pdfium.PdfDocument(str(OCRMYPDF / name))
    try:
        page = doc[0]
        img = next(o for o in page.get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE)
        m = img.get_matrix()
        return math.degrees(math.atan2(m.b, m.a)) - page.get_rotation()
    finally:
        doc.close()


@pytest.mark.realdata
def test_skew_pdf_deskewed_within_a_fifth_of_a_degree():
    linn = cleanup.clean_page(_pages("linn.pdf")[0])  # the unskewed page leans a little itself
    for name in ("skew.pdf", "rotated_skew.pdf"):
        angle = _pdf_angle(name)
        angle -= round(angle / 90) * 90  # rotated_skew.pdf: a quarter turn in /Rotate
        clean = cleanup.clean_page(_pages(name)[0])
        assert clean.rotation == 0
        # skew removed = the skew of the copy, measured against linn.pdf's own lean
        assert abs((clean.skew - linn.skew) + angle) < 0.2, (name, clean.skew, angle)


@pytest.mark.realdata
def test_cardinal_pdf_sideways_pages_turned_a_quarter():
    turned = [cleanup.clean_page(p, CleanupSettings(deskew=False)).rotation
              for p in _pages("cardinal.pdf", 150)]
    # page 1 upright, 2 turned 90 clockwise, 3 upside down, 4 turned 90 counter-clockwise:
    # the sideways ones are turned a quarter; up and down are left to OCR
    assert turned == [0, 90, 0, 90]


# --------------------------------------------------------------------------- the benchmark's scans


def test_scan_pdf_pages_degrades_a_pdf_deterministically(tmp_path):
    from ocr_pipeline.simulate.scanner import scan_pdf_pages

    src = tmp_path / "born.pdf"
    pages = [Image.fromarray(synthetic_page()), Image.fromarray(synthetic_page(table=False))]
    pages[0].save(src, "PDF", save_all=True, append_images=pages[1:], resolution=DPI)
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    rec = scan_pdf_pages(src, a, level="hard", seed=3, dpi=100)
    assert scan_pdf_pages(src, b, level="hard", seed=3, dpi=100) == rec
    assert a.read_bytes() == b.read_bytes()
    assert [r["page"] for r in rec] == [1, 2] and all(r["level"] == "hard" for r in rec)
    assert all(1.5 <= abs(r["skew_degrees"]) <= 5.0 for r in rec)
    doc = pdfium.PdfDocument(str(a))
    try:
        assert len(doc) == 2
        short, long = sorted(doc[0].get_size())  # a page fed sideways keeps its size
        assert abs(short - 5.5 * 72) < 1 and abs(long - 7 * 72) < 1
    finally:
        doc.close()
    with pytest.raises(ValueError, match="unknown scan level"):
        scan_pdf_pages(src, b, level="awful", seed=3)


def test_a_table_whose_rules_broke_into_pieces_is_one_grid():
    from ocr_pipeline.records import Rule

    # a 3-column, 3-row table as faded toner leaves it: each rule in pieces, the pieces of
    # the top rows' columns and of the bottom rows' columns held together by nothing but
    # the broken rules between them
    xs, ys = (100, 400, 800, 1100), (100, 200, 300, 400)
    rules = [Rule(a, y, b, y) for y in ys for a, b in ((100, 500), (560, 1100))]  # 60 px gaps
    rules += [Rule(x, 100, x, 200) for x in xs[:2]] + [Rule(x, 200, x, 400) for x in xs[2:]]
    grids = table_grids(tuple(rules), 300)
    assert len(grids) == 1
    assert grids[0].rows == ys and grids[0].cols == xs


def test_a_faded_table_whose_rules_broke_far_apart_is_one_grid_with_every_column():
    from ocr_pipeline.records import Rule

    # a table as a faded page of seed 3535 left it: its rules broken by gaps wider than a
    # bridge, so that the left columns' rules and the right ones' make two groups over
    # the same rows; the last column's edge met only by short pieces of the top rule, a
    # middle column's edge by no rule at all
    xs, ys = (100, 200, 700, 1400, 1700), (100, 180, 300, 420)
    rules = [Rule(95, y, 600, y) for y in (100, 180, 420)]
    rules += [Rule(900, y, 1450, y) for y in (100, 420)] + [Rule(650, 300, 1450, 300)]
    rules += [Rule(1500, 100, 1560, 100), Rule(1600, 100, 1702, 100)]  # short pieces
    rules += [Rule(x, 100, x, 420) for x in (100, 200, 1400, 1700)]
    rules += [Rule(700, 110, 700, 240)]
    grids = table_grids(tuple(rules), 300)
    assert len(grids) == 1
    assert grids[0].cols == xs and grids[0].rows == ys
    # a short piece off every rule's line (a speck by a column's rule, seed 3434) is no
    # row's edge
    grids = table_grids(tuple(rules + [Rule(1640, 130, 1690, 130)]), 300)
    assert grids[0].rows == ys
    # short pieces alone make no table
    assert table_grids(tuple(Rule(x, y, x + 40, y) for x in (100, 200) for y in (100, 200)), 300) == ()


def test_tables_one_above_the_other_stay_two_grids():
    from ocr_pipeline.records import Rule

    rules = []
    for top in (100, 500):  # two ruled tables, 100 px apart, the same columns
        rules += [Rule(100, top + d, 1100, top + d) for d in (0, 150, 300)]
        rules += [Rule(x, top, x, top + 300) for x in (100, 600, 1100)]
    assert len(table_grids(tuple(rules), 300)) == 2
