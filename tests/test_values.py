"""Parsers of targets, Rupiah amounts, dates, enumerators, names and headings: examples and properties."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocr_pipeline.errors import PipelineError
from ocr_pipeline.records import Cell, OcrPage, Rule, Table, Word
from ocr_pipeline.stages import correct, documents, rows, values
from ocr_pipeline.stages.values import (
    find_amount,
    fix_digits,
    parse_date,
    parse_number,
    parse_rupiah,
    parse_target,
    split_enumerator,
)


@pytest.mark.parametrize(
    ("raw", "value", "unit"),
    [
        ("100 %", 100, "%"),
        ("100%", 100, "%"),
        ("4 Kegiatan", 4, "kegiatan"),
        ("10 Lembaga/ Instansi", 10, "lembaga/instansi"),
        ("92", 92, None),
        ("84,84%", 84.84, "%"),
        ("170.000 SBM", 170000, "sbm"),
        ("50.00 Orang", 50, "orang"),
        ("70.00 persen", 70, "%"),
        ("12.285.690", 12285690, None),
        ("36,6", 36.6, None),
        ("500 ribu org", 500000, "org"),
        ("140 Kelompok (1400 orang)", 140, "kelompok"),
    ],
)
def test_targets_as_printed(raw: str, value: float, unit: str | None) -> None:
    got = parse_target(raw)
    assert got.value == pytest.approx(value)
    assert got.unit == unit


def test_a_target_naming_several_quantities_has_no_single_value() -> None:
    got = parse_target("8 Jenis dan 5 Dokumen")
    assert got.value is None and "several" in got.note


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("Rp 4.105.373.000,-", 4105373000),
        ("Rp. 18.972.674.100,-", 18972674100),
        ("1.273.000.000,00", 1273000000),
        ("Rp45.400.000,00", 45400000),
        ("Rp 21.057.000.-", 21057000),
        ("Rp 4.105.373.000,.-", 4105373000),
    ],
)
def test_rupiah(raw: str, amount: int) -> None:
    assert parse_rupiah(raw) == amount


def test_an_amount_in_a_budget_line_is_found_but_a_row_number_is_not() -> None:
    got = find_amount("2. Program Dukungan Manajemen Rp 4.105.373.000,- APBD")
    assert got is not None and got[0] == 4105373000
    assert find_amount("2. Program Dukungan Manajemen 2026") is None


def test_an_amount_whose_first_point_ocr_lost_after_rp() -> None:
    line = "1. Penyediaan Jasa Administrasi Perkantoran Rp. 7 110.097.000,"
    amount, start, _ = find_amount(line)
    assert amount == 7110097000 and line[start:].startswith("Rp. 7")
    assert parse_rupiah("Rp. 7 110.097.000,") == 7110097000
    assert values.rupiah_grouping_ok("Rp. 7 110.097.000,")
    # without 'Rp' a number before an amount may be the name's own ('Tahap 2')
    assert find_amount("Kegiatan Tahap 2 110.097.000")[0] == 110097000


@pytest.mark.parametrize(
    ("raw", "iso", "kept"),
    [
        ("15 Januari 2026", "2026-01-15", "15 Januari 2026"),
        ("15 Janvari 2026", "2026-01-15", "15 Janvari 2026"),
        ("22 April 2016", "2016-04-22", "22 April 2016"),
        ("Januari 2016", None, "Januari 2016"),
        ("............... 2016", None, "2016"),
    ],
)
def test_dates(raw: str, iso: str | None, kept: str) -> None:
    got = parse_date(raw)
    assert got.iso == iso
    assert got.raw == kept


@pytest.mark.parametrize(
    ("text", "enum", "body"),
    [
        ("A. Program X", "A.", "Program X"),
        ("1. Pengelolaan Keuangan", "1.", "Pengelolaan Keuangan"),
        ("- Program Dukungan", "-", "Program Dukungan"),
        ("1.1. Jumlah produksi", "1.1.", "Jumlah produksi"),
        ("a.Ratio kematian ibu", "a.", "Ratio kematian ibu"),
        ("Persentase Pegawai", "", "Persentase Pegawai"),
        ("Dr.H. Dedi", "", "Dr.H. Dedi"),
        ("«Sapi potong", "«", "Sapi potong"),  # a bullet OCR read as « or “, glued to its item
        ("“Telur", "“", "Telur"),
        (". Sapi potong", ".", "Sapi potong"),  # a small bullet read as a period or a comma
        (", Kerbau", ",", "Kerbau"),
        ("-. Telur", "-.", "Telur"),  # a dash with a speck after it
        ("~ Avian Influenza", "~", "Avian Influenza"),  # a dash read as a tilde
        ("oKe", "", "oKe"),
        ("Ll. Persentase arsip", "Ll.", "Persentase arsip"),  # "1." read "Ll."
        ("ll Jumlah", "", "ll Jumlah"),
    ],
)
def test_enumerators(text: str, enum: str, body: str) -> None:
    assert split_enumerator(text) == (enum, body)


def test_digit_confusions_are_undone_only_inside_numbers() -> None:
    assert fix_digits("1O0%") == "100%"
    assert fix_digits("Kegiatan") == "Kegiatan"


# --------------------------------------------------------------------------- properties


@given(st.integers(min_value=0, max_value=10**13))
def test_rupiah_round_trip(n: int) -> None:
    printed = "Rp " + f"{n:,}".replace(",", ".") + ",-"
    assert parse_rupiah(printed) == n


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["%", " %", " kegiatan", " orang", ""]))
def test_target_round_trip(n: int, unit: str) -> None:
    printed = f"{n:,}".replace(",", ".") + unit
    got = parse_target(printed)
    assert got.value == n
    expected = {"%": "%", " %": "%", "": None}.get(unit, unit.strip())
    assert got.unit == expected


@given(st.integers(1, 28), st.integers(1, 12), st.integers(1990, 2099))
def test_date_round_trip(day: int, month: int, year: int) -> None:
    names = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
             "Oktober", "November", "Desember"]
    assert parse_date(f"{day} {names[month - 1]} {year}").iso == f"{year:04d}-{month:02d}-{day:02d}"


def test_a_table_whose_header_names_neither_goal_nor_indicator_continues_the_one_before() -> None:
    edges = (0.0, 100.0, 700.0, 1500.0, 1900.0)
    table = Table(1, (0.0, 0.0, 1900.0, 100.0), 2, 4, (), edges, (0.0, 50.0, 100.0))
    first = rows.Columns(("no", "goal", "indicator", "target"))
    page = OcrPage("x.pdf", 1, 300, 2480, 3508, ())

    def resolved(cols, before=first):
        views = [documents.PageView(page, (), ((table, before, 1),)),
                 documents.PageView(replace(page, page=2), (), ((replace(table, page=2), cols, 1),))]
        return [c.roles for _, c, _ in documents.resolved_tables(views)]

    # a faded page's header read 'No | ee Be or | si a A enda | Target': the table before's columns
    assert resolved(rows.Columns(("no", None, None, "target")))[1] == first.roles
    # a header that says otherwise (a budget table) is its own
    budget = rows.Columns(("no", "name", "amount", "note"))
    assert resolved(budget)[1] == budget.roles
    # after a budget list, a table whose header names only its No is none of the budget's
    assert resolved(rows.Columns(("no", None, None, None)), budget)[1] == ("no", None, None, None)


@given(st.text())
def test_parsers_never_raise(text: str) -> None:
    parse_target(text)
    parse_rupiah(text)
    find_amount(text)
    parse_date(text)
    parse_number(text)
    split_enumerator(text)
    fix_digits(text)


# --------------------------------------------------------------------------- more properties (issue 8)
# Round trips of what agreements print, and: no parser raises on any text (but the project's own errors).

MONTH_NAMES = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
               "Oktober", "November", "Desember"]
_CAPITALISED = st.from_regex(r"[A-Z][a-z]{2,9}", fullmatch=True)
_UPPER = st.from_regex(r"[A-Z]{2,10}", fullmatch=True).filter(
    lambda w: w.lower() not in {"nama", "jabatan", "pihak", "selaku", "selanjutnya", "dalam", "yang", "nip"})


def _grouped(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@given(st.integers(0, 10**6), st.integers(0, 99), st.sampled_from(["%", " %", " persen", ""]))
def test_decimal_target_round_trip(whole: int, cents: int, unit: str) -> None:
    got = parse_target(f"{_grouped(whole)},{cents:02d}{unit}")
    assert got.value == pytest.approx(whole + cents / 100)
    assert got.unit == ("%" if unit.strip() else None)


@given(st.integers(1, 999), st.sampled_from([("ribu", 10**3), ("juta", 10**6), ("miliar", 10**9)]),
       st.sampled_from(["", " orang", " kegiatan"]))
def test_target_with_a_multiplier_round_trip(n: int, mult: tuple[str, int], unit: str) -> None:
    got = parse_target(f"{n} {mult[0]}{unit}")
    assert got.value == n * mult[1]
    assert got.unit == (unit.strip() or None)


@given(st.integers(1000, 10**13), st.sampled_from(["Rp ", "Rp. ", "Rp", "RP. ", ""]),
       st.sampled_from([",-", ",00", ".-", "", ",.-"]))
def test_rupiah_as_printed_round_trip(n: int, prefix: str, suffix: str) -> None:
    printed = prefix + _grouped(n) + suffix
    assert parse_rupiah(printed) == n
    assert values.rupiah_grouping_ok(printed)


@given(st.integers(1000, 10**12), _CAPITALISED, _CAPITALISED)
def test_an_amount_is_found_in_its_budget_line(n: int, before: str, after: str) -> None:
    line = f"1. Program {before} Rp {_grouped(n)},- {after}"
    got = find_amount(line)
    assert got is not None and got[0] == n
    assert _grouped(n) in line[got[1]:got[2]]


@given(st.integers(1, 28), st.integers(1, 12), st.integers(1990, 2099),
       st.sampled_from(["", "Bandung, ", "Samarinda,  "]), st.sampled_from(["", ".", " "]))
def test_date_after_a_place_round_trip(day: int, month: int, year: int, place: str, end: str) -> None:
    got = parse_date(f"{place}{day} {MONTH_NAMES[month - 1]} {year}{end}")
    assert got.iso == f"{year:04d}-{month:02d}-{day:02d}" and got.year == year


@given(st.integers(1, 28), st.sampled_from([m for m in MONTH_NAMES if len(m) >= 6]), st.data())
def test_a_month_misread_by_one_letter_is_still_read(day: int, month: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(month) - 1))
    misread = month[:i] + data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz")) + month[i + 1:]
    got = parse_date(f"{day} {misread} 2016")
    assert got.iso == f"2016-{MONTH_NAMES.index(month) + 1:02d}-{day:02d}"


_NAMES = st.builds(lambda title, words, degree: title + " ".join(words) + degree,
                   st.sampled_from(["", "Dr. ", "Ir. ", "H. ", "Drs. H. "]),
                   st.lists(_UPPER, min_size=1, max_size=4),
                   st.sampled_from(["", ", M.Si", ", S.H., M.H", ", MM"]))


@given(_NAMES, st.sampled_from(["", ": ", " : ", ":", "; "]), st.sampled_from(["", " ", ",", ";", " -", "*", " ."]))
def test_a_name_is_kept_without_the_label_marks_around_it(name: str, before: str, after: str) -> None:
    assert documents.clean_name(before + name + after) == name


def test_marks_of_a_stamp_or_signature_around_a_name_are_not_of_it() -> None:
    assert documents.clean_name("© Yusuf Maulana") == "Yusuf Maulana"
    assert documents.clean_name("#EKA WULANDARI") == "EKA WULANDARI"
    assert documents.clean_name("2 IR. PUJI ASTUTI") == "IR. PUJI ASTUTI"
    assert documents.clean_name("=: Ketua KPU Kota Tarakan") == "Ketua KPU Kota Tarakan"
    assert documents.clean_name("Syamsul Bahri)") == "Syamsul Bahri"
    assert documents.clean_name("Kepala Dinas (Plt.)") == "Kepala Dinas (Plt.)"
    assert documents.clean_name("Benny Tambunan.") == "Benny Tambunan"
    for degree in ("Ir. Budi Santoso, M.Si.", "BUDI SANTOSO, SH.", "Budi Santoso, S.Sos."):
        assert documents.clean_name(degree) == degree


@given(st.text())
def test_clean_name_is_idempotent(text: str) -> None:
    once = documents.clean_name(text)
    assert documents.clean_name(once) == once


def _letter_page(lines: list[str], dpi: int = 300, page: int = 1) -> OcrPage:
    """A page whose words are `lines`, one under the other, as a text layer gives them;
    ' | ' in a line starts its right-hand column."""
    words = []
    for n, line in enumerate(lines):
        top = 300.0 + n * 60
        for col, part in enumerate(line.split(" | ")):
            x = 300.0 + 1100.0 * col
            for text in part.split(" "):
                words.append(Word(text, 0.95, (x, top, x + 22.0 * len(text), top + 40), line=n + 1))
                x += 22.0 * len(text) + 20
    return OcrPage("synthetic.pdf", page, dpi, 2480, 3508, tuple(words), method="text-layer")


_POSITIONS = st.builds(" ".join, st.lists(_CAPITALISED, min_size=1, max_size=5))


@given(_NAMES, _POSITIONS, _NAMES, _POSITIONS)
def test_parties_of_a_letter_round_trip(name1: str, pos1: str, name2: str, pos2: str) -> None:
    page = _letter_page(["PERJANJIAN KINERJA TAHUN 2016", "Yang bertanda tangan di bawah ini:",
                         f"Nama : {name1}", f"Jabatan : {pos1}", "Selanjutnya disebut pihak pertama",
                         f"Nama : {name2}", f"Jabatan : {pos2}",
                         "Selaku atasan pihak pertama, selanjutnya disebut pihak kedua"])
    got = documents.parse_parties(documents.view_page(page))
    assert [(n.text, p.text) for n, p in got] == [(name1, pos1), (name2, pos2)]


def test_a_position_under_a_misread_or_lost_label_is_still_the_position() -> None:
    page = _letter_page(["PERJANJIAN KINERJA TAHUN 2016", "Yang bertanda tangan di bawah ini:",
                         "Nama : DODI FIRMANSYAH", "Janaian : KEPALA DINAS PEMUDA DAN OLAHRAGA PROVINSI JAWA",
                         "Selanjutnya disebut PIHAK KESATU"])
    got = documents.parse_parties(documents.view_page(page))
    assert [(n.text, p.text) for n, p in got] == [
        ("DODI FIRMANSYAH", "KEPALA DINAS PEMUDA DAN OLAHRAGA PROVINSI JAWA")]
    # 'Nama' with its 'm' read as two letters, 'Jabatan' in small letters, its colon lost
    page = _letter_page(["Nania : Petrus Kalato", "jabatan Sekretaris KPU Kabupaten Penajam Paser Utara",
                         "Selanjutnya disebut PIHAK KESATU"])
    got = documents.parse_parties(documents.view_page(page))
    assert [(n.text, p.text) for n, p in got] == [
        ("Petrus Kalato", "Sekretaris KPU Kabupaten Penajam Paser Utara")]
    page = _letter_page(["Nama J : Oktaviani Rumbiak", "Jabatan : Sekretaris KPU Kota Tarakan"])  # a speck
    assert [n.text for n, _ in documents.parse_parties(documents.view_page(page))] == ["Oktaviani Rumbiak"]
    # a speck of the page's border before the label, read as a letter
    page = _letter_page(["Nama : Oktaviani Rumbiak", "E Jabatan: Sekretaris KPU Kota Tarakan"])
    assert [p.text for _, p in documents.parse_parties(documents.view_page(page))] == [
        "Sekretaris KPU Kota Tarakan"]
    # the label read in two pieces
    page = _letter_page(["Nama : Dewi Anggraini", "Jabs an : Kasubbag Perencanaan, Data dan Informasi",
                         "Selanjutnya disebut PIHAK KESATU"])
    assert [p.text for _, p in documents.parse_parties(documents.view_page(page))] == [
        "Kasubbag Perencanaan, Data dan Informasi"]
    # a word like the label but not before a colon is no label
    page = _letter_page(["Nama : DODI FIRMANSYAH", "Janaian KEPALA DINAS",
                         "Selanjutnya disebut PIHAK KESATU"])
    assert [p.text for _, p in documents.parse_parties(documents.view_page(page))] == [""]
    # the label lost, its value is the line under the name that starts where the name does
    page = _letter_page(["Nama : Fajar Nugroho, S.H., M.H.", "Jabatan : Kepala Dinas Peternakan"])
    lost = replace(page, words=tuple(w for w in page.words if w.text not in ("Jabatan", ":") or w.line == 1))
    got = documents.parse_parties(documents.view_page(lost))
    assert [p.text for _, p in got] == ["Kepala Dinas Peternakan"]


def test_a_colon_read_into_the_name_after_it_is_dropped() -> None:
    page = _letter_page(["Nama : DODI FIRMANSYAH", "Jabatan : KEPALA DINAS", "Nama : LIR. WULAN SARI",
                         "Jabatan : GUBERNUR JAWA BARAT", "Nama : LILIS SURYANI"])
    tabbed = []  # labels, then colons at a tab stop (x = 680), then values (x = 700 on)
    for n in {w.line for w in page.words}:
        label, colon, *value = sorted((w for w in page.words if w.line == n), key=lambda w: w.bbox[0])
        shift = 700 - value[0].bbox[0]
        value = [replace(w, bbox=(w.bbox[0] + shift, w.bbox[1], w.bbox[2] + shift, w.bbox[3])) for w in value]
        if value[0].text == "LIR.":  # the colon read into the name: no colon, the name starts at the colon
            colon, value[0] = None, replace(value[0], bbox=(680.0, *value[0].bbox[1:]))
        if value[0].text == "LILIS":  # the colon lost: the name starts where names do
            colon = None
        colons = [replace(colon, bbox=(680.0, colon.bbox[1], 684.0, colon.bbox[3]))] if colon else []
        tabbed += [label, *colons, *value]
    got = documents.parse_parties(documents.view_page(replace(page, words=tuple(tabbed))))
    assert [n.text for n, _ in got] == ["DODI FIRMANSYAH", "IR. WULAN SARI", "LILIS SURYANI"]


def test_a_place_over_the_signatures_whose_date_is_lost_or_read_in_part_is_the_place() -> None:
    def place_date(line: str):
        page = _letter_page(["PERJANJIAN KINERJA TAHUN 2017", line, "PIHAK KEDUA, | PIHAK KESATU,",
                             "HJ. RATNA SARI | DRS. DAENG MAREWA"])
        got = documents.parse_place_date(documents.view_page(page))
        return got and (got[0].text, got[1] and (got[1].iso, got[1].raw, got[1].year))

    assert place_date("Bandung, 23 Januari 2017") == ("Bandung", ("2017-01-23", "23 Januari 2017", 2017))
    assert place_date("Bandung,") == ("Bandung", None)
    assert place_date("Tanjung Redeb Januari 201") == ("Tanjung Redeb", (None, "Januari 201", None))
    # the dots of its blank day and month dropped with the comma: a year alone
    assert place_date("Bandung 2017") == ("Bandung", (None, "2017", 2017))
    assert place_date("Dalam rangka") is None  # no month: no place
    assert place_date("Mengetahui,") is None
    page = _letter_page(["Bandung Januari 201", "PIHAK KEDUA, | PIHAK KESATL"])  # a label misread
    assert documents.parse_place_date(documents.view_page(page))[0].text == "Bandung"
    # the letter's text is not the labels
    page = _letter_page(["Jabatan : KEPALA DINAS PROVINSI JAWA", "BARAT",
                         "Selaku atasan PIHAK KESATU, selanjutnya disebut PIHAK KEDUA"])
    assert documents.parse_place_date(documents.view_page(page)) is None
    doc = correct.finalize(replace(documents.draft_agreement([documents.view_page(_letter_page([
        "PERJANJIAN KINERJA TAHUN 2017", "Bandung Januari 201", "PIHAK KEDUA, | PIHAK KESATU,"]))])),
        agreement_id="x-01", file="x.pdf", sha256="0" * 64).to_json()
    assert doc["signed_place"] == "Bandung" and doc["signed_date"] is None
    assert "signed_date" in doc["needs_review"]
    # a closing page that prints place and date whole wins over the letter's place alone
    letter = _letter_page(["PERJANJIAN KINERJA TAHUN 2017", "Nama : Zainal Arifin", "Jabatan : Kepala Bidang",
                           "Selanjutnya disebut pihak pertama", "Nama : Ratna Sari", "Jabatan : Kepala Dinas",
                           "Selaku atasan pihak pertama, selanjutnya disebut pihak kedua",
                           "Bandung Januari 201", "PIHAK KEDUA, | PIHAK KESATU,"])
    closing = _letter_page(["Bandung, 23 Januari 2017", "PIHAK KEDUA, | PIHAK KESATU,"], page=3)
    d = documents.draft_agreement([documents.view_page(letter), documents.view_page(closing)])
    assert d.place.text == "Bandung" and d.date.iso == "2017-01-23"


def test_the_year_is_the_one_two_of_title_table_and_date_give() -> None:
    def year(date: str) -> int | None:
        letter = _letter_page(["PERJANJIAN KINERJA TAHUN 2026", "Nama : Reza Pahlevi",
                               "Jabatan : Kasubbag Umum", "Selanjutnya disebut pihak pertama", date])
        grid = _grid(1400.0, [HEADER, ["1", "Meningkatnya layanan", "Persentase layanan", "90%"]])
        table = replace(_table_page([grid], loose=["Tahun Anggaran : 2025"]), page=2)
        return documents.draft_agreement([documents.view_page(letter), documents.view_page(table)]).year

    assert year("Tanjung Redeb, 16 Maret 2026") == 2026  # the table's 2025 is the misread one
    assert year("Tanjung Redeb, 16 Maret 2025") == 2025  # the title's may be
    assert year("Tanjung Redeb") == 2025  # no date: the table's, and finalize flags both


def test_every_printing_of_a_name_under_a_signature_is_kept_beside_the_name_taken() -> None:
    letter = _letter_page(["PERJANJIAN KINERJA TAHUN 2026", "Yang bertanda tangan di bawah ini:",
                           "Nama : Usman Etfendi", "Jabatan : Kasubbag Umum",
                           "Selanjutnya disebut pihak pertama",
                           "Nama : Ani Rahmawati", "Jabatan : Sekretaris",
                           "Selaku atasan pihak pertama, selanjutnya disebut pihak kedua",
                           "Samarinda, 12 Januari 2026", "PIHAK KEDUA | PIHAK PERTAMA",
                           "Sekretaris | Kasubbag Umum", "ANI RAHMAWATI | USMAN EFFENDI",
                           "NIP. 19700101 199001 2 001 | NIP. 19800101 200001 1 002"])
    closing = _letter_page(["Samarinda, 12 Januari 2026", "Pihak Kedua | Pihak Pertama",
                            "Sekretaris | Kasubbag Umum", "Ani Rahmawati | Usman Effendi",
                            "NIP. 19700101 199001 2 001 | NIP. 19800101 200001 1 002"], page=3)
    d = documents.draft_agreement([documents.view_page(letter), documents.view_page(closing)])
    assert d.first_name is not None and d.first_name.text == "Usman Etfendi"  # the letter's 'Nama :' line
    assert [(b.text, b.page) for b in d.first_signed] == [("USMAN EFFENDI", 1), ("Usman Effendi", 3)]
    assert [b.text for b in d.second_signed] == ["ANI RAHMAWATI", "Ani Rahmawati"]
    # with no 'Nama :' lines the last block names the parties, and is no second printing of itself
    d = documents.draft_agreement([documents.view_page(closing)])
    assert d.first_name is not None and d.first_name.text == "Usman Effendi" and d.first_signed == ()


def test_a_mark_under_a_name_in_the_signatures_is_not_the_name() -> None:
    closing = _letter_page(["Bandung, 12 Januari 2017", "GUBERNUR, | Kepala Dinas,",
                            "AHMAD HERYAWAN | YUDHA MUNAJAT SAPUTRA", "Ed."], page=3)
    (first, second), = documents.signature_blocks([documents.view_page(closing)])
    assert (first[0].text, first[1].text) == ("YUDHA MUNAJAT SAPUTRA", "Kepala Dinas")
    assert (second[0].text, second[1].text) == ("AHMAD HERYAWAN", "GUBERNUR")
    # and a name that is only such a mark is flagged
    assert correct.odd_in_name("Ed.") and correct.odd_in_name("J") and not correct.odd_in_name("Ani")
    # or whose last degree is cut short ('M. Ed.' wrapped to the next line)
    assert correct.odd_in_name("Prof. Dr. H. YUDHA MUNAJAT SAPUTRA, M.")
    assert not correct.odd_in_name("Dra. Hj. NURDIALIS M, M.Si")
    assert not correct.odd_in_name("Agus Setiawan, S.E., M.M.")
    # a title before the name without its period: lost to OCR, or so printed
    assert correct.odd_in_name("Ir Laode Muhammad Salim, M.M.") and correct.odd_in_name("Drs H. Asep")
    assert not correct.odd_in_name("Ir. Laode Muhammad Salim, M.M.") and not correct.odd_in_name("Hidayat")


def test_the_one_party_a_letter_names_is_put_where_the_signatures_place_it() -> None:
    closing = _letter_page(["Samarinda, 12 Januari 2026", "Pihak Kedua | Pihak Pertama",
                            "Sekretaris | Kasubbag Umum", "Dedi Kurniawan | Usman Effendi",
                            "NIP. 19700101 199001 2 001 | NIP. 19800101 200001 1 002"], page=3)

    def draft(named: str, position: str, *pages):
        letter = _letter_page(["PERJANJIAN KINERJA TAHUN 2026", f"Nama : {named}", f"Jabatan : {position}",
                               "Selaku atasan pihak pertama, selanjutnya disebut pihak kedua"])
        return documents.draft_agreement([documents.view_page(p) for p in (letter, *pages)])

    d = draft("Dedi Kumiawan", "Sekretaris KPU Kota Samarinda", closing)  # the first party's lines lost
    assert (d.first_name.text, d.first_position.text) == ("Usman Effendi", "Kasubbag Umum")
    assert (d.second_name.text, d.second_position.text) == ("Dedi Kumiawan", "Sekretaris KPU Kota Samarinda")
    d = draft("Usman Etfendi", "Kasubbag Umum", closing)  # the second's lost
    assert d.first_name.text == "Usman Etfendi" and d.second_name.text == "Dedi Kurniawan"
    assert not any(w.startswith("first_party: ") for w in d.warnings)
    # no signature says who the one party is: both its fields are flagged
    doc = correct.finalize(draft("Dedi Kumiawan", "Sekretaris"), agreement_id="x-01", file="x.pdf",
                           sha256="0" * 64).to_json()
    assert {"first_party.name", "first_party.position"} <= set(doc["needs_review"])


def test_a_header_read_from_one_cell_across_the_table_gives_the_columns_and_skips_the_row() -> None:
    edges = (0.0, 100.0, 700.0, 1500.0, 1900.0)
    heads = [("No", 20.0), ("Sasaran", 200.0), ("Strategis", 350.0), ("Indikator", 800.0),
             ("Kinerja", 1000.0), ("Target", 1600.0)]
    words = tuple(Word(t, 0.9, (x, 10.0, x + 120, 40.0)) for t, x in heads)
    row = [Cell(1, k, (edges[k], 50.0, edges[k + 1], 100.0),
                (Word(t, 0.9, (edges[k] + 10, 60.0, edges[k] + 90, 90.0)),))
           for k, t in enumerate(["1.", "Meningkatnya", "Persentase", "90%"])]
    cells = (Cell(0, 0, (0.0, 0.0, 1900.0, 50.0), words, col_span=4), *row)
    table = Table(1, (0.0, 0.0, 1900.0, 100.0), 2, 4, cells, edges, (0.0, 50.0, 100.0))
    cols, skip = rows.header_columns(table)
    assert cols is not None and skip == 1


def test_header_cells_run_into_the_first_row_give_their_columns_and_the_row() -> None:
    # the rule under the header found over the goal column only: No, Indikator Kinerja
    # and Target are cells over the header and the first data row, the goal's is not
    edges = (0.0, 100.0, 700.0, 1500.0, 1900.0)
    rows_at = (0.0, 50.0, 150.0, 250.0)

    def word(t, x, y):
        return Word(t, 0.9, (x, y, x + 80.0, y + 30.0))

    cells = (
        Cell(0, 0, (0.0, 0.0, 100.0, 150.0), (word("No", 10.0, 10.0), word("1.", 10.0, 60.0)), row_span=2),
        Cell(0, 1, (100.0, 0.0, 700.0, 50.0), (word("Sasaran", 110.0, 10.0), word("Strategis", 300.0, 10.0))),
        Cell(0, 2, (700.0, 0.0, 1500.0, 150.0), (
            word("Indikator", 710.0, 10.0), word("Kinerja", 900.0, 10.0),
            *(word(t, 710.0 + 120 * i, 60.0)
              for i, t in enumerate("Persentase dokumen yang disusun".split()))),
            row_span=2),
        Cell(0, 3, (1500.0, 0.0, 1900.0, 150.0), (word("Target", 1510.0, 10.0), word("90%", 1510.0, 60.0)),
             row_span=2),
        Cell(1, 1, (100.0, 50.0, 700.0, 150.0), (word("Meningkatnya", 110.0, 60.0),)),
        Cell(2, 0, (0.0, 150.0, 100.0, 250.0), (word("2.", 10.0, 160.0),)),
        Cell(2, 1, (100.0, 150.0, 700.0, 250.0), (word("Terwujudnya", 110.0, 160.0),)),
        Cell(2, 2, (700.0, 150.0, 1500.0, 250.0),
             (word("Jumlah", 710.0, 160.0), word("laporan", 830.0, 160.0))),
        Cell(2, 3, (1500.0, 150.0, 1900.0, 250.0), (word("4", 1510.0, 160.0),)),
    )
    table = Table(1, (0.0, 0.0, 1900.0, 250.0), 3, 4, cells, edges, rows_at)
    cols, skip = rows.header_columns(table)
    assert cols is not None and cols.roles == ("no", "goal", "indicator", "target") and skip == 1
    got = rows.table_rows(table, cols, skip)
    assert [(r.no, r.goal.text, r.indicator.text, r.target.text) for r in got] == [
        ("1.", "Meningkatnya", "Persentase dokumen yang disusun", "90%"),
        ("2.", "Terwujudnya", "Jumlah laporan", "4")]
    # the rule between the goal and indicator headers lost too: one cell over both
    # columns and the first row, each column's header part naming its column
    both = Cell(0, 1, (100.0, 0.0, 1500.0, 150.0), (
        *cells[1].words, *cells[2].words, *(w for w in cells[4].words)), row_span=2, col_span=2)
    table = replace(table, cells=(cells[0], both, cells[3], *cells[5:]))
    cols, skip = rows.header_columns(table)
    assert cols is not None and cols.roles == ("no", "goal", "indicator", "target") and skip == 1


def test_a_cell_over_the_goal_and_indicator_columns_is_cut_at_the_column_edge() -> None:
    # the rule between goal and indicator lost in the second row: one cell over both
    edges = (0.0, 700.0, 1500.0, 1900.0)

    def word(t, x, y):
        return Word(t, 0.9, (x, y, x + 100.0, y + 30.0))

    cells = (Cell(0, 0, (0.0, 0.0, 700.0, 100.0), (word("Meningkatnya", 10.0, 10.0),)),
             Cell(0, 1, (700.0, 0.0, 1500.0, 100.0), (word("Persentase", 710.0, 10.0),)),
             Cell(0, 2, (1500.0, 0.0, 1900.0, 100.0), (word("90%", 1510.0, 10.0),)),
             Cell(1, 0, (0.0, 100.0, 1500.0, 200.0),
                  (word("Terwujudnya", 10.0, 110.0), word("tertib", 200.0, 110.0),
                   word("Jumlah", 710.0, 110.0), word("laporan", 830.0, 110.0)), col_span=2),
             Cell(1, 2, (1500.0, 100.0, 1900.0, 200.0), (word("4", 1510.0, 110.0),)))
    table = Table(1, (0.0, 0.0, 1900.0, 200.0), 2, 3, cells, edges, (0.0, 100.0, 200.0))
    got = rows.table_rows(table, rows.Columns(("goal", "indicator", "target")), 0)
    assert [(r.goal.text, r.indicator.text, r.target.text) for r in got] == [
        ("Meningkatnya", "Persentase", "90%"), ("Terwujudnya tertib", "Jumlah laporan", "4")]


def test_a_cell_over_two_columns_of_one_role_is_read_once() -> None:
    # a table whose target column the rules split in two (its header said Target twice),
    # with the rule between them lost in one row: that row's cell spans both
    edges = (0.0, 100.0, 700.0, 1500.0, 1700.0, 1900.0)
    cells = (Cell(0, 0, (0.0, 50.0, 100.0, 100.0), (Word("1.", 0.9, (10.0, 60.0, 40.0, 90.0)),)),
             Cell(0, 1, (100.0, 50.0, 700.0, 100.0), (Word("Meningkatnya", 0.9, (110.0, 60.0, 300.0, 90.0)),)),
             Cell(0, 2, (700.0, 50.0, 1500.0, 100.0), (Word("Persentase", 0.9, (710.0, 60.0, 900.0, 90.0)),)),
             Cell(0, 3, (1500.0, 50.0, 1900.0, 100.0), (Word("87%", 0.9, (1680.0, 60.0, 1760.0, 90.0)),),
                  col_span=2))
    table = Table(1, (0.0, 50.0, 1900.0, 100.0), 1, 5, cells, edges, (50.0, 100.0))
    got = rows.table_rows(table, rows.Columns(("no", "goal", "indicator", "target", "target")), 0)
    assert [(r.indicator.text, r.target.text) for r in got] == [("Persentase", "87%")]


def test_the_rest_of_a_goal_atop_the_next_pages_table_joins_the_row_the_page_cut() -> None:
    # page 2 opens with the goal's last words alone in its column, then a row of its own
    edges = (0.0, 100.0, 700.0, 1500.0, 1900.0)

    def cell(r: int, c: int, y: float, text: str) -> Cell:
        words = tuple(Word(t, 0.9, (edges[c] + 10 + 60 * i, y + 10, edges[c] + 60 + 60 * i, y + 40))
                      for i, t in enumerate(text.split()))
        return Cell(r, c, (edges[c], y, edges[c + 1], y + 50), words)

    page2 = Table(2, (0.0, 0.0, 1900.0, 100.0), 2, 4, (
        cell(0, 0, 0.0, ""), cell(0, 1, 0.0, "reformasi birokrasi"), cell(0, 2, 0.0, ""), cell(0, 3, 0.0, ""),
        cell(1, 0, 50.0, "14"), cell(1, 1, 50.0, "Meningkatnya akuntabilitas"),
        cell(1, 2, 50.0, "Nilai Evaluasi"), cell(1, 3, 50.0, "80")), edges, (0.0, 50.0, 100.0))
    page2_rest = page2
    cols = rows.Columns(("no", "goal", "indicator", "target"))
    cut = _data("Indeks Reformasi Birokrasi", 800.0, 3000.0, "82", goal="Terlaksananya program")
    got = rows.stitch_rows([cut, *rows.table_rows(page2, cols, 0)])
    assert [(r.goal.text, r.indicator.text, r.target.text) for r in got] == [
        ("Terlaksananya program reformasi birokrasi", "Indeks Reformasi Birokrasi", "82"),
        ("Meningkatnya akuntabilitas", "Nilai Evaluasi", "80")]
    # so is a goal's rest in capitals that does not open a goal ('Rasa Aman ...'), and a goal's
    # rest beside a row of its own is the rest of the goal cell merged over rows on both pages
    page2_title = replace(page2, cells=(cell(0, 1, 0.0, "Rasa Aman"), *page2.cells[1:]))
    got = rows.stitch_rows([cut, *rows.table_rows(page2_title, cols, 0)])
    assert [r.goal.text for r in got] == ["Terlaksananya program Rasa Aman", "Meningkatnya akuntabilitas"]
    merged = Table(2, (0.0, 0.0, 1900.0, 50.0), 1, 4, (
        cell(0, 0, 0.0, "15"), cell(0, 1, 0.0, "reformasi birokrasi"), cell(0, 2, 0.0, "Nilai Evaluasi"),
        cell(0, 3, 0.0, "80")), edges, (0.0, 50.0))
    above = _data("Indeks Kepuasan", 800.0, 2900.0, "75", goal="Terlaksananya program")
    got = rows.stitch_rows([above, cut, *rows.table_rows(merged, cols, 0)])
    assert [(r.goal.text, r.indicator.text) for r in got] == [
        ("Terlaksananya program reformasi birokrasi", "Indeks Kepuasan"),
        ("Terlaksananya program reformasi birokrasi", "Indeks Reformasi Birokrasi"),
        ("Terlaksananya program reformasi birokrasi", "Nilai Evaluasi")]
    assert not any(r.continued for r in got)  # no doubt: it opens in small letters
    # a capitalised rest that opens as no goal does, after a goal that opens as goals do: joined,
    # a guess flagged on every row it joins
    title = replace(merged, cells=(merged.cells[0], cell(0, 1, 0.0, "Akuntansi Pemerintahan"),
                                   *merged.cells[2:]))
    got = rows.stitch_rows([above, cut, *rows.table_rows(title, cols, 0)])
    assert [(r.goal.text, r.continued) for r in got] == [
        ("Terlaksananya program Akuntansi Pemerintahan", True)] * 3
    # a capitalised goal that opens as goals do ('Mewujudkan ...') is a goal of its own
    verb = replace(merged, cells=(merged.cells[0], cell(0, 1, 0.0, "Mewujudkan pelayanan prima"),
                                  *merged.cells[2:]))
    got = rows.stitch_rows([above, cut, *rows.table_rows(verb, cols, 0)])
    assert [r.goal.text for r in got] == ["Terlaksananya program"] * 2 + ["Mewujudkan pelayanan prima"]
    # a goal of its own whose capital was read small is not the rest of the one above
    own = replace(merged, cells=(merged.cells[0], cell(0, 1, 0.0, "meningkatnya akuntabilitas"),
                                 *merged.cells[2:]))
    got = rows.stitch_rows([above, cut, *rows.table_rows(own, cols, 0)])
    assert [r.goal.text for r in got] == ["Terlaksananya program", "Terlaksananya program",
                                          "meningkatnya akuntabilitas"]
    # a goal of its own (capitalised) atop a page is not another row's rest, nor is a goal's
    # rest with no row the page cut above it: text in no row (the agreement warns of it)
    page2 = replace(page2, cells=(cell(0, 1, 0.0, "Terwujudnya layanan"), *page2.cells[1:]))
    got = rows.stitch_rows([cut, *rows.table_rows(page2, cols, 0)])
    assert [(r.kind, r.goal.text) for r in got] == [
        ("data", "Terlaksananya program"), ("data", "Meningkatnya akuntabilitas"), ("unread", "")]
    got = rows.stitch_rows(rows.table_rows(page2_rest, cols, 0))
    assert [r.kind for r in got] == ["data", "unread"]
    # nor the rest of a goal whose own row above, at the page's foot, had no indicator
    page1 = Table(1, (0.0, 3000.0, 1900.0, 3050.0), 1, 4, (
        cell(0, 0, 3000.0, "13"), cell(0, 1, 3000.0, "Meningkatnya kapasitas"), cell(0, 2, 3000.0, ""),
        cell(0, 3, 3000.0, "")), edges, (3000.0, 3050.0))
    got = rows.stitch_rows([cut, *rows.table_rows(page1, cols, 0), *rows.table_rows(page2_rest, cols, 0)])
    assert [(r.kind, r.goal.text) for r in got] == [
        ("data", "Terlaksananya program"), ("data", "Meningkatnya akuntabilitas"), ("unread", ""),
        ("unread", "reformasi birokrasi")]


_LETTER_WORDS = st.sampled_from("Nama Nama: : Jabatan PERJANJIAN KINERJA TAHUN 2016 Pihak Pertama Kedua "
                                 "selanjutnya disebut Bandung, Januari 15 Rp 1.000.000,- NIP. Program A. 1. "
                                 "- %".split())


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(_LETTER_WORDS, st.text(min_size=1, max_size=30).filter(
    lambda t: t.strip() == t and t and " " not in t)), max_size=60), st.randoms(use_true_random=False))
def test_document_parsers_never_raise_on_any_words(texts: list[str], rnd) -> None:
    lines, line = [], []
    for t in texts:
        line.append(t)
        if rnd.random() < 0.3:
            lines.append(" ".join(line))
            line = []
    lines.append(" ".join(line) or "x")
    view = documents.view_page(_letter_page(lines))
    try:
        documents.is_letter(view)
        documents.parse_parties(view)
        documents.parse_place_date(view)
        documents.parse_title(view)
        documents.draft_agreement([view])
        documents.split_agreements([view])
    except PipelineError:
        pass


_ENUMS = st.one_of(
    st.builds(lambda c, p: c + p, st.sampled_from("ABCDEFGH"), st.sampled_from(".)")),
    st.builds(lambda r: r + ".", st.sampled_from(["I", "II", "III", "IV", "V", "VI", "IX", "X"])),
    st.builds(lambda n: f"{n}.", st.integers(1, 99)),
    st.builds(lambda a, b: f"{a}.{b}.", st.integers(1, 9), st.integers(1, 9)),
    st.sampled_from(["-", "•", "–"]),
)
_BODIES = st.builds(" ".join, st.lists(_CAPITALISED, min_size=1, max_size=6))


@given(_ENUMS, _BODIES)
def test_enumerator_split_round_trip(enum: str, body: str) -> None:
    assert split_enumerator(f"{enum} {body}") == (enum, body)
    assert split_enumerator(body) == ("", body)


@given(st.one_of(st.builds(lambda c: c + ".", st.sampled_from("ABCDEFGH")),
                 st.sampled_from(["I.", "II.", "IV.", "X."])), _BODIES)
def test_lettered_and_roman_headings_are_programs(enum: str, body: str) -> None:
    assert rows.section_kind(f"{enum} {body}") == "program"


@given(st.one_of(st.builds(lambda n: f"{n}.", st.integers(1, 99)), st.sampled_from(["-", "•"])),
       _BODIES.filter(lambda b: not rows.says_program(b)))
def test_numbered_headings_are_activities_unless_they_say_program(enum: str, body: str) -> None:
    assert rows.section_kind(f"{enum} {body}") == "activity"
    assert rows.section_kind(f"{enum} Program {body}") == "program"


def test_a_header_cell_is_known_through_the_marks_and_stray_letters_of_a_faded_scan() -> None:
    # a faded header row, its inner rules lost: each column's part of one cell, as read
    for read, role in (("No”", "no"), ("“Indikutor-Kinerja . 0d Dg", "indicator"), ("Target ;", "target"),
                       (". Sasaran Strategis 0 moda 7", "goal")):
        assert rows.role_of(read) == role, read
    for data in ("(1)", "1.", "A. Program Penyelenggaraan Pemilihan Umum", "- Program Dukungan Manajemen",
                 "100%", "Uraian"):
        assert rows.role_of(data) is None, data


def test_a_column_without_a_role_between_no_and_the_indicators_is_the_goal() -> None:
    edges = (0.0, 100.0, 700.0, 1500.0, 1900.0)
    table = Table(1, (0.0, 0.0, 1900.0, 100.0), 2, 4, (), edges, (0.0, 50.0, 100.0))
    got = rows.repair_roles(("no", None, "indicator", "target"), table)
    assert got == ("no", "goal", "indicator", "target")
    # with a goal column read, a column without a role is a split of its left neighbour
    assert rows.repair_roles(("no", "goal", None, "indicator", "target"),
                             Table(1, (0.0, 0.0, 1900.0, 100.0), 2, 5, (), (0, 100, 400, 700, 1500, 1900),
                                   (0.0, 50.0, 100.0))) == ("no", "goal", "goal", "indicator", "target")
    # and one between the goals and the targets, its header unread ('h uas'), the indicator's
    assert rows.repair_roles(("no", "goal", None, "target"), table) == ("no", "goal", "indicator", "target")


@given(st.text())
def test_more_parsers_never_raise(text: str) -> None:
    try:
        rows.section_kind(text)
        values.enumerator_kind(text)
        values.unit_word(text)
        values.fix_percent(text)
        values.rupiah_grouping_ok(text)
        values.starts_value(text)
        documents.clean_name(text)
        rows.role_of(text)
    except PipelineError:
        pass


@pytest.mark.parametrize(("text", "kind", "name"), [
    ("A Program Dukungan Manajemen", "program", "Program Dukungan Manajemen"),  # the period lost
    ("II Program Penyelenggaraan Pemilu", "program", "Program Penyelenggaraan Pemilu"),
    ("A, Program Penyelenggaraan Pemilu", "program", "Program Penyelenggaraan Pemilu"),  # '.' read ','
    ("1, Penguatan Kualitas Peraturan", "activity", "Penguatan Kualitas Peraturan"),
    ("AL Program Dukungan Manajemen", "program", "Program Dukungan Manajemen"),  # '.' read 'L'
    ("AY Program Dukungan Manajemen", "program", "Program Dukungan Manajemen"),  # '.' read 'Y'
    ("B' Program Penyelenggaraan Pemilu", "program", "Program Penyelenggaraan Pemilu"),
    ("Ab Program Baru", "activity", "Ab Program Baru"),  # a word, not a letter and its mark
    ("BI PROGRAM PENYELENGGARAAN PEMILU", "program", "PROGRAM PENYELENGGARAAN PEMILU"),
    ("AL Manajemen Perencanaan", "activity", "AL Manajemen Perencanaan"),  # only before 'Program'
    ("i. Pengelolaan Keuangan", "activity", "Pengelolaan Keuangan"),  # '1.' read 'i.'
    ("l. Pengelolaan Keuangan", "activity", "Pengelolaan Keuangan"),
    ("Ada Program Baru", "activity", "Ada Program Baru"),
    ("a Pregram Dukungan Manajemen", "program", "a Pregram Dukungan Manajemen"),  # 'A.' read 'a'
    ("Progress Pengadaan", "activity", "Progress Pengadaan"),
])
def test_a_heading_letter_without_its_period(text: str, kind: str, name: str) -> None:
    assert rows.section_kind(text) == kind
    assert values.split_heading(text)[1] == name


def test_a_second_program_numbered_i_is_an_activity_read_so() -> None:
    # '1. Pengelolaan ...' read 'I. Pengelolaan ...' under 'B. Program ...': a table's
    # first program alone is numbered I; a heading that says Program is one all the same
    got = rows.stitch_rows([rows.RawRow("program", 1, section="A. Program Penyelenggaraan Pemilu"),
                            rows.RawRow("program", 1, section="B. Program Dukungan Manajemen"),
                            rows.RawRow("program", 1, section="I. Pengelolaan Sumber Daya Manusia"),
                            rows.RawRow("program", 1, section="I. Program Lain")])
    assert [r.kind for r in got] == ["program", "program", "activity", "program"]
    first = rows.stitch_rows([rows.RawRow("program", 1, section="I. Penyelenggaraan Pemilu")])
    assert [r.kind for r in first] == ["program"]


@pytest.mark.parametrize(("cells", "numbers"), [
    (["(1)", "(2)", "(3)", "(4)"], True),
    (["1", "2", "3", "4"], True),
    (["qd)", "(2)", "(3)", "(4)"], True),  # one garbled
    (["a)", "Q)", "(3)", "(4)"], True),  # two garbled, still shaped like numbers in brackets
    (["a)", "Q)", "b)", "(4)"], False),  # one number only
    (["a)", "Q)", "Terwujudnya", "(4)"], False),
    (["1.", "Pengelolaan Keuangan"], False),
])
def test_the_row_that_numbers_the_columns(cells: list[str], numbers: bool) -> None:
    assert rows.is_column_numbers(cells) is numbers


@pytest.mark.parametrize(("cells", "numbers"), [
    (["ay", "Q", "3)", "(4)"], True),  # too garbled for its shape, but 3 and 4 stand in columns 3 and 4
    (["“bb", "2", "en", "Wy"], True),
    (["", "dan", "", "40%"], False),  # the tail of a row cut by the page: its 0 is no column's number
    (["1", "", "", ""], False),  # a row whose text was lost, not a row of column numbers
    (["", "Q", "Jumlah", "(4)"], False),
])
def test_the_row_that_numbers_the_columns_garbled(cells: list[str], numbers: bool) -> None:
    got = [Cell(1, c, (0.0, 0.0, 1.0, 1.0), (Word(t, 0.5, (0.0, 0.0, 1.0, 1.0)),) if t else ())
           for c, t in enumerate(cells)]
    assert rows.numbers_its_columns(got, len(cells)) is numbers


def test_percent_in_parentheses_read_as_ge() -> None:
    assert values.fix_percent("sesuai SNI (Ge) :") == "sesuai SNI (%) :"
    assert values.fix_percent("Brucellosis (prevalensi/ Yo)") == "Brucellosis (prevalensi/ %)"
    assert values.fix_percent("Jumlah desa (Yogyakarta)") == "Jumlah desa (Yogyakarta)"


@pytest.mark.parametrize("read", ["(Se)", "(26)", "(Ye)", "(9c)"])
def test_an_indicators_bracketed_percent_read_as_two_characters(read: str) -> None:
    assert values.fix_percent(f"yang sesuai SNI {read} :") == "yang sesuai SNI (%) :"
    assert values.fix_percent(f"Brucellosis (prevalensi/ {read[1:]}") == "Brucellosis (prevalensi/ %)"


def test_a_bracketed_number_or_word_is_not_a_percent() -> None:
    for text in ("Jumlah desa (35)", "Laporan (SAP)", "Satuan (ekor)", "Tahap (2)"):
        assert values.fix_percent(text) == text


# --------------------------------------------------------------------------- rows that may be missing

_COLS = (100.0, 250.0, 900.0, 1700.0, 2000.0)


def _grid(top: float, rows: list[list[str]], merged: set[int] = frozenset()) -> tuple[list[Rule], list[Word]]:
    """Rules and words of a ruled target table; a row in `merged` has no rule between its
    indicator and target cells (its text written across both)."""
    rules, words = [], []
    edges = [top + 100.0 * i for i in range(len(rows) + 1)]
    for y in edges:
        rules.append(Rule(_COLS[0], y, _COLS[-1], y))
    for i, x in enumerate(_COLS):
        for r in range(len(rows)):
            if not (r in merged and i == 3):
                rules.append(Rule(x, edges[r], x, edges[r + 1]))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            x = _COLS[c] + 15
            for t in text.split():
                words.append(Word(t, 0.95, (x, edges[r] + 30, x + 20.0 * len(t), edges[r] + 70), line=100 * r + c + 1000 * int(top)))
                x += 20.0 * len(t) + 15
    return rules, words


def _table_page(parts: list[tuple[list[Rule], list[Word]]], loose: list[str] = ()) -> OcrPage:
    rules = [r for p in parts for r in p[0]]
    words = [w for p in parts for w in p[1]]
    for n, line in enumerate(loose):  # text lines between the tables
        x = 300.0
        for t in line.split():
            words.append(Word(t, 0.95, (x, 1000.0 + 60 * n, x + 20.0 * len(t), 1040.0 + 60 * n), line=9000 + n))
            x += 20.0 * len(t) + 15
    return OcrPage("synthetic.pdf", 1, 300, 2480, 3508, tuple(words), rules=tuple(rules), method="text-layer")


HEADER = ["No", "Sasaran Strategis", "Indikator Kinerja", "Target"]


def test_a_table_whose_inner_rules_were_lost_is_cut_by_its_other_rules_and_its_rows_flagged() -> None:
    # a warped page: the rules inside the body not found but for the No column's and the
    # last row's; the header and the rows under it one cell over three columns
    rules, words = _grid(300.0, [HEADER, ["A.", "Program Dukungan Manajemen", "", ""],
                                 ["1", "Meningkatnya kualitas produk", "Persentase produk sesuai SNI", "63%"],
                                 ["2", "Terkendalinya penyakit", "Jumlah kasus penyakit hewan", "80%"],
                                 ["3", "Meningkatnya layanan", "Jumlah layanan", "4 layanan"]])
    kept = [r for r in rules if (r.y0 == r.y1 and r.y0 in (300.0, 700.0, 800.0))
            or (r.x0 == r.x1 and (r.x0 in (_COLS[0], _COLS[1], _COLS[-1]) or r.y0 == 700.0))]
    kept += [Rule(_COLS[0], y, _COLS[1], y) for y in (400.0, 500.0, 600.0)]
    draft = documents.draft_agreement([documents.view_page(_table_page([(kept, words)]))])
    assert [(r.kind, r.section or r.indicator.text, r.target.text, r.cells_cut) for r in draft.rows] == [
        ("program", "A. Program Dukungan Manajemen", "A. Program Dukungan Manajemen", False),
        ("data", "Persentase produk sesuai SNI", "63%", True),
        ("data", "Jumlah kasus penyakit hewan", "80%", True),
        ("data", "Jumlah layanan", "4 layanan", False)]
    # a target table of which no row was read says so
    rules, words = _grid(300.0, [HEADER, ["(1)", "(2)", "(3)", "(4)"]])
    lost = documents.draft_agreement([documents.view_page(_table_page([(rules, words)]))])
    assert not lost.rows and any("no target row was read" in w for w in lost.warnings)
    # the rows cut so are flagged, and the row set
    doc = correct.finalize(draft, agreement_id="a-01", file="synthetic.pdf", sha256="0" * 64)
    assert [any("rules around this row" in why for why in r.audit.review_reasons) for r in doc.targets] == [
        True, True, False]
    assert any("rules inside the table on page 1 were not found" in w for w in doc.warnings)


def test_rows_under_a_header_cell_merged_with_the_cells_below_it_are_data() -> None:
    # the rules under 'No' and under the '1' below it are lost: one 'No 1' cell spans four rows
    rules, words = _grid(300.0, [HEADER, ["1", "Meningkatnya kualitas produk", "Prosentase produk sesuai SNI :",
                                          ""], ["", "", "a. Daging", "63"], ["", "", "b. Susu", "72"],
                                 ["2", "Terkendalinya penyakit", "Jumlah kasus penyakit hewan menular", "0"]])
    rules = [Rule(_COLS[1], r.y0, r.x1, r.y1) if r.y0 == r.y1 and r.y0 in (400.0, 500.0, 600.0) else r
             for r in rules]
    draft = documents.draft_agreement([documents.view_page(_table_page([(rules, words)]))])
    assert [(r.parent.text if r.parent else None, r.indicator.text) for r in draft.rows] == [
        ("Prosentase produk sesuai SNI :", "Daging"), ("Prosentase produk sesuai SNI :", "Susu"),
        (None, "Jumlah kasus penyakit hewan menular")]
    # so in a budget table
    rules, words = _grid(300.0, [["No", "Kegiatan", "Anggaran", "Ket."],
                                 ["1.", "Pembinaan Olahraga Pelajar", "Rp. 4.140.194.000,00", "APBD"],
                                 ["2.", "Festival Olahraga", "Rp. 2.211.708.000,00", "APBD"]])
    rules = [Rule(_COLS[1], r.y0, r.x1, r.y1) if r.y0 == r.y1 == 400.0 else r for r in rules]
    draft = documents.draft_agreement([documents.view_page(_table_page([(rules, words)]))])
    assert [(b.name.text, b.amount) for b in draft.budget] == [("Pembinaan Olahraga Pelajar", 4140194000),
                                                               ("Festival Olahraga", 2211708000)]
    assert not [w for w in draft.warnings if w.startswith("budget:")]
    # the rule between two lines lost under a stamp: the cells span both, lines may be missing
    rules = [Rule(r.x0, r.y0, _COLS[1], r.y1) if r.y0 == r.y1 == 500.0 else r for r in rules]
    draft = documents.draft_agreement([documents.view_page(_table_page([(rules, words)]))])
    assert any(w.startswith("budget: cells of the budget table on page 1 span several lines")
               for w in draft.warnings)


def test_a_merged_cell_holding_a_target_is_reported_not_read_as_a_heading() -> None:
    page = _table_page([_grid(300.0, [HEADER, ["1", "Meningkatnya layanan", "Persentase layanan", "90%"],
                                      ["2", "Meningkatnya arsip", "Persentase arsip tertata 85%", ""]],
                              merged={2})])
    draft = documents.draft_agreement([documents.view_page(page)])
    assert [r.indicator.text for r in draft.rows] == ["Persentase layanan"]
    assert any(w.startswith("targets: a row on page 1 is neither a target nor a heading") and "85%" in w
               for w in draft.warnings)


def test_a_numbered_goal_with_no_indicator_is_no_heading_over_the_rows_below() -> None:
    page = _table_page([_grid(300.0, [HEADER, ["1", "Meningkatnya layanan", "Persentase layanan", "90%"],
                                      ["2", "Meningkatnya mutu arsip", "", ""],
                                      ["3", "Terwujudnya tata kelola", "Indeks tata kelola", "75"]])])
    draft = documents.draft_agreement([documents.view_page(page)])
    doc = correct.finalize(draft, agreement_id="x-01", file="x.pdf", sha256="0" * 64).to_json()
    assert [(r["activity"], r["indicator"]) for r in doc["targets"]] == [
        (None, "Persentase layanan"), (None, "Indeks tata kelola")]
    assert any(w.startswith("targets: a row on page 1 is neither") and "Meningkatnya mutu arsip" in w
               for w in doc["warnings"])
    # a numbered heading there is one
    page = _table_page([_grid(300.0, [HEADER, ["1", "Pengelolaan Keuangan", "", ""],
                                      ["", "Terwujudnya tata kelola", "Indeks tata kelola", "75"]])])
    doc = correct.finalize(documents.draft_agreement([documents.view_page(page)]), agreement_id="x-01",
                           file="x.pdf", sha256="0" * 64).to_json()
    assert [(r["activity"], r["indicator"]) for r in doc["targets"]] == [
        ("Pengelolaan Keuangan", "Indeks tata kelola")]


def test_a_page_whose_table_was_not_found_is_reported() -> None:
    body = [[str(i), f"Meningkatnya layanan {i}", f"Persentase layanan publik nomor {i}", "90%"]
            for i in range(2, 9)]
    first = _table_page([_grid(300.0, [HEADER, ["1", "Meningkatnya layanan", "Persentase layanan", "90%"]])])

    def warned(rows: list[list[str]], *after: OcrPage) -> list[str]:
        _, words = _grid(300.0, rows)
        lost = replace(_table_page([([], words)]), page=2)  # the rules too faint: none found
        pages = [first, lost, *(replace(p, page=3 + i) for i, p in enumerate(after))]
        draft = documents.draft_agreement([documents.view_page(p) for p in pages])
        return [w for w in draft.warnings if "no table was read on page 2" in w]

    assert warned([HEADER, *body])  # its header printed again
    assert warned(body, first)  # between two pages of targets
    assert not warned(body)  # text after the last table (a budget in free text, signatures)


def test_a_table_after_the_targets_read_as_neither_targets_nor_budget_is_reported() -> None:
    # the table goes on over a faded page: no header row there, and a rule lost in pieces (three
    # columns found where the table before it has four): its columns are not known
    first = _table_page([_grid(300.0, [HEADER, ["1", "Meningkatnya layanan", "Persentase layanan", "90%"]])])
    body = [[str(i), f"Meningkatnya layanan {i}", f"Persentase layanan publik nomor {i}", "90%"]
            for i in range(2, 9)]
    rules, words = _grid(300.0, body)

    def warned(rules: list[Rule]) -> list[str]:
        pages = [first, replace(_table_page([(rules, words)]), page=2)]
        draft = documents.draft_agreement([documents.view_page(p) for p in pages])
        return [w for w in draft.warnings if "a table on page 2 was read as neither" in w]

    assert warned([r for r in rules if not (r.x0 == r.x1 == _COLS[2])])
    assert not warned(rules)  # four columns: the table before it goes on


def test_text_between_pieces_of_a_table_is_reported() -> None:
    top = _grid(300.0, [HEADER, ["1", "Meningkatnya layanan", "Persentase layanan", "90%"]])
    bottom = _grid(1400.0, [["3", "Meningkatnya mutu", "Indeks mutu", "75"]])
    page = _table_page([top, bottom], loose=["2 Meningkatnya arsip Persentase arsip tertata 85%"])
    draft = documents.draft_agreement([documents.view_page(page)])
    assert [r.indicator.text for r in draft.rows] == ["Persentase layanan", "Indeks mutu"]
    assert any("lie in the table but in no cell read" in w and "tertata" in w for w in draft.warnings)
    alone = documents.draft_agreement([documents.view_page(_table_page([top, bottom]))])
    assert not any(w.startswith("targets:") for w in alone.warnings)


@pytest.mark.parametrize(("under", "heading", "unit"), [
    # a whole office name, then its unit
    (["Sekretariat KPU Kabupaten Berau", "Keuangan, Umum dan Logistik"], "Sekretariat KPU Kabupaten Berau",
     "Keuangan, Umum dan Logistik"),
    # a position is not a unit
    (["Sekretariat KPU Kabupaten Berau", "KEPALA BALAI PENGELOLAAN"], "Sekretariat KPU Kabupaten Berau",
     None),
    # an office name that goes on in its region alone
    (["BADAN PENGELOLAAN KEUANGAN DAN ASET DAERAH", "PROVINSI JAWA BARAT"],
     "BADAN PENGELOLAAN KEUANGAN DAN ASET DAERAH PROVINSI JAWA BARAT", None),
    # the first party's position, not an office (the region under it is the position's)
    (["KEPALA BAPPEDA"], None, None),
    (["KEPALA DINAS PETERNAKAN", "PROVINSI JAWA BARAT"], None, None),
    # a symbol the font could not print, read as strokes before the office
    (["II RUMAH SAKIT JIWA PROVINSI JAWA BARAT"], "RUMAH SAKIT JIWA PROVINSI JAWA BARAT", None),
    # a speck read as a quote between the office's words
    (["Sekretariat KPU Kabupaten Penajam Paser \" Utara", "Keuangan, Umum dan Logistik"],
     "Sekretariat KPU Kabupaten Penajam Paser Utara", "Keuangan, Umum dan Logistik"),
    # a label's colon read with a stroke before the unit ('1 :')
    (["Sekretariat KPU Kabupaten Berau", "1 : Perencanaan, Data dan Informasi"],
     "Sekretariat KPU Kabupaten Berau", "Perencanaan, Data dan Informasi"),
])
def test_the_office_heading_under_the_title(under: list[str], heading: str | None, unit: str | None) -> None:
    top = _grid(700.0, [HEADER, ["1", "Meningkatnya layanan", "Persentase layanan", "90%"]])
    words = []
    for n, line in enumerate(["PERJANJIAN KINERJA TAHUN 2026", *under]):
        x = 800.0
        for t in line.split():
            words.append(Word(t, 0.95, (x, 300.0 + 60 * n, x + 20.0 * len(t), 340.0 + 60 * n), line=n + 1))
            x += 20.0 * len(t) + 15
    page = OcrPage("synthetic.pdf", 1, 300, 2480, 3508, tuple(words) + tuple(top[1]), rules=tuple(top[0]),
                   method="text-layer")
    th = documents.parse_table_header(documents.view_page(page))
    assert (th.heading.text if th.heading else None) == heading
    assert (th.subunit.text if th.subunit else None) == unit


def test_the_office_heading_a_blank_line_under_the_title() -> None:
    # a line of no descenders ('Tawa' for 'Jawa') is short: the blank line above it is over
    # two of its heights; a speck read as '©' before it is no part of the office
    top = _grid(700.0, [HEADER, ["1", "Meningkatnya layanan", "Persentase layanan", "90%"]])
    words = []
    heading = "© Dinas Pemuda dan Olahraga Provinsi Tawa Barat"
    for y, height, line in ((300.0, 36, "PERJANJIAN KINERJA"), (300.0 + 36 + 84, 40, heading)):
        x = 800.0
        for t in line.split():
            words.append(Word(t, 0.95, (x, y, x + 20.0 * len(t), y + height), line=int(y)))
            x += 20.0 * len(t) + 15
    page = OcrPage("synthetic.pdf", 1, 300, 2480, 3508, tuple(words) + tuple(top[1]), rules=tuple(top[0]),
                   method="text-layer")
    th = documents.parse_table_header(documents.view_page(page))
    assert th.heading is not None and th.heading.text == "Dinas Pemuda dan Olahraga Provinsi Tawa Barat"


def test_a_symbol_read_as_strokes_before_the_letterhead_is_not_of_the_office() -> None:
    page = _letter_page(["II RUMAH SAKIT JIWA PROVINSI JAWA BARAT", "PROVINSI JAWA BARAT",
                         "PERJANJIAN KINERJA TAHUN 2017"])
    assert documents.letterhead(documents.view_page(page)).text == "RUMAH SAKIT JIWA PROVINSI JAWA BARAT"


def test_a_budget_line_the_page_cut_is_joined_across_the_page() -> None:
    head = ["No", "Program", "Anggaran", "Ket."]
    first = _table_page([_grid(300.0, [head,
                                       ["5", "Program Pelayanan Administrasi", "Rp. 2.680.200.000", "APBD"],
                                       ["6", "Program Peningkatan", "Rp. 8.259.670.000", "APBD"]])])

    def lines(rest: str) -> list:
        rows = [["", rest, "", ""], ["7", "Program Pembinaan Olah Raga", "Rp. 272.970.000", "APBD"]]
        second = replace(_table_page([_grid(300.0, rows)]), page=2)
        return documents.draft_agreement([documents.view_page(first), documents.view_page(second)]).budget

    def budget(rest: str) -> list[tuple[str, int]]:
        return [(b.name.text, b.amount) for b in lines(rest)]

    assert budget("dan Pembinaan Kepemudaan") == [
        ("Program Pelayanan Administrasi", 2680200000),
        ("Program Peningkatan dan Pembinaan Kepemudaan", 8259670000),
        ("Program Pembinaan Olah Raga", 272970000)]
    # a heading over the next lines is not the rest of the line before; but the line before
    # says that it may be (a name cut before a capitalised word: 'dan Pemanfaatan' over
    # 'Teknologi Informasi', development real file 1506667063)
    assert budget("Belanja Langsung")[1] == ("Program Peningkatan", 8259670000)
    assert [b.heading_after for b in lines("Belanja Langsung")] == ["", "Belanja Langsung", ""]
    assert not any(b.heading_after for b in lines("dan Pembinaan Kepemudaan"))
    # the numbers of a No column are read too often wrong to count a list by ('1., 5')
    assert [b.no for b in lines("dan Pembinaan Kepemudaan")] == ["", "", ""]
    # but a table of one line numbered there other than 1 lost the lines before it
    alone = _table_page([_grid(300.0, [head, ["3", "Program Peningkatan", "Rp. 8.259.670.000", "APBD"]])])
    assert [b.no for b in documents.draft_agreement([documents.view_page(alone)]).budget] == ["3"]


def test_an_amount_read_in_pieces_is_one_amount_not_part_of_the_name_or_note() -> None:
    from ocr_pipeline.stages.budget import budget_lines
    from ocr_pipeline.stages.layout import words_to_lines

    def read(*texts: str) -> list[tuple[str, str, int | None]]:
        words, x = [], 100.0
        for t in texts:
            words.append(Word(t, 0.9, (x, 400.0, x + 20.0 * len(t), 440.0), line=1))
            x += 20.0 * len(t) + 15
        got = budget_lines(words_to_lines(words), [1] * 4)
        return [(b.name.text, b.amount_text.text, b.amount) for b in got]

    assert read("1.", "Pengelolaan", "Keuangan", "Rp", "4.61", "1.312.000.-") == [
        ("Pengelolaan Keuangan", "Rp 4.61 1.312.000.-", 4611312000)]
    assert read("1.", "Pengelolaan", "Keuangan", "Rp", "4.611.312.000,-") == [
        ("Pengelolaan Keuangan", "Rp 4.611.312.000,-", 4611312000)]
    # a point read as a gap: the last groups are the amount's, not a note
    assert read("2.", "Pengembangan", "Ternak", "Rp.", "942.641", "000,-", "APBD") == [
        ("Pengembangan Ternak", "Rp. 942.641 000,-", 942641000)]
    # a number in the name before the amount stays the name's
    assert read("Pembangunan", "Gedung", "2", "Rp", "12.500.000") == [
        ("Pembangunan Gedung 2", "Rp 12.500.000", 12500000)]


def _cell_words(lines: list[tuple[str, float]], x: float) -> list[Word]:
    out = []
    for n, (text, y) in enumerate(lines):
        xx = x
        for t in text.split():
            out.append(Word(t, 0.95, (xx, y, xx + 20.0 * len(t), y + 40), line=n + 1))
            xx += 20.0 * len(t) + 15
    return out


def test_list_items_are_paired_with_the_targets_level_with_them() -> None:
    # a heading whose number OCR read '1,2.' and three items, each with its target on its line
    ind = _cell_words([("1,2. Jumlah populasi ternak (ekor) :", 100.0), ("- Sapi potong", 160.0),
                       ("- Kerbau", 220.0), ("- Domba", 280.0)], 1000.0)
    tgt = _cell_words([("444.820", 160.0), ("127.679", 220.0), ("2.483.772", 280.0)], 2000.0)
    got = rows.split_by_targets(ind, tgt, [], 1, 800.0, 300.0)
    assert [(i.text, t.text, parent.text) for i, t, _, parent, _ in got] == [
        ("- Sapi potong", "444.820", "1,2. Jumlah populasi ternak (ekor) :"),
        ("- Kerbau", "127.679", "1,2. Jumlah populasi ternak (ekor) :"),
        ("- Domba", "2.483.772", "1,2. Jumlah populasi ternak (ekor) :")]


def test_a_heading_over_a_list_whose_first_mark_was_lost_is_the_items_parent() -> None:
    # 'a.' read 'a': the heading and the first item look like one item of two lines; the
    # heading's colon above the first target and the marks of the others tell them apart
    head = "Jumlah produksi yang dihasilkan (ton) :"
    ind = _cell_words([(head, 100.0), ("a Daging", 160.0), ("b. Telur", 220.0), ("c. Susu", 280.0)], 1000.0)
    tgt = _cell_words([("745.241", 160.0), ("206.334", 220.0), ("260.396", 280.0)], 2000.0)
    got = rows.split_by_targets(ind, tgt, [], 1, 800.0, 300.0)
    assert [(i.text, t.text, parent.text if parent else None) for i, t, _, parent, _ in got] == [
        ("a Daging", "745.241", head), ("b. Telur", "206.334", head), ("c. Susu", "260.396", head)]
    # an indicator of two lines whose first ends in a colon, its target on the second,
    # among items that are not marked: no heading
    ind = _cell_words([("Jumlah dokumen :", 100.0), ("laporan keuangan", 160.0),
                       ("Persentase realisasi", 220.0)], 1000.0)
    got = rows.split_by_targets(ind, tgt[:2], [], 1, 800.0, 300.0)
    assert got is not None and all(parent is None for *_, parent, _ in got)


def test_two_numbers_that_each_fill_a_narrow_target_cell_are_two_targets() -> None:
    # '29.710.536' fills the cell: the line under it is another number, not its rest, when
    # joined they would be no number
    ind = _cell_words([("1,2. Jumlah populasi ternak (ekor) :", 100.0), ("- Ayam buras", 160.0),
                       ("- Itik", 220.0)], 1000.0)
    tgt = _cell_words([("29.710.536", 160.0), ("9.765.438", 220.0)], 2000.0)
    got = rows.split_by_targets(ind, tgt, [], 1, 800.0, 200.0)
    assert [(i.text, t.text) for i, t, *_ in got] == [("- Ayam buras", "29.710.536"), ("- Itik", "9.765.438")]
    # a number cut at the cell's edge is one: its halves joined are a number
    tgt = _cell_words([("1.273.000.", 160.0), ("000", 220.0)], 2000.0)
    assert rows.split_by_targets(ind, tgt, [], 1, 800.0, 200.0) is None


def test_items_not_level_with_their_targets_are_not_paired_in_order() -> None:
    # a heading without its colon or marker, then two items OCR read as one line: as many
    # "items" as targets, but pairing them in order would shift every target by one row
    ind = _cell_words([("Jumlah populasi ternak", 100.0), ("- Sapi potong - Kerbau", 160.0)], 1000.0)
    tgt = _cell_words([("444.820", 160.0), ("127.679", 220.0)], 2000.0)
    got = rows.split_by_targets(ind, tgt, [], 1, 800.0, 300.0)
    assert [t.text for _, t, _, _, _ in got] == ["444.820", "127.679"]
    assert all(guessed for *_, guessed in got)  # cut by position: flagged for a person
    assert "Jumlah" not in got[0][0].text  # the heading is not the first item


def test_short_items_under_a_heading_one_level_with_each_target_are_no_guess() -> None:
    head = ("Jumlah populasi ternak (ekor)", 100.0)
    tgt = _cell_words([("444.820", 160.0), ("127.679", 220.0), ("2.483.772", 280.0)], 2000.0)

    def split(*lines: tuple[str, float]) -> list[tuple[str, str, str | None, bool]]:
        got = rows.split_by_targets(_cell_words(list(lines), 1000.0), tgt, [], 1, 800.0, 300.0)
        return [(i.text, t.text, p.text if p else None, guessed) for i, t, _, p, guessed in got]

    assert split(head, ("Sapi potong", 160.0), ("Kerbau", 220.0), ("Domba", 280.0)) == [
        ("Sapi potong", "444.820", head[0], False), ("Kerbau", "127.679", head[0], False),
        ("Domba", "2.483.772", head[0], False)]
    # no heading over them, a line as wide as the cell (it may wrap), or a line left over: a guess
    assert all(g for *_, g in split(("Sapi potong", 160.0), ("Kerbau", 220.0), ("Domba", 280.0)))
    assert all(g for *_, g in split(head, ("Sapi potong", 160.0),
                                    ("Jumlah kelompok ternak di kabupaten kota", 220.0), ("Domba", 280.0)))
    assert all(g for *_, g in split(head, ("Sapi potong", 160.0), ("Kerbau", 220.0), ("rawa", 250.0),
                                    ("Domba", 280.0)))
    # a line as wide as the cell under a heading that ends in a colon: the heading ends
    # there, and one line level with each target is one item each
    colon = ("Jumlah populasi ternak (ekor) :", 100.0)
    assert [g for *_, g in split(colon, ("Sapi potong (ekor)", 160.0),
                                 ("Kerbau dan sapi perah di kabupaten (ekor)", 220.0),
                                 ("Domba (ekor)", 280.0))] == [False, False, False]
    # still a guess with a line left over, or a heading's line that may be an item's ('Sapi
    # potong' over its target's line 'perah', read as the heading's, has no colon after it)
    assert all(g for *_, g in split(colon, ("Sapi potong", 160.0), ("Kerbau", 220.0), ("rawa", 250.0),
                                    ("Domba", 280.0)))
    assert all(g for *_, g in split(("Jumlah populasi ternak (ekor) : Sapi", 100.0),
                                    ("potong dan sapi perah di kabupaten dan kota", 160.0), ("Kerbau", 220.0),
                                    ("Domba", 280.0)))


def test_a_marked_item_after_a_short_one_is_an_item_whose_mark_was_lost_not_its_wrap() -> None:
    # '- Domba' then 'Kambing' and 'Ayam buras', their dashes lost: they start under the
    # text of 'Domba', as a wrapped line would, but 'Domba' ends far from the cell's edge
    ind = (_cell_words([("Jumlah populasi ternak (ekor)", 100.0), ("- Kerbau", 160.0), ("- Domba", 220.0)],
                       1000.0) + _cell_words([("Kambing", 280.0), ("Ayam buras", 340.0)], 1035.0))
    tgt = _cell_words([("146.761", 160.0), ("12.682.465", 220.0), ("2.592.083", 280.0),
                       ("28.179.400", 340.0)], 2000.0)
    got = rows.split_by_targets(ind, tgt, [], 1, 800.0, 300.0)
    assert [(i.text, t.text) for i, t, *_ in got] == [
        ("- Kerbau", "146.761"), ("- Domba", "12.682.465"), ("Kambing", "2.592.083"),
        ("Ayam buras", "28.179.400")]


def test_a_one_read_as_a_letter_is_a_target_and_wrapped_items_stay_whole() -> None:
    # three items under a heading, the first wrapped; the second's '1' read 'I', the third's lost
    ind = _cell_words([("2.2. Jumlah layanan aplikasi e-government", 100.0),
                       ("yang dikembangkan (aplikasi)", 160.0),
                       ("- Aplikasi perencanaan dan", 220.0), ("penganggaran", 280.0),
                       ("- Aplikasi kepegawaian", 340.0), ("- Aplikasi layanan publik", 400.0)], 1000.0)
    ind = [replace(w, bbox=(w.bbox[0] + 35, w.bbox[1], w.bbox[2] + 35, w.bbox[3])) if w.text == "penganggaran"
           else w for w in ind]  # a wrapped line starts under the item's text, right of its mark
    tgt = _cell_words([("4", 220.0), ("I", 340.0)], 2000.0)
    got = rows.split_by_targets(ind, tgt, [], 1, 800.0, 300.0)
    assert [(i.text, t.text) for i, t, *_ in got] == [
        ("- Aplikasi perencanaan dan penganggaran", "4"),
        ("- Aplikasi kepegawaian - Aplikasi layanan publik", "I")]
    assert got[0][3].text == "2.2. Jumlah layanan aplikasi e-government yang dikembangkan (aplikasi)"
    assert all(guessed for *_, guessed in got)  # two targets for three items: flagged
    # level with a wrapped line, not with an item, a lone 'l' is a rule's speck: one row
    ind = _cell_words([("Persentase permohonan informasi dan data yang", 100.0),
                       ("ditindaklanjuti sesuai ketentuan", 160.0)], 1000.0)
    assert rows.split_by_targets(ind, _cell_words([("100%", 100.0), ("l", 160.0)], 2000.0), [], 1,
                                 800.0, 300.0) is None


def test_a_cell_of_targets_beside_an_empty_indicator_cell_is_split_and_flagged() -> None:
    # a hard scan's indicator cell read as nothing beside two targets: two rows, each a guess
    # (a crash that failed the whole file once)
    tgt = _cell_words([("444.820", 160.0), ("127.679", 220.0)], 2000.0)
    got = rows.split_by_targets([], tgt, [], 1, 800.0, 300.0)
    assert [(i.text, t.text) for i, t, *_ in got] == [("", "444.820"), ("", "127.679")]
    assert all(guessed for *_, guessed in got)


def _data(text: str, x: float, y: float, target: str = "", page: int = 1, goal: str = "", no: str = ""
          ) -> rows.RawRow:
    words = tuple(Word(t, 0.9, (x + 60.0 * i, y, x + 60.0 * i + 50, y + 30))
                  for i, t in enumerate(text.split()))
    ind = rows.TextBox(text, page, (x, y, x + 500, y + 30), 0.9, words)
    tgt = rows.TextBox(target, page, (2000.0, y, 2100.0, y + 30), 0.9) if target else rows.EMPTY
    return rows.RawRow("data", page, rows.TextBox(goal, page) if goal else rows.EMPTY, ind, tgt, no=no)


def _listed(got: list[rows.RawRow]) -> list[tuple[str, str | None]]:
    """Each row's indicator and the heading of the list it is an item of."""
    return [(r.indicator.text, r.parent.text if r.parent else None) for r in got]


