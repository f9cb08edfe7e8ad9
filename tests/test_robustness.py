"""Robustness (issue 8): bad inputs, faults and limits, with nothing lost.

The bad inputs are made here, in tmp_path (pikepdf, Pillow, or bytes). Each gets a
message naming the file and what is wrong, in the manifest and on stderr, without a
traceback; the other files of the batch are written exactly as they are alone.

What the odd inputs that do not fail become (the README says the same):

* a blank file (no word on any page): no agreement; its manifest entry is `ok`, with
  `pages_read.blank` and `warnings` saying that nothing was extracted from it;
* a page with text but neither letter nor table, a letter without its table, a table
  without its letter: an agreement, each missing part flagged (`needs_review`) and
  said in its `warnings`: it may be an agreement read badly, so a person looks;
* the same file twice: the second entry is `ok` with a note naming the first;
* a PDF whose cross-reference table is broken: PDFium rebuilds it, read as usual;
* a PDF pdfminer cannot parse that PDFium can draw: its pages are OCRed.

A Tesseract that crashes or times out on a page: that page has no words, its agreement
is flagged, the other pages are read, and the run exits 4. A kill -9 at any moment is
tested in test_batch.py (`test_kill_9_mid_batch_then_rerun_equals_an_uninterrupted_run`).
"""

from __future__ import annotations

import errno
import io
import json
import multiprocessing
import os
import random
import re
import shutil
import stat
import struct
import tempfile
import traceback
import zlib
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from conftest import fake_server
from PIL import Image

from ocr_pipeline import cli, pipeline
from ocr_pipeline._exec import tesseract
from ocr_pipeline.config import Limits, OcrSettings, RunConfig
from ocr_pipeline.errors import InputFileError, LimitExceededError, PipelineError
from ocr_pipeline.ledger import Ledger
from ocr_pipeline.stages import export, ingest

ROOT = Path(__file__).resolve().parent.parent
BORN_DIGITAL = ROOT.parent / "shared" / "realdata" / "pk_born_digital"
GOOD = BORN_DIGITAL / "PK BANDING.pdf"  # 1 page, a table (Dinas Koperasi)
GOOD_2 = BORN_DIGITAL / "12. lampiran 3 RKT Tahun 2016.pdf"  # 2 pages (Dinas Perhubungan)
LETTER_AND_TABLE = BORN_DIGITAL / "PK KADIS 2017.pdf"  # cover, letter, table, budget (Dispora)
SMALL = BORN_DIGITAL / "RKT Lampiran II.pdf"  # 2 pages, 28 KB: the fuzz seed
SCAN = ROOT / "scans" / "sim-kpu-provinsi-kaltim-2026-clean.pdf"  # letter, table, signatures

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture(autouse=True)
def _fresh_tesseract_checks():
    """Tesseract's version and languages are cached per process: tests here change the program."""
    tesseract.version.cache_clear()
    tesseract.languages.cache_clear()
    yield
    tesseract.command()  # the environment is restored by now: back to the usual program
    tesseract.version.cache_clear()
    tesseract.languages.cache_clear()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_corpus(tmp_path_factory.mktemp("corpus") / "in")


# --------------------------------------------------------------------------- the corpus


def text_pdf(path: Path, lines: list[str], size: tuple[float, float] = (595, 842)) -> Path:
    """A born-digital one-page PDF of `lines` in Helvetica."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    ops = "BT /F1 12 Tf 72 770 Td 16 TL " + " ".join(f"({ln}) Tj T*" for ln in lines) + " ET"
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, *size],
                              Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
                              Contents=pdf.make_stream(ops.encode()))
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)
    return path


def pages_of(src: Path, pages: list[int], path: Path) -> Path:
    """A PDF of some pages (0-based) of `src`."""
    with pikepdf.open(src) as pdf:
        out = pikepdf.new()
        for i in pages:
            out.pages.append(pdf.pages[i])
        out.save(path)
    return path


def png_bomb(path: Path, width: int = 30_000, height: int = 30_000) -> Path:
    """A valid black-and-white PNG of width x height pixels: 110 KB that would decode to 112 MB
    of bits (and 900 MB as a grey page)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    z = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)  # filter byte, then the row's bits
    idat = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


# case -> (what the manifest's error says after the file's name); the file fails
FAILING = {
    "text.pdf": "not a PDF or an image (PNG, JPEG, TIFF): it starts with b'Notulen '",
    "empty.pdf": "the file is empty (0 bytes)",
    "truncated.pdf": "damaged PDF: it is cut short (no end-of-file marker)",
    "garbled.pdf": "damaged PDF: it cannot be opened",
    "locked.pdf": "the PDF is encrypted and needs a password to open",
    "zero pages.pdf": "the file has no pages",
    "bomb.png": "the image is too large (900 MP), over the limit of 60 MP",
    "huge page.pdf": "page 1 would be 60000x60000 pixels (3600 MP), over the limit of 60 MP "
                     "(lower --dpi or raise --max-page-megapixels)",
}
UNREADABLE = "unreadable.pdf"  # no read permission (simulated where ingest opens files when run as root)


