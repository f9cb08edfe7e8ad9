"""Parsers of targets, Rupiah amounts, dates and enumerators: examples and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


@given(st.text())
def test_parsers_never_raise(text: str) -> None:
    parse_target(text)
    parse_rupiah(text)
    find_amount(text)
    parse_date(text)
    parse_number(text)
    split_enumerator(text)
    fix_digits(text)