def test_an_item_whose_bullet_ocr_lost_stays_in_its_list() -> None:
    # each on its own ruled row: the heading without a target, then items; 'Kerbau' lost its
    # bullet but starts where the items' text does; '1.3. Jumlah ...' is the next indicator
    got = rows.stitch_rows([_data("1.2. Jumlah populasi ternak (ekor) :", 1000.0, 100.0),
                            _data("• Sapi potong", 1100.0, 160.0, "444.820"),
                            _data("Kerbau", 1130.0, 220.0, "127.679"),
                            _data("1.3. Jumlah produksi susu", 1000.0, 280.0, "9")])
    assert _listed(got) == [
        ("Sapi potong", "Jumlah populasi ternak (ekor) :"), ("Kerbau", "Jumlah populasi ternak (ekor) :"),
        ("Jumlah produksi susu", None)]
    # an item whose letter OCR read as a digit ('g.' as '9.' after 'f.') is the list's next item
    got = rows.stitch_rows([_data("Jumlah populasi ternak (ekor) :", 1000.0, 100.0),
                            _data("f. Ayam buras", 1000.0, 160.0, "27.018.640"),
                            _data("9. Itik", 1000.0, 220.0, "9.765.506"),
                            _data("2. Jumlah produksi susu", 1000.0, 280.0, "9")])
    assert _listed(got) == [
        ("Ayam buras", "Jumlah populasi ternak (ekor) :"), ("Itik", "Jumlah populasi ternak (ekor) :"),
        ("Jumlah produksi susu", None)]

    # the first item's target lost too (a faint '3'), and the heading's colon: it still heads
    # the marked items; over an item no mark opens, or as an item itself, it does not
    got = rows.stitch_rows([_data("4.2. Jumlah layanan aplikasi (aplikasi)", 1000.0, 100.0),
                            _data("- Aplikasi perencanaan", 1100.0, 160.0),
                            _data("- Aplikasi kepegawaian", 1100.0, 220.0, "2"),
                            _data("5.1. Jumlah penyebaran informasi", 1000.0, 280.0, "102")])
    assert _listed(got) == [
        ("Aplikasi perencanaan", "Jumlah layanan aplikasi (aplikasi)"),
        ("Aplikasi kepegawaian", "Jumlah layanan aplikasi (aplikasi)"), ("Jumlah penyebaran informasi", None)]
    for first, second in (("- Jumlah layanan aplikasi", "- Aplikasi perencanaan"),
                          ("Jumlah layanan aplikasi :", "Persentase aplikasi")):
        got = rows.stitch_rows([_data(first, 1000.0, 100.0), _data(second, 1100.0, 160.0),
                                _data("Persentase B", 1000.0, 220.0, "2")])
        assert [r.parent for r in got] == [None, None, None], first