def make_corpus(d: Path) -> dict[str, Path]:
    """Every bad or odd input, and three good ones (names with spaces, non-ASCII, not UTF-8)."""
    d.mkdir(parents=True, exist_ok=True)
    c: dict[str, Path] = {}

    def put(name: str, data: bytes) -> None:
        c[name] = d / name
        c[name].write_bytes(data)

    put("text.pdf", b"Notulen rapat, bukan PDF\n")
    put("empty.pdf", b"")
    whole = LETTER_AND_TABLE.read_bytes()
    put("truncated.pdf", whole[: len(whole) // 3])  # an interrupted download
    put("garbled.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n")
    xref = bytearray(GOOD.read_bytes())
    at = xref.rfind(b"startxref")
    xref[at + 10: at + 20] = b"9999999999"  # points nowhere: PDFium rebuilds the table
    put("broken xref.pdf", bytes(xref))
    with pikepdf.open(GOOD) as pdf:
        pdf.save(d / "locked.pdf", encryption=pikepdf.Encryption(user="rahasia", owner="pemilik"))
        pdf.save(d / "owner password only.pdf", encryption=pikepdf.Encryption(user="", owner="pemilik"))
    c["locked.pdf"], c["owner password only.pdf"] = d / "locked.pdf", d / "owner password only.pdf"
    pikepdf.new().save(d / "zero pages.pdf")
    c["zero pages.pdf"] = d / "zero pages.pdf"
    c["bomb.png"] = png_bomb(d / "bomb.png")
    huge = pikepdf.new()
    huge.add_blank_page(page_size=(14_400, 14_400))  # 200 x 200 inches: 60000 pixels a side at 300 dpi
    huge.save(d / "huge page.pdf")
    c["huge page.pdf"] = d / "huge page.pdf"
    blank = pikepdf.new()
    blank.add_blank_page(page_size=(595, 842))
    blank.save(d / "blank.pdf")
    c["blank.pdf"] = d / "blank.pdf"
    c["no table.pdf"] = text_pdf(d / "no table.pdf", ["Notulen rapat koordinasi", "Tidak ada tabel di sini."])
    c["letter only.pdf"] = pages_of(LETTER_AND_TABLE, [1], d / "letter only.pdf")
    c["table only.pdf"] = pages_of(LETTER_AND_TABLE, [2], d / "table only.pdf")
    c["good ñandú – spasi.pdf"] = d / "good ñandú – spasi.pdf"
    shutil.copy(GOOD, c["good ñandú – spasi.pdf"])
    c["same again.pdf"] = d / "same again.pdf"
    shutil.copy(GOOD, c["same again.pdf"])
    latin1 = Path(os.fsdecode(os.fsencode(d) + b"/rkt lampiran \xe9.pdf"))  # a name that is not UTF-8
    shutil.copy(GOOD_2, latin1)
    c["latin-1 name"] = latin1
    put(UNREADABLE, GOOD_2.read_bytes())
    if not ROOT_USER:
        c[UNREADABLE].chmod(0)
    return c


def refuse_to_open(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """What opening `name` without read permission does, for a test run as root (it may read anything)."""
    real = open

    def opening(path, *a, **k):
        if Path(path).name == name:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, *a, **k)

    monkeypatch.setattr(ingest, "open", opening, raising=False)


GOOD_CASES = ("good ñandú – spasi.pdf", "latin-1 name")


@pytest.mark.realdata
@pytest.mark.parametrize("case", sorted(FAILING))
def test_each_bad_input_is_an_input_error_naming_the_file(corpus: dict[str, Path], case: str) -> None:
    with pytest.raises(InputFileError) as got:
        ingest.inspect(corpus[case], Limits(), dpi=300)
    assert str(got.value).startswith(f"{corpus[case]}: {FAILING[case]}")


def test_unreadable_file_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root permissions do not apply: the refusal is simulated where ingest opens the file."""
    path = text_pdf(tmp_path / "secret.pdf", ["x"])
    refuse_to_open(monkeypatch, "secret.pdf")
    with pytest.raises(InputFileError, match=re.escape(f"{path}: no permission to read the file")):
        ingest.inspect(path, Limits())


@pytest.mark.skipif(ROOT_USER, reason="root reads files without read permission")
def test_unreadable_file_without_permission(tmp_path: Path) -> None:
    path = text_pdf(tmp_path / "secret.pdf", ["x"])
    path.chmod(0)
    try:
        with pytest.raises(InputFileError, match="no permission to read the file"):
            ingest.inspect(path, Limits())
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def _rows(out: Path, name: str, ids: set[str]) -> list[str]:
    """The lines of a CSV of `out` that belong to the agreements `ids`, header first."""
    lines = (out / name).read_text("utf-8-sig").splitlines()
    return lines[:1] + [ln for ln in lines[1:] if ln.split(",", 1)[0] in ids]


def _own_output(out: Path, entry: dict) -> dict[str, object]:
    """Everything a run wrote of one input: its agreements, CSV rows and crops, its manifest entry."""
    ids = set(entry["agreement_ids"])
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
             if p.is_file() and p.relative_to(out).parts[0] in ("agreements", "crops")
             and any(part.startswith(tuple(ids)) for part in p.relative_to(out).parts[1:])}
    entry = {k: v for k, v in entry.items() if k != "seconds"}
    csvs = {n: _rows(out, n, ids) for n in ("targets.csv", "budget.csv", "review.csv")}
    return {"files": files, "csv": csvs, "manifest": entry}


@pytest.mark.realdata
@pytest.mark.tesseract
def test_a_batch_of_bad_inputs_fails_each_clearly_and_writes_the_good_ones_as_alone(
        tmp_path: Path, corpus: dict[str, Path], corrections: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    if ROOT_USER:
        refuse_to_open(monkeypatch, UNREADABLE)  # inputs are inspected in this process
    out = tmp_path / "out"
    code = cli.main(["run", str(corpus["text.pdf"].parent), "--out", str(out), "--workers", "2",
                     "--corrections", str(corrections)])
    err = capsys.readouterr().err
    assert code == 2  # some inputs failed; the others were written
    assert "Traceback" not in err
    entries = {e["file"]: e for e in json.loads((out / "manifest.json").read_text("utf-8"))["files"]}
    by_case = {case: entries[ingest.display_name(p)] for case, p in corpus.items()}
    assert len(entries) == len(corpus)

    failing = {**FAILING, UNREADABLE: "no permission to read the file"}
    for case, says in failing.items():
        e = by_case[case]
        message = f"{corpus[case]}: {says}"
        assert e["status"] == "failed" and e["error"].startswith(message), case
        assert f"failed: {message}" in err, case
    assert sum(e["status"] == "failed" for e in entries.values()) == len(failing)

    blank = by_case["blank.pdf"]
    assert (blank["status"], blank["agreements"]) == ("ok", 0)
    assert blank["pages_read"] == {"ocr": [1], "blank": [1]}
    assert blank["warnings"] == ["no text found on page 1 (blank, or a picture only)",
                                 "no agreement in this file: nothing was extracted"]
    assert f"{corpus['blank.pdf']}: no text found on page 1" in err

    def agreement(case: str) -> dict:
        e = by_case[case]
        assert e["status"] == "ok" and e["agreements"] == 1, case
        return json.loads(export.agreement_path(out, e["agreement_ids"][0]).read_text("utf-8"))

    no_table = agreement("no table.pdf")
    assert "letter: no letter page found for this agreement" in no_table["warnings"]
    assert "targets: no target table found for this agreement" in no_table["warnings"]
    assert {"title", "targets"} <= set(no_table["needs_review"]) and no_table["targets"] == []
    letter = agreement("letter only.pdf")
    assert letter["first_party"]["name"] and letter["second_party"]["name"]
    assert "targets: no target table found for this agreement" in letter["warnings"]
    assert "targets" in letter["needs_review"]
    table = agreement("table only.pdf")
    assert table["targets"] and "letter: no letter page found for this agreement" in table["warnings"]
    assert {"first_party.name", "second_party.name"} <= set(table["needs_review"])
    for case in ("broken xref.pdf", "owner password only.pdf"):  # read as the intact file is
        assert agreement(case)["targets"]

    first, again = by_case["good ñandú – spasi.pdf"], by_case["same again.pdf"]  # in this order
    assert again["status"] == "ok" and again["agreement_ids"] == first["agreement_ids"]
    assert again["note"] == f"same content as {first['file']}: not processed again"
    assert by_case["latin-1 name"]["file"].endswith("rkt lampiran \\xe9.pdf")

    # the good files: exactly what each gives alone
    for case in GOOD_CASES:
        alone = tmp_path / f"alone-{len(case)}"
        summary = pipeline.run([corpus[case]], RunConfig(out_dir=alone, corrections=corrections, workers=1))
        assert summary.exit_code == 0
        (entry,) = json.loads((alone / "manifest.json").read_text("utf-8"))["files"]
        assert _own_output(out, by_case[case]) == _own_output(alone, entry), case


# --------------------------------------------------------------------------- names and paths


@pytest.mark.realdata
@pytest.mark.tesseract
def test_nothing_is_written_outside_the_output_folder(tmp_path: Path, corrections: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    here = tmp_path / "work" / "here"
    (here / "a").mkdir(parents=True)
    shutil.copy(GOOD, tmp_path / "work" / "x.pdf")
    shutil.copy(GOOD_2, tmp_path / "work" / "b.pdf")
    monkeypatch.chdir(here)
    temp = tmp_path / "temp"  # where Tesseract's wrapper and pytesseract put their files
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    before = sorted(p for p in tmp_path.rglob("*") if p != here / "out")
    corr_before = {p: p.stat().st_mtime_ns for p in corrections.iterdir()}
    code = cli.main(["run", "../x.pdf", "a/../../b.pdf", "--out", "out", "--workers", "1",
                     "--corrections", str(corrections), "-q"])
    assert code == 0
    after = sorted(p for p in tmp_path.rglob("*") if not p.is_relative_to(here / "out") and p != here / "out")
    assert after == before
    assert {p: p.stat().st_mtime_ns for p in corrections.iterdir()} == corr_before
    names = {p.relative_to(here / "out").as_posix() for p in (here / "out").rglob("*")}
    pattern = re.compile(r"(agreements|crops)(/pk-[0-9a-f]{12}-\d\d(/[\w.-]+\.png|\.json)?)?|[\w.-]+")
    assert all(pattern.fullmatch(n) for n in names), sorted(n for n in names if not pattern.fullmatch(n))
    files = [e["file"] for e in json.loads((here / "out" / "manifest.json").read_text("utf-8"))["files"]]
    assert files == ["../x.pdf", "a/../../b.pdf"]


def test_file_name_not_utf8_is_written_as_escapes(tmp_path: Path) -> None:
    """Regression: a Latin-1 file name crashed the run when the manifest was written (UnicodeEncodeError)."""
    raw = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.pdf"))
    assert ingest.display_name(raw) == f"{tmp_path}/caf\\xe9.pdf"
    assert ingest.display_name(tmp_path / "ñandú.pdf") == f"{tmp_path}/ñandú.pdf"
    raw.write_bytes(b"")
    with pytest.raises(InputFileError) as got:
        ingest.inspect(raw, Limits())
    str(got.value).encode("utf-8")  # the message can be written anywhere


# --------------------------------------------------------------------------- regressions


def test_zero_page_pdf_after_an_encrypted_one_is_not_called_encrypted(tmp_path: Path) -> None:
    """Regression: PDFium's error code is the process's last one, and a PDF without pages sets none."""
    locked = tmp_path / "locked.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(locked, encryption=pikepdf.Encryption(user="a", owner="b"))
    empty = tmp_path / "zero.pdf"
    pikepdf.new().save(empty)
    with pytest.raises(InputFileError, match="encrypted"):
        ingest.inspect(locked, Limits())
    with pytest.raises(InputFileError, match=re.escape(f"{empty}: the file has no pages")):
        ingest.inspect(empty, Limits())


def test_decompression_bomb_png_fails_its_file_not_the_run(tmp_path: Path) -> None:
    """Regression: Pillow's DecompressionBombError escaped `inspect` and ended the whole run."""
    bomb = png_bomb(tmp_path / "bomb.png")
    with pytest.raises(LimitExceededError, match=r"bomb.png: the image is too large \(900 MP\)"):
        ingest.inspect(bomb, Limits())
    # between the limit and twice it Pillow only warns: the limit is ours, with the page's size
    small = png_bomb(tmp_path / "small.png", 3000, 3000)
    with pytest.raises(LimitExceededError, match=r"page 1 is 3000x3000 pixels \(9 MP\), over the limit of "
                                                 r"5 MP \(raise --max-page-megapixels\)"):
        ingest.inspect(small, Limits(max_page_megapixels=5))
    assert ingest.inspect(small, Limits(max_page_megapixels=10)).pages == 1


def test_huge_pdf_page_fails_before_any_page_is_read(tmp_path: Path) -> None:
    """A page over the pixel limit fails the file at inspection, not after its other pages were read."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.add_blank_page(page_size=(5000, 5000))
    pdf.save(tmp_path / "mixed.pdf")
    with pytest.raises(LimitExceededError, match="page 2 would be 20833x20833 pixels"):
        ingest.inspect(tmp_path / "mixed.pdf", Limits(), dpi=300)
    assert ingest.inspect(tmp_path / "mixed.pdf", Limits(), dpi=72).pages == 2  # 25 MP at 72 dpi


def test_damaged_tiff_is_an_input_error_not_a_type_error(tmp_path: Path) -> None:
    """Regression (found by the fuzz run): Pillow raises TypeError('Missing dimensions') on a bad TIFF."""
    good = io.BytesIO()
    Image.new("L", (40, 30), 255).save(good, "TIFF")
    data = bytearray(good.getvalue())
    bad = tmp_path / "bad.tif"
    bad.write_bytes(bytes(data[:8]) + bytes(len(data) - 8))  # the header, then no directory
    with pytest.raises(InputFileError, match=r"bad.tif: damaged image"):
        info = ingest.inspect(bad, Limits())
        list(ingest.iter_pages(info, 72, Limits()))


def test_16_bit_grey_scan_is_scaled_not_clipped(tmp_path: Path) -> None:
    """Regression: Pillow's convert("L") clips 16-bit grey to 255: a 16-bit scan came out a white page."""
    grey = np.tile(np.linspace(0, 255, 200).astype(np.uint8), (100, 1))
    Image.fromarray(grey.astype(np.uint16) * 257).save(tmp_path / "scan16.png")
    Image.fromarray(grey.astype(np.uint16) * 257).save(tmp_path / "scan16.tif")
    for name in ("scan16.png", "scan16.tif"):
        info = ingest.inspect(tmp_path / name, Limits())
        (page,) = ingest.iter_pages(info, 300, Limits())
        assert np.array_equal(page.image, grey), name


def test_transparent_image_lies_on_white_paper(tmp_path: Path) -> None:
    """Regression: dropping the alpha channel showed what is under it, here black: a black page."""
    im = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    im.paste((0, 0, 0, 255), (10, 10, 30, 20))  # black ink on transparent paper
    im.save(tmp_path / "ink.png")
    (page,) = ingest.iter_pages(ingest.inspect(tmp_path / "ink.png", Limits()), 300, Limits())
    assert page.image.ndim == 2 and page.image[0, 0] == 255 and page.image[15, 20] == 0
    assert int((page.image == 0).sum()) == 20 * 10


def test_named_pipe_given_as_input_does_not_hang(tmp_path: Path) -> None:
    """Regression: `inspect` opened a FIFO named x.pdf and waited for a writer forever."""
    os.mkfifo(tmp_path / "x.pdf")
    with pytest.raises(InputFileError, match=r"x.pdf: not a regular file \(a pipe, socket or device\)"):
        ingest.inspect(tmp_path / "x.pdf", Limits())
    with pytest.raises(InputFileError, match=r": is a folder, not a file"):
        ingest.inspect(tmp_path, Limits())


@pytest.mark.realdata
@pytest.mark.tesseract
def test_a_page_cleanup_cannot_handle_fails_that_page_only(tmp_path: Path, corrections: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: a crash of the cleanup stage on one page (an all-black page, a one-pixel image) lost
    the whole file; now that page is flagged and the others are read."""
    clean_page = pipeline.cleanup.clean_page

    def crashing(page, settings):
        if page.page == 1:
            raise ValueError("zero-size array to reduction operation minimum which has no identity")
        return clean_page(page, settings)

    monkeypatch.setattr(pipeline.cleanup, "clean_page", crashing)
    summary = pipeline.run([GOOD_2], RunConfig(out_dir=tmp_path / "out", corrections=corrections, workers=1))
    (o,) = summary.outcomes
    assert (o.status, o.pages_read, summary.exit_code) == ("ok", {"failed": [1], "text-layer": [2]}, 4)
    docs = [json.loads(export.agreement_path(tmp_path / "out", a).read_text("utf-8")) for a in o.agreements]
    warnings = [w for d in docs for w in d["warnings"]]
    assert ("targets: page 1: OCR failed: the page could not be cleaned (ValueError: zero-size array to "
            "reduction operation minimum which has no identity)") in warnings
    assert any(d["targets"] for d in docs)  # page 2, read


@pytest.mark.realdata
@pytest.mark.parametrize(("damage", "note"), [
    ((b"trailer", b"trailor"), "damaged PDF: PdfminerException"),  # pdfminer gives up, PDFium rebuilds
    ((b"2 0 obj\r\n<</Type/Pages", b"2 0 obj\r\n<<Type/Pages"), "damaged PDF: 0 pages in its text, 2 drawn"),
])
def test_pdf_that_pdfminer_cannot_parse_is_ocred_not_lost(tmp_path: Path, damage: tuple[bytes, bytes],
                                                          note: str) -> None:
    """Regression (found by the fuzz run): a file PDFium repairs but pdfminer cannot parse failed whole;
    its pages are drawn and OCRed instead (nor are words put on pages pdfminer counts otherwise)."""
    path = tmp_path / "damaged.pdf"
    path.write_bytes(SMALL.read_bytes().replace(*damage))
    info = ingest.inspect(path, Limits(), dpi=72)
    pages = list(ingest.iter_pages(info, 72, Limits()))
    assert [p.page for p in pages] == [1, 2]
    assert all(p.text_layer is None for p in pages)
    assert {p.text_layer_note for p in pages} == {f"ocr: text layer unreadable ({note})"}


@pytest.mark.parametrize("option", ["--max-page-megapixels", "--max-file-mb", "--seconds-per-page"])
@pytest.mark.parametrize("value", ["inf", "nan", "-1"])
def test_limits_must_be_finite_and_positive(tmp_path: Path, option: str, value: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Regression: `inf` crashed every image file (OverflowError) and `nan` switched a limit off."""
    assert cli.main(["run", str(tmp_path / "a.pdf"), "--out", str(tmp_path / "out"), option, value]) == 1
    assert "must be a positive number" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.realdata
@pytest.mark.tesseract
def test_a_library_crash_on_one_file_fails_that_file_only(tmp_path: Path, corrections: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: an exception other than ours while inspecting one input ended the whole run."""
    inspect = ingest.inspect

    def crashing(path, *a, **k):
        if Path(path).name == "crash.pdf":
            raise RuntimeError("a library bug")
        return inspect(path, *a, **k)

    monkeypatch.setattr(ingest, "inspect", crashing)
    shutil.copy(GOOD_2, tmp_path / "crash.pdf")
    summary = pipeline.run([tmp_path / "crash.pdf", GOOD], RunConfig(out_dir=tmp_path / "out",
                                                                     corrections=corrections, workers=1))
    assert [o.status for o in summary.outcomes] == ["failed", "ok"] and summary.exit_code == 2
    assert summary.outcomes[0].error == f"{tmp_path / 'crash.pdf'}: unexpected error: RuntimeError: " \
                                        "a library bug"


def test_an_unexpected_error_is_one_line_without_v(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Regression: an exception that is not a PipelineError printed a traceback and exited 1 (bad usage)."""

    def boom(*a, **k):
        raise KeyError("boom")

    monkeypatch.setattr(pipeline, "run", boom)
    argv = ["run", "a.pdf", "--out", str(tmp_path / "out")]
    assert cli.main(argv) == 15
    err = capsys.readouterr().err
    assert err.strip() == ("ERROR unexpected error: KeyError: 'boom' (a bug: rerun with -v for the "
                           "traceback and report it)")
    assert cli.main([*argv, "-v"]) == 15
    assert "Traceback" in capsys.readouterr().err


# --------------------------------------------------------------------------- limits end to end


@pytest.mark.realdata
@pytest.mark.tesseract
def test_limits_fail_their_file_and_the_batch_goes_on(tmp_path: Path, corrections: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    three = pages_of(LETTER_AND_TABLE, [0, 1, 2], tmp_path / "three pages.pdf")  # 3 pages, < 0.2 MB
    big = tmp_path / "big.pdf"  # 0.3 MB
    shutil.copy(GOOD, big)
    wide = pikepdf.new()
    wide.add_blank_page(page_size=(1000, 1000))  # 4167 x 4167 pixels at 300 dpi: 17 MP
    wide.save(tmp_path / "wide.pdf")
    code = cli.main(["run", str(three), str(big), str(tmp_path / "wide.pdf"), str(GOOD_2),
                     "--out", str(tmp_path / "out"), "--workers", "1", "--corrections", str(corrections),
                     "--max-pages", "2", "--max-file-mb", "0.2", "--max-page-megapixels", "15"])
    err = capsys.readouterr().err
    assert code == 2
    expected = [
        f"{three}: 3 pages is over the limit of 2 (raise it with --max-pages)",
        f"{big}: 0.313 MB is over the limit of 0.2 MB (raise it with --max-file-mb)",
        f"{tmp_path / 'wide.pdf'}: page 1 would be 4166x4166 pixels (17 MP), over the limit of 15 MP "
        "(lower --dpi or raise --max-page-megapixels)",
    ]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))["files"]
    assert [e["error"] for e in manifest] == [*expected, None]
    assert manifest[-1]["status"] == "ok" and manifest[-1]["agreements"] >= 1
    for line in expected:
        assert f"failed: {line}" in err


def test_the_readme_lists_every_limit_with_its_default() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme[readme.index("## Limits"):].split("\n## ", 1)[0]
    row = re.compile(r"^\| ([^|]+) \| ([^|]+) \| `(--[\w-]+)` \|$", re.M)
    rows = {m.group(3): m.group(2) for m in row.finditer(table)}
    limits = Limits()
    assert rows == {
        "--max-pages": str(limits.max_pages),
        "--max-page-megapixels": f"{limits.max_page_megapixels:g} megapixels",
        "--max-file-mb": f"{limits.max_file_mb:g} MB",
        "--seconds-per-page": f"{limits.seconds_per_page:g}",
    }
    options = {a.dest for a in cli._parser()._subparsers._group_actions[0].choices["run"]._actions}
    assert {o[2:].replace("-", "_") for o in rows} <= options


# --------------------------------------------------------------------------- faults


def fake_tesseract(folder: Path, script: str) -> Path:
    """A `tesseract` that runs `script` (sh) first, then the real one with the same arguments."""
    real = shutil.which("tesseract") or "tesseract"
    path = folder / "tesseract"
    path.write_text(f"#!/bin/sh\n{script}\nexec '{real}' \"$@\"\n", "utf-8")
    path.chmod(0o755)
    return path


@pytest.mark.tesseract
def test_missing_tesseract_is_one_clear_error_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(tesseract.ENV_COMMAND, str(tmp_path / "nowhere" / "tesseract"))
    code = cli.main(["run", str(GOOD), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 3
    assert err.strip().splitlines() == [
        f"ERROR tesseract ({tmp_path / 'nowhere' / 'tesseract'}) is not installed or not on PATH; "
        "install it with: apt-get install tesseract-ocr tesseract-ocr-ind"]
    assert not (tmp_path / "out").exists()


@pytest.mark.tesseract
@pytest.mark.parametrize(("script", "says"), [
    ("echo 'error while loading shared libraries: libtesseract.so.5' >&2; exit 127",
     "does not run (error while loading shared libraries: libtesseract.so.5)"),
    ("echo 'this is not tesseract'; exit 0", "does not run (Invalid tesseract version"),
])
def test_tesseract_that_does_not_run_is_a_missing_dependency(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str],
                                                             script: str, says: str) -> None:
    """Regression: a Tesseract that fails on --version (CalledProcessError, or pytesseract's SystemExit
    on an odd version line) ended the run with a traceback."""
    fake = fake_tesseract(tmp_path, f'case "$1" in --version) {script};; esac')
    monkeypatch.setenv(tesseract.ENV_COMMAND, str(fake))
    assert cli.main(["run", str(GOOD), "--out", str(tmp_path / "out")]) == 3
    err = capsys.readouterr().err
    assert f"ERROR tesseract ({fake}) {says}" in err and "Traceback" not in err


def test_tesseract_runs_with_an_argument_list_never_a_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    calls = []

    class Recording:
        def __init__(self, args, **kw):
            calls.append((args, kw))
            raise FileNotFoundError(errno.ENOENT, "not run")

    monkeypatch.setattr(subprocess, "Popen", Recording)
    monkeypatch.setenv(tesseract.SERVER_ENV, "/opt/tess; rm -rf ~")
    with pytest.raises(PipelineError, match="could not start /opt/tess; rm -rf ~"):
        tesseract.read_words(np.full((20, 20), 255, np.uint8), lang="ind", psm=6, timeout=5,
                             whitelist="0123456789%")
    ((args, kw),) = calls
    assert args == ["/opt/tess; rm -rf ~"] and not kw.get("shell")
    wrapper = ROOT / "ocr_pipeline" / "_exec" / "tesseract.py"
    others = "\n".join(p.read_text("utf-8") for p in (ROOT / "ocr_pipeline").rglob("*.py") if p != wrapper)
    assert not re.search(r"shell\s*=\s*True|os\.system|os\.popen|subprocess\.(call|run|Popen)", others)
    assert not re.search(r"shell\s*=|os\.system|os\.popen", wrapper.read_text("utf-8"))


def test_tesseract_command_from_the_environment_and_back(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    default = pytesseract.pytesseract.tesseract_cmd
    monkeypatch.setenv(tesseract.ENV_COMMAND, "/opt/tesseract-5/bin/tesseract")
    assert tesseract.command() == "/opt/tesseract-5/bin/tesseract"
    monkeypatch.delenv(tesseract.ENV_COMMAND)
    assert tesseract.command() == default


@pytest.mark.tesseract
def test_tesseract_crashing_or_timing_out_on_a_page_flags_that_page_only(
        tmp_path: Path, corrections: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Page 1: Tesseract crashes (SIGSEGV); page 2: it hangs past --seconds-per-page; page 3 is read.

    The fake counts the requests that read a whole page (`psm 3`); with one worker the pages
    are read in order. Every temporary file is removed, also those of the failed calls.
    """
    scan = pages_of(SCAN, [0, 2, 1], tmp_path / "letter, signatures, table.pdf")
    fake = fake_server(tmp_path, f"""
        if images and request["psm"] == {OcrSettings().psm}:
            pages = int(open("{tmp_path}/pages").read()) + 1 if os.path.exists("{tmp_path}/pages") else 1
            open("{tmp_path}/pages", "w").write(str(pages))
            if pages == 1:
                print("simulated crash", file=sys.stderr, flush=True)
                os.kill(os.getpid(), signal.SIGSEGV)
            if pages == 2:
                time.sleep(60)""")
    monkeypatch.setenv(tesseract.SERVER_ENV, str(fake))
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    out = tmp_path / "out"
    config = RunConfig(out_dir=out, corrections=corrections, workers=1, limits=Limits(seconds_per_page=4))
    summary = pipeline.run([scan], config)

    assert summary.exit_code == 4  # written and flagged, but pages unread
    (o,) = summary.outcomes
    assert o.status == "ok" and o.pages_read == {"failed": [1, 2], "ocr": [3]}
    (doc,) = [json.loads(export.agreement_path(out, a).read_text("utf-8")) for a in o.agreements]
    assert "targets: page 1: OCR failed: tesseract failed (exit -11): simulated crash" in doc["warnings"]
    assert "targets: page 2: OCR failed: tesseract took longer than 4 s" in doc["warnings"]
    assert "targets" in doc["needs_review"] and len(doc["targets"]) >= 5  # the table, read
    entry = json.loads((out / "manifest.json").read_text("utf-8"))["files"][0]
    assert entry["warnings"] == ["pages 1, 2 could not be read (see the agreement's warnings); a rerun tries "
                                 "again"]
    ledger = Ledger(out / pipeline.LEDGER_FILE)
    try:
        key = config.result_key(tesseract.version())
        assert ledger.done(o.sha256, key, pipeline.pipeline_version()) is None  # a rerun tries again
    finally:
        ledger.close()
    assert list(temp.iterdir()) == []  # no ocrp_*.bmp, no tess_* left behind
    assert not list(out.rglob("*.tmp")) and not (out / pipeline.WORK_DIR).exists()


@pytest.mark.tesseract
def test_worker_processes_run_the_tesseract_of_the_environment(tmp_path: Path, corrections: Path) -> None:
    """OCR_PIPELINE_TESSERACT_SERVER reaches the worker processes: a fake that fails every read."""
    import subprocess
    import sys

    fake = fake_server(tmp_path, """
        if images:
            print("fake engine", file=sys.stderr)
            sys.exit(3)""")
    scan = pages_of(SCAN, [1, 2], tmp_path / "two.pdf")
    out = tmp_path / "out"
    env = {**os.environ, tesseract.SERVER_ENV: str(fake)}
    proc = subprocess.run([sys.executable, "-m", "ocr_pipeline", "run", str(scan), "--out", str(out),
                           "--workers", "2", "--corrections", str(corrections), "-q"],
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 4, proc.stderr
    (entry,) = json.loads((out / "manifest.json").read_text("utf-8"))["files"]
    assert entry["pages_read"] == {"failed": [1, 2]}
    (doc,) = [json.loads(export.agreement_path(out, a).read_text("utf-8")) for a in entry["agreement_ids"]]
    assert "targets: page 1: OCR failed: tesseract failed (exit 3): fake engine" in doc["warnings"]


def _enospc_for(names: tuple[str, ...]):
    """An `os.fsync` that fails as a full disk does, for the temporary files of `names`."""
    real = os.fsync

    def fsync(fd: int) -> None:
        target = os.readlink(f"/proc/self/fd/{fd}")
        if any(Path(target).name.startswith(f".{n}.") for n in names) or \
                any(f"/{n}/" in target for n in names):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    return fsync


@pytest.mark.realdata
@pytest.mark.tesseract
def test_full_disk_while_writing_agreements_leaves_nothing_half_written(
        tmp_path: Path, corrections: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    argv = ["run", str(GOOD), "--out", str(out), "--workers", "1", "--corrections", str(corrections)]
    with monkeypatch.context() as m:
        m.setattr(export.os, "fsync", _enospc_for(("agreements", "targets.csv")))
        assert cli.main(argv) == 6  # the output folder cannot be written
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert re.search(rf"ERROR {re.escape(str(GOOD))}: cannot write {re.escape(str(out))}/agreements/"
                     r"pk-[0-9a-f]{12}-01\.json: No space left on device", err)
    assert f"ERROR cannot write {out / 'targets.csv'}: No space left on device" in err
    assert not list(out.rglob("*.tmp")) and not list(out.rglob("*.json"))
    assert not (out / pipeline.WORK_DIR).exists()  # scratch removed, also on failure
    # space again: the rerun does it all (nothing was recorded as done)
    assert cli.main([*argv, "-q"]) == 0
    (entry,) = json.loads((out / "manifest.json").read_text("utf-8"))["files"]
    assert entry["status"] == "ok" and export.agreement_path(out, entry["agreement_ids"][0]).exists()


@pytest.mark.realdata
@pytest.mark.tesseract
def test_full_disk_while_writing_the_manifest_keeps_the_old_one(
        tmp_path: Path, corrections: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    argv = ["run", str(GOOD), "--out", str(out), "--workers", "1", "--corrections", str(corrections), "-q"]
    assert cli.main(argv) == 0
    before = (out / "manifest.json").read_bytes()
    with monkeypatch.context() as m:
        m.setattr(export.os, "fsync", _enospc_for(("manifest.json",)))
        assert cli.main([*argv, "--force"]) == 6
    assert f"cannot write {out / 'manifest.json'}: No space left on device" in capsys.readouterr().err
    assert (out / "manifest.json").read_bytes() == before and not list(out.rglob("*.tmp"))


# --------------------------------------------------------------------------- fuzzing ingest


def _mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    kind = rng.choice(["bytes", "chunk", "truncate", "delete", "repeat"])
    if kind == "bytes":
        for _ in range(rng.randint(1, 40)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif kind == "chunk":
        i, n = rng.randrange(len(b)), rng.randint(1, 1000)
        b[i: i + n] = rng.randbytes(n)
    elif kind == "truncate":
        del b[rng.randrange(len(b)):]
    elif kind == "delete":
        i = rng.randrange(len(b))
        del b[i: i + rng.randint(1, 300)]
    else:
        i, j = rng.randrange(len(b)), rng.randrange(len(b))
        b[i:i] = b[j: j + rng.randint(1, 300)]
    return bytes(b)


def _ingest_case(path: str, conn) -> None:
    """In a child process: inspect and read every page of `path`; what happened, sent back."""
    try:
        info = ingest.inspect(Path(path), Limits(), dpi=50)
        n = sum(1 for _ in ingest.iter_pages(info, 50, Limits()))
        conn.send(("pages", n))
    except InputFileError as exc:
        conn.send(("input error", str(exc)))
    except BaseException:  # noqa: BLE001 - the finding
        conn.send(("crash", traceback.format_exc()))


SECONDS_PER_CASE = 20.0  # a case normally takes well under a second


def _fuzz_inputs(tmp_path: Path) -> list[Path]:
    """50 mutations of a small real PDF, and 8 of each image type."""
    seeds = {"pdf": SMALL.read_bytes()}
    for fmt, ext, kw in (("PNG", "png", {}), ("JPEG", "jpg", {}),
                         ("TIFF", "tif", {"save_all": True, "append_images": [Image.new("L", (60, 40), 0)],
                                          "compression": "tiff_deflate"})):
        buf = io.BytesIO()
        Image.effect_noise((80, 60), 60).save(buf, fmt, **kw)
        seeds[ext] = buf.getvalue()
    paths = []
    for ext, data in seeds.items():
        for k in range(50 if ext == "pdf" else 8):
            p = tmp_path / f"{ext}-{k:02d}.{ext}"
            p.write_bytes(_mutate(data, random.Random(f"{ext}-{k}")))
            paths.append(p)
    return paths


@pytest.mark.realdata
def test_fuzzed_inputs_give_pages_or_an_input_error(tmp_path: Path) -> None:
    """Each mutated file, in a process of its own with a deadline: pages, or an InputFileError;
    never another exception, never a hang."""
    ctx = multiprocessing.get_context("fork")
    findings = []
    outcomes = {"pages": 0, "input error": 0}
    for path in _fuzz_inputs(tmp_path):
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_ingest_case, args=(str(path), child))
        proc.start()
        child.close()
        if parent.poll(SECONDS_PER_CASE):
            kind, detail = parent.recv()
        else:
            kind, detail = "hang", f"no answer in {SECONDS_PER_CASE:g} s"
        proc.kill()
        proc.join()
        if kind in outcomes:
            outcomes[kind] += 1
        else:
            findings.append(f"{path.name}: {kind}: {detail}")
    assert not findings, "\n".join(findings)
    assert outcomes["pages"] > 0 and outcomes["input error"] > 0  # both ways were exercised


def test_all_black_page_and_one_pixel_image_are_cleaned_not_crashed() -> None:
    """Regression: estimate_skew failed on a page with no edges, _scale_to on a 1-pixel image."""
    import numpy as np

    from ocr_pipeline.records import PageImage
    from ocr_pipeline.stages.cleanup import clean_page

    for img in (np.zeros((660, 510), np.uint8), np.full((1, 1), 255, np.uint8)):
        clean = clean_page(PageImage("x.png", 1, 60, img))
        assert clean.skew == 0.0 and clean.rotation == 0
