"""The catalogue and the lexicon: loading, matching, the region slot."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocr_pipeline.catalogue import guess_regions, load_catalogue, load_lexicon, regions_in
from ocr_pipeline.errors import CatalogueError

ROOT = Path(__file__).resolve().parent.parent
CAT = load_catalogue(ROOT / "corrections")
INDICATORS = [e for e in CAT.of("indicator")]
REGIONS = ["Kota Bontang", "Kabupaten Paser", "Kota Balikpapan", "Provinsi Kalimantan Timur",
           "Kabupaten Penajam Paser Utara"]


def test_the_shipped_catalogue_holds_the_seed() -> None:
    assert len(INDICATORS) == 51
    assert all("Bontang" not in e.text for e in CAT.entries)  # the office is a slot


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(INDICATORS), st.sampled_from(REGIONS))
def test_an_exact_catalogue_text_maps_to_itself_with_its_own_region(entry, region) -> None:
    text = entry.text.replace("{region}", region)
    m = CAT.match(text, "indicator", [region])
    assert m is not None and m.entry.id == entry.id and m.score == 100
    assert m.text == text  # the office's own name is kept


def test_the_region_is_found_without_a_header() -> None:
    texts = ["KPU Kabupaten Paser Melakukan Kegiatan Pendidikan Pemilih",
             "Persentase KPU Kabupaten Paser dalam Merencanakan Program",
             "Persentase Dokumen Pegawai KPU Kabupaten Paser yang Disediakan"]
    assert guess_regions(texts) == ["Kabupaten Paser"]
    assert regions_in("Sekretariat KPU Kabupaten Kutai Kartanegara") == ["Kabupaten Kutai Kartanegara"]


def test_a_misread_region_is_filled_with_the_office_spelling() -> None:
    m = CAT.match("Persentase Kualitas Layanan Persidangan dan Protokol KPU Kota Bontanq", "indicator",
                  ["Kota Bontang"])
    assert m is not None
    assert m.text == "Persentase Kualitas Layanan Persidangan dan Protokol KPU Kota Bontang"


def test_a_novel_indicator_scores_low() -> None:
    m = CAT.match("Persentase Arsip Digital yang Terkelola dengan Baik", "indicator", ["Kota Bontang"])
    assert m is not None and m.score < 75


def test_a_malformed_catalogue_names_the_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "catalogue.csv"
    f.write_text("id,kind,text,program,activity,unit,min,max\nX1,indicator,Jumlah X,,,,ten,20\n")
    with pytest.raises(CatalogueError, match=r"catalogue.csv:2: min must be a number"):
        load_catalogue(f)
    f.write_text("id,kind,text\n")
    with pytest.raises(CatalogueError, match="header must name"):
        load_catalogue(f)


def test_a_missing_catalogue_is_empty(tmp_path: Path) -> None:
    assert len(load_catalogue(tmp_path)) == 0


def test_lexicon_corrects_one_edit_only_to_a_unique_word() -> None:
    lex = load_lexicon(ROOT / "corrections", CAT)
    assert lex.closest("Pegawal") == ("pegawai", 1)
    assert lex.closest("pegawai") is None  # already a word
    assert lex.closest("xqzv") is None