def test_the_rest_of_a_row_the_page_cut_under_its_target_joins_it() -> None:
    got = rows.stitch_rows([
        _data("Persentase Kualitas Layanan bagi Pegawai", 1000.0, 3000.0, "100%",
              goal="Terwujudnya Keamanan"),
        _data("KPU Kabupaten Kutai Kartanegara", 1000.0, 500.0, page=2, goal="bagi Pegawai KPU"),
        _data("Persentase Kualitas Layanan Kesehatan", 1000.0, 600.0, "55%", page=2, goal="Terlaksananya",
              no="2")])
    assert [(r.goal.text, r.indicator.text, r.target.text, r.continued) for r in got] == [
        ("Terwujudnya Keamanan bagi Pegawai KPU",
         "Persentase Kualitas Layanan bagi Pegawai KPU Kabupaten Kutai Kartanegara", "100%", True),
        ("Terlaksananya", "Persentase Kualitas Layanan Kesehatan", "55%", False)]
    # a numbered row, a row opening as indicators do (its target lost by OCR), or a heading over
    # its list's items, is a row of its own
    lost = [_data("Persentase A", 1000.0, 3000.0, "100%"), _data("Indeks Reformasi Birokrasi", 1000.0, 500.0,
                                                                  page=2)]
    assert len(rows.stitch_rows(lost)) == 2
    numbered = [_data("Persentase A", 1000.0, 3000.0, "100%"), _data("Persentase B", 1000.0, 500.0, page=2,
                                                                      no="3")]
    assert len(rows.stitch_rows(numbered)) == 2
    heading = [_data("Persentase A", 1000.0, 3000.0, "100%"),
               _data("Jumlah medali yang diraih (medali) :", 1000.0, 500.0, page=2),
               _data("Emas", 1066.0, 560.0, "44", page=2), _data("Perak", 1066.0, 620.0, "80", page=2)]
    got = rows.stitch_rows(heading)
    assert _listed(got) == [
        ("Persentase A", None), ("Emas", "Jumlah medali yang diraih (medali) :"),
        ("Perak", "Jumlah medali yang diraih (medali) :")]


def test_a_heading_ending_in_a_colon_heads_the_unmarked_items_indented_under_it() -> None:
    got = rows.stitch_rows([_data("Jumlah medali yang diraih (medali) :", 1110.0, 1127.0),
                            _data("Emas", 1176.0, 1245.0, "44"), _data("Perak", 1176.0, 1317.0, "80"),
                            _data("Persentase partisipasi masyarakat", 1114.0, 1457.0, "43,4%", no="5")])
    assert _listed(got) == [
        ("Emas", "Jumlah medali yang diraih (medali) :"), ("Perak", "Jumlah medali yang diraih (medali) :"),
        ("Persentase partisipasi masyarakat", None)]
    # the colon lost, a heading that opens as indicators do heads rows that do not
    got = rows.stitch_rows([_data("2.1. Jumlah kasus penyakit hewan menular", 1110.0, 1127.0),
                            _data("Anthrax (kasus/tahun)", 1176.0, 1245.0, "0"),
                            _data("Rabies (kasus/tahun)", 1176.0, 1317.0, "0")])
    assert _listed(got) == [("Anthrax (kasus/tahun)", "Jumlah kasus penyakit hewan menular"),
                            ("Rabies (kasus/tahun)", "Jumlah kasus penyakit hewan menular")]
    # with neither, a row without a target heads nothing
    for first, second in (("Medali yang diraih", "Emas"),
                          ("Jumlah medali yang diraih", "Persentase medali emas")):
        got = rows.stitch_rows([_data(first, 1110.0, 1127.0), _data(second, 1176.0, 1245.0, "44")])
        assert [r.parent for r in got] == [None, None], first
    # with the rows under it not indented (a list printed without marks or indent, the
    # heading's colon lost), it heads them as a guess, flagged, up to a row that opens as
    # indicators do
    got = rows.stitch_rows([_data("Jumlah kasus penyakit hewan menular", 1110.0, 1127.0),
                            _data("Anthrax (kasus/tahun)", 1110.0, 1245.0, "0"),
                            _data("Rabies (kasus/tahun)", 1110.0, 1317.0, "0"),
                            _data("Persentase kasus tertangani", 1110.0, 1389.0, "90%")])
    assert _listed(got) == [("Anthrax (kasus/tahun)", "Jumlah kasus penyakit hewan menular"),
                            ("Rabies (kasus/tahun)", "Jumlah kasus penyakit hewan menular"),
                            ("Persentase kasus tertangani", None)]
    assert [r.parent_guessed for r in got] == [True, True, False]
    # an indicator of its own follows, that opens as none does: long, it is no item
    got = rows.stitch_rows([_data("Nilai Evaluasi atas Akuntabilitas Kinerja", 1110.0, 1127.0),
                            _data("Pcrsentase KPU dalam Merencanakan Program dan Kegiatan", 1110.0, 1245.0,
                                  "90%")])
    assert _listed(got) == [("Nilai Evaluasi atas Akuntabilitas Kinerja", None),
                            ("Pcrsentase KPU dalam Merencanakan Program dan Kegiatan", None)]
    # a short row that opens as indicators do, not indented under a heading with a colon, is
    # an indicator of its own: the heading stays a row, not a list that heads nothing
    got = rows.stitch_rows([_data("Jumlah medali yang diraih :", 1110.0, 1127.0),
                            _data("Persentase atlet", 1110.0, 1245.0, "44")])
    assert _listed(got) == [("Jumlah medali yang diraih :", None), ("Persentase atlet", None)]
    # indented, or under a heading that ends in a colon, no guess
    for x in (1176.0, 1110.0):
        got = rows.stitch_rows([_data("Jumlah medali yang diraih :", 1110.0, 1127.0),
                                _data("Emas", x, 1245.0, "44")])
        assert _listed(got) == [("Emas", "Jumlah medali yang diraih :")] and not got[0].parent_guessed


def test_a_position_wrapped_onto_a_double_spaced_line_is_whole() -> None:
    rows_ = [("Nama : RUDI HARTONO", 356.0), ("Jabatan : KEPALA DINAS PEMUDA PROVINSI JAWA", 356.0),
             ("BARAT", 748.0), ("Selanjutnya disebut PIHAK KESATU", 356.0),
             ("Nama : DAENG MAREWA", 356.0), ("Jabatan : GUBERNUR JAWA BARAT", 356.0),
             ("Selaku atasan PIHAK KESATU, selanjutnya disebut PIHAK KEDUA", 356.0)]
    words = []
    for n, (line, x) in enumerate(rows_):
        top = 1000.0 + 74 * n  # 36 px letters, 38 px of white between lines
        for t in line.split():
            words.append(Word(t, 0.95, (x, top, x + 20.0 * len(t), top + 36), line=n + 1))
            x += 20.0 * len(t) + 15
    page = OcrPage("synthetic.pdf", 1, 300, 2480, 3508, tuple(words), method="text-layer")
    got = documents.parse_parties(documents.view_page(page))
    assert [(n.text, p.text) for n, p in got] == [("RUDI HARTONO", "KEPALA DINAS PEMUDA PROVINSI JAWA BARAT"),
                                                  ("DAENG MAREWA", "GUBERNUR JAWA BARAT")]


def test_a_header_above_the_first_rule_found_names_the_columns() -> None:
    # faded top rules: the grid starts under the header and the column numbers
    rules, words = _grid(500.0, [["1", "Meningkatnya layanan", "Persentase layanan", "90%"],
                                 ["2", "Meningkatnya arsip", "Persentase arsip tertata", "85%"]])
    for n, cells in enumerate([HEADER, ["(1)", "(2)", "(3)", "(4)"]]):
        for c, text in enumerate(cells):
            x = _COLS[c] + 15
            for t in text.split():
                words.append(Word(t, 0.95, (x, 330.0 + 80 * n, x + 20.0 * len(t), 370.0 + 80 * n), line=50 + n))
                x += 20.0 * len(t) + 15
    page = OcrPage("synthetic.pdf", 1, 300, 2480, 3508, tuple(words), rules=tuple(rules), method="text-layer")
    view = documents.view_page(page)
    (table, cols, skip), = view.tables
    assert cols is not None and cols.kind == "targets" and skip == 2
    draft = documents.draft_agreement([view])
    assert [(r.indicator.text, r.target.text) for r in draft.rows] == [
        ("Persentase layanan", "90%"), ("Persentase arsip tertata", "85%")]


def test_a_header_whose_rule_below_was_not_found_is_cut_from_the_first_row() -> None:
    # the first row wraps over four lines, and no rule parts it from the header above it
    first = {1: ["Meningkatnya pembinaan", "perbendaharaan di", "tingkat kota yang", "tertib"],
             2: ["1.1. Persentase Pejabat", "perbendaharaan yang", "mampu menyelesaikan", "laporan"],
             0: ["1."], 3: ["100%"]}
    rules, words = _grid(700.0, [["2.", "Meningkatnya arsip", "2.1. Persentase arsip", "85%"]])
    rules += [Rule(_COLS[0], 300.0, _COLS[-1], 300.0)] + [Rule(x, 300.0, x, 700.0) for x in _COLS]
    for c, text in enumerate(HEADER):
        words.append(Word(text, 0.95, (_COLS[c] + 15, 330.0, _COLS[c] + 15 + 20.0 * len(text), 370.0), line=1))
    for c, lines in first.items():
        for i, text in enumerate(lines):
            y = 420.0 + 60 * i
            words.append(Word(text, 0.95, (_COLS[c] + 15, y, _COLS[c] + 15 + 20.0 * len(text), y + 40), line=10 + i))
    view = documents.view_page(_table_page([(rules, words)]))
    (table, cols, skip), = view.tables
    assert cols is not None and cols.kind == "targets"
    draft = documents.draft_agreement([view])
    assert [(r.indicator.text, r.target.text) for r in draft.rows] == [
        ("Persentase Pejabat perbendaharaan yang mampu menyelesaikan laporan", "100%"),
        ("Persentase arsip", "85%")]
    assert draft.rows[0].goal.text == "Meningkatnya pembinaan perbendaharaan di tingkat kota yang tertib"


def test_a_program_and_an_activity_heading_without_a_rule_between_them_are_two_headings() -> None:
    rules, words = _grid(300.0, [HEADER])
    rules += [Rule(_COLS[0], y, _COLS[-1], y) for y in (520.0, 620.0)]
    rules += [Rule(x, 400.0, x, 520.0) for x in (_COLS[0], _COLS[1], _COLS[-1])]  # one cell over the body
    rules += [Rule(x, 520.0, x, 620.0) for x in _COLS]
    for i, text in enumerate(["A. Program Dukungan Manajemen", "1. Pengelolaan Keuangan"]):
        x, y = _COLS[1] + 15, 410.0 + 55 * i
        for t in text.split():
            words.append(Word(t, 0.95, (x, y, x + 20.0 * len(t), y + 40), line=20 + i))
            x += 20.0 * len(t) + 15
    for c, text in enumerate(["1", "Meningkatnya layanan", "Persentase layanan", "90%"]):
        x = _COLS[c] + 15
        for t in text.split():
            words.append(Word(t, 0.95, (x, 550.0, x + 20.0 * len(t), 590.0), line=30 + c))
            x += 20.0 * len(t) + 15
    draft = documents.draft_agreement([documents.view_page(_table_page([(rules, words)]))])
    assert [(r.kind, r.section) for r in draft.rows if r.kind != "data"] == [
        ("program", "A. Program Dukungan Manajemen"), ("activity", "1. Pengelolaan Keuangan")]


def test_marks_under_a_header_whose_rule_was_not_found_are_not_a_row() -> None:
    # a stamp over the header: marks below its words, no rule between, then the first row
    rules, words = _grid(500.0, [["1.", "Meningkatnya arsip", "Persentase arsip", "85%"]])
    rules += [Rule(_COLS[0], 300.0, _COLS[-1], 300.0)] + [Rule(x, 300.0, x, 500.0) for x in _COLS]
    for c, text in enumerate(HEADER):
        words.append(Word(text, 0.95, (_COLS[c] + 15, 320.0, _COLS[c] + 15 + 20.0 * len(text), 360.0), line=1))
    for c, text in enumerate(["rea", "ms asia anna", "aan TE Dan men,", "Ta"]):
        words.append(Word(text, 0.4, (_COLS[c] + 15, 420.0, _COLS[c] + 15 + 20.0 * len(text), 460.0), line=2))
    view = documents.view_page(_table_page([(rules, words)]))
    draft = documents.draft_agreement([view])
    assert [(r.indicator.text, r.target.text) for r in draft.rows] == [("Persentase arsip", "85%")]


def test_a_label_whose_first_letters_ocr_lost_is_still_a_label() -> None:
    assert documents.mend_label("bbagian Partisipasi, Humas") == "Subbagian Partisipasi, Humas"
    assert documents.mend_label("ahun Anggaran : 2026") == "Tahun Anggaran : 2026"
    assert documents.mend_label("Subbagian : Umum") == "Subbagian : Umum"
    assert documents.mend_label("Bahan bacaan") == "Bahan bacaan"  # a word of its own
    assert documents._ORG.match("Naina/Unit Organisasi : Sekretariat KPU").group("v") == "Sekretariat KPU"


def _placed(*lines: tuple[list[tuple[str, float]], float]) -> list[Word]:
    """Words of lines, each `(words as (text, left x), top y)`: a word 20 px a letter wide."""
    return [Word(t, 0.9, (x, y, x + 20.0 * len(t), y + 40.0), line=n + 1)
            for n, (ws, y) in enumerate(lines) for t, x in ws]


def test_a_budget_list_number_misread_is_no_word_of_the_name_and_still_numbers_the_line() -> None:
    from ocr_pipeline.stages.budget import budget_lines
    from ocr_pipeline.stages.layout import words_to_lines

    # '1.' as read, '2.' read '»', the names a tab from their numbers; a name wrapped
    # ('Marjinal') belongs to the line its list number opens, not the nearest amount
    words = _placed(([("1.", 100.0), ("Pendidikan", 200.0), ("Pemilih,", 420.0), ("dan", 600.0),
                      ("Rp", 1200.0), ("8.361.000,-", 1260.0)], 100.0),
                    ([("Marjinal", 200.0)], 172.0),
                    ([("»", 100.0), ("Pengelolaan", 200.0), ("Keuangan", 440.0), ("Rp", 1200.0),
                      ("3.004.000,-", 1260.0)], 230.0),
                    ([("vw", 100.0), ("Pelayanan", 200.0), ("Kantor", 400.0), ("Rp", 1200.0),
                      ("343.274.000,-", 1260.0)], 300.0))
    got = budget_lines(words_to_lines(words), [1] * 4)
    assert [(b.name.text, b.amount, b.no) for b in got] == [
        ("Pendidikan Pemilih, dan Marjinal", 8361000, "1."), ("Pengelolaan Keuangan", 3004000, "»"),
        ("Pelayanan Kantor", 343274000, "")]  # a number misread numbers nothing ('N', 'vw': no 'n.')
    # a word a justified line sets apart is the name's: no other line's text begins under the next
    lone = _placed(([("OPD", 100.0), ("Pelayanan", 200.0), ("Rp", 1200.0), ("343.274.000,-", 1260.0)], 100.0),
                   ([("Kantor", 100.0), ("Daerah", 260.0)], 165.0))
    got = budget_lines(words_to_lines(lone), [1] * 2)
    assert [b.name.text for b in got] == ["OPD Pelayanan Kantor Daerah"]
    # a line that starts with its number and has no amount is an entry of its own: its amount lost
    merged = _placed(([("1.", 100.0), ("Penguatan", 200.0), ("Rp", 1200.0), ("2.687.000,-", 1260.0)], 100.0),
                     ([("2.", 100.0), ("Teknis", 200.0)], 165.0))
    assert [(b.name.text, b.amount) for b in budget_lines(words_to_lines(merged), [1] * 2)] == [
        ("Penguatan", 2687000), ("Teknis", None)]
    # '2.' over '3.' read as one tall word ('on') in front of the names is no word of a
    # name; a short word wrapped under a mark ('dan') is
    stacked = _placed(([("1.", 100.0), ("Pakan", 200.0), ("Rp", 1200.0), ("5.317.000,-", 1260.0)], 100.0),
                      ([("Budidaya", 200.0), ("Rp", 1200.0), ("1.221.000,-", 1260.0)], 180.0))
    stacked.append(Word("on", 0.85, (100.0, 110.0, 140.0, 210.0), line=9))  # a line of its own
    assert [b.name.text for b in budget_lines(words_to_lines(stacked), [1] * 3)] == ["Pakan", "Budidaya"]
    wrapped = _placed(([("1.", 100.0), ("Pemilih", 200.0), ("Rp", 1200.0), ("8.361.000,-", 1260.0)], 100.0),
                      ([("dan", 100.0)], 150.0))
    assert [b.name.text for b in budget_lines(words_to_lines(wrapped), [1] * 2)] == ["Pemilih dan"]


def test_a_budget_line_whose_amount_was_not_read_is_kept_without_an_amount() -> None:
    from ocr_pipeline.stages.budget import budget_lines
    from ocr_pipeline.stages.layout import words_to_lines

    # a faded amount read as letters ('para Ooo'), in a ruled table: a line with no amount
    # (read again, else flagged), not a heading row dropped without a word
    head = ["No", "Kegiatan", "Anggaran", "Ket."]
    page = _table_page([_grid(300.0, [head, ["1", "Pengelolaan Informasi Publik", "6.409.934.000,00", "APBD"],
                                      ["2", "Penyebarluasan Informasi Daerah", "para Ooo", "APBD"],
                                      ["", "Jumlah", "", ""]])])
    got = documents.draft_agreement([documents.view_page(page)]).budget
    assert [(b.name.text, b.amount, b.amount_text.text) for b in got] == [
        ("Pengelolaan Informasi Publik", 6409934000, "6.409.934.000,00"),
        ("Penyebarluasan Informasi Daerah", None, "para Ooo")]
    # the same in free text, a blank line apart: and where nothing was read of the amount, a
    # line its number opens is kept too, its amount to be read again where the amounts stand
    for amount in ([("para", 1230.0), ("Ooo", 1350.0)], []):
        words = _placed(([("1.", 100.0), ("Pengelolaan", 200.0), ("Informasi", 440.0), ("Rp", 1200.0),
                          ("6.409.934.000,-", 1260.0), ("APBD", 1700.0)], 100.0),
                        ([("2.", 100.0), ("Penyebarluasan", 200.0), *amount, ("APBD", 1700.0)], 190.0))
        lost = budget_lines(words_to_lines(words), [1] * 2)[1]
        assert (lost.name.text, lost.amount, lost.no, lost.note) == ("Penyebarluasan", None, "2.", "APBD")
        assert lost.amount_text.bbox is not None
        x0, y0, x1, _ = lost.amount_text.bbox
        assert x0 <= 1200.0 and x1 >= 1260.0 + 20 * len("6.409.934.000,-") and y0 == 190.0
    # a line no number opens is no entry (a note, a signature's 'NIP.'), nor is one far below
    # the list (a date under it)
    words = _placed(([("1.", 100.0), ("Pengelolaan", 200.0), ("Rp", 1200.0), ("6.409.934.000,-", 1260.0)],
                     100.0),
                    ([("Sumber", 200.0), ("dana", 400.0), ("1990", 1300.0)], 190.0),
                    ([("NIP.", 100.0), ("19640326", 300.0), ("198711", 1260.0)], 280.0),
                    ([("7", 100.0), ("Maret", 200.0), ("2026", 400.0)], 480.0))
    assert [b.name.text for b in budget_lines(words_to_lines(words), [1] * 4)] == ["Pengelolaan"]
    # nor a date under it where the amounts stand (`12.05.16`): no groups of thousands
    words = _placed(([("1.", 100.0), ("Pengelolaan", 200.0), ("Rp", 1200.0), ("6.409.934.000,-", 1260.0)],
                     100.0),
                    ([("Bandung,", 200.0), ("12.05.16", 1260.0)], 190.0))
    assert [b.name.text for b in budget_lines(words_to_lines(words), [1] * 2)] == ["Pengelolaan"]
    # nor is a line with no number that joins the entry above, but for one with an amount's
    # digit groups misread where the amounts stand: its own entry, its amount to be read again
    words = _placed(([("Program", 200.0), ("Pemasaran", 400.0), ("3.989.767.000,00", 1260.0)], 100.0),
                    ([("Peternakan", 200.0)], 140.0),
                    ([("Program", 200.0), ("Pelayanan", 400.0), ("5.661.859.090.00", 1260.0),
                      ("—nngi", 1700.0)], 195.0))
    assert [(b.name.text, b.amount) for b in budget_lines(words_to_lines(words), [1] * 3)] == [
        ("Program Pemasaran Peternakan", 3989767000), ("Program Pelayanan", None)]
    # a line its own number opens, its amount garbled, is no part of the next numbered entry
    words = _placed(([("1.", 100.0), ("Penguatan", 200.0), ("Kualitas", 440.0), ("KP", 1200.0),
                      ("3.4/8.UUU,-", 1260.0)], 100.0),
                    ([("2.", 100.0), ("Teknis", 200.0), ("Pemilu", 400.0), ("Rp", 1200.0),
                      ("4.820.000,-", 1260.0)], 146.0))
    assert [(b.name.text, b.amount) for b in budget_lines(words_to_lines(words), [1] * 2)] == [
        ("Penguatan Kualitas", None), ("Teknis Pemilu", 4820000)]


def test_an_indicator_number_misread_is_not_kept_in_the_indicator() -> None:
    def indicator(*lines: tuple[list[tuple[str, float]], float]) -> str:
        words = _placed(*lines)
        ind = rows.box_of(words, 1)
        row = rows.RawRow("data", 1, rows.box_of(_placed(([("Meningkatnya", 10.0)], 100.0)), 1), ind,
                     rows.box_of(_placed(([("70%", 2000.0)], 100.0)), 1))
        return rows.stitch_rows([row])[0].indicator.text

    # '1.1.' read 'LI.', the item's text wrapped under its first word
    assert indicator(([("LI.", 100.0), ("Persentase", 200.0), ("organisasi", 420.0)], 100.0),
                     ([("dibina", 200.0)], 160.0)) == "Persentase organisasi dibina"
    # no line begins under the word after the gap: the first word is the indicator's
    assert indicator(([("SDM", 100.0), ("Persentase", 200.0), ("organisasi", 420.0)], 100.0),
                     ([("dibina", 100.0)], 160.0)) == "SDM Persentase organisasi dibina"


def test_a_run_on_cell_is_split_where_start_words_are_too_few_and_the_split_is_flagged() -> None:
    # indicators run together in one cell, one opening with an acronym after a bracket
    # (a number inside a line is no list mark: '< 30 hari')
    ind = _cell_words([("LOS (lengh of stay) < 30 hari Prosentase BOR (bed", 100.0),
                       ("occupancy rate) GDR (gross death rate)", 160.0)], 1000.0)
    tgt = _cell_words([("80.00 % 82.00 % 0.00 %", 100.0)], 2000.0)
    got = rows.split_by_targets(ind, tgt, [], 1, 800.0, 600.0)
    assert [(i.text, t.text) for i, t, *_ in got] == [
        ("LOS (lengh of stay) < 30 hari", "80.00 %"), ("Prosentase BOR (bed occupancy rate)", "82.00 %"),
        ("GDR (gross death rate)", "0.00 %")]
    assert all(guessed for *_, guessed in got)
    # a start word in small letters after a capitalised one
    got = rows.split_by_targets(_cell_words([("Nilai SAKIP indeks kepuasan pegawai", 100.0)], 1000.0),
                                _cell_words([("0.00 %", 100.0), ("80.00 %", 160.0)], 2000.0), [], 1, 800.0,
                                600.0)
    assert [(i.text, t.text) for i, t, *_ in got] == [("Nilai SAKIP", "0.00 %"),
                                                      ("indeks kepuasan pegawai", "80.00 %")]
    # start words enough: no guess
    got = rows.split_by_targets(_cell_words([("Prosentase BOR Prosentase NDR", 100.0)], 1000.0),
                                _cell_words([("82 % 1 %", 100.0)], 2000.0), [], 1, 800.0, 600.0)
    assert [i.text for i, *_ in got] == ["Prosentase BOR", "Prosentase NDR"] and not any(g for *_, g in got)


def test_a_marked_list_is_not_cut_at_capitalised_words() -> None:
    # 'a. Sapi potong', 'b. Sapi perah' ...: where the marks did not make the items (one
    # misread), the capitals after them cut nothing (a cut there put each mark at the end of
    # the item before: 'Sapi potong b.', seed 3131 medium)
    ind = _cell_words([("Jumlah populasi ternak (ekor) :", 100.0), ("a. Sapi potong", 160.0),
                       ("b. Sapi perah", 220.0), ("t Kambing", 280.0)], 1000.0)
    assert rows._items_by_start_words(ind, 4) is None
